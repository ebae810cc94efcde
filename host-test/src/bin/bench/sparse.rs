//! `bench sparse`: the regime between idle and saturated, the most common one for a real
//! server. One 64 B request every 1, 5, 20, 50, 100 and 500 ms, for each of (a) the adapter
//! with rc UDP over 0.3, (a2) over 0.2.x and (b) native p2: round trip p50/p99, the process's
//! CPU time per request (the peer's share is the same for every flavor, so differences are
//! the server's), and what each request leaves behind in host heap and store handles.
//!
//! Store handles: (a) runs the `probe-stats` build of the 0.3 adapter, whose counts of parked
//! calls (two handles each) are exact; (a2) and (b) have no parking code, and run in a store
//! limited to `LIMIT` handles, so that finishing a gap's requests bounds their growth by
//! `LIMIT / requests` per request.

use crate::Bench;
use anyhow::{Context, Result};
use host_test::artifacts::{self, AdapterBuild};
use host_test::bench::guest::{Flavor, Server};
use host_test::bench::peer::Peer;
use host_test::bench::probe_stats::ProbeStats;
use host_test::bench::process::{cpu_time, heap_in_use};
use host_test::bench::stats::Percentiles;
use std::time::Duration;
use wasmtime::component::Component;

const GAPS_MS: [u64; 6] = [1, 5, 20, 50, 100, 500];

/// Store handles (a2) and (b) may hold.
const LIMIT: usize = 1_000;

/// Each gap runs for this long, or `MAX_REQUESTS`, whichever is fewer.
const PER_GAP: Duration = Duration::from_secs(20);
const MAX_REQUESTS: u64 = 1_000;

pub fn run(bench: &Bench) -> Result<()> {
    println!("\n== sparse traffic: one 64 B request per gap, same run");
    println!(
        "| gap | flavor | requests | RTT p50 | RTT p99 | CPU per request | host heap per request | store handles per request |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    let stats = ProbeStats::listen()?;
    let path = artifacts::plugged_with("echo-server", AdapterBuild::ProbeStats)?;
    let probe_stats_build =
        Component::from_file(&bench.engine, &path).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    for gap in GAPS_MS.map(Duration::from_millis) {
        let requests = bench
            .n((PER_GAP.as_millis() / gap.as_millis()) as u64)
            .min(MAX_REQUESTS);
        for flavor in [Flavor::Adapter, Flavor::Adapter02, Flavor::NativeP2] {
            let row = match flavor {
                Flavor::Adapter => one(
                    bench,
                    &probe_stats_build,
                    usize::MAX,
                    Some(&stats),
                    gap,
                    requests,
                ),
                _ => one(bench, bench.component(flavor), LIMIT, None, gap, requests),
            }
            .with_context(|| format!("{} at {gap:?}", flavor.label()))?;
            println!(
                "| {} ms | {} | {requests} | {:.3} ms | {:.3} ms | {:.1} us | {:+.0} B | {} |",
                gap.as_millis(),
                flavor.label(),
                row.rtt.p50.as_secs_f64() * 1e3,
                row.rtt.p99.as_secs_f64() * 1e3,
                row.cpu_per_request.as_secs_f64() * 1e6,
                row.heap_per_request,
                row.handles,
            );
        }
    }
    Ok(())
}

struct Row {
    rtt: Percentiles,
    cpu_per_request: Duration,
    heap_per_request: f64,
    handles: String,
}

fn one(
    bench: &Bench,
    component: &Component,
    limit: usize,
    stats: Option<&ProbeStats>,
    gap: Duration,
    requests: u64,
) -> Result<Row> {
    let on = (false, 1, 64, None);
    let server = Server::start_with_handle_limit(&bench.rt, &bench.engine, component, on, limit)?;
    let addr = server.addrs[0];
    let mut peer = Peer::new(false)?;
    peer.handshake(&server.addrs)?;
    for _ in 0..10 {
        peer.round_trip(addr, 64)?;
        std::thread::sleep(gap);
    }
    let parked = || -> Result<u64> {
        // A report at most 100 ms old: wait for the next one.
        std::thread::sleep(Duration::from_millis(250));
        Ok(stats
            .unwrap()
            .latest()
            .context("no probe-stats report")?
            .parked_now())
    };
    let parked_before = stats.map(|_| parked()).transpose()?;
    let heap_before = heap_in_use();
    let cpu_before = cpu_time();
    let samples = peer.round_trips_every(addr, requests, gap, 64)?;
    let cpu = cpu_time() - cpu_before;
    let heap_after = heap_in_use();
    let parked_after = stats.map(|_| parked()).transpose()?;
    peer.stop(addr)?;
    server.finish(&bench.rt)?;
    let handles = match (parked_before, parked_after) {
        (Some(a), Some(b)) => format!("{:.2}", 2.0 * (b as f64 - a as f64) / requests as f64),
        _ => format!(
            "< {:.2} (ran within a {LIMIT}-handle limit)",
            LIMIT as f64 / requests as f64
        ),
    };
    Ok(Row {
        rtt: Percentiles::of(&samples),
        cpu_per_request: cpu / requests as u32,
        heap_per_request: (heap_after as f64 - heap_before as f64) / requests as f64,
        handles,
    })
}
