// `wasi:http@0.2.12` (native WASI 0.2): what the HTTP programs need of their era, included after
// `mod bindings`.

/// This era's packages, by the names the programs use.
mod api {
    pub use super::bindings::wasi::http0_2_12 as http;
    pub use super::bindings::wasi::io0_2_12 as io;
}

#[allow(dead_code)]
const ERA: &str = "0.2.12";

/// The trailers, once: 0.2.x says `err` to a second `get`.
#[allow(dead_code)]
fn trailers_get(
    future: &api::http::types::FutureTrailers,
) -> Option<Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>> {
    future.get().map(|once| once.expect("trailers taken once"))
}
