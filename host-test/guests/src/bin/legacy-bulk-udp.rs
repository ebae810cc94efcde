//! `legacy-bulk` that can also use rc UDP (mode `udp-create`), so it imports the whole rc
//! world, sockets included, as every componentize-py program does, and gets the 0.3 UDP
//! build by default (`bench bulk`).
use rc_guests::cmd as api;
include!("../programs/bulk.rs");

fn extra_mode(mode: &str) -> Option<usize> {
    use api::sockets::network::IpAddressFamily;
    use api::sockets::udp_create_socket::create_udp_socket;
    (mode == "udp-create").then(|| usize::from(create_udp_socket(IpAddressFamily::Ipv4).is_ok()))
}
