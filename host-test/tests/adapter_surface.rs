//! The adapter's checked import and export lists, and the legacy guests' own surface. A change
//! to the adapter's lists is a change to what users must provide (host features, wasmtime
//! flags): update README and BENCHMARKS.md with it.

use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::surface;

/// The interfaces of the rc `wasi:cli/command` world, without the version.
const RC_COMMAND_WORLD: [&str; 27] = [
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stderr",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stderr",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:filesystem/preopens",
    "wasi:filesystem/types",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:random/random",
    "wasi:sockets/instance-network",
    "wasi:sockets/ip-name-lookup",
    "wasi:sockets/network",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
];

/// What both builds import: everything but the UDP sockets.
const COMMON_IMPORTS: [&str; 28] = [
    "wasi:cli/environment@0.3.0",
    "wasi:cli/exit@0.3.0",
    "wasi:cli/stderr@0.2.12", // 0.3 stdio is a stream<u8>: async
    "wasi:cli/stdin@0.2.12",
    "wasi:cli/stdout@0.2.12",
    "wasi:cli/terminal-input@0.3.0",
    "wasi:cli/terminal-output@0.3.0",
    "wasi:cli/terminal-stderr@0.3.0",
    "wasi:cli/terminal-stdin@0.3.0",
    "wasi:cli/terminal-stdout@0.3.0",
    "wasi:clocks/monotonic-clock@0.2.12", // sleeping in the wait loop
    "wasi:clocks/monotonic-clock@0.3.0",
    "wasi:clocks/system-clock@0.3.0",
    "wasi:clocks/types@0.3.0", // only for the `duration` type 0.3 sockets use
    "wasi:clocks/wall-clock@0.2.12", // only for the `datetime` type of 0.2.x files
    "wasi:filesystem/preopens@0.2.12", // 0.3 filesystem calls are async
    "wasi:filesystem/types@0.2.12",
    "wasi:io/error@0.2.12",
    "wasi:io/poll@0.2.12", // the one wait: host pollables plus the sleep timer
    "wasi:io/streams@0.2.12",
    "wasi:random/insecure-seed@0.3.0",
    "wasi:random/insecure@0.3.0",
    "wasi:random/random@0.3.0",
    "wasi:sockets/instance-network@0.2.12", // TCP and name lookup: 0.3 is async
    "wasi:sockets/ip-name-lookup@0.2.12",
    "wasi:sockets/network@0.2.12",
    "wasi:sockets/tcp-create-socket@0.2.12",
    "wasi:sockets/tcp@0.2.12",
];

/// What `wasi:http/proxy@0.2.x` gives but wasi:http itself: all the proxy build imports.
const PROXY_WORLD_IMPORTS: [&str; 9] = [
    "wasi:cli/stderr@0.2.12",
    "wasi:cli/stdin@0.2.12",
    "wasi:cli/stdout@0.2.12",
    "wasi:clocks/monotonic-clock@0.2.12",
    "wasi:clocks/wall-clock@0.2.12",
    "wasi:io/error@0.2.12",
    "wasi:io/poll@0.2.12",
    "wasi:io/streams@0.2.12",
    "wasi:random/random@0.2.12",
];

/// Each build's imports: the common ones and its UDP backend's; the proxy world's, and
/// wasi:http, which the proxy build serves rc HTTP with.
fn imports_of(build: AdapterBuild) -> Vec<&'static str> {
    if build == AdapterBuild::Proxy {
        let http = [
            "wasi:http/outgoing-handler@0.2.12",
            "wasi:http/types@0.2.12",
        ];
        let mut all: Vec<&str> = PROXY_WORLD_IMPORTS.iter().chain(&http).copied().collect();
        all.sort();
        return all;
    }
    let udp: &[&str] = match build {
        AdapterBuild::Udp02 => &[
            "wasi:sockets/udp-create-socket@0.2.12",
            "wasi:sockets/udp@0.2.12",
        ],
        _ => &["wasi:sockets/types@0.3.0"],
    };
    let mut all: Vec<&str> = COMMON_IMPORTS.iter().chain(udp).copied().collect();
    all.sort();
    all
}

