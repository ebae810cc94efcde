//! One 0.3 UDP socket as a `HostUdp`.
//!
//! rc `receive` never blocks and rc pollables must say whether data is waiting, but 0.3 only
//! has an async `receive`. So a *probe* starts one 0.3 receive: data already waiting comes
//! back at once; otherwise the call is cancelled and parked (`parked`), and the
//! `ProbeSchedule` spaces further probes out, because each empty probe costs host memory.

use crate::bindings::wasi::clocks0_2_12::monotonic_clock as p2_clock;
use crate::io_p2::poll::Pollable;
use crate::p3;
use crate::p3_udp::abi::{self, ReceiveOutcome, ReceiveResult, SendParams, SendResult, Started};
use crate::p3_udp::conv03 as conv;
use crate::p3_udp::parked::{self, Pending};
use crate::p3_udp::probe_schedule::ProbeSchedule;
use crate::p3_udp::probe_stats::{self, Event};
use crate::rc::network::{ErrorCode, IpAddressFamily};
use crate::udp_backend::{HostDatagram, HostUdp, Outgoing, SendStop, Sent};
use core::net::SocketAddr;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

pub struct Socket03 {
    socket: p3::UdpSocket,
    probe: Cell<ProbeSchedule>,
    /// What a parked receive brought after all (`parked::deliver_late`).
    late: RefCell<VecDeque<ReceiveOutcome>>,
}

impl Socket03 {
    /// Queues what a parked receive returned late.
    pub fn deliver_late(&self, outcome: ReceiveOutcome) {
        self.late.borrow_mut().push_back(outcome);
    }

    fn address(
        &self,
        get: impl FnOnce(&p3::UdpSocket) -> Result<p3::IpSocketAddress, p3::ErrorCode>,
    ) -> Result<SocketAddr, ErrorCode> {
        Ok(conv::from_p3(
            get(&self.socket).map_err(conv::error_from_p3)?,
        ))
    }

    /// Starts one 0.3 receive; `None` if it did not finish at once (it is parked).
    fn start_receive(self: &Rc<Self>) -> Option<ReceiveOutcome> {
        spend_host_io();
        let mut result = ReceiveResult::new();
        match abi::start_receive(self.socket.handle(), &mut result) {
            // SAFETY: RETURNED means the host wrote the result.
            Started::Returned => Some(unsafe { result.take() }),
            Started::Pending(subtask) => {
                let call = Pending::Receive {
                    socket: self.clone(),
                    result,
                };
                match parked::cancel(subtask, call) {
                    // SAFETY: the cancel found the call already returned.
                    Some(Pending::Receive { result, .. }) => Some(unsafe { result.take() }),
                    _ => None,
                }
            }
        }
    }

    /// Hands one datagram to 0.3 `send`.
    fn send_one(self: &Rc<Self>, datagram: Outgoing) -> Option<SendStop> {
        let params = SendParams::new(
            self.socket.handle(),
            &datagram.data,
            datagram.to.map(conv::to_raw),
        );
        spend_host_io();
        let mut result = SendResult::new();
        let result = match abi::start_send(&params, &mut result) {
            Started::Returned => result,
            Started::Pending(subtask) => {
                let call = Pending::Send {
                    result,
                    _socket: self.clone(),
                    _payload: datagram.data,
                };
                match parked::cancel(subtask, call) {
                    Some(Pending::Send { result, .. }) => result,
                    _ => return Some(SendStop::WouldBlock),
                }
            }
        };
        if result.tag == 0 {
            None
        } else {
            let error = conv::error_from_p3_tag(result.error.into_tag());
            Some(SendStop::Failed(error))
        }
    }
}

fn push(outcome: ReceiveOutcome, into: &mut Vec<HostDatagram>) -> Result<(), ErrorCode> {
    match outcome {
        ReceiveOutcome::Datagram(data, from) => {
            into.push(HostDatagram {
                data,
                from: conv::from_raw(&from),
            });
            Ok(())
        }
        ReceiveOutcome::Error(code) => Err(conv::error_from_p3_tag(code.into_tag())),
    }
}

impl HostUdp for Socket03 {
    /// An empty probe parks a cancelled call (`parked`).
    const CHEAP_RECEIVE: bool = false;
    const WAKES_WAITS: bool = false;

    fn create(family: IpAddressFamily) -> Result<Self, ErrorCode> {
        let socket =
            p3::UdpSocket::create(conv::family_to_p3(family)).map_err(conv::error_from_p3)?;
        Ok(Socket03 {
            socket,
            probe: Cell::default(),
            late: RefCell::default(),
        })
    }

    fn bind(&self, local: SocketAddr) -> Result<(), ErrorCode> {
        let local = conv::to_p3(local);
        self.socket.bind(local).map_err(conv::error_from_p3)
    }

