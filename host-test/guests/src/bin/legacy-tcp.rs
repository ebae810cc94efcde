//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that drives
//! `wasi:sockets/tcp@0.2.0-rc-2023-11-10` over loopback, IPv4 and IPv6: bind, listen, accept,
//! connect, 1 MiB each way, shutdown, states, options, a refused connect. With `drop-socket-first`
//! as its argument it drops a connected socket before its streams, which traps.

use rc_guests::cmd::io::streams::{InputStream, OutputStream, StreamError};
use rc_guests::cmd::sockets::instance_network::instance_network;
use rc_guests::cmd::sockets::network::{
    ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, Network,
};
use rc_guests::cmd::sockets::tcp::{ShutdownType, TcpSocket};
use rc_guests::cmd::sockets::tcp_create_socket::create_tcp_socket;
use rc_guests::{check, check_that, finish};

const MIB: usize = 1 << 20;

fn loopback(family: IpAddressFamily, port: u16) -> IpSocketAddress {
    match family {
        IpAddressFamily::Ipv4 => IpSocketAddress::Ipv4(Ipv4SocketAddress {
            port,
            address: (127, 0, 0, 1),
        }),
        IpAddressFamily::Ipv6 => IpSocketAddress::Ipv6(Ipv6SocketAddress {
            port,
            flow_info: 0,
            address: (0, 0, 0, 0, 0, 0, 0, 1),
            scope_id: 0,
        }),
    }
}

fn port(addr: &IpSocketAddress) -> u16 {
    match addr {
        IpSocketAddress::Ipv4(a) => a.port,
        IpSocketAddress::Ipv6(a) => a.port,
    }
}

fn listener(net: &Network, family: IpAddressFamily) -> TcpSocket {
    let socket = create_tcp_socket(family).expect("create");
    socket
        .start_bind(net, loopback(family, 0))
        .expect("start-bind");
    check(
        "finish-bind",
        until_ready(&socket, TcpSocket::finish_bind),
        Ok(()),
    );
    check("not yet listening", socket.is_listening(), false);
    socket.start_listen().expect("start-listen");
    check(
        "finish-listen",
        until_ready(&socket, TcpSocket::finish_listen),
        Ok(()),
    );
    check("listening", socket.is_listening(), true);
    socket
}

/// Calls a `finish-*` until it stops saying `would-block`, waiting on the socket in between.
fn until_ready<T>(
    socket: &TcpSocket,
    f: impl Fn(&TcpSocket) -> Result<T, ErrorCode>,
) -> Result<T, ErrorCode> {
    loop {
        match f(socket) {
            Err(ErrorCode::WouldBlock) => socket.subscribe().block(),
            other => return other,
        }
    }
}

fn connect(
    net: &Network,
    to: &IpSocketAddress,
    family: IpAddressFamily,
) -> Result<(TcpSocket, InputStream, OutputStream), ErrorCode> {
    let socket = create_tcp_socket(family)?;
    socket.start_connect(net, *to)?;
    let (input, output) = until_ready(&socket, TcpSocket::finish_connect)?;
    Ok((socket, input, output))
}

/// Sends `len` bytes each way between two connected pairs of streams, never blocking on one
/// side while the other could move, and returns what each side received.
fn exchange(
    a: (&InputStream, &OutputStream),
    b: (&InputStream, &OutputStream),
    len: usize,
) -> (Vec<u8>, Vec<u8>) {
    let pattern = |i: usize, salt: usize| ((i * 7 + salt) % 251) as u8;
    let (mut sent, mut got) = ([0usize; 2], [Vec::new(), Vec::new()]);
    let sides = [(a, b.0, 1usize), (b, a.0, 2usize)];
    while got[0].len() < len || got[1].len() < len {
        let mut moved = false;
        for (k, ((_, out), peer_in, salt)) in sides.iter().enumerate() {
            if sent[k] < len {
                let n = (out.check_write().expect("check-write") as usize)
                    .min(len - sent[k])
                    .min(64 << 10);
                if n > 0 {
                    let chunk: Vec<u8> =
                        (sent[k]..sent[k] + n).map(|i| pattern(i, *salt)).collect();
                    out.write(&chunk).expect("write");
                    sent[k] += n;
                    moved = true;
                }
            }
            let bytes = peer_in.read(64 << 10).expect("read");
            moved |= !bytes.is_empty();
            got[k].extend(bytes);
        }
        if !moved {
            let p = sides[0].1.subscribe();
            let q = sides[1].1.subscribe();
            rc_guests::cmd::io::poll::poll(&[&p, &q]);
        }
    }
    let ok = |k: usize, salt| {
        got[k]
            .iter()
            .enumerate()
            .all(|(i, &v)| v == pattern(i, salt))
    };
    check("a->b bytes intact", ok(0, 1), true);
    check("b->a bytes intact", ok(1, 2), true);
    let [x, y] = got;
    (x, y)
}