#[test]
fn adapter_imports_and_exports_exactly_these() {
    for build in [
        AdapterBuild::Udp03,
        AdapterBuild::Udp02,
        AdapterBuild::Proxy,
    ] {
        let bytes = artifacts::adapter(build).unwrap();
        let (mut imports, mut exports) = surface::imports_and_exports(&bytes).unwrap();
        imports.sort();
        exports.sort();
        assert_eq!(imports, imports_of(build), "{build:?}");
        assert_eq!(exports, rc_exports(build), "{build:?}");
    }
}

/// Every rc interface, the wasmtime-16 era's `wasi:cli` ones, and `host-pollable`, which the
/// rc HTTP part needs; and for the proxy build, which serves rc HTTP itself, what the rc HTTP
/// part exports.
fn rc_exports(build: AdapterBuild) -> Vec<String> {
    let http: &[&str] = match build {
        AdapterBuild::Proxy => &HTTP_PART_EXPORTS,
        _ => &[],
    };
    let mut want: Vec<String> = RC_COMMAND_WORLD
        .iter()
        .map(|i| format!("{i}@0.2.0-rc-2023-11-10"))
        .chain(
            RC_COMMAND_WORLD
                .iter()
                .filter(|i| i.starts_with("wasi:cli/"))
                .map(|i| format!("{i}@0.2.0-rc-2023-12-05")),
        )
        .chain(["rc-adapter:adapter/host-pollable".to_string()])
        .chain(http.iter().map(|e| e.to_string()))
        .collect();
    want.sort();
    want
}

const HTTP_PART_EXPORTS: [&str; 4] = [
    "wasi:http/outgoing-handler@0.2.0-rc-2023-11-10",
    "wasi:http/outgoing-handler@0.2.0-rc-2023-12-05",
    "wasi:http/types@0.2.0-rc-2023-11-10",
    "wasi:http/types@0.2.0-rc-2023-12-05",
];

/// The rc HTTP part (`rc-adapter plug` adds it for a component that imports rc `wasi:http`)
/// serves rc `wasi:http/types` and `outgoing-handler` at both eras over the host's
/// wasi:http 0.2 and the adapter's pollables, and needs nothing else.
#[test]
fn the_http_part_imports_and_exports_exactly_these() {
    let bytes =
        std::fs::read(artifacts::repo_root().join("rc-adapter/adapters/rc-http.wasm")).unwrap();
    let (mut imports, mut exports) = surface::imports_and_exports(&bytes).unwrap();
    imports.sort();
    exports.sort();
    assert_eq!(
        imports,
        [
            "rc-adapter:adapter/host-pollable", // the adapter's: rc pollables of host ones
            "wasi:clocks/monotonic-clock@0.2.12", // for `duration` alone
            "wasi:http/outgoing-handler@0.2.12",
            "wasi:http/types@0.2.12",
            "wasi:io/error@0.2.12",
            "wasi:io/poll@0.2.0-rc-2023-11-10", // the adapter's
            "wasi:io/poll@0.2.12",
            "wasi:io/streams@0.2.12",
        ]
    );
    assert_eq!(exports, HTTP_PART_EXPORTS);
    // Only `subscribe` and the 11-10 functions whose types differ are code.
    let code = surface::core_exports(&bytes).unwrap();
    let code: Vec<&String> = code
        .iter()
        .filter(|e| e.starts_with("rc-adapter:adapter/http-rc#"))
        .collect();
    assert_eq!(code.len(), 6, "{code:?}");
}

