//! The 0.3 sockets behind one rc `udp-socket`, shared by it, its datagram streams, their
//! pollables and any parked calls that still borrow them.
//!
//! rc `receive` never blocks and rc pollables must say whether data is waiting, but 0.3 only
//! has an async `receive`. So a *probe* starts one 0.3 receive: data already waiting comes
//! back at once and is queued here; otherwise the call is cancelled and parked, and the
//! `ProbeSchedule` spaces further probes out, because each empty probe costs host memory.
//!
//! An IPv6 rc socket may stand on two 0.3 sockets (`dual_stack`); each has its own probe
//! schedule, and datagrams from both share one queue.

use crate::conv;
use crate::dual_stack::{self, Layout, Side};
use crate::io::poll;
use crate::p3;
use crate::p3_udp::abi::{self, ReceiveOutcome, ReceiveResult, SendParams, SendResult, Started};
use crate::p3_udp::parked::{self, Pending};
use crate::p3_udp::probe_stats::{self, Event};
use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::state::ProbeSchedule;
use core::net::SocketAddr;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

pub struct Datagram {
    pub data: Vec<u8>,
    /// As the guest sees it (IPv4 peers of a dual-stack socket are IPv4-mapped).
    pub from: SocketAddr,
}

/// One 0.3 socket.
pub struct Endpoint {
    pub socket: p3::UdpSocket,
    pub side: Side,
    probe: Cell<ProbeSchedule>,
}

impl Endpoint {
    fn new(socket: p3::UdpSocket, side: Side) -> Rc<Self> {
        Rc::new(Endpoint {
            socket,
            side,
            probe: Cell::default(),
        })
    }
}

/// Socket options the guest set, replayed on 0.3 sockets created later: a companion, or a
/// fresh own socket after a failed dual bind.
#[derive(Debug, Clone, Copy, Default)]
struct Options {
    hop_limit: Option<u8>,
    receive_buffer: Option<u64>,
    send_buffer: Option<u64>,
}

/// The outcome of one datagram handed to 0.3 `send`.
pub enum SendOutcome {
    Sent,
    /// The host could not take it at once; it was not sent.
    WouldBlock,
    Failed(ErrorCode),
}

/// How often a dual bind to port 0 tries again when the port its IPv6 socket got is taken
/// on IPv4 (a real dual-stack socket gets a port free on both).
const DUAL_BIND_ATTEMPTS: u32 = 16;

pub struct SocketCore {
    family: IpAddressFamily,
    own: RefCell<Rc<Endpoint>>,
    companion: RefCell<Option<Rc<Endpoint>>>,
    layout: Cell<Layout>,
    /// The 0.3 socket `%stream` connected, if any; the other one is not read meanwhile.
    connected: Cell<Option<Side>>,
    options: Cell<Options>,
    queue: RefCell<VecDeque<Datagram>>,
    /// An error a probe received, reported by the next rc `receive`.
    error: Cell<Option<ErrorCode>>,
    /// rc datagram streams alive on this socket (`%stream` traps while any are).
    pub live_streams: Cell<u32>,
}

impl SocketCore {
    pub fn new(socket: p3::UdpSocket, family: IpAddressFamily) -> Rc<Self> {
        Rc::new(SocketCore {
            family,
            own: RefCell::new(Endpoint::new(socket, Side::Own)),
            companion: RefCell::default(),
            layout: Cell::default(),
            connected: Cell::new(None),
            options: Cell::default(),
            queue: RefCell::default(),
            error: Cell::new(None),
            live_streams: Cell::new(0),
        })
    }

    fn endpoint(&self, side: Side) -> Rc<Endpoint> {
        match side {
            Side::Own => self.own.borrow().clone(),
            Side::Companion => self.companion.borrow().clone().expect("companion socket"),
        }
    }

    /// The 0.3 socket whose options and addresses stand for the rc socket's.
    fn primary(&self) -> Rc<Endpoint> {
        self.endpoint(self.connected.get().unwrap_or(self.layout.get().primary()))
    }

