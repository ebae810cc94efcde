// The proxy of this era, as the library (reactor) and `proxy-command-nov` (command) both are.

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "proxy-nov", generate_all });
}

include!("nov.rs");
use bindings::exports::wasi::http0_2_0_rc_2023_11_10::incoming_handler::Guest;
include!("../../../src/programs/proxy.rs");
include!("../../../src/programs/http_client.rs");
bindings::export!(Proxy with_types_in bindings);
