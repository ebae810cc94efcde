//! Dual-stack (`ipv6-only` off) scenarios for the rc API, over 127.0.0.1 and ::1 at once.
//! Expected behaviour is a Linux dual-stack socket's, with the rc spec's error codes.
//! Prints one line per check and a closing `N passed, N failed`.

use rc_guests::{rc::*, *};

fn main() {
    default_is_dual_stack();
    wildcard_serves_both_families();
    connected_to_a_mapped_peer();
    mapped_bind_is_ipv4_only();
    port_taken_on_ipv4_fails_and_leaves_the_socket_bindable();
    v6_only_refuses_mapped_and_ignores_ipv4();
    specific_ipv6_bind_refuses_mapped_peers();
    finish();
}

fn v4(a: (u8, u8, u8, u8), port: u16) -> IpSocketAddress {
    IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address: a })
}

fn any6(port: u16) -> IpSocketAddress {
    unspecified(IpAddressFamily::Ipv6, port)
}

fn bind(socket: &UdpSocket, addr: IpSocketAddress) -> Result<(), ErrorCode> {
    socket.start_bind(&instance_network(), addr)?;
    socket.finish_bind()
}

fn dg(data: &[u8], to: Option<IpSocketAddress>) -> OutgoingDatagram {
    OutgoingDatagram {
        data: data.to_vec(),
        remote_address: to,
    }
}

/// A bound socket with its streams, unconnected. Fields drop children first.
struct Peer {
    incoming: IncomingDatagramStream,
    outgoing: OutgoingDatagramStream,
    socket: UdpSocket,
}

impl Peer {
    fn new(family: IpAddressFamily, addr: IpSocketAddress) -> Peer {
        let socket = create_udp_socket(family).unwrap();
        bind(&socket, addr).unwrap();
        let (incoming, outgoing) = socket.stream(None).unwrap();
        Peer {
            incoming,
            outgoing,
            socket,
        }
    }

    fn addr(&self) -> IpSocketAddress {
        self.socket.local_address().unwrap()
    }

    fn send(&self, data: &[u8], to: IpSocketAddress) -> u64 {
        send_all(&self.outgoing, vec![dg(data, Some(to))])
    }

    fn one(&self) -> (Vec<u8>, IpSocketAddress) {
        let d = receive_n(&self.incoming, 1).remove(0);
        (d.data, d.remote_address)
    }
}

fn default_is_dual_stack() {
    let s = create_udp_socket(IpAddressFamily::Ipv6).unwrap();
    check("ipv6-only defaults to false", s.ipv6_only(), Ok(false));
    check("set-ipv6-only true", s.set_ipv6_only(true), Ok(()));
    check("ipv6-only now true", s.ipv6_only(), Ok(true));
    check("set-ipv6-only false", s.set_ipv6_only(false), Ok(()));
    check("ipv6-only false again", s.ipv6_only(), Ok(false));
    bind(&s, any6(0)).unwrap();
    check(
        "set-ipv6-only after bind",
        s.set_ipv6_only(true),
        Err(ErrorCode::InvalidState),
    );
    check(
        "set-ipv6-only false after bind",
        s.set_ipv6_only(false),
        Err(ErrorCode::InvalidState),
    );
    check("ipv6-only unchanged after bind", s.ipv6_only(), Ok(false));
    let v4_socket = create_udp_socket(IpAddressFamily::Ipv4).unwrap();
    check(
        "ipv6-only on ipv4",
        v4_socket.ipv6_only(),
        Err(ErrorCode::NotSupported),
    );
}

