//! `wasi:sockets/tcp-create-socket` (rc): a socket over `wasi:sockets/tcp@0.2.12` (`tcp.rs`).

use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::rc::tcp_create_socket::{Guest, TcpSocket};
use crate::sockets::tcp::TcpSocketRep;

impl Guest for crate::Adapter {
    fn create_tcp_socket(address_family: IpAddressFamily) -> Result<TcpSocket, ErrorCode> {
        if cfg!(feature = "proxy") {
            return Err(crate::sockets::NO_NETWORK);
        }
        TcpSocketRep::create(address_family).map(TcpSocket::new)
    }
}
