//! 2023 HTTP proxies (wasm32-wasip1 + a 2023 preview1 reactor or command adapter, both eras)
//! plugged by `rc_adapter::plug`, both ways a proxy is (made in place, the default, and
//! composed with the proxy build's adapter, for a proxy the direct route cannot take),
//! served by the real `wasmtime serve` 50.0.1 with the README's line, and driven by a real
//! HTTP/1.1 client over loopback. Where wasmtime's own
//! behaviour is the answer (a trapping handler, a DNS failure), the same program built for
//! native wasi:http 0.2 is served beside it and must get the same.

use anyhow::Result;
use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::serve::{Request, Response, Server};
use host_test::wasmtime_cli::readme_line_flags;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

const ERAS: [Era; 2] = [Era::Nov2023, Era::Dec2023];

/// Each era, and each way of plugging a proxy: made in place, and composed with the
/// adapter.
fn each_proxy() -> impl Iterator<Item = (Era, AdapterBuild)> {
    ERAS.into_iter()
        .flat_map(|era| [AdapterBuild::Proxy, AdapterBuild::ProxyAdapter].map(|build| (era, build)))
}

/// The reactor-wrapped proxy of `era`, plugged as `build` says.
fn proxy(era: Era, build: AdapterBuild) -> Result<PathBuf> {
    let name = match era {
        Era::Nov2023 => "proxy_nov",
        Era::Dec2023 => "proxy_dec",
    };
    artifacts::legacy_plugged_with(name, era, Some(build))
}

/// `wasmtime serve` with the README's flags for a plugged proxy: none.
fn serve(component: &Path) -> Result<Server> {
    Server::start(component, &readme_line_flags("serve", &[])?)
}

/// The README's `wasmtime serve -S cli` line, for a proxy that keeps the whole world.
fn serve_whole_world(component: &Path, more: &[&str]) -> Result<Server> {
    let mut flags = readme_line_flags("serve", &["-S cli"])?;
    flags.extend(more.iter().map(|s| s.to_string()));
    Server::start(component, &flags)
}

/// The same program built for native wasi:http 0.2 (wasm32-wasip2), served with `-S cli`:
/// Rust's std for wasip2 imports the environment, exit and terminals.
fn native() -> Result<Server> {
    serve_whole_world(&artifacts::guest("proxy_p2")?, &[])
}

#[test]
fn get_headers_and_status() -> Result<()> {
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        let hello = server.get("/hello")?;
        assert_eq!(
            (hello.status, hello.text().as_str()),
            (200, "hello from a 2023 component\n")
        );
        assert_eq!(hello.header("x-era"), Some(era_version(era)));

        let headers =
            server.request(&Request::get("/headers").header("x-from-client", "yes, 1"))?;
        assert!(
            headers.text().lines().any(|l| l == "x-from-client: yes, 1"),
            "{}",
            headers.text()
        );
        let count = headers.text().lines().count().to_string();
        assert_eq!(headers.header("x-header-count"), Some(count.as_str()));

        let teapot = server.get("/status?code=418")?;
        assert_eq!(
            (teapot.status, teapot.text().as_str()),
            (418, "status set\n")
        );
        let invalid = server.get("/status?code=1000")?;
        assert_eq!(
            (invalid.status, invalid.text().as_str()),
            (500, "set-status-code(1000) refused\n")
        );
        assert_eq!(server.get("/nowhere")?.status, 404);
    }
    Ok(())
}

fn era_version(era: Era) -> &'static str {
    match era {
        Era::Nov2023 => "0.2.0-rc-2023-11-10",
        Era::Dec2023 => "0.2.0-rc-2023-12-05",
    }
}

