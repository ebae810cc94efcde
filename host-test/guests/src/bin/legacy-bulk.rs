//! Bulk data (`programs/bulk.rs`) as a 2023 command: built for wasm32-wasip1 with the 2023
//! preview1 adapter, run plugged (`bench bulk`). It cannot use rc UDP.
use rc_guests::cmd as api;
include!("../programs/bulk.rs");

fn extra_mode(_: &str) -> Option<usize> {
    None
}
