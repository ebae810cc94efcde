//! 2023 commands, built as their users built them (wasm32-wasip1 + the 2023 preview1 adapter),
//! made runnable by `rc_adapter::plug` and run by the real `wasmtime` 50.0.1 CLI with the
//! README's flags: real pipes, real files in a temp dir, real loopback sockets.

use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::wasmtime_cli::{self, Run};
use std::process::Output;

fn run(guest: &str, era: Era, run: Run) -> Output {
    let component = artifacts::legacy_plugged(guest, era).unwrap();
    wasmtime_cli::run(&component, &run).unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a guest that tallies its checks (`rc_guests::finish`) passed them all.
fn assert_all_passed(out: &Output) -> String {
    let stdout = text(&out.stdout);
    assert!(
        out.status.success()
            && stdout
                .lines()
                .last()
                .is_some_and(|l| l.ends_with(" passed, 0 failed")),
        "status {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        text(&out.stderr)
    );
    stdout
}

/// Runs `guest ARG`, which prints `before`, does what the rc spec (or wasmtime 15) says traps,
/// and would print "without a trap" after it: the run must trap, for `reason`.
fn assert_traps(guest: &str, arg: &str, before: &str, reason: &str) {
    let out = run(
        guest,
        Era::Nov2023,
        Run {
            args: vec![arg],
            ..Run::default()
        },
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains(before), "{stdout}");
    assert!(!stdout.contains("without a trap"), "{stdout}");
    assert!(stderr.contains(reason), "{stderr}");
}

#[test]
fn cli_args_env_stdio_terminals_and_exit_codes() {
    for era in [Era::Nov2023, Era::Dec2023] {
        let input: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        let out = run(
            "legacy-cli",
            era,
            Run {
                flags: vec!["--env".into(), "RC_GREETING=hi there".into()],
                args: vec!["ok", "two words"],
                stdin: &input,
            },
        );
        let sum: u64 = input.iter().map(|&b| b as u64).sum();
        assert_eq!(
            text(&out.stdout),
            format!(
                "args [\"ok\", \"two words\"]\nenv RC_GREETING=Some(\"hi there\")\n\
                 stdin 100000 bytes, sum {sum}\nterminals stdin=false stdout=false stderr=false\n"
            ),
            "{era:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "a line on stderr\n", "{era:?}");
        assert_eq!(out.status.code(), Some(0), "{era:?}");

        // rc `exit` has only ok and err, so every non-zero code is 1, as on a 2023 host.
        for (arg, code) in [("err", 1), ("3", 1), ("0", 0)] {
            let out = run(
                "legacy-cli",
                era,
                Run {
                    args: vec![arg],
                    ..Run::default()
                },
            );
            assert_eq!(
                out.status.code(),
                Some(code),
                "{era:?} exit {arg}: {}",
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn filesystem_in_a_preopened_dir() {
    for era in [Era::Nov2023, Era::Dec2023] {
        let dir = artifacts::temp_dir("legacy-fs");
        let out = run(
            "legacy-fs",
            era,
            Run {
                flags: vec!["--dir".into(), format!("{}::/sandbox", dir.display())],
                args: vec!["/sandbox"],
                ..Run::default()
            },
        );
        assert_all_passed(&out);
        assert_eq!(
            std::fs::read_to_string(dir.join("left.txt")).unwrap(),
            "written by legacy-fs\n"
        );
        assert!(!dir.join("a.txt").exists() && !dir.join("sub").exists());
    }
}

/// A file opened with rights 0, created or through a hard link, has neither read nor write
/// and refuses both, as on wasmtime 15 (whose fd_fdstat_get said 0xffffffffffffffbd for both,
/// whose fd_write and fd_read said EBADF, and fd_pread and fd_pwrite EPERM); read and write
/// rights are granted to both; a file opened with one right refuses the positional call of
/// the other with EPERM. The command's files are the host's own, with the rights kept by
/// stubs inside it (`docs/design.md`, "What carries the bytes").
/// And the same where the adapter serves the files (`with_adapter_files`).
#[test]
fn file_rights_are_what_open_asked_for() {
    let builds = [
        AdapterBuild::Udp03,
        AdapterBuild::Udp02,
        AdapterBuild::Udp02AdapterFiles,
    ];
    for (era, build) in [Era::Nov2023, Era::Dec2023]
        .into_iter()
        .flat_map(|era| builds.map(|build| (era, build)))
    {
        let dir = artifacts::temp_dir("legacy-fs-rights");
        let component =
            artifacts::legacy_plugged_with("legacy-fs-rights", era, Some(build)).unwrap();
        let run = Run {
            flags: vec!["--dir".into(), format!("{}::/sandbox", dir.display())],
            args: vec!["/sandbox"],
            ..Run::default()
        };
        let out = wasmtime_cli::run(&component, &run).unwrap();
        let stdout = assert_all_passed(&out);
        for line in [
            "rights 0: created 0xffffffffffffffbd, linked 0xffffffffffffffbd",
            "rights 0: fd_write errno 8, 0 bytes",
            "rights 0: fd_read errno 8, 0 bytes",
            "rights 0: fd_pread errno 63, 0 bytes",
            "rights 0: fd_pwrite errno 63, 0 bytes",
            "read only 0xffffffffffffffbf, write only 0xfffffffffffffffd",
            "fd_pread without read: errno 63, fd_pwrite without write: errno 63",
        ] {
            assert!(
                stdout.lines().any(|l| l == line),
                "{era:?} {build:?}: {line}\n{stdout}"
            );
        }
        // `x` by fd_write, then `y` over it by fd_pwrite at 0.
        assert_eq!(std::fs::read(dir.join("rw.txt")).unwrap(), b"y");
    }
}

#[test]
fn streams_on_stdio_and_files() {
    let dir = artifacts::temp_dir("legacy-streams");
    let out = run(
        "legacy-streams",
        Era::Nov2023,
        Run {
            flags: vec!["--dir".into(), format!("{}::/sandbox", dir.display())],
            stdin: b"abcdefrest of input",
            ..Run::default()
        },
    );
    let stdout = assert_all_passed(&out);
    // What the guest wrote and spliced, then the check that printed after the splice.
    assert!(
        stdout.contains("\n[out][blocking]\0\0\0abcdok blocking-splice\n"),
        "{stdout:?}"
    );
    assert_eq!(
        std::fs::read(dir.join("streams.txt")).unwrap(),
        b"0123456789!"
    );
}

#[test]
fn write_past_check_write_traps() {
    assert_traps("legacy-streams", "trap", "permit ", "write exceeded budget");
}

#[test]
fn dropping_a_stream_before_its_pollable_traps() {
    assert_traps(
        "legacy-streams",
        "drop-stream-first",
        "dropping stdin",
        "resource has children",
    );
}

#[test]
fn random_and_wall_clock() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let out = run(
        "legacy-random",
        Era::Nov2023,
        Run {
            args: vec![&now],
            ..Run::default()
        },
    );
    assert_all_passed(&out);
}

#[test]
fn tcp_over_loopback_v4_v6_and_dual_stack() {
    for era in [Era::Nov2023, Era::Dec2023] {
        let out = run("legacy-tcp", era, Run::default());
        let stdout = assert_all_passed(&out);
        assert!(stdout.contains("ok 1 MiB each way"), "{stdout}");
        assert!(stdout.contains("ok IPv4 peer shows mapped"), "{stdout}");
    }
}

#[test]
fn dropping_a_tcp_socket_before_its_streams_traps() {
    assert_traps(
        "legacy-tcp",
        "drop-socket-first",
        "dropping the socket",
        "resource has children",
    );
}

#[test]
fn name_lookup() {
    let out = run("legacy-lookup", Era::Nov2023, Run::default());
    assert_all_passed(&out);
}

#[test]
fn the_readme_example_prints_reads_a_file_and_exchanges_udp() {
    let out = run("udp-demo", Era::Nov2023, Run::default());
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("exchange complete"), "{stdout}");
}

/// One rc `poll` over UDP, TCP, stdin and a timer wakes for whichever the host makes ready,
/// and a file stream is ready at once (`host-test/guests/src/bin/legacy-poll.rs`). A missed
/// event would show as the guest's 60 s failsafe timer (index 3) waking it instead.
#[test]
fn one_poll_wakes_for_udp_tcp_stdin_timer_and_files() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let dir = artifacts::temp_dir("legacy-poll");
    let component = artifacts::legacy_plugged("legacy-poll", Era::Nov2023).unwrap();
    let poll_dir = format!("{}::/poll", dir.display());
    let mut child = wasmtime_cli::command(
        &component,
        &Run {
            flags: vec!["--dir".into(), poll_dir],
            args: vec!["/poll"],
            ..Run::default()
        },
    )
    .unwrap()
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| l.unwrap());
    let mut next = move || lines.next().unwrap_or_default();
    let udp: u16 = next().strip_prefix("udp ").unwrap().parse().unwrap();
    let tcp: u16 = next().strip_prefix("tcp ").unwrap().parse().unwrap();

    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(b"ping", ("127.0.0.1", udp)).unwrap();
    assert_eq!(next(), "woke [0]");
    assert_eq!(next(), "datagram Some([112, 105, 110, 103])");
    let _conn = std::net::TcpStream::connect(("127.0.0.1", tcp)).unwrap();
    assert_eq!(next(), "woke [1]");
    assert_eq!(next(), "accepted true");
    stdin.write_all(b"x\n").unwrap();
    stdin.flush().unwrap();
    assert_eq!(next(), "woke [2]");
    assert_eq!(next(), "stdin [120, 10]");
    assert_eq!(next(), "woke [3]", "only the 100 ms timer is ready");
    assert_eq!(next(), "woke [1]", "a file stream is ready at once");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