    fn connect(&self, remote: SocketAddr) -> Result<(), ErrorCode> {
        let remote = conv::to_p3(remote);
        self.socket.connect(remote).map_err(conv::error_from_p3)
    }

    fn disconnect(&self) -> Result<(), ErrorCode> {
        self.socket.disconnect().map_err(conv::error_from_p3)
    }

    fn local_address(&self) -> Result<SocketAddr, ErrorCode> {
        self.address(p3::UdpSocket::get_local_address)
    }

    fn remote_address(&self) -> Result<SocketAddr, ErrorCode> {
        self.address(p3::UdpSocket::get_remote_address)
    }

    fn unicast_hop_limit(&self) -> Result<u8, ErrorCode> {
        self.socket
            .get_unicast_hop_limit()
            .map_err(conv::error_from_p3)
    }

    fn set_unicast_hop_limit(&self, value: u8) -> Result<(), ErrorCode> {
        let set = self.socket.set_unicast_hop_limit(value);
        set.map_err(conv::error_from_p3)
    }

    fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        let size = self.socket.get_receive_buffer_size();
        size.map_err(conv::error_from_p3)
    }

    fn set_receive_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        let set = self.socket.set_receive_buffer_size(value);
        set.map_err(conv::error_from_p3)
    }

    fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        let size = self.socket.get_send_buffer_size();
        size.map_err(conv::error_from_p3)
    }

    fn set_send_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        let set = self.socket.set_send_buffer_size(value);
        set.map_err(conv::error_from_p3)
    }

    /// At most one datagram: a 0.3 receive returns one. Probes only when the schedule allows.
    fn receive(
        self: &Rc<Self>,
        now: u64,
        crowd: u32,
        _max: u64,
        into: &mut Vec<HostDatagram>,
    ) -> Result<(), ErrorCode> {
        if let Some(outcome) = self.late.borrow_mut().pop_front() {
            return push(outcome, into);
        }
        let mut schedule = self.probe.get();
        if !schedule.due(now) {
            return Ok(());
        }
        let outcome = self.start_receive();
        match outcome {
            Some(_) => {
                schedule.on_data(now);
                probe_stats::count(Event::ProbeHit);
            }
            None => {
                schedule.on_empty(now, crowd);
                probe_stats::count(Event::ProbeEmpty);
            }
        }
        self.probe.set(schedule);
        probe_stats::report_if_due(now);
        outcome.map_or(Ok(()), |outcome| push(outcome, into))
    }

    fn next_receive_at(&self) -> u64 {
        if self.late.borrow().is_empty() {
            self.probe.get().next_at()
        } else {
            0
        }
    }

    /// 0.3 has no pollable; the wait loop sleeps until `next_receive_at`.
    fn wake_on_receive(&self) -> Option<Rc<Pollable>> {
        None
    }

    fn send(self: &Rc<Self>, batch: Vec<Outgoing>) -> Sent {
        let mut sent = 0;
        for datagram in batch {
            if let Some(stop) = self.send_one(datagram) {
                return Sent {
                    sent,
                    stop: Some(stop),
                };
            }
            sent += 1;
        }
        Sent { sent, stop: None }
    }
}

/// Host socket calls per host task turn before we yield: below tokio's budget of 128
/// (`yield_to_host` says why), with room for the host's own polls.
const HOST_IO_PER_YIELD: u32 = 96;

thread_local! {
    static HOST_IO_SINCE_YIELD: Cell<u32> = const { Cell::new(0) };
}

/// Counts one host socket call, yielding to the host first when the budget is nearly spent.
/// Sleeping in the wait loop yields too, but a busy guest may never sleep.
fn spend_host_io() {
    let spent = HOST_IO_SINCE_YIELD.get() + 1;
    if spent >= HOST_IO_PER_YIELD {
        yield_to_host();
        probe_stats::count(Event::Yield);
        HOST_IO_SINCE_YIELD.set(0);
    } else {
        HOST_IO_SINCE_YIELD.set(spent);
    }
}

/// Lets the host's async runtime take a turn. wasmtime 50 runs a whole p2 command inside one
/// tokio task, and tokio gives each task turn a budget of 128 I/O polls; once it is spent,
/// every socket call returns Pending (a STARTED send, an empty probe) even though the socket
/// is ready. Measured: 676 sends out of 42,000 were STARTED in an echo burst, one every ~64
/// datagrams. A zero-length p2 sleep yields the task (wasmtime's `Deadline::Past` does a
/// `yield_now`), which starts a fresh budget; it costs no timer tick.
fn yield_to_host() {
    p2_clock::subscribe_duration(0).block();
}
