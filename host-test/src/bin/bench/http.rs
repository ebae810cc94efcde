//! `bench http [--rounds R] [--seconds S] [--requests N] [--reuse N]`: a 2023 HTTP proxy under the
//! wasmtime 50.0.1 `serve` CLI, against the same program built for native wasi:http 0.2,
//! both served at once, side by side.
//!
//! One program (`host-test/guests/src/programs/proxy.rs`), every flavor served with `-S cli`
//! (the same flags for all: the native twin needs them, for the environment Rust's std for
//! wasip2 imports), but for **A**, served with the README's line:
//! - **A**: `proxy_dec`, built for wasm32-wasip1 and wrapped with cargo-component 0.6.0's
//!   reactor adapter, plugged by default (the proxy build, made in place), served with
//!   `wasmtime serve fixed.wasm`;
//! - **A-cli**: the same component, served with `-S cli`;
//! - **A-nov**: `proxy_nov`, the same of the 11-10 era (cargo-component 0.5.0);
//! - **A-adapter**: `proxy_dec` plugged with the proxy build composed with its adapter
//!   (`Route::Adapter`, the route of a proxy the direct one cannot take);
//! - **B**: `proxy_p2`, built for wasm32-wasip2: native wasi:http 0.2.
//!
//! Throughput: each flavor in turn, `--rounds` times (default 5), gets `--seconds` (default 3)
//! of requests from 2 client threads on kept-alive connections: `GET /hello` (a 28-byte
//! answer) and `POST /echo` of 64 KiB. The table gives the median requests per second and
//! the median of the per-round ratios to B's.
//!
//! `--reuse N` passes `--max-instance-reuse-count N` to every server.
//!
//! Memory: then `--requests` (default 100,000) GETs to each, one flavor at a time, reading
//! the `wasmtime serve` process's resident memory (VmRSS) every tenth of the way.

use anyhow::{Result, ensure};
use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::serve::{Connection, Server};
use host_test::wasmtime_cli::readme_line_flags;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct Options {
    pub rounds: usize,
    pub seconds: f64,
    pub requests: u64,
    /// `--max-instance-reuse-count N` for every server: an instance serves N requests, one
    /// after another, so what making one costs is paid once for N (the default, 1, pays it
    /// for every request).
    pub reuse: Option<u32>,
}

struct Flavor {
    label: &'static str,
    server: Server,
}

const CLIENTS: usize = 2;
const WORKLOADS: [(&str, &str, usize); 2] = [
    ("GET /hello", "/hello", 0),
    ("POST /echo 64 KiB", "/echo", 64 << 10),
];

pub fn run(options: &Options) -> Result<()> {
    let mut plain = readme_line_flags("serve", &[])?;
    let mut cli = readme_line_flags("serve", &["-S cli"])?;
    if let Some(n) = options.reuse {
        for flags in [&mut plain, &mut cli] {
            flags.extend(["--max-instance-reuse-count".to_string(), n.to_string()]);
        }
    }
    let start = |label, component: PathBuf, flags: &[String]| -> Result<Flavor> {
        Ok(Flavor {
            label,
            server: Server::start(&component, flags)?,
        })
    };
    let dec = artifacts::legacy_plugged("proxy_dec", Era::Dec2023)?;
    let adapter = artifacts::legacy_plugged_with(
        "proxy_dec",
        Era::Dec2023,
        Some(AdapterBuild::ProxyAdapter),
    )?;
    let flavors = [
        start("A", dec.clone(), &plain)?,
        start("A-cli", dec, &cli)?,
        start(
            "A-nov",
            artifacts::legacy_plugged("proxy_nov", Era::Nov2023)?,
            &cli,
        )?,
        start("A-adapter", adapter, &cli)?,
        start("B", artifacts::guest("proxy_p2")?, &cli)?,
    ];
    let b = flavors.len() - 1;
    println!(
        "HTTP through `wasmtime serve` 50.0.1{}, {CLIENTS} clients on kept-alive connections, \
         {}s a flavor a round, {} rounds; median requests/s and median per-round ratio to B",
        options.reuse.map_or(String::new(), |n| format!(
            " --max-instance-reuse-count {n}"
        )),
        options.seconds,
        options.rounds
    );
    print!("{:<20}", "");
    for flavor in &flavors {
        print!(" {:>11}", flavor.label);
    }
    for flavor in &flavors[..b] {
        print!(" {:>11}", format!("{}/B", flavor.label));
    }
    println!();
    for (name, path, size) in WORKLOADS {
        let body: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
        // A warm-up: instances, compiled code and connections all made once.
        for flavor in &flavors {
            load(flavor, path, &body, Duration::from_millis(500))?;
        }
        let mut rates: Vec<Vec<f64>> = Vec::new();
        for _ in 0..options.rounds {
            let mut round = Vec::new();
            for flavor in &flavors {
                round.push(load(
                    flavor,
                    path,
                    &body,
                    Duration::from_secs_f64(options.seconds),
                )?);
            }
            rates.push(round);
        }
        let rate = |i: usize| median(rates.iter().map(|r| r[i]).collect());
        let ratio = |i: usize| median(rates.iter().map(|r| r[i] / r[b]).collect());
        print!("{name:<20}");
        for i in 0..flavors.len() {
            print!(" {:>11.0}", rate(i));
        }
        for i in 0..b {
            print!(" {:>11.2}", ratio(i));
        }
        println!();
    }
    println!();
    println!(
        "resident memory of the `wasmtime serve` process over {} GETs, MiB",
        options.requests
    );
    for flavor in &flavors {
        let mut samples = vec![rss_mib(flavor.server.pid())];
        let mut connection = Connection::open(flavor.server.port)?;
        for step in 1..=10 {
            for _ in 0..options.requests / 10 {
                let (status, _) = connection.exchange("GET", "/hello", &[])?;
                ensure!(status == 200, "{}: status {status}", flavor.label);
            }
            if step % 2 == 0 || step == 1 {
                samples.push(rss_mib(flavor.server.pid()));
            }
        }
        let shown: Vec<String> = samples.iter().map(|m| format!("{m:.1}")).collect();
        println!(
            "{:<10} start, 10%, 20%, 40% .. 100%: {}",
            flavor.label,
            shown.join(" ")
        );
    }
    Ok(())
}

/// Requests per second from `CLIENTS` threads for `time`, each request checked.
fn load(flavor: &Flavor, path: &str, body: &[u8], time: Duration) -> Result<f64> {
    let method = if body.is_empty() { "GET" } else { "POST" };
    let started = Instant::now();
    let counts = std::thread::scope(|scope| -> Result<Vec<u64>> {
        let threads: Vec<_> = (0..CLIENTS)
            .map(|_| {
                scope.spawn(|| -> Result<u64> {
                    let mut connection = Connection::open(flavor.server.port)?;
                    let mut n = 0;
                    while started.elapsed() < time {
                        let (status, len) = connection.exchange(method, path, body)?;
                        ensure!(status == 200, "{}: {path}: status {status}", flavor.label);
                        ensure!(
                            body.is_empty() || len == body.len(),
                            "{}: echoed {len}",
                            flavor.label
                        );
                        n += 1;
                    }
                    Ok(n)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    })?;
    Ok(counts.iter().sum::<u64>() as f64 / started.elapsed().as_secs_f64())
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}
