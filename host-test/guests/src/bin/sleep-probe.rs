//! Measures the host's sleep, the only way the adapter's wait loop can pass time: a p2
//! `subscribe-duration(r).block()` for several requests `r`, 200 times each, timed with the
//! p2 monotonic clock. Prints `sleep R_NS p50 P50_NS p99 P99_NS` per request.
use rc_guests::p2::*;

fn main() {
    for request in [1u64, 100_000, 500_000, 1_000_000, 2_000_000, 5_000_000] {
        let mut took: Vec<u64> = (0..200)
            .map(|_| {
                let start = monotonic_clock::now();
                monotonic_clock::subscribe_duration(request).block();
                monotonic_clock::now() - start
            })
            .collect();
        took.sort();
        println!("sleep {request} p50 {} p99 {}", took[99], took[197]);
    }
}
