//! The code of the rc `wasi:http` part: a component of its own, composed with
//! `adapter/http/shim.wat` by `scripts/build-adapter.sh`, and plugged only into a legacy
//! component that imports rc HTTP (a command's adapter then imports no HTTP).
//!
//! rc `wasi:http/types` and `outgoing-handler` are the host's 0.2.x ones, function for
//! function, at 12-05 (the same shape) and at 11-10 but for three differences. The shim hands
//! a legacy component the host's own functions under the rc names, so bodies are host
//! streams and a legacy `incoming-handler` is typed over the host's resources: exported again
//! under the 0.2 name, `wasmtime serve` calls it directly. What is left is here, in
//! `types.rs`: `subscribe` (rc pollables are the adapter's) and the 11-10 functions whose
//! types differ.

mod types;

/// What `types.rs` needs of this crate: the adapter's rc pollables, imported.
mod glue {
    pub use crate::bindings::rc_adapter::adapter::host_pollable::adopt;
    pub use crate::bindings::wasi::io0_2_0_rc_2023_11_10::poll::Pollable as RcPollable;
}

mod bindings {
    wit_bindgen::generate!({
        path: "../../wit/adapter",
        world: "http",
        generate_all,
    });
}

/// The type the exported interface is implemented on.
pub struct HttpRc;

bindings::export!(HttpRc with_types_in bindings);
