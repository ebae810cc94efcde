//! The user's path: the `wac plug` CLI itself composes the adapter with the bundled example,
//! and the result runs and exchanges datagrams.

use host_test::artifacts;
use host_test::runner::{self, Stdout};
use std::process::Command;

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
    let run = runner::run(&engine, &out, &[], Stdout::Capture).await.unwrap();
    let stdout = run.assert_success();
    assert_eq!(stdout.matches("client got back [\"hello from 2023\", \"\", \"still speaking rc\"]").count(), 2, "{stdout}");
    assert!(stdout.contains("[::1]:"), "{stdout}");
    assert!(stdout.contains("exchange complete"));
}
