//! `wasi:cli/exit` (rc) over `wasi:cli/exit@0.3.0` (a sync function).

use crate::bindings::wasi::cli0_3_0::exit as p3;

both_versions! {
    impl cli::exit::Guest for crate::Adapter {
        fn exit(status: Result<(), ()>) {
            p3::exit(status)
        }
    }
}
