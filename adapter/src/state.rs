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
    fn sleep_request_asks_for_one_tick_less() {
        assert_eq!(sleep_request(0, MS), 1);
        assert_eq!(sleep_request(0, 5 * MS + 300_000), 4 * MS + 300_001);
        assert_eq!(sleep_request(0, 3 * MS), 2 * MS + 1);
        // Never 0 ("ready now"), even when the deadline is close or past.
        assert_eq!(sleep_request(10 * MS, 10 * MS + 500_000), 1);
        assert_eq!(sleep_request(10 * MS, 5 * MS), 1);
    }
}
