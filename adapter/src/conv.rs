//! rc socket addresses <-> std's `SocketAddr` (the pivot every backend converts from), and
//! the rc address checks wasmtime 15 made before any syscall.

use crate::dual_stack::Mismatch;
use crate::rc::network::{
    ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
};
use crate::state::StateError;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

// ---- socket addresses: std's `SocketAddr` is the pivot ----

pub fn from_rc(addr: IpSocketAddress) -> SocketAddr {
    match addr {
        IpSocketAddress::Ipv4(a) => {
            let (o0, o1, o2, o3) = a.address;
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(o0, o1, o2, o3), a.port))
        }
        IpSocketAddress::Ipv6(a) => {
            let (s0, s1, s2, s3, s4, s5, s6, s7) = a.address;
            let ip = Ipv6Addr::new(s0, s1, s2, s3, s4, s5, s6, s7);
            SocketAddr::V6(SocketAddrV6::new(ip, a.port, a.flow_info, a.scope_id))
        }
    }
}

pub fn to_rc(addr: SocketAddr) -> IpSocketAddress {
    match addr {
        SocketAddr::V4(a) => {
            let [o0, o1, o2, o3] = a.ip().octets();
            IpSocketAddress::Ipv4(Ipv4SocketAddress {
                port: a.port(),
                address: (o0, o1, o2, o3),
            })
        }
        SocketAddr::V6(a) => {
            let [s0, s1, s2, s3, s4, s5, s6, s7] = a.ip().segments();
            IpSocketAddress::Ipv6(Ipv6SocketAddress {
                port: a.port(),
                flow_info: a.flowinfo(),
                address: (s0, s1, s2, s3, s4, s5, s6, s7),
                scope_id: a.scope_id(),
            })
        }
    }
}

// ---- rc address checks (wasmtime 15 `network::util`), made before any 0.3 call ----

/// The address must match the socket's family. An IPv4-mapped address is refused on a
/// v6-only socket, as the rc host refused it; `dual_stack` (an IPv6 socket with `ipv6-only`
/// off) allows it. The deprecated IPv4-compatible form is refused always.
pub fn check_family(
    addr: &SocketAddr,
    family: IpAddressFamily,
    dual_stack: bool,
) -> Result<(), ErrorCode> {
    match (family, addr.ip()) {
        (IpAddressFamily::Ipv4, IpAddr::V4(_)) => Ok(()),
        (IpAddressFamily::Ipv6, IpAddr::V6(ip))
            if !is_deprecated_ipv4_compatible(&ip)
                && (dual_stack || ip.to_ipv4_mapped().is_none()) =>
        {
            Ok(())
        }
        _ => Err(ErrorCode::InvalidArgument),
    }
}

/// rc `ipv6-only`, as wasmtime 15 answered it: IPv4 sockets have no such option.
pub fn ipv6_only(family: IpAddressFamily, dual_stack: bool) -> Result<bool, ErrorCode> {
    match family {
        IpAddressFamily::Ipv4 => Err(ErrorCode::NotSupported),
        IpAddressFamily::Ipv6 => Ok(!dual_stack),
    }
}

/// A connect (UDP `%stream`, TCP `start-connect`) to a peer its bind cannot reach, as
/// wasmtime 15 answered: a mapped peer of a plain IPv6 bind is unreachable (the kernel's
/// ENETUNREACH), a plain IPv6 peer of a mapped bind is `invalid-argument`.
pub fn connect_mismatch(m: Mismatch) -> ErrorCode {
    match m {
        Mismatch::MappedPeer => ErrorCode::RemoteUnreachable,
        Mismatch::PlainPeer => ErrorCode::InvalidArgument,
    }
}

/// A UDP send to a peer its bind cannot reach, as wasmtime 15 answered: a plain IPv6 peer of
/// a mapped bind is `not-supported` (the kernel's EAFNOSUPPORT). For a mapped peer of a plain
/// IPv6 bind wasmtime 15 returned 0 datagrams sent (its socket was not yet known writable)
/// rather than the kernel's error; we give the error its connect gives.
pub fn send_mismatch(m: Mismatch) -> ErrorCode {
    match m {
        Mismatch::MappedPeer => ErrorCode::RemoteUnreachable,
        Mismatch::PlainPeer => ErrorCode::NotSupported,
    }
}

/// A remote address may not be unspecified nor have port 0.
pub fn check_remote(addr: &SocketAddr) -> Result<(), ErrorCode> {
    if addr.ip().to_canonical().is_unspecified() || addr.port() == 0 {
        return Err(ErrorCode::InvalidArgument);
    }
    Ok(())
}

fn is_deprecated_ipv4_compatible(ip: &Ipv6Addr) -> bool {
    matches!(ip.segments(), [0, 0, 0, 0, 0, 0, _, _])
        && *ip != Ipv6Addr::UNSPECIFIED
        && *ip != Ipv6Addr::LOCALHOST
}

impl From<StateError> for ErrorCode {
    fn from(e: StateError) -> Self {
        match e {
            StateError::InvalidState => ErrorCode::InvalidState,
            StateError::ConcurrencyConflict => ErrorCode::ConcurrencyConflict,
            StateError::NotInProgress => ErrorCode::NotInProgress,
        }
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Addresses every conversion must carry unchanged: v4, v6, and v6 with flow info and
    /// scope id.
    pub fn sample_addresses() -> [SocketAddr; 3] {
        [
            "127.0.0.1:4242".parse().unwrap(),
            "[::1]:53".parse().unwrap(),
            SocketAddr::V6(SocketAddrV6::new("fe80::1:2".parse().unwrap(), 9, 7, 3)),
        ]
    }

    #[test]
    fn addresses_round_trip_through_every_form() {
        for a in sample_addresses() {
            assert_eq!(from_rc(to_rc(a)), a);
        }
    }

    #[test]
    fn rc_address_checks() {
        let v4: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:1".parse().unwrap();
        let compat: SocketAddr = "[::7f00:1]:1".parse().unwrap();
        let v6: SocketAddr = "[::1]:1".parse().unwrap();
        for dual in [false, true] {
            assert!(check_family(&v4, IpAddressFamily::Ipv4, dual).is_ok());
            assert!(check_family(&v6, IpAddressFamily::Ipv4, dual).is_err());
            assert!(check_family(&v4, IpAddressFamily::Ipv6, dual).is_err());
            assert!(check_family(&compat, IpAddressFamily::Ipv6, dual).is_err());
            assert!(check_family(&v6, IpAddressFamily::Ipv6, dual).is_ok());
        }
        assert!(check_family(&mapped, IpAddressFamily::Ipv6, false).is_err());
        assert!(check_family(&mapped, IpAddressFamily::Ipv6, true).is_ok());
        assert!(check_remote(&"0.0.0.0:1".parse().unwrap()).is_err());
        assert!(check_remote(&"[::]:1".parse().unwrap()).is_err());
        assert!(check_remote(&"[::ffff:0.0.0.0]:1".parse().unwrap()).is_err());
        assert!(check_remote(&"127.0.0.1:0".parse().unwrap()).is_err());
        assert!(check_remote(&v4).is_ok());
    }
}
