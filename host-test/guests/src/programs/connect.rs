// Connects a TCP socket to 127.0.0.1:PORT, waiting on its pollable: the socket and its
// streams (the socket must outlive them). Included by programs that name their API `api`.

fn connect_loopback(
    port: u16,
) -> (
    api::sockets::tcp::TcpSocket,
    api::io::streams::InputStream,
    api::io::streams::OutputStream,
) {
    use api::sockets::instance_network::instance_network;
    use api::sockets::network::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress};
    use api::sockets::tcp_create_socket::create_tcp_socket;
    let socket = create_tcp_socket(IpAddressFamily::Ipv4).unwrap();
    let to = IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port,
        address: (127, 0, 0, 1),
    });
    socket.start_connect(&instance_network(), to).unwrap();
    loop {
        match socket.finish_connect() {
            Ok((input, output)) => break (socket, input, output),
            Err(_) => socket.subscribe().block(),
        }
    }
}
