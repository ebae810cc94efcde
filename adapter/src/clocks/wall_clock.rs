//! `wasi:clocks/wall-clock` (rc) over `wasi:clocks/system-clock@0.3.0`, whose functions are
//! sync-typed and finish at once.

use crate::bindings::wasi::clocks0_3_0::system_clock as p3;
use crate::clocks_rc::wall_clock::{Datetime, Guest};

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
