//! rc UDP conformance scenarios. `rc-conformance SCENARIO FAMILY [ARGS]`; each prints one
//! line per check and a closing `N passed, N failed`. Expected codes are wasmtime 15's.

use rc_guests::{rc::*, *};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scenario = args.get(1).map(String::as_str).unwrap_or("");
    let fam = family(args.get(2).map(String::as_str).unwrap_or("ipv4"));
    match scenario {
        "bind" => bind_states(fam),
        "options" => options(fam),
        "exchange" => exchange(fam),
        "send-errors" => send_errors(fam),
        "poll-mix" => poll_mix(fam),
        "refused" => refused(fam),
        "clock" => clock(),
        "echo" => echo(fam, args[3].parse().unwrap(), args[4].parse().unwrap()),
        "send-unpermitted" => send_unpermitted(fam, false),
        "send-past-permit" => send_unpermitted(fam, true),
        "stream-twice" => {
            let socket = bound_socket(fam);
            let _streams = socket.stream(None).unwrap();
            let _ = socket.stream(None); // traps: the first pair is still alive
        }
        "drop-socket-first" => {
            let socket = bound_socket(fam);
            let streams = socket.stream(None).unwrap();
            drop(socket); // traps: its streams are alive (wasmtime 15: "entry still has children")
            println!("socket dropped");
            drop(streams);
        }
        other => panic!("unknown scenario {other:?}"),
    }
    finish();
}

fn other_family(fam: IpAddressFamily) -> IpAddressFamily {
    match fam {
        IpAddressFamily::Ipv4 => IpAddressFamily::Ipv6,
        IpAddressFamily::Ipv6 => IpAddressFamily::Ipv4,
    }
}

fn bind_states(fam: IpAddressFamily) {
    let net = instance_network();
    let s = create_udp_socket(fam).unwrap();
    check("address-family", s.address_family(), fam);
    check(
        "finish-bind unbound",
        s.finish_bind(),
        Err(ErrorCode::NotInProgress),
    );
    check(
        "local-address unbound",
        s.local_address(),
        Err(ErrorCode::InvalidState),
    );
    check(
        "remote-address unbound",
        s.remote_address(),
        Err(ErrorCode::InvalidState),
    );
    check(
        "stream unbound",
        s.stream(None).map(|_| ()),
        Err(ErrorCode::InvalidState),
    );
    let wrong = loopback(other_family(fam), 0);
    check(
        "start-bind wrong family",
        s.start_bind(&net, wrong),
        Err(ErrorCode::InvalidArgument),
    );
    check("start-bind", s.start_bind(&net, loopback(fam, 0)), Ok(()));
    check(
        "start-bind while started",
        s.start_bind(&net, loopback(fam, 0)),
        Err(ErrorCode::ConcurrencyConflict),
    );
    check(
        "local-address bind started",
        s.local_address(),
        Err(ErrorCode::ConcurrencyConflict),
    );
    check(
        "stream bind started",
        s.stream(None).map(|_| ()),
        Err(ErrorCode::InvalidState),
    );
    check("finish-bind", s.finish_bind(), Ok(()));
    check(
        "finish-bind again",
        s.finish_bind(),
        Err(ErrorCode::NotInProgress),
    );
    check(
        "start-bind bound",
        s.start_bind(&net, loopback(fam, 0)),
        Err(ErrorCode::InvalidState),
    );
    let local = s.local_address().unwrap();
    check_that("local-address has a port", port_of(&local) != 0, &local);
    check(
        "local-address is loopback",
        local,
        loopback(fam, port_of(&local)),
    );
    check(
        "remote-address bound",
        s.remote_address(),
        Err(ErrorCode::InvalidState),
    );

    let taken = create_udp_socket(fam).unwrap();
    check(
        "bind to a port in use",
        taken.start_bind(&net, local),
        Err(ErrorCode::AddressInUse),
    );
    check(
        "finish-bind after failed start",
        taken.finish_bind(),
        Err(ErrorCode::NotInProgress),
    );

    let (a_in, a_out) = s.stream(None).unwrap();
    drop((a_in, a_out));
    check(
        "finish-bind streaming",
        s.finish_bind(),
        Err(ErrorCode::NotInProgress),
    );
    if fam == IpAddressFamily::Ipv6 {
        let mapped = mapped_loopback(0);
        let m = create_udp_socket(fam).unwrap();
        m.set_ipv6_only(true).unwrap();
        check(
            "bind v4-mapped on v6-only",
            m.start_bind(&net, mapped),
            Err(ErrorCode::InvalidArgument),
        );
    }
}

