//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that opens files through the
//! preview1 calls themselves, with rights std never asks for: a file created with rights 0
//! and a hard link to it opened with rights 0 must report the same rights, neither read nor
//! write, and refuse a write and a read, as wasmtime 15 did; with read and write rights both
//! are granted. Positional reads and writes (`fd_pread`, `fd_pwrite`) need their right too:
//! wasmtime 15 said `not-permitted` (EPERM) without it. Its argument is a preopened
//! directory. It prints the rights and errnos it got, so `scripts/compare-wasmtime15.sh`
//! compares them with wasmtime 15's.

use rc_guests::{check, finish};
use std::os::fd::AsRawFd;

const OFLAGS_CREAT: u16 = 1;
const RIGHTS_FD_READ: u64 = 1 << 1;
const RIGHTS_FD_WRITE: u64 = 1 << 6;
const ERRNO_SUCCESS: u16 = 0;
const ERRNO_PERM: u16 = 63;

#[repr(C)]
#[derive(Default)]
struct Fdstat {
    fs_filetype: u8,
    fs_flags: u16,
    fs_rights_base: u64,
    fs_rights_inheriting: u64,
}

#[repr(C)]
struct Iovec {
    buf: *const u8,
    len: usize,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    fn path_open(
        dir: u32,
        dirflags: u32,
        path: *const u8,
        path_len: usize,
        oflags: u16,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u16,
        opened: *mut u32,
    ) -> u16;
    fn path_link(
        old_dir: u32,
        old_flags: u32,
        old_path: *const u8,
        old_path_len: usize,
        new_dir: u32,
        new_path: *const u8,
        new_path_len: usize,
    ) -> u16;
    fn fd_fdstat_get(fd: u32, stat: *mut Fdstat) -> u16;
    fn fd_write(fd: u32, iovs: *const Iovec, iovs_len: usize, done: *mut usize) -> u16;
    fn fd_read(fd: u32, iovs: *const Iovec, iovs_len: usize, done: *mut usize) -> u16;
    fn fd_close(fd: u32) -> u16;
    fn fd_pread(fd: u32, iovs: *const Iovec, iovs_len: usize, offset: u64, done: *mut usize) -> u16;
    fn fd_pwrite(fd: u32, iovs: *const Iovec, iovs_len: usize, offset: u64, done: *mut usize)
    -> u16;
}

fn open(dir: u32, path: &str, oflags: u16, rights: u64) -> u32 {
    let mut fd = 0;
    let errno = unsafe {
        path_open(
            dir,
            0,
            path.as_ptr(),
            path.len(),
            oflags,
            rights,
            0,
            0,
            &mut fd,
        )
    };
    assert_eq!(errno, ERRNO_SUCCESS, "path_open {path}");
    fd
}

fn link(dir: u32, from: &str, to: &str) {
    let errno = unsafe {
        path_link(
            dir,
            0,
            from.as_ptr(),
            from.len(),
            dir,
            to.as_ptr(),
            to.len(),
        )
    };
    assert_eq!(errno, ERRNO_SUCCESS, "path_link {from} {to}");
}

fn rights(fd: u32) -> u64 {
    let mut stat = Fdstat::default();
    assert_eq!(unsafe { fd_fdstat_get(fd, &mut stat) }, ERRNO_SUCCESS);
    stat.fs_rights_base
}

/// `fd_write` of one byte: the errno, and how many bytes went.
fn write_one(fd: u32) -> (u16, usize) {
    let iov = Iovec {
        buf: b"x".as_ptr(),
        len: 1,
    };
    let mut done = 0;
    (unsafe { fd_write(fd, &iov, 1, &mut done) }, done)
}

/// `fd_read` of up to one byte: the errno, and how many bytes came.
fn read_one(fd: u32) -> (u16, usize) {
    let mut byte = 0u8;
    let iov = Iovec {
        buf: &mut byte,
        len: 1,
    };
    let mut done = 0;
    (unsafe { fd_read(fd, &iov, 1, &mut done) }, done)
}

/// `fd_pread` of up to one byte at offset 0: the errno, how many bytes came, and the byte.
fn pread_one(fd: u32) -> (u16, usize, u8) {
    let mut byte = 0u8;
    let iov = Iovec {
        buf: &mut byte,
        len: 1,
    };
    let mut done = 0;
    (unsafe { fd_pread(fd, &iov, 1, 0, &mut done) }, done, byte)
}

