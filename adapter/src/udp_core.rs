//! The host sockets behind one rc `udp-socket`, shared by it, its datagram streams and their
//! pollables: dual-stack routing, the receive queue, and options replayed on sockets created
//! later. Backend-neutral: it calls host sockets only through `udp_backend::HostUdp`.
//!
//! An IPv6 rc socket may stand on two host sockets (`dual_stack`: 0.3 and 0.2.x sockets are
//! both v6-only); datagrams from both share one queue.

use crate::dual_stack::{self, Layout, Side};
use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::udp_backend::{HostDatagram, HostSocket, HostUdp, Outgoing, SendStop, Sent};
use crate::{conv, io_p2::poll::Pollable};
use core::net::SocketAddr;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// A datagram for rc `receive`; `from` as the guest sees it (IPv4 peers of a dual-stack
/// socket are IPv4-mapped).
pub struct Datagram {
    pub data: Vec<u8>,
    pub from: SocketAddr,
}

/// One host socket and which side of the rc socket it is.
#[derive(Clone)]
struct Endpoint {
    socket: Rc<HostSocket>,
    side: Side,
}

/// Socket options the guest set, replayed on host sockets created later: a companion, or a
/// fresh own socket after a failed dual bind.
#[derive(Debug, Clone, Copy, Default)]
struct Options {
    hop_limit: Option<u8>,
    receive_buffer: Option<u64>,
    send_buffer: Option<u64>,
}

/// How many datagrams a readiness check takes from the host at once (a 0.3 probe takes one):
/// the most one 0.2.x `receive` returns, so that a busy socket is read in batches, as a
/// native p2 guest reads it, and not one datagram per `poll`.
pub const READ_AHEAD: u64 = 16;

/// How often a dual bind to port 0 tries again when the port its IPv6 socket got is taken
/// on IPv4 (a real dual-stack socket gets a port free on both).
const DUAL_BIND_ATTEMPTS: u32 = 16;

pub struct SocketCore {
    family: IpAddressFamily,
    own: RefCell<Endpoint>,
    companion: RefCell<Option<Endpoint>>,
    layout: Cell<Layout>,
    /// The host socket `%stream` connected, if any; the other one is not read meanwhile.
    connected: Cell<Option<Side>>,
    options: Cell<Options>,
    queue: RefCell<VecDeque<Datagram>>,
    /// An error a host receive met, reported by the next rc `receive`.
    error: Cell<Option<ErrorCode>>,
    /// rc datagram streams alive on this socket (`%stream` traps while any are).
    pub live_streams: Cell<u32>,
}

impl SocketCore {
    pub fn new(family: IpAddressFamily) -> Result<Rc<Self>, ErrorCode> {
        Ok(Rc::new(SocketCore {
            family,
            own: RefCell::new(new_endpoint(family, Side::Own, Options::default())?),
            companion: RefCell::default(),
            layout: Cell::default(),
            connected: Cell::new(None),
            options: Cell::default(),
            queue: RefCell::default(),
            error: Cell::new(None),
            live_streams: Cell::new(0),
        }))
    }

    fn endpoint(&self, side: Side) -> Endpoint {
        match side {
            Side::Own => self.own.borrow().clone(),
            Side::Companion => self.companion.borrow().clone().expect("companion socket"),
        }
    }

    /// The host socket whose options and addresses stand for the rc socket's.
    fn primary(&self) -> Endpoint {
        self.endpoint(self.connected.get().unwrap_or(self.layout.get().primary()))
    }

    /// The host sockets rc `receive` reads.
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
            Layout::Own => self.own.borrow().socket.bind(local)?,
            Layout::Mapped => {
                let companion = self.new_endpoint(IpAddressFamily::Ipv4, Side::Companion)?;
                companion
                    .socket
                    .bind(dual_stack::companion_bind(local, 0))?;
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
            let own = self.own.borrow().socket.clone();
            own.bind(local)?;
            let port = own.local_address()?.port();
            let companion = self.new_endpoint(IpAddressFamily::Ipv4, Side::Companion)?;
            match companion
                .socket
                .bind(dual_stack::companion_bind(local, port))
            {
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

    fn new_endpoint(&self, family: IpAddressFamily, side: Side) -> Result<Endpoint, ErrorCode> {
        new_endpoint(family, side, self.options.get())
    }

    /// Associates with `remote` (as the guest wrote it).
    pub fn connect(&self, remote: SocketAddr) -> Result<(), ErrorCode> {
        let (side, addr) = self
            .layout
            .get()
            .route(remote)
            .map_err(conv::connect_mismatch)?;
        self.endpoint(side).socket.connect(addr)?;
        self.connected.set(Some(side));
        Ok(())
    }

    pub fn disconnect(&self) -> Result<(), ErrorCode> {
        if let Some(side) = self.connected.get() {
            self.endpoint(side).socket.disconnect()?;
            self.connected.set(None);
        }
        Ok(())
    }

    pub fn local_address(&self) -> Result<SocketAddr, ErrorCode> {
        let endpoint = self.primary();
        Ok(dual_stack::shown(
            endpoint.side,
            endpoint.socket.local_address()?,
        ))
    }

    pub fn remote_address(&self) -> Result<SocketAddr, ErrorCode> {
        let endpoint = self.primary();
        Ok(dual_stack::shown(
            endpoint.side,
            endpoint.socket.remote_address()?,
        ))
    }

    // ---- options: read from the primary socket, set on every socket ----

    pub fn unicast_hop_limit(&self) -> Result<u8, ErrorCode> {
        self.primary().socket.unicast_hop_limit()
    }

    pub fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.primary().socket.receive_buffer_size()
    }

    pub fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.primary().socket.send_buffer_size()
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
        set: impl Fn(&HostSocket) -> Result<(), ErrorCode>,
        record: impl FnOnce(&mut Options),
    ) -> Result<(), ErrorCode> {
        set(&self.own.borrow().socket)?;
        if let Some(companion) = &*self.companion.borrow() {
            set(&companion.socket)?;
        }
        let mut options = self.options.get();
        record(&mut options);
        self.options.set(options);
        Ok(())
    }

