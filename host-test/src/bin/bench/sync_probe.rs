//! `bench sync-probe [--runs N]`: every case of `docs/design.md`'s table of 0.3 calls made
//! from a sync-typed export, `--runs` times each (default 20), through the wasmtime CLI;
//! prints how often each came back RETURNED and STARTED (`host_test::bench::sync_probe`).

use anyhow::Result;
use host_test::bench::sync_probe::{self, CASES, Outcome};

pub fn run(runs: usize) -> Result<()> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    println!("0.3 calls from a sync-typed export, wasmtime 50.0.1 CLI, {runs} runs each");
    println!("{:<40} {:>9} {:>8}", "case", "RETURNED", "STARTED");
    for (flags, args) in CASES {
        let mut returned = 0;
        for _ in 0..runs {
            if sync_probe::probe(flags, args, port)? == Outcome::Returned {
                returned += 1;
            }
        }
        let case = [flags, args].concat().join(" ");
        println!("{case:<40} {returned:>9} {:>8}", runs - returned);
    }
    Ok(())
}