/// A MiB that is not all one byte, so a lost or reordered chunk shows.
fn mebibyte() -> Vec<u8> {
    (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect()
}

#[test]
fn post_echo_of_a_mebibyte_streams_both_ways_with_trailers() -> Result<()> {
    let body = mebibyte();
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        let sized = server.request(
            &Request::post("/echo", body.clone()).header("content-type", "application/x-test"),
        )?;
        assert_eq!(sized.status, 200);
        assert!(
            sized.complete && sized.body == body,
            "{era:?} {build:?}: {} bytes back",
            sized.body.len()
        );
        assert_eq!(sized.header("content-type"), Some("application/x-test"));

        // Chunked, with trailers: they come back as the response's.
        let chunked =
            server.request(&Request::post("/echo", body.clone()).trailer("x-sum", "42"))?;
        assert!(
            chunked.complete && chunked.body == body,
            "{era:?} {build:?}: {} bytes back",
            chunked.body.len()
        );
        assert_eq!(
            chunked.trailers,
            vec![("x-sum".to_string(), "42".to_string())]
        );
    }
    Ok(())
}

#[test]
fn response_trailers_reach_the_client() -> Result<()> {
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        let response = server.get("/trailers")?;
        assert_eq!(
            (response.status, response.text().as_str()),
            (200, "one two three\n")
        );
        assert_eq!(
            response.trailers,
            vec![("x-trailer".to_string(), "done".to_string())]
        );
    }
    Ok(())
}

#[test]
fn forbidden_malformed_and_immutable_headers_are_refused() -> Result<()> {
    let want = "\
from-list connection: HeaderError::Forbidden
from-list keep-alive: HeaderError::Forbidden
from-list transfer-encoding: HeaderError::Forbidden
from-list upgrade: HeaderError::Forbidden
from-list x-allowed: ok
append bad name: HeaderError::InvalidSyntax
append bad value: HeaderError::InvalidSyntax
set connection: HeaderError::Forbidden
request headers set: HeaderError::Immutable
request headers delete: HeaderError::Immutable
";
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        assert_eq!(server.get("/forbidden")?.text(), want, "{era:?} {build:?}");
    }
    Ok(())
}

/// A server on loopback that answers every GET with `hi PATH`, for the outbound requests.
fn hi_server() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let path = first.split(' ').nth(1).unwrap_or("?").to_string();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let body = format!("hi {path}");
                let _ = (&stream).write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    Ok(port)
}

#[test]
fn outbound_requests_at_once_and_their_error_codes() -> Result<()> {
    let port = hi_server()?;
    let native = native()?;
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        let four = server.get(&format!("/outbound?port={port}&n=4"))?;
        let want: String = (0..4).map(|i| format!("{i}: 200 hi /{i}\n")).collect();
        assert_eq!(four.text(), want, "{era:?} {build:?}");
        // Port 1 (tcpmux): nothing listens there.
        let closed = server.get("/outbound?port=1")?;
        assert_eq!(
            closed.text(),
            "0: error ErrorCode::ConnectionRefused\n",
            "{era:?} {build:?}"
        );
        // `.invalid` never resolves; what the error says is the host's, as for a native
        // component.
        let bad_host = server.get("/outbound?host=no-such-host.invalid")?;
        assert!(
            bad_host.text().starts_with("0: error ErrorCode::DnsError"),
            "{}",
            bad_host.text()
        );
        assert_eq!(
            bad_host,
            native.get("/outbound?host=no-such-host.invalid")?,
            "{era:?} {build:?}"
        );
    }
    Ok(())
}

/// What a client gets from a request whose handler traps: the date header aside.
fn without_date(mut response: Response) -> Response {
    response.headers.retain(|(k, _)| k != "date");
    response
}

#[test]
fn a_trapping_handler_gets_what_a_native_one_gets_and_serving_goes_on() -> Result<()> {
    let native = native()?;
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        for path in ["/trap-before", "/trap-after"] {
            let got = without_date(server.get(path)?);
            let want = without_date(native.get(path)?);
            assert_eq!(got, want, "{era:?} {build:?} {path}");
        }
        // What wasmtime serve gives: a 500 page, and the body as far as it was written.
        assert_eq!(server.get("/trap-before")?.status, 500);
        let after = server.get("/trap-after")?;
        assert_eq!((after.status, after.text().as_str()), (200, "partial "));
        assert_eq!(
            server.get("/hello")?.status,
            200,
            "{era:?} {build:?}: still serving"
        );
        assert!(
            server.log().contains("trapping before the response is set"),
            "{}",
            server.log()
        );
    }
    Ok(())
}

