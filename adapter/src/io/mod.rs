//! `wasi:io@0.2.0-rc-2023-11-10`.

pub mod error;
pub mod poll;
pub mod streams;
