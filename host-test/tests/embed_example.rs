//! The README's embedding, `host-test/examples/embed.rs`, runs a plugged 2023 command on
//! each adapter build: a file from the embedder's directory, then UDP over 127.0.0.1 and ::1.
//! `cargo test` builds the example before it runs any test.

use host_test::artifacts::{self, AdapterBuild, Era};
use std::path::PathBuf;
use std::process::Command;

/// `target/debug/examples/embed`, next to this test's `target/debug/deps/`.
fn embed_example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/embed");
    assert!(
        path.exists(),
        "{} is missing: run `cargo test` (which builds examples) or `cargo build --example embed`",
        path.display()
    );
    path
}

#[test]
fn the_embedding_example_runs_a_plugged_command_on_each_build() {
    for build in AdapterBuild::SHIPPED {
        let fixed = artifacts::legacy_plugged_with("udp-demo", Era::Nov2023, Some(build)).unwrap();
        let dir = artifacts::temp_dir(&format!("embed{}", build.suffix()));
        std::fs::write(
            dir.join("greeting.txt"),
            "hello from the embedder's directory\n",
        )
        .unwrap();
        let out = Command::new(embed_example())
            .arg(&fixed)
            .arg("greeting.txt")
            .current_dir(&dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{build:?}: {stdout}\n{stderr}");
        for says in [
            "greeting.txt says: hello from the embedder's directory",
            "Ipv4: server on 127.0.0.1:",
            "Ipv6: server on [::1]:",
            "client got back [\"hello from 2023\", \"\", \"still speaking rc\"]",
            "exchange complete",
        ] {
            assert!(stdout.contains(says), "{build:?}: no {says:?} in\n{stdout}");
        }
    }
}

/// The example exits as `wasmtime run` does: 0, or 1 for the rc `exit(err)` (rc `exit` has
/// only ok and err).
#[test]
fn the_embedding_example_exits_with_the_guest_status() {
    let fixed = artifacts::legacy_plugged("legacy-cli", Era::Nov2023).unwrap();
    for (arg, code) in [("0", 0), ("err", 1), ("3", 1)] {
        let out = Command::new(embed_example())
            .arg(&fixed)
            .arg(arg)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "exit {arg}: {stderr}");
    }
}

/// Every line of code in the README's embedding snippet is in the example, so the snippet
/// shows what the test above runs.
#[test]
fn the_readme_snippet_is_the_example() {
    let root = artifacts::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("host-test/examples/embed.rs")).unwrap();
    let code = |line: &str| line.split("//").next().unwrap().trim().to_string();
    let example: Vec<String> = example.lines().map(code).collect();
    let section = &readme[readme
        .find("### Embedding")
        .expect("README has ### Embedding")..];
    let snippet = section
        .split("```rust\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a rust snippet under ### Embedding");
    let lines: Vec<String> = snippet
        .lines()
        .map(code)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(lines.len() > 10, "{snippet}");
    for line in lines {
        assert!(
            example.iter().any(|e| e.contains(&line)),
            "README line `{line}` is not in examples/embed.rs"
        );
    }
}
