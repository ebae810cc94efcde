//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that drives
//! `wasi:io/streams@0.2.0-rc-2023-11-10` directly: stdin and stdout, and file streams in the
//! preopened directory given as its argument. With `trap` as its argument it writes past
//! `check-write`, which the rc spec says traps; with `drop-stream-first` it drops stdin while
//! a pollable of it lives, which traps on wasmtime 15 (pollables are children).

use rc_guests::cmd::cli::{stdin::get_stdin, stdout::get_stdout};
use rc_guests::cmd::filesystem::preopens::get_directories;
use rc_guests::cmd::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
use rc_guests::cmd::io::streams::StreamError;
use rc_guests::{check, check_that, finish};

fn main() {
    let stdout = get_stdout();
    if std::env::args().nth(1).as_deref() == Some("drop-stream-first") {
        let stdin = get_stdin();
        let pollable = stdin.subscribe();
        println!("dropping stdin before its pollable");
        drop(stdin);
        println!("dropped without a trap");
        drop(pollable);
        return;
    }
    if std::env::args().nth(1).as_deref() == Some("trap") {
        let permit = stdout.check_write().expect("check-write");
        println!("permit {permit}");
        let _ = stdout.write(&vec![b'x'; permit as usize + 1]);
        println!("wrote past the permit without a trap");
        return;
    }

    // Non-blocking writes within the permit, then flush and wait.
    let permit = stdout.check_write().expect("check-write");
    check_that("check-write grants bytes", permit >= 5, permit);
    stdout.write(b"[out]").expect("write");
    stdout.flush().expect("flush");
    stdout.subscribe().block();
    stdout
        .blocking_write_and_flush(b"[blocking]")
        .expect("blocking-write-and-flush");
    stdout.write_zeroes(2).expect("write-zeroes");
    stdout
        .blocking_write_zeroes_and_flush(1)
        .expect("blocking-write-zeroes-and-flush");

    // stdin: splice its first 4 bytes to stdout, skip 2, read the rest until closed.
    let stdin = get_stdin();
    stdin.subscribe().block();
    check(
        "blocking-splice",
        stdout.blocking_splice(&stdin, 4).ok(),
        Some(4),
    );
    check("blocking-skip", stdin.blocking_skip(2).ok(), Some(2));
    let mut rest = Vec::new();
    loop {
        match stdin.read(64) {
            Ok(bytes) if bytes.is_empty() => stdin.subscribe().block(),
            Ok(bytes) => rest.extend(bytes),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => panic!("stdin: {}", e.to_debug_string()),
        }
    }
    stdout.blocking_flush().expect("blocking-flush");
    println!();
    check(
        "stdin rest",
        String::from_utf8(rest).ok(),
        Some("rest of input".into()),
    );
    check(
        "read after close",
        stdin
            .blocking_read(1)
            .map_err(|e| matches!(e, StreamError::Closed)),
        Err(true),
    );

    // File streams: write at an offset, append, read back; the stream outlives its descriptor.
    let (dir, _) = get_directories()
        .into_iter()
        .next()
        .expect("a preopened directory");
    let file = dir
        .open_at(
            PathFlags::empty(),
            "streams.txt",
            OpenFlags::CREATE,
            DescriptorFlags::READ | DescriptorFlags::WRITE,
        )
        .expect("open-at");
    let out = file.write_via_stream(0).expect("write-via-stream");
    out.blocking_write_and_flush(b"0123456789")
        .expect("file write");
    drop(out);
    let append = file.append_via_stream().expect("append-via-stream");
    append.blocking_write_and_flush(b"!").expect("append");
    drop(append);
    let input = file.read_via_stream(5).expect("read-via-stream");
    drop(file);
    let mut got = Vec::new();
    loop {
        match input.blocking_read(4) {
            Ok(bytes) => got.extend(bytes),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => {
                panic!("file read: {}", e.to_debug_string())
            }
        }
    }
    check(
        "file stream from offset 5",
        String::from_utf8(got).ok(),
        Some("56789!".into()),
    );
    finish();
}
