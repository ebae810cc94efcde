//! `bench long-idle [--udp 0.2|0.3] [--idle-minutes N] [--serve-minutes M]`: a plugged 2023 UDP
//! echo server (`rc-conformance echo`, built for wasm32-wasip1 with the 2023 preview1
//! adapter) run by the real `wasmtime` CLI with the README's line for its build (default
//! handle limit), idles N minutes (default 120), must then echo, then serves one datagram
//! every 50 ms for M minutes (default 30), every echo checked. Prints the wasmtime process's
//! RSS every minute. A documented run (BENCHMARKS.md); the CI variant is
//! `udp_builds::an_idle_0_2_server_grows_no_handles_and_no_memory`.

use anyhow::{Result, bail, ensure};
use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::bench::guest::free_ports;
use host_test::bench::peer::Peer;
use host_test::bench::stats::{Percentiles, ms};
use host_test::wasmtime_cli::{self, Run};
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

pub struct Options {
    pub build: AdapterBuild,
    pub idle: Duration,
    pub serve: Duration,
}

fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"));
    let kib = line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok());
    kib.ok_or_else(|| anyhow::anyhow!("no VmRSS for {pid}"))
}

pub fn run(options: &Options) -> Result<()> {
    let fixed =
        artifacts::legacy_plugged_with("rc-conformance", Era::Nov2023, Some(options.build))?;
    let port = free_ports("127.0.0.1", 1)?[0];
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let port_arg = port.to_string();
    let run = Run {
        args: vec!["echo", "ipv4", &port_arg, "1"],
        ..Run::default()
    };
    let mut command = wasmtime_cli::command(&fixed, &run)?;
    println!("== long idle: {command:?}");
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::null()).spawn()?;
    let pid = child.id();
    let mut peer = Peer::new(false)?;
    peer.handshake(&[addr])?;
    let start = Instant::now();
    let first = rss_kib(pid)?;
    println!("idle {:?}: RSS at start {first} KiB", options.idle);
    let mut minute = 0;
    while start.elapsed() < options.idle {
        std::thread::sleep(Duration::from_secs(1));
        if let Some(status) = child.try_wait()? {
            bail!("the server exited while idle: {status}");
        }
        if start.elapsed().as_secs() / 60 > minute {
            minute += 1;
            println!("  idle {minute:>4} min: RSS {} KiB", rss_kib(pid)?);
        }
    }
    let idle_end = rss_kib(pid)?;
    let wake = peer.round_trip(addr, 64)?;
    println!(
        "after {:?} idle: echoed, round trip {}; RSS {first} -> {idle_end} KiB ({:+} KiB)",
        options.idle,
        ms(wake),
        idle_end as i64 - first as i64
    );
    let serve_start = Instant::now();
    let (mut samples, mut next, mut minute) = (Vec::new(), Instant::now(), 0);
    while serve_start.elapsed() < options.serve {
        samples.push(peer.round_trip(addr, 64)?);
        next += Duration::from_millis(50);
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        if serve_start.elapsed().as_secs() / 60 > minute {
            minute += 1;
            println!(
                "  serving {minute:>4} min: {} echoes, RSS {} KiB",
                samples.len(),
                rss_kib(pid)?
            );
        }
    }
    let serve_end = rss_kib(pid)?;
    let rtt = Percentiles::of(&samples);
    println!(
        "served {} datagrams at one per 50 ms over {:?}, every echo intact: RTT p50 {} p99 {}; RSS {idle_end} -> {serve_end} KiB ({:+} KiB); whole run {first} -> {serve_end} KiB ({:+} KiB)",
        samples.len(),
        options.serve,
        ms(rtt.p50),
        ms(rtt.p99),
        serve_end as i64 - idle_end as i64,
        serve_end as i64 - first as i64
    );
    peer.stop(addr)?;
    let status = child.wait()?;
    ensure!(status.success(), "the server exited with {status}");
    Ok(())
}
