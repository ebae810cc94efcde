//! `bench soak [--minutes N] [--receive-buffer BYTES] [--probe-stats]`: the plugged echo
//! server under a host blaster for N minutes (default 10), with every datagram accounted for
//! (`host_test::bench::soak`). `--receive-buffer` has the guest set its socket's receive
//! buffer; `--probe-stats` plugs an adapter built with that feature and prints its counts of
//! empty probes and parked host calls.

use crate::Bench;
use anyhow::Result;
use host_test::artifacts::{self, AdapterBuild};
use host_test::bench::guest::{Flavor, Server};
use host_test::bench::peer::Peer;
use host_test::bench::probe_stats::ProbeStats;
use host_test::bench::soak;
use host_test::bench::stats::mib;
use std::time::Duration;
use wasmtime::component::Component;

/// What to soak.
pub struct Options {
    pub minutes: f64,
    /// Bytes the guest asks for with `set-receive-buffer-size`; `None` keeps the kernel's.
    pub receive_buffer: Option<u64>,
    pub probe_stats: bool,
}

pub fn run(bench: &Bench, options: &Options) -> Result<()> {
    let minutes = options.minutes;
    let duration = Duration::from_secs_f64(minutes * 60.0);
    let every = Duration::from_secs_f64((minutes * 6.0).clamp(1.0, 60.0));
    let buffer = options
        .receive_buffer
        .map_or("the kernel's default".to_string(), |b| {
            format!("{b} B asked")
        });
    println!(
        "\n== soak: (a) rc + adapter echo server, host blaster at full speed, {minutes} min, receive buffer {buffer}"
    );
    let probes = options.probe_stats.then(ProbeStats::listen).transpose()?;
    let component = if options.probe_stats {
        let path = artifacts::plugged_with("echo-server", AdapterBuild::ProbeStats)?;
        Component::from_file(&bench.engine, &path).map_err(|e| anyhow::anyhow!("{e:?}"))?
    } else {
        bench.component(Flavor::Adapter).clone()
    };
    let server = Server::start(
        &bench.rt,
        &bench.engine,
        &component,
        false,
        1,
        64,
        options.receive_buffer,
    )?;
    let mut peer = Peer::new(false)?;
    peer.handshake(&server.addrs)?;
    let result = soak::run(
        &bench.rt,
        server,
        peer.socket(),
        duration,
        every,
        probes.as_ref(),
    )?;
    println!(
        "| time s | sent | echoed | kernel drops at server | host heap | linear memory | parked host calls |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for s in &result.samples {
        println!(
            "| {:.0} | {} | {} | {} | {} | {} | {} |",
            s.at.as_secs_f64(),
            s.sent,
            s.echoed,
            s.server_drops,
            mib(s.heap as f64),
            mib(s.linear_memory as f64),
            s.probes
                .map_or("-".to_string(), |p| p.parked_now().to_string())
        );
    }
    if let Some(last) = probes.as_ref().and_then(ProbeStats::latest) {
        println!("adapter's last report: {last:?}");
    }
    println!(
        "sent {}, kernel drops at the server {}, echoed by the guest {}, received by the peer {}, kernel drops at the peer {}",
        result.sent,
        result.server_drops,
        result.guest_echoed,
        result.peer_received,
        result.peer_drops
    );
    println!(
        "guest echo rate {:.0} dgram/s; {:.1} % of the blaster's datagrams dropped by the kernel",
        result.guest_echoed as f64 / duration.as_secs_f64(),
        100.0 * result.server_drops as f64 / result.sent as f64
    );
    result.check()?;
    println!(
        "balanced: every datagram the kernel delivered reached the guest, every echo is accounted for"
    );
    Ok(())
}
