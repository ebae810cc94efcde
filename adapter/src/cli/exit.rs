//! `wasi:cli/exit` (rc) over `wasi:cli/exit@0.3.0` (a sync function). The proxy build traps:
//! `wasi:http/proxy` has no exit, and a handler that ends the instance ends as a trapping
//! one does (`wasmtime serve` answers 500 if no response was set).

#[cfg(not(feature = "proxy"))]
use crate::bindings::wasi::cli0_3_0::exit as p3;
#[cfg(feature = "proxy")]
mod p3 {
    pub fn exit(_status: Result<(), ()>) {
        unreachable!("wasi:cli/exit in a proxy")
    }
}

both_versions! {
    impl cli::exit::Guest for crate::Adapter {
        fn exit(status: Result<(), ()>) {
            p3::exit(status)
        }
    }
}
