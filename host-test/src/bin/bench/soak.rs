//! `bench soak [--minutes N]`: the plugged echo server under a host blaster for N minutes
//! (default 10), with every datagram accounted for (`host_test::bench::soak`).

use crate::Bench;
use anyhow::Result;
use host_test::bench::guest::{Flavor, Server};
use host_test::bench::peer::Peer;
use host_test::bench::soak;
use host_test::bench::stats::mib;
use std::time::Duration;

pub fn run(bench: &Bench, minutes: f64) -> Result<()> {
    let duration = Duration::from_secs_f64(minutes * 60.0);
    let every = Duration::from_secs_f64((minutes * 6.0).clamp(1.0, 60.0));
    println!("\n== soak: (a) rc + adapter echo server, host blaster at full speed, {minutes} min");
    let server = Server::start(
        &bench.rt,
        &bench.engine,
        bench.component(Flavor::Adapter),
        false,
        1,
        64,
    )?;
    let mut peer = Peer::new(false)?;
    peer.handshake(&server.addrs)?;
    let result = soak::run(&bench.rt, server, peer.socket(), duration, every)?;
    println!("| time s | sent | echoed | kernel drops at server | host heap | linear memory |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for s in &result.samples {
        println!(
            "| {:.0} | {} | {} | {} | {} | {} |",
            s.at.as_secs_f64(),
            s.sent,
            s.echoed,
            s.server_drops,
            mib(s.heap as f64),
            mib(s.linear_memory as f64)
        );
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
