//! `wasi:sockets/tcp-create-socket` (rc) over `wasi:sockets/tcp-create-socket@0.2.12`.

use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::rc::tcp_create_socket::{Guest, TcpSocket};
use crate::same_shape::Conv;
use crate::sockets_p2::tcp_create_socket as p2;

impl Guest for crate::Adapter {
    fn create_tcp_socket(address_family: IpAddressFamily) -> Result<TcpSocket, ErrorCode> {
        p2::create_tcp_socket(address_family.conv()).conv()
    }
}
