//! `wasi:filesystem@0.2.0-rc-2023-11-10` over `wasi:filesystem@0.2.12`: every 0.3 filesystem
//! call is async and would not finish inside a sync-typed rc call (`docs/design.md`).

pub mod preopens;
pub mod types;
