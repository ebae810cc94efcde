//! Plain state machines behind the rc sockets. No bindings, no wasm: `cargo test -p adapter`
//! runs them natively.

/// Errors these state machines can return, named as the rc `error-code` cases they become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateError {
    InvalidState,
    ConcurrencyConflict,
    NotInProgress,
}

/// Where an rc UDP socket is in its life, as wasmtime 15 tracked it (`UdpState`).
/// 0.3 has no two-phase bind and no stream objects, so the adapter keeps this itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BindState {
    #[default]
    Unbound,
    BindStarted,
    Bound,
    Connected,
}

impl BindState {
    /// `start-bind` is allowed only once, on a fresh socket.
    pub fn check_start_bind(self) -> Result<(), StateError> {
        match self {
            BindState::Unbound => Ok(()),
            BindState::BindStarted => Err(StateError::ConcurrencyConflict),
            BindState::Bound | BindState::Connected => Err(StateError::InvalidState),
        }
    }

    /// `finish-bind` completes a started bind; in every other state nothing is in progress.
    pub fn finish_bind(self) -> Result<BindState, StateError> {
        match self {
            BindState::BindStarted => Ok(BindState::Bound),
            _ => Err(StateError::NotInProgress),
        }
    }

    /// `%stream` needs a bound socket.
    pub fn check_stream(self) -> Result<(), StateError> {
        match self {
            BindState::Bound | BindState::Connected => Ok(()),
            _ => Err(StateError::InvalidState),
        }
    }

    /// `local-address` before a bind has finished.
    pub fn check_local_address(self) -> Result<(), StateError> {
        match self {
            BindState::Unbound => Err(StateError::InvalidState),
            BindState::BindStarted => Err(StateError::ConcurrencyConflict),
            BindState::Bound | BindState::Connected => Ok(()),
        }
    }

    /// `set-ipv6-only` on an IPv6 socket: only before bind, as on the rc host.
    pub fn check_set_ipv6_only(self) -> Result<(), StateError> {
        match self {
            BindState::Unbound => Ok(()),
            BindState::BindStarted => Err(StateError::ConcurrencyConflict),
            BindState::Bound | BindState::Connected => Err(StateError::InvalidState),
        }
    }
}

/// How many datagrams one `check-send` permits, as wasmtime 15 did.
pub const SEND_PERMIT: u64 = 16;

/// The `check-send` / `send` handshake of an outgoing datagram stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SendPermit {
    /// `check-send` has not been called since the last `send`.
    #[default]
    Idle,
    /// `check-send` granted this many datagrams.
    Permitted(u64),
    /// The last send could not go out at once; `check-send` gives 0 until `retry_at` (ns).
    Waiting { retry_at: u64 },
}

/// Why a `send` is refused. The rc spec demands a trap for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendViolation {
    NoCheckSend,
    ExceedsPermit { permitted: u64, requested: u64 },
}

impl SendPermit {
    /// `check-send`: hands out a permit, or 0 while waiting for the socket to accept data.
    pub fn check_send(&mut self, now: u64) -> u64 {
        match *self {
            SendPermit::Waiting { retry_at } if now < retry_at => 0,
            SendPermit::Permitted(n) => n,
            _ => {
                *self = SendPermit::Permitted(SEND_PERMIT);
                SEND_PERMIT
            }
        }
    }

    /// `send` with `count` datagrams consumes the permit.
    pub fn begin_send(&mut self, count: u64) -> Result<(), SendViolation> {
        match *self {
            SendPermit::Permitted(n) if n >= count => {
                *self = SendPermit::Idle;
                Ok(())
            }
            SendPermit::Permitted(n) => Err(SendViolation::ExceedsPermit {
                permitted: n,
                requested: count,
            }),
            _ => Err(SendViolation::NoCheckSend),
        }
    }

    /// A datagram could not be sent at once: hold sends back until `retry_at`.
    pub fn would_block(&mut self, retry_at: u64) {
        *self = SendPermit::Waiting { retry_at };
    }

    /// When the stream's pollable becomes ready: now, or at the retry time.
    pub fn ready_at(&self) -> u64 {
        match *self {
            SendPermit::Waiting { retry_at } => retry_at,
            _ => 0,
        }
    }
}

const MS: u64 = 1_000_000;

/// The host's timer granularity. wasmtime's p2 clocks sleep on tokio's millisecond timer.
pub const HOST_TICK: u64 = MS;

