//! The 0.2.x backend of rc UDP (`udp_backend`): one `wasi:sockets/udp@0.2.12` socket as a
//! `HostUdp`. Every call is sync-typed on both sides and the host serves it at once; a wait
//! blocks in the host's `poll` on the incoming stream's pollable. Nothing is parked, so an
//! idle server costs no host memory, and no async builtin is imported.
//!
//! 0.2.x keeps the two-phase bind and the `%stream` pairs the rc layer already emulates; this
//! socket binds in one step and keeps one pair of host streams of its own, reopened on
//! every (dis)connect.

use crate::conv;
use crate::io_p2::poll::Pollable;
use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::same_shape::Conv;
use crate::sockets_p2::{instance_network, network::Network};
use crate::udp_backend::{HostDatagram, HostUdp, Outgoing, SendStop, Sent};
use crate::udp_p2::udp::{
    IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream, UdpSocket,
};
use crate::udp_p2::udp_create_socket::create_udp_socket;
use core::net::SocketAddr;
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

/// A socket's host streams. Declared before the socket in `Socket02`, so that they drop
/// first: the host keeps them as the socket's children.
struct Streams {
    /// The incoming stream's pollable, made once per pair rather than per wait (a child of
    /// `incoming`, so it drops first).
    readable: Rc<Pollable>,
    incoming: IncomingDatagramStream,
    outgoing: OutgoingDatagramStream,
}

pub struct Socket02 {
    streams: RefCell<Option<Streams>>,
    /// What the last host `check-send` granted that no host `send` has used yet.
    permit: Cell<u64>,
    socket: UdpSocket,
}

fn to_p2(addr: SocketAddr) -> crate::sockets_p2::network::IpSocketAddress {
    conv::to_rc(addr).conv()
}

fn from_p2(addr: crate::sockets_p2::network::IpSocketAddress) -> SocketAddr {
    conv::from_rc(addr.conv())
}

fn host<T>(result: Result<T, crate::sockets_p2::network::ErrorCode>) -> Result<T, ErrorCode> {
    result.map_err(Conv::conv)
}

thread_local! {
    static NETWORK: OnceCell<Network> = const { OnceCell::new() };
}

impl Socket02 {
    /// Replaces the host streams with a fresh pair, associated with `remote` if given.
    fn reopen(&self, remote: Option<SocketAddr>) -> Result<(), ErrorCode> {
        // The host traps on `%stream` while the old pair lives.
        *self.streams.borrow_mut() = None;
        self.permit.set(0);
        let (incoming, outgoing) = host(self.socket.stream(remote.map(to_p2)))?;
        let readable = Rc::new(incoming.subscribe());
        *self.streams.borrow_mut() = Some(Streams {
            readable,
            incoming,
            outgoing,
        });
        Ok(())
    }

    /// Sends the first datagrams of `batch` the host permits. `Ok(0)` if it permits none.
    fn send_permitted(
        &self,
        out: &OutgoingDatagramStream,
        batch: &[OutgoingDatagram],
    ) -> Result<usize, ErrorCode> {
        if self.permit.get() == 0 {
            self.permit.set(host(out.check_send())?);
        }
        let n = batch.len().min(self.permit.get() as usize);
        if n == 0 {
            return Ok(0);
        }
        // Each host send uses up the permit, whatever it sent.
        self.permit.set(0);
        Ok(host(out.send(&batch[..n]))? as usize)
    }
}

impl HostUdp for Socket02 {
    const CHEAP_RECEIVE: bool = true;
    const WAKES_WAITS: bool = true;

    fn create(family: IpAddressFamily) -> Result<Self, ErrorCode> {
        let socket = host(create_udp_socket(family.conv()))?;
        Ok(Socket02 {
            streams: RefCell::default(),
            permit: Cell::new(0),
            socket,
        })
    }

    fn bind(&self, local: SocketAddr) -> Result<(), ErrorCode> {
        NETWORK.with(|network| {
            let network = network.get_or_init(instance_network::instance_network);
            host(self.socket.start_bind(network, to_p2(local)))
        })?;
        host(self.socket.finish_bind())?;
        self.reopen(None)
    }

    /// A failed connect leaves the socket unconnected and readable, as on the rc host.
    fn connect(&self, remote: SocketAddr) -> Result<(), ErrorCode> {
        self.reopen(Some(remote)).inspect_err(|_| {
            let _ = self.reopen(None);
        })
    }

    fn disconnect(&self) -> Result<(), ErrorCode> {
        self.reopen(None)
    }

    fn local_address(&self) -> Result<SocketAddr, ErrorCode> {
        host(self.socket.local_address()).map(from_p2)
    }

    fn remote_address(&self) -> Result<SocketAddr, ErrorCode> {
        host(self.socket.remote_address()).map(from_p2)
    }

    fn unicast_hop_limit(&self) -> Result<u8, ErrorCode> {
        host(self.socket.unicast_hop_limit())
    }

    fn set_unicast_hop_limit(&self, value: u8) -> Result<(), ErrorCode> {
        host(self.socket.set_unicast_hop_limit(value))
    }

    fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        host(self.socket.receive_buffer_size())
    }

    fn set_receive_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        host(self.socket.set_receive_buffer_size(value))
    }

    fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        host(self.socket.send_buffer_size())
    }

    fn set_send_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        host(self.socket.set_send_buffer_size(value))
    }

    fn receive(
        self: &Rc<Self>,
        _now: u64,
        _crowd: u32,
        max: u64,
        into: &mut Vec<HostDatagram>,
    ) -> Result<(), ErrorCode> {
        let streams = self.streams.borrow();
        let Some(streams) = &*streams else {
            return Ok(());
        };
        let got = host(streams.incoming.receive(max))?;
        into.extend(got.into_iter().map(|d| HostDatagram {
            data: d.data,
            from: from_p2(d.remote_address),
        }));
        Ok(())
    }

    fn next_receive_at(&self) -> u64 {
        u64::MAX
    }

    /// Held by a wait only while it sleeps, which no reopen can interrupt.
    fn wake_on_receive(&self) -> Option<Rc<Pollable>> {
        let streams = self.streams.borrow();
        streams.as_ref().map(|s| s.readable.clone())
    }

    fn send(self: &Rc<Self>, batch: Vec<Outgoing>) -> Sent {
        let streams = self.streams.borrow();
        let out = &streams.as_ref().expect("send on a bound socket").outgoing;
        let batch: Vec<OutgoingDatagram> = batch
            .into_iter()
            .map(|d| OutgoingDatagram {
                data: d.data,
                remote_address: d.to.map(to_p2),
            })
            .collect();
        let mut sent = 0;
        while sent < batch.len() {
            match self.send_permitted(out, &batch[sent..]) {
                Ok(0) => break,
                Ok(n) => sent += n,
                Err(e) => {
                    return Sent {
                        sent,
                        stop: Some(SendStop::Failed(e)),
                    };
                }
            }
        }
        Sent {
            sent,
            stop: (sent < batch.len()).then_some(SendStop::WouldBlock),
        }
    }
}

/// Nothing is ever parked.
pub fn settle() {}

/// Sleeps are only counted in the 0.3 build's `probe-stats`.
pub fn note_sleep() {}
