//! The `rc-adapter` command as users meet it: real 2023 components (wasm32-wasip1 and a
//! cargo-component preview1 adapter), its refusals, the build it picks, and the line it
//! prints, pasted into a shell and run by the real `wasmtime` 50.0.1 CLI.

use host_test::artifacts::{self, Era};
use host_test::surface;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn rc_adapter(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rc-adapter"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `run it with:` line of a successful plug.
fn run_line(plug: &Output) -> String {
    let stderr = text(&plug.stderr);
    assert!(plug.status.success(), "{stderr}");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("run it with: "))
        .unwrap_or_else(|| panic!("no `run it with:` line in\n{stderr}"))
        .to_string()
}

/// Files in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A component of the wasmtime-14 era (cargo-component 0.3-0.4), which the adapter does not
/// serve: it imports `wasi:io/streams@0.2.0-rc-2023-10-18`, and an 11-10 interface.
fn october_component(dir: &Path) -> PathBuf {
    artifacts::component_of(
        dir,
        "oct",
        "package test:oct;\n\
         package wasi:io@0.2.0-rc-2023-10-18 { interface streams { resource input-stream; } }\n\
         world w { import wasi:io/streams@0.2.0-rc-2023-10-18; \
         import wasi:random/random@0.2.0-rc-2023-11-10; }\n",
        true,
        artifacts::LEGACY_NAMES,
    )
    .unwrap()
}

/// A local interface for the tests' extra exports.
const MY_API: &str = "package my:lib { interface api { f: func() -> u32; } }\n";

