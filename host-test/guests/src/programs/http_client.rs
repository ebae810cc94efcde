// The client half of the HTTP programs: requests through `outgoing-handler`, many at once.
// Included by the proxies (`proxy.rs`, route `/outbound`) and the outbound commands, after
// their bindings (`api`).

use api::http::outgoing_handler;
use api::http::types::{ErrorCode, FutureIncomingResponse, IncomingResponse, Method, OutgoingRequest, Scheme};
use api::io::poll;

/// `n` GET requests to `authority` at once, each for `/i`, waited on together with one
/// `poll`; a line for each: its status and body, or its error code.
fn outbound(authority: &str, n: usize) -> String {
    let mut pending: Vec<(usize, Result<FutureIncomingResponse, ErrorCode>)> = (0..n)
        .map(|i| {
            let request = OutgoingRequest::new(api::http::types::Fields::new());
            request.set_method(&Method::Get).expect("method");
            request.set_scheme(Some(&Scheme::Http)).expect("scheme");
            request.set_authority(Some(authority)).expect("authority");
            request.set_path_with_query(Some(&format!("/{i}"))).expect("path");
            (i, outgoing_handler::handle(request, None))
        })
        .collect();
    let mut lines = vec![String::new(); n];
    loop {
        let mut waiting = Vec::new();
        for (i, future) in pending.drain(..) {
            let future = match future {
                Ok(future) => future,
                Err(code) => {
                    lines[i] = format!("{i}: error {code:?}\n");
                    continue;
                }
            };
            match future.get() {
                None => waiting.push((i, future)),
                Some(result) => lines[i] = format!("{i}: {}\n", response_line(result.expect("taken once"))),
            }
        }
        if waiting.is_empty() {
            break;
        }
        let pollables: Vec<_> = waiting.iter().map(|(_, f)| f.subscribe()).collect();
        poll::poll(&pollables.iter().collect::<Vec<_>>());
        pending = waiting.into_iter().map(|(i, f)| (i, Ok(f))).collect();
    }
    lines.concat()
}

fn response_line(result: Result<IncomingResponse, ErrorCode>) -> String {
    let response = match result {
        Ok(response) => response,
        Err(code) => return format!("error {code:?}"),
    };
    let status = response.status();
    let body = response.consume().expect("consume");
    let stream = body.stream().expect("stream");
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => bytes.extend(chunk),
            Err(api::io::streams::StreamError::Closed) => break,
            Err(api::io::streams::StreamError::LastOperationFailed(e)) => {
                return format!("body error {}", e.to_debug_string());
            }
        }
    }
    format!("{status} {}", String::from_utf8_lossy(&bytes))
}
