//! The proxy of this crate's library as wasmtime 15's own test proxies were built: a program
//! with `main`, wrapped with the preview1 *command* adapter, so it exports `run` beside its
//! `incoming-handler`. Run, it says what it is; served, it is the proxy.

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "proxy-nov", generate_all });
}

include!("../nov.rs");
use bindings::exports::wasi::http0_2_0_rc_2023_11_10::incoming_handler::Guest;
include!("../../../../src/programs/proxy.rs");
include!("../../../../src/programs/http_client.rs");
bindings::export!(Proxy with_types_in bindings);

fn main() {
    println!("a proxy of {ERA}: serve it");
}
