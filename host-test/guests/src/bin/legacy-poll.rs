//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that waits with ONE rc `poll`
//! over a UDP socket, a TCP listener, stdin, a timer and (last round) a file stream, and prints
//! which woke it each round. The host drives it: it sends a datagram, connects, writes to
//! stdin, then does nothing. Its argument is a preopened directory.

use rc_guests::cmd::cli::stdin::get_stdin;
use rc_guests::cmd::clocks::monotonic_clock::subscribe_duration;
use rc_guests::cmd::filesystem::preopens::get_directories;
use rc_guests::cmd::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
use rc_guests::cmd::io::poll::{Pollable, poll};
use rc_guests::cmd::sockets::instance_network::instance_network;
use rc_guests::cmd::sockets::network::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress};
use rc_guests::cmd::sockets::{tcp_create_socket, udp_create_socket};

const LONG: u64 = 60_000_000_000; // a failsafe: waking on it means the wait missed an event

fn any_port() -> IpSocketAddress {
    IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port: 0,
        address: (127, 0, 0, 1),
    })
}

fn port(addr: IpSocketAddress) -> u16 {
    match addr {
        IpSocketAddress::Ipv4(a) => a.port,
        IpSocketAddress::Ipv6(a) => a.port,
    }
}

fn woke(list: &[&Pollable]) {
    println!("woke {:?}", poll(list));
}

fn main() {
    let net = instance_network();
    let udp = udp_create_socket::create_udp_socket(IpAddressFamily::Ipv4).unwrap();
    udp.start_bind(&net, any_port()).unwrap();
    udp.finish_bind().unwrap();
    let (incoming, _outgoing) = udp.stream(None).unwrap();
    let tcp = tcp_create_socket::create_tcp_socket(IpAddressFamily::Ipv4).unwrap();
    tcp.start_bind(&net, any_port()).unwrap();
    tcp.subscribe().block();
    tcp.finish_bind().unwrap();
    tcp.start_listen().unwrap();
    tcp.subscribe().block();
    tcp.finish_listen().unwrap();
    println!("udp {}", port(udp.local_address().unwrap()));
    println!("tcp {}", port(tcp.local_address().unwrap()));

    let stdin = get_stdin();
    let (p_udp, p_tcp, p_stdin) = (incoming.subscribe(), tcp.subscribe(), stdin.subscribe());
    woke(&[&p_udp, &p_tcp, &p_stdin, &subscribe_duration(LONG)]);
    println!(
        "datagram {:?}",
        incoming.receive(1).unwrap().first().map(|d| d.data.clone())
    );
    woke(&[&p_udp, &p_tcp, &p_stdin, &subscribe_duration(LONG)]);
    let (conn, conn_in, conn_out) = tcp.accept().expect("accept");
    println!("accepted true");
    // Streams before their socket: the other order traps, as on wasmtime 15.
    drop((conn_in, conn_out));
    drop(conn);
    woke(&[&p_udp, &p_tcp, &p_stdin, &subscribe_duration(LONG)]);
    println!("stdin {:?}", stdin.read(16).unwrap());
    woke(&[&p_udp, &p_tcp, &p_stdin, &subscribe_duration(100_000_000)]);

    let dir = std::env::args().nth(1).expect("a preopened directory");
    let (desc, _) = get_directories()
        .into_iter()
        .find(|(_, path)| *path == dir)
        .expect("preopen");
    let file = desc
        .open_at(
            PathFlags::empty(),
            "poll.txt",
            OpenFlags::CREATE,
            DescriptorFlags::READ | DescriptorFlags::WRITE,
        )
        .unwrap();
    let reader = file.read_via_stream(0).unwrap();
    woke(&[&p_udp, &reader.subscribe(), &subscribe_duration(LONG)]);
}
