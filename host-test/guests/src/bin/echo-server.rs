//! The echo server (`programs/echo_server.rs`) as a legacy rc program: run it plugged.
use rc_guests::rc::*;
include!("../programs/echo_server.rs");