/// Every export is kept: an rc `run` becomes `wasi:cli/run@0.2.0`, other exports (a
/// reactor's, a 0.2.x `run`, componentize-py's inline `exports`) stay as they are.
#[test]
fn plug_renames_rc_run_and_keeps_other_exports() {
    let dir = artifacts::temp_dir("cli-exports");
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
        let legacy =
            artifacts::component_of(&dir, name, &wit, true, artifacts::LEGACY_NAMES).unwrap();
        let out = dir.join(format!("{name}.fixed.wasm"));
        run_line(&rc_adapter(&[&"plug", &legacy, &"-o", &out]));
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

/// The bad-input catalogue: each is refused with exit status 1 and one `error: PATH: reason`
/// line (and a hint where one helps), and nothing is written, not even a temporary file.
#[test]
fn plug_refuses_bad_input_plainly_and_writes_nothing() {
    let dir = artifacts::temp_dir("cli-refusals");
    let real = artifacts::legacy("legacy-cli", Era::Nov2023).unwrap();
    let real = std::fs::read(real).unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let empty = file("empty.wasm", b"");
    let text_file = file("text.wasm", b"not wasm at all\n");
    let truncated = file("truncated.wasm", &real[..1000]);
    let directory = dir.join("a-directory.wasm");
    std::fs::create_dir(&directory).unwrap();
    let no_rc = artifacts::component_of(
        &dir,
        "no-rc",
        "package test:no-rc;\nworld w { import wasi:random/random@0.2.12; }\n",
        true,
        artifacts::LEGACY_NAMES,
    )
    .unwrap();
    let core = dir.join("no-rc.core.wasm");
    let already = dir.join("already.wasm");
    run_line(&rc_adapter(&[
        &"plug",
        &file("real.wasm", &real),
        &"-o",
        &already,
    ]));
    let oct = october_component(&dir);
    let missing = dir.join("missing.wasm");
    let cases: [(&Path, &str, Option<&str>); 9] = [
        (&missing, "no such file", None),
        (&directory, "a directory, not a component", None),
        (&empty, "an empty file, not WebAssembly", Some("hint: ")),
        (
            &text_file,
            "not WebAssembly: it starts with \"not wasm\"",
            Some("hint: "),
        ),
        (
            &core,
            "a core WebAssembly module, not a component",
            Some("wasm-tools component new"),
        ),
        (
            &truncated,
            "truncated or malformed component: ",
            Some("copied whole"),
        ),
        (
            &no_rc,
            "imports no `@0.2.0-rc-` interface",
            Some("wasi:random/random@0.2.12"),
        ),
        (
            &already,
            "imports no `@0.2.0-rc-` interface",
            Some("plugged already"),
        ),
        (
            &oct,
            "imports rc interfaces the adapter does not serve: \
             wasi:io/streams@0.2.0-rc-2023-10-18",
            Some("0.2.0-rc-2023-11-10 and 0.2.0-rc-2023-12-05 (wasi:cli, wasi:http)"),
        ),
    ];
    let out_dir = artifacts::temp_dir("cli-refusals-out");
    for (input, says, hint) in cases {
        let out = out_dir.join("out.wasm");
        let plug = rc_adapter(&[&"plug", &input, &"-o", &out]);
        let stderr = text(&plug.stderr);
        let case = format!("{}:\n{stderr}", input.display());
        assert_eq!(plug.status.code(), Some(1), "{case}");
        let lines: Vec<&str> = stderr.lines().collect();
        let error = format!("error: {}: {says}", input.display());
        assert!(lines[0].starts_with(&error), "{case}");
        match hint {
            Some(hint) => {
                assert_eq!(lines.len(), 2, "{case}");
                assert!(
                    lines[1].starts_with("hint: ") && lines[1].contains(hint),
                    "{case}"
                );
            }
            None => assert_eq!(lines.len(), 1, "{case}"),
        }
        assert!(files_in(&out_dir).is_empty(), "{case}");
    }
}

/// A failed plug leaves an existing output as it was; a successful one replaces it whole;
/// `-o -` writes the same bytes to stdout.
#[test]
fn output_is_replaced_whole_or_left_alone() {
    let dir = artifacts::temp_dir("cli-output");
    let legacy = artifacts::legacy("legacy-cli", Era::Nov2023).unwrap();
    let out = dir.join("out.wasm");
    std::fs::write(&out, b"the old output").unwrap();
    let bad = dir.join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x0d\0\x01\0\x07").unwrap();
    let plug = rc_adapter(&[&"plug", &bad, &"-o", &out]);
    assert_eq!(plug.status.code(), Some(1), "{}", text(&plug.stderr));
    assert_eq!(std::fs::read(&out).unwrap(), b"the old output");

    run_line(&rc_adapter(&[&"plug", &legacy, &"-o", &out]));
    let written = std::fs::read(&out).unwrap();
    let piped = rc_adapter(&[&"plug", &legacy, &"-o", &"-"]);
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert_eq!(piped.stdout, written);
    assert_eq!(files_in(&dir), ["bad.wasm", "out.wasm"]);
    let rc = rc_adapter::plug(&std::fs::read(&legacy).unwrap(), &Default::default()).unwrap();
    assert_eq!(rc.bytes, written, "the CLI writes what the library returns");
}

/// Usage errors exit with status 2 and say what is wrong; the tool will not write over its
/// input.
#[test]
fn usage_errors_exit_2_and_the_input_is_never_overwritten() {
    let dir = artifacts::temp_dir("cli-usage");
    let legacy = dir.join("legacy.wasm");
    let original = std::fs::read(artifacts::legacy("legacy-cli", Era::Nov2023).unwrap()).unwrap();
    std::fs::write(&legacy, &original).unwrap();
    let link = dir.join("link.wasm");
    std::fs::hard_link(&legacy, &link).unwrap();
    let cases: [(&[&dyn AsRef<std::ffi::OsStr>], &str); 5] = [
        (&[], "error: no command given"),
        (
            &[&"plug", &legacy, &"--udp", &"0.4"],
            "error: --udp takes 0.3 or 0.2",
        ),
        (
            &[&"plug", &legacy, &"-o", &legacy],
            "error: will not write over the input",
        ),
        (
            &[&"plug", &legacy, &"-o", &link],
            "error: will not write over the input",
        ),
        (&[&"frobnicate"], "error: unknown command `frobnicate`"),
    ];
    for (args, says) in cases {
        let out = rc_adapter(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.starts_with(says), "{stderr}");
        assert!(
            stderr.contains("usage: rc-adapter plug IN.wasm"),
            "{stderr}"
        );
    }
    assert_eq!(std::fs::read(&legacy).unwrap(), original);

    let help = rc_adapter(&[&"--help"]);
    assert!(help.status.success());
    let help = text(&help.stdout);
    for says in [
        "Examples:",
        "rc-adapter plug legacy.wasm -o fixed.wasm",
        "--udp 0.3|0.2",
    ] {
        assert!(help.contains(says), "{help}");
    }
}

/// The build follows one rule: a component whose core module imports `create-udp-socket`
/// gets rc UDP over 0.3 and one warning line; any other gets the 0.2.x build and no
/// warning. Only the 0.3 result needs the async-builtins flag.
#[test]
fn plug_picks_the_build_by_the_udp_rule_and_warns_once() {
    let dir = artifacts::temp_dir("cli-builds");
    let udp = artifacts::legacy("udp-demo", Era::Nov2023).unwrap();
    // Every 2023 component imports rc TCP (the preview1 adapter does); this one no rc UDP.
    let tcp = artifacts::legacy("legacy-tcp", Era::Nov2023).unwrap();
    // A component that imports rc UDP's interface but cannot create a socket.
    let udp_types_only = artifacts::component_of(
        &dir,
        "udp-types-only",
        "package test:udp-types;\n\
         world w { import wasi:sockets/udp@0.2.0-rc-2023-11-10; }\n",
        true,
        artifacts::LEGACY_NAMES,
    )
    .unwrap();
    // One that can, its core imports named as wit-component named them in 2023, and as it
    // names them today (`cm32p2|...`).
    let [creates, creates_standard] =
        [artifacts::LEGACY_NAMES, artifacts::STANDARD_NAMES].map(|names| {
            artifacts::component_of(
                &dir,
                &format!("creates-{names}"),
                "package test:creates;\n\
                 world w { import wasi:sockets/udp-create-socket@0.2.0-rc-2023-11-10; }\n",
                true,
                names,
            )
            .unwrap()
        });
    let cases: [(&Path, Option<&str>, &str, bool); 8] = [
        (&udp, None, "udp03", true),
        (&udp, Some("0.2"), "udp02", false),
        (&udp, Some("0.3"), "udp03", true),
        (&tcp, None, "udp02", false),
        (&tcp, Some("0.3"), "udp03", false),
        (&udp_types_only, None, "udp02", false),
        (&creates, None, "udp03", true),
        (&creates_standard, None, "udp03", true),
    ];
    for (i, (legacy, udp_flag, build, warns)) in cases.into_iter().enumerate() {
        let out = dir.join(format!("choice-{i}.wasm"));
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"plug", &legacy, &"-o", &out];
        if let Some(flag) = &udp_flag {
            args.push(&"--udp");
            args.push(flag);
        }
        let plug = rc_adapter(&args);
        let stderr = text(&plug.stderr);
        let case = format!("{} {udp_flag:?}:\n{stderr}", legacy.display());
        let line = run_line(&plug);
        assert!(
            stderr.contains(&format!(": build {build} (rc UDP over WASI 0.")),
            "{case}"
        );
        let imports = surface::imports_and_exports(&std::fs::read(&out).unwrap())
            .unwrap()
            .0;
        let on_03 = imports.contains(&"wasi:sockets/types@0.3.0".to_string());
        assert_eq!(on_03, build == "udp03", "{case}");
        assert_eq!(
            line.contains("component-model-more-async-builtins=y"),
            on_03,
            "{case}"
        );
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect();
        if warns {
            assert_eq!(warnings.len(), 1, "{case}");
            for says in [
                "if this component serves UDP for long",
                "--udp 0.2",
                "65 minutes",
            ] {
                assert!(warnings[0].contains(says), "{case}");
            }
        } else {
            assert!(warnings.is_empty(), "{case}");
        }
    }
}