fn round(net: &Network, family: IpAddressFamily) {
    println!("-- {family:?}");
    let server = listener(net, family);
    let addr = server.local_address().expect("local-address");
    check("listener family", server.address_family(), family);
    check(
        "accept before any client",
        server.accept().map(|_| ()).err(),
        Some(ErrorCode::WouldBlock),
    );
    let (client, c_in, c_out) = connect(net, &addr, family).expect("connect");
    let (conn, s_in, s_out) = until_ready(&server, TcpSocket::accept).expect("accept");
    check(
        "client remote is the listener",
        client.remote_address().map(|a| port(&a)),
        Ok(port(&addr)),
    );
    check(
        "accepted remote is the client",
        format!("{:?}", conn.remote_address()),
        format!("{:?}", client.local_address()),
    );

    check(
        "set keep-alive",
        client.set_keep_alive_enabled(true),
        Ok(()),
    );
    check("keep-alive", client.keep_alive_enabled(), Ok(true));
    check("set hop limit", client.set_hop_limit(42), Ok(()));
    check("hop limit", client.hop_limit(), Ok(42));
    check(
        "set hop limit 0",
        client.set_hop_limit(0),
        Err(ErrorCode::InvalidArgument),
    );
    check_that(
        "receive buffer size",
        client.receive_buffer_size().map(|n| n > 0) == Ok(true),
        client.receive_buffer_size(),
    );
    check(
        "listen on a connected socket",
        client.start_listen(),
        Err(ErrorCode::InvalidState),
    );

    let (x, y) = exchange((&c_in, &c_out), (&s_in, &s_out), MIB);
    check("1 MiB each way", (x.len(), y.len()), (MIB, MIB));

    check("shutdown send", client.shutdown(ShutdownType::Send), Ok(()));
    let end = loop {
        match s_in.blocking_read(16) {
            Ok(bytes) if bytes.is_empty() => continue,
            Ok(bytes) => break Ok(bytes),
            Err(e) => break Err(matches!(e, StreamError::Closed)),
        }
    };
    check("peer sees end of stream after shutdown", end, Err(true));
    check(
        "peer can still send",
        s_out.blocking_write_and_flush(b"late").is_ok(),
        true,
    );
    check(
        "client still receives",
        c_in.blocking_read(4).ok(),
        Some(b"late".to_vec()),
    );
    drop((c_in, c_out, s_in, s_out));
    drop((client, conn));

    let free_port = port(&addr);
    drop(server);
    check(
        "connect to a closed port",
        connect(net, &loopback(family, free_port), family).map(|_| ()),
        Err(ErrorCode::ConnectionRefused),
    );
}

fn mapped_loopback(port: u16) -> IpSocketAddress {
    IpSocketAddress::Ipv6(Ipv6SocketAddress {
        port,
        flow_info: 0,
        address: (0, 0, 0, 0, 0, 0xffff, 0x7f00, 1),
        scope_id: 0,
    })
}

fn unspecified_v6() -> IpSocketAddress {
    IpSocketAddress::Ipv6(Ipv6SocketAddress {
        port: 0,
        flow_info: 0,
        address: (0, 0, 0, 0, 0, 0, 0, 0),
        scope_id: 0,
    })
}

