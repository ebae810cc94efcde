//! The one interface rc UDP stands on, and the backend this build puts under it.
//!
//! Everything rc about UDP (bind and stream states, send permits, address checks, dual-stack
//! routing, the error mapping, wasmtime 15's quirks) lives above this line, in
//! `sockets/udp.rs` and `udp_core.rs`, once. Below it sits one host socket, from one of two
//! backends, chosen when the adapter is built (`docs/design.md`, "Two UDP backends"):
//! - `p3_udp` (the default): `wasi:sockets/types@0.3.0`. Its receive is async, so the
//!   backend *probes* and parks what did not finish, which costs host memory while idle;
//! - `p2_udp` (`--features udp-p2`): `wasi:sockets/udp@0.2.12`, which the host serves
//!   synchronously and wakes natively: nothing is parked, and no async builtin is imported.

use crate::io_p2::poll::Pollable;
use crate::rc::network::{ErrorCode, IpAddressFamily};
use core::net::SocketAddr;
use std::rc::Rc;

#[cfg(not(feature = "udp-p2"))]
pub use crate::p3_udp::{
    parked::reap as settle, probe_stats::note_sleep, socket03::Socket03 as HostSocket,
};

#[cfg(feature = "udp-p2")]
pub use crate::p2_udp::{Socket02 as HostSocket, note_sleep, settle};

/// A datagram as a host socket received it (its sender as that socket saw it).
pub struct HostDatagram {
    pub data: Vec<u8>,
    pub from: SocketAddr,
}

/// A datagram for a host socket to send; `to` is `None` for the connected peer.
pub struct Outgoing {
    pub data: Vec<u8>,
    pub to: Option<SocketAddr>,
}

/// Why a send stopped before the end of its batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendStop {
    /// The host could not take the next datagram at once; it was not sent.
    WouldBlock,
    Failed(ErrorCode),
}

/// What a batch send did: the first `sent` datagrams went out, then it stopped, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub stop: Option<SendStop>,
}

/// One host UDP socket: the calls of a BSD socket, none of which may block.
pub trait HostUdp: Sized {
    /// Whether a receive that finds nothing costs nothing lasting, so that rc `receive` may
    /// ask the host for more after queued datagrams.
    const CHEAP_RECEIVE: bool;
    /// Whether `wake_on_receive` is ready whenever `receive` would find something, so that a
    /// wait may sleep on it without asking the host first.
    const WAKES_WAITS: bool;

    fn create(family: IpAddressFamily) -> Result<Self, ErrorCode>;
    /// Binds in one step (the rc two-phase bind is kept above).
    fn bind(&self, local: SocketAddr) -> Result<(), ErrorCode>;
    fn connect(&self, remote: SocketAddr) -> Result<(), ErrorCode>;
    fn disconnect(&self) -> Result<(), ErrorCode>;
    fn local_address(&self) -> Result<SocketAddr, ErrorCode>;
    fn remote_address(&self) -> Result<SocketAddr, ErrorCode>;
    fn unicast_hop_limit(&self) -> Result<u8, ErrorCode>;
    fn set_unicast_hop_limit(&self, value: u8) -> Result<(), ErrorCode>;
    fn receive_buffer_size(&self) -> Result<u64, ErrorCode>;
    fn set_receive_buffer_size(&self, value: u64) -> Result<(), ErrorCode>;
    fn send_buffer_size(&self) -> Result<u64, ErrorCode>;
    fn set_send_buffer_size(&self, value: u64) -> Result<(), ErrorCode>;

    /// Takes up to `max` datagrams the host already holds into `into`, or the error a receive
    /// met. Never waits. A backend may decline to ask the host before `next_receive_at`;
    /// `crowd` is how many sockets the current wait covers (1 outside `poll`).
    fn receive(
        self: &Rc<Self>,
        now: u64,
        crowd: u32,
        max: u64,
        into: &mut Vec<HostDatagram>,
    ) -> Result<(), ErrorCode>;
    /// When `receive` may next ask the host (monotonic-clock ns); `u64::MAX` if the host wakes
    /// a wait itself, through `wake_on_receive`.
    fn next_receive_at(&self) -> u64;
    /// A host pollable that is ready when `receive` would find something, if the host has one.
    fn wake_on_receive(&self) -> Option<Rc<Pollable>>;

    /// Sends `batch` in order, stopping at the first datagram the host does not take.
    fn send(self: &Rc<Self>, batch: Vec<Outgoing>) -> Sent;
}
