//! `wasi:sockets/udp-create-socket` (rc): a socket of the rc layer (`sockets/udp.rs`), over
//! this build's UDP backend.

use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::rc::udp::UdpSocket;
use crate::rc::udp_create_socket::Guest;
use crate::sockets::udp::UdpSocketRep;

impl Guest for crate::Adapter {
    fn create_udp_socket(address_family: IpAddressFamily) -> Result<UdpSocket, ErrorCode> {
        if cfg!(feature = "proxy") {
            return Err(crate::sockets::NO_NETWORK);
        }
        Ok(UdpSocket::new(UdpSocketRep::new(address_family)?))
    }
}
