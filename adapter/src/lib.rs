//! An adapter component: exports the WASI `0.2.0-rc-2023-11-10` UDP, network, poll and
//! monotonic-clock interfaces and implements them over the ratified WASI 0.3.0 imports.
//!
//! Layout mirrors the WIT: one module per exported rc interface (`udp`, `udp_create_socket`,
//! `network`, `poll`, `clocks`), `conv` for every rc <-> 0.3 conversion, `abi` for the raw
//! async canonical-ABI calls, `state` and `dual_stack` for the plain state machines and
//! routing, `socket03` for the 0.3 sockets the rc resources share, `parked` for calls
//! the host could not finish at once, and `probe_stats` for counting them (a build feature).

mod abi;
mod clocks;
mod conv;
mod dual_stack;
mod network;
mod parked;
mod poll;
mod probe_stats;
mod socket03;
mod state;
mod udp;
mod udp_create_socket;

mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "adapter",
        generate_all,
        // Async 0.3 functions are called through `abi`; TCP and name lookup are not adapted.
        skip: [
            "[method]udp-socket.send", "[method]udp-socket.receive", "wait-until", "wait-for",
            "resolve-addresses", "[static]tcp-socket.create", "[method]tcp-socket.bind",
            "[method]tcp-socket.connect", "[method]tcp-socket.listen", "[method]tcp-socket.send",
            "[method]tcp-socket.receive", "[method]tcp-socket.get-local-address",
            "[method]tcp-socket.get-remote-address", "[method]tcp-socket.get-is-listening",
            "[method]tcp-socket.get-address-family", "[method]tcp-socket.set-listen-backlog-size",
            "[method]tcp-socket.get-keep-alive-enabled", "[method]tcp-socket.set-keep-alive-enabled",
            "[method]tcp-socket.get-keep-alive-idle-time",
            "[method]tcp-socket.set-keep-alive-idle-time",
            "[method]tcp-socket.get-keep-alive-interval",
            "[method]tcp-socket.set-keep-alive-interval", "[method]tcp-socket.get-keep-alive-count",
            "[method]tcp-socket.set-keep-alive-count", "[method]tcp-socket.get-hop-limit",
            "[method]tcp-socket.set-hop-limit", "[method]tcp-socket.get-receive-buffer-size",
            "[method]tcp-socket.set-receive-buffer-size", "[method]tcp-socket.get-send-buffer-size",
            "[method]tcp-socket.set-send-buffer-size",
        ],
    });
}

/// The rc sockets interfaces we export.
pub(crate) use bindings::exports::wasi::sockets0_2_0_rc_2023_11_10 as rc;
/// The rc poll and clock interfaces we export.
pub(crate) use bindings::exports::wasi::{
    clocks0_2_0_rc_2023_11_10 as clocks_rc, io0_2_0_rc_2023_11_10 as io_rc,
};
/// The 0.3 socket types we import.
pub(crate) use bindings::wasi::sockets0_3_0::types as p3;

/// The type every exported interface is implemented on.
pub struct Adapter;

bindings::export!(Adapter with_types_in bindings);
