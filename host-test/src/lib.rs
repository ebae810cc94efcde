//! Test and benchmark support for the rc adapter: builds the adapter and the legacy test
//! guests, plugs them together with wac, and runs the result in wasmtime 50.0.1 the way
//! `wasmtime run` does (WASIp2 and WASIp3 both linked).

pub mod artifacts;
pub mod bench;
pub mod compose;
pub mod runner;
pub mod surface;
pub mod wasmtime_cli;
