//! The default output for a 2023 proxy imports only `wasi:http/proxy@0.2.x`, so wasi:http 0.2
//! hosts other than wasmtime load it: here jco 1.35.0's `serve` on Node (installed by
//! `scripts/setup.sh` from npm), driven by the same HTTP client as `http_serve.rs`.

use anyhow::Result;
use host_test::artifacts::{self, Era};
use host_test::serve::{Request, Server};

#[test]
fn a_plugged_2023_proxy_is_served_by_jco_on_node() -> Result<()> {
    for (name, era) in [("proxy_nov", Era::Nov2023), ("proxy_dec", Era::Dec2023)] {
        let server = Server::start_jco(&artifacts::legacy_plugged(name, era)?)?;
        let hello = server.get("/hello")?;
        assert_eq!(
            (hello.status, hello.text().as_str()),
            (200, "hello from a 2023 component\n")
        );
        let body: Vec<u8> = (0..256 * 1024u32).map(|i| (i % 251) as u8).collect();
        let echo = server.request(&Request::post("/echo", body.clone()))?;
        assert!(
            echo.status == 200 && echo.body == body,
            "{era:?}: {} bytes back",
            echo.body.len()
        );
        let teapot = server.get("/status?code=418")?;
        assert_eq!(teapot.status, 418);
        // No preopens on this host either; and outbound requests go through Node.
        assert!(server.get("/world")?.text().starts_with("no file ("));
        let closed = server.get("/outbound?port=1")?;
        assert_eq!(
            closed.text(),
            "0: error ErrorCode::ConnectionRefused\n",
            "{era:?}"
        );
    }
    Ok(())
}
