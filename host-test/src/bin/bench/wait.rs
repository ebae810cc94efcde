//! The wait loop: how fast a blocked `poll` wakes, what blocking costs while idle, and a
//! soak of one datagram per millisecond inside one call. The adapter (a) is measured next to
//! the same program on wasmtime's native p2 (b), whose `poll` really blocks.

use crate::Bench;
use anyhow::{Result, ensure};
use host_test::bench::guest::Flavor;
use host_test::bench::process::{Meter, Usage};
use host_test::bench::stats::{Percentiles, Rng, mib, ms};
use host_test::runner::Stdout;
use std::time::Duration;

const FLAVORS: [Flavor; 3] = [Flavor::Adapter, Flavor::Adapter02, Flavor::NativeP2];

pub fn run(bench: &Bench) -> Result<()> {
    println!(
        "\n== wait loop: (a) rc + adapter, UDP over 0.3, (a2) over 0.2.x, vs (b) native p2, same run"
    );
    host_sleep(bench)?;
    let short = FLAVORS.map(|f| wake_short(bench, f));
    report_latency("wake latency, waits of 0-10 ms", &short)?;
    let long = FLAVORS.map(|f| wake_after_idle(bench, f, Duration::from_secs(1)));
    report_latency("wake latency after 1 s idle", &long)?;
    for f in FLAVORS {
        idle(bench, f)?;
    }
    for f in FLAVORS {
        soak(bench, f)?;
    }
    Ok(())
}

/// How long the host's p2 sleep really takes, seen from inside a guest.
fn host_sleep(bench: &Bench) -> Result<()> {
    let path = host_test::artifacts::guest("sleep-probe")?;
    let out = bench.rt.block_on(host_test::runner::run(
        &bench.engine,
        &path,
        &[],
        Stdout::Capture,
    ));
    let out = out.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!("host sleep (p2 subscribe-duration + block), requested -> took:");
    for line in out.assert_success().lines() {
        let w: Vec<f64> = line
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        println!(
            "  {:>8.3} ms -> p50 {:.3} ms, p99 {:.3} ms",
            w[0] / 1e6,
            w[1] / 1e6,
            w[2] / 1e6
        );
    }
    Ok(())
}

fn report_latency(what: &str, results: &[Result<Percentiles>; FLAVORS.len()]) -> Result<()> {
    println!("{what} (echo round trip after the pause; wake latency is at most this):");
    for (f, r) in FLAVORS.iter().zip(results) {
        let p = r
            .as_ref()
            .map_err(|e| anyhow::anyhow!("{}: {e:?}", f.label()))?;
        println!(
            "  {:<34} n={:<4} p50 {}  p99 {}  max {}",
            f.label(),
            p.n,
            ms(p.p50),
            ms(p.p99),
            ms(p.max)
        );
    }
    Ok(())
}

/// The server sits in `poll` for a random 0-10 ms, then a datagram arrives.
fn wake_short(bench: &Bench, flavor: Flavor) -> Result<Percentiles> {
    let mut rng = Rng::new(0x5eed);
    let ((samples, _), _) = bench.with_server(flavor, 1, |peer, server| {
        // Warm-up: the handshake left the server idle for a while, so its first waits are
        // long ones. Only waits that start right after traffic count here.
        for _ in 0..10 {
            peer.round_trip(server.addrs[0], 64)?;
        }
        let mut samples = Vec::new();
        for _ in 0..bench.n(400) {
            std::thread::sleep(Duration::from_micros(rng.below(10_000)));
            samples.push(peer.round_trip(server.addrs[0], 64)?);
        }
        Ok((samples, ()))
    })?;
    Ok(Percentiles::of(&samples))
}

/// The server sits in `poll` for `pause`, long enough for the probe backoff to reach its cap.
fn wake_after_idle(bench: &Bench, flavor: Flavor, pause: Duration) -> Result<Percentiles> {
    let mut rng = Rng::new(0x1d1e);
    let (samples, _) = bench.with_server(flavor, 1, |peer, server| {
        let mut samples = Vec::new();
        for _ in 0..bench.n(40) {
            // Jitter, so that arrivals fall at every phase of the probe period.
            std::thread::sleep(pause + Duration::from_micros(rng.below(100_000)));
            samples.push(peer.round_trip(server.addrs[0], 64)?);
        }
        Ok(samples)
    })?;
    Ok(Percentiles::of(&samples))
}

/// CPU and memory while the server is blocked with no traffic.
pub fn idle(bench: &Bench, flavor: Flavor) -> Result<Usage> {
    let secs = if bench.quick { 2 } else { 10 };
    let ((usage, wake), _) = bench.with_server(flavor, 1, |peer, server| {
        // Let the backoff settle first, as a long-running server would have.
        std::thread::sleep(Duration::from_millis(500));
        let meter = Meter::start();
        std::thread::sleep(Duration::from_secs(secs));
        let usage = meter.stop();
        Ok((usage, peer.round_trip(server.addrs[0], 64)?))
    })?;
    println!(
        "idle {secs} s, {:<16} CPU {:.2} % of a core, heap +{}/s, RSS {} -> {} ({}/s), then woke in {}",
        flavor.label(),
        usage.cores * 100.0,
        mib(usage.heap_growth_per_s()),
        mib(usage.rss_start as f64),
        mib(usage.rss_end as f64),
        mib(usage.rss_growth_per_s()),
        ms(wake),
    );
    Ok(usage)
}

/// One datagram per millisecond for 10 s, all inside the guest's one `run` call.
fn soak(bench: &Bench, flavor: Flavor) -> Result<()> {
    let count = bench.n(10_000);
    let ((echoed, usage), tally) = bench.with_server(flavor, 1, |peer, server| {
        let meter = Meter::start();
        let echoed = peer.paced(server.addrs[0], count, Duration::from_millis(1), 64)?;
        Ok((echoed, meter.stop()))
    })?;
    println!(
        "soak {count} x 64 B at 1/ms, {:<16} echoed {echoed}/{count} in {:.1} s, CPU {:.1} %, heap {} -> {}, RSS {} -> {}, guest send waits {}",
        flavor.label(),
        usage.wall.as_secs_f64(),
        usage.cores * 100.0,
        mib(usage.heap_start as f64),
        mib(usage.heap_end as f64),
        mib(usage.rss_start as f64),
        mib(usage.rss_end as f64),
        tally.send_waits,
    );
    ensure!(
        echoed == count,
        "{}: {} datagrams lost in the soak",
        flavor.label(),
        count - echoed
    );
    Ok(())
}
