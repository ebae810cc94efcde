//! The bad-input catalogue: `rc-bad-input FAMILY`. Each case feeds one bad value to an rc
//! call, checks the error wasmtime 15 returned (or the rc spec demands), and then checks that
//! the same socket still exchanges a datagram. Cases that must trap are separate scenarios of
//! `rc-conformance` (`send-unpermitted`, `send-past-permit`, `stream-twice`,
//! `drop-socket-first`). Prints one line per check and a closing `N passed, N failed`.

use rc_guests::{rc::*, *};

fn main() {
    let fam = family(&std::env::args().nth(1).expect("FAMILY"));
    let pair = Pair::new(fam);
    pair.still_works("fresh pair");
    remotes(&pair, fam);
    sizes(&pair, fam);
    receive_limits(&pair);
    options(fam);
    mapped_on_ipv4(fam);
    finish();
}

/// Two bound sockets with streams: `a` sends, `b` receives. Fields drop children first.
struct Pair {
    a_in: IncomingDatagramStream,
    a_out: OutgoingDatagramStream,
    b_in: IncomingDatagramStream,
    _b_out: OutgoingDatagramStream,
    a: UdpSocket,
    b: UdpSocket,
}

impl Pair {
    fn new(fam: IpAddressFamily) -> Pair {
        let (a, b) = (bound_socket(fam), bound_socket(fam));
        let (a_in, a_out) = a.stream(None).unwrap();
        let (b_in, _b_out) = b.stream(None).unwrap();
        Pair {
            a_in,
            a_out,
            b_in,
            _b_out,
            a,
            b,
        }
    }

    /// One send past `check-send`, as the rc spec requires.
    fn send(&self, data: Vec<u8>, to: Option<IpSocketAddress>) -> Result<u64, ErrorCode> {
        self.a_out.check_send().unwrap();
        self.a_out.send(&[OutgoingDatagram {
            data,
            remote_address: to,
        }])
    }

    /// After a refused call, the pair still exchanges a datagram both ways.
    fn still_works(&self, after: &str) {
        let to_b = self.b.local_address().unwrap();
        let payload = format!("after {after}").into_bytes();
        // Through send_all: wasmtime 15 sent nothing on a socket tokio did not yet know was
        // writable, and the guest then waited for the pollable and sent again.
        let datagram = OutgoingDatagram {
            data: payload.clone(),
            remote_address: Some(to_b),
        };
        check(
            &format!("{after}: a still sends"),
            send_all(&self.a_out, vec![datagram]),
            1,
        );
        let got = receive_n(&self.b_in, 1).remove(0);
        check(
            &format!("{after}: b still receives"),
            (got.data, got.remote_address),
            (payload, self.a.local_address().unwrap()),
        );
        check(
            &format!("{after}: nothing else queued"),
            self.a_in.receive(16).map(|v| v.len()),
            Ok(0),
        );
    }
}

fn other(fam: IpAddressFamily) -> IpAddressFamily {
    match fam {
        IpAddressFamily::Ipv4 => IpAddressFamily::Ipv6,
        IpAddressFamily::Ipv6 => IpAddressFamily::Ipv4,
    }
}

fn remotes(pair: &Pair, fam: IpAddressFamily) {
    let port = port_of(&pair.b.local_address().unwrap());
    let cases = [
        ("send to unspecified address", Some(unspecified(fam, port))),
        ("send to port 0", Some(loopback(fam, 0))),
        ("send to unspecified with port 0", Some(unspecified(fam, 0))),
        ("send to the wrong family", Some(loopback(other(fam), port))),
        ("send without an address, unconnected", None),
    ];
    for (name, to) in cases {
        check(
            name,
            pair.send(vec![1], to),
            Err(ErrorCode::InvalidArgument),
        );
        pair.still_works(name);
    }
    // The same remotes through %stream, on a third socket that must stay usable.
    let c = bound_socket(fam);
    for (name, to) in [
        ("stream to unspecified address", unspecified(fam, port)),
        ("stream to port 0", loopback(fam, 0)),
        ("stream to the wrong family", loopback(other(fam), port)),
    ] {
        check(
            name,
            c.stream(Some(to)).map(|_| ()),
            Err(ErrorCode::InvalidArgument),
        );
        check(
            &format!("{name}: still unconnected"),
            c.remote_address(),
            Err(ErrorCode::InvalidState),
        );
    }
    let (c_in, c_out) = c.stream(Some(pair.b.local_address().unwrap())).unwrap();
    check(
        "after bad streams: connect works",
        send_all(
            &c_out,
            vec![OutgoingDatagram {
                data: b"c".to_vec(),
                remote_address: None,
            }],
        ),
        1,
    );
    check(
        "after bad streams: b hears c",
        receive_n(&pair.b_in, 1).remove(0).remote_address,
        c.local_address().unwrap(),
    );
    drop((c_in, c_out));
}

