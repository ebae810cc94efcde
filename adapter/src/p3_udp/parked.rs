//! Calls the host could not finish at once.
//!
//! Inside a sync-typed call the host's event loop never runs, so a STARTED 0.3 call cannot
//! finish before we return. We cancel it at once: wasmtime checks the abort flag before it
//! polls the host future again, so a cancelled receive takes no datagram and a cancelled send
//! puts nothing on the wire. The subtask still has to resolve (the host drops the future on
//! its next event-loop turn), and its result area and the 0.3 socket it borrows must stay
//! alive until then. This module keeps them, and `reap` collects whatever has resolved.
//!
//! A guest that never returns from its top-level call (a server) never lets them resolve,
//! and each holds two host store handles. Before the host's handle limit traps somewhere
//! deep in a backtrace, `handle_limit` stops the program with a line that says why and what to do.

use crate::p3_udp::abi::{self, CancelOutcome, ReceiveResult, SendResult};
use crate::p3_udp::handle_limit;
use crate::p3_udp::probe_stats::{self, Event};
use crate::p3_udp::socket03::Socket03;
use std::cell::RefCell;
use std::rc::Rc;

/// A cancelled call the host has not resolved yet.
pub enum Pending {
    /// `socket` takes a late datagram, and stays alive for the host to borrow.
    Receive {
        socket: Rc<Socket03>,
        result: Box<ReceiveResult>,
    },
    /// The payload is kept too, in case the host reads it late.
    Send {
        result: Box<SendResult>,
        _socket: Rc<Socket03>,
        _payload: Vec<u8>,
    },
}

#[derive(Default)]
struct Parked {
    set: Option<u32>,
    calls: Vec<(u32, Pending)>,
}

thread_local! {
    static PARKED: RefCell<Parked> = RefCell::new(Parked::default());
}

/// Cancels a STARTED call. Returns the call back if it had in fact already returned, so that
/// the caller reads its result; otherwise it is parked (or gone, if cancelled outright).
pub fn cancel(subtask: u32, call: Pending) -> Option<Pending> {
    match abi::cancel(subtask) {
        CancelOutcome::Returned => {
            abi::drop_subtask(subtask);
            Some(call)
        }
        CancelOutcome::Cancelled => {
            abi::drop_subtask(subtask);
            None
        }
        CancelOutcome::Blocked => {
            let parked = PARKED.with_borrow_mut(|p| {
                let set = *p.set.get_or_insert_with(abi::new_waitable_set);
                // Joining must come after the cancel: wasmtime traps on cancelling a subtask
                // that is in a waitable set.
                abi::join(subtask, set);
                p.calls.push((subtask, call));
                probe_stats::count(Event::Parked);
                p.calls.len()
            });
            handle_limit::check(parked);
            None
        }
    }
}

/// Collects every parked call the host has resolved since we last looked. A receive that
/// resolved with a datagram hands it to its socket; everything else is dropped, which frees
/// the result area and may release the last reference to the 0.3 socket.
pub fn reap() {
    loop {
        let resolved = PARKED.with_borrow_mut(|p| {
            let set = p.set?;
            if p.calls.is_empty() {
                return None;
            }
            let (subtask, returned) = abi::poll_resolved(set)?;
            let i = p.calls.iter().position(|(s, _)| *s == subtask)?;
            Some((subtask, returned, p.calls.swap_remove(i).1))
        });
        let Some((subtask, returned, call)) = resolved else {
            return;
        };
        abi::drop_subtask(subtask);
        probe_stats::count(Event::Reaped);
        if returned {
            deliver_late(call);
        }
    }
}

/// A call that returned after we cancelled it. wasmtime 50 does not do this (the abort flag
/// is checked first), but a receive that did would carry a datagram that must not be lost.
fn deliver_late(call: Pending) {
    if let Pending::Receive { socket, result } = call {
        // SAFETY: the host returned the call, so the result is written, and we read it once.
        socket.deliver_late(unsafe { result.take() });
    }
    // A late-returning send went out after we reported it unsent; nothing can undo that.
}
