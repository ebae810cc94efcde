//! One 0.3 UDP socket, shared by an rc `udp-socket`, its datagram streams, their pollables
//! and any parked calls that still borrow it.
//!
//! rc `receive` never blocks and rc pollables must say whether data is waiting, but 0.3 only
//! has an async `receive`. So a *probe* starts one 0.3 receive: data already waiting comes
//! back at once and is queued here; otherwise the call is cancelled and parked, and the
//! `ProbeSchedule` spaces further probes out, because each empty probe costs host memory.

use crate::abi::{self, ReceiveOutcome, ReceiveResult, SendParams, SendResult, Started};
use crate::conv;
use crate::p3;
use crate::poll;
use crate::parked::{self, Pending};
use crate::rc::network::ErrorCode;
use crate::state::ProbeSchedule;
use core::net::SocketAddr;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

pub struct Datagram {
    pub data: Vec<u8>,
    pub from: SocketAddr,
}

pub struct SocketCore {
    pub socket: p3::UdpSocket,
    queue: RefCell<VecDeque<Datagram>>,
    /// An error a probe received, reported by the next rc `receive`.
    error: Cell<Option<ErrorCode>>,
    probe: Cell<ProbeSchedule>,
    /// rc datagram streams alive on this socket (`%stream` traps while any are).
    pub live_streams: Cell<u32>,
}

/// The outcome of one datagram handed to 0.3 `send`.
pub enum SendOutcome {
    Sent,
    /// The host could not take it at once; it was not sent.
    WouldBlock,
    Failed(ErrorCode),
}

impl SocketCore {
    pub fn new(socket: p3::UdpSocket) -> Rc<Self> {
        Rc::new(SocketCore {
            socket,
            queue: RefCell::default(),
            error: Cell::new(None),
            probe: Cell::default(),
            live_streams: Cell::new(0),
        })
    }

    fn handle(&self) -> u32 {
        self.socket.handle()
    }

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
        self.probe.get().next_at()
    }

    /// Starts one 0.3 receive if the schedule allows. True if it brought news.
    /// `crowd`: how many sockets the current wait covers (1 outside `poll`).
    pub fn probe(self: &Rc<Self>, now: u64, crowd: u32) -> bool {
        let mut schedule = self.probe.get();
        if !schedule.due(now) {
            return false;
        }
        spend_host_io();
        let mut result = ReceiveResult::new();
        let outcome = match abi::start_receive(self.handle(), &mut result) {
            // SAFETY: RETURNED means the host wrote the result.
            Started::Returned => Some(unsafe { result.take() }),
            Started::Pending(subtask) => {
                match parked::cancel(subtask, Pending::Receive(self.clone(), result)) {
                    // SAFETY: the cancel found the call already returned.
                    Some(Pending::Receive(_, result)) => Some(unsafe { result.take() }),
                    _ => None,
                }
            }
        };
        let got = outcome.is_some();
        match outcome {
            Some(outcome) => {
                self.accept(outcome);
                schedule.on_data(now);
            }
            None => schedule.on_empty(now, crowd),
        }
        self.probe.set(schedule);
        got
    }

    /// Queues what a 0.3 receive returned.
    pub fn accept(&self, outcome: ReceiveOutcome) {
        match outcome {
            ReceiveOutcome::Datagram(data, from) => {
                let from = conv::from_raw(&from);
                self.queue.borrow_mut().push_back(Datagram { data, from });
            }
            ReceiveOutcome::Error(code) => {
                self.error.set(Some(conv::error_from_p3_tag(code.into_tag())));
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

    /// Hands one datagram to 0.3 `send`. `to` is `None` on a connected socket.
    pub fn send(self: &Rc<Self>, data: Vec<u8>, to: Option<SocketAddr>) -> SendOutcome {
        let params = SendParams::new(self.handle(), &data, to.map(conv::to_raw));
        spend_host_io();
        let mut result = SendResult::new();
        let result = match abi::start_send(&params, &mut result) {
            Started::Returned => result,
            Started::Pending(subtask) => {
                let call = Pending::Send { result, _socket: self.clone(), _payload: data };
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
        HOST_IO_SINCE_YIELD.set(0);
    } else {
        HOST_IO_SINCE_YIELD.set(spent);
    }
}
