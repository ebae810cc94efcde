//! `wasi:sockets@0.2.0-rc-2023-11-10`: UDP over the build's backend (`udp_backend`: 0.3 or
//! 0.2.x), TCP and name lookup over 0.2.x (a 0.3 connect or lookup does not finish inside a
//! sync-typed call).

pub mod ip_name_lookup;
pub mod network;
pub mod tcp;
pub mod tcp_create_socket;
pub mod udp;
pub mod udp_create_socket;

/// What the proxy build's sockets say: a proxy host gives no network (and that build's host
/// sockets are a stub). wasmtime 15 said `access-denied` where the network was not granted.
pub const NO_NETWORK: crate::rc::network::ErrorCode = crate::rc::network::ErrorCode::AccessDenied;
