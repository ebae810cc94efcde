//! The composition, in-process with wac-graph 0.12 (the library behind `wac` 0.12.0).
//!
//! The graph is built by hand rather than with `wac_graph::plug`, which skips an export
//! whose type does not match and leaves the import unplugged without a word: here each rc
//! import is wired by name, and a mismatch fails with wac-graph's cause.

use crate::PlugError;
use crate::error::chain;
use crate::inspect::{RC, plugged_name};
use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeOptions, Processor};

/// The rc file interfaces a whole-world build can hand the host's own (the same shape), and
/// the host's: where stubs inside the component keep wasmtime 15's rights.
pub(crate) const HOST_FILES: [(&str, &str); 2] = [
    (
        "wasi:filesystem/types@0.2.0-rc-2023-11-10",
        "wasi:filesystem/types@0.2.12",
    ),
    (
        "wasi:filesystem/preopens@0.2.0-rc-2023-11-10",
        "wasi:filesystem/preopens@0.2.12",
    ),
];

/// `new legacy:app { ...adapter, ...http }`, every export of the app kept, an rc `run` and
/// `incoming-handler` exported again under their 0.2 names. `http`, the rc HTTP part, gets
/// the adapter's rc pollables and serves the app's rc `wasi:http`. Each `(rc, host)` of
/// `host_own` the app imports is the host's own interface of the same shape instead,
/// imported by the result (and handed to the adapter too, where it imports it). Imports the
/// adapter does not serve (released WASI, the app's own) and the adapter's and part's imports
/// become the result's, merged by name.
pub(crate) fn compose(
    app: &[u8],
    adapter: &[u8],
    http: Option<&[u8]>,
    rc_imports: &[String],
    host_own: &[(&str, &str)],
) -> Result<Vec<u8>, PlugError> {
    let mut graph = CompositionGraph::new();
    let adapter = register(&mut graph, "rc-adapter:adapter", adapter, "the adapter")?;
    let app = register(&mut graph, "legacy:app", app, "the component")?;

    let adapter_instance = graph.instantiate(adapter);
    let http_instance = match http {
        Some(http) => {
            let http = register(&mut graph, "rc-adapter:http", http, "the rc HTTP part")?;
            let instance = graph.instantiate(http);
            for name in crate::http::FROM_ADAPTER {
                let export = graph
                    .alias_instance_export(adapter_instance, name)
                    .map_err(|e| failed(format!("the adapter's `{name}`"), &e))?;
                graph
                    .set_instantiation_argument(instance, name, export)
                    .map_err(|e| failed(format!("handing the rc HTTP part `{name}`"), &e))?;
            }
            Some(instance)
        }
        None => None,
    };
    let app_instance = graph.instantiate(app);
    let mut from_host = Vec::new();
    for &(rc, host) in host_own {
        if !rc_imports.iter().any(|n| n == rc) {
            continue;
        }
        // Typed as the adapter imports it, and then one import for both; else as the app
        // imports it under the rc name (the same shape).
        let adapter_imports = &graph.types()[graph[adapter].ty()].imports;
        let (kind, shared) = match adapter_imports.get(host) {
            Some(kind) => (*kind, true),
            None => (graph.types()[graph[app].ty()].imports[rc], false),
        };
        let import = graph
            .import(host, kind)
            .map_err(|e| failed(format!("importing `{host}`"), &e))?;
        if shared {
            graph
                .set_instantiation_argument(adapter_instance, host, import)
                .map_err(|e| failed(format!("handing the adapter `{host}`"), &e))?;
        }
        graph
            .set_instantiation_argument(app_instance, rc, import)
            .map_err(|e| failed(format!("plugging `{rc}` with the host's"), &e))?;
        from_host.push(rc);
    }
    for name in rc_imports
        .iter()
        .filter(|n| !from_host.contains(&n.as_str()))
    {
        let (from, what) = match http_instance {
            Some(http) if crate::http::is_rc_http(name) => (http, "rc HTTP part"),
            _ => (adapter_instance, "adapter"),
        };
        let export = graph
            .alias_instance_export(from, name)
            .map_err(|e| failed(format!("the {what}'s `{name}`"), &e))?;
        graph
            .set_instantiation_argument(app_instance, name, export)
            .map_err(|e| failed(format!("plugging `{name}`"), &e))?;
    }
    let exports: Vec<String> = graph.types()[graph[app].ty()]
        .exports
        .keys()
        .cloned()
        .collect();
    for name in exports {
        let export = graph
            .alias_instance_export(app_instance, &name)
            .map_err(|e| failed(format!("the component's `{name}`"), &e))?;
        graph
            .export(export, plugged_name(&name))
            .map_err(|e| failed(format!("exporting `{name}`"), &e))?;
    }
    let options = EncodeOptions {
        processor: Some(Processor {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }),
        ..EncodeOptions::default()
    };
    let bytes = graph.encode(options).map_err(|e| failed("encoding", &e))?;

    // Never hand back a component that still needs a 2023 host.
    let left: Vec<String> = crate::read::imports(&bytes)
        .map_err(|e| failed("reading the result", &e))?
        .into_iter()
        .filter(|i| i.contains(RC))
        .collect();
    if !left.is_empty() {
        return Err(PlugError::LeftUnplugged { imports: left });
    }
    Ok(bytes)
}

/// `bytes` as a package of the graph, named `name`; `what` says what it is in an error.
fn register(
    graph: &mut CompositionGraph,
    name: &str,
    bytes: &[u8],
    what: &str,
) -> Result<wac_graph::PackageId, PlugError> {
    let package = Package::from_bytes(name, None, bytes, graph.types_mut())
        .map_err(|e| failed(format!("reading {what}"), e.as_ref()))?;
    graph
        .register_package(package)
        .map_err(|e| failed(format!("registering {what}"), &e))
}

fn failed(what: impl std::fmt::Display, e: &dyn std::error::Error) -> PlugError {
    PlugError::Composition {
        cause: format!("{what}: {}", chain(e)),
    }
}
