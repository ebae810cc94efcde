//! `bench rounds [--gap-ms N]`: (a2) the adapter with rc UDP over 0.2.x against (b) native
//! p2, alternating in rounds, so that drift in the machine shows up as spread between rounds
//! rather than as a difference between flavors. Each round measures, for each flavor, round
//! trips of one 64 B datagram at a time (`--gap-ms` apart, default 0) and echo throughput
//! at 64 B and 1,400 B on one socket, and at 64 B on 100 sockets in one poll.
//!
//! On a VM the round trip depends on whether the scheduler keeps the peer and the guest on one
//! CPU; run under `taskset -c 0` to hold that fixed and see the adapter's own cost.

use crate::{Bench, compare};
use anyhow::Result;
use host_test::bench::guest::Flavor;
use std::time::Duration;

const ROUNDS: usize = 5;

pub fn run(bench: &Bench, gap: Duration) -> Result<()> {
    let requests = if gap.is_zero() {
        bench.n(5_000)
    } else {
        bench.n((10_000 / gap.as_millis().max(1)) as u64).max(50)
    };
    println!(
        "\n== rounds: a2 (UDP over 0.2.x) then b (native p2), {ROUNDS} rounds; \
         {requests} round trips of 64 B, {} ms apart",
        gap.as_millis()
    );
    let mut rows = Vec::new();
    for _ in 0..ROUNDS {
        let mut row = Vec::new();
        for flavor in [Flavor::Adapter02, Flavor::NativeP2] {
            let rtt = compare::round_trips(bench, flavor, gap, requests)?;
            let small = compare::throughput(bench, flavor, 1, 64)?;
            let large = compare::throughput(bench, flavor, 1, 1400)?;
            let many = compare::throughput(bench, flavor, 100, 64)?;
            row.push((rtt, small, large, many));
        }
        rows.push(row);
    }
    println!(
        "| round | RTT p50 a2 / b | a2 - b | RTT p99 a2 / b | 64 B dgram/s a2 / b | a2/b | 1400 B dgram/s a2 / b | a2/b | 64 B x 100 sockets a2 / b | a2/b |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (mut overhead, mut small, mut large, mut many) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, row) in rows.iter().enumerate() {
        let [(rtt2, s2, l2, m2), (rttb, sb, lb, mb)] = [row[0], row[1]];
        overhead.push(us(rtt2.p50) - us(rttb.p50));
        small.push(s2 / sb);
        large.push(l2 / lb);
        many.push(m2 / mb);
        println!(
            "| {} | {:.1} / {:.1} us | {:+.1} us | {:.1} / {:.1} us | {s2:.0} / {sb:.0} | {:.2} | {l2:.0} / {lb:.0} | {:.2} | {m2:.0} / {mb:.0} | {:.2} |",
            i + 1,
            us(rtt2.p50),
            us(rttb.p50),
            overhead[i],
            us(rtt2.p99),
            us(rttb.p99),
            small[i],
            large[i],
            many[i]
        );
    }
    for (name, unit, values) in [
        ("RTT p50 overhead a2 - b", " us", &mut overhead),
        ("throughput 64 B a2/b", "", &mut small),
        ("throughput 1400 B a2/b", "", &mut large),
        ("throughput 64 B x 100 sockets a2/b", "", &mut many),
    ] {
        values.sort_by(f64::total_cmp);
        println!(
            "{name}: median {:.2}{unit}, range {:.2} to {:.2}{unit}",
            values[ROUNDS / 2],
            values[0],
            values[ROUNDS - 1]
        );
    }
    Ok(())
}