#[test]
fn a_proxy_wrapped_as_a_command_serves_and_runs() -> Result<()> {
    // wasmtime 15's own test proxies: programs with `main`, wrapped with the command adapter,
    // exporting `run` beside the handler.
    for (name, era) in [
        ("proxy-command-nov", Era::Nov2023),
        ("proxy-command-dec", Era::Dec2023),
    ] {
        let plugged = artifacts::legacy_plugged(name, era)?;
        let server = serve(&plugged)?;
        assert_eq!(
            server.get("/hello")?.header("x-era"),
            Some(era_version(era))
        );
        let out = std::process::Command::new("wasmtime")
            .arg("run")
            .args(readme_line_flags("run", &["-S http"])?)
            .arg(&plugged)
            .output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout,
            format!("a proxy of {}: serve it\n", era_version(era))
        );
    }
    Ok(())
}

#[test]
fn a_command_makes_outgoing_requests_under_wasmtime_run() -> Result<()> {
    let port = hi_server()?;
    for (name, era) in [
        ("http-outbound-nov", Era::Nov2023),
        ("http-outbound-dec", Era::Dec2023),
    ] {
        let plugged = artifacts::legacy_plugged(name, era)?;
        let run = |authority: &str, n: &str| -> Result<String> {
            let out = std::process::Command::new("wasmtime")
                .arg("run")
                .args(readme_line_flags("run", &["-S http"])?)
                .arg(&plugged)
                .args([authority, n])
                .output()?;
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        let want: String = (0..3).map(|i| format!("{i}: 200 hi /{i}\n")).collect();
        assert_eq!(run(&format!("127.0.0.1:{port}"), "3")?, want, "{era:?}");
        assert_eq!(
            run("127.0.0.1:1", "1")?,
            "0: error ErrorCode::ConnectionRefused\n"
        );
    }
    Ok(())
}

#[test]
fn a_proxy_gets_what_a_proxy_host_gives_and_exit_ends_the_request() -> Result<()> {
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        // No environment, no preopened directory: only the file's absence.
        let world = server.get("/world")?.text();
        assert!(world.starts_with("no file ("), "{era:?} {build:?}: {world}");
        assert_eq!(world.lines().count(), 1, "{era:?} {build:?}: {world}");
        assert_eq!(server.get("/exit")?.status, 500, "{era:?} {build:?}");
        assert_eq!(
            server.get("/hello")?.status,
            200,
            "{era:?} {build:?}: still serving"
        );
    }
    Ok(())
}

#[test]
fn a_proxy_that_keeps_the_whole_world_gets_files_and_its_environment() -> Result<()> {
    let dir = artifacts::temp_dir("http-whole-world");
    std::fs::write(dir.join("greeting"), "hello from a file")?;
    let data = format!("{}::/data", dir.display());
    for era in ERAS {
        let name = match era {
            Era::Nov2023 => "proxy_nov",
            Era::Dec2023 => "proxy_dec",
        };
        // What `rc-adapter plug --world command` picks for a proxy that cannot use rc UDP.
        let plugged = artifacts::legacy_plugged_with(name, era, Some(AdapterBuild::Udp02))?;
        let server = serve_whole_world(&plugged, &["--env", "FROM=the host", "--dir", &data])?;
        // `wasmtime serve` sets INSTANCE_ID itself.
        let world = server.get("/world")?.text();
        let world: String = world
            .lines()
            .filter(|l| !l.starts_with("env INSTANCE_ID="))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            world, "env FROM=the host\nfile hello from a file\n",
            "{era:?}"
        );
        assert_eq!(server.get("/hello")?.status, 200, "{era:?}");
    }
    Ok(())
}

