//! The one-line explanation before a 0.3-build server runs out of host handles.
//!
//! The adapter cannot see the host's limits, but it knows how many calls it has parked, at
//! two store handles each (the subtask and its waitable-set membership); see `parked`. A
//! server that never returns from `run` keeps them all. At `max_parked()` it writes one line
//! to stderr, naming the cause and the remedies, and traps, instead of the bare "store handle
//! limit exceeded" wasmtime gives a little later, or an out-of-memory kill with a raised
//! limit.

use crate::bindings::wasi::cli0_3_0::environment;
use crate::cli_p2::stderr;
use std::cell::OnceCell;

/// Parked calls allowed by default: 98,000 handles, just under wasmtime's default of
/// 100,000 per store (`-S max-component-handles`), leaving the rest for the program's own
/// resources.
pub const DEFAULT_MAX_PARKED: usize = 49_000;

/// The environment variable (`wasmtime run --env`) that moves the threshold, for hosts run
/// with a raised `-S max-component-handles`: about half the host's limit, less a margin.
pub const MAX_PARKED_VAR: &str = "RC_ADAPTER_MAX_PARKED_CALLS";

thread_local! {
    static MAX_PARKED: OnceCell<usize> = const { OnceCell::new() };
}

fn max_parked() -> usize {
    MAX_PARKED.with(|max| {
        *max.get_or_init(|| {
            let env = environment::get_environment();
            let set = env.iter().find(|(name, _)| name == MAX_PARKED_VAR);
            set.and_then(|(_, v)| v.parse().ok())
                .unwrap_or(DEFAULT_MAX_PARKED)
        })
    })
}

/// Called with the number of calls parked now; stops the program at the threshold.
pub fn check(parked: usize) {
    let max = max_parked();
    if parked < max {
        return;
    }
    let line = message(max);
    // Best effort: the trap below carries the same text.
    let _ = stderr::get_stderr().blocking_write_and_flush(format!("{line}\n").as_bytes());
    panic!("{line}");
}

fn message(max: usize) -> String {
    format!(
        "rc-adapter: {max} UDP calls are parked in the host ({} store handles), and a \
         program that never returns from `run` cannot free them; wasmtime stops at 100000 \
         handles by default. Plug with `--udp 0.2` (rc UDP over WASI 0.2.x parks nothing), \
         or raise the host's limit with `-S max-component-handles=N` and this one with \
         `--env {MAX_PARKED_VAR}=M` (M about N/2 - 1000).",
        2 * max
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_stays_under_wasmtimes_handle_limit_and_the_line_names_the_remedies() {
        const { assert!(2 * DEFAULT_MAX_PARKED < 100_000) };
        let line = message(DEFAULT_MAX_PARKED);
        assert!(!line.contains('\n'), "one line");
        for remedy in ["--udp 0.2", "-S max-component-handles=", MAX_PARKED_VAR] {
            assert!(line.contains(remedy), "{line}");
        }
        assert!(line.contains("98000 store handles"), "{line}");
    }
}
