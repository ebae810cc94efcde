//! The measurement behind `docs/design.md`'s table: which 0.3 calls finish at once when made
//! from a sync-typed export (`host-test/guests/src/bin/p3-sync-probe.rs`), run with the real
//! `wasmtime` CLI. RETURNED: the host finished the call on its first poll. STARTED: it did
//! not (wit-bindgen then panics with `!task.is_null()`), so a sync-typed rc call could never
//! get its result (waiting.md).
//!
//! Whether a call is STARTED can depend on the host's threads (stdin's worker thread, file
//! I/O on tokio's blocking pool), so it is measured over many runs by `bench sync-probe`,
//! not asserted; `tests/p3_sync_probe.rs` asserts only the cases that cannot race.

use crate::artifacts;
use crate::wasmtime_cli::{self, Run};
use anyhow::{Result, bail};
use std::process::Stdio;

/// What the host did with the call on the guest's first poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Returned,
    Started,
}

/// The cases of `docs/design.md`'s table: (wasmtime flags, probe arguments). `PORT` is
/// replaced by a listening loopback port.
pub const CASES: [(&[&str], &[&str]); 8] = [
    (&[], &["fs-stat"]),
    (&[], &["fs-read"]),
    (&["-W", "timeout=60s"], &["fs-stat"]),
    (&["-W", "timeout=60s"], &["fs-read"]),
    (&[], &["stdin-read"]),
    (&[], &["tcp-connect", "PORT"]),
    (&[], &["lookup", "localhost"]),
    (&[], &["lookup", "127.0.0.1"]),
];

/// Runs one case with stdin a pipe that stays open and empty until wasmtime exits, and
/// `port` for `PORT`.
pub fn probe(extra: &[&str], args: &[&str], port: u16) -> Result<Outcome> {
    let dir = artifacts::temp_dir(&format!("p3-sync-probe-{}", std::process::id()));
    std::fs::write(dir.join("data.txt"), "data on disk\n")?;
    let mut flags: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    flags.extend(["--dir".into(), format!("{}::/probe", dir.display())]);
    let port = port.to_string();
    let args = args
        .iter()
        .map(|a| if *a == "PORT" { port.as_str() } else { a })
        .collect();
    let guest = artifacts::guest("p3-sync-probe")?;
    let mut child = wasmtime_cli::command(
        &guest,
        &Run {
            flags,
            args,
            ..Run::default()
        },
    )?
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()?;
    let open_stdin = child.stdin.take();
    let out = child.wait_with_output()?;
    drop(open_stdin);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let returned = stdout
        .lines()
        .last()
        .is_some_and(|l| l.ends_with(" RETURNED"));
    if returned && out.status.success() {
        Ok(Outcome::Returned)
    } else if stderr.contains("assertion failed: !task.is_null()") {
        Ok(Outcome::Started)
    } else {
        bail!("neither outcome\nstdout:\n{stdout}\nstderr:\n{stderr}")
    }
}