fn wildcard_serves_both_families() {
    let server = Peer::new(IpAddressFamily::Ipv6, any6(0));
    let port = port_of(&server.addr());
    check(
        "local-address is :: with the port",
        server.addr(),
        any6(port),
    );
    let client4 = Peer::new(IpAddressFamily::Ipv4, loopback(IpAddressFamily::Ipv4, 0));
    let client6 = Peer::new(IpAddressFamily::Ipv6, loopback(IpAddressFamily::Ipv6, 0));
    let c4 = port_of(&client4.addr());

    check(
        "ipv4 client sends",
        client4.send(b"from v4", v4((127, 0, 0, 1), port)),
        1,
    );
    let (data, from) = server.one();
    check("server gets the ipv4 datagram", data, b"from v4".to_vec());
    check(
        "ipv4 peer shows as ::ffff:127.0.0.1",
        from,
        mapped_loopback(c4),
    );
    check(
        "reply to the mapped address goes out",
        server.send(b"to v4", from),
        1,
    );
    check(
        "ipv4 client gets the reply",
        client4.one(),
        (b"to v4".to_vec(), v4((127, 0, 0, 1), port)),
    );

    check(
        "ipv6 client sends",
        client6.send(b"from v6", loopback(IpAddressFamily::Ipv6, port)),
        1,
    );
    let (data, from) = server.one();
    check("server gets the ipv6 datagram", data, b"from v6".to_vec());
    check("ipv6 peer shows as itself", from, client6.addr());
    check("reply to ipv6", server.send(b"to v6", from), 1);
    check(
        "ipv6 client gets the reply",
        client6.one().0,
        b"to v6".to_vec(),
    );

    // Both families at once, in one batch each way.
    client4.send(b"4", v4((127, 0, 0, 1), port));
    client6.send(b"6", loopback(IpAddressFamily::Ipv6, port));
    let mut got: Vec<Vec<u8>> = receive_n(&server.incoming, 2)
        .into_iter()
        .map(|d| d.data)
        .collect();
    got.sort();
    check(
        "both families arrive",
        got,
        vec![b"4".to_vec(), b"6".to_vec()],
    );
}

fn connected_to_a_mapped_peer() {
    let peer = Peer::new(IpAddressFamily::Ipv4, loopback(IpAddressFamily::Ipv4, 0));
    let other = Peer::new(IpAddressFamily::Ipv4, loopback(IpAddressFamily::Ipv4, 0));
    let peer_mapped = mapped_loopback(port_of(&peer.addr()));
    let s = create_udp_socket(IpAddressFamily::Ipv6).unwrap();
    bind(&s, any6(0)).unwrap();
    let port = port_of(&s.local_address().unwrap());
    let (incoming, outgoing) = s.stream(Some(peer_mapped)).unwrap();
    check(
        "remote-address is the mapped peer",
        s.remote_address(),
        Ok(peer_mapped),
    );
    check(
        "local-address becomes mapped loopback",
        s.local_address(),
        Ok(mapped_loopback(port)),
    );
    check(
        "send to the connected peer",
        send_all(&outgoing, vec![dg(b"hi", None)]),
        1,
    );
    check(
        "peer hears it from our port",
        peer.one(),
        (b"hi".to_vec(), v4((127, 0, 0, 1), port)),
    );
    other.send(b"stranger", v4((127, 0, 0, 1), port));
    peer.send(b"peer", v4((127, 0, 0, 1), port));
    let d = receive_n(&incoming, 1).remove(0);
    check(
        "only the connected peer is heard",
        (d.data, d.remote_address),
        (b"peer".to_vec(), peer_mapped),
    );
    let wrong = dg(b"x", Some(loopback(IpAddressFamily::Ipv6, 9)));
    outgoing.check_send().unwrap();
    check(
        "send elsewhere while connected",
        outgoing.send(&[wrong]),
        Err(ErrorCode::InvalidArgument),
    );
    drop((incoming, outgoing));
    let (incoming, outgoing) = s.stream(None).unwrap();
    check(
        "re-stream(none) disconnects",
        s.remote_address(),
        Err(ErrorCode::InvalidState),
    );
    check(
        "local-address is :: again",
        s.local_address(),
        Ok(any6(port)),
    );
    check(
        "unconnected send to mapped",
        send_all(&outgoing, vec![dg(b"again", Some(peer_mapped))]),
        1,
    );
    check("peer hears it", peer.one().0, b"again".to_vec());
    drop((incoming, outgoing));
}

fn mapped_bind_is_ipv4_only() {
    let s = create_udp_socket(IpAddressFamily::Ipv6).unwrap();
    check(
        "bind ::ffff:127.0.0.1",
        bind(&s, mapped_loopback(0)),
        Ok(()),
    );
    let local = s.local_address().unwrap();
    let port = port_of(&local);
    check("local-address is mapped", local, mapped_loopback(port));
    let (incoming, outgoing) = s.stream(None).unwrap();
    let client = Peer::new(IpAddressFamily::Ipv4, loopback(IpAddressFamily::Ipv4, 0));
    client.send(b"v4 in", v4((127, 0, 0, 1), port));
    let d = receive_n(&incoming, 1).remove(0);
    check(
        "receives ipv4 as mapped",
        (d.data, d.remote_address),
        (b"v4 in".to_vec(), mapped_loopback(port_of(&client.addr()))),
    );
    outgoing.check_send().unwrap();
    let to_v6 = dg(b"x", Some(loopback(IpAddressFamily::Ipv6, 9)));
    // wasmtime 15 passed on the kernel's EAFNOSUPPORT.
    check(
        "send to plain ipv6 refused",
        outgoing.send(&[to_v6]),
        Err(ErrorCode::NotSupported),
    );
    drop((incoming, outgoing));
    let stream = s
        .stream(Some(loopback(IpAddressFamily::Ipv6, 9)))
        .map(|_| ());
    check(
        "connect to plain ipv6 refused",
        stream,
        Err(ErrorCode::InvalidArgument),
    );
}

