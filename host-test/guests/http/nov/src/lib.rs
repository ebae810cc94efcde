//! `src/programs/proxy.rs` against `wasi:http@0.2.0-rc-2023-11-10` (the wasmtime 15 era), built for wasm32-wasip1 and wrapped with cargo-component 0.5.0's preview1
//! reactor adapter, as a 2023 proxy was.

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "proxy-nov", generate_all });
}

include!("nov.rs");
use bindings::exports::wasi::http0_2_0_rc_2023_11_10::incoming_handler::Guest;
include!("../../../src/programs/proxy.rs");
include!("../../../src/programs/http_client.rs");
bindings::export!(Proxy with_types_in bindings);
