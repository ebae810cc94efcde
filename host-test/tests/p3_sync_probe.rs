//! The cases of `docs/design.md`'s table of 0.3 calls from a sync-typed export whose outcome
//! cannot race: the host finishes them inline. The cases that come back STARTED depend on
//! the host's threads, so `bench sync-probe` measures them over many runs instead, and
//! `docs/design.md` keeps its output (`host_test::bench::sync_probe`).

use host_test::bench::sync_probe::{Outcome, probe};

#[test]
fn the_0_3_calls_the_host_finishes_inline_return_at_once() {
    // File I/O runs inline where the host lets WASI block its thread, as `wasmtime run`
    // does without a timeout (`WasiCtxBuilder::allow_blocking_current_thread`).
    assert_eq!(probe(&[], &["fs-stat"], 0).unwrap(), Outcome::Returned);
    assert_eq!(probe(&[], &["fs-read"], 0).unwrap(), Outcome::Returned);
    // An IP literal needs no lookup.
    assert_eq!(
        probe(&[], &["lookup", "127.0.0.1"], 0).unwrap(),
        Outcome::Returned
    );
}