fn options(fam: IpAddressFamily) {
    let s = create_udp_socket(fam).unwrap();
    match fam {
        IpAddressFamily::Ipv4 => {
            check(
                "ipv6-only on ipv4",
                s.ipv6_only(),
                Err(ErrorCode::NotSupported),
            );
            check(
                "set-ipv6-only on ipv4",
                s.set_ipv6_only(true),
                Err(ErrorCode::NotSupported),
            );
        }
        IpAddressFamily::Ipv6 => {
            // Dual-stack by default, as on the Linux hosts of 2023 (rc-dual-stack tests it).
            check("ipv6-only default", s.ipv6_only(), Ok(false));
            check("set-ipv6-only false", s.set_ipv6_only(false), Ok(()));
            check("set-ipv6-only true", s.set_ipv6_only(true), Ok(()));
        }
    }
    check(
        "set hop limit 0",
        s.set_unicast_hop_limit(0),
        Err(ErrorCode::InvalidArgument),
    );
    check("set hop limit 42", s.set_unicast_hop_limit(42), Ok(()));
    check("hop limit", s.unicast_hop_limit(), Ok(42));
    check(
        "set receive buffer 0",
        s.set_receive_buffer_size(0),
        Err(ErrorCode::InvalidArgument),
    );
    check(
        "set send buffer 0",
        s.set_send_buffer_size(0),
        Err(ErrorCode::InvalidArgument),
    );
    check(
        "set receive buffer huge",
        s.set_receive_buffer_size(u64::MAX),
        Ok(()),
    );
    check(
        "set send buffer huge",
        s.set_send_buffer_size(u64::MAX),
        Ok(()),
    );
    check(
        "set receive buffer 65536",
        s.set_receive_buffer_size(65536),
        Ok(()),
    );
    let rcv = s.receive_buffer_size().unwrap();
    check_that(
        "receive buffer near request",
        (32768..=262144).contains(&rcv),
        rcv,
    );
    check_that("send buffer > 0", s.send_buffer_size().unwrap() > 0, ());
    let net = instance_network();
    s.start_bind(&net, loopback(fam, 0)).unwrap();
    s.finish_bind().unwrap();
    if fam == IpAddressFamily::Ipv6 {
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
        check("ipv6-only after bind", s.ipv6_only(), Ok(true));
    }
    check("hop limit kept after bind", s.unicast_hop_limit(), Ok(42));
}

fn exchange(fam: IpAddressFamily) {
    let a = bound_socket(fam);
    let b = bound_socket(fam);
    let a_addr = a.local_address().unwrap();
    let b_addr = b.local_address().unwrap();
    let (a_in, a_out) = a.stream(None).unwrap();
    let (b_in, b_out) = b.stream(Some(a_addr)).unwrap();
    check(
        "remote-address after stream(some)",
        b.remote_address(),
        Ok(a_addr),
    );
    check(
        "remote-address after stream(none)",
        a.remote_address(),
        Err(ErrorCode::InvalidState),
    );
    check("local-address after connect", b.local_address(), Ok(b_addr));
    check("receive 0", a_in.receive(0).map(|v| v.len()), Ok(0));
    check(
        "receive nothing waiting",
        a_in.receive(10).map(|v| v.len()),
        Ok(0),
    );

    let payloads: Vec<Vec<u8>> = vec![b"first".to_vec(), vec![], b"third".to_vec(), vec![7; 1400]];
    let out = payloads.iter().map(|p| OutgoingDatagram {
        data: p.clone(),
        remote_address: None,
    });
    check(
        "send 4 to connected peer",
        send_all(&b_out, out.collect()),
        4,
    );
    let got = receive_n(&a_in, payloads.len());
    let data: Vec<Vec<u8>> = got.iter().map(|d| d.data.clone()).collect();
    check("payloads in order, zero-length included", data, payloads);
    check("sender address", got[0].remote_address, b_addr);

    // Reply with an explicit address from the unconnected socket.
    let reply = OutgoingDatagram {
        data: b"reply".to_vec(),
        remote_address: Some(b_addr),
    };
    check("reply sent", send_all(&a_out, vec![reply]), 1);
    let back = receive_n(&b_in, 1);
    check("reply received", back[0].data.clone(), b"reply".to_vec());
    check("reply from a", back[0].remote_address, a_addr);

    // Re-associate b: streams must be dropped first; then unconnected.
    drop((b_in, b_out));
    let (b_in, b_out) = b.stream(None).unwrap();
    check(
        "remote-address after re-stream(none)",
        b.remote_address(),
        Err(ErrorCode::InvalidState),
    );
    let to_a = OutgoingDatagram {
        data: b"again".to_vec(),
        remote_address: Some(a_addr),
    };
    check(
        "unconnected send with address",
        send_all(&b_out, vec![to_a]),
        1,
    );
    check(
        "a got it",
        receive_n(&a_in, 1)[0].data.clone(),
        b"again".to_vec(),
    );
    drop((b_in, b_out));

    // A third socket; b connects to it, then a sends to b: the connected stream filters a out.
    let c = bound_socket(fam);
    let c_addr = c.local_address().unwrap();
    let (b_in, _b_out) = b.stream(Some(c_addr)).unwrap();
    check(
        "remote-address follows latest association",
        b.remote_address(),
        Ok(c_addr),
    );
    // Linux drops an ephemeral port on disconnect (as under the rc host), so read it live.
    let b_addr = b.local_address().unwrap();
    let (_c_in, c_out) = c.stream(None).unwrap();
    let from_a = OutgoingDatagram {
        data: b"not for you".to_vec(),
        remote_address: Some(b_addr),
    };
    send_all(&a_out, vec![from_a]);
    let from_c = OutgoingDatagram {
        data: b"from c".to_vec(),
        remote_address: Some(b_addr),
    };
    send_all(&c_out, vec![from_c]);
    let got = receive_n(&b_in, 1);
    check(
        "connected stream receives only its peer",
        got[0].data.clone(),
        b"from c".to_vec(),
    );
    check("connected stream sender", got[0].remote_address, c_addr);
}

