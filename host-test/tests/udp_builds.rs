//! The adapter's two builds, as a user meets them: a command that cannot use rc UDP gets the
//! 0.2.x build and runs under a bare `wasmtime run`; the result runs under the README's
//! lines with the real `wasmtime` CLI. The 0.3 build explains running out of host handles;
//! the 0.2.x build idles for free. (`rc-adapter/tests/cli.rs` has how the tool picks the
//! build and warns.)

use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::bench::guest::free_ports;
use host_test::bench::peer::Peer;
use host_test::wasmtime_cli::{self, Run};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The point of the default: a command that does not use rc UDP runs under a bare
/// `wasmtime run`, no flag at all. The same command plugged with the 0.3 build does not load
/// without `-W component-model-more-async-builtins=y`.
#[test]
fn a_command_without_rc_udp_runs_under_a_bare_wasmtime_run() {
    let fixed = artifacts::legacy_plugged("legacy-cli", Era::Nov2023).unwrap();
    let on_03 =
        artifacts::legacy_plugged_with("legacy-cli", Era::Nov2023, Some(AdapterBuild::Udp03))
            .unwrap();
    let bare = |component: &Path| {
        Command::new("wasmtime")
            .arg("run")
            .arg(component)
            .args(["one", "two"])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = bare(&fixed);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("args [\"one\", \"two\"]"),
        "{}",
        text(&out.stdout)
    );
    let out = bare(&on_03);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("more async builtins"),
        "{}",
        text(&out.stderr)
    );
}

/// A plugged rc echo server (`rc-conformance echo`) under the README's line for `build`, with
/// extra wasmtime flags, serving on 127.0.0.1:`port`.
fn start_echo_server(build: AdapterBuild, flags: &[&str], port: u16) -> Child {
    let fixed =
        artifacts::legacy_plugged_with("rc-conformance", Era::Nov2023, Some(build)).unwrap();
    let port = port.to_string();
    let run = Run {
        flags: flags.iter().map(|f| f.to_string()).collect(),
        args: vec!["echo", "ipv4", &port, "1"],
        ..Run::default()
    };
    wasmtime_cli::command(&fixed, &run)
        .unwrap()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child` to exit, killing it after `limit`.
fn finish(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// The 0.3 build stops an idle server at its parked-call threshold with one line that names
/// the cause and the remedies (here the threshold is lowered to 40, as a user with a raised
/// host limit would raise it).
#[test]
fn the_0_3_build_explains_running_out_of_host_handles() {
    let port = free_ports("127.0.0.1", 1).unwrap()[0];
    let env = "--env=RC_ADAPTER_MAX_PARKED_CALLS=40";
    let server = start_echo_server(AdapterBuild::Udp03, &[env], port);
    let out = finish(server, Duration::from_secs(120));
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("rc-adapter:"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    for says in [
        "rc-adapter: 40 UDP calls are parked in the host (80 store handles)",
        "--udp 0.2",
        "-S max-component-handles=N",
        "--env RC_ADAPTER_MAX_PARKED_CALLS=M",
    ] {
        assert!(lines[0].contains(says), "{}", lines[0]);
    }
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Echoes one datagram through the server at `addr`, then stops it.
fn echo_then_stop(addr: SocketAddr) {
    let mut peer = Peer::new(false).unwrap();
    peer.handshake(&[addr]).unwrap();
    let rtt = peer.round_trip(addr, 64).unwrap();
    assert!(rtt < Duration::from_secs(5));
    peer.stop(addr).unwrap();
}

/// The CI variant of the long-idle run (BENCHMARKS.md has the 2-hour one): a 0.2.x-build
/// server idles 20 s under the README's line with a host limit of 300 store handles, which
/// the 0.3 build's idle probes would pass within seconds, and its host memory stays flat
/// within 1 MiB. Then it echoes. The 0.3 build, run the same way, runs out of handles.
#[test]
fn an_idle_0_2_server_grows_no_handles_and_no_memory() {
    let limit = "-Smax-component-handles=300";
    let port = free_ports("127.0.0.1", 1).unwrap()[0];
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let server = start_echo_server(AdapterBuild::Udp02, &[limit], port);
    let pid = server.id();
    std::thread::sleep(Duration::from_secs(2));
    let before = rss_kib(pid);
    std::thread::sleep(Duration::from_secs(20));
    let after = rss_kib(pid);
    echo_then_stop(addr);
    let out = finish(server, Duration::from_secs(30));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        after <= before + 1024,
        "host RSS grew from {before} KiB to {after} KiB over 20 s of idle"
    );

    let port = free_ports("127.0.0.1", 1).unwrap()[0];
    let server = start_echo_server(AdapterBuild::Udp03, &[limit], port);
    let out = finish(server, Duration::from_secs(60));
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("handle limit"), "{stderr}");
}
