// `wasi:http@0.2.0-rc-2023-12-05` (the wasmtime 16 era): what the HTTP programs need of their era, included after
// `mod bindings`.

/// This era's packages, by the names the programs use.
mod api {
    pub use super::bindings::wasi::http0_2_0_rc_2023_12_05 as http;
    #[allow(unused_imports)] // the outbound commands have no timer
    pub use super::bindings::wasi::clocks0_2_0_rc_2023_11_10::monotonic_clock as clock;
    pub use super::bindings::wasi::io0_2_0_rc_2023_11_10 as io;
}

#[allow(dead_code)]
const ERA: &str = "0.2.0-rc-2023-12-05";

include!("../../../src/programs/http_0_2.rs");
