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
use std::cell::RefCell;
use std::collections::HashMap;

impl Guest for crate::HttpRc {
    fn future_trailers_subscribe(future: &FutureTrailers) -> Pollable {
        adopt(future.subscribe())
    }

    fn future_incoming_response_subscribe(future: &FutureIncomingResponse) -> Pollable {
        adopt(future.subscribe())
    }

    /// wasmtime 15 gave the same answer to every `get` once the trailers had come; 0.2.x
    /// gives it once, then `err`. So the first answer is kept, by handle, until the host
    /// says it was taken. A handle the host reuses for a new future gets the host's first
    /// answer before any `err`, which replaces the old one.
    fn future_trailers_get_nov(
        future: &FutureTrailers,
    ) -> Option<Result<Option<Trailers>, ErrorCode>> {
        thread_local! {
            static TAKEN: RefCell<HashMap<u32, Result<Option<Trailers>, ErrorCode>>> =
                RefCell::new(HashMap::new());
        }
        let handle = future.handle();
        match future.get()? {
            Ok(answer) => {
                let kept = match &answer {
                    Ok(trailers) => Ok(trailers.as_ref().map(|t| t.clone())),
                    Err(code) => Err(code.clone()),
                };
                TAKEN.with(|taken| taken.borrow_mut().insert(handle, kept));
                Some(answer)
            }
            Err(()) => TAKEN.with(|taken| {
                let taken = taken.borrow();
                // Taken through the 12-05 `get`, which a legacy component cannot have.
                let kept = taken
                    .get(&handle)
                    .expect("future-trailers.get: no first answer");
                Some(match kept {
                    Ok(trailers) => Ok(trailers.as_ref().map(|t| t.clone())),
                    Err(code) => Err(code.clone()),
                })
            }),
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
