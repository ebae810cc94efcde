//! When a 0.3 socket may be probed: plain Rust that `cargo test -p adapter` runs natively.

use crate::state::HOST_TICK;

const MS: u64 = 1_000_000;

/// Pause after an empty probe, by how many probes in a row came back empty.
///
/// Every empty 0.3 receive parks a host buffer until the top-level call returns
/// (`docs/design.md`). Waits shorter than 10 ms must wake within about a tick, so the first
/// `FINE_PROBES` probes come one tick apart; after that the pause doubles up to `CAP`, which
/// bounds both the wake latency after a long idle stretch and the memory an idle wait parks
/// (12.5 probes a second). BENCHMARKS.md has the figures behind these numbers.
pub fn probe_pause(empty_streak: u32) -> u64 {
    const FINE_PROBES: u32 = 12;
    const CAP: u64 = 80 * MS;
    if empty_streak <= FINE_PROBES {
        HOST_TICK
    } else {
        let doublings = (empty_streak - FINE_PROBES).min(16);
        (HOST_TICK << doublings).min(CAP)
    }
}

/// After how many datagrams in sparse mode a probe right after data tests for a burst.
pub const BURST_TEST_EVERY: u32 = 4;

/// How many sockets one wait may probe at the full rate. When a `poll` waits on more, each
/// socket's pauses after empty probes stretch by `sockets / CROWD_FREE`, so the empty probes
/// of the whole wait (each parks host memory and two handles) stay those of `CROWD_FREE`
/// sockets. Measured: 100 sockets probed at the full rate exhausted wasmtime's default
/// 100,000 store handles within seconds.
pub const CROWD_FREE: u32 = 4;

/// When a socket may be probed again with a fresh 0.3 receive.
///
/// A 0.3 receive returns one datagram, so after data the socket is probed again at once
/// (a *re-probe*) to drain a burst. When traffic is sparse (say one datagram per
/// millisecond) that re-probe finds nothing and parks a host buffer for every datagram. So a
/// re-probe that comes back empty switches the socket to *sparse* mode: after data it waits
/// for the next host tick, and only every `BURST_TEST_EVERY`th datagram re-probes to see
/// whether a burst has started. A re-probe that finds data switches back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProbeSchedule {
    empty_streak: u32,
    next_at: u64,
    /// The next probe is a re-probe right after data.
    reprobe: bool,
    sparse: bool,
    /// Datagrams found since entering sparse mode.
    sparse_hits: u32,
}

impl ProbeSchedule {
    pub fn due(&self, now: u64) -> bool {
        now >= self.next_at
    }

    pub fn next_at(&self) -> u64 {
        self.next_at
    }

    #[cfg(test)]
    fn is_sparse(&self) -> bool {
        self.sparse
    }

    /// An empty probe, taken while a wait covers `crowd` sockets (1 outside `poll`).
    pub fn on_empty(&mut self, now: u64, crowd: u32) {
        if self.reprobe {
            self.sparse = true;
            self.sparse_hits = 0;
        }
        self.reprobe = false;
        self.empty_streak = self.empty_streak.saturating_add(1);
        let stretch = u64::from(crowd.div_ceil(CROWD_FREE).max(1));
        self.next_at = now.saturating_add(probe_pause(self.empty_streak).saturating_mul(stretch));
    }

    pub fn on_data(&mut self, now: u64) {
        if self.reprobe {
            self.sparse = false;
        }
        self.empty_streak = 0;
        if self.sparse {
            self.sparse_hits = self.sparse_hits.wrapping_add(1);
            self.reprobe = self.sparse_hits.is_multiple_of(BURST_TEST_EVERY);
        } else {
            self.reprobe = true;
        }
        self.next_at = if self.reprobe {
            now
        } else {
            now.saturating_add(HOST_TICK)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_pause_starts_fine_then_doubles_to_a_cap() {
        let pauses: Vec<u64> = (1..=24).map(probe_pause).collect();
        // The fine phase covers waits of 10 ms and more, one tick apart.
        assert!(pauses[..12].iter().all(|&p| p == MS));
        assert!(pauses[..12].iter().sum::<u64>() >= 10 * MS);
        assert!(
            pauses.windows(2).all(|w| w[0] <= w[1]),
            "never shrinks: {pauses:?}"
        );
        assert_eq!(*pauses.last().unwrap(), 80 * MS);
        assert_eq!(probe_pause(u32::MAX), 80 * MS);
        // Long idle: no more than 12.5 empty probes a second, i.e. <= 800 KiB/s parked.
        assert!(1_000 * MS / probe_pause(1_000) <= 13);
    }

    #[test]
    fn probe_schedule_backs_off_and_resets_on_data() {
        let mut s = ProbeSchedule::default();
        assert!(s.due(0));
        s.on_empty(10, 1);
        assert!(!s.due(10));
        assert!(!s.due(10 + MS - 1));
        assert!(s.due(10 + MS));
        for i in 0..20 {
            s.on_empty(i, 1);
        }
        assert_eq!(s.next_at(), 19 + 80 * MS);
        s.on_data(100 * MS);
        assert!(s.due(100 * MS), "data: re-probe at once");
    }

    #[test]
    fn a_crowded_wait_stretches_pauses() {
        let mut alone = ProbeSchedule::default();
        let mut crowded = ProbeSchedule::default();
        alone.on_empty(0, CROWD_FREE);
        crowded.on_empty(0, 100);
        assert_eq!(alone.next_at(), MS);
        assert_eq!(crowded.next_at(), 25 * MS, "100 sockets probe like 4");
    }

    #[test]
    fn sparse_traffic_reprobes_only_to_test_for_bursts() {
        let mut s = ProbeSchedule::default();
        s.on_data(0);
        assert!(s.due(0), "starts in burst mode: re-probe at once");
        s.on_empty(0, 1);
        assert!(s.is_sparse(), "an empty re-probe means sparse traffic");
        // Sparse: after data, wait a tick, except every BURST_TEST_EVERY-th datagram.
        let mut reprobes = 0;
        for i in 1..=(4 * BURST_TEST_EVERY as u64) {
            let t = i * 10 * MS;
            s.on_data(t);
            if s.due(t) {
                reprobes += 1;
                s.on_empty(t, 1);
            } else {
                assert_eq!(s.next_at(), t + HOST_TICK);
            }
        }
        assert_eq!(reprobes, 4);
        assert!(s.is_sparse());
        // A burst test that finds data switches back to draining at once.
        for _ in 0..BURST_TEST_EVERY {
            s.on_data(MS);
        }
        assert!(s.due(MS));
        s.on_data(MS);
        assert!(!s.is_sparse());
        assert!(s.due(MS));
    }

    #[test]
    fn an_empty_probe_after_a_pause_does_not_mean_sparse() {
        let mut s = ProbeSchedule::default();
        s.on_data(0);
        s.on_data(0);
        s.on_empty(0, 1);
        assert!(s.is_sparse());
        s.on_data(0);
        s.on_empty(0, 1); // the tick probe, not a re-probe
        s.on_data(0);
        s.on_data(0);
        s.on_data(0);
        assert!(s.due(0), "4th datagram: burst test");
        s.on_data(0);
        assert!(!s.is_sparse());
        s.on_empty(0, 1);
        assert!(s.is_sparse());
    }
}
