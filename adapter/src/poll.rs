//! `wasi:io/poll@0.2.0-rc-2023-11-10`: pollables and the wait loop.
//!
//! Every rc function is sync-typed, and inside a sync-typed call a 0.3 call that does not
//! finish at once never finishes (`docs/design.md`). So waiting is a loop: check every
//! pollable (a socket check is a fresh 0.3 receive *probe*), and if none is ready, sleep on
//! the p2 clock until the earliest moment one could become ready: a timer deadline, a
//! socket's next allowed probe, or a blocked send's retry time.

use crate::bindings::wasi::clocks0_2_12::monotonic_clock as p2_clock;
use crate::clocks;
use crate::io_rc::poll::{Guest, GuestPollable, PollableBorrow};
use crate::parked;
use crate::probe_stats::{self, Event};
use crate::socket03::SocketCore;
use crate::state::{self, SendPermit};
use std::cell::Cell;
use std::rc::Rc;

/// What a pollable waits for.
pub enum Readiness {
    /// Ready at once (the rc `udp-socket.subscribe`, as wasmtime 15 had it).
    Always,
    /// A 0.3 monotonic-clock deadline, in ns.
    Timer(u64),
    /// Data or an error to receive on this socket.
    Incoming(Rc<SocketCore>),
    /// An outgoing stream whose `check-send` will grant a permit.
    Outgoing(Rc<Cell<SendPermit>>),
}

impl Readiness {
    /// Whether it is ready at `now`. May probe a socket; `crowd` is how many sockets the
    /// current wait covers (`state::CROWD_FREE`).
    fn ready(&self, now: u64, crowd: u32) -> bool {
        match self {
            Readiness::Always => true,
            Readiness::Timer(deadline) => now >= *deadline,
            Readiness::Incoming(core) => core.readable(now, crowd),
            Readiness::Outgoing(permit) => permit.get().ready_at() <= now,
        }
    }

    /// The earliest time it could become ready, if checked again.
    fn recheck_at(&self) -> u64 {
        match self {
            Readiness::Always => 0,
            Readiness::Timer(deadline) => *deadline,
            Readiness::Incoming(core) => core.next_probe_at(),
            Readiness::Outgoing(permit) => permit.get().ready_at(),
        }
    }
}

pub struct PollableRep(pub Readiness);

impl GuestPollable for PollableRep {
    fn ready(&self) -> bool {
        parked::reap();
        self.0.ready(clocks::now(), 1)
    }

    fn block(&self) {
        wait(&[&self.0]);
    }
}

impl Guest for crate::Adapter {
    type Pollable = PollableRep;

    fn poll(in_: Vec<PollableBorrow<'_>>) -> Vec<u32> {
        // wasmtime 15 would wait forever here; a trap says what went wrong instead.
        assert!(!in_.is_empty(), "poll: the list of pollables is empty");
        let list: Vec<&Readiness> = in_.iter().map(|p| &p.get::<PollableRep>().0).collect();
        wait(&list)
    }
}

/// Waits until at least one pollable is ready and returns the indices of all that are.
fn wait(list: &[&Readiness]) -> Vec<u32> {
    parked::reap();
    let crowd = list
        .iter()
        .filter(|p| matches!(p, Readiness::Incoming(_)))
        .count() as u32;
    loop {
        let now = clocks::now();
        let ready: Vec<u32> = (0..list.len() as u32)
            .filter(|&i| list[i as usize].ready(now, crowd))
            .collect();
        if !ready.is_empty() {
            return ready;
        }
        // Nothing ready: every recheck time is in the future (a probe that found nothing
        // moved its socket's next probe forward), so this sleeps at least one tick.
        let wake = list.iter().map(|p| p.recheck_at()).min().unwrap_or(now);
        sleep_until(now, wake);
    }
}

/// Lets the host's async runtime take a turn. wasmtime 50 runs a whole p2 command inside one
/// tokio task, and tokio gives each task turn a budget of 128 I/O polls; once it is spent,
/// every socket call returns Pending (a STARTED send, an empty probe) even though the socket
/// is ready. Measured: 676 sends out of 42,000 were STARTED in an echo burst, one every ~64
/// datagrams. A zero-length p2 sleep yields the task (wasmtime's `Deadline::Past` does a
/// `yield_now`), which starts a fresh budget; it costs no timer tick.
pub fn yield_to_host() {
    p2_clock::subscribe_duration(0).block();
}

/// Blocks the whole store until the host's first timer tick at or after `wake`.
fn sleep_until(now: u64, wake: u64) {
    probe_stats::count(Event::Sleep);
    p2_clock::subscribe_duration(state::sleep_request(now, wake)).block();
}