    /// The 0.3 sockets rc `receive` reads.
    fn receiving(&self) -> &'static [Side] {
        match self.connected.get() {
            Some(Side::Own) => &[Side::Own],
            Some(Side::Companion) => &[Side::Companion],
            None => self.layout.get().receiving(),
        }
    }

    // ---- bind, connect, addresses ----

    /// Binds as the rc socket's `start-bind` asked. `dual_stack`: IPv6 with `ipv6-only` off.
    /// A failed bind leaves the rc socket unbound and bindable, as on the rc host.
    pub fn bind(&self, local: SocketAddr, dual_stack: bool) -> Result<(), ErrorCode> {
        let layout = Layout::for_bind(local, dual_stack);
        match layout {
            Layout::Own => bind(&self.own.borrow().socket, local)?,
            Layout::Mapped => {
                let companion = self.new_endpoint(IpAddressFamily::Ipv4, Side::Companion)?;
                bind(&companion.socket, dual_stack::companion_bind(local, 0))?;
                *self.companion.borrow_mut() = Some(companion);
            }
            Layout::Dual => self.bind_dual(local)?,
        }
        self.layout.set(layout);
        Ok(())
    }

    /// `::`: the own socket, then a companion on the port it got. If that port is taken on
    /// IPv4, the bound own socket is replaced by a fresh one (0.3 cannot unbind).
    fn bind_dual(&self, local: SocketAddr) -> Result<(), ErrorCode> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let own = self.own.borrow().clone();
            bind(&own.socket, local)?;
            let port = conv::from_p3(
                own.socket
                    .get_local_address()
                    .map_err(conv::error_from_p3)?,
            )
            .port();
            let companion = self.new_endpoint(IpAddressFamily::Ipv4, Side::Companion)?;
            match bind(&companion.socket, dual_stack::companion_bind(local, port)) {
                Ok(()) => {
                    *self.companion.borrow_mut() = Some(companion);
                    return Ok(());
                }
                Err(e) => {
                    *self.own.borrow_mut() = self.new_endpoint(self.family, Side::Own)?;
                    let retry = e == ErrorCode::AddressInUse && local.port() == 0;
                    if !retry || attempts == DUAL_BIND_ATTEMPTS {
                        return Err(e);
                    }
                }
            }
        }
    }

    /// A fresh 0.3 socket with the options the guest has set so far.
    fn new_endpoint(&self, family: IpAddressFamily, side: Side) -> Result<Rc<Endpoint>, ErrorCode> {
        let socket =
            p3::UdpSocket::create(conv::family_to_p3(family)).map_err(conv::error_from_p3)?;
        let o = self.options.get();
        // Values the guest set were accepted once; a refusal here would be the kernel's.
        let applied = |r: Result<(), p3::ErrorCode>| r.map_err(conv::error_from_p3);
        if let Some(v) = o.hop_limit {
            applied(socket.set_unicast_hop_limit(v))?;
        }
        if let Some(v) = o.receive_buffer {
            applied(socket.set_receive_buffer_size(v))?;
        }
        if let Some(v) = o.send_buffer {
            applied(socket.set_send_buffer_size(v))?;
        }
        Ok(Endpoint::new(socket, side))
    }

    /// Associates with `remote` (as the guest wrote it).
    pub fn connect(&self, remote: SocketAddr) -> Result<(), ErrorCode> {
        let (side, addr) = self
            .layout
            .get()
            .route(remote)
            .map_err(conv::connect_mismatch)?;
        let endpoint = self.endpoint(side);
        endpoint
            .socket
            .connect(conv::to_p3(addr))
            .map_err(conv::error_from_p3)?;
        self.connected.set(Some(side));
        Ok(())
    }

    pub fn disconnect(&self) -> Result<(), ErrorCode> {
        if let Some(side) = self.connected.get() {
            self.endpoint(side)
                .socket
                .disconnect()
                .map_err(conv::error_from_p3)?;
            self.connected.set(None);
        }
        Ok(())
    }

    pub fn local_address(&self) -> Result<SocketAddr, ErrorCode> {
        self.primary_address(p3::UdpSocket::get_local_address)
    }

    pub fn remote_address(&self) -> Result<SocketAddr, ErrorCode> {
        self.primary_address(p3::UdpSocket::get_remote_address)
    }

    /// An address of the primary 0.3 socket, as the guest sees it.
    fn primary_address(
        &self,
        get: impl FnOnce(&p3::UdpSocket) -> Result<p3::IpSocketAddress, p3::ErrorCode>,
    ) -> Result<SocketAddr, ErrorCode> {
        let endpoint = self.primary();
        let addr = get(&endpoint.socket).map_err(conv::error_from_p3)?;
        Ok(dual_stack::shown(endpoint.side, conv::from_p3(addr)))
    }

    // ---- options: read from the primary socket, set on every socket ----

    pub fn unicast_hop_limit(&self) -> Result<u8, ErrorCode> {
        self.primary()
            .socket
            .get_unicast_hop_limit()
            .map_err(conv::error_from_p3)
    }

    pub fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.primary()
            .socket
            .get_receive_buffer_size()
            .map_err(conv::error_from_p3)
    }

    pub fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.primary()
            .socket
            .get_send_buffer_size()
            .map_err(conv::error_from_p3)
    }

    pub fn set_unicast_hop_limit(&self, value: u8) -> Result<(), ErrorCode> {
        self.set_everywhere(
            |s| s.set_unicast_hop_limit(value),
            |o| o.hop_limit = Some(value),
        )
    }

    pub fn set_receive_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        self.set_everywhere(
            |s| s.set_receive_buffer_size(value),
            |o| o.receive_buffer = Some(value),
        )
    }

    pub fn set_send_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        self.set_everywhere(
            |s| s.set_send_buffer_size(value),
            |o| o.send_buffer = Some(value),
        )
    }

    fn set_everywhere(
        &self,
        set: impl Fn(&p3::UdpSocket) -> Result<(), p3::ErrorCode>,
        record: impl FnOnce(&mut Options),
    ) -> Result<(), ErrorCode> {
        set(&self.own.borrow().socket).map_err(conv::error_from_p3)?;
        if let Some(companion) = &*self.companion.borrow() {
            set(&companion.socket).map_err(conv::error_from_p3)?;
        }
        let mut options = self.options.get();
        record(&mut options);
        self.options.set(options);
        Ok(())
    }

    // ---- receiving ----

    /// Something for rc `receive` to return: a queued datagram or an error.
    pub fn has_news(&self) -> bool {
        !self.queue.borrow().is_empty() || self.error.get().is_some()
    }

    /// Whether rc `receive` has something, probing the host if the schedule allows.
    pub fn readable(self: &Rc<Self>, now: u64, crowd: u32) -> bool {
        self.has_news() || self.probe(now, crowd)
    }

    /// When the next probe may happen (0.3 monotonic-clock ns).
    pub fn next_probe_at(&self) -> u64 {
        let at = |side| self.endpoint(side).probe.get().next_at();
        self.receiving()
            .iter()
            .map(|&side| at(side))
            .min()
            .unwrap_or(u64::MAX)
    }

    /// Probes every socket rc `receive` reads whose schedule allows. True if any brought news.
    /// `crowd`: how many sockets the current wait covers (1 outside `poll`).
    pub fn probe(self: &Rc<Self>, now: u64, crowd: u32) -> bool {
        let mut news = false;
        for &side in self.receiving() {
            news |= self.probe_endpoint(&self.endpoint(side), now, crowd);
        }
        news
    }

    /// Starts one 0.3 receive on `endpoint` if its schedule allows. True if it brought news.
    fn probe_endpoint(self: &Rc<Self>, endpoint: &Rc<Endpoint>, now: u64, crowd: u32) -> bool {
        let mut schedule = endpoint.probe.get();
        if !schedule.due(now) {
            return false;
        }
        spend_host_io();
        let mut result = ReceiveResult::new();
        let outcome = match abi::start_receive(endpoint.socket.handle(), &mut result) {
            // SAFETY: RETURNED means the host wrote the result.
            Started::Returned => Some(unsafe { result.take() }),
            Started::Pending(subtask) => {
                let call = Pending::Receive {
                    core: self.clone(),
                    endpoint: endpoint.clone(),
                    result,
                };
                match parked::cancel(subtask, call) {
                    // SAFETY: the cancel found the call already returned.
                    Some(Pending::Receive { result, .. }) => Some(unsafe { result.take() }),
                    _ => None,
                }
            }
        };
        let got = outcome.is_some();
        match outcome {
            Some(outcome) => {
                self.accept(outcome, endpoint.side);
                schedule.on_data(now);
                probe_stats::count(Event::ProbeHit);
            }
            None => {
                schedule.on_empty(now, crowd);
                probe_stats::count(Event::ProbeEmpty);
            }
        }
        endpoint.probe.set(schedule);
        probe_stats::report_if_due(now);
        got
    }

    /// Queues what a 0.3 receive on the socket at `side` returned.
    pub fn accept(&self, outcome: ReceiveOutcome, side: Side) {
        match outcome {
            ReceiveOutcome::Datagram(data, from) => {
                let from = dual_stack::shown(side, conv::from_raw(&from));
                self.queue.borrow_mut().push_back(Datagram { data, from });
            }
            ReceiveOutcome::Error(code) => {
                self.error
                    .set(Some(conv::error_from_p3_tag(code.into_tag())));
            }
        }
    }

    /// The oldest queued datagram, skipping those from other peers when the stream is
    /// associated with one (the rc host dropped them too).
    pub fn pop_from(&self, peer: Option<SocketAddr>) -> Option<Datagram> {
        let mut queue = self.queue.borrow_mut();
        while let Some(d) = queue.pop_front() {
            if peer.is_none_or(|p| p == d.from) {
                return Some(d);
            }
        }
        None
    }

    pub fn take_error(&self) -> Option<ErrorCode> {
        self.error.take()
    }

    // ---- sending ----

    /// Hands one datagram to 0.3 `send`. `to` (as the guest wrote it) is `None` to send to
    /// the connected peer.
    pub fn send(self: &Rc<Self>, data: Vec<u8>, to: Option<SocketAddr>) -> SendOutcome {
        let (side, to) = match to {
            None => (
                self.connected
                    .get()
                    .expect("send without address on an unconnected socket"),
                None,
            ),
            Some(addr) => match self.layout.get().route(addr) {
                Ok((side, addr)) => (side, Some(addr)),
                Err(m) => return SendOutcome::Failed(conv::send_mismatch(m)),
            },
        };
        let endpoint = self.endpoint(side);
        let params = SendParams::new(endpoint.socket.handle(), &data, to.map(conv::to_raw));
        spend_host_io();
        let mut result = SendResult::new();
        let result = match abi::start_send(&params, &mut result) {
            Started::Returned => result,
            Started::Pending(subtask) => {
                let call = Pending::Send {
                    result,
                    _endpoint: endpoint,
                    _payload: data,
                };
                match parked::cancel(subtask, call) {
                    Some(Pending::Send { result, .. }) => result,
                    _ => return SendOutcome::WouldBlock,
                }
            }
        };
        if result.tag == 0 {
            SendOutcome::Sent
        } else {
            SendOutcome::Failed(conv::error_from_p3_tag(result.error.into_tag()))
        }
    }
}

fn bind(socket: &p3::UdpSocket, addr: SocketAddr) -> Result<(), ErrorCode> {
    socket.bind(conv::to_p3(addr)).map_err(conv::error_from_p3)
}

/// Host socket calls per host task turn before we yield: below tokio's budget of 128
/// (`poll::yield_to_host` says why), with room for the host's own polls.
const HOST_IO_PER_YIELD: u32 = 96;

thread_local! {
    static HOST_IO_SINCE_YIELD: Cell<u32> = const { Cell::new(0) };
}

/// Counts one host socket call, yielding to the host first when the budget is nearly spent.
/// Sleeping in the wait loop yields too, but a busy guest may never sleep.
fn spend_host_io() {
    let spent = HOST_IO_SINCE_YIELD.get() + 1;
    if spent >= HOST_IO_PER_YIELD {
        poll::yield_to_host();
        probe_stats::count(Event::Yield);
        HOST_IO_SINCE_YIELD.set(0);
    } else {
        HOST_IO_SINCE_YIELD.set(spent);
    }
}
