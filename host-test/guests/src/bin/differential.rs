//! The differential scenario (`programs/differential.rs`) as a legacy rc program: run plugged.
use rc_guests::rc::*;
include!("../programs/differential.rs");
