// An HTTP proxy, written once against `wasi:http` and compiled against each era's bindings
// (`http/nov`, `http/dec`: 2023 components; `http/p2`: the native baseline). Each includes it
// with `http_client.rs`, after binding its world, naming its packages (`api`) and its
// `incoming-handler`'s `Guest`, and defining `ERA` and `trailers_get` (the one call of this
// program whose type differs between the eras).
//
// Routes (the host-test `http_serve` tests drive them with a real client):
//   GET  /hello              200, a short body, `x-era`
//   POST /echo               the request body back, streamed as it comes; request trailers
//                            come back as response trailers (`trailer` too)
//   GET  /headers            the request's headers as the body, one `name: value` a line
//   GET  /forbidden          what `fields` says to forbidden, malformed and immutable headers
//   GET  /trailers           a body, then trailers
//   GET  /status?code=N      status N (an invalid N: what `set-status-code` said, as 500)
//   GET  /outbound?port=P&n=N  N requests at once to 127.0.0.1:P/i, waited on with one poll
//   GET  /outbound?host=H    one request to H:80: the error code
//   GET  /world              what the rest of the world gives it: its environment, and the
//                            file /data/greeting (the proxy build: nothing, no file)
//   GET  /options            `request-options`' timeouts, set and read back
//   GET  /timer-zero         what a zero timer says to `ready`, twice, and to `poll`
//   POST /trailers-twice     the request's trailers, asked for twice
//   GET  /exit               calls `exit(3)`
//   GET  /trap-before        traps before it sets a response
//   GET  /trap-after         sets a response, writes a little, then traps

use api::http::types::{
    Fields, HeaderError, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse,
    ResponseOutparam,
};
use api::io::streams::{InputStream, OutputStream, StreamError};

struct Proxy;

impl Guest for Proxy {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let target = request.path_with_query().unwrap_or_default();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let param = |key: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_string)
        };
        match path {
            "/hello" => respond(out, 200, &[("x-era", ERA)], b"hello from a 2023 component\n"),
            "/echo" => echo(request, out),
            "/headers" => {
                let mut lines: Vec<String> = request
                    .headers()
                    .entries()
                    .into_iter()
                    .map(|(k, v)| format!("{k}: {}\n", String::from_utf8_lossy(&v)))
                    .collect();
                lines.sort();
                respond(out, 200, &[("x-header-count", &lines.len().to_string())], lines.concat().as_bytes())
            }
            "/forbidden" => {
                let body = forbidden(&request);
                respond(out, 200, &[], body.as_bytes())
            }
            "/trailers" => with_trailers(out),
            "/status" => {
                let code: u16 = param("code").and_then(|c| c.parse().ok()).unwrap_or(0);
                let response = OutgoingResponse::new(Fields::new());
                match response.set_status_code(code) {
                    Ok(()) => send(out, response, b"status set\n"),
                    Err(()) => respond(out, 500, &[], format!("set-status-code({code}) refused\n").as_bytes()),
                }
            }
            "/outbound" => {
                let body = match (param("port"), param("host")) {
                    (Some(port), _) => {
                        let n = param("n").and_then(|n| n.parse().ok()).unwrap_or(1);
                        outbound(&format!("127.0.0.1:{port}"), n)
                    }
                    (None, Some(host)) => outbound(&host, 1),
                    (None, None) => "no port or host\n".to_string(),
                };
                respond(out, 200, &[], body.as_bytes())
            }
            "/world" => {
                let mut lines: Vec<String> = std::env::vars().map(|(k, v)| format!("env {k}={v}\n")).collect();
                lines.sort();
                lines.push(match std::fs::read_to_string("/data/greeting") {
                    Ok(text) => format!("file {text}\n"),
                    Err(e) => format!("no file ({:?})\n", e.kind()),
                });
                respond(out, 200, &[], lines.concat().as_bytes())
            }
            "/options" => respond(out, 200, &[], timeouts().as_bytes()),
            "/timer-zero" => {
                let timer = api::clock::subscribe_duration(0);
                let ready = [timer.ready(), timer.ready()];
                let polled = api::io::poll::poll(&[&api::clock::subscribe_duration(0)]);
                let text = format!("ready {ready:?}, poll {polled:?}\n");
                respond(out, 200, &[], text.as_bytes())
            }
            "/trailers-twice" => {
                let body = request.consume().expect("consume");
                let input = body.stream().expect("stream");
                loop {
                    match input.read(64 * 1024) {
                        Ok(chunk) if chunk.is_empty() => input.subscribe().block(),
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
                drop(input);
                let future = IncomingBody::finish(body);
                let first = loop {
                    match trailers_get(&future) {
                        Some(answer) => break answer,
                        None => future.subscribe().block(),
                    }
                };
                let second = match second_get(&future) {
                    Ok(Some(answer)) => describe_trailers(&answer),
                    Ok(None) => "none yet".to_string(),
                    Err(taken) => taken.to_string(),
                };
                let text = format!("first: {}\nsecond: {second}\n", describe_trailers(&first));
                respond(out, 200, &[], text.as_bytes())
            }
            "/exit" => std::process::exit(3),
            "/trap-before" => unreachable!("trapping before the response is set"),
            "/trap-after" => {
                let response = OutgoingResponse::new(Fields::new());
                let body = response.body().expect("body");
                ResponseOutparam::set(out, Ok(response));
                let stream = body.write().expect("write");
                write_all(&stream, b"partial ");
                unreachable!("trapping after the response is set");
            }
            _ => respond(out, 404, &[], b"no such route\n"),
        }
    }
}

