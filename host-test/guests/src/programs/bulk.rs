// Bulk data for `bench bulk`: `MODE MIB CHUNK [PORT|PATH]` moves MIB MiB in CHUNK-byte pieces.
// stdio and files go through std, so through the preview1 adapter the program was wrapped
// with; TCP goes through `api`'s sockets (its streams: `check-write`/`write`, and
// `blocking-read`), connected to 127.0.0.1:PORT. Modes: stdout, stdin, file-write PATH,
// file-read PATH, file-pread PATH and file-pwrite PATH (preview1 `fd_pread` and `fd_pwrite`,
// which the 2023 preview1 adapter serves with `descriptor.read` and `write`, not streams),
// tcp-send PORT, tcp-recv PORT. Prints on stderr the bytes moved and the
// nanoseconds the moving took (from the first byte's call to the last, with `Instant`),
// which leaves out what only the process's start and end cost.
// Included by a bin that first names the `cmd` (rc) or `p2cmd` (0.2.12) API as `api`, and
// defines `extra_mode`, for modes of its own.

use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args[1].as_str();
    let total = args[2].parse::<usize>().expect("MIB") << 20;
    let chunk: usize = args[3].parse().expect("CHUNK");
    let mut buf = vec![b'x'; chunk];
    let (moved, took) = match mode {
        "stdout" => timed(|| write_all(&mut std::io::stdout().lock(), &buf, total)),
        "stdin" => timed(|| read_all(&mut std::io::stdin().lock(), &mut buf)),
        "file-write" => {
            let mut file = std::fs::File::create(&args[4]).unwrap();
            timed(|| write_all(&mut file, &buf, total))
        }
        "file-read" => {
            let mut file = std::fs::File::open(&args[4]).unwrap();
            timed(|| read_all(&mut file, &mut buf))
        }
        "file-pread" => {
            let file = std::fs::File::open(&args[4]).unwrap();
            timed(|| pread_all(&file, &mut buf))
        }
        "file-pwrite" => {
            let file = std::fs::File::create(&args[4]).unwrap();
            timed(|| pwrite_all(&file, &buf, total))
        }
        "tcp-send" | "tcp-recv" => tcp(mode, args[4].parse().expect("PORT"), total, chunk),
        other => timed(|| extra_mode(other).unwrap_or_else(|| panic!("unknown mode {other}"))),
    };
    eprintln!("moved {moved} bytes in {} ns", took.as_nanos());
}

fn timed(work: impl FnOnce() -> usize) -> (usize, std::time::Duration) {
    let start = std::time::Instant::now();
    let moved = work();
    (moved, start.elapsed())
}

fn write_all(out: &mut impl Write, buf: &[u8], total: usize) -> usize {
    let mut done = 0;
    while done < total {
        let n = buf.len().min(total - done);
        out.write_all(&buf[..n]).unwrap();
        done += n;
    }
    out.flush().unwrap();
    done
}

fn read_all(input: &mut impl Read, buf: &mut [u8]) -> usize {
    let mut done = 0;
    loop {
        match input.read(buf).unwrap() {
            0 => return done,
            n => done += n,
        }
    }
}

#[repr(C)]
struct Iovec {
    buf: *mut u8,
    len: usize,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    fn fd_pread(fd: u32, iovs: *const Iovec, len: usize, offset: u64, done: *mut usize) -> u16;
    fn fd_pwrite(fd: u32, iovs: *const Iovec, len: usize, offset: u64, done: *mut usize) -> u16;
}

/// Writes `total` bytes with preview1 `fd_pwrite`, at ever larger offsets.
fn pwrite_all(file: &std::fs::File, buf: &[u8], total: usize) -> usize {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd() as u32;
    let mut offset = 0;
    while offset < total {
        let iov = Iovec {
            buf: buf.as_ptr().cast_mut(),
            len: buf.len().min(total - offset),
        };
        let mut done = 0;
        assert_eq!(unsafe { fd_pwrite(fd, &iov, 1, offset as u64, &mut done) }, 0);
        offset += done;
    }
    offset
}

/// Reads the whole file with preview1 `fd_pread`, at ever larger offsets.
fn pread_all(file: &std::fs::File, buf: &mut [u8]) -> usize {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd() as u32;
    let mut offset = 0;
    loop {
        let iov = Iovec {
            buf: buf.as_mut_ptr(),
            len: buf.len(),
        };
        let mut done = 0;
        assert_eq!(unsafe { fd_pread(fd, &iov, 1, offset as u64, &mut done) }, 0);
        if done == 0 {
            return offset;
        }
        offset += done;
    }
}

fn tcp(mode: &str, port: u16, total: usize, chunk: usize) -> (usize, std::time::Duration) {
    let (_socket, input, output) = connect_loopback(port);
    let start = std::time::Instant::now();
    let mut done = 0;
    if mode == "tcp-send" {
        let data = vec![b'x'; chunk];
        let writable = output.subscribe();
        while done < total {
            let permit = output.check_write().unwrap() as usize;
            if permit == 0 {
                writable.block();
                continue;
            }
            let n = permit.min(chunk).min(total - done);
            output.write(&data[..n]).unwrap();
            done += n;
        }
        output.blocking_flush().unwrap();
        drop(writable);
    } else {
        while let Ok(bytes) = input.blocking_read(chunk as u64) {
            done += bytes.len();
        }
    }
    let took = start.elapsed();
    drop((input, output));
    (done, took)
}

include!("connect.rs");
