//! Counts of what costs host memory, compiled in only with the `probe-stats` feature
//! (`bench soak --probe-stats`). Every cancelled call that parks (`parked`) holds host memory
//! until the top-level call returns, so these counts are that memory, exactly, where the
//! host heap shows it only roughly.
//!
//! The adapter has no stdout; every 100 ms it sends one line, as a datagram from its own
//! 0.3 socket, to `REPORT_TO`. Without the feature every function returns at once and the
//! counters are optimized away, so the shipped adapter has no extra import or socket.

use crate::p3;
use crate::p3_udp::abi::{self, SendParams, SendResult, Started};
use crate::p3_udp::conv03 as conv;
use core::net::{Ipv4Addr, SocketAddr};
use std::cell::{Cell, OnceCell};

/// Where the report datagrams go (IPv4 loopback; the bench listens there).
pub const REPORT_TO: SocketAddr =
    SocketAddr::new(core::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 47_999);

/// Reports are at most this old (ns), so that a sample taken during a soak is current.
const REPORT_EVERY: u64 = 100_000_000;

/// Something worth counting.
#[derive(Clone, Copy)]
pub enum Event {
    /// A probe (a fresh 0.3 receive) brought a datagram or an error.
    ProbeHit,
    /// A probe found nothing.
    ProbeEmpty,
    /// A cancelled call was parked until the host resolves it.
    Parked,
    /// A parked call resolved and was collected.
    Reaped,
    /// The wait loop slept on the host clock.
    Sleep,
    /// A zero sleep to renew the host task's I/O budget.
    Yield,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    hits: u64,
    empty: u64,
    parked: u64,
    reaped: u64,
    sleeps: u64,
    yields: u64,
}

thread_local! {
    static COUNTS: Cell<Counts> = Cell::new(Counts::default());
    static LAST_REPORT: Cell<Option<u64>> = const { Cell::new(None) };
    static SOCKET: OnceCell<p3::UdpSocket> = const { OnceCell::new() };
}

pub fn count(event: Event) {
    if !cfg!(feature = "probe-stats") {
        return;
    }
    let mut c = COUNTS.get();
    let field = match event {
        Event::ProbeHit => &mut c.hits,
        Event::ProbeEmpty => &mut c.empty,
        Event::Parked => &mut c.parked,
        Event::Reaped => &mut c.reaped,
        Event::Sleep => &mut c.sleeps,
        Event::Yield => &mut c.yields,
    };
    *field += 1;
    COUNTS.set(c);
}

/// The wait loop slept on the host clock.
pub fn note_sleep() {
    count(Event::Sleep);
}

/// Sends the counts on the first probe, then whenever `REPORT_EVERY` has passed.
pub fn report_if_due(now: u64) {
    if !cfg!(feature = "probe-stats") || LAST_REPORT.get().is_some_and(|t| now < t + REPORT_EVERY) {
        return;
    }
    LAST_REPORT.set(Some(now));
    let c = COUNTS.get();
    let line = format!(
        "probe-stats hits {} empty {} parked {} reaped {} sleeps {} yields {}",
        c.hits, c.empty, c.parked, c.reaped, c.sleeps, c.yields
    );
    SOCKET.with(|cell| {
        let Some(socket) = cell.get().or_else(|| {
            let socket = p3::UdpSocket::create(p3::IpAddressFamily::Ipv4).ok()?;
            Some(cell.get_or_init(|| socket))
        }) else {
            return;
        };
        let data = line.into_bytes();
        let params = SendParams::new(socket.handle(), &data, Some(conv::to_raw(REPORT_TO)));
        let mut result = SendResult::new();
        if let Started::Pending(_) = abi::start_send(&params, &mut result) {
            // A report the host could not take at once is dropped; the next one carries the
            // same totals. Its result area and data stay allocated for the host (a few
            // hundred bytes, rarely).
            std::mem::forget(result);
            std::mem::forget(data);
        }
    });
}
