//! Shared helpers for the legacy guests: rc bindings and a tiny check reporter.

wit_bindgen::generate!({
    path: "wit",
    world: "legacy",
    generate_all,
    additional_derives: [PartialEq, Eq, Clone],
});

pub use wasi::clocks0_2_0_rc_2023_11_10::monotonic_clock;
pub use wasi::io0_2_0_rc_2023_11_10::poll::{self, Pollable};
pub use wasi::sockets0_2_0_rc_2023_11_10::instance_network::instance_network;
pub use wasi::sockets0_2_0_rc_2023_11_10::network::{
    ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, Network,
};
pub use wasi::sockets0_2_0_rc_2023_11_10::udp::{
    IncomingDatagram, IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream, UdpSocket,
};
pub use wasi::sockets0_2_0_rc_2023_11_10::udp_create_socket::create_udp_socket;

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

pub fn family(name: &str) -> IpAddressFamily {
    match name {
        "ipv4" => IpAddressFamily::Ipv4,
        "ipv6" => IpAddressFamily::Ipv6,
        other => panic!("unknown family {other}"),
    }
}

/// Loopback with a port, in the given family.
pub fn loopback(family: IpAddressFamily, port: u16) -> IpSocketAddress {
    match family {
        IpAddressFamily::Ipv4 => {
            IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address: (127, 0, 0, 1) })
        }
        IpAddressFamily::Ipv6 => IpSocketAddress::Ipv6(Ipv6SocketAddress {
            port,
            flow_info: 0,
            address: (0, 0, 0, 0, 0, 0, 0, 1),
            scope_id: 0,
        }),
    }
}

pub fn port_of(addr: &IpSocketAddress) -> u16 {
    match addr {
        IpSocketAddress::Ipv4(a) => a.port,
        IpSocketAddress::Ipv6(a) => a.port,
    }
}

/// A socket bound to loopback on an ephemeral port.
pub fn bound_socket(family: IpAddressFamily) -> UdpSocket {
    let socket = create_udp_socket(family).expect("create");
    socket.start_bind(&instance_network(), loopback(family, 0)).expect("start-bind");
    socket.finish_bind().expect("finish-bind");
    socket
}

/// Sends all datagrams, honouring `check-send` permits and waiting when there are none.
pub fn send_all(out: &OutgoingDatagramStream, mut datagrams: Vec<OutgoingDatagram>) -> u64 {
    let mut sent = 0;
    while !datagrams.is_empty() {
        let permit = out.check_send().expect("check-send");
        if permit == 0 {
            out.subscribe().block();
            continue;
        }
        let n = (permit as usize).min(datagrams.len());
        let rest = datagrams.split_off(n);
        let done = out.send(&datagrams).expect("send");
        sent += done;
        let mut unsent = datagrams.split_off(done as usize);
        unsent.extend(rest);
        datagrams = unsent;
    }
    sent
}

/// Receives exactly `n` datagrams, blocking on the stream's pollable between tries.
pub fn receive_n(incoming: &IncomingDatagramStream, n: usize) -> Vec<IncomingDatagram> {
    let mut got = Vec::new();
    let pollable = incoming.subscribe();
    while got.len() < n {
        pollable.block();
        got.extend(incoming.receive((n - got.len()) as u64).expect("receive"));
    }
    got
}
