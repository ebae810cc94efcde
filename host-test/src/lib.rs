//! Test and benchmark support for the rc adapter: builds the legacy test guests, plugs the
//! adapter into them with `rc_adapter::plug`, and runs the result in wasmtime 50.0.1 the way
//! `wasmtime run` does (WASIp2 and WASIp3 both linked).

pub mod artifacts;
pub mod bench;
pub mod runner;
pub mod serve;
pub mod surface;
pub mod wasmtime_cli;
