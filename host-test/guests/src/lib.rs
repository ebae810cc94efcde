//! Shared code for the guests.
//!
//! `rc` binds the 0.2.0-rc-2023-11-10 WIT: legacy programs, which run plugged with the adapter.
//! `p2` binds the same UDP surface at 0.2.12, which wasmtime serves natively: the baseline.
//! The two APIs have the same shape, so `net.rs` (helpers) and the programs in `programs/`
//! are compiled once against each, and a difference in behaviour is the adapter's.

pub mod rc {
    wit_bindgen::generate!({
        path: "wit",
        world: "legacy",
        generate_all,
        additional_derives: [PartialEq, Eq, Clone],
    });

    pub use self::wasi::clocks0_2_0_rc_2023_11_10::monotonic_clock;
    pub use self::wasi::io0_2_0_rc_2023_11_10::poll::{self, Pollable};
    pub use self::wasi::sockets0_2_0_rc_2023_11_10::instance_network::instance_network;
    pub use self::wasi::sockets0_2_0_rc_2023_11_10::network::{
        ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, Network,
    };
    pub use self::wasi::sockets0_2_0_rc_2023_11_10::udp::{
        IncomingDatagram, IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream,
        UdpSocket,
    };
    pub use self::wasi::sockets0_2_0_rc_2023_11_10::udp_create_socket::create_udp_socket;

    /// Makes an IPv6 socket v6-only, as 0.2.12 sockets always are (rc defaults to
    /// dual-stack here), for programs whose output is compared with the p2 build's.
    pub fn set_v6_only(socket: &UdpSocket) {
        if socket.address_family() == IpAddressFamily::Ipv6 {
            socket.set_ipv6_only(true).expect("set-ipv6-only");
        }
    }

    include!("net.rs");
}

/// The whole rc command world, for the wasm32-wasip1 programs (`legacy-*`).
pub mod cmd {
    wit_bindgen::generate!({
        path: "wit",
        world: "legacy-command",
        generate_all,
    });

    pub use self::wasi::cli0_2_0_rc_2023_11_10 as cli;
    pub use self::wasi::clocks0_2_0_rc_2023_11_10 as clocks;
    pub use self::wasi::filesystem0_2_0_rc_2023_11_10 as filesystem;
    pub use self::wasi::io0_2_0_rc_2023_11_10 as io;
    pub use self::wasi::random0_2_0_rc_2023_11_10 as random;
    pub use self::wasi::sockets0_2_0_rc_2023_11_10 as sockets;
}

/// The whole 0.2.12 command world: native p2 twins of the `legacy-*` programs.
pub mod p2cmd {
    wit_bindgen::generate!({
        path: "wit",
        world: "native-p2-command",
        generate_all,
    });

    pub use self::wasi::cli0_2_12 as cli;
    pub use self::wasi::clocks0_2_12 as clocks;
    pub use self::wasi::io0_2_12 as io;
    pub use self::wasi::sockets0_2_12 as sockets;
}

pub mod p2 {
    wit_bindgen::generate!({
        path: "wit",
        world: "native-p2",
        generate_all,
        additional_derives: [PartialEq, Eq, Clone],
    });

    pub use self::wasi::clocks0_2_12::monotonic_clock;
    pub use self::wasi::io0_2_12::poll::{self, Pollable};
    pub use self::wasi::sockets0_2_12::instance_network::instance_network;
    pub use self::wasi::sockets0_2_12::network::{
        ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, Network,
    };
    pub use self::wasi::sockets0_2_12::udp::{
        IncomingDatagram, IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream,
        UdpSocket,
    };
    pub use self::wasi::sockets0_2_12::udp_create_socket::create_udp_socket;

    /// 0.2.12 IPv6 sockets are always v6-only.
    pub fn set_v6_only(_socket: &UdpSocket) {}

    include!("net.rs");
}

use std::cell::Cell;
use std::fmt::Debug;

thread_local! {
    static PASSED: Cell<u32> = const { Cell::new(0) };
    static FAILED: Cell<u32> = const { Cell::new(0) };
}

/// Records one check: prints `ok NAME` or `FAIL NAME: got .., want ..`.
pub fn check<T: Debug + PartialEq>(name: &str, got: T, want: T) {
    if got == want {
        PASSED.set(PASSED.get() + 1);
        println!("ok {name}");
    } else {
        FAILED.set(FAILED.get() + 1);
        println!("FAIL {name}: got {got:?}, want {want:?}");
    }
}

/// Records a check on a condition.
pub fn check_that(name: &str, cond: bool, detail: impl Debug) {
    check(&format!("{name} ({detail:?})"), cond, true);
}

/// Prints the closing tally and exits non-zero if any check failed.
pub fn finish() {
    let (passed, failed) = (PASSED.get(), FAILED.get());
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