fn send_errors(fam: IpAddressFamily) {
    let a = bound_socket(fam);
    let b = bound_socket(fam);
    let b_addr = b.local_address().unwrap();
    let (_a_in, a_out) = a.stream(None).unwrap();
    let send1 = |d: OutgoingDatagram| {
        a_out.check_send().unwrap();
        a_out.send(&[d])
    };
    let dg = |data: Vec<u8>, to: Option<IpSocketAddress>| OutgoingDatagram {
        data,
        remote_address: to,
    };
    check(
        "unconnected without address",
        send1(dg(vec![1], None)),
        Err(ErrorCode::InvalidArgument),
    );
    check(
        "port 0",
        send1(dg(vec![1], Some(loopback(fam, 0)))),
        Err(ErrorCode::InvalidArgument),
    );
    let unspecified = unspecified(fam, 9);
    check(
        "unspecified address",
        send1(dg(vec![1], Some(unspecified))),
        Err(ErrorCode::InvalidArgument),
    );
    let wrong = loopback(other_family(fam), 9);
    check(
        "wrong family",
        send1(dg(vec![1], Some(wrong))),
        Err(ErrorCode::InvalidArgument),
    );
    check(
        "65536 bytes",
        send1(dg(vec![0; 65536], Some(b_addr))),
        Err(ErrorCode::DatagramTooLarge),
    );
    check(
        "empty send list",
        {
            a_out.check_send().unwrap();
            a_out.send(&[])
        },
        Ok(0),
    );
    // The first datagram goes, the second fails: the count, not the error, comes back.
    a_out.check_send().unwrap();
    check(
        "partial send",
        a_out.send(&[dg(vec![1], Some(b_addr)), dg(vec![2], None)]),
        Ok(1),
    );
    drop(a_out);

    let c = bound_socket(fam);
    let (_c_in, c_out) = c.stream(Some(b_addr)).unwrap();
    c_out.check_send().unwrap();
    let other = loopback(fam, port_of(&b_addr).wrapping_add(1).max(1));
    check(
        "connected, other address",
        c_out.send(&[dg(vec![1], Some(other))]),
        Err(ErrorCode::InvalidArgument),
    );
    c_out.check_send().unwrap();
    check(
        "connected, same address",
        c_out.send(&[dg(vec![1], Some(b_addr))]),
        Ok(1),
    );
    drop(c_out);
    drop(_c_in);
    let bad_remote = c.stream(Some(loopback(fam, 0))).map(|_| ());
    check(
        "stream to port 0",
        bad_remote,
        Err(ErrorCode::InvalidArgument),
    );
    let bad_family = c.stream(Some(loopback(other_family(fam), 9))).map(|_| ());
    check(
        "stream to wrong family",
        bad_family,
        Err(ErrorCode::InvalidArgument),
    );
}

