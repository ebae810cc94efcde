//! `wasi:random@0.2.0-rc-2023-11-10` over `wasi:random@0.3.0`, whose functions are sync-typed
//! and finish at once. A 0.3 call may return fewer bytes than asked (and wasmtime's p2 traps
//! above 64 MiB); rc returned exactly `len`, so we ask until we have them.

use crate::bindings::wasi::random0_3_0::{insecure as p3_insecure, insecure_seed, random as p3};
use crate::random_rc::{insecure, insecure_seed as rc_seed, random};

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
