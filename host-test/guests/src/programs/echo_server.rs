// Echo server over one or more sockets in one `poll` loop, used by benchmarks:
// `echo-server FAMILY BATCH [--receive-buffer BYTES] PORT [PORT...]`. Echoes every datagram to its sender and stops
// after echoing one that says `stop`; then prints `echoed N hellos H send-waits W`, where H
// counts the `hello` datagrams peers use to find out that the server is up.
// Included by a bin that first imports the `rc` or the `p2` API.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let fam = family(&args[1]);
    let batch: u64 = args[2].parse().expect("BATCH");
    let (receive_buffer, ports) = match args.get(3).map(String::as_str) {
        Some("--receive-buffer") => (Some(args[4].parse::<u64>().expect("BYTES")), &args[5..]),
        _ => (None, &args[3..]),
    };
    let ports: Vec<u16> = ports.iter().map(|p| p.parse().expect("PORT")).collect();
    assert!(
        !ports.is_empty(),
        "usage: echo-server FAMILY BATCH [--receive-buffer BYTES] PORT [PORT...]"
    );

    let net = instance_network();
    // Children before parents: fields drop in order, and a host traps on a socket dropped
    // while its streams live (wasmtime 15 and wasmtime's p2 alike).
    let sockets: Vec<(Pollable, IncomingDatagramStream, OutgoingDatagramStream, UdpSocket)> = ports
        .iter()
        .map(|&port| {
            let socket = create_udp_socket(fam).expect("create");
            socket.start_bind(&net, loopback(fam, port)).expect("start-bind");
            socket.finish_bind().expect("finish-bind");
            if let Some(bytes) = receive_buffer {
                socket
                    .set_receive_buffer_size(bytes)
                    .expect("set-receive-buffer-size");
            }
            let (incoming, outgoing) = socket.stream(None).expect("stream");
            let readable = incoming.subscribe();
            (readable, incoming, outgoing, socket)
        })
        .collect();
    let pollables: Vec<&Pollable> = sockets.iter().map(|s| &s.0).collect();

    let mut echoed = 0u64;
    let mut hellos = 0u64;
    let mut stop = false;
    while !stop {
        for i in poll::poll(&pollables) {
            let (_, incoming, outgoing, _) = &sockets[i as usize];
            let got = incoming.receive(batch).expect("receive");
            stop |= got.iter().any(|d| d.data == b"stop");
            hellos += got.iter().filter(|d| d.data == b"hello").count() as u64;
            let replies = got.into_iter().map(|d| OutgoingDatagram {
                data: d.data,
                remote_address: Some(d.remote_address),
            });
            echoed += send_all(outgoing, replies.collect());
        }
    }
    println!("echoed {echoed} hellos {hellos} send-waits {}", send_waits());
}
