// `wasi:http@0.2.0-rc-2023-11-10` (the wasmtime 15 era): what the HTTP programs need of their era, included after
// `mod bindings`.

/// This era's packages, by the names the programs use.
mod api {
    pub use super::bindings::wasi::http0_2_0_rc_2023_11_10 as http;
    #[allow(unused_imports)] // the outbound commands have no timer
    pub use super::bindings::wasi::clocks0_2_0_rc_2023_11_10::monotonic_clock as clock;
    pub use super::bindings::wasi::io0_2_0_rc_2023_11_10 as io;
}

#[allow(dead_code)]
const ERA: &str = "0.2.0-rc-2023-11-10";

/// 11-10: one `result` fewer than later eras.
#[allow(dead_code)]
fn trailers_get(
    future: &api::http::types::FutureTrailers,
) -> Option<Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>> {
    future.get()
}

/// The request's trailers asked for again: 11-10 (wasmtime 15) answered the same again.
#[allow(dead_code)]
fn second_get(future: &api::http::types::FutureTrailers) -> Result<TrailersAnswer, &'static str> {
    Ok(future.get())
}

/// What `future-trailers.get` answers, in 12-05's terms.
#[allow(dead_code)]
type TrailersAnswer =
    Option<Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>>;

/// `request-options`' three timeouts set and read back (11-10: `-ms` names).
#[allow(dead_code)]
fn timeouts() -> String {
    let options = api::http::types::RequestOptions::new();
    let set = [
        options.set_connect_timeout_ms(Some(1_000)),
        options.set_first_byte_timeout_ms(Some(2_000)),
        options.set_between_bytes_timeout_ms(Some(3_000)),
    ];
    let got = [
        options.connect_timeout_ms(),
        options.first_byte_timeout_ms(),
        options.between_bytes_timeout_ms(),
    ];
    format!("set {set:?}, got {got:?}\n")
}
