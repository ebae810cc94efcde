//! A 2023 command that makes outgoing requests, as wasmtime 15's outbound-request programs
//! did: `http-outbound-nov AUTHORITY N` sends N GET requests to AUTHORITY at once, waits on
//! them with one `poll`, and prints a line for each (status and body, or error code).

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "outbound-nov", generate_all });
}

include!("../nov.rs");
include!("../../../../src/programs/http_client.rs");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (authority, n) = match &args[..] {
        [_, authority, n] => (authority.as_str(), n.parse().expect("N")),
        _ => panic!("usage: http-outbound-nov AUTHORITY N"),
    };
    print!("{}", outbound(authority, n));
}
