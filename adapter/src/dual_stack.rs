//! Dual-stack emulation: the rc `ipv6-only` option over 0.3 sockets, which are always
//! v6-only.
//!
//! An rc IPv6 socket with `ipv6-only` off (our default; `docs/design.md` says why) is backed
//! by its own 0.3 IPv6 socket and, when its bind address covers IPv4, a *companion* 0.3 IPv4
//! socket. Bound to `::`, both are bound on the same port; bound to an IPv4-mapped address,
//! only the companion is. The guest sees IPv4 peers as IPv4-mapped IPv6 addresses, as it did
//! on a Linux host. Plain Rust: `cargo test -p adapter` runs it natively.

use core::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Which 0.3 socket of an rc socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The 0.3 socket of the rc socket's own family, created with it.
    Own,
    /// The IPv4 socket behind a dual-stack IPv6 rc socket.
    Companion,
}

/// Which 0.3 sockets a bound rc socket uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Only its own socket: IPv4, v6-only IPv6, or IPv6 bound to a non-mapped address
    /// other than `::` (that never sees IPv4 traffic, dual-stack or not).
    #[default]
    Own,
    /// IPv6 bound to `::` with `ipv6-only` off: own socket for IPv6 peers, companion on the
    /// same port for IPv4 peers.
    Dual,
    /// IPv6 bound to an IPv4-mapped address with `ipv6-only` off: only the companion.
    Mapped,
}

impl Layout {
    /// The layout a bind to `local` gives. `dual_stack`: an IPv6 socket with `ipv6-only`
    /// off (callers have already refused mapped addresses on v6-only sockets).
    pub fn for_bind(local: SocketAddr, dual_stack: bool) -> Layout {
        match local.ip() {
            IpAddr::V6(ip) if dual_stack && ip.is_unspecified() => Layout::Dual,
            IpAddr::V6(ip) if dual_stack && ip.to_ipv4_mapped().is_some() => Layout::Mapped,
            _ => Layout::Own,
        }
    }

    /// The sockets that can receive while the rc socket is not connected.
    pub fn receiving(self) -> &'static [Side] {
        match self {
            Layout::Own => &[Side::Own],
            Layout::Dual => &[Side::Own, Side::Companion],
            Layout::Mapped => &[Side::Companion],
        }
    }

    /// The socket whose local address and options stand for the rc socket's.
    pub fn primary(self) -> Side {
        match self {
            Layout::Mapped => Side::Companion,
            _ => Side::Own,
        }
    }

    /// Which socket talks to `remote` (as the guest wrote it) and the address that socket
    /// uses, or why no socket can.
    pub fn route(self, remote: SocketAddr) -> Result<(Side, SocketAddr), Mismatch> {
        match (self, unmapped(remote)) {
            (Layout::Own, Some(_)) => Err(Mismatch::MappedPeer),
            (Layout::Own, None) => Ok((Side::Own, remote)),
            (Layout::Dual | Layout::Mapped, Some(v4)) => Ok((Side::Companion, v4)),
            (Layout::Dual, None) => Ok((Side::Own, remote)),
            (Layout::Mapped, None) => Err(Mismatch::PlainPeer),
        }
    }
}

/// A peer the bind cannot reach. The rc spec calls both `invalid-argument`, but wasmtime 15
/// on Linux passed some kernel answers on, and those are what 2023 components saw; each
/// caller maps them as wasmtime 15 did (`scripts/compare-wasmtime15.sh` measured it).
/// (A v6-only socket refuses mapped peers earlier, with `invalid-argument`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// An IPv4-mapped peer of a socket bound to a plain IPv6 address.
    MappedPeer,
    /// A plain IPv6 peer of a socket bound to an IPv4-mapped address.
    PlainPeer,
}

/// The IPv4 address behind an IPv4-mapped IPv6 one.
pub fn unmapped(addr: SocketAddr) -> Option<SocketAddr> {
    match addr {
        SocketAddr::V6(a) => {
            let v4 = a.ip().to_ipv4_mapped()?;
            Some(SocketAddr::V4(SocketAddrV4::new(v4, a.port())))
        }
        SocketAddr::V4(_) => None,
    }
}

/// How the guest sees an address a 0.3 socket on `side` reported.
pub fn shown(side: Side, addr: SocketAddr) -> SocketAddr {
    match (side, addr) {
        (Side::Companion, SocketAddr::V4(a)) => {
            SocketAddr::V6(SocketAddrV6::new(a.ip().to_ipv6_mapped(), a.port(), 0, 0))
        }
        _ => addr,
    }
}

/// Where the companion of an rc socket bound to `local` binds. `own_port`: the port the own
/// socket got (a dual bind to port 0 takes the port the own socket was given).
pub fn companion_bind(local: SocketAddr, own_port: u16) -> SocketAddr {
    match unmapped(local) {
        Some(v4) => v4,
        None => SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, own_port)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn bind_address_picks_the_layout() {
        assert_eq!(Layout::for_bind(a("[::]:0"), true), Layout::Dual);
        assert_eq!(Layout::for_bind(a("[::]:0"), false), Layout::Own);
        assert_eq!(
            Layout::for_bind(a("[::ffff:127.0.0.1]:9"), true),
            Layout::Mapped
        );
        assert_eq!(Layout::for_bind(a("[::1]:9"), true), Layout::Own);
        assert_eq!(Layout::for_bind(a("127.0.0.1:9"), false), Layout::Own);
    }

    #[test]
    fn mapped_peers_go_over_ipv4_where_the_bind_covers_ipv4() {
        let mapped = a("[::ffff:127.0.0.1]:7");
        let v4 = a("127.0.0.1:7");
        let v6 = a("[::1]:7");
        assert_eq!(Layout::Dual.route(mapped), Ok((Side::Companion, v4)));
        assert_eq!(Layout::Dual.route(v6), Ok((Side::Own, v6)));
        assert_eq!(Layout::Mapped.route(mapped), Ok((Side::Companion, v4)));
        assert_eq!(Layout::Mapped.route(v6), Err(Mismatch::PlainPeer));
        assert_eq!(Layout::Own.route(mapped), Err(Mismatch::MappedPeer));
        assert_eq!(Layout::Own.route(v6), Ok((Side::Own, v6)));
        assert_eq!(Layout::Own.route(v4), Ok((Side::Own, v4)));
    }

    #[test]
    fn ipv4_peers_show_as_mapped_and_companions_share_the_port() {
        assert_eq!(
            shown(Side::Companion, a("10.0.0.1:5")),
            a("[::ffff:10.0.0.1]:5")
        );
        assert_eq!(shown(Side::Own, a("[::1]:5")), a("[::1]:5"));
        assert_eq!(companion_bind(a("[::]:0"), 4000), a("0.0.0.0:4000"));
        assert_eq!(
            companion_bind(a("[::ffff:127.0.0.1]:0"), 0),
            a("127.0.0.1:0")
        );
        assert_eq!(Layout::Dual.receiving(), &[Side::Own, Side::Companion]);
        assert_eq!(Layout::Mapped.primary(), Side::Companion);
    }
}
