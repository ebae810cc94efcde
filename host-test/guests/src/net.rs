// Socket helpers, included into `rc` and `p2` (lib.rs), so they compile against each API.

thread_local! {
    static SEND_WAITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times `send_all` found no permit or a short send: the host could not take a
/// datagram at once.
pub fn send_waits() -> u64 {
    SEND_WAITS.get()
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

/// The unspecified address (`0.0.0.0` or `::`) with a port, in the given family.
pub fn unspecified(family: IpAddressFamily, port: u16) -> IpSocketAddress {
    match family {
        IpAddressFamily::Ipv4 => IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address: (0, 0, 0, 0) }),
        IpAddressFamily::Ipv6 => IpSocketAddress::Ipv6(Ipv6SocketAddress {
            port,
            flow_info: 0,
            address: (0, 0, 0, 0, 0, 0, 0, 0),
            scope_id: 0,
        }),
    }
}

/// `::ffff:127.0.0.1` with a port: IPv4 loopback as an IPv4-mapped IPv6 address.
pub fn mapped_loopback(port: u16) -> IpSocketAddress {
    IpSocketAddress::Ipv6(Ipv6SocketAddress {
        port,
        flow_info: 0,
        address: (0, 0, 0, 0, 0, 0xffff, 0x7f00, 1),
        scope_id: 0,
    })
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
            SEND_WAITS.set(SEND_WAITS.get() + 1);
            out.subscribe().block();
            continue;
        }
        let n = (permit as usize).min(datagrams.len());
        let rest = datagrams.split_off(n);
        let done = out.send(&datagrams).expect("send");
        if (done as usize) < datagrams.len() {
            SEND_WAITS.set(SEND_WAITS.get() + 1);
        }
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
