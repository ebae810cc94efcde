//! The user's path: the `wac plug` CLI itself composes the adapter with the bundled example,
//! and the result runs and exchanges datagrams.

use host_test::artifacts;
use host_test::runner::{self, Stdout};
use std::path::Path;
use std::process::{Command, Output};

#[tokio::test(flavor = "multi_thread")]
async fn wac_cli_plug_then_run_the_example() {
    let adapter = artifacts::adapter().unwrap();
    let legacy = artifacts::guest("udp-demo").unwrap();
    let out = artifacts::components_dir().join("udp-demo.wac-cli.wasm");
    let status = Command::new("wac")
        .args(["plug", "--plug"])
        .arg(&adapter)
        .arg(&legacy)
        .arg("-o")
        .arg(&out)
        .status()
        .expect("the wac CLI is installed (scripts/setup.sh)");
    assert!(status.success());
    let engine = runner::engine().unwrap();
    let run = runner::run(&engine, &out, &[], Stdout::Capture)
        .await
        .unwrap();
    let stdout = run.assert_success();
    assert_eq!(
        stdout
            .matches("client got back [\"hello from 2023\", \"\", \"still speaking rc\"]")
            .count(),
        2,
        "{stdout}"
    );
    assert!(stdout.contains("[::1]:"), "{stdout}");
    assert!(stdout.contains("exchange complete"));
}

/// `scripts/plug.sh` on a legacy component that also imports rc TCP and name lookup: it
/// names exactly the uncovered interfaces, fails, and writes nothing. On a component the
/// adapter covers, it plugs.
#[test]
fn plug_script_names_uncovered_rc_imports_and_stops() {
    let root = artifacts::repo_root();
    let dir = root.join("target/tmp/plug-uncovered");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("world.wit"),
        "package test:uncovered;\n\
         world legacy-tcp {\n\
           import wasi:sockets/udp@0.2.0-rc-2023-11-10;\n\
           import wasi:sockets/tcp@0.2.0-rc-2023-11-10;\n\
           import wasi:sockets/ip-name-lookup@0.2.0-rc-2023-11-10;\n\
         }\n",
    )
    .unwrap();
    let deps = dir.join("deps");
    if !deps.exists() {
        std::os::unix::fs::symlink(root.join("wit/deps"), &deps).unwrap();
    }
    // A component with those imports: a dummy core module, componentized by wasm-tools.
    let core = dir.join("legacy-tcp.core.wasm");
    let legacy = dir.join("legacy-tcp.wasm");
    let wasm_tools = |args: &[&std::ffi::OsStr]| {
        let status = Command::new("wasm-tools")
            .args(args)
            .status()
            .expect("wasm-tools installed");
        assert!(status.success(), "wasm-tools {args:?}");
    };
    wasm_tools(&[
        "component".as_ref(),
        "embed".as_ref(),
        "--dummy".as_ref(),
        dir.as_os_str(),
        "--world".as_ref(),
        "legacy-tcp".as_ref(),
        "-o".as_ref(),
        core.as_os_str(),
    ]);
    wasm_tools(&[
        "component".as_ref(),
        "new".as_ref(),
        core.as_os_str(),
        "-o".as_ref(),
        legacy.as_os_str(),
    ]);

    let out = dir.join("legacy-tcp.plugged.wasm");
    let _ = std::fs::remove_file(&out);
    let plug = plug_sh(&legacy, &out);
    let stderr = String::from_utf8_lossy(&plug.stderr);
    assert!(!plug.status.success(), "plug.sh must fail: {stderr}");
    let listed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    // rc TCP also brings in the rc streams and error interfaces it uses.
    assert_eq!(
        listed,
        [
            "wasi:io/error@0.2.0-rc-2023-11-10",
            "wasi:io/streams@0.2.0-rc-2023-11-10",
            "wasi:sockets/ip-name-lookup@0.2.0-rc-2023-11-10",
            "wasi:sockets/tcp@0.2.0-rc-2023-11-10",
        ],
        "{stderr}"
    );
    assert!(
        !out.exists(),
        "nothing is written when an import is uncovered"
    );

    let covered = artifacts::guest("rc-conformance").unwrap();
    let out = dir.join("rc-conformance.plugged.wasm");
    let plug = plug_sh(&covered, &out);
    assert!(
        plug.status.success(),
        "{}",
        String::from_utf8_lossy(&plug.stderr)
    );
    assert!(out.exists());
}

/// Runs `scripts/plug.sh LEGACY OUT`.
fn plug_sh(legacy: &Path, out: &Path) -> Output {
    Command::new("bash")
        .arg(artifacts::repo_root().join("scripts/plug.sh"))
        .arg(legacy)
        .arg(out)
        .output()
        .unwrap()
}
