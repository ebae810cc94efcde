//! `wrap-adapter {adapter|http|proxy} CODE.wasm OUT.wasm SHIM.wasm..`: the last step of
//! `scripts/build-adapter.sh`, which composes a component of code with a shim of no code that
//! hands a legacy component the host's own functions under rc names.
//!
//! - `adapter`: CODE is the component wit-component makes of `adapter/src`; SHIM is
//!   `adapter/streams-shim.wat`, which serves rc `wasi:io/streams` as the host's functions
//!   with CODE's `subscribe`, and rc `wasi:io/error` as the host's. The result exports every
//!   rc interface a legacy command imports, and `rc-adapter:adapter/host-pollable`.
//! - `http`: CODE is `adapter/http`'s component; SHIM is `adapter/http/shim.wat`, rc
//!   `wasi:http/types` and `outgoing-handler` at both eras as the host's. The result exports
//!   those four.
//! - `proxy`: CODE is the adapter's proxy build, which has `adapter/http`'s code in it; the
//!   shims are both of the above, in that order.
//!
//! (`wrap-adapter unimport`, a step before, is `unimport.rs`.)
//!
//! The shims' exports and every CODE export but those only shims take are exported.
//! Imports of the same name (the host's io) are merged. It is composed in-process with
//! wac-graph 0.12.0, pinned, so the bytes are reproducible.

mod unimport;

use anyhow::{Context, Result, bail};
use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeOptions};

/// What CODE hands the streams shim: rc pollables (CODE exports them too), and `subscribe`
/// for host streams (the shim's alone).
const TO_STREAMS_SHIM: &[&str] = &[RC_POLL, "rc-adapter:adapter/stream-subscribe"];
/// What CODE hands the HTTP shim: `subscribe` for the host's futures and the 11-10
/// functions (the shim's alone), and rc pollables.
const TO_HTTP_SHIM: &[&str] = &[HTTP_RC, RC_POLL];
const HTTP_RC: &str = "rc-adapter:adapter/http-rc";
const RC_POLL: &str = "wasi:io/poll@0.2.0-rc-2023-11-10";
/// CODE's exports that only shims take.
const KEPT_BACK: [&str; 2] = [
    "rc-adapter:adapter/stream-subscribe",
    "rc-adapter:adapter/http-rc",
];

const USAGE: &str = "usage: wrap-adapter {adapter|http|proxy} CODE.wasm OUT.wasm SHIM.wasm..
       wrap-adapter unimport CORE.wasm OUT.wasm PREFIX..";

/// The shims each kind of wrap takes, in order, and what CODE hands each.
fn shims(kind: &str) -> Result<&'static [&'static [&'static str]]> {
    Ok(match kind {
        "adapter" => &[TO_STREAMS_SHIM],
        // `adapter/http`'s code: its rc pollables come from the adapter when plugged.
        "http" => &[&[HTTP_RC]],
        // The proxy build: the adapter with the rc HTTP part's code in it.
        "proxy" => &[TO_STREAMS_SHIM, TO_HTTP_SHIM],
        _ => bail!("{USAGE}"),
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("unimport") => return unimport::main(&args[1..]),
        None | Some("-h" | "--help") => bail!("{USAGE}"),
        _ => {}
    }
    let [kind, code, out, shim_paths @ ..] = &args[..] else {
        bail!("{USAGE}");
    };
    let to_shims = shims(kind)?;
    if shim_paths.len() != to_shims.len() {
        bail!(
            "wrap-adapter {kind} takes {} shim(s)\n{USAGE}",
            to_shims.len()
        );
    }
    let read = |path: &str| std::fs::read(path).with_context(|| format!("reading {path}"));
    let shims = shim_paths
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>>>()?;
    let bytes = wrap(read(code)?, shims.into_iter().zip(to_shims.iter().copied()))?;
    std::fs::write(out, bytes).with_context(|| format!("writing {out}"))
}

fn wrap<'a>(
    code: Vec<u8>,
    shims: impl Iterator<Item = (Vec<u8>, &'a [&'a str])>,
) -> Result<Vec<u8>> {
    let mut graph = CompositionGraph::new();
    let code = Package::from_bytes("rc-adapter:code", None, code, graph.types_mut())?;
    let code = graph.register_package(code)?;
    let code_instance = graph.instantiate(code);
    let exports = |graph: &CompositionGraph, package: wac_graph::PackageId| -> Vec<String> {
        let ty = graph[package].ty();
        graph.types()[ty].exports.keys().cloned().collect()
    };
    let mut shim_exports = Vec::new();
    for (i, (shim, to_shim)) in shims.enumerate() {
        let name = format!("rc-adapter:shim{i}");
        let shim = Package::from_bytes(&name, None, shim, graph.types_mut())?;
        let shim = graph.register_package(shim)?;
        let shim_instance = graph.instantiate(shim);
        for name in to_shim {
            let export = graph.alias_instance_export(code_instance, name)?;
            graph
                .set_instantiation_argument(shim_instance, name, export)
                .with_context(|| format!("handing a shim {name}"))?;
        }
        shim_exports.extend(
            exports(&graph, shim)
                .into_iter()
                .map(|e| (shim_instance, e)),
        );
    }
    for name in exports(&graph, code)
        .iter()
        .filter(|n| !KEPT_BACK.contains(&n.as_str()))
    {
        let export = graph.alias_instance_export(code_instance, name)?;
        graph.export(export, name)?;
    }
    for (instance, name) in &shim_exports {
        let export = graph.alias_instance_export(*instance, name)?;
        graph.export(export, name)?;
    }
    Ok(graph.encode(EncodeOptions::default())?)
}