/// How long to ask the host to sleep in order to wake at `wake`. Measured on wasmtime 50
/// (`bench wait`, "host sleep"): a p2 sleep of `r` takes about `floor(r / 1 ms) + 1.1` ms,
/// so a request of 1 ns already takes a tick and one of 1 ms takes two. Asking for one tick
/// less than we want (and never 0, which the host treats as "ready now") wakes us on time.
pub fn sleep_request(now: u64, wake: u64) -> u64 {
    wake.saturating_sub(now)
        .saturating_sub(HOST_TICK - 1)
        .max(1)
}

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
    fn finish_bind_without_start_is_not_in_progress_in_every_state() {
        for s in [BindState::Unbound, BindState::Bound, BindState::Connected] {
            assert_eq!(s.finish_bind(), Err(StateError::NotInProgress), "{s:?}");
        }
        assert_eq!(BindState::BindStarted.finish_bind(), Ok(BindState::Bound));
    }

    #[test]
    fn start_bind_only_on_fresh_socket() {
        assert_eq!(BindState::Unbound.check_start_bind(), Ok(()));
        assert_eq!(
            BindState::BindStarted.check_start_bind(),
            Err(StateError::ConcurrencyConflict)
        );
        assert_eq!(
            BindState::Bound.check_start_bind(),
            Err(StateError::InvalidState)
        );
        assert_eq!(
            BindState::Connected.check_start_bind(),
            Err(StateError::InvalidState)
        );
    }

    #[test]
    fn stream_and_local_address_need_a_finished_bind() {
        assert_eq!(
            BindState::Unbound.check_stream(),
            Err(StateError::InvalidState)
        );
        assert_eq!(
            BindState::BindStarted.check_stream(),
            Err(StateError::InvalidState)
        );
        assert!(BindState::Bound.check_stream().is_ok());
        assert!(BindState::Connected.check_stream().is_ok());
        assert_eq!(
            BindState::Unbound.check_local_address(),
            Err(StateError::InvalidState)
        );
        assert_eq!(
            BindState::BindStarted.check_local_address(),
            Err(StateError::ConcurrencyConflict)
        );
    }

    #[test]
    fn ipv6_only_settable_only_before_bind() {
        assert_eq!(BindState::Unbound.check_set_ipv6_only(), Ok(()));
        assert_eq!(
            BindState::BindStarted.check_set_ipv6_only(),
            Err(StateError::ConcurrencyConflict)
        );
        assert_eq!(
            BindState::Bound.check_set_ipv6_only(),
            Err(StateError::InvalidState)
        );
        assert_eq!(
            BindState::Connected.check_set_ipv6_only(),
            Err(StateError::InvalidState)
        );
    }

    #[test]
    fn send_needs_check_send_and_stays_within_permit() {
        let mut p = SendPermit::default();
        assert_eq!(p.begin_send(0), Err(SendViolation::NoCheckSend));
        assert_eq!(p.check_send(0), SEND_PERMIT);
        assert_eq!(
            p.check_send(0),
            SEND_PERMIT,
            "a second check-send keeps the permit"
        );
        assert_eq!(
            p.begin_send(SEND_PERMIT + 1),
            Err(SendViolation::ExceedsPermit {
                permitted: SEND_PERMIT,
                requested: SEND_PERMIT + 1
            })
        );
        assert_eq!(p.begin_send(3), Ok(()));
        assert_eq!(
            p.begin_send(1),
            Err(SendViolation::NoCheckSend),
            "a permit is used once"
        );
    }

    #[test]
    fn waiting_gives_zero_until_retry_time() {
        let mut p = SendPermit::default();
        p.would_block(100);
        assert_eq!(p.ready_at(), 100);
        assert_eq!(p.check_send(99), 0);
        assert_eq!(p.begin_send(1), Err(SendViolation::NoCheckSend));
        assert_eq!(p.check_send(100), SEND_PERMIT);
        assert_eq!(p.ready_at(), 0);
    }

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
    fn sleep_request_asks_for_one_tick_less() {
        assert_eq!(sleep_request(0, MS), 1);
        assert_eq!(sleep_request(0, 5 * MS + 300_000), 4 * MS + 300_001);
        assert_eq!(sleep_request(0, 3 * MS), 2 * MS + 1);
        // Never 0 ("ready now"), even when the deadline is close or past.
        assert_eq!(sleep_request(10 * MS, 10 * MS + 500_000), 1);
        assert_eq!(sleep_request(10 * MS, 5 * MS), 1);
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
