//! The library API on real 2023 components: what `plug` returns, and one `PlugError` per
//! kind of bad input, each carrying what the user needs.

use host_test::artifacts::{self, Era};
use rc_adapter::{Build, Choice, Kind, PlugError, PlugOptions, Route, plug};

#[test]
fn plug_returns_bytes_build_and_command() {
    let legacy = std::fs::read(artifacts::legacy("udp-demo", Era::Dec2023).unwrap()).unwrap();
    let plugged = plug(&legacy, &PlugOptions::new()).unwrap();
    assert_eq!(plugged.build, Build::Udp03);
    assert_eq!(plugged.inspection.choice, Choice::CanUseUdp);
    assert_eq!(
        plugged.inspection.udp_import.as_deref(),
        Some("wasi:sockets/udp-create-socket@0.2.0-rc-2023-11-10")
    );
    assert_eq!(
        plugged.inspection.kind,
        Kind::Command {
            run: "wasi:cli/run@0.2.0-rc-2023-12-05".to_string()
        }
    );
    assert_eq!(plugged.command.subcommand, "run");
    assert_eq!(
        plugged.command.flags[..2],
        ["-W", "component-model-more-async-builtins=y"]
    );
    // Its rc files are the host's own, with wasmtime 15's rights kept inside it.
    assert!(plugged.inspection.host_files);
    let versions: Vec<String> = plugged
        .inspection
        .rc_versions()
        .into_iter()
        .map(|v| v.0)
        .collect();
    assert_eq!(versions, ["0.2.0-rc-2023-11-10", "0.2.0-rc-2023-12-05"]);
    let (imports, exports) = host_test::surface::imports_and_exports(&plugged.bytes).unwrap();
    assert_eq!(exports, ["wasi:cli/run@0.2.0"]);
    assert!(imports.iter().all(|i| !i.contains("-rc-")), "{imports:?}");

    let on_02 = plug(&legacy, &PlugOptions::new().with_build(Build::Udp02)).unwrap();
    assert_eq!(
        (on_02.build, on_02.inspection.choice),
        (Build::Udp02, Choice::Asked)
    );
    assert!(!on_02.command.flags.iter().any(|f| f.contains("async")));
}

/// A component can import an rc name with a type the adapter's export does not match. The
/// error says which import, and wac-graph's cause.
#[test]
fn a_type_mismatch_fails_with_its_cause() {
    let dir = artifacts::temp_dir("api-mismatch");
    let wrong = artifacts::component_of(
        &dir,
        "wrong",
        "package test:wrong;\n\
         package wasi:random@0.2.0-rc-2023-11-10 { interface random { \
         get-random-u64: func() -> u32; } }\n\
         world w { import wasi:random/random@0.2.0-rc-2023-11-10; }\n",
        false,
        artifacts::LEGACY_NAMES,
    )
    .unwrap();
    let err = plug(&std::fs::read(wrong).unwrap(), &PlugOptions::new()).unwrap_err();
    let PlugError::Composition { cause } = &err else {
        panic!("{err:?}")
    };
    assert!(
        cause.starts_with(
            "plugging `wasi:random/random@0.2.0-rc-2023-11-10`: mismatched instantiation argument"
        ),
        "{cause}"
    );
    assert!(cause.contains("get-random-u64"), "{cause}");
    assert!(err.hint().is_some());
}

