//! rc <-> 0.3 socket conversions: addresses (typed and raw), families and error codes.

use crate::p3;
use crate::p3_udp::abi::RawSocketAddress;
use crate::rc::network::{ErrorCode, IpAddressFamily};
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

pub fn to_p3(addr: SocketAddr) -> p3::IpSocketAddress {
    match addr {
        SocketAddr::V4(a) => {
            let [o0, o1, o2, o3] = a.ip().octets();
            p3::IpSocketAddress::Ipv4(p3::Ipv4SocketAddress {
                port: a.port(),
                address: (o0, o1, o2, o3),
            })
        }
        SocketAddr::V6(a) => {
            let [s0, s1, s2, s3, s4, s5, s6, s7] = a.ip().segments();
            p3::IpSocketAddress::Ipv6(p3::Ipv6SocketAddress {
                port: a.port(),
                flow_info: a.flowinfo(),
                address: (s0, s1, s2, s3, s4, s5, s6, s7),
                scope_id: a.scope_id(),
            })
        }
    }
}

pub fn from_p3(addr: p3::IpSocketAddress) -> SocketAddr {
    match addr {
        p3::IpSocketAddress::Ipv4(a) => {
            let (o0, o1, o2, o3) = a.address;
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(o0, o1, o2, o3), a.port))
        }
        p3::IpSocketAddress::Ipv6(a) => {
            let (s0, s1, s2, s3, s4, s5, s6, s7) = a.address;
            let ip = Ipv6Addr::new(s0, s1, s2, s3, s4, s5, s6, s7);
            SocketAddr::V6(SocketAddrV6::new(ip, a.port, a.flow_info, a.scope_id))
        }
    }
}

pub fn to_raw(addr: SocketAddr) -> RawSocketAddress {
    match addr {
        SocketAddr::V4(a) => RawSocketAddress::ipv4(a.port(), a.ip().octets()),
        SocketAddr::V6(a) => {
            RawSocketAddress::ipv6(a.port(), a.flowinfo(), a.ip().segments(), a.scope_id())
        }
    }
}

pub fn from_raw(raw: &RawSocketAddress) -> SocketAddr {
    if raw.tag == 0 {
        SocketAddr::V4(SocketAddrV4::new(raw.ipv4_octets().into(), raw.port))
    } else {
        let ip = Ipv6Addr::from(raw.v6_segments);
        SocketAddr::V6(SocketAddrV6::new(
            ip,
            raw.port,
            raw.v6_flow_info,
            raw.v6_scope_id,
        ))
    }
}

pub fn family_to_p3(family: IpAddressFamily) -> p3::IpAddressFamily {
    match family {
        IpAddressFamily::Ipv4 => p3::IpAddressFamily::Ipv4,
        IpAddressFamily::Ipv6 => p3::IpAddressFamily::Ipv6,
    }
}

// ---- error codes ----

/// 0.3 -> rc. `other` has no rc counterpart but `unknown`. `connection-broken` (0.3 added it
/// for EPIPE on TCP) becomes `connection-reset`: a broken connection is one the peer reset
/// or closed, and rc code that expected a TCP failure handles `connection-reset`.
pub fn error_from_p3(code: p3::ErrorCode) -> ErrorCode {
    use p3::ErrorCode as E;
    match code {
        E::AccessDenied => ErrorCode::AccessDenied,
        E::NotSupported => ErrorCode::NotSupported,
        E::InvalidArgument => ErrorCode::InvalidArgument,
        E::OutOfMemory => ErrorCode::OutOfMemory,
        E::Timeout => ErrorCode::Timeout,
        E::InvalidState => ErrorCode::InvalidState,
        E::AddressNotBindable => ErrorCode::AddressNotBindable,
        E::AddressInUse => ErrorCode::AddressInUse,
        E::RemoteUnreachable => ErrorCode::RemoteUnreachable,
        E::ConnectionRefused => ErrorCode::ConnectionRefused,
        E::ConnectionBroken => ErrorCode::ConnectionReset,
        E::ConnectionReset => ErrorCode::ConnectionReset,
        E::ConnectionAborted => ErrorCode::ConnectionAborted,
        E::DatagramTooLarge => ErrorCode::DatagramTooLarge,
        E::Other(_) => ErrorCode::Unknown,
    }
}

/// The same mapping for an error code read raw from memory (its variant tag).
pub fn error_from_p3_tag(tag: u8) -> ErrorCode {
    use p3::ErrorCode as E;
    let code = match tag {
        0 => E::AccessDenied,
        1 => E::NotSupported,
        2 => E::InvalidArgument,
        3 => E::OutOfMemory,
        4 => E::Timeout,
        5 => E::InvalidState,
        6 => E::AddressNotBindable,
        7 => E::AddressInUse,
        8 => E::RemoteUnreachable,
        9 => E::ConnectionRefused,
        10 => E::ConnectionBroken,
        11 => E::ConnectionReset,
        12 => E::ConnectionAborted,
        13 => E::DatagramTooLarge,
        _ => E::Other(None),
    };
    error_from_p3(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip_through_every_form() {
        for a in crate::conv::tests::sample_addresses() {
            assert_eq!(from_p3(to_p3(a)), a);
            assert_eq!(from_raw(&to_raw(a)), a);
        }
    }

    #[test]
    fn error_tags_follow_the_0_3_variant_order() {
        assert!(matches!(error_from_p3_tag(0), ErrorCode::AccessDenied));
        assert!(matches!(error_from_p3_tag(9), ErrorCode::ConnectionRefused));
        assert!(matches!(error_from_p3_tag(10), ErrorCode::ConnectionReset));
        assert!(matches!(error_from_p3_tag(13), ErrorCode::DatagramTooLarge));
        assert!(matches!(error_from_p3_tag(14), ErrorCode::Unknown));
    }
}