/// `fd_pwrite` of one byte at offset 0: the errno, and how many bytes went.
fn pwrite_one(fd: u32) -> (u16, usize) {
    let iov = Iovec {
        buf: b"y".as_ptr(),
        len: 1,
    };
    let mut done = 0;
    (unsafe { fd_pwrite(fd, &iov, 1, 0, &mut done) }, done)
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: legacy-fs-rights PREOPENED_DIR");
    let dir = std::fs::File::open(&path).expect("open the directory");
    let dir = dir.as_raw_fd() as u32;

    // Rights 0: neither read nor write, for the file as created and for a link to it.
    let created = open(dir, "created.txt", OFLAGS_CREAT, 0);
    link(dir, "created.txt", "link.txt");
    let linked = open(dir, "link.txt", 0, 0);
    let (a, b) = (rights(created), rights(linked));
    println!("rights 0: created {a:#x}, linked {b:#x}");
    check("rights 0: the file and its link have the same rights", a, b);
    check("rights 0: no read right", a & RIGHTS_FD_READ, 0);
    check("rights 0: no write right", a & RIGHTS_FD_WRITE, 0);
    let (errno, done) = write_one(created);
    println!("rights 0: fd_write errno {errno}, {done} bytes");
    check("rights 0: a write is refused", errno != ERRNO_SUCCESS, true);
    let (errno, done) = read_one(linked);
    println!("rights 0: fd_read errno {errno}, {done} bytes");
    check("rights 0: a read is refused", errno != ERRNO_SUCCESS, true);
    let (errno, done, _) = pread_one(linked);
    println!("rights 0: fd_pread errno {errno}, {done} bytes");
    check("rights 0: a positional read is refused", (errno, done), (ERRNO_PERM, 0));
    let (errno, done) = pwrite_one(created);
    println!("rights 0: fd_pwrite errno {errno}, {done} bytes");
    check("rights 0: a positional write is refused", (errno, done), (ERRNO_PERM, 0));
    unsafe {
        fd_close(created);
        fd_close(linked);
    }
    let len = std::fs::metadata(format!("{path}/created.txt"))
        .unwrap()
        .len();
    check("rights 0: the file stays empty", len, 0);

    // Read and write: both granted, to both.
    let rw = RIGHTS_FD_READ | RIGHTS_FD_WRITE;
    let created = open(dir, "rw.txt", OFLAGS_CREAT, rw);
    link(dir, "rw.txt", "rw-link.txt");
    let linked = open(dir, "rw-link.txt", 0, rw);
    let (a, b) = (rights(created), rights(linked));
    println!("read and write: created {a:#x}, linked {b:#x}");
    check("read and write: the same rights", a, b);
    check("read and write: both granted", a & rw, rw);
    check(
        "read and write: a write goes",
        write_one(created),
        (ERRNO_SUCCESS, 1),
    );
    check(
        "read and write: the link reads it",
        read_one(linked),
        (ERRNO_SUCCESS, 1),
    );

    // One right each: positional calls need theirs.
    let read_only = open(dir, "rw.txt", 0, RIGHTS_FD_READ);
    let write_only = open(dir, "rw.txt", 0, RIGHTS_FD_WRITE);
    let (a, b) = (rights(read_only), rights(write_only));
    println!("read only {a:#x}, write only {b:#x}");
    let (errno, done, _) = pread_one(write_only);
    let without_read = (errno, done);
    let without_write = pwrite_one(read_only);
    println!("fd_pread without read: errno {}, fd_pwrite without write: errno {}", without_read.0, without_write.0);
    check("fd_pread without the read right", without_read, (ERRNO_PERM, 0));
    check("fd_pwrite without the write right", without_write, (ERRNO_PERM, 0));
    check("fd_pwrite with the write right", pwrite_one(write_only), (ERRNO_SUCCESS, 1));
    check("fd_pread with the read right", pread_one(read_only), (ERRNO_SUCCESS, 1, b'y'));
    unsafe {
        fd_close(read_only);
        fd_close(write_only);
    }
    finish();
}
