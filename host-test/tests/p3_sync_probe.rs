//! The measurements behind `docs/design.md`'s table: which 0.3 calls finish at once when made
//! from a sync-typed export (`host-test/guests/src/bin/p3-sync-probe.rs`), run with the real
//! `wasmtime` CLI. RETURNED: the host finished the call on its first poll. STARTED: it did not
//! (wit-bindgen then panics with `!task.is_null()`), so a sync-typed rc call could never get its
//! result (waiting.md).

use host_test::artifacts;
use host_test::wasmtime_cli::{self, Run};

fn probe(extra: &[&str], args: &[&str], stdin: &[u8]) -> &'static str {
    let dir = artifacts::repo_root().join("target/tmp/p3-sync-probe");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("data.txt"), "data on disk\n").unwrap();
    let mut flags: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    flags.extend(["--dir".into(), format!("{}::/probe", dir.display())]);
    let guest = artifacts::guest("p3-sync-probe").unwrap();
    let out = wasmtime_cli::run(
        &guest,
        &Run {
            flags,
            args: args.to_vec(),
            stdin,
        },
    )
    .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    if stdout
        .lines()
        .last()
        .is_some_and(|l| l.ends_with(" RETURNED"))
        && out.status.success()
    {
        "RETURNED"
    } else if stderr.contains("assertion failed: !task.is_null()") {
        "STARTED"
    } else {
        panic!("{args:?}: neither outcome\nstdout:\n{stdout}\nstderr:\n{stderr}")
    }
}

#[test]
fn which_0_3_calls_finish_at_once() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    // Files: at once only where the host lets WASI block its thread. `wasmtime run` does,
    // unless a timeout is set; embedders do not by default. So files stand on 0.2.x.
    assert_eq!(probe(&[], &["fs-stat"], b""), "RETURNED");
    assert_eq!(probe(&[], &["fs-read"], b""), "RETURNED");
    assert_eq!(probe(&["-W", "timeout=60s"], &["fs-stat"], b""), "STARTED");
    assert_eq!(probe(&["-W", "timeout=60s"], &["fs-read"], b""), "STARTED");
    // stdin: a read is STARTED, also when the pipe already holds data (by hand:
    // `(echo hi; sleep 3) | wasmtime run ... p3-sync-probe.wasm stdin-read`).
    assert_eq!(probe(&[], &["stdin-read"], b"waiting\n"), "STARTED");
    // TCP connect to a listening port, and a lookup of a name: STARTED. An IP literal: at once.
    assert_eq!(probe(&[], &["tcp-connect", &port], b""), "STARTED");
    assert_eq!(probe(&[], &["lookup", "localhost"], b""), "STARTED");
    assert_eq!(probe(&[], &["lookup", "127.0.0.1"], b""), "RETURNED");
}
