// What the HTTP programs need of an era that names `wasi:http` as 0.2.x does: 12-05 and
// 0.2.12 (11-10 names some of it otherwise: `nov.rs`). Included by `dec.rs` and `p2.rs`, after
// their `api`.

/// The trailers, once: 12-05 and 0.2.x say `err` to a second `get`.
#[allow(dead_code)]
fn trailers_get(
    future: &api::http::types::FutureTrailers,
) -> Option<Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>> {
    future.get().map(|once| once.expect("trailers taken once"))
}

/// The request's trailers asked for again: 12-05 and 0.2.x say `err`.
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