/// Bytes on rc streams never pass through adapter code: no core module of either build
/// implements an rc stream function but through `stream-subscribe`, so the exported rc
/// `wasi:io/streams` hands the legacy component the host's own functions
/// (`adapter/streams-shim.wat`). (The adapter calls the host's streams itself only to write
/// its own messages to stderr.)
#[test]
fn rc_stream_bytes_go_to_the_host_directly() {
    for build in [
        AdapterBuild::Udp03,
        AdapterBuild::Udp02,
        AdapterBuild::Proxy,
    ] {
        let bytes = artifacts::adapter(build).unwrap();
        let core_exports = surface::core_exports(&bytes).unwrap();
        let streams: Vec<&String> = core_exports
            .iter()
            .filter(|name| name.contains("wasi:io/streams@"))
            .collect();
        assert!(streams.is_empty(), "{build:?}: {streams:?}");
        let subscribe = core_exports
            .iter()
            .filter(|name| name.starts_with("rc-adapter:adapter/stream-subscribe#"))
            .count();
        assert_eq!(subscribe, 2, "{build:?}: {core_exports:?}");
        let (_, exports) = surface::imports_and_exports(&bytes).unwrap();
        assert!(exports.contains(&"wasi:io/streams@0.2.0-rc-2023-11-10".to_string()));
    }
}

/// `wit/adapter/deps` is the vendored WIT, every file a link to it, but for the four files
/// in which the rc interfaces that hand out streams take the host's: those differ from the
/// vendored ones in that `use` line alone (`wit/SOURCES.md`).
#[test]
fn the_adapter_wit_is_the_vendored_wit_with_host_streams() {
    let root = artifacts::repo_root().join("wit");
    let retyped = [
        "cli-0.2.0-rc-2023-11-10/stdio.wit",
        "cli-0.2.0-rc-2023-12-05/stdio.wit",
        "filesystem-0.2.0-rc-2023-11-10/types.wit",
        "sockets-0.2.0-rc-2023-11-10/tcp.wit",
    ];
    let mut seen = 0;
    for package in std::fs::read_dir(root.join("deps")).unwrap() {
        let package = package.unwrap().file_name();
        for file in std::fs::read_dir(root.join("deps").join(&package)).unwrap() {
            let file = file.unwrap().file_name();
            let rel = std::path::Path::new(&package).join(&file);
            let vendored = std::fs::read_to_string(root.join("deps").join(&rel)).unwrap();
            let ours_path = root.join("adapter/deps").join(&rel);
            let ours = std::fs::read_to_string(&ours_path).unwrap();
            if retyped.iter().any(|r| std::path::Path::new(r) == rel) {
                seen += 1;
                assert!(!ours_path.is_symlink(), "{}", rel.display());
                let from = "use wasi:io/streams@0.2.0-rc-2023-11-10.";
                let to = "use wasi:io/streams@0.2.12.";
                assert!(vendored.contains(from), "{}", rel.display());
                assert_eq!(ours, vendored.replace(from, to), "{}", rel.display());
            } else {
                assert_eq!(ours, vendored, "{}", rel.display());
            }
        }
    }
    assert_eq!(seen, retyped.len());
}

/// The 0.2.x UDP and proxy builds need no wasmtime flag: they validate without the component
/// model's "more async builtins" (off by default in wasmtime 50), which the 0.3 build needs
/// for its async `subtask.cancel`. (`legacy_commands` runs a plugged command under a bare
/// `wasmtime run` too.)
#[test]
fn only_the_0_3_build_needs_the_more_async_builtins() {
    use wasmparser::{Validator, WasmFeatures};
    let features = WasmFeatures::all() - WasmFeatures::CM_MORE_ASYNC_BUILTINS;
    for build in [
        AdapterBuild::Udp03,
        AdapterBuild::Udp02,
        AdapterBuild::Proxy,
    ] {
        let bytes = artifacts::adapter(build).unwrap();
        let valid = Validator::new_with_features(features)
            .validate_all(&bytes)
            .map(|_| ());
        match build {
            AdapterBuild::Udp02 | AdapterBuild::Proxy => assert!(valid.is_ok(), "{valid:?}"),
            _ => assert!(
                format!("{:?}", valid.unwrap_err()).contains("more async builtins"),
                "{build:?}"
            ),
        }
    }
}