#[test]
fn each_kind_of_bad_input_has_its_variant() {
    let real = std::fs::read(artifacts::legacy("legacy-cli", Era::Nov2023).unwrap()).unwrap();
    let plugged = plug(&real, &PlugOptions::new()).unwrap().bytes;
    let core = b"\0asm\x01\0\0\0".as_slice();
    let options = PlugOptions::new();
    assert_eq!(
        plug(b"", &options).unwrap_err(),
        PlugError::NotWasm {
            starts_with: vec![]
        }
    );
    assert_eq!(
        plug(b"{\"json\": true}", &options).unwrap_err(),
        PlugError::NotWasm {
            starts_with: b"{\"json\":".to_vec()
        }
    );
    assert_eq!(plug(core, &options).unwrap_err(), PlugError::CoreModule);
    match plug(&real[..1000], &options).unwrap_err() {
        PlugError::Malformed { offset, reason } => {
            assert!(offset <= 1000, "{offset}");
            assert!(!reason.is_empty());
        }
        other => panic!("{other:?}"),
    }
    match plug(&plugged, &options).unwrap_err() {
        PlugError::NoRcImport { released_wasi } => {
            assert!(released_wasi.contains(&"wasi:cli/environment@0.3.0".to_string()))
        }
        other => panic!("{other:?}"),
    }
    let not_adapter = PlugOptions::new().with_adapter(real.clone());
    match plug(&real, &not_adapter).unwrap_err() {
        PlugError::BadAdapter { reason } => assert!(reason.ends_with(" itself"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

/// A component whose sections parse but whose code does not validate is refused as
/// malformed before composition (wac-graph reads packages without validating function
/// bodies, so the composition alone would fail later, and less plainly).
#[test]
fn a_component_that_does_not_validate_is_malformed() {
    let dir = artifacts::temp_dir("api-invalid");
    let wat = dir.join("invalid.wat");
    std::fs::write(
        &wat,
        r#"(component
             (import "wasi:random/random@0.2.0-rc-2023-11-10" (instance))
             (core module (func (result i32) i64.const 0)))"#,
    )
    .unwrap();
    let wasm = dir.join("invalid.wasm");
    let parsed = std::process::Command::new("wasm-tools")
        .arg("parse")
        .arg(&wat)
        .arg("-o")
        .arg(&wasm)
        .status()
        .unwrap();
    assert!(parsed.success());
    match plug(&std::fs::read(wasm).unwrap(), &PlugOptions::new()).unwrap_err() {
        PlugError::Malformed { reason, .. } => {
            assert!(reason.contains("type mismatch"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

/// A proxy is made in place by default; one the direct route cannot take (here: it imports
/// `wasi:cli/stdout` of both 2023 eras, which would both be the host's one interface) is
/// composed with the proxy adapter instead, and the inspection says why. Both serve
/// (`host-test/tests/http_serve.rs` serves either route).
#[test]
fn a_proxy_the_direct_route_cannot_take_is_composed() {
    let direct = std::fs::read(artifacts::legacy("proxy_dec", Era::Dec2023).unwrap()).unwrap();
    let plugged = plug(&direct, &PlugOptions::new()).unwrap();
    assert_eq!(plugged.build, Build::Proxy);
    assert_eq!(plugged.inspection.route, Route::Direct);
    let (imports, _) = host_test::surface::imports_and_exports(&plugged.bytes).unwrap();
    assert!(
        imports.iter().all(|i| i.ends_with("@0.2.12")),
        "{imports:?}"
    );
    let composed = plug(&direct, &PlugOptions::new().with_route(Route::Adapter)).unwrap();
    assert_eq!(
        (composed.inspection.route, composed.inspection.not_direct),
        (Route::Adapter, None)
    );

    let dir = artifacts::temp_dir("api-two-stdouts");
    let mixed = artifacts::component_of(
        &dir,
        "mixed",
        "package test:mixed;\n\
         world w {\n\
           import wasi:cli/stdout@0.2.0-rc-2023-11-10;\n\
           import wasi:cli/stdout@0.2.0-rc-2023-12-05;\n\
           export wasi:http/incoming-handler@0.2.0-rc-2023-12-05;\n\
         }\n",
        true,
        artifacts::LEGACY_NAMES,
    )
    .unwrap();
    let plugged = plug(&std::fs::read(mixed).unwrap(), &PlugOptions::new()).unwrap();
    assert_eq!(plugged.inspection.route, Route::Adapter);
    let why = plugged.inspection.not_direct.unwrap();
    assert!(why.contains("are both wasi:cli/stdout@0.2.12"), "{why}");
}