/// A datagram to a port nobody listens on: the host's ICMP error must wake a wait on the
/// incoming stream (not the 5 s timer), and `receive` must return it, once.
fn refused(fam: IpAddressFamily) {
    let closed = {
        let gone = bound_socket(fam);
        gone.local_address().unwrap()
    };
    let a = bound_socket(fam);
    let (a_in, a_out) = a.stream(Some(closed)).unwrap();
    // wasmtime 15 may take nothing from a socket's first send; `send_all` waits and retries.
    let datagram = OutgoingDatagram {
        data: vec![1],
        remote_address: None,
    };
    check("send to a closed port", send_all(&a_out, vec![datagram]), 1);
    let readable = a_in.subscribe();
    let timer = monotonic_clock::subscribe_duration(5_000_000_000);
    check(
        "the error wakes the wait",
        poll::poll(&[&readable, &timer]),
        vec![0],
    );
    check(
        "receive returns it",
        a_in.receive(1).map(|d| d.len()),
        Err(ErrorCode::ConnectionRefused),
    );
    check("then nothing", a_in.receive(1).map(|d| d.len()), Ok(0));
}

fn poll_mix(fam: IpAddressFamily) {
    let a = bound_socket(fam);
    let b = bound_socket(fam);
    let (a_in, _a_out) = a.stream(None).unwrap();
    let (_b_in, b_out) = b.stream(Some(a.local_address().unwrap())).unwrap();
    let readable = a_in.subscribe();
    let t0 = monotonic_clock::now();
    let timer = monotonic_clock::subscribe_duration(30_000_000);
    check(
        "idle socket + 30 ms timer: timer wins",
        poll::poll(&[&readable, &timer]),
        vec![1],
    );
    check_that(
        "waited for the timer",
        monotonic_clock::now() - t0 >= 30_000_000,
        monotonic_clock::now() - t0,
    );
    check("expired timer ready", timer.ready(), true);
    check(
        "socket subscribe is ready",
        poll::poll(&[&a.subscribe()]),
        vec![0],
    );
    check(
        "outgoing stream ready",
        poll::poll(&[&b_out.subscribe()]),
        vec![0],
    );

    send_all(
        &b_out,
        vec![OutgoingDatagram {
            data: b"x".to_vec(),
            remote_address: None,
        }],
    );
    let far = monotonic_clock::subscribe_instant(monotonic_clock::now() + 10_000_000_000);
    check(
        "data + far timer: socket wins",
        poll::poll(&[&far, &readable]),
        vec![1],
    );
    check(
        "readable stays ready until received",
        readable.ready(),
        true,
    );
    check("receive it", a_in.receive(8).map(|v| v.len()), Ok(1));
    let past = monotonic_clock::subscribe_instant(0);
    // In any order: wasmtime 15 returned them unsorted.
    let mut both = poll::poll(&[&past, &b_out.subscribe(), &timer]);
    both.sort_unstable();
    check("several ready at once", both, vec![0, 1, 2]);
    let zero = monotonic_clock::subscribe_duration(0);
    zero.block();
    check("zero duration ready", zero.ready(), true);
}

fn clock() {
    let a = monotonic_clock::now();
    let b = monotonic_clock::now();
    check_that("monotonic", b >= a, (a, b));
    check_that(
        "resolution > 0",
        monotonic_clock::resolution() > 0,
        monotonic_clock::resolution(),
    );
    let t = monotonic_clock::subscribe_duration(5_000_000);
    let start = monotonic_clock::now();
    t.block();
    check_that(
        "block waits 5 ms",
        monotonic_clock::now() - start >= 5_000_000,
        (),
    );
}

/// Echo server for host-driven tests: binds loopback:`port`, echoes every datagram to its
/// sender, and stops after echoing one that says `stop`. `batch` is receive's max-results.
fn echo(fam: IpAddressFamily, port: u16, batch: u64) {
    let s = create_udp_socket(fam).unwrap();
    s.start_bind(&instance_network(), loopback(fam, port))
        .unwrap();
    s.finish_bind().unwrap();
    let (incoming, outgoing) = s.stream(None).unwrap();
    let readable = incoming.subscribe();
    let mut echoed = 0u64;
    loop {
        readable.block();
        let got = incoming.receive(batch).unwrap();
        let stop = got.iter().any(|d| d.data == b"stop");
        let replies = got.into_iter().map(|d| OutgoingDatagram {
            data: d.data,
            remote_address: Some(d.remote_address),
        });
        echoed += send_all(&outgoing, replies.collect());
        if stop {
            break;
        }
    }
    println!("echoed {echoed}");
}

fn send_unpermitted(fam: IpAddressFamily, after_check: bool) {
    let s = bound_socket(fam);
    let to = s.local_address().unwrap();
    let (_in, out) = s.stream(None).unwrap();
    let mut datagrams = vec![OutgoingDatagram {
        data: vec![1],
        remote_address: Some(to),
    }];
    if after_check {
        let permit = out.check_send().unwrap();
        datagrams = vec![datagrams[0].clone(); permit as usize + 1];
    }
    println!("sending {} datagrams", datagrams.len());
    let _ = out.send(&datagrams); // traps
    println!("send returned");
}