    // ---- receiving ----

    /// Something for rc `receive` to return: a queued datagram or an error.
    fn has_news(&self) -> bool {
        !self.queue.borrow().is_empty() || self.error.get().is_some()
    }

    /// Whether rc `receive` has something, asking the host if the backend allows.
    pub fn readable(&self, now: u64, crowd: u32) -> bool {
        self.has_news() || self.fetch(now, crowd, READ_AHEAD)
    }

    /// Whether a wait has rc `receive` news before it sleeps. Where the host's pollable wakes
    /// the sleep (`HostUdp::WAKES_WAITS`), asking the host first would be one more call per
    /// wake for nothing: the sleep returns at once if the host holds a datagram.
    pub fn ready_before_sleep(&self, now: u64, crowd: u32) -> bool {
        if HostSocket::WAKES_WAITS {
            self.has_news()
        } else {
            self.readable(now, crowd)
        }
    }

    /// When the host may next be asked (monotonic-clock ns); `u64::MAX` if it wakes us.
    pub fn next_fetch_at(&self) -> u64 {
        self.receiving()
            .iter()
            .map(|&side| self.endpoint(side).socket.next_receive_at())
            .min()
            .unwrap_or(u64::MAX)
    }

    /// Host pollables that wake a wait when a socket rc `receive` reads has something.
    pub fn wake_pollables(&self) -> impl Iterator<Item = Rc<Pollable>> + '_ {
        self.receiving()
            .iter()
            .filter_map(|&side| self.endpoint(side).socket.wake_on_receive())
    }

    /// Asks every host socket rc `receive` reads for up to `max` datagrams each, queueing
    /// them. True if any brought news. `crowd`: how many sockets the current wait covers.
    pub fn fetch(&self, now: u64, crowd: u32, max: u64) -> bool {
        let mut news = false;
        let mut got = Vec::new();
        for &side in self.receiving() {
            let endpoint = self.endpoint(side);
            if let Err(error) = endpoint.socket.receive(now, crowd, max, &mut got) {
                self.error.set(Some(error));
                news = true;
            }
            news |= !got.is_empty();
            let mut queue = self.queue.borrow_mut();
            queue.extend(got.drain(..).map(|HostDatagram { data, from }| Datagram {
                data,
                from: dual_stack::shown(side, from),
            }));
        }
        news
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

    /// Sends `batch` (addresses as the guest wrote them; `None` for the connected peer) in
    /// order, each run of datagrams for the same host socket as one host send.
    pub fn send(&self, batch: Vec<Outgoing>) -> Sent {
        let mut done = 0;
        let mut run: Vec<Outgoing> = Vec::new();
        let mut run_side = None;
        for datagram in batch {
            let (side, to) = match datagram.to {
                None => (
                    self.connected
                        .get()
                        .expect("send without address on an unconnected socket"),
                    None,
                ),
                Some(addr) => match self.layout.get().route(addr) {
                    Ok((side, addr)) => (side, Some(addr)),
                    Err(m) => {
                        let stop = SendStop::Failed(conv::send_mismatch(m));
                        return self.flush(run_side, run, done, Some(stop));
                    }
                },
            };
            if run_side.is_some_and(|s| s != side) {
                let sent = self.flush(run_side, std::mem::take(&mut run), done, None);
                if sent.stop.is_some() {
                    return sent;
                }
                done = sent.sent;
            }
            run_side = Some(side);
            run.push(Outgoing {
                data: datagram.data,
                to,
            });
        }
        self.flush(run_side, run, done, None)
    }

    /// Sends one run on `side`; `done` were sent before it, and `then` is why the batch stops
    /// after it, if it does.
    fn flush(
        &self,
        side: Option<Side>,
        run: Vec<Outgoing>,
        done: usize,
        then: Option<SendStop>,
    ) -> Sent {
        let (Some(side), false) = (side, run.is_empty()) else {
            return Sent {
                sent: done,
                stop: then,
            };
        };
        let wanted = run.len();
        let sent = self.endpoint(side).socket.send(run);
        Sent {
            sent: done + sent.sent,
            stop: if sent.sent < wanted {
                sent.stop.or(Some(SendStop::WouldBlock))
            } else {
                then
            },
        }
    }
}

/// A fresh host socket with the options the guest has set so far.
fn new_endpoint(family: IpAddressFamily, side: Side, o: Options) -> Result<Endpoint, ErrorCode> {
    let socket = HostSocket::create(family)?;
    // Values the guest set were accepted once; a refusal here would be the kernel's.
    if let Some(v) = o.hop_limit {
        socket.set_unicast_hop_limit(v)?;
    }
    if let Some(v) = o.receive_buffer {
        socket.set_receive_buffer_size(v)?;
    }
    if let Some(v) = o.send_buffer {
        socket.set_send_buffer_size(v)?;
    }
    Ok(Endpoint {
        socket: Rc::new(socket),
        side,
    })
}