/// `inspect` says what the component is and what `plug` would do, and its run line is the
/// one `plug` prints.
#[test]
fn inspect_says_what_a_component_is() {
    let dir = artifacts::temp_dir("cli-inspect");
    for (guest, era, build, udp) in [
        (
            "udp-demo",
            Era::Nov2023,
            "udp03",
            "can use it (a core module imports",
        ),
        ("legacy-tcp", Era::Dec2023, "udp02", "cannot use it"),
    ] {
        let legacy = dir.join(format!("{guest}.wasm"));
        std::fs::copy(artifacts::legacy(guest, era).unwrap(), &legacy).unwrap();
        let out = rc_adapter(&[&"inspect", &legacy]);
        let report = text(&out.stdout);
        assert!(out.status.success(), "{report}{}", text(&out.stderr));
        let cli = era.cli_version();
        let wants = [
            format!(
                "kind: command (exports wasi:cli/run@{cli}; plugged, it exports wasi:cli/run@0.2.0)"
            ),
            format!("rc imports @{cli}: "),
            "rc imports @0.2.0-rc-2023-11-10: ".to_string(),
            "the adapter serves: all ".to_string(),
            format!("rc UDP: {udp}"),
            format!("build: {build} (rc UDP over WASI 0."),
        ];
        for want in &wants {
            assert!(
                report.lines().any(|l| l.starts_with(want.as_str())),
                "{want}\n{report}"
            );
        }
        let inspected = report
            .lines()
            .find_map(|l| l.strip_prefix("run, once plugged: "))
            .unwrap_or_else(|| panic!("{report}"));
        let plug = rc_adapter(&[&"plug", &legacy]);
        assert_eq!(run_line(&plug), inspected, "{guest}");
        assert!(dir.join(format!("{guest}.plugged.wasm")).exists());
    }
}

