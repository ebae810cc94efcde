//! A plugged legacy echo server talks to a real host socket: every datagram (zero-length and
//! near-MTU ones included) comes back intact and in order, over 127.0.0.1 and ::1.

use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::bench::guest::free_ports;
use host_test::bench::peer::Peer;
use host_test::runner::{self, Stdout};
use std::net::SocketAddr;
use std::time::Duration;

async fn echo_roundtrip(build: AdapterBuild, ip: &str, family: &'static str, batch: &'static str) {
    let component =
        artifacts::legacy_plugged_with("rc-conformance", Era::Nov2023, Some(build)).unwrap();
    let engine = runner::engine().unwrap();
    let port = free_ports(ip, 1).unwrap()[0];
    let server = SocketAddr::new(ip.parse().unwrap(), port);
    let guest = tokio::spawn(async move {
        let port = port.to_string();
        let args = ["echo", family, port.as_str(), batch];
        runner::run(&engine, &component, &args, Stdout::Capture)
            .await
            .unwrap()
    });

    // Handshake: repeat until the guest has bound and echoes, then drain duplicates.
    let mut handshake = Peer::new(family == "ipv6").unwrap();
    handshake.handshake(&[server]).unwrap();
    let peer = handshake.socket();
    let mut buf = vec![0u8; 65536];
    peer.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    for i in 0..200usize {
        let payload: Vec<u8> = match i % 4 {
            0 => vec![],
            1 => vec![i as u8; 1400],
            _ => format!("datagram {i}").into_bytes(),
        };
        peer.send_to(&payload, server).unwrap();
        let (n, from) = peer.recv_from(&mut buf).expect("echo arrives");
        assert_eq!(&buf[..n], &payload[..], "datagram {i}");
        assert_eq!(from, server);
    }
    // A burst: all 50 come back, in order.
    for i in 0..50u8 {
        peer.send_to(&[i; 32], server).unwrap();
    }
    for i in 0..50u8 {
        let (n, _) = peer.recv_from(&mut buf).expect("burst echo arrives");
        assert_eq!(&buf[..n], &[i; 32][..]);
    }
    peer.send_to(b"stop", server).unwrap();
    let out = guest.await.unwrap();
    let stdout = out.assert_success().to_string();
    let echoed: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("echoed "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no tally in {stdout}"));
    assert!(echoed >= 251, "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn echo_ipv4_one_at_a_time() {
    for build in AdapterBuild::SHIPPED {
        echo_roundtrip(build, "127.0.0.1", "ipv4", "1").await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn echo_ipv6_batched() {
    for build in AdapterBuild::SHIPPED {
        echo_roundtrip(build, "::1", "ipv6", "64").await
    }
}

/// The benchmark's three echo servers (rc + adapter, native p2, native p3) each echo every
/// numbered datagram intact over three sockets, v4 and v6: the benchmark's baselines do the
/// same work as the adapter.
#[test]
fn every_benchmark_flavor_echoes_over_several_sockets() {
    use host_test::bench::guest::{Flavor, Server};
    use host_test::bench::peer::Peer;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let engine = runner::engine().unwrap();
    for flavor in Flavor::ALL {
        let component = flavor.component(&engine).unwrap();
        for ipv6 in [false, true] {
            let server = Server::start(&rt, &engine, &component, ipv6, 3, 16, None).unwrap();
            let mut peer = Peer::new(ipv6).unwrap();
            peer.handshake(&server.addrs).unwrap();
            for size in [8, 1400] {
                peer.throughput(&server.addrs, size, 300, 8).unwrap();
            }
            peer.stop(server.addrs[0]).unwrap();
            let tally = server.finish(&rt).unwrap();
            // hellos + 600 + stop; the handshake may have sent extra hellos.
            assert!(tally.echoed > 3 + 600, "{flavor:?} ipv6={ipv6}: {tally:?}");
        }
    }
}
