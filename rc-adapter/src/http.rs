//! rc HTTP: the part added beside the adapter for a component that imports rc `wasi:http`
//! (`adapters/rc-http.wasm`, built from `adapter/http` and `adapter/http/shim.wat`), and the
//! name a legacy `incoming-handler` is exported again under.
//!
//! The part serves rc `wasi:http/types` and `outgoing-handler` at 11-10 and 12-05 as the
//! host's own 0.2.x interfaces, so a legacy handler is typed over the host's resources and
//! `wasmtime serve` calls it under the 0.2 name with nothing between (docs/design.md, "HTTP").

use crate::inspect::RC;

/// The rc HTTP part's bytes. It imports the adapter's rc pollables and
/// `rc-adapter:adapter/host-pollable`, and the host's `wasi:http@0.2.12`.
pub(crate) const PART: &[u8] = include_bytes!("../adapters/rc-http.wasm");

/// What the part needs from the adapter, by the name both use.
pub(crate) const FROM_ADAPTER: [&str; 2] = [
    "wasi:io/poll@0.2.0-rc-2023-11-10",
    "rc-adapter:adapter/host-pollable",
];

/// The name `wasmtime serve` and other wasi:http 0.2 hosts call a handler by; an rc
/// `incoming-handler` is exported again under it.
pub const INCOMING_HANDLER_0_2_0: &str = "wasi:http/incoming-handler@0.2.0";

const INCOMING_HANDLER: &str = "wasi:http/incoming-handler";

/// Whether `name` is an rc `wasi:http` interface.
pub(crate) fn is_rc_http(name: &str) -> bool {
    name.starts_with("wasi:http/") && name.contains(RC)
}

/// Whether `export` is an rc `incoming-handler`.
pub(crate) fn is_rc_handler(export: &str) -> bool {
    matches!(export.strip_prefix(INCOMING_HANDLER), Some(v) if v.starts_with(RC))
}