/// Largest UDP payloads: 65,507 B over IPv4 (65,535 minus IP and UDP headers), 65,527 B over
/// IPv6. Larger ones up to 65,535 B reach the kernel, which refuses them (EMSGSIZE); beyond
/// that the rc host refused them itself. Both are `datagram-too-large`.
fn sizes(pair: &Pair, fam: IpAddressFamily) {
    let largest = match fam {
        IpAddressFamily::Ipv4 => 65_507,
        IpAddressFamily::Ipv6 => 65_527,
    };
    let to_b = Some(pair.b.local_address().unwrap());
    let payload: Vec<u8> = (0..largest).map(|i| (i % 251) as u8).collect();
    check(
        &format!("send {largest} B"),
        pair.send(payload.clone(), to_b),
        Ok(1),
    );
    let got = receive_n(&pair.b_in, 1).remove(0).data;
    check_that(
        &format!("{largest} B arrive intact"),
        got == payload,
        got.len(),
    );
    for size in [largest + 1, 65_535, 65_536, 100_000] {
        let name = format!("send {size} B");
        check(
            &name,
            pair.send(vec![7; size], to_b),
            Err(ErrorCode::DatagramTooLarge),
        );
        pair.still_works(&name);
    }
    // In a batch, the datagrams before the oversized one go out and the call succeeds.
    let small = OutgoingDatagram {
        data: b"small".to_vec(),
        remote_address: to_b,
    };
    let big = OutgoingDatagram {
        data: vec![7; 70_000],
        remote_address: to_b,
    };
    pair.a_out.check_send().unwrap();
    check(
        "batch: small then too large",
        pair.a_out.send(&[small, big]),
        Ok(1),
    );
    check(
        "batch: the small one arrives",
        receive_n(&pair.b_in, 1).remove(0).data,
        b"small".to_vec(),
    );
    pair.still_works("oversized batch");
}

fn receive_limits(pair: &Pair) {
    check(
        "receive max-results 0, nothing waiting",
        pair.b_in.receive(0).map(|v| v.len()),
        Ok(0),
    );
    check(
        "receive max-results u64::MAX, nothing waiting",
        pair.b_in.receive(u64::MAX).map(|v| v.len()),
        Ok(0),
    );
    let to_b = pair.b.local_address().unwrap();
    let batch: Vec<OutgoingDatagram> = (0..5u8)
        .map(|i| OutgoingDatagram {
            data: vec![i],
            remote_address: Some(to_b),
        })
        .collect();
    check("send 5", send_all(&pair.a_out, batch), 5);
    // max-results 0 takes nothing, even with data waiting.
    let pollable = pair.b_in.subscribe();
    pollable.block();
    check(
        "receive max-results 0, data waiting",
        pair.b_in.receive(0).map(|v| v.len()),
        Ok(0),
    );
    let mut got = Vec::new();
    while got.len() < 5 {
        pollable.block();
        got.extend(
            pair.b_in
                .receive(u64::MAX)
                .unwrap()
                .into_iter()
                .map(|d| d.data[0]),
        );
    }
    check(
        "max-results u64::MAX returns what is there, in order",
        got,
        vec![0, 1, 2, 3, 4],
    );
    drop(pollable);
    pair.still_works("receive limits");
}

fn options(fam: IpAddressFamily) {
    let s = bound_socket(fam);
    let hop = s.unicast_hop_limit().unwrap();
    check(
        "hop limit 0",
        s.set_unicast_hop_limit(0),
        Err(ErrorCode::InvalidArgument),
    );
    check("hop limit unchanged", s.unicast_hop_limit(), Ok(hop));
    check("hop limit 255", s.set_unicast_hop_limit(255), Ok(()));
    check("hop limit 255 kept", s.unicast_hop_limit(), Ok(255));
    let (rcv, snd) = (
        s.receive_buffer_size().unwrap(),
        s.send_buffer_size().unwrap(),
    );
    check(
        "receive buffer 0",
        s.set_receive_buffer_size(0),
        Err(ErrorCode::InvalidArgument),
    );
    check(
        "send buffer 0",
        s.set_send_buffer_size(0),
        Err(ErrorCode::InvalidArgument),
    );
    check(
        "buffers unchanged",
        (s.receive_buffer_size(), s.send_buffer_size()),
        (Ok(rcv), Ok(snd)),
    );
    check(
        "receive buffer 1 (clamped by the kernel)",
        s.set_receive_buffer_size(1),
        Ok(()),
    );
    check(
        "send buffer u64::MAX (clamped)",
        s.set_send_buffer_size(u64::MAX),
        Ok(()),
    );
    let (in_, out) = s.stream(None).unwrap();
    let me = s.local_address().unwrap();
    check(
        "tiny buffers: still sends to itself",
        send_all(
            &out,
            vec![OutgoingDatagram {
                data: b"me".to_vec(),
                remote_address: Some(me),
            }],
        ),
        1,
    );
    check(
        "tiny buffers: still receives",
        receive_n(&in_, 1).remove(0).data,
        b"me".to_vec(),
    );
    drop((in_, out));
}

fn mapped_on_ipv4(fam: IpAddressFamily) {
    if fam != IpAddressFamily::Ipv4 {
        return;
    }
    let mapped = mapped_loopback(9);
    let s = create_udp_socket(fam).unwrap();
    check(
        "ipv4: bind mapped",
        s.start_bind(&instance_network(), mapped),
        Err(ErrorCode::InvalidArgument),
    );
    check(
        "ipv4: still unbound",
        s.local_address(),
        Err(ErrorCode::InvalidState),
    );
    s.start_bind(&instance_network(), loopback(fam, 0)).unwrap();
    s.finish_bind().unwrap();
    check(
        "ipv4: stream to mapped",
        s.stream(Some(mapped)).map(|_| ()),
        Err(ErrorCode::InvalidArgument),
    );
    let (in_, out) = s.stream(None).unwrap();
    out.check_send().unwrap();
    check(
        "ipv4: send to mapped",
        out.send(&[OutgoingDatagram {
            data: vec![1],
            remote_address: Some(mapped),
        }]),
        Err(ErrorCode::InvalidArgument),
    );
    let me = s.local_address().unwrap();
    check(
        "ipv4: still sends after",
        send_all(
            &out,
            vec![OutgoingDatagram {
                data: b"ok".to_vec(),
                remote_address: Some(me),
            }],
        ),
        1,
    );
    check(
        "ipv4: still receives after",
        receive_n(&in_, 1).remove(0).data,
        b"ok".to_vec(),
    );
    drop((in_, out));
}
