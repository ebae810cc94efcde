//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that resolves names with
//! `wasi:sockets/ip-name-lookup@0.2.0-rc-2023-11-10`.

use rc_guests::cmd::sockets::instance_network::instance_network;
use rc_guests::cmd::sockets::ip_name_lookup::resolve_addresses;
use rc_guests::cmd::sockets::network::{ErrorCode, IpAddress};
use rc_guests::{check, check_that, finish};

fn lookup(name: &str) -> Result<Vec<IpAddress>, ErrorCode> {
    let stream = resolve_addresses(&instance_network(), name)?;
    let mut found = Vec::new();
    loop {
        match stream.resolve_next_address() {
            Ok(Some(addr)) => found.push(addr),
            Ok(None) => return Ok(found),
            Err(ErrorCode::WouldBlock) => stream.subscribe().block(),
            Err(e) => return Err(e),
        }
    }
}

fn main() {
    let localhost = lookup("localhost").expect("localhost");
    check_that(
        "localhost is loopback",
        localhost.iter().any(|a| {
            matches!(
                a,
                IpAddress::Ipv4((127, 0, 0, 1)) | IpAddress::Ipv6((0, 0, 0, 0, 0, 0, 0, 1))
            )
        }),
        &localhost,
    );
    let show = |r: Result<Vec<IpAddress>, ErrorCode>| format!("{r:?}");
    check(
        "IPv4 literal",
        show(lookup("127.0.0.1")),
        show(Ok(vec![IpAddress::Ipv4((127, 0, 0, 1))])),
    );
    check(
        "IPv6 literal",
        show(lookup("::1")),
        show(Ok(vec![IpAddress::Ipv6((0, 0, 0, 0, 0, 0, 0, 1))])),
    );
    check(
        "invalid name",
        lookup("not a name!").map(|_| ()),
        Err(ErrorCode::InvalidArgument),
    );
    finish();
}
