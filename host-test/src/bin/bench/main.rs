//! Benchmarks of the rc adapter, run inside one wasmtime 50.0.1 embedding.
//!
//! `cargo run --release -p host-test --bin bench -- [wait|compare|sparse|all|profile|soak] [--quick]`
//! and, for `soak`, `[--minutes N] [--receive-buffer BYTES] [--probe-stats]`; for `profile`,
//! `[--udp 0.3|0.2] [--size BYTES] [--sockets N]`.
//!
//! - `wait`: the wait loop (issue 2): wake latency, idle cost and a 10 s soak, for the adapter
//!   and, as the baseline in the same run, the same program on wasmtime's native p2.
//! - `compare`: the adapter (a) against native p2 (b) and native p3 (c): throughput, round
//!   trips, a 100-socket server, idle cost, size and instantiation time, with ratios.
//! - `tcp-rtt`: TCP round trips through a 2023 command on the wasmtime 50 CLI, plugged,
//!   against wasmtime 15 running it unplugged (`tcp_rtt.rs`).
//! - `long-idle`: a plugged UDP server under the wasmtime CLI idles for hours, then serves
//!   one datagram every 50 ms (`long_idle.rs`).
//! - `rounds`: the 0.2.x build against native p2 in alternating rounds: round trips
//!   (`--gap-ms N` apart) and throughput at 64 and 1,400 B (`rounds.rs`).
//! - `sparse`: one request every 1-500 ms, for both adapter builds and native p2: round
//!   trips and what each request leaves behind in host heap and store handles.
//! - `bulk`: stdio, files and TCP streams moving `--mib` MiB through a plugged 2023 command
//!   on the wasmtime CLI, against the same program run natively (`bulk.rs`).
//! - `http`: a 2023 HTTP proxy under `wasmtime serve`, plugged, against the same program
//!   built for native wasi:http 0.2: requests per second and the server's memory (`http.rs`).
//! - `sync-probe`: which 0.3 calls finish at once when made from a sync-typed export, over
//!   `--runs N` runs of each case (`sync_probe.rs`; `docs/design.md` keeps the output).
//! - `soak`: the adapter under a host blaster for `--minutes` (default 10), with every
//!   datagram accounted for: kernel drops, guest echoes, echoes received. `--probe-stats`
//!   also counts the adapter's parked host calls (`adapter/src/p3_udp/probe_stats.rs`).
//!
//! Every datagram is numbered and checked: a lost or corrupted one stops the benchmark.

mod bulk;
mod compare;
mod http;
mod long_idle;
mod rounds;
mod soak;
mod sparse;
mod sync_probe;
mod tcp_rtt;
mod wait;

use anyhow::Result;
use host_test::artifacts::AdapterBuild;
use host_test::bench::guest::{Flavor, Server, Tally};
use host_test::bench::peer::Peer;
use wasmtime::Engine;
use wasmtime::component::Component;

/// Everything a workload needs: the runtime the guests run on and the loaded components.
pub struct Bench {
    pub rt: tokio::runtime::Runtime,
    pub engine: Engine,
    components: Vec<(Flavor, Component)>,
    /// Smaller counts and shorter idles, for a quick look (figures are then rougher).
    pub quick: bool,
    /// Multiplies throughput run lengths (`profile` uses 10).
    pub scale: u64,
}

impl Bench {
    fn new(quick: bool) -> Result<Bench> {
        let engine = host_test::runner::engine().map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let components = Flavor::ALL
            .iter()
            .map(|&f| Ok((f, f.component(&engine)?)))
            .collect::<Result<_>>()?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        Ok(Bench {
            rt,
            engine,
            components,
            quick,
            scale: 1,
        })
    }

    pub fn component(&self, flavor: Flavor) -> &Component {
        &self
            .components
            .iter()
            .find(|(f, _)| *f == flavor)
            .unwrap()
            .1
    }

    /// Starts an echo server of `flavor` on `sockets` IPv4 loopback ports, handshakes with
    /// every one, runs `work`, then stops it and checks its tally.
    pub fn with_server<T>(
        &self,
        flavor: Flavor,
        sockets: usize,
        work: impl FnOnce(&mut Peer, &Server) -> Result<T>,
    ) -> Result<(T, Tally)> {
        let server = Server::start(
            &self.rt,
            &self.engine,
            self.component(flavor),
            false,
            sockets,
            64,
            None,
        )?;
        let mut peer = Peer::new(false)?;
        let out = match peer
            .handshake(&server.addrs)
            .and_then(|()| work(&mut peer, &server))
        {
            Ok(out) => out,
            Err(e) => {
                let guest = server.post_mortem(&self.rt);
                return Err(e.context(format!("{}: {guest}", flavor.label())));
            }
        };
        peer.stop(server.addrs[0])?;
        let tally = server.finish(&self.rt)?;
        Ok((out, tally))
    }

