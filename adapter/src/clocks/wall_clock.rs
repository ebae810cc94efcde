//! `wasi:clocks/wall-clock` (rc) over `wasi:clocks/system-clock@0.3.0`, whose functions are
//! sync-typed and finish at once; in the proxy build over `wasi:clocks/wall-clock@0.2.12`,
//! the same clock with rc's own types.

use crate::clocks_rc::wall_clock::{Datetime, Guest};

#[cfg(feature = "proxy")]
impl Guest for crate::Adapter {
    fn now() -> Datetime {
        let now = crate::bindings::wasi::clocks0_2_12::wall_clock::now();
        Datetime {
            seconds: now.seconds,
            nanoseconds: now.nanoseconds,
        }
    }

    fn resolution() -> Datetime {
        let r = crate::bindings::wasi::clocks0_2_12::wall_clock::resolution();
        Datetime {
            seconds: r.seconds,
            nanoseconds: r.nanoseconds,
        }
    }
}

#[cfg(not(feature = "proxy"))]
use crate::bindings::wasi::clocks0_3_0::system_clock as p3;

#[cfg(not(feature = "proxy"))]
impl Guest for crate::Adapter {
    fn now() -> Datetime {
        let now = p3::now();
        // rc counts seconds as u64 from the epoch; wasmtime 15 could not report earlier times.
        Datetime {
            seconds: u64::try_from(now.seconds).unwrap_or(0),
            nanoseconds: now.nanoseconds,
        }
    }

    fn resolution() -> Datetime {
        let ns = p3::get_resolution();
        Datetime {
            seconds: ns / 1_000_000_000,
            nanoseconds: (ns % 1_000_000_000) as u32,
        }
    }
}
