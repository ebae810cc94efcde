//! The adapter's checked import and export lists. A change here is a change to what users
//! must provide (host features, wasmtime flags): update README and BENCHMARKS.md with it.

use host_test::{artifacts, surface};

#[test]
fn adapter_imports_and_exports_exactly_these() {
    let bytes = std::fs::read(artifacts::adapter().unwrap()).unwrap();
    let (mut imports, mut exports) = surface::imports_and_exports(&bytes).unwrap();
    imports.sort();
    exports.sort();
    assert_eq!(
        imports,
        [
            // Only for the `duration` type that 0.3 sockets use.
            "wasi:clocks/monotonic-clock@0.2.12", // sleeping in the wait loop
            "wasi:clocks/monotonic-clock@0.3.0",
            "wasi:clocks/types@0.3.0",
            "wasi:io/poll@0.2.12", // sleeping in the wait loop
            "wasi:sockets/types@0.3.0",
        ]
    );
    assert_eq!(
        exports,
        [
            "wasi:clocks/monotonic-clock@0.2.0-rc-2023-11-10",
            "wasi:io/poll@0.2.0-rc-2023-11-10",
            "wasi:sockets/instance-network@0.2.0-rc-2023-11-10",
            "wasi:sockets/network@0.2.0-rc-2023-11-10",
            "wasi:sockets/udp-create-socket@0.2.0-rc-2023-11-10",
            "wasi:sockets/udp@0.2.0-rc-2023-11-10",
        ]
    );
}

#[test]
fn plugged_guest_keeps_no_rc_import() {
    let bytes = std::fs::read(artifacts::plugged("rc-conformance").unwrap()).unwrap();
    let (imports, _) = surface::imports_and_exports(&bytes).unwrap();
    let rc: Vec<_> = imports
        .iter()
        .filter(|i| i.contains("2023-11-10"))
        .collect();
    assert!(rc.is_empty(), "left unplugged: {rc:?}");
    assert!(
        imports.iter().any(|i| i == "wasi:sockets/types@0.3.0"),
        "{imports:?}"
    );
}
