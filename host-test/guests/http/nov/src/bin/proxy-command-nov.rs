//! The proxy of this crate's library as wasmtime 15's own test proxies were built: a program
//! with `main`, wrapped with the preview1 *command* adapter, so it exports `run` beside its
//! `incoming-handler`. Run, it says what it is; served, it is the proxy.

include!("../proxy.rs");

fn main() {
    println!("a proxy of {ERA}: serve it");
}