    /// Scales a count down in quick mode.
    pub fn n(&self, full: u64) -> u64 {
        if self.quick { (full / 10).max(5) } else { full }
    }
}

/// Options that take a value; everything else starting with `--` is a switch.
const VALUED: [&str; 15] = [
    "--reuse",
    "--seconds",
    "--requests",
    "--runs",
    "--mib",
    "--rounds",
    "--only",
    "--sockets",
    "--size",
    "--gap-ms",
    "--minutes",
    "--receive-buffer",
    "--udp",
    "--idle-minutes",
    "--serve-minutes",
];

fn value_of<T: std::str::FromStr>(args: &[String], flag: &str) -> Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match args.iter().position(|a| a == flag) {
        Some(i) => {
            let value = args
                .get(i + 1)
                .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
            Ok(Some(value.parse()?))
        }
        None => Ok(None),
    }
}

/// The adapter build `--udp 0.3|0.2` names, or `default`.
fn udp_build(args: &[String], default: AdapterBuild) -> Result<AdapterBuild> {
    Ok(match value_of::<String>(args, "--udp")?.as_deref() {
        None => default,
        Some("0.3") => AdapterBuild::Udp03,
        Some("0.2") => AdapterBuild::Udp02,
        Some(other) => anyhow::bail!("--udp takes 0.2 or 0.3, not {other}"),
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let soak_options = soak::Options {
        minutes: value_of(&args, "--minutes")?.unwrap_or(10.0),
        receive_buffer: value_of(&args, "--receive-buffer")?,
        probe_stats: args.iter().any(|a| a == "--probe-stats"),
    };
    let what = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || !VALUED.contains(&args[i - 1].as_str())))
        .map_or("all", |(_, a)| a.as_str());
    if what == "tcp-rtt" {
        // Runs the wasmtime CLIs, not this embedding.
        return tcp_rtt::run(quick);
    }
    if what == "bulk" {
        // Runs the wasmtime CLI.
        return bulk::run(&bulk::Options {
            mib: value_of(&args, "--mib")?.unwrap_or(256),
            rounds: value_of(&args, "--rounds")?.unwrap_or(5),
            only: value_of(&args, "--only")?,
        });
    }
    if what == "http" {
        // Runs the wasmtime CLI.
        return http::run(&http::Options {
            rounds: value_of(&args, "--rounds")?.unwrap_or(5),
            seconds: value_of(&args, "--seconds")?.unwrap_or(3.0),
            requests: value_of(&args, "--requests")?.unwrap_or(100_000),
            reuse: value_of(&args, "--reuse")?,
        });
    }
    if what == "sync-probe" {
        // Runs the wasmtime CLI.
        return sync_probe::run(value_of(&args, "--runs")?.unwrap_or(20));
    }
    if what == "long-idle" {
        // Runs the wasmtime CLI too.
        let minutes = |flag, default| -> Result<std::time::Duration> {
            let m: f64 = value_of(&args, flag)?.unwrap_or(default);
            Ok(std::time::Duration::from_secs_f64(m * 60.0))
        };
        return long_idle::run(&long_idle::Options {
            build: udp_build(&args, AdapterBuild::Udp02)?,
            idle: minutes("--idle-minutes", 120.0)?,
            serve: minutes("--serve-minutes", 30.0)?,
        });
    }
    let mut bench = Bench::new(quick)?;
    if what == "profile" {
        bench.scale = 10;
    }
    println!(
        "wasmtime 50.0.1 (host-test embedding), IPv4 loopback, {} mode",
        if quick { "quick" } else { "full" }
    );
    match what {
        "wait" => wait::run(&bench),
        "compare" => compare::run(&bench),
        "all" => wait::run(&bench).and_then(|()| compare::run(&bench)),
        // One long adapter echo run, to profile (`perf record`, RC_ADAPTER_PERFMAP=1).
        "profile" => compare::profile(
            &bench,
            match udp_build(&args, AdapterBuild::Udp03)? {
                AdapterBuild::Udp02 => Flavor::Adapter02,
                _ => Flavor::Adapter,
            },
            value_of(&args, "--size")?.unwrap_or(64),
            value_of(&args, "--sockets")?.unwrap_or(1),
        ),
        "soak" => soak::run(&bench, &soak_options),
        "sparse" => sparse::run(&bench),
        "rounds" => rounds::run(
            &bench,
            std::time::Duration::from_millis(value_of(&args, "--gap-ms")?.unwrap_or(0)),
        ),
        other => anyhow::bail!(
            "unknown benchmark {other:?}: wait, compare, all, profile, soak, sparse, rounds, \
             tcp-rtt, long-idle, bulk or sync-probe"
        ),
    }
}
