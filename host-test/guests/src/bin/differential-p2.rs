//! The differential scenario (`programs/differential.rs`) against WASI 0.2.12: native p2.
use rc_guests::p2::*;
include!("../programs/differential.rs");
