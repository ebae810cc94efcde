//! `wrap-adapter {adapter|http} CODE.wasm SHIM.wasm OUT.wasm [STUB.wasm]`: the last step of
//! `scripts/build-adapter.sh`, which composes a component of code with a shim of no code that
//! hands a legacy component the host's own functions under rc names.
//!
//! - `adapter`: CODE is the component wit-component makes of `adapter/src`; SHIM is
//!   `adapter/streams-shim.wat`, which serves rc `wasi:io/streams` as the host's functions
//!   with CODE's `subscribe`, and rc `wasi:io/error` as the host's. The result exports every
//!   rc interface a legacy command imports, and `rc-adapter:adapter/host-pollable`. With
//!   STUB (the proxy build), CODE's imports that STUB exports (the host's files and sockets,
//!   which that build never calls) are STUB's, so the result does not import them.
//! - `http`: CODE is `adapter/http`'s component; SHIM is `adapter/http/shim.wat`, rc
//!   `wasi:http/types` and `outgoing-handler` at both eras as the host's. The result exports
//!   those four.
//!
//! The shim's exports and every CODE export but those it hands the shim are exported.
//! Imports of the same name (the host's io) are merged. It is composed in-process with
//! wac-graph 0.12.0, pinned, so the bytes are reproducible.

use anyhow::{Context, Result, bail};
use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeOptions};

/// What CODE hands the shim, for each kind of wrap, and whether CODE exports it too.
fn to_shim(kind: &str) -> Result<&'static [(&'static str, bool)]> {
    Ok(match kind {
        // rc pollables, and `subscribe` for host streams (the shim's alone).
        "adapter" => &[
            ("wasi:io/poll@0.2.0-rc-2023-11-10", true),
            ("rc-adapter:adapter/stream-subscribe", false),
        ],
        // `subscribe` for the host's futures, and the 11-10 functions.
        "http" => &[("rc-adapter:adapter/http-rc", false)],
        _ => bail!("usage: wrap-adapter {{adapter|http}} CODE.wasm SHIM.wasm OUT.wasm [STUB.wasm]"),
    })
}

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let stub = (args.len() == 5).then(|| args.pop().unwrap());
    let [kind, code, shim, out] = <[String; 4]>::try_from(args).map_err(|_| {
        anyhow::anyhow!(
            "usage: wrap-adapter {{adapter|http}} CODE.wasm SHIM.wasm OUT.wasm [STUB.wasm]"
        )
    })?;
    let to_shim = to_shim(&kind)?;
    let read = |path: &str| std::fs::read(path).with_context(|| format!("reading {path}"));
    let stub = stub.map(|path| read(&path)).transpose()?;
    let bytes = wrap(read(&code)?, read(&shim)?, stub, to_shim)?;
    std::fs::write(&out, bytes).with_context(|| format!("writing {out}"))
}

fn wrap(
    code: Vec<u8>,
    shim: Vec<u8>,
    stub: Option<Vec<u8>>,
    to_shim: &[(&str, bool)],
) -> Result<Vec<u8>> {
    let mut graph = CompositionGraph::new();
    let code = Package::from_bytes("rc-adapter:code", None, code, graph.types_mut())?;
    let code = graph.register_package(code)?;
    let shim = Package::from_bytes("rc-adapter:shim", None, shim, graph.types_mut())?;
    let shim = graph.register_package(shim)?;
    let code_instance = graph.instantiate(code);
    if let Some(stub) = stub {
        let stub = Package::from_bytes("rc-adapter:stub", None, stub, graph.types_mut())?;
        let stub = graph.register_package(stub)?;
        let stub_instance = graph.instantiate(stub);
        let ty = graph[stub].ty();
        let stubbed: Vec<String> = graph.types()[ty].exports.keys().cloned().collect();
        let ty = graph[code].ty();
        let imports: Vec<String> = graph.types()[ty].imports.keys().cloned().collect();
        for name in stubbed.iter().filter(|n| imports.contains(n)) {
            let export = graph.alias_instance_export(stub_instance, name)?;
            graph
                .set_instantiation_argument(code_instance, name, export)
                .with_context(|| format!("stubbing {name}"))?;
        }
    }
    let shim_instance = graph.instantiate(shim);
    for (name, _) in to_shim {
        let export = graph.alias_instance_export(code_instance, name)?;
        graph
            .set_instantiation_argument(shim_instance, name, export)
            .with_context(|| format!("handing the shim {name}"))?;
    }
    let exports = |package: wac_graph::PackageId| -> Vec<String> {
        let ty = graph[package].ty();
        graph.types()[ty].exports.keys().cloned().collect()
    };
    let (code_exports, shim_exports) = (exports(code), exports(shim));
    let kept_back = |name: &str| to_shim.iter().any(|(n, exported)| *n == name && !exported);
    for name in code_exports.iter().filter(|n| !kept_back(n)) {
        let export = graph.alias_instance_export(code_instance, name)?;
        graph.export(export, name)?;
    }
    for name in &shim_exports {
        let export = graph.alias_instance_export(shim_instance, name)?;
        graph.export(export, name)?;
    }
    Ok(graph.encode(EncodeOptions::default())?)
}
