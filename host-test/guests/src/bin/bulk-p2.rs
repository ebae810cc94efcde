//! Bulk data (`programs/bulk.rs`) against WASI 0.2.12: built for wasm32-wasip1 with wasmtime
//! 50's own preview1 adapter, the native baseline of `bench bulk`.
use rc_guests::p2cmd as api;
include!("../programs/bulk.rs");

fn extra_mode(_: &str) -> Option<usize> {
    None
}
