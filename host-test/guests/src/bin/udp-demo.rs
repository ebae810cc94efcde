//! The bundled example: a legacy (0.2.0-rc-2023-11-10) program. It prints the file named by
//! its argument, if any (std's file access), then a server socket and a client socket
//! exchange datagrams over loopback, IPv4 then IPv6, and print what they saw.

use rc_guests::rc::*;

fn main() {
    if let Some(path) = std::env::args().nth(1) {
        let text = std::fs::read_to_string(&path).expect("read the file named by the argument");
        println!("{path} says: {}", text.trim_end());
    }
    for family in [IpAddressFamily::Ipv4, IpAddressFamily::Ipv6] {
        let server = bound_socket(family);
        let server_addr = server.local_address().unwrap();
        let (server_in, server_out) = server.stream(None).unwrap();

        let client = bound_socket(family);
        let (client_in, client_out) = client.stream(Some(server_addr)).unwrap();
        let client_addr = client.local_address().unwrap();
        println!(
            "{family:?}: server on {}, client on {}",
            show(&server_addr),
            show(&client_addr)
        );

        let messages = ["hello from 2023", "", "still speaking rc"];
        let datagrams = messages
            .iter()
            .map(|m| OutgoingDatagram {
                data: m.as_bytes().to_vec(),
                remote_address: None,
            })
            .collect();
        send_all(&client_out, datagrams);

        for d in receive_n(&server_in, messages.len()) {
            println!(
                "  server got {:?} from {}; echoing",
                String::from_utf8_lossy(&d.data),
                show(&d.remote_address)
            );
            let echo = OutgoingDatagram {
                data: d.data,
                remote_address: Some(d.remote_address),
            };
            send_all(&server_out, vec![echo]);
        }
        let echoes = receive_n(&client_in, messages.len());
        let texts: Vec<String> = echoes
            .iter()
            .map(|d| String::from_utf8_lossy(&d.data).into_owned())
            .collect();
        println!("  client got back {texts:?}");
        assert_eq!(texts, messages, "echoes must match what was sent, in order");
    }
    println!("exchange complete");
}

fn show(addr: &IpSocketAddress) -> String {
    match addr {
        IpSocketAddress::Ipv4(a) => {
            let (x, y, z, w) = a.address;
            format!("{x}.{y}.{z}.{w}:{}", a.port)
        }
        IpSocketAddress::Ipv6(a) => {
            let (s0, s1, s2, s3, s4, s5, s6, s7) = a.address;
            let ip = std::net::Ipv6Addr::new(s0, s1, s2, s3, s4, s5, s6, s7);
            format!("[{ip}]:{}", a.port)
        }
    }
}
