//! `wasi:sockets/udp-create-socket` (rc) over 0.3 `udp-socket.create`.

use crate::conv;
use crate::p3;
use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::rc::udp::UdpSocket;
use crate::rc::udp_create_socket::Guest;
use crate::sockets::udp::UdpSocketRep;

impl Guest for crate::Adapter {
    fn create_udp_socket(address_family: IpAddressFamily) -> Result<UdpSocket, ErrorCode> {
        let socket = p3::UdpSocket::create(conv::family_to_p3(address_family))
            .map_err(conv::error_from_p3)?;
        Ok(UdpSocket::new(UdpSocketRep::new(socket, address_family)))
    }
}