fn port_taken_on_ipv4_fails_and_leaves_the_socket_bindable() {
    let holder = Peer::new(IpAddressFamily::Ipv4, v4((0, 0, 0, 0), 0));
    let port = port_of(&holder.addr());
    let s = create_udp_socket(IpAddressFamily::Ipv6).unwrap();
    s.set_unicast_hop_limit(7).unwrap();
    check(
        "dual bind to a port taken on ipv4",
        s.start_bind(&instance_network(), any6(port)),
        Err(ErrorCode::AddressInUse),
    );
    check(
        "still unbound",
        s.local_address(),
        Err(ErrorCode::InvalidState),
    );
    check("set-ipv6-only still allowed", s.ipv6_only(), Ok(false));
    check("bind again to port 0", bind(&s, any6(0)), Ok(()));
    check(
        "options survive the failed bind",
        s.unicast_hop_limit(),
        Ok(7),
    );
}

fn v6_only_refuses_mapped_and_ignores_ipv4() {
    let s = create_udp_socket(IpAddressFamily::Ipv6).unwrap();
    s.set_ipv6_only(true).unwrap();
    check(
        "v6-only: bind mapped refused",
        s.start_bind(&instance_network(), mapped_loopback(0)),
        Err(ErrorCode::InvalidArgument),
    );
    bind(&s, any6(0)).unwrap();
    let port = port_of(&s.local_address().unwrap());
    let (incoming, outgoing) = s.stream(None).unwrap();
    outgoing.check_send().unwrap();
    check(
        "v6-only: send to mapped refused",
        outgoing.send(&[dg(b"x", Some(mapped_loopback(9)))]),
        Err(ErrorCode::InvalidArgument),
    );
    // The same port on IPv4 is free: a v6-only socket does not hold it.
    let v4_same_port = create_udp_socket(IpAddressFamily::Ipv4).unwrap();
    check(
        "v6-only leaves the ipv4 port free",
        bind(&v4_same_port, v4((127, 0, 0, 1), port)),
        Ok(()),
    );
    let (v4_in, v4_out) = v4_same_port.stream(None).unwrap();
    let client = Peer::new(IpAddressFamily::Ipv4, loopback(IpAddressFamily::Ipv4, 0));
    client.send(b"for v4", v4((127, 0, 0, 1), port));
    check(
        "the ipv4 socket gets it",
        receive_n(&v4_in, 1).remove(0).data,
        b"for v4".to_vec(),
    );
    check(
        "the v6-only socket does not",
        incoming.receive(8).map(|v| v.len()),
        Ok(0),
    );
    drop((v4_in, v4_out, incoming, outgoing));
    let stream = s.stream(Some(mapped_loopback(9))).map(|_| ());
    check(
        "v6-only: connect to mapped refused",
        stream,
        Err(ErrorCode::InvalidArgument),
    );
}

fn specific_ipv6_bind_refuses_mapped_peers() {
    let s = create_udp_socket(IpAddressFamily::Ipv6).unwrap();
    bind(&s, loopback(IpAddressFamily::Ipv6, 0)).unwrap();
    let (incoming, outgoing) = s.stream(None).unwrap();
    outgoing.check_send().unwrap();
    // wasmtime 15 sent nothing here (Ok(0)) and its connect said ENETUNREACH.
    check(
        "bound to ::1: send to mapped refused",
        outgoing.send(&[dg(b"x", Some(mapped_loopback(9)))]),
        Err(ErrorCode::RemoteUnreachable),
    );
    drop((incoming, outgoing));
    let stream = s.stream(Some(mapped_loopback(9))).map(|_| ());
    check(
        "bound to ::1: connect to mapped refused",
        stream,
        Err(ErrorCode::RemoteUnreachable),
    );
}
