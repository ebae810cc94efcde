//! `wac plug`, done in-process with wac-graph 0.12 (the library behind the `wac` CLI).

use anyhow::Result;
use wac_graph::{CompositionGraph, EncodeOptions, types::Package};

/// Plugs the adapter's exports into the legacy component's matching imports.
pub fn plug(adapter: &[u8], legacy: &[u8]) -> Result<Vec<u8>> {
    let mut graph = CompositionGraph::new();
    let adapter = Package::from_bytes("rc:adapter", None, adapter.to_vec(), graph.types_mut())?;
    let adapter = graph.register_package(adapter)?;
    let legacy = Package::from_bytes("legacy:app", None, legacy.to_vec(), graph.types_mut())?;
    let legacy = graph.register_package(legacy)?;
    wac_graph::plug(&mut graph, vec![adapter], legacy)?;
    Ok(graph.encode(EncodeOptions::default())?)
}
