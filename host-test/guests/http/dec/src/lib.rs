//! `src/programs/proxy.rs` against `wasi:http@0.2.0-rc-2023-12-05` (the wasmtime 16 era), built for wasm32-wasip1 and wrapped with cargo-component 0.6.0's preview1
//! reactor adapter, as a 2023 proxy was.

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "proxy-dec", generate_all });
}

include!("dec.rs");
use bindings::exports::wasi::http0_2_0_rc_2023_12_05::incoming_handler::Guest;
include!("../../../src/programs/proxy.rs");
include!("../../../src/programs/http_client.rs");
bindings::export!(Proxy with_types_in bindings);