/// A response with `headers` and the whole `body`.
fn respond(out: ResponseOutparam, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let entries: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    let fields = Fields::from_list(&entries).expect("response headers");
    let response = OutgoingResponse::new(fields);
    response.set_status_code(status).expect("status");
    send(out, response, body)
}

fn send(out: ResponseOutparam, response: OutgoingResponse, body: &[u8]) {
    let outgoing = response.body().expect("body");
    ResponseOutparam::set(out, Ok(response));
    let stream = outgoing.write().expect("write");
    write_all(&stream, body);
    drop(stream);
    OutgoingBody::finish(outgoing, None).expect("finish");
}

/// Writes all of `bytes`, as fast as the stream takes them.
fn write_all(stream: &OutputStream, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let permit = loop {
            match stream.check_write().expect("check-write") {
                0 => stream.subscribe().block(),
                n => break n as usize,
            }
        };
        let (now, rest) = bytes.split_at(permit.min(bytes.len()));
        stream.write(now).expect("write");
        bytes = rest;
    }
    stream.blocking_flush().expect("flush");
}

/// The request body back, a chunk at a time as it comes, then its trailers as ours.
fn echo(request: IncomingRequest, out: ResponseOutparam) {
    // `trailer` names the trailers to come; over HTTP/1.1, hyper sends only those.
    let mut headers = Vec::new();
    for (k, v) in request.headers().entries() {
        if k == "content-type" || k == "trailer" {
            headers.push((k, v));
        }
    }
    let response = OutgoingResponse::new(Fields::from_list(&headers).expect("headers"));
    let outgoing = response.body().expect("body");
    ResponseOutparam::set(out, Ok(response));
    let body = request.consume().expect("consume");
    let input: InputStream = body.stream().expect("stream");
    let output = outgoing.write().expect("write");
    loop {
        match input.read(64 * 1024) {
            Ok(chunk) if chunk.is_empty() => input.subscribe().block(),
            Ok(chunk) => write_all(&output, &chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => panic!("reading the body: {}", e.to_debug_string()),
        }
    }
    drop(input);
    drop(output);
    let trailers = IncomingBody::finish(body);
    let trailers = loop {
        match trailers_get(&trailers) {
            Some(result) => break result.expect("request trailers"),
            None => trailers.subscribe().block(),
        }
    };
    // No trailers may come as none or as empty ones; send them on only if there are some.
    let trailers = trailers.filter(|t| !t.entries().is_empty());
    OutgoingBody::finish(outgoing, trailers).expect("finish");
}

/// What `fields` answers to headers a guest may not set.
fn forbidden(request: &IncomingRequest) -> String {
    let mut lines = String::new();
    for name in ["connection", "keep-alive", "transfer-encoding", "upgrade", "x-allowed"] {
        let result = Fields::from_list(&[(name.to_string(), b"1".to_vec())]).map(|_| ());
        lines += &format!("from-list {name}: {}\n", show(result));
    }
    let fields = Fields::new();
    lines += &format!("append bad name: {}\n", show(fields.append(&"bad name".to_string(), &b"1".to_vec())));
    lines += &format!("append bad value: {}\n", show(fields.append(&"x-ok".to_string(), &b"a\nb".to_vec())));
    lines += &format!("set connection: {}\n", show(fields.set(&"connection".to_string(), &[b"close".to_vec()])));
    let incoming = request.headers();
    lines += &format!("request headers set: {}\n", show(incoming.set(&"x-new".to_string(), &[b"1".to_vec()])));
    lines += &format!("request headers delete: {}\n", show(incoming.delete(&"x-new".to_string())));
    lines
}

fn show(result: Result<(), HeaderError>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("{e:?}"),
    }
}

/// A body in three writes, then trailers (announced: over HTTP/1.1, hyper sends only the
/// trailers the `trailer` header names).
fn with_trailers(out: ResponseOutparam) {
    let headers = Fields::from_list(&[("trailer".to_string(), b"x-trailer".to_vec())]).expect("headers");
    let response = OutgoingResponse::new(headers);
    let outgoing = response.body().expect("body");
    ResponseOutparam::set(out, Ok(response));
    let stream = outgoing.write().expect("write");
    for part in [&b"one "[..], b"two ", b"three\n"] {
        write_all(&stream, part);
    }
    drop(stream);
    let trailers = Fields::from_list(&[("x-trailer".to_string(), b"done".to_vec())]).expect("trailers");
    OutgoingBody::finish(outgoing, Some(trailers)).expect("finish");
}

/// An answer of `future-trailers.get`, in a line.
fn describe_trailers(answer: &Result<Option<api::http::types::Trailers>, api::http::types::ErrorCode>) -> String {
    match answer {
        Ok(Some(trailers)) => {
            let entries: Vec<String> = trailers
                .entries()
                .into_iter()
                .map(|(k, v)| format!("{k}: {}", String::from_utf8_lossy(&v)))
                .collect();
            format!("[{}]", entries.join(", "))
        }
        Ok(None) => "no trailers".to_string(),
        Err(code) => format!("error {code:?}"),
    }
}
