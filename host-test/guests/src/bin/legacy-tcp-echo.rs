//! The TCP echo client (`programs/tcp_echo.rs`) as a 2023 command: built for wasm32-wasip1
//! with the 2023 preview1 adapter, run plugged (`bench tcp-rtt`).
use rc_guests::cmd as api;
include!("../programs/tcp_echo.rs");
