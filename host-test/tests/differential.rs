//! Differential runs: one seeded scenario program (`guests/src/programs/differential.rs`),
//! built against the rc WIT and run plugged with each adapter build (rc UDP over 0.3 and over
//! 0.2.x), and built against `wasi:sockets@0.2.12` and run on wasmtime's native p2, must print
//! the same outcomes.
//!
//! `RC_DIFF_SEQUENCES` (default 10,000) and `RC_DIFF_SEED` (default 1) set the run. Known,
//! justified differences between rc and 0.2.12 are listed in `docs/differential.md`; the
//! program avoids each of them, so every line must match.

use host_test::artifacts::{self, AdapterBuild};
use host_test::runner::{self, RunOutput, Stdout};
use wasmtime::component::Component;

/// Sequences per guest run. Each run is one top-level call, in which the adapter's parked
/// probes (and the sockets they borrow) live until it returns.
const PER_RUN: u64 = 250;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map_or(default, |v| v.parse().expect(name))
}

async fn run(
    engine: &wasmtime::Engine,
    component: &Component,
    first: u64,
    count: u64,
) -> RunOutput {
    let args = [first.to_string(), count.to_string()];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    runner::run_component(engine, component, &args, Stdout::Capture)
        .await
        .unwrap()
}

/// The first line where the two outputs part, with the sequence it is in.
fn first_difference(rc: &str, p2: &str) -> Option<String> {
    let mut sequence = "";
    let (mut a, mut b) = (rc.lines(), p2.lines());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return None,
            (x, y) if x == y => {
                if let Some(line) = x.filter(|l| l.starts_with("== ")) {
                    sequence = line;
                }
            }
            (x, y) => {
                return Some(format!(
                    "{sequence}\n  rc + adapter: {x:?}\n  native p2:    {y:?}"
                ));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rc_through_the_adapter_matches_native_p2() {
    for build in AdapterBuild::SHIPPED {
        compare(build).await;
    }
}

async fn compare(build: AdapterBuild) {
    let (sequences, first) = (
        env_or("RC_DIFF_SEQUENCES", 10_000),
        env_or("RC_DIFF_SEED", 1),
    );
    let engine = runner::engine().unwrap();
    let load = |path| Component::from_file(&engine, path).unwrap();
    let rc = load(artifacts::plugged_with("differential", build).unwrap());
    let p2 = load(artifacts::guest("differential-p2").unwrap());
    let (mut lines, mut deliveries) = (0, 0);
    let mut start = first;
    while start < first + sequences {
        let count = PER_RUN.min(first + sequences - start);
        let (a, b) = tokio::join!(
            run(&engine, &rc, start, count),
            run(&engine, &p2, start, count)
        );
        let (a, b) = (a.assert_success(), b.assert_success());
        if let Some(diff) = first_difference(a, b) {
            panic!(
                "{build:?}, seeds {start}..{}: outputs differ at\n{diff}",
                start + count
            );
        }
        assert_eq!(
            a.matches("== sequence").count() as u64,
            count,
            "every sequence ran"
        );
        assert!(
            !a.contains("NOT as sent"),
            "a datagram went missing on both hosts alike:\n{a}"
        );
        lines += a.lines().count();
        deliveries += a
            .lines()
            .filter_map(|l| l.strip_prefix("== received "))
            .map(|n| n.parse::<u64>().unwrap())
            .sum::<u64>();
        start += count;
    }
    println!(
        "{build:?}: {sequences} sequences from seed {first}: {lines} identical lines, {deliveries} datagrams received"
    );
    // The generator must reach the calls it is meant to compare.
    assert!(
        deliveries > sequences,
        "too few datagrams received: {deliveries}"
    );
}