/// What differs between the eras in their own terms: 11-10's `request-options` (`-ms`
/// names, a parameter named `ms`) and its `future-trailers.get`, which answered the same
/// again once the trailers had come, as the direct route does (12-05's says `err`, as
/// 0.2.x's does). The composed route cannot tell one future from another across calls and
/// says `internal-error` to a second 11-10 `get` (`adapter/http/src/types.rs`).
#[test]
fn request_options_and_a_second_trailers_get_answer_as_their_era_did() -> Result<()> {
    const TAKEN: &str = "error ErrorCode::InternalError(Some(\"future-trailers.get: \
                         the trailers were taken by an earlier get\"))";
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        let options = server.get("/options")?.text();
        let want = "set [Ok(()), Ok(()), Ok(())], got [Some(1000), Some(2000), Some(3000)]\n";
        assert_eq!(options, want, "{era:?} {build:?}");

        let second = |answer: &str| match (era, build) {
            (Era::Nov2023, AdapterBuild::ProxyAdapter) => TAKEN.to_string(),
            (Era::Nov2023, _) => answer.to_string(),
            (Era::Dec2023, _) => "err (taken)".to_string(),
        };
        let with = Request::post("/trailers-twice", b"body".to_vec()).trailer("x-sum", "42");
        let want = format!("first: [x-sum: 42]\nsecond: {}\n", second("[x-sum: 42]"));
        assert_eq!(server.request(&with)?.text(), want, "{era:?} {build:?}");
        // A sized body has none: `ok(none)`, kept as such.
        let without = Request::post("/trailers-twice", b"body".to_vec());
        let want = format!("first: no trailers\nsecond: {}\n", second("no trailers"));
        assert_eq!(server.request(&without)?.text(), want, "{era:?} {build:?}");
    }
    Ok(())
}

/// The one thing the direct route changes by making rc pollables the host's own: a zero
/// timer says `false` to its first `ready` on wasmtime 50 (it yields to the host's event loop
/// once), where wasmtime 15, and the adapter, said `true`. A `poll` of it (what a preview1
/// adapter does) finds it ready on both.
#[test]
fn a_zero_timer_is_ready_as_the_host_says() -> Result<()> {
    for (era, build) in each_proxy() {
        let server = serve(&proxy(era, build)?)?;
        let want = match build {
            AdapterBuild::ProxyAdapter => "ready [true, true], poll [0]\n",
            _ => "ready [false, true], poll [0]\n",
        };
        assert_eq!(server.get("/timer-zero")?.text(), want, "{era:?} {build:?}");
    }
    assert_eq!(
        native()?.get("/timer-zero")?.text(),
        "ready [false, true], poll [0]\n"
    );
    Ok(())
}

/// Our Python proxy, built by componentize-py 0.10.0 (12-05), which imports the whole rc
/// world, sockets included: made in place like a Rust one, or composed, it serves, streams a
/// body back, gets what a proxy host gives, and a Python exception is a 500.
#[test]
fn a_componentize_py_proxy_serves_both_ways() -> Result<()> {
    let body = mebibyte();
    for build in [AdapterBuild::Proxy, AdapterBuild::ProxyAdapter] {
        let server = serve(&artifacts::python_proxy_plugged(build)?)?;
        let hello = server.get("/hello")?;
        assert_eq!(
            hello.text(),
            "hello from a 2023 python component\n",
            "{build:?}"
        );
        let world = server.get("/world")?.text();
        assert_eq!(world, "env 0, no file (FileNotFoundError)\n", "{build:?}");
        let echo = server.request(&Request::post("/echo", body.clone()))?;
        assert!(
            echo.complete && echo.body == body,
            "{build:?}: {} bytes",
            echo.body.len()
        );
        assert_eq!(server.get("/raise")?.status, 500, "{build:?}");
        assert!(server.log().contains("raising before the response is set"));
        assert_eq!(
            server.get("/hello")?.status,
            200,
            "{build:?}: still serving"
        );
    }
    Ok(())
}
