//! The user's path: the `wac plug` CLI itself composes the adapter with the bundled example,
//! and the result runs and exchanges datagrams.

use host_test::artifacts;
use host_test::runner::{self, Stdout};
use host_test::surface;
use std::path::{Path, PathBuf};
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

/// A component with the given world: a dummy core module (`wasm-tools component embed
/// --dummy`), turned into a component, as any toolchain's output would be.
fn component_of(dir: &Path, name: &str, wit: &str) -> PathBuf {
    let root = artifacts::repo_root();
    let pkg = dir.join(name);
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("world.wit"), wit).unwrap();
    let deps = pkg.join("deps");
    if !deps.exists() {
        std::os::unix::fs::symlink(root.join("wit/deps"), &deps).unwrap();
    }
    let core = dir.join(format!("{name}.core.wasm"));
    let component = dir.join(format!("{name}.wasm"));
    wasm_tools(
        &["component", "embed", "--dummy", "--world", "w"],
        &[&pkg],
        &core,
    );
    wasm_tools(&["component", "new"], &[&core], &component);
    component
}

fn wasm_tools(args: &[&str], inputs: &[&Path], out: &Path) {
    let status = Command::new("wasm-tools")
        .args(args)
        .args(inputs)
        .arg("-o")
        .arg(out)
        .status()
        .expect("wasm-tools installed");
    assert!(status.success(), "wasm-tools {args:?}");
}

/// A local interface for the tests' extra exports.
const MY_API: &str = "package my:lib { interface api { f: func() -> u32; } }\n";

/// `scripts/plug.sh` keeps every export: an rc `run` becomes `wasi:cli/run@0.2.0`, other
/// exports (a reactor's, a 0.2.x `run`) stay as they are.
#[test]
fn plug_script_renames_rc_run_and_keeps_other_exports() {
    let dir = artifacts::temp_dir("plug-exports");
    let cases = [
        (
            "command-plus-api",
            "export wasi:cli/run@0.2.0-rc-2023-11-10; export my:lib/api;",
            vec!["my:lib/api", "wasi:cli/run@0.2.0"],
        ),
        (
            "command-dec",
            "export wasi:cli/run@0.2.0-rc-2023-12-05;",
            vec!["wasi:cli/run@0.2.0"],
        ),
        ("reactor", "export my:lib/api;", vec!["my:lib/api"]),
        // componentize-py 0.7 exports an inline instance named `exports` beside `run`.
        (
            "inline-exports",
            "export wasi:cli/run@0.2.0-rc-2023-11-10; export exports: interface { f: func() -> u32; } \
             export g: func() -> u32;",
            vec!["exports", "g", "wasi:cli/run@0.2.0"],
        ),
        (
            "p2-command",
            "export wasi:cli/run@0.2.12;",
            vec!["wasi:cli/run@0.2.12"],
        ),
    ];
    for (name, exports, want) in cases {
        let wit = format!(
            "package test:{name};\n{MY_API}\
             world w {{ import wasi:random/random@0.2.0-rc-2023-11-10; {exports} }}\n"
        );
        let legacy = component_of(&dir, name, &wit);
        let out = dir.join(format!("{name}.fixed.wasm"));
        let plug = plug_sh(&legacy, &out);
        assert!(
            plug.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&plug.stderr)
        );
        let (imports, mut exports) =
            surface::imports_and_exports(&std::fs::read(&out).unwrap()).unwrap();
        exports.sort();
        assert_eq!(exports, want, "{name}");
        assert!(
            imports.iter().all(|i| !i.contains("-rc-")),
            "{name}: {imports:?}"
        );
    }
}

/// `scripts/plug.sh` says plainly what is wrong with input it cannot fix, fails, and writes
/// nothing.
#[test]
fn plug_script_refuses_bad_input_plainly() {
    let dir = artifacts::temp_dir("plug-refusals");
    let rc_http = "package wasi:http@0.2.0-rc-2023-11-10 { interface outgoing-handler { \
                   handle: func() -> u32; } }\n";
    let uncovered = component_of(
        &dir,
        "uncovered",
        &format!(
            "package test:uncovered;\n{rc_http}\
             world w {{ import wasi:random/random@0.2.0-rc-2023-11-10; \
             import wasi:http/outgoing-handler@0.2.0-rc-2023-11-10; }}\n"
        ),
    );
    let no_rc = component_of(
        &dir,
        "no-rc",
        "package test:no-rc;\nworld w { import wasi:random/random@0.2.12; }\n",
    );
    let core = dir.join("uncovered.core.wasm");
    let missing = dir.join("missing.wasm");
    let text = dir.join("text.wasm");
    std::fs::write(&text, "not wasm").unwrap();
    let cases: [(&Path, &str); 5] = [
        (&missing, "not a file"),
        (&core, "a core wasm module, not a component"),
        (&text, "not a WebAssembly component"),
        (&no_rc, "imports nothing @0.2.0-rc-2023-*"),
        (
            &uncovered,
            "  wasi:http/outgoing-handler@0.2.0-rc-2023-11-10\n",
        ),
    ];
    for (input, says) in cases {
        let out = dir.join("out.wasm");
        let plug = plug_sh(input, &out);
        let stderr = String::from_utf8_lossy(&plug.stderr);
        assert!(!plug.status.success(), "{}: {stderr}", input.display());
        assert!(stderr.contains(says), "{}: {stderr}", input.display());
        assert!(!out.exists(), "nothing is written for {}", input.display());
    }
}

/// The `run it with:` line `scripts/plug.sh` prints runs the plugged component when pasted
/// into a shell, also where the path has a space in it.
#[test]
fn plug_script_prints_a_line_that_runs_what_it_plugged() {
    let dir = artifacts::temp_dir("plug space");
    let legacy = artifacts::legacy("legacy-cli", artifacts::Era::Nov2023).unwrap();
    let out = dir.join("my fixed.wasm");
    let plug = plug_sh(&legacy, &out);
    let stdout = String::from_utf8_lossy(&plug.stdout);
    assert!(plug.status.success(), "{stdout}");
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("run it with: "))
        .unwrap_or_else(|| panic!("no `run it with:` line in\n{stdout}"));
    let run = Command::new("sh")
        .arg("-c")
        .arg(format!("{line} pasted"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let run_stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{line}\n{run_stdout}");
    assert!(run_stdout.contains("args [\"pasted\"]"), "{run_stdout}");
}

/// Runs `scripts/plug.sh LEGACY OUT` with the shipped adapter.
fn plug_sh(legacy: &Path, out: &Path) -> Output {
    Command::new("bash")
        .arg(artifacts::repo_root().join("scripts/plug.sh"))
        .arg(legacy)
        .arg(out)
        .env("RC_ADAPTER", artifacts::adapter().unwrap())
        .output()
        .unwrap()
}
