//! `wasi:sockets/tcp` (rc) over `wasi:sockets/tcp@0.2.12`. The two have the same shape but
//! for `ipv6-only`, which 0.2.x dropped: wasmtime 50 makes every IPv6 socket v6-only, where the
//! 2023 Linux hosts defaulted to dual-stack. So, as for UDP (`docs/design.md`,
//! "Dual-stack"), an rc IPv6 socket with `ipv6-only` off stands on up to two host sockets:
//! its own, and an IPv4 *companion* that serves IPv4 peers, shown as IPv4-mapped addresses.
//! - bound to `::`: both, on one port; listening on both, accepts merged;
//! - bound to a mapped address, or connecting to a mapped peer: only the companion.
//!
//! TCP streams are children of their host socket: dropping the rc socket first traps.

use crate::conv;
use crate::dual_stack::{self, Layout, Side};
use crate::io::poll::{HostPollables, PollableRep, Readiness};
use crate::rc::network::{ErrorCode, IpAddressFamily, IpSocketAddress, NetworkBorrow};
use crate::rc::tcp::{
    Duration, Guest, GuestTcpSocket, InputStream, OutputStream, Pollable, ShutdownType, TcpSocket,
};
use crate::same_shape::{Conv, Lend};
use crate::sockets_p2::{network as net_p2, tcp as p2, tcp_create_socket};
use core::net::SocketAddr;
use std::cell::{Cell, Ref, RefCell};

/// How many times a dual bind to port 0 tries a fresh port when IPv4 has it taken (as UDP).
const DUAL_BIND_ATTEMPTS: u32 = 16;

/// Where an rc socket is, as far as `set-ipv6-only` cares (wasmtime 15's `TcpState`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Fresh,
    BindStarted,
    Bound,
    /// Connecting, connected, listening: the host socket's own state answers.
    Used,
}

type HostResult<T> = Result<T, net_p2::ErrorCode>;
type SetOption = Box<dyn Fn(&p2::TcpSocket) -> HostResult<()>>;

pub struct TcpSocketRep {
    family: IpAddressFamily,
    /// The host sockets behind this one, by `Side`: [own, companion].
    hosts: RefCell<[Option<p2::TcpSocket>; 2]>,
    /// Which host socket stands for the rc socket (addresses, options, streams).
    primary: Cell<Side>,
    layout: Cell<Layout>,
    /// An IPv6 socket with `ipv6-only` off: our default, as on 2023 Linux hosts.
    dual_stack: Cell<bool>,
    phase: Cell<Phase>,
    /// A dual bind is done in `start-bind` (the companion needs the own socket's port);
    /// `finish-bind` then only reports it.
    dual_bind_done: Cell<bool>,
    /// Options the guest set, replayed on a companion created later.
    options: RefCell<Vec<SetOption>>,
    /// Alternates which listener `accept` tries first, so neither family starves.
    accept_turn: Cell<bool>,
}

impl TcpSocketRep {
    fn new(family: IpAddressFamily, host: p2::TcpSocket, side: Side) -> Self {
        let mut hosts = [None, None];
        hosts[side as usize] = Some(host);
        TcpSocketRep {
            family,
            hosts: RefCell::new(hosts),
            primary: Cell::new(side),
            layout: Cell::new(Layout::Own),
            dual_stack: Cell::new(family == IpAddressFamily::Ipv6),
            phase: Cell::new(Phase::Fresh),
            dual_bind_done: Cell::new(false),
            options: RefCell::default(),
            accept_turn: Cell::new(false),
        }
    }

    pub fn create(family: IpAddressFamily) -> Result<Self, ErrorCode> {
        let host = tcp_create_socket::create_tcp_socket(family.conv()).map_err(Conv::conv)?;
        Ok(Self::new(family, host, Side::Own))
    }

