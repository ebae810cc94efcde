//! `wasi:io@0.2.0-rc-2023-11-10`: `poll` is ours; `streams` and `error` are the host's, but for
//! a stream's `subscribe` (`streams.rs`).

pub mod poll;
pub mod streams;
