//! `wasi:io/poll@0.2.0-rc-2023-11-10`: pollables and the one wait loop.
//!
//! Every rc function is sync-typed, and inside a sync-typed call a 0.3 call that does not
//! finish at once never finishes (`docs/design.md`). So waiting is a loop: check every
//! pollable of ours (in the 0.3 UDP build a socket check is a fresh 0.3 receive *probe*; in
//! the 0.2.x build only the socket's queue, as the host's pollable covers the rest), and if
//! none is ready, block in the host's p2 `poll` over the host pollables (streams, files, TCP,
//! name lookup, and each 0.2.x UDP socket's incoming stream in that build) plus a p2 timer
//! for the earliest moment one of ours could become ready: a timer deadline, a socket's next
//! allowed probe, or a blocked send's retry time. A host pollable therefore wakes the wait at
//! once, and a wait over host pollables only is just the host's `poll`.

use crate::bindings::wasi::clocks0_2_12::monotonic_clock as p2_clock;
use crate::clocks::monotonic_clock as clocks;
use crate::io_p2::poll as p2;
use crate::io_rc::poll::{Guest, GuestPollable, Pollable, PollableBorrow};
use crate::same_shape::Conv;
use crate::state::{self, SendPermit};
use crate::udp_backend::{note_sleep, settle};
use crate::udp_core::SocketCore;
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
    /// A host resource's readiness (streams, files, TCP, name lookup): ready when any of
    /// these is (a dual-stack TCP listener stands on two host sockets).
    Host(HostPollables),
}

/// The host pollables one rc pollable stands for: almost always one (a stream's, a body's,
/// whose `subscribe` and drop are the waits of bulk data and HTTP), which needs no vector.
pub enum HostPollables {
    One(p2::Pollable),
    Many(Vec<p2::Pollable>),
}

impl HostPollables {
    pub fn iter(&self) -> std::slice::Iter<'_, p2::Pollable> {
        match self {
            HostPollables::One(one) => std::slice::from_ref(one).iter(),
            HostPollables::Many(many) => many.iter(),
        }
    }
}

impl Readiness {
    /// Whether it is ready at `now`. May probe a socket; `crowd` is how many sockets the
    /// current wait covers (`probe_schedule::CROWD_FREE`). `in_wait`: the caller sleeps next
    /// if nothing is ready, on the sockets' wake pollables too.
    fn ready(&self, now: u64, crowd: u32, in_wait: bool) -> bool {
        match self {
            Readiness::Always => true,
            Readiness::Timer(deadline) => now >= *deadline,
            Readiness::Incoming(core) if in_wait => core.ready_before_sleep(now, crowd),
            Readiness::Incoming(core) => core.readable(now, crowd),
            Readiness::Outgoing(permit) => permit.get().ready_at() <= now,
            Readiness::Host(pollables) => pollables.iter().any(|p| p.ready()),
        }
    }

    /// The earliest time it could become ready, if checked again.
    fn recheck_at(&self) -> u64 {
        match self {
            Readiness::Always => 0,
            Readiness::Timer(deadline) => *deadline,
            Readiness::Incoming(core) => core.next_fetch_at(),
            Readiness::Outgoing(permit) => permit.get().ready_at(),
            // The host wakes the wait itself.
            Readiness::Host(_) => u64::MAX,
        }
    }
}

pub struct PollableRep(pub Readiness);

impl GuestPollable for PollableRep {
    fn ready(&self) -> bool {
        settle();
        self.0.ready(clocks::now(), 1, false)
    }

