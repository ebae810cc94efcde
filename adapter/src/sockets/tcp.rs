//! `wasi:sockets/tcp` (rc) over `wasi:sockets/tcp@0.2.12`. The two have the same shape but
//! for `ipv6-only`, which 0.2.x dropped: its sockets are always v6-only.
//!
//! TCP streams are children of their socket on both hosts: dropping the socket first traps.

use crate::rc::network::{ErrorCode, IpAddressFamily, IpSocketAddress, NetworkBorrow};
use crate::rc::tcp::{
    Duration, Guest, GuestTcpSocket, InputStream, OutputStream, Pollable, ShutdownType, TcpSocket,
};
use crate::same_shape::Conv;
use crate::sockets_p2::tcp as p2;

pub struct TcpSocketRep(p2::TcpSocket);

impl TcpSocketRep {
    fn host(&self) -> &p2::TcpSocket {
        &self.0
    }
}

impl Guest for crate::Adapter {
    type TcpSocket = TcpSocketRep;
}

impl GuestTcpSocket for TcpSocketRep {
    forward! {
        fn start_bind(&self, network: NetworkBorrow<'_>, local_address: IpSocketAddress) -> Result<(), ErrorCode>;
        fn finish_bind(&self) -> Result<(), ErrorCode>;
        fn start_connect(&self, network: NetworkBorrow<'_>, remote_address: IpSocketAddress) -> Result<(), ErrorCode>;
        fn finish_connect(&self) -> Result<(InputStream, OutputStream), ErrorCode>;
        fn start_listen(&self) -> Result<(), ErrorCode>;
        fn finish_listen(&self) -> Result<(), ErrorCode>;
        fn accept(&self) -> Result<(TcpSocket, InputStream, OutputStream), ErrorCode>;
        fn local_address(&self) -> Result<IpSocketAddress, ErrorCode>;
        fn remote_address(&self) -> Result<IpSocketAddress, ErrorCode>;
        fn is_listening(&self) -> bool;
        fn address_family(&self) -> IpAddressFamily;
        fn set_listen_backlog_size(&self, value: u64) -> Result<(), ErrorCode>;
        fn keep_alive_enabled(&self) -> Result<bool, ErrorCode>;
        fn set_keep_alive_enabled(&self, value: bool) -> Result<(), ErrorCode>;
        fn keep_alive_idle_time(&self) -> Result<Duration, ErrorCode>;
        fn set_keep_alive_idle_time(&self, value: Duration) -> Result<(), ErrorCode>;
        fn keep_alive_interval(&self) -> Result<Duration, ErrorCode>;
        fn set_keep_alive_interval(&self, value: Duration) -> Result<(), ErrorCode>;
        fn keep_alive_count(&self) -> Result<u32, ErrorCode>;
        fn set_keep_alive_count(&self, value: u32) -> Result<(), ErrorCode>;
        fn hop_limit(&self) -> Result<u8, ErrorCode>;
        fn set_hop_limit(&self, value: u8) -> Result<(), ErrorCode>;
        fn receive_buffer_size(&self) -> Result<u64, ErrorCode>;
        fn set_receive_buffer_size(&self, value: u64) -> Result<(), ErrorCode>;
        fn send_buffer_size(&self) -> Result<u64, ErrorCode>;
        fn set_send_buffer_size(&self, value: u64) -> Result<(), ErrorCode>;
        fn subscribe(&self) -> Pollable;
        fn shutdown(&self, shutdown_type: ShutdownType) -> Result<(), ErrorCode>;
    }

    /// wasmtime 15 read the socket option; 0.2.x sockets are always v6-only.
    fn ipv6_only(&self) -> Result<bool, ErrorCode> {
        match self.host().address_family() {
            p2::IpAddressFamily::Ipv4 => Err(ErrorCode::NotSupported),
            p2::IpAddressFamily::Ipv6 => Ok(true),
        }
    }

    /// Only `true` can be honoured; see `ipv6_only`.
    fn set_ipv6_only(&self, value: bool) -> Result<(), ErrorCode> {
        self.ipv6_only()?;
        if value {
            Ok(())
        } else {
            Err(ErrorCode::NotSupported)
        }
    }
}

impl Conv<TcpSocket> for p2::TcpSocket {
    fn conv(self) -> TcpSocket {
        TcpSocket::new(TcpSocketRep(self))
    }
}
