//! `wrap-adapter CORE.wasm SHIM.wasm OUT.wasm`: the last step of `scripts/build-adapter.sh`.
//!
//! CORE is the component wit-component makes of `adapter/src`; SHIM is
//! `adapter/streams-shim.wat`, which serves rc `wasi:io/streams` as the host's own functions
//! with CORE's `subscribe`, and rc `wasi:io/error` as the host's. The result exports what a
//! legacy component imports, every rc interface, and nothing else: the shim's two exports and
//! every CORE export but the `stream-subscribe` it hands the shim. Imports of the same name
//! (the host's io) are merged. It is composed in-process with wac-graph 0.12.0, pinned, so the
//! bytes are reproducible.

use anyhow::{Context, Result};
use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeOptions};

/// CORE's `subscribe` for host streams: the shim's alone, not exported.
const SUBSCRIBE: &str = "rc-adapter:adapter/stream-subscribe";
/// What CORE hands the shim: its rc pollables, and `subscribe`.
const TO_SHIM: [&str; 2] = ["wasi:io/poll@0.2.0-rc-2023-11-10", SUBSCRIBE];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [core, shim, out] = <[String; 3]>::try_from(args)
        .map_err(|_| anyhow::anyhow!("usage: wrap-adapter CORE.wasm SHIM.wasm OUT.wasm"))?;
    let read = |path: &str| std::fs::read(path).with_context(|| format!("reading {path}"));
    let bytes = wrap(read(&core)?, read(&shim)?)?;
    std::fs::write(&out, bytes).with_context(|| format!("writing {out}"))
}

fn wrap(core: Vec<u8>, shim: Vec<u8>) -> Result<Vec<u8>> {
    let mut graph = CompositionGraph::new();
    let core = Package::from_bytes("rc-adapter:core", None, core, graph.types_mut())?;
    let core = graph.register_package(core)?;
    let shim = Package::from_bytes("rc-adapter:streams-shim", None, shim, graph.types_mut())?;
    let shim = graph.register_package(shim)?;
    let core_instance = graph.instantiate(core);
    let shim_instance = graph.instantiate(shim);
    for name in TO_SHIM {
        let export = graph.alias_instance_export(core_instance, name)?;
        graph
            .set_instantiation_argument(shim_instance, name, export)
            .with_context(|| format!("handing the shim {name}"))?;
    }
    let exports = |package: wac_graph::PackageId| -> Vec<String> {
        let ty = graph[package].ty();
        graph.types()[ty].exports.keys().cloned().collect()
    };
    let (core_exports, shim_exports) = (exports(core), exports(shim));
    for name in core_exports
        .iter()
        .filter(|n| !TO_SHIM[1..].contains(&n.as_str()))
    {
        let export = graph.alias_instance_export(core_instance, name)?;
        graph.export(export, name)?;
    }
    for name in &shim_exports {
        let export = graph.alias_instance_export(shim_instance, name)?;
        graph.export(export, name)?;
    }
    Ok(graph.encode(EncodeOptions::default())?)
}
