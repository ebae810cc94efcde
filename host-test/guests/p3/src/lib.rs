//! The benchmark echo server (`../src/programs/echo_server.rs`) written the way a native WASI
//! 0.3 program would be: one async task per socket, each awaiting `receive` and `send`.
//! `echo-server-p3 FAMILY BATCH PORT [PORT...]` (BATCH is ignored: 0.3 receives one datagram
//! at a time). Stops after echoing a datagram that says `stop`; prints `echoed N hellos H send-waits 0`.

wit_bindgen::generate!({
    path: "../wit",
    world: "native-p3",
    generate_all,
});

use futures::channel::oneshot;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasi::sockets0_3_0::types::{
    IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, UdpSocket,
};

struct EchoServer;

impl exports::wasi::cli0_3_0::run::Guest for EchoServer {
    async fn run() -> Result<(), ()> {
        let args: Vec<String> = std::env::args().collect();
        let ipv6 = match args[1].as_str() {
            "ipv4" => false,
            "ipv6" => true,
            other => panic!("unknown family {other}"),
        };
        let ports: Vec<u16> = args[3..].iter().map(|p| p.parse().expect("PORT")).collect();
        let echoed = Rc::new(Cell::new(0u64));
        let hellos = Rc::new(Cell::new(0u64));
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let stop_tx = Rc::new(RefCell::new(Some(stop_tx)));
        for port in ports {
            let socket = bind(ipv6, port);
            let (echoed, hellos, stop_tx) = (echoed.clone(), hellos.clone(), stop_tx.clone());
            wit_bindgen::spawn_local(async move {
                loop {
                    let (data, from) = socket.receive().await.expect("receive");
                    let stop = data == b"stop";
                    hellos.set(hellos.get() + u64::from(data == b"hello"));
                    socket.send(data, Some(from)).await.expect("send");
                    echoed.set(echoed.get() + 1);
                    if stop {
                        if let Some(tx) = stop_tx.borrow_mut().take() {
                            let _ = tx.send(());
                        }
                        return;
                    }
                }
            });
        }
        let _ = stop_rx.await;
        println!(
            "echoed {} hellos {} send-waits 0",
            echoed.get(),
            hellos.get()
        );
        Ok(())
    }
}

fn bind(ipv6: bool, port: u16) -> UdpSocket {
    let (family, address) = if ipv6 {
        let address = Ipv6SocketAddress {
            port,
            flow_info: 0,
            address: (0, 0, 0, 0, 0, 0, 0, 1),
            scope_id: 0,
        };
        (IpAddressFamily::Ipv6, IpSocketAddress::Ipv6(address))
    } else {
        let address = Ipv4SocketAddress {
            port,
            address: (127, 0, 0, 1),
        };
        (IpAddressFamily::Ipv4, IpSocketAddress::Ipv4(address))
    };
    let socket = UdpSocket::create(family).expect("create");
    socket.bind(address).expect("bind");
    socket
}

export!(EchoServer);
