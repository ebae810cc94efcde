//! `wasi:clocks/monotonic-clock` (rc) over `wasi:clocks/monotonic-clock@0.3.0` (in the proxy
//! build, `@0.2.12`). Both count nanoseconds from the same host clock, so instants pass
//! through unchanged.

#[cfg(feature = "proxy")]
use crate::bindings::wasi::clocks0_2_12::monotonic_clock as p3_clock;
#[cfg(not(feature = "proxy"))]
use crate::bindings::wasi::clocks0_3_0::monotonic_clock as p3_clock;
use crate::clocks_rc::monotonic_clock::{Duration, Guest, Instant, Pollable};
use crate::io::poll::{PollableRep, Readiness};

/// The current 0.3 monotonic time, in ns: the time base of every deadline in the adapter.
pub fn now() -> u64 {
    p3_clock::now()
}

impl Guest for crate::Adapter {
    fn now() -> Instant {
        now()
    }

    fn resolution() -> Duration {
        #[cfg(feature = "proxy")]
        return p3_clock::resolution();
        #[cfg(not(feature = "proxy"))]
        p3_clock::get_resolution()
    }

    fn subscribe_instant(when: Instant) -> Pollable {
        Pollable::new(PollableRep(Readiness::Timer(when)))
    }

    fn subscribe_duration(when: Duration) -> Pollable {
        Pollable::new(PollableRep(Readiness::Timer(now().saturating_add(when))))
    }
}
