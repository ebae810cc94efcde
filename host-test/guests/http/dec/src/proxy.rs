// The proxy of this era, as the library (reactor) and `proxy-command-dec` (command) both are.

mod bindings {
    wit_bindgen::generate!({ path: "../../wit", world: "proxy-dec", generate_all });
}

include!("dec.rs");
use bindings::exports::wasi::http0_2_0_rc_2023_12_05::incoming_handler::Guest;
include!("../../../src/programs/proxy.rs");
include!("../../../src/programs/http_client.rs");
bindings::export!(Proxy with_types_in bindings);
