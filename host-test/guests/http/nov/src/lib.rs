//! `src/programs/proxy.rs` against `wasi:http@0.2.0-rc-2023-11-10` (the wasmtime 15 era), built
//! for wasm32-wasip1 and wrapped with cargo-component 0.5.0's preview1 reactor adapter, as a
//! 2023 proxy was.

include!("proxy.rs");