    fn block(&self) {
        // One host pollable (a stream's, a body's): the host's own `block`, which needs no
        // list lowered and nothing allocated. The most common wait of all.
        if let Readiness::Host(HostPollables::One(one)) = &self.0 {
            return one.block();
        }
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
    let host: Vec<(u32, &p2::Pollable)> = (0..list.len() as u32)
        .flat_map(|i| match list[i as usize] {
            Readiness::Host(pollables) => pollables.iter().map(|p| (i, p)).collect(),
            _ => Vec::new(),
        })
        .collect();
    if list.iter().all(|p| matches!(p, Readiness::Host(_))) {
        // Only host pollables: the host's own poll, with no timer and no probes.
        let handles: Vec<&p2::Pollable> = host.iter().map(|(_, p)| *p).collect();
        return indices(&host, p2::poll(&handles));
    }
    settle();
    let crowd = list
        .iter()
        .filter(|p| matches!(p, Readiness::Incoming(_)))
        .count() as u32;
    // Host pollables our sockets wake on (0.2.x UDP), made the first time the wait sleeps.
    let mut socket_wakers: Option<Vec<(u32, Rc<p2::Pollable>)>> = None;
    loop {
        let now = clocks::now();
        let ready: Vec<u32> = (0..list.len() as u32)
            .filter(|&i| list[i as usize].ready(now, crowd, true))
            .collect();
        if !ready.is_empty() {
            return ready;
        }
        // Nothing ready: every recheck time is in the future (a probe that found nothing
        // moved its socket's next probe forward), so this sleeps at least one tick, unless a
        // host pollable wakes it first.
        let wake = list.iter().map(|p| p.recheck_at()).min().unwrap_or(now);
        let wakers = socket_wakers.get_or_insert_with(|| {
            // One vector for the whole list: a wait may cover hundreds of sockets.
            let mut wakers = Vec::with_capacity(list.len());
            for (i, readiness) in list.iter().enumerate() {
                if let Readiness::Incoming(core) = readiness {
                    wakers.extend(core.wake_pollables().map(|p| (i as u32, p)));
                }
            }
            wakers
        });
        let mut all = host.clone();
        all.extend(wakers.iter().map(|(i, p)| (*i, &**p)));
        let woken = sleep_until(now, wake, &all);
        if !woken.is_empty() {
            return woken;
        }
    }
}

/// Blocks the whole store until the host's first timer tick at or after `wake`, or until one
/// of the `host` pollables is ready; returns the indices (into the wait's list) of those.
fn sleep_until(now: u64, wake: u64, host: &[(u32, &p2::Pollable)]) -> Vec<u32> {
    note_sleep();
    if wake == u64::MAX && !host.is_empty() {
        // Only the host can wake us: no timer.
        let handles: Vec<&p2::Pollable> = host.iter().map(|(_, p)| *p).collect();
        return indices(host, p2::poll(&handles));
    }
    let timer = p2_clock::subscribe_duration(state::sleep_request(now, wake));
    if host.is_empty() {
        timer.block();
        return Vec::new();
    }
    let mut handles: Vec<&p2::Pollable> = host.iter().map(|(_, p)| *p).collect();
    handles.push(&timer);
    indices(host, p2::poll(&handles))
}

/// The wait-list indices of the host pollables p2 `poll` reported ready (`host[k]` is
/// `(index, pollable)`; past its end is the timer), each once, in order.
fn indices(host: &[(u32, &p2::Pollable)], ready: Vec<u32>) -> Vec<u32> {
    // A mask, not a sort: sorting pulled 3 KB of quicksort into the adapter.
    let len = host.iter().map(|(i, _)| *i as usize + 1).max().unwrap_or(0);
    let mut hit = vec![false; len];
    for k in ready {
        if let Some((i, _)) = host.get(k as usize) {
            hit[*i as usize] = true;
        }
    }
    (0..len as u32).filter(|&i| hit[i as usize]).collect()
}

impl Conv<Pollable> for p2::Pollable {
    fn conv(self) -> Pollable {
        Pollable::new(PollableRep(Readiness::Host(HostPollables::One(self))))
    }
}

/// `rc-adapter:adapter/host-pollable`: a host pollable the rc HTTP part (`adapter/http`)
/// got from the host's `subscribe`, made one of ours, so one `poll` covers it too.
impl crate::bindings::exports::rc_adapter::adapter::host_pollable::Guest for crate::Adapter {
    fn adopt(host: p2::Pollable) -> Pollable {
        host.conv()
    }
}
