//! `wasi:random@0.2.0-rc-2023-11-10` over `wasi:random@0.3.0`, whose functions are sync-typed
//! and finish at once. A 0.3 call may return fewer bytes than asked (and wasmtime's p2 traps
//! above 64 MiB); rc returned exactly `len`, so we ask until we have them.
//!
//! The proxy build stands on `wasi:random/random@0.2.12` alone, the one random interface of
//! `wasi:http/proxy@0.2.x`: the insecure ones are served by the secure source.

#[cfg(feature = "proxy")]
use crate::bindings::wasi::random0_2_12::random as p3;
#[cfg(not(feature = "proxy"))]
use crate::bindings::wasi::random0_3_0::{insecure as p3_insecure, insecure_seed, random as p3};
use crate::random_rc::{insecure, insecure_seed as rc_seed, random};
#[cfg(feature = "proxy")]
mod p3_insecure {
    pub use crate::bindings::wasi::random0_2_12::random::{
        get_random_bytes as get_insecure_random_bytes, get_random_u64 as get_insecure_random_u64,
    };
}
#[cfg(feature = "proxy")]
mod insecure_seed {
    /// One seed for the instance, as a host gives.
    pub fn get_insecure_seed() -> (u64, u64) {
        use super::p3::get_random_u64;
        static SEED: std::sync::OnceLock<(u64, u64)> = std::sync::OnceLock::new();
        *SEED.get_or_init(|| (get_random_u64(), get_random_u64()))
    }
}

/// `len` bytes from `source`, asked for as often as it takes.
fn exactly(len: u64, source: fn(u64) -> Vec<u8>) -> Vec<u8> {
    let mut bytes = source(len);
    while (bytes.len() as u64) < len {
        let more = source(len - bytes.len() as u64);
        assert!(
            !more.is_empty(),
            "the host's random source returned nothing"
        );
        bytes.extend_from_slice(&more);
    }
    bytes
}

impl random::Guest for crate::Adapter {
    fn get_random_bytes(len: u64) -> Vec<u8> {
        exactly(len, p3::get_random_bytes)
    }

    fn get_random_u64() -> u64 {
        p3::get_random_u64()
    }
}

impl insecure::Guest for crate::Adapter {
    fn get_insecure_random_bytes(len: u64) -> Vec<u8> {
        exactly(len, p3_insecure::get_insecure_random_bytes)
    }

    fn get_insecure_random_u64() -> u64 {
        p3_insecure::get_insecure_random_u64()
    }
}

impl rc_seed::Guest for crate::Adapter {
    fn insecure_seed() -> (u64, u64) {
        insecure_seed::get_insecure_seed()
    }
}
