//! `wasi:clocks@0.2.0-rc-2023-11-10`, both over 0.3 clocks (sync functions).

pub mod monotonic_clock;
pub mod wall_clock;
