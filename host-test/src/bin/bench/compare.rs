//! The adapter's two builds, rc UDP over 0.3 (a) and over 0.2.x (a2), against the same UDP
//! work on wasmtime's native p2 (b) and native p3 (c), in one process and one run, with the
//! ratios a/b, a2/b and a2/a.

use crate::{Bench, wait};
use anyhow::Result;
use host_test::artifacts;
use host_test::bench::guest::Flavor;
use host_test::bench::process::Meter;
use host_test::bench::stats::Percentiles;
use host_test::runner;
use std::time::{Duration, Instant};
use wasmtime::component::Component;

/// One line of the results table: a figure for each flavor, in `Flavor::ALL` order.
struct Row {
    name: String,
    unit: &'static str,
    values: Vec<f64>,
}

pub fn run(bench: &Bench) -> Result<()> {
    println!(
        "\n== compare: (a) rc + adapter, UDP over 0.3, (a2) UDP over 0.2.x, (b) native p2, (c) native p3, same run"
    );
    let mut rows = Vec::new();
    for size in [64, 1400] {
        rows.push(per_flavor(
            format!("echo throughput {size} B, 1 socket"),
            "dgram/s",
            |f| throughput(bench, f, 1, size),
        )?);
    }
    let rtts: Vec<Percentiles> = Flavor::ALL
        .iter()
        .map(|&f| round_trips(bench, f, Duration::ZERO, bench.n(5_000)))
        .collect::<Result<_>>()?;
    for (name, pick) in [("p50", 0), ("p99", 1)] {
        let values = rtts
            .iter()
            .map(|p| [p.p50, p.p99][pick].as_secs_f64() * 1e6)
            .collect();
        rows.push(Row {
            name: format!("round trip {name}, 64 B"),
            unit: "us",
            values,
        });
    }
    rows.push(per_flavor(
        "echo throughput 64 B, 100 sockets, one poll".into(),
        "dgram/s",
        |f| throughput(bench, f, 100, 64),
    )?);
    let mut idle_cpu = Vec::new();
    let mut idle_rss = Vec::new();
    for f in Flavor::ALL {
        let usage = wait::idle(bench, f)?;
        idle_cpu.push(usage.cores * 100.0);
        idle_rss.push(usage.heap_growth_per_s() / 1024.0);
    }
    rows.push(Row {
        name: "idle CPU while blocked".into(),
        unit: "% core",
        values: idle_cpu,
    });
    rows.push(Row {
        name: "idle host heap growth".into(),
        unit: "KiB/s",
        values: idle_rss,
    });
    rows.push(per_flavor("instantiate".into(), "us", |f| {
        instantiate_time(bench, bench.component(f), false).map(|d| d.as_secs_f64() * 1e6)
    })?);
    print_table(&rows);
    print_static(bench)
}

fn per_flavor(
    name: String,
    unit: &'static str,
    mut measure: impl FnMut(Flavor) -> Result<f64>,
) -> Result<Row> {
    let values = Flavor::ALL
        .iter()
        .map(|&f| measure(f))
        .collect::<Result<_>>()?;
    Ok(Row { name, unit, values })
}

/// Datagrams per second echoed with 32 in flight, after a warm-up. Also prints the host
/// heap each datagram left behind (the adapter's parked probes; 64 KiB each).
pub fn throughput(bench: &Bench, flavor: Flavor, sockets: usize, size: usize) -> Result<f64> {
    let total = bench.n(40_000) * bench.scale;
    let ((rate, heap), tally) = bench.with_server(flavor, sockets, |peer, server| {
        peer.throughput(&server.addrs, size, bench.n(2_000), 32)?;
        let meter = Meter::start();
        let rate = peer.throughput(&server.addrs, size, total, 32)?;
        Ok((rate, meter.stop()))
    })?;
    println!(
        "  {} throughput {size} B x {sockets} sockets: {rate:.0} dgram/s, host heap {:+.0} B per datagram",
        flavor.label(),
        (heap.heap_end as f64 - heap.heap_start as f64) / total as f64
    );
    if tally.send_waits > 0 {
        println!(
            "  ({}: {} send waits during throughput {size} B)",
            flavor.label(),
            tally.send_waits
        );
    }
    Ok(rate)
}

