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

/// The trailers, once: 12-05 says `err` to a second `get`.
#[allow(dead_code)]
fn trailers_get(
    future: &api::http::types::FutureTrailers,
) -> Option<Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>> {
    future.get().map(|once| once.expect("trailers taken once"))
}

/// The request's trailers asked for again: 12-05 says `err`.
#[allow(dead_code)]
fn second_get(future: &api::http::types::FutureTrailers) -> Result<TrailersAnswer, &'static str> {
    match future.get() {
        Some(Err(())) => Err("err (taken)"),
        Some(Ok(answer)) => Ok(Some(answer)),
        None => Ok(None),
    }
}

/// What `future-trailers.get` answers, in 11-10's terms.
#[allow(dead_code)]
type TrailersAnswer =
    Option<Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>>;

/// `request-options`' three timeouts set and read back.
#[allow(dead_code)]
fn timeouts() -> String {
    let options = api::http::types::RequestOptions::new();
    let set = [
        options.set_connect_timeout(Some(1_000)),
        options.set_first_byte_timeout(Some(2_000)),
        options.set_between_bytes_timeout(Some(3_000)),
    ];
    let got = [
        options.connect_timeout(),
        options.first_byte_timeout(),
        options.between_bytes_timeout(),
    ];
    format!("set {set:?}, got {got:?}\n")
}
