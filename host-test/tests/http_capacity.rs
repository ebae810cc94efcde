//! How many requests a plugged 2023 proxy serves at once under a plain `wasmtime serve`
//! 50.0.1, whose pooling allocator allows 1,000 core instances in all: each request makes
//! an instance of the whole component, so the number of core instances in it sets how many
//! requests can be in flight. Counted beside the same program built for native wasi:http 0.2.

use anyhow::Result;
use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::serve::{Held, Server, core_instances, hold_open};
use host_test::wasmtime_cli::readme_line_flags;
use rc_adapter::{PlugOptions, Route};

const PROXIES: [(&str, Era); 2] = [("proxy_nov", Era::Nov2023), ("proxy_dec", Era::Dec2023)];

/// The direct proxy build (the default) adds one core instance to the legacy component's
/// four (its module, its preview1 adapter, wit-component's shim and fixup): the stub
/// module. Composed with the adapter it would add five: the adapter's module, shim and
/// fixup, and two modules of fused adapters.
#[test]
fn a_direct_proxy_is_five_core_instances() -> Result<()> {
    for (name, era) in PROXIES {
        let legacy = artifacts::legacy(name, era)?;
        let plugged = rc_adapter::plug(&std::fs::read(&legacy)?, &PlugOptions::new())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        assert_eq!(plugged.inspection.route, Route::Direct, "{name}");
        assert_eq!(plugged.inspection.not_direct, None, "{name}");

        let direct = artifacts::legacy_plugged(name, era)?;
        let composed = artifacts::legacy_plugged_with(name, era, Some(AdapterBuild::ProxyAdapter))?;
        assert_eq!(core_instances(&legacy)?, 4, "{name} unplugged");
        assert_eq!(core_instances(&direct)?, 5, "{name} direct");
        assert_eq!(core_instances(&composed)?, 9, "{name} composed");
    }
    assert_eq!(core_instances(&artifacts::guest("proxy_p2")?)?, 3, "native");
    // componentize-py links CPython and its runtime as modules of their own.
    let python = artifacts::python_proxy()?;
    assert_eq!(core_instances(&python)?, 13, "Python, unplugged");
    let direct = artifacts::python_proxy_plugged(AdapterBuild::Proxy)?;
    assert_eq!(core_instances(&direct)?, 14, "Python, direct");
    let composed = artifacts::python_proxy_plugged(AdapterBuild::ProxyAdapter)?;
    assert_eq!(core_instances(&composed)?, 18, "Python, composed");
    Ok(())
}

/// Requests held open at once under `wasmtime serve fixed.wasm`, the README's line: all of
/// the first thousand core instances go to them, so a direct proxy serves 200 at once, the
/// composed one 111, and the native twin (three core instances, served with `-S cli`) 333;
/// the rest get a 500, and serving goes on.
#[test]
fn a_plain_serve_holds_200_requests_of_a_direct_proxy_at_once() -> Result<()> {
    let plain = readme_line_flags("serve", &[])?;
    let held = |component: std::path::PathBuf, flags: &[String], n| -> Result<Held> {
        let server = Server::start(&component, flags)?;
        let held = hold_open(server.port, n)?;
        assert_eq!(server.get("/hello")?.status, 200, "still serving");
        Ok(held)
    };
    for (name, era) in PROXIES {
        let direct = held(artifacts::legacy_plugged(name, era)?, &plain, 220)?;
        assert_eq!(
            direct,
            Held {
                served: 200,
                refused: 20
            },
            "{name} direct"
        );
        let composed = artifacts::legacy_plugged_with(name, era, Some(AdapterBuild::ProxyAdapter))?;
        assert_eq!(
            held(composed, &plain, 120)?,
            Held {
                served: 111,
                refused: 9
            },
            "{name} composed"
        );
    }
    // Rust's std for wasip2 imports the environment: `-S cli`.
    let cli = readme_line_flags("serve", &["-S cli"])?;
    let native = held(artifacts::guest("proxy_p2")?, &cli, 340);
    assert_eq!(
        native?,
        Held {
            served: 333,
            refused: 7
        },
        "native"
    );
    Ok(())
}
