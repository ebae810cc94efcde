// `wasi:http@0.2.0-rc-2023-12-05` (the wasmtime 16 era): what the HTTP programs need of their era, included after
// `mod bindings`.

/// This era's packages, by the names the programs use.
mod api {
    pub use super::bindings::wasi::http0_2_0_rc_2023_12_05 as http;
    pub use super::bindings::wasi::io0_2_0_rc_2023_11_10 as io;
}

#[allow(dead_code)]
const ERA: &str = "0.2.0-rc-2023-12-05";

/// The trailers, once: 12-05 says `err` to a second `get`.
#[allow(dead_code)]
fn trailers_get(
    future: &api::http::types::FutureTrailers,
) -> Option<Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>> {
    future.get().map(|once| once.expect("trailers taken once"))
}
