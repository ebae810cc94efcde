//! `src/programs/proxy.rs` against `wasi:http@0.2.12` (native WASI 0.2), built for wasm32-wasip2: the native baseline.

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "proxy-p2", generate_all });
}

include!("p2.rs");
use bindings::exports::wasi::http0_2_12::incoming_handler::Guest;
include!("../../../src/programs/proxy.rs");
include!("../../../src/programs/http_client.rs");
bindings::export!(Proxy with_types_in bindings);