    /// The host socket that stands for this one.
    fn host(&self) -> Ref<'_, p2::TcpSocket> {
        self.side(self.primary.get())
            .expect("the primary host socket exists")
    }

    fn side(&self, side: Side) -> Option<Ref<'_, p2::TcpSocket>> {
        Ref::filter_map(self.hosts.borrow(), |h| h[side as usize].as_ref()).ok()
    }

    /// The IPv4 companion of a socket bound to `::`, which listens beside the own socket.
    fn dual_companion(&self) -> Option<Ref<'_, p2::TcpSocket>> {
        (self.layout.get() == Layout::Dual)
            .then(|| self.side(Side::Companion))
            .flatten()
    }

    /// A fresh host socket of `family` with the options set so far.
    fn new_host(&self, family: net_p2::IpAddressFamily) -> Result<p2::TcpSocket, ErrorCode> {
        let socket = tcp_create_socket::create_tcp_socket(family).map_err(Conv::conv)?;
        for set in self.options.borrow().iter() {
            set(&socket).conv()?;
        }
        Ok(socket)
    }

    /// Sets an option on every host socket and remembers it for a later companion.
    fn set_everywhere(
        &self,
        set: impl Fn(&p2::TcpSocket) -> HostResult<()> + 'static,
    ) -> Result<(), ErrorCode> {
        for host in self.hosts.borrow().iter().flatten() {
            set(host).conv()?;
        }
        self.options.borrow_mut().push(Box::new(set));
        Ok(())
    }

    fn shown(
        &self,
        addr: HostResult<net_p2::IpSocketAddress>,
    ) -> Result<IpSocketAddress, ErrorCode> {
        let addr = conv::from_rc(addr.conv()?);
        Ok(conv::to_rc(dual_stack::shown(self.primary.get(), addr)))
    }

    fn start_dual_bind(
        &self,
        network: &net_p2::Network,
        local: SocketAddr,
    ) -> Result<(), ErrorCode> {
        for attempt in 1.. {
            let own_port = {
                let own = self.side(Side::Own).expect("own socket");
                own.start_bind(network, to_p2(local)).conv()?;
                own.finish_bind().conv()?;
                conv::from_rc(own.local_address().conv()?).port()
            };
            let companion = self.new_host(net_p2::IpAddressFamily::Ipv4)?;
            let bound = companion
                .start_bind(network, to_p2(dual_stack::companion_bind(local, own_port)))
                .and_then(|()| companion.finish_bind());
            match bound.conv() {
                Ok(()) => {
                    self.hosts.borrow_mut()[Side::Companion as usize] = Some(companion);
                    return Ok(());
                }
                // Port 0 whose port IPv4 has taken: a fresh own socket (a host socket cannot
                // unbind), and again.
                Err(ErrorCode::AddressInUse)
                    if local.port() == 0 && attempt < DUAL_BIND_ATTEMPTS =>
                {
                    let fresh = self.new_host(net_p2::IpAddressFamily::Ipv6)?;
                    self.hosts.borrow_mut()[Side::Own as usize] = Some(fresh);
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!()
    }

    /// Accepts on one listener of a dual pair, if it has a connection.
    fn accept_on(&self, side: Side) -> Result<(TcpSocket, InputStream, OutputStream), ErrorCode> {
        let (socket, input, output) = self
            .side(side)
            .expect("listener")
            .accept()
            .map_err(Conv::conv)?;
        let mut rep = TcpSocketRep::new(self.family, socket, side);
        rep.dual_stack = Cell::new(self.dual_stack.get());
        rep.phase = Cell::new(Phase::Used);
        Ok((TcpSocket::new(rep), input.conv(), output.conv()))
    }
}

impl Guest for crate::Adapter {
    type TcpSocket = TcpSocketRep;
}

/// Option setters: each sets the option on every host socket behind the rc one and is
/// replayed on a companion created later (`TcpSocketRep::set_everywhere`).
macro_rules! set_everywhere {
    ($(fn $name:ident(&self, value: $ty:ty);)*) => {$(
        fn $name(&self, value: $ty) -> Result<(), ErrorCode> {
            self.set_everywhere(move |s| s.$name(value))
        }
    )*};
}

impl GuestTcpSocket for TcpSocketRep {
    fn start_bind(
        &self,
        network: NetworkBorrow<'_>,
        local_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        let local = conv::from_rc(local_address);
        conv::check_family(&local, self.family, self.dual_stack.get())?;
        if self.phase.get() != Phase::Fresh {
            return Err(ErrorCode::InvalidState);
        }
        let layout = Layout::for_bind(local, self.dual_stack.get());
        let network: &net_p2::Network = network.lend();
        match layout {
            Layout::Own => self.host().start_bind(network, to_p2(local)).conv()?,
            Layout::Mapped => {
                let companion = self.new_host(net_p2::IpAddressFamily::Ipv4)?;
                companion
                    .start_bind(network, to_p2(dual_stack::unmapped(local).unwrap()))
                    .conv()?;
                self.hosts.borrow_mut()[Side::Companion as usize] = Some(companion);
                self.primary.set(Side::Companion);
            }
            Layout::Dual => {
                self.start_dual_bind(network, local)?;
                self.dual_bind_done.set(true);
            }
        }
        self.layout.set(layout);
        self.phase.set(Phase::BindStarted);
        Ok(())
    }

    fn finish_bind(&self) -> Result<(), ErrorCode> {
        let result = if self.dual_bind_done.replace(false) {
            Ok(())
        } else {
            self.host().finish_bind().conv()
        };
        if result.is_ok() {
            self.phase.set(Phase::Bound);
        }
        result
    }

    fn start_connect(
        &self,
        network: NetworkBorrow<'_>,
        remote_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        // wasmtime 15 checked the state first, and connected only unbound sockets.
        match self.phase.get() {
            Phase::Fresh | Phase::Used => {}
            Phase::BindStarted => return Err(ErrorCode::ConcurrencyConflict),
            Phase::Bound => return Err(ErrorCode::InvalidState),
        }
        let remote = conv::from_rc(remote_address);
        conv::check_family(&remote, self.family, self.dual_stack.get())?;
        let network: &net_p2::Network = network.lend();
        // Unbound, a dual-stack socket takes the family of its peer, as a kernel socket does.
        let layout = match self.phase.get() {
            Phase::Fresh if self.dual_stack.get() => Layout::Dual,
            _ => self.layout.get(),
        };
        let (side, to) = layout.route(remote).map_err(conv::connect_mismatch)?;
        if side == Side::Companion && self.side(Side::Companion).is_none() {
            let companion = self.new_host(net_p2::IpAddressFamily::Ipv4)?;
            self.hosts.borrow_mut()[Side::Companion as usize] = Some(companion);
        }
        self.side(side)
            .expect("socket for the peer")
            .start_connect(network, to_p2(to))
            .conv()?;
        self.primary.set(side);
        self.phase.set(Phase::Used);
        Ok(())
    }

    fn start_listen(&self) -> Result<(), ErrorCode> {
        if let Some(companion) = self.dual_companion() {
            companion.start_listen().conv()?;
        }
        self.host().start_listen().conv()
    }

    fn finish_listen(&self) -> Result<(), ErrorCode> {
        if let Some(companion) = self.dual_companion() {
            companion.finish_listen().conv()?;
        }
        self.host().finish_listen().conv()
    }

    fn accept(&self) -> Result<(TcpSocket, InputStream, OutputStream), ErrorCode> {
        if self.layout.get() != Layout::Dual {
            return self.accept_on(self.primary.get());
        }
        let turn = self.accept_turn.replace(!self.accept_turn.get());
        let order = if turn {
            [Side::Companion, Side::Own]
        } else {
            [Side::Own, Side::Companion]
        };
        match self.accept_on(order[0]) {
            Err(ErrorCode::WouldBlock) => self.accept_on(order[1]),
            other => other,
        }
    }

    fn local_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        self.shown(self.host().local_address())
    }

    fn remote_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        self.shown(self.host().remote_address())
    }

    fn address_family(&self) -> IpAddressFamily {
        self.family
    }

    fn ipv6_only(&self) -> Result<bool, ErrorCode> {
        conv::ipv6_only(self.family, self.dual_stack.get())
    }

    fn set_ipv6_only(&self, value: bool) -> Result<(), ErrorCode> {
        match (self.family, self.phase.get()) {
            (IpAddressFamily::Ipv4, _) => Err(ErrorCode::NotSupported),
            (_, Phase::Fresh) => {
                self.dual_stack.set(!value);
                Ok(())
            }
            (_, Phase::BindStarted) => Err(ErrorCode::ConcurrencyConflict),
            (_, Phase::Bound | Phase::Used) => Err(ErrorCode::InvalidState),
        }
    }

    set_everywhere! {
        fn set_listen_backlog_size(&self, value: u64);
        fn set_keep_alive_enabled(&self, value: bool);
        fn set_keep_alive_idle_time(&self, value: Duration);
        fn set_keep_alive_interval(&self, value: Duration);
        fn set_keep_alive_count(&self, value: u32);
        fn set_hop_limit(&self, value: u8);
        fn set_receive_buffer_size(&self, value: u64);
        fn set_send_buffer_size(&self, value: u64);
    }

    /// A dual listener is ready when either of its host sockets is.
    fn subscribe(&self) -> Pollable {
        let hosts = self.hosts.borrow();
        let watched: Vec<_> = match self.layout.get() {
            Layout::Dual => hosts.iter().flatten().map(|h| h.subscribe()).collect(),
            _ => vec![self.host().subscribe()],
        };
        Pollable::new(PollableRep(Readiness::Host(HostPollables::Many(watched))))
    }

    forward! {
        fn finish_connect(&self) -> Result<(InputStream, OutputStream), ErrorCode>;
        fn is_listening(&self) -> bool;
        fn keep_alive_enabled(&self) -> Result<bool, ErrorCode>;
        fn keep_alive_idle_time(&self) -> Result<Duration, ErrorCode>;
        fn keep_alive_interval(&self) -> Result<Duration, ErrorCode>;
        fn keep_alive_count(&self) -> Result<u32, ErrorCode>;
        fn hop_limit(&self) -> Result<u8, ErrorCode>;
        fn receive_buffer_size(&self) -> Result<u64, ErrorCode>;
        fn send_buffer_size(&self) -> Result<u64, ErrorCode>;
        fn shutdown(&self, shutdown_type: ShutdownType) -> Result<(), ErrorCode>;
    }
}

fn to_p2(addr: SocketAddr) -> net_p2::IpSocketAddress {
    conv::to_rc(addr).conv()
}
