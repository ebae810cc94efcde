//! The TCP echo client (`programs/tcp_echo.rs`) against WASI 0.2.12: the native p2 baseline
//! of `bench tcp-rtt`, on the same wasmtime 50.
use rc_guests::p2cmd as api;
include!("../programs/tcp_echo.rs");