/// The guests that stand for user components import only the rc world, as a 2023 component
/// did, and export its `run`; the wasmtime-16 era's differ in `wasi:cli` alone. (`legacy-cli`
/// binds the 11-10 terminals itself, so in the 16 era it imports both cli versions.)
#[test]
fn legacy_guests_are_2023_components() {
    for era in [Era::Nov2023, Era::Dec2023] {
        let cli = (era == Era::Nov2023).then_some("legacy-cli");
        for guest in ["legacy-fs", "legacy-tcp", "udp-demo", "rc-conformance"]
            .into_iter()
            .chain(cli)
        {
            let bytes = std::fs::read(artifacts::legacy(guest, era).unwrap()).unwrap();
            let (imports, exports) = surface::imports_and_exports(&bytes).unwrap();
            for import in &imports {
                let (name, version) = import.split_once('@').unwrap();
                let want = if name.starts_with("wasi:cli/") {
                    era.cli_version()
                } else {
                    "0.2.0-rc-2023-11-10"
                };
                assert_eq!(version, want, "{guest} ({era:?}) imports {import}");
                assert!(RC_COMMAND_WORLD.contains(&name), "{guest} imports {import}");
            }
            assert_eq!(
                exports,
                [format!("wasi:cli/run@{}", era.cli_version())],
                "{guest}"
            );
        }
    }
}

/// `rc_adapter::plug` keeps no rc import and exports `run` as 0.2; by default it picks the
/// 0.3 UDP build for a component that can use rc UDP and the 0.2.x one for any other.
#[test]
fn plugged_guest_keeps_no_rc_import_and_runs_as_0_2() {
    for (guest, udp03) in [("legacy-tcp", false), ("udp-demo", true)] {
        for era in [Era::Nov2023, Era::Dec2023] {
            let bytes = std::fs::read(artifacts::legacy_plugged(guest, era).unwrap()).unwrap();
            let (imports, exports) = surface::imports_and_exports(&bytes).unwrap();
            let rc: Vec<_> = imports.iter().filter(|i| i.contains("-rc-")).collect();
            assert!(rc.is_empty(), "{guest}: left unplugged: {rc:?}");
            assert_eq!(exports, ["wasi:cli/run@0.2.0"]);
            let on_03 = imports.iter().any(|i| i == "wasi:sockets/types@0.3.0");
            let on_02 = imports.iter().any(|i| i == "wasi:sockets/udp@0.2.12");
            assert_eq!(
                (on_03, on_02),
                (udp03, !udp03),
                "{guest} {era:?}: {imports:?}"
            );
        }
    }
}

/// A 2023 proxy made in place (the default) has no adapter in it: it imports exactly the
/// `@0.2.12` interfaces of `wasi:http/proxy` that its rc imports become, in its own order,
/// and exports its handler under the 0.2 name; and the one core module `plug` adds to it
/// exports a stub for each rc function a proxy host lacks that it calls.
#[test]
fn a_proxy_made_in_place_imports_exactly_these() {
    const IMPORTS: [&str; 9] = [
        "wasi:clocks/wall-clock@0.2.12",
        "wasi:io/poll@0.2.12",
        "wasi:io/error@0.2.12",
        "wasi:io/streams@0.2.12",
        "wasi:clocks/monotonic-clock@0.2.12",
        "wasi:cli/stdin@0.2.12",
        "wasi:cli/stdout@0.2.12",
        "wasi:cli/stderr@0.2.12",
        "wasi:http/types@0.2.12",
    ];
    // Empty lists (environment, preopens), nones (filesystem-error-code, three terminals),
    // one trap for exit and the descriptor methods a preview1 adapter names, and at 11-10
    // the trailers.
    for (name, era, stubs) in [
        ("proxy_nov", Era::Nov2023, 8),
        ("proxy_dec", Era::Dec2023, 7),
    ] {
        let bytes = std::fs::read(artifacts::legacy_plugged(name, era).unwrap()).unwrap();
        let (imports, exports) = surface::imports_and_exports(&bytes).unwrap();
        let mut want: Vec<&str> = IMPORTS.to_vec();
        want.push("wasi:http/outgoing-handler@0.2.12");
        let mut got: Vec<&str> = imports.iter().map(String::as_str).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}");
        assert_eq!(exports, ["wasi:http/incoming-handler@0.2.0"], "{name}");
        let exported = surface::core_exports(&bytes)
            .unwrap()
            .into_iter()
            .filter(|e| e.starts_with('s') && e[1..].parse::<u32>().is_ok())
            .count();
        assert_eq!(exported, stubs, "{name}");
    }
}