/// rc `ipv6-only` defaults to false, as on 2023 Linux hosts: a listener on `::` also takes
/// IPv4 peers, which show as IPv4-mapped addresses; a socket can connect to a mapped peer.
fn dual_stack(net: &Network) {
    println!("-- dual-stack");
    let v4 = create_tcp_socket(IpAddressFamily::Ipv4).unwrap();
    check(
        "ipv6-only on IPv4",
        v4.ipv6_only(),
        Err(ErrorCode::NotSupported),
    );
    let server = create_tcp_socket(IpAddressFamily::Ipv6).unwrap();
    check("ipv6-only defaults to false", server.ipv6_only(), Ok(false));
    server.start_bind(net, unspecified_v6()).unwrap();
    check(
        "set-ipv6-only while binding",
        server.set_ipv6_only(true),
        Err(ErrorCode::ConcurrencyConflict),
    );
    until_ready(&server, TcpSocket::finish_bind).unwrap();
    check(
        "set-ipv6-only after bind",
        server.set_ipv6_only(true),
        Err(ErrorCode::InvalidState),
    );
    server.start_listen().unwrap();
    until_ready(&server, TcpSocket::finish_listen).unwrap();
    let port = port(&server.local_address().unwrap());

    let (v4_client, v4_in, v4_out) = connect(
        net,
        &loopback(IpAddressFamily::Ipv4, port),
        IpAddressFamily::Ipv4,
    )
    .expect("IPv4 client");
    let (conn, s_in, s_out) =
        until_ready(&server, TcpSocket::accept).expect("accept the IPv4 client");
    let client_port = port_of(v4_client.local_address());
    check(
        "IPv4 peer shows mapped",
        format!("{:?}", conn.remote_address()),
        format!("{:?}", Ok::<_, ErrorCode>(mapped_loopback(client_port))),
    );
    check(
        "accepted socket is IPv6",
        conn.address_family(),
        IpAddressFamily::Ipv6,
    );
    check(
        "accepted local address is mapped",
        format!("{:?}", conn.local_address()),
        format!("{:?}", Ok::<_, ErrorCode>(mapped_loopback(port))),
    );
    v4_out.blocking_write_and_flush(b"over IPv4").unwrap();
    check(
        "bytes over IPv4",
        s_in.blocking_read(9).ok(),
        Some(b"over IPv4".to_vec()),
    );
    drop((v4_in, v4_out, s_in, s_out));
    drop((v4_client, conn));

    let (v6_client, v6_in, v6_out) = connect(
        net,
        &loopback(IpAddressFamily::Ipv6, port),
        IpAddressFamily::Ipv6,
    )
    .expect("IPv6 client");
    let (conn, s_in, s_out) =
        until_ready(&server, TcpSocket::accept).expect("accept the IPv6 client");
    check(
        "IPv6 peer shows as itself",
        format!("{:?}", conn.remote_address()),
        format!("{:?}", v6_client.local_address()),
    );
    drop((v6_in, v6_out, s_in, s_out));
    drop((v6_client, conn));

    let (mapped_client, m_in, m_out) = connect(net, &mapped_loopback(port), IpAddressFamily::Ipv6)
        .expect("connect to a mapped peer");
    check(
        "mapped connect: remote",
        format!("{:?}", mapped_client.remote_address()),
        format!("{:?}", Ok::<_, ErrorCode>(mapped_loopback(port))),
    );
    let (conn, s_in, s_out) =
        until_ready(&server, TcpSocket::accept).expect("accept the mapped client");
    check(
        "mapped client shows mapped on the server",
        conn.remote_address()
            .map(|a| matches!(a, IpSocketAddress::Ipv6(a) if a.address.5 == 0xffff)),
        Ok(true),
    );
    drop((m_in, m_out, s_in, s_out));
    drop((mapped_client, conn));

    let bound_v6 = create_tcp_socket(IpAddressFamily::Ipv6).unwrap();
    bound_v6
        .start_bind(net, loopback(IpAddressFamily::Ipv6, 0))
        .unwrap();
    until_ready(&bound_v6, TcpSocket::finish_bind).unwrap();
    // wasmtime 15 connected only unbound sockets, and checked that first.
    check(
        "bound to ::1: connect",
        bound_v6.start_connect(net, mapped_loopback(port)),
        Err(ErrorCode::InvalidState),
    );
    let bound_mapped = create_tcp_socket(IpAddressFamily::Ipv6).unwrap();
    bound_mapped.start_bind(net, mapped_loopback(0)).unwrap();
    until_ready(&bound_mapped, TcpSocket::finish_bind).unwrap();
    check(
        "bound to a mapped address: connect",
        bound_mapped.start_connect(net, loopback(IpAddressFamily::Ipv6, port)),
        Err(ErrorCode::InvalidState),
    );

    let v6_only = create_tcp_socket(IpAddressFamily::Ipv6).unwrap();
    check("set-ipv6-only", v6_only.set_ipv6_only(true), Ok(()));
    check("ipv6-only", v6_only.ipv6_only(), Ok(true));
    check(
        "v6-only refuses a mapped peer",
        v6_only.start_connect(net, mapped_loopback(port)),
        Err(ErrorCode::InvalidArgument),
    );
}

fn port_of(addr: Result<IpSocketAddress, ErrorCode>) -> u16 {
    port(&addr.expect("an address"))
}

fn main() {
    let net = instance_network();
    if std::env::args().nth(1).as_deref() == Some("drop-socket-first") {
        let server = listener(&net, IpAddressFamily::Ipv4);
        let (client, _input, _output) = connect(
            &net,
            &server.local_address().unwrap(),
            IpAddressFamily::Ipv4,
        )
        .expect("connect");
        println!("dropping the socket before its streams");
        drop(client);
        println!("dropped without a trap");
        return;
    }
    round(&net, IpAddressFamily::Ipv4);
    round(&net, IpAddressFamily::Ipv6);
    dual_stack(&net);
    finish();
}
