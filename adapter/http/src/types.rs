//! `wasi:http/types` (rc): what the host's functions are not.
//!
//! Compiled in two places: in `adapter/http` (the rc HTTP part beside a whole-world build),
//! and in the adapter's proxy build itself. Each names, in `crate::glue`, the rc pollable
//! type and how a host pollable becomes one.

use crate::bindings::exports::rc_adapter::adapter::http_rc::Guest;
use crate::bindings::wasi::http0_2_12::types::{
    Duration, ErrorCode, FutureIncomingResponse, FutureTrailers, RequestOptions, Trailers,
};
use crate::glue::{RcPollable as Pollable, adopt};

/// What a second 11-10 `future-trailers.get` says here.
const TAKEN: &str = "future-trailers.get: the trailers were taken by an earlier get";

impl Guest for crate::HttpRc {
    fn future_trailers_subscribe(future: &FutureTrailers) -> Pollable {
        adopt(future.subscribe())
    }

    fn future_incoming_response_subscribe(future: &FutureIncomingResponse) -> Pollable {
        adopt(future.subscribe())
    }

    /// 11-10's type, over 0.2.x's, which answers once and then `err`. wasmtime 15 gave the
    /// same answer to every `get` once the trailers had come; that needs the future's
    /// identity across calls, which this part does not have (the handle wasmtime lends it
    /// for a borrowed host resource changes from call to call), so a second `get` says
    /// `internal-error`. The direct proxy build, which the proxies this part serves get by
    /// default, keeps the first answer by the component's own handle and gives it again
    /// (`rc-adapter/src/direct/stubs.rs`).
    fn future_trailers_get_nov(
        future: &FutureTrailers,
    ) -> Option<Result<Option<Trailers>, ErrorCode>> {
        match future.get()? {
            Ok(answer) => Some(answer),
            Err(()) => Some(Err(ErrorCode::InternalError(Some(TAKEN.to_string())))),
        }
    }

    fn set_connect_timeout_ms(options: &RequestOptions, ms: Option<Duration>) -> Result<(), ()> {
        options.set_connect_timeout(ms)
    }

    fn set_first_byte_timeout_ms(options: &RequestOptions, ms: Option<Duration>) -> Result<(), ()> {
        options.set_first_byte_timeout(ms)
    }

    fn set_between_bytes_timeout_ms(
        options: &RequestOptions,
        ms: Option<Duration>,
    ) -> Result<(), ()> {
        options.set_between_bytes_timeout(ms)
    }
}
