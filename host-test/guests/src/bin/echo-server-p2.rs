//! The echo server (`programs/echo_server.rs`) against WASI 0.2.12: runs on wasmtime's p2.
use rc_guests::p2::*;
include!("../programs/echo_server.rs");