/// 400,000 echoes of `size` bytes over `sockets` sockets through one adapter build, for a
/// profiler to look at.
pub fn profile(bench: &Bench, flavor: Flavor, size: usize, sockets: usize) -> Result<()> {
    let rate = throughput(bench, flavor, sockets, size)?;
    println!(
        "{} echo throughput {size} B x {sockets} sockets: {rate:.0} dgram/s",
        flavor.label()
    );
    Ok(())
}

/// One 64 B datagram at a time, `requests` of them `gap` apart, after 500 back to back.
pub fn round_trips(
    bench: &Bench,
    flavor: Flavor,
    gap: Duration,
    requests: u64,
) -> Result<Percentiles> {
    let (samples, _) = bench.with_server(flavor, 1, |peer, server| {
        peer.round_trips_every(server.addrs[0], bench.n(500), Duration::ZERO, 64)?;
        peer.round_trips_every(server.addrs[0], requests, gap, 64)
    })?;
    Ok(Percentiles::of(&samples))
}

/// Mean time to instantiate, over 200 fresh stores, from a pre-instantiated linker.
/// `stub_unknown` defines every import WASI lacks as a trap (to load an unplugged guest).
fn instantiate_time(bench: &Bench, component: &Component, stub_unknown: bool) -> Result<Duration> {
    let wasm = |e: wasmtime::Error| anyhow::anyhow!("{e:?}");
    let mut linker = runner::linker(&bench.engine).map_err(wasm)?;
    if stub_unknown {
        linker
            .define_unknown_imports_as_traps(component)
            .map_err(wasm)?;
    }
    let pre = linker.instantiate_pre(component).map_err(wasm)?;
    let rounds = bench.n(200) as u32;
    bench.rt.block_on(async {
        for _ in 0..10 {
            pre.instantiate_async(&mut runner::store(&bench.engine))
                .await
                .map_err(wasm)?;
        }
        let start = Instant::now();
        for _ in 0..rounds {
            pre.instantiate_async(&mut runner::store(&bench.engine))
                .await
                .map_err(wasm)?;
        }
        Ok(start.elapsed() / rounds)
    })
}

fn print_table(rows: &[Row]) {
    println!(
        "\n| workload | unit | a: UDP over 0.3 | a2: UDP over 0.2.x | b: native p2 | c: native p3 | a/b | a2/b | a2/a |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let ratio = |x: f64, y: f64| {
        if y == 0.0 {
            "-".to_string()
        } else {
            format!("{:.2}", x / y)
        }
    };
    for row in rows {
        let [a, a2, b, c] = row.values[..] else {
            unreachable!("one value per flavor")
        };
        println!(
            "| {} | {} | {a:.1} | {a2:.1} | {b:.1} | {c:.1} | {} | {} | {} |",
            row.name,
            row.unit,
            ratio(a, b),
            ratio(a2, b),
            ratio(a2, a)
        );
    }
    if let Some(rtt) = rows.iter().find(|r| r.name.starts_with("round trip p50")) {
        let v = &rtt.values;
        println!(
            "round trip p50 overhead over native p2: a {:.1} us, a2 {:.1} us",
            v[0] - v[2],
            v[1] - v[2]
        );
    }
}

fn print_static(bench: &Bench) -> Result<()> {
    let adapter = artifacts::adapter(artifacts::AdapterBuild::Udp03)?.len();
    println!("\nadapter component: {adapter} bytes");
    let raw = Component::from_file(&bench.engine, artifacts::guest("echo-server")?)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let unplugged = instantiate_time(bench, &raw, true)?;
    let plugged = instantiate_time(bench, bench.component(Flavor::Adapter), false)?;
    println!(
        "instantiate echo-server: plugged {:.1} us, unplugged (rc imports stubbed as traps) {:.1} us, ratio {:.2}",
        plugged.as_secs_f64() * 1e6,
        unplugged.as_secs_f64() * 1e6,
        plugged.as_secs_f64() / unplugged.as_secs_f64()
    );
    Ok(())
}