/// `inspect` of a proxy says it is made in place, and `plug` says so too; a command has no
/// such line (only the proxy build is made in place).
#[test]
fn inspect_and_plug_say_a_proxy_is_made_in_place() {
    let dir = artifacts::temp_dir("cli-inspect-proxy");
    let proxy = dir.join("proxy.wasm");
    std::fs::copy(
        artifacts::legacy("proxy_nov", Era::Nov2023).unwrap(),
        &proxy,
    )
    .unwrap();
    let out = rc_adapter(&[&"inspect", &proxy]);
    let report = text(&out.stdout);
    assert!(out.status.success(), "{report}{}", text(&out.stderr));
    let made = "in place (its rc imports become the host's own; a core module inside it \
                serves what a proxy host lacks)";
    assert!(
        report.lines().any(|l| l == format!("made: {made}")),
        "{report}"
    );
    let plug = rc_adapter(&[&"plug", &proxy]);
    let said = text(&plug.stderr);
    assert!(said.lines().any(|l| l == format!("made {made}")), "{said}");

    let command = dir.join("legacy-tcp.wasm");
    std::fs::copy(
        artifacts::legacy("legacy-tcp", Era::Nov2023).unwrap(),
        &command,
    )
    .unwrap();
    let report = text(&rc_adapter(&[&"inspect", &command]).stdout);
    assert!(!report.contains("made"), "{report}");
}

/// `inspect` of a component the adapter cannot fully serve reports what it found, says
/// what it does not serve, gives no run line, and exits with status 1.
#[test]
fn inspect_reports_what_the_adapter_does_not_serve() {
    let dir = artifacts::temp_dir("cli-inspect-uncovered");
    let oct = october_component(&dir);
    let out = rc_adapter(&[&"inspect", &oct]);
    let (report, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{report}{stderr}");
    for want in [
        "kind: reactor (exports no wasi:cli/run)",
        "rc imports @0.2.0-rc-2023-10-18: 1 (wasi:io/streams)",
        "rc imports @0.2.0-rc-2023-11-10: 1 (wasi:random/random)",
        "the adapter serves: 1; not: wasi:io/streams@0.2.0-rc-2023-10-18",
    ] {
        assert!(report.lines().any(|l| l == want), "{want}\n{report}");
    }
    assert!(!report.contains("run, once plugged"), "{report}");
    let error = format!(
        "error: {}: imports rc interfaces the adapter",
        oct.display()
    );
    assert!(stderr.starts_with(&error), "{stderr}");
}

/// The `run it with:` line runs the plugged component when pasted into a shell, for each
/// build, also where the path has a space in it.
#[test]
fn plug_prints_a_line_that_runs_what_it_plugged() {
    let dir = artifacts::temp_dir("cli space");
    let legacy = artifacts::legacy("legacy-cli", Era::Nov2023).unwrap();
    for udp in ["0.3", "0.2"] {
        let out: PathBuf = dir.join(format!("my fixed {udp}.wasm"));
        let line = run_line(&rc_adapter(&[
            &"plug", &legacy, &"-o", &out, &"--udp", &udp,
        ]));
        let run = Command::new("sh")
            .arg("-c")
            .arg(format!("{line} pasted"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = text(&run.stdout);
        assert!(
            run.status.success(),
            "{line}\n{stdout}{}",
            text(&run.stderr)
        );
        assert!(stdout.contains("args [\"pasted\"]"), "{stdout}");
    }
}

/// The README's `wasmtime run` and `wasmtime serve` lines are the ones the tool prints: for a
/// command on each whole-world build, for a proxy by default and with the whole world, and
/// for a command that makes HTTP requests.
#[test]
fn the_readme_gives_the_lines_the_tool_prints() {
    use rc_adapter::{Build, PlugOptions};
    let readme = std::fs::read_to_string(artifacts::repo_root().join("README.md")).unwrap();
    let read = |name, era| std::fs::read(artifacts::legacy(name, era).unwrap()).unwrap();
    let command = read("legacy-cli", Era::Nov2023);
    let proxy = read("proxy_dec", Era::Dec2023);
    let client = read("http-outbound-dec", Era::Dec2023);
    let cases = [
        (&command, PlugOptions::new().with_build(Build::Udp03)),
        (&command, PlugOptions::new().with_build(Build::Udp02)),
        (&proxy, PlugOptions::new()),
        (&proxy, PlugOptions::new().with_whole_world()),
        (&client, PlugOptions::new()),
    ];
    for (legacy, options) in cases {
        let plugged = rc_adapter::plug(legacy, &options).unwrap();
        let line = plugged.command.line(Path::new("fixed.wasm"));
        assert!(
            readme.lines().any(|l| l == line),
            "README.md lacks `{line}`"
        );
    }
}
