//! Measures whether a 0.3 call finishes at once when made from a sync-typed export (this
//! command's `run`), the question `docs/design.md`'s table turns on. `p3-sync-probe CASE`
//! starts one call and polls its future once: it prints `CASE RETURNED` if the host finished it
//! on that first poll. If the host returned STARTED, wit-bindgen 0.61.1 panics with
//! `assertion failed: !task.is_null()` (there is no async task to wait in: waiting.md), so
//! a trap with that message means STARTED. Cases: fs-stat (the preopen `/probe`), fs-read
//! (a file's stream, data on disk), stdin-read, tcp-connect PORT (a listening port),
//! lookup NAME.

wit_bindgen::generate!({
    path: "wit",
    world: "p3-sync-probe",
    generate_all,
});

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use wasi::sockets0_3_0::types::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, TcpSocket};

/// Polls once; a host STARTED panics inside (see above).
fn first_poll<T>(case: &str, f: impl Future<Output = T>) {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(_) => println!("{case} RETURNED"),
        Poll::Pending => println!("{case} PENDING"),
    }
    // Never drop a pending call: cancelling it would have to wait.
    std::process::exit(0);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let case = args[1].as_str();
    let preopen = || {
        wasi::filesystem0_3_0::preopens::get_directories()
            .into_iter()
            .next()
            .expect("a preopen")
            .0
    };
    match case {
        "fs-stat" => first_poll(case, preopen().stat()),
        "fs-read" => {
            let dir = preopen();
            let file = dir.open_at(
                wasi::filesystem0_3_0::types::PathFlags::empty(),
                "data.txt".into(),
                wasi::filesystem0_3_0::types::OpenFlags::empty(),
                wasi::filesystem0_3_0::types::DescriptorFlags::READ,
            );
            let mut file = pin!(file);
            // open-at is itself async: report it, and go on only if it finished.
            match file.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
                Poll::Ready(Ok(file)) => {
                    println!("fs-open-at RETURNED");
                    let (mut data, _done) = file.read_via_stream(0);
                    first_poll(case, data.read(Vec::with_capacity(16)))
                }
                other => println!(
                    "fs-open-at {}",
                    if other.is_ready() {
                        "FAILED"
                    } else {
                        "PENDING"
                    }
                ),
            }
        }
        "stdin-read" => {
            let (mut data, _done) = wasi::cli0_3_0::stdin::read_via_stream();
            first_poll(case, data.read(Vec::with_capacity(16)))
        }
        "tcp-connect" => {
            let port: u16 = args[2].parse().unwrap();
            let socket = TcpSocket::create(IpAddressFamily::Ipv4).unwrap();
            let to = IpSocketAddress::Ipv4(Ipv4SocketAddress {
                port,
                address: (127, 0, 0, 1),
            });
            first_poll(case, socket.connect(to))
        }
        "lookup" => first_poll(
            case,
            wasi::sockets0_3_0::ip_name_lookup::resolve_addresses(args[2].clone()),
        ),
        other => panic!("unknown case {other}"),
    }
}
