//! An adapter component: exports every interface of `wasi:cli/command@0.2.0-rc-2023-11-10`
//! (and the `wasi:cli/*@0.2.0-rc-2023-12-05` ones) and implements them over the ratified WASI
//! imports: 0.3.0 where a 0.3 call finishes at once, 0.2.x where it would not (the table is in
//! `docs/design.md`).
//!
//! The layout mirrors the WIT: one folder per rc package (`cli`, `io`, `clocks`,
//! `filesystem`, `sockets`) and one file per interface (`random` is one small file). Beside
//! them:
//! - `same_shape`: the declarative table of rc <-> 0.2.x conversions and the forwarding macro;
//! - `conv`: rc <-> 0.3 socket conversions and the rc address checks;
//! - `state`, `dual_stack`: plain state machines, tested natively;
//! - `udp_core`: the host sockets behind one rc UDP socket (dual-stack, queue, options);
//! - `udp_backend`: the interface those host sockets implement, and this build's choice:
//!   - `p3_udp` (default): the 0.3 physics: raw async ABI calls, probes, parked host calls;
//!   - `p2_udp` (`--features udp-p2`): 0.2.x sockets, which block natively.

#[macro_use]
mod same_shape;

mod cli;
mod clocks;
mod conv;
mod dual_stack;
mod filesystem;
mod io;
#[cfg(feature = "udp-p2")]
mod p2_udp;
#[cfg(not(feature = "udp-p2"))]
mod p3_udp;
mod random;
mod sockets;
mod state;
mod udp_backend;
mod udp_core;

#[cfg(not(feature = "proxy"))]
mod bindings {
    wit_bindgen::generate!({
        path: "../wit/adapter",
        world: "adapter",
        generate_all,
        // The 0.3 clock's async waits: the wait loop sleeps on the p2 clock instead.
        skip: ["wait-until", "wait-for"],
    });
}

/// The proxy build's world: the adapter's, and the code of the rc HTTP part.
#[cfg(feature = "proxy")]
mod bindings {
    wit_bindgen::generate!({
        path: "../wit/adapter",
        world: "adapter-proxy",
        generate_all,
        skip: ["wait-until", "wait-for"],
    });
}

/// The rc HTTP part's code (`adapter/http/src/types.rs`), in the proxy build.
#[cfg(feature = "proxy")]
#[path = "../http/src/types.rs"]
mod http_types;

/// What `http_types` needs of this crate: the rc pollable, and a host pollable made one.
#[cfg(feature = "proxy")]
mod glue {
    pub use crate::io_rc::poll::Pollable as RcPollable;
    pub fn adopt(host: crate::io_p2::poll::Pollable) -> RcPollable {
        crate::same_shape::Conv::conv(host)
    }
}

/// The type `http_types` implements its interface on.
#[cfg(feature = "proxy")]
type HttpRc = Adapter;

#[cfg(not(feature = "udp-p2"))]
mod bindings_p3 {
    wit_bindgen::generate!({
        path: "../wit/adapter",
        world: "sockets-p3",
        generate_all,
        // Async 0.3 functions are called through `p3_udp::abi`; TCP and name lookup stand on
        // 0.2.x.
        skip: [
            "[method]udp-socket.send", "[method]udp-socket.receive", "wait-until", "wait-for",
            "[static]tcp-socket.create", "[method]tcp-socket.bind",
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

#[cfg(feature = "udp-p2")]
mod bindings_udp_p2 {
    wit_bindgen::generate!({
        path: "../wit/adapter",
        world: "udp-p2",
        with: {
            "wasi:io/poll@0.2.12": crate::bindings::wasi::io0_2_12::poll,
            "wasi:sockets/network@0.2.12": crate::bindings::wasi::sockets0_2_12::network,
            "wasi:sockets/udp@0.2.12": generate,
            "wasi:sockets/udp-create-socket@0.2.12": generate,
        },
    });
}

/// The rc sockets interfaces we export.
pub(crate) use bindings::exports::wasi::sockets0_2_0_rc_2023_11_10 as rc;
/// The other rc packages we export.
pub(crate) use bindings::exports::wasi::{
    cli0_2_0_rc_2023_11_10 as cli_rc, cli0_2_0_rc_2023_12_05 as cli_dec,
    clocks0_2_0_rc_2023_11_10 as clocks_rc, filesystem0_2_0_rc_2023_11_10 as fs_rc,
    io0_2_0_rc_2023_11_10 as io_rc, random0_2_0_rc_2023_11_10 as random_rc,
};
/// The 0.2.x packages we import.
pub(crate) use bindings::wasi::{
    cli0_2_12 as cli_p2, filesystem0_2_12 as fs_p2, io0_2_12 as io_p2, sockets0_2_12 as sockets_p2,
};
/// The 0.3 socket types we import (the 0.3 UDP backend).
#[cfg(not(feature = "udp-p2"))]
pub(crate) use bindings_p3::wasi::sockets0_3_0::types as p3;
/// The 0.2.x UDP interfaces we import (the 0.2.x UDP backend).
#[cfg(feature = "udp-p2")]
pub(crate) use bindings_udp_p2::wasi::sockets0_2_12 as udp_p2;

/// The type every exported interface is implemented on.
pub struct Adapter;

bindings::export!(Adapter with_types_in bindings);
