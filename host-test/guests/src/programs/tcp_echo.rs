// A TCP echo client for `bench tcp-rtt`: `PORT MODE COUNT` connects to 127.0.0.1:PORT and
// echoes COUNT messages of 64 bytes, waiting for data with `blocking-read` (MODE `block`) or
// with one `poll` over the stream and a timer (MODE `poll`). A read may return fewer bytes,
// or none (wasmtime 15's did), so each message is read until whole.
// Included by a bin that first names the `cmd` (rc) or `p2cmd` (0.2.12) API as `api`.

use api::clocks::monotonic_clock::subscribe_duration;
use api::io::poll::poll;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args[1].parse().expect("PORT");
    let poll_mode = args[2] == "poll";
    let count: u64 = args[3].parse().expect("COUNT");
    let (_socket, input, output) = connect_loopback(port);
    let readable = input.subscribe();
    for _ in 0..count {
        let mut message = Vec::with_capacity(64);
        while message.len() < 64 {
            let want = 64 - message.len() as u64;
            let bytes = if poll_mode {
                poll(&[&readable, &subscribe_duration(10_000_000_000)]);
                input.read(want).expect("read")
            } else {
                input.blocking_read(want).expect("blocking-read")
            };
            message.extend(bytes);
        }
        output.blocking_write_and_flush(&message).expect("write");
    }
    drop(readable);
    drop((input, output));
}

include!("connect.rs");
