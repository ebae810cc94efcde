//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that works on files through std,
//! which reaches `wasi:filesystem@0.2.0-rc-2023-11-10` through the preview1 adapter. Its
//! argument is a preopened directory.

use rc_guests::{check, check_that, finish};
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: legacy-fs PREOPENED_DIR");
    let path = |name: &str| format!("{dir}/{name}");

    let mut f = fs::File::create(path("a.txt")).expect("create");
    f.write_all(b"hello ").unwrap();
    drop(f);
    let mut f = OpenOptions::new()
        .append(true)
        .open(path("a.txt"))
        .expect("open for append");
    f.write_all(b"world").unwrap();
    drop(f);
    check(
        "read back",
        fs::read_to_string(path("a.txt")).ok(),
        Some("hello world".into()),
    );
    let meta = fs::metadata(path("a.txt")).expect("stat");
    check("stat size", meta.len(), 11);
    check("stat is file", meta.is_file(), true);
    check_that("stat mtime", meta.modified().is_ok(), meta.modified());

    let mut f = fs::File::open(path("a.txt")).unwrap();
    f.seek(SeekFrom::Start(6)).unwrap();
    let mut rest = String::new();
    f.read_to_string(&mut rest).unwrap();
    check("seek then read", rest, "world".into());
    let mut f = OpenOptions::new().write(true).open(path("a.txt")).unwrap();
    f.seek(SeekFrom::Start(0)).unwrap();
    f.write_all(b"HELLO").unwrap();
    drop(f);
    check(
        "seek then write",
        fs::read_to_string(path("a.txt")).ok(),
        Some("HELLO world".into()),
    );

    fs::create_dir(path("sub")).expect("mkdir");
    check(
        "mkdir again",
        fs::create_dir(path("sub")).map_err(|e| e.kind()),
        Err(ErrorKind::AlreadyExists),
    );
    fs::rename(path("a.txt"), path("sub/b.txt")).expect("rename");
    check(
        "renamed away",
        fs::metadata(path("a.txt"))
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ErrorKind::NotFound),
    );
    let mut names: Vec<String> = fs::read_dir(path("sub"))
        .expect("readdir")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    check("readdir", names, vec!["b.txt".to_string()]);
    check(
        "rmdir non-empty",
        fs::remove_dir(path("sub")).is_err(),
        true,
    );
    fs::remove_file(path("sub/b.txt")).expect("unlink");
    check(
        "unlink again",
        fs::remove_file(path("sub/b.txt")).map_err(|e| e.kind()),
        Err(ErrorKind::NotFound),
    );
    fs::remove_dir(path("sub")).expect("rmdir");
    check(
        "open missing",
        fs::File::open(path("missing"))
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ErrorKind::NotFound),
    );
    check(
        "create_new existing",
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&dir)
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ErrorKind::AlreadyExists),
    );
    let outside = fs::File::open(format!("{dir}/../outside.txt"));
    check_that(
        "path outside the preopen refused",
        outside.is_err(),
        outside.map(|_| ()),
    );
    fs::write(path("left.txt"), b"written by legacy-fs\n").expect("write a file the host checks");
    finish();
}
