// The differential scenario: `differential FIRST_SEED COUNT [FAMILY]` runs COUNT seeded
// random call sequences over 1-3 UDP sockets and prints every outcome, one line per call.
// Built against the rc API (run plugged) and against 0.2.12 (run on wasmtime's native p2);
// host-test/tests/differential.rs runs both and requires the same output. Included by a
// bin that first imports the `rc` or the `p2` API and defines `set_v6_only`.
//
// Outcomes never depend on timing: ports print as the socket that owns them, and a receive
// waits until every datagram the program's model says is deliverable has arrived (or
// 500 ms have passed, which then shows as a difference). The model is simple because the
// program keeps it simple: before a socket's association changes, its queue is drained.

use std::collections::VecDeque;
use std::fmt::Write as _;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let first: u64 = args[1].parse().expect("FIRST_SEED");
    let count: u64 = args[2].parse().expect("COUNT");
    for seed in first..first + count {
        println!("== sequence {seed}");
        Sequence::new(seed).run();
    }
}

/// Bytes a socket may have waiting: one datagram of the largest size, or several small
/// ones. The kernel's default receive buffer (212,992 B, charged at up to twice the payload
/// on loopback) holds that, so no datagram is dropped for want of room.
const MAX_QUEUED: usize = 70_000;

/// xorshift64*: the same numbers in both builds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Slot {
    socket: UdpSocket,
    family: IpAddressFamily,
    /// `finish-bind` succeeded.
    bound: bool,
    /// Its local port, while it has one.
    port: Option<u16>,
    /// Live streams (children first when dropping).
    streams: Option<(IncomingDatagramStream, OutgoingDatagramStream)>,
    /// The port `%stream` associated the streams with.
    peer: Option<u16>,
    /// The socket that had `peer` was dropped or lost that port: nothing is sent to it (see
    /// known differences: natively the port closes; through the adapter it stays held).
    peer_gone: bool,
    /// Its receive buffer was set below the default: it may drop datagrams.
    small_buffer: bool,
    /// Datagrams sent to this socket that it should receive: (sender port, payload).
    pending: VecDeque<(u16, Vec<u8>)>,
}

struct Sequence {
    rng: Rng,
    slots: Vec<Slot>,
    line: u32,
    /// Datagrams received in this sequence.
    received: usize,
}

impl Sequence {
    fn new(seed: u64) -> Sequence {
        Sequence { rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1), slots: Vec::new(), line: 0, received: 0 }
    }

    fn out(&mut self, call: &str, outcome: impl std::fmt::Debug) {
        self.out_text(call, format!("{outcome:?}"));
    }

    fn out_text(&mut self, call: &str, outcome: String) {
        self.line += 1;
        println!("{} {call} -> {}", self.line, error_names(outcome));
    }

    fn run(&mut self) {
        let ops = 5 + self.rng.below(30);
        for _ in 0..ops {
            if self.slots.is_empty() || (self.slots.len() < 3 && self.rng.chance(15)) {
                self.create();
                continue;
            }
            let i = self.rng.below(self.slots.len());
            // Mostly move a socket on towards exchanging datagrams; sometimes do anything.
            if !self.slots[i].bound && self.rng.chance(60) {
                self.start_bind(i);
                continue;
            }
            if self.slots[i].bound && self.slots[i].streams.is_none() && self.rng.chance(60) {
                self.stream(i);
                continue;
            }
            match self.rng.below(100) {
                0..=5 => self.start_bind(i),
                6..=8 => self.finish_bind(i),
                9..=18 => self.stream(i),
                19..=58 => self.send(i),
                59..=76 => self.receive(i),
                77..=85 => self.option(i),
                86..=92 => self.addresses(i),
                93..=95 => self.poll_timer(),
                _ => self.drop_socket(i),
            }
        }
        // Every datagram still in flight must arrive too.
        for i in 0..self.slots.len() {
            self.drain(i, 16);
        }
        while !self.slots.is_empty() {
            self.drop_socket(self.slots.len() - 1);
        }
        println!("== received {}", self.received);
    }

    fn create(&mut self) {
        let family = if self.rng.chance(50) { IpAddressFamily::Ipv4 } else { IpAddressFamily::Ipv6 };
        let created = create_udp_socket(family);
        self.out(&format!("create {family:?}"), created.as_ref().map(|_| ()));
        if let Ok(socket) = created {
            set_v6_only(&socket);
            self.slots.push(Slot { socket, family, bound: false, small_buffer: false, port: None, streams: None, peer: None, peer_gone: false, pending: VecDeque::new() });
        }
    }

    /// An address to hand to bind, `%stream` or `send`: mostly good, sometimes bad.
    fn address(&mut self, family: IpAddressFamily) -> (String, IpSocketAddress) {
        // Ports of this family only: a datagram to a port nobody has in the sender's family
        // would draw an ICMP error, whose reporting differs (see known differences).
        let live: Vec<u16> = self.slots.iter().filter(|s| s.family == family).filter_map(|s| s.port).collect();
        let other = match family {
            IpAddressFamily::Ipv4 => IpAddressFamily::Ipv6,
            IpAddressFamily::Ipv6 => IpAddressFamily::Ipv4,
        };
        let pick = self.rng.below(100);
        match pick {
            0..=74 if !live.is_empty() => {
                let port = live[self.rng.below(live.len())];
                (format!("loopback:{}", self.port_name(family, port)), loopback(family, port))
            }
            0..=79 => ("loopback:0".into(), loopback(family, 0)),
            80..=84 => ("unspecified:0".into(), unspecified(family, 0)),
            85..=89 if !live.is_empty() => {
                let port = live[0];
                (format!("unspecified:{}", self.port_name(family, port)), unspecified(family, port))
            }
            85..=94 => ("other-family".into(), loopback(other, live.first().copied().unwrap_or(9))),
            _ => ("mapped".into(), mapped_loopback(live.first().copied().unwrap_or(9))),
        }
    }

    /// Sockets associated with `port` stop sending to it.
    fn port_gone(&mut self, family: IpAddressFamily, port: Option<u16>) {
        for s in &mut self.slots {
            if s.family == family && port.is_some() && s.peer == port {
                s.peer_gone = true;
            }
        }
    }

    fn port_name(&self, family: IpAddressFamily, port: u16) -> String {
        match self.slots.iter().position(|s| s.family == family && s.port == Some(port)) {
            Some(i) => format!("s{i}"),
            None => "?".into(),
        }
    }

    /// `start-bind`, and `finish-bind` at once if it started: rc and 0.2.12 differ between
    /// the two (see known differences).
    fn start_bind(&mut self, i: usize) {
        let (name, addr) = self.address(self.slots[i].family);
        let result = self.slots[i].socket.start_bind(&instance_network(), addr);
        let started = result.is_ok();
        self.out(&format!("s{i} start-bind {name}"), result);
        if started {
            self.finish_bind(i);
        }
    }

    fn finish_bind(&mut self, i: usize) {
        let result = self.slots[i].socket.finish_bind();
        if result.is_ok() {
            self.slots[i].bound = true;
            self.slots[i].port = self.slots[i].socket.local_address().ok().map(|a| port_of(&a));
        }
        self.out(&format!("s{i} finish-bind"), result);
    }

    fn stream(&mut self, i: usize) {
        // Old streams go first (a second pair while they live traps on both hosts), and
        // their queue is drained so that no datagram's fate hangs on the new association.
        if self.slots[i].streams.is_some() {
            self.drain(i, 16);
        }
        self.slots[i].streams = None;
        let connect = !self.rng.chance(40);
        if connect && self.slots[i].peer.is_some() {
            // rc disconnects before it re-connects; 0.2.12 does not (known differences).
            // Disconnecting first here makes both hosts do the same. The peer is picked
            // after, so that it is never this socket's port from before the disconnect.
            let result = self.slots[i].socket.stream(None).map(|_| ());
            self.out(&format!("s{i} stream none, before re-connecting"), result);
            self.slots[i].peer = None;
            self.refresh_port(i);
        }
        let remote = if connect { Some(self.address(self.slots[i].family)) } else { None };
        let name = remote.as_ref().map_or("none".to_string(), |(n, _)| n.clone());
        let result = self.slots[i].socket.stream(remote.map(|(_, a)| a));
        self.slots[i].peer = None;
        match result {
            Ok(streams) => {
                self.slots[i].streams = Some(streams);
                self.slots[i].peer = self.slots[i].socket.remote_address().ok().map(|a| port_of(&a));
                self.out(&format!("s{i} stream {name}"), "ok");
            }
            Err(e) => self.out(&format!("s{i} stream {name}"), Err::<(), _>(e)),
        }
        self.slots[i].pending.clear();
        self.refresh_port(i);
        // A peer nobody has (this socket's port before an earlier disconnect, say).
        let (family, peer) = (self.slots[i].family, self.slots[i].peer);
        self.slots[i].peer_gone = peer.is_some() && !self.slots.iter().any(|s| s.family == family && s.port == peer);
    }

    /// On Linux a disconnect can give up a socket's ephemeral port, and the next connect or
    /// send takes a new one. Nothing is sent to the old port after that.
    fn refresh_port(&mut self, i: usize) {
        if !self.slots[i].bound {
            return;
        }
        let now = self.slots[i].socket.local_address().ok().map(|a| port_of(&a)).filter(|&p| p != 0);
        let old = self.slots[i].port;
        if now != old {
            self.port_gone(self.slots[i].family, old);
            self.out(&format!("s{i} port"), if now.is_some() { "new" } else { "none" });
        }
        self.slots[i].port = now;
    }

    fn send(&mut self, i: usize) {
        if self.slots[i].streams.is_none() {
            return;
        }
        let family = self.slots[i].family;
        if self.slots[i].peer_gone {
            return;
        }
        let n = 1 + self.rng.below(3);
        let mut datagrams = Vec::new();
        let mut names = Vec::new();
        for k in 0..n {
            let (name, to) = if self.rng.chance(20) { ("none".to_string(), None) } else {
                let (name, addr) = self.address(family);
                (name, Some(addr))
            };
            // Not to dropped sockets, nor to bound ones without streams, whose datagrams would
            // wait in the kernel for an association the model does not follow.
            // Nor to sockets whose receive buffer could overflow: the kernel would drop
            // datagrams, and which depends on how soon each host reads.
            let target = to.as_ref().map(port_of).or(self.slots[i].peer);
            let size = [0, 1, 8, 64, 1400, 65_507, 65_508, 65_527, 65_536][self.rng.below(9)];
            let size = if self.rng.chance(70) { size.min(64) } else { size };
            let slot = self.slots.iter().find(|s| s.family == family && s.port.is_some() && s.port == target);
            // Nor to a socket associated with another peer: the kernel answers with an ICMP
            // error, which a connected sender later reports on whichever call comes next.
            let me = self.slots[i].port;
            let bounced = |s: &Slot| s.peer.is_some() && (me.is_none() || s.peer != me);
            let silent = slot.is_some_and(|s| s.streams.is_none() || s.small_buffer || bounced(s));
            let queued: usize = slot.map_or(0, |s| s.pending.iter().map(|(_, d)| d.len()).sum());
            let queued: usize = queued + datagrams.iter().filter(|d: &&OutgoingDatagram| d.remote_address.as_ref().map(port_of).or(self.slots[i].peer) == target).map(|d| d.data.len()).sum::<usize>();
            if silent || queued + size > MAX_QUEUED {
                continue;
            }
            let mut data = vec![(self.line % 251) as u8; size];
            if size >= 2 {
                data[..2].copy_from_slice(&(k as u16).to_le_bytes());
            }
            names.push(format!("{name}/{size}"));
            datagrams.push(OutgoingDatagram { data, remote_address: to });
        }
        let out = &self.slots[i].streams.as_ref().unwrap().1;
        let permit = out.check_send();
        let Ok(permit) = permit else {
            return self.out(&format!("s{i} check-send"), permit);
        };
        datagrams.truncate(permit as usize);
        // A permit of 0 (the host could not take data at once) is not an outcome we compare.
        let mut result = Ok(0);
        let mut left = datagrams.as_slice();
        while !left.is_empty() {
            if out.check_send() == Ok(0) {
                out.subscribe().block();
                continue;
            }
            match out.send(left) {
                Ok(0) => out.subscribe().block(),
                Ok(sent) => {
                    result = Ok(result.unwrap_or(0) + sent);
                    left = &left[sent as usize..];
                }
                Err(e) if result == Ok(0) => {
                    result = Err(e);
                    break;
                }
                Err(_) => break,
            }
        }
        let sent = *result.as_ref().unwrap_or(&0) as usize;
        self.out(&format!("s{i} send [{}]", names.join(", ")), result);
        self.refresh_port(i); // a send from a socket without a port picks one
        let (from, peer) = (self.slots[i].port, self.slots[i].peer);
        for d in &datagrams[..sent] {
            let to = d.remote_address.as_ref().map(port_of).or(peer);
            self.deliver(family, from.expect("a socket that sent has a port"), to, d.data.clone());
        }
    }

    /// Notes a datagram that went out, if its target will see it.
    fn deliver(&mut self, family: IpAddressFamily, from: u16, to: Option<u16>, data: Vec<u8>) {
        let target = self.slots.iter_mut().find(|s| s.family == family && s.port.is_some() && s.port == to);
        let Some(target) = target else { return };
        if target.streams.is_some() && target.peer.is_none_or(|p| p == from) {
            target.pending.push_back((from, data));
        }
    }

    fn receive(&mut self, i: usize) {
        let max = [0, 1, 16, u64::MAX][self.rng.below(4)];
        self.drain(i, max);
    }

    /// Receives until every deliverable datagram has arrived, `max` at a time.
    fn drain(&mut self, i: usize, max: u64) {
        let Some((incoming, _)) = &self.slots[i].streams else { return };
        let expected = self.slots[i].pending.len();
        let mut got = Vec::new();
        let mut error = None;
        let readable = incoming.subscribe();
        let deadline = monotonic_clock::now() + 500_000_000;
        if max == 0 {
            let r = incoming.receive(0);
            self.line += 1;
            println!("{} s{i} receive 0 -> {:?}", self.line, r.map(|v| v.len()));
            return;
        }
        while got.len() < expected && monotonic_clock::now() < deadline {
            let timer = monotonic_clock::subscribe_duration(20_000_000);
            poll::poll(&[&readable, &timer]);
            match incoming.receive(max) {
                Ok(batch) => {
                    assert!(batch.len() as u64 <= max, "receive returned more than max-results");
                    got.extend(batch.into_iter().map(|d| (port_of(&d.remote_address), d.data)));
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        drop(readable);
        let mut text = String::new();
        for (from, data) in &got {
            let _ = write!(text, "{}:{}:{:02x?} ", self.port_name(self.slots[i].family, *from), data.len(), &data[..data.len().min(3)]);
        }
        self.received += got.len();
        let want: Vec<(u16, Vec<u8>)> = self.slots[i].pending.drain(..).collect();
        let as_expected = got == want;
        self.out(&format!("s{i} receive {max}"), (text, error, if as_expected { "as sent" } else { "NOT as sent" }));
    }

    fn option(&mut self, i: usize) {
        let s = &self.slots[i].socket;
        let (call, outcome) = match self.rng.below(6) {
            0 => {
                let v = [0u8, 1, 64, 255][self.rng.below(4)];
                (format!("set-hop-limit {v}"), format!("{:?}", s.set_unicast_hop_limit(v)))
            }
            1 => ("hop-limit".into(), format!("{:?}", s.unicast_hop_limit())),
            2 => {
                let v = [0u64, 1, 4096, 1 << 20, u64::MAX][self.rng.below(5)];
                let result = s.set_receive_buffer_size(v);
                self.slots[i].small_buffer |= result.is_ok() && v < 1 << 20;
                (format!("set-receive-buffer {v}"), format!("{result:?}"))
            }
            3 => {
                let v = [0u64, 1, 4096, 1 << 20, u64::MAX][self.rng.below(5)];
                (format!("set-send-buffer {v}"), format!("{:?}", s.set_send_buffer_size(v)))
            }
            4 => ("receive-buffer".into(), format!("{:?}", s.receive_buffer_size())),
            _ => ("send-buffer".into(), format!("{:?}", s.send_buffer_size())),
        };
        self.out_text(&format!("s{i} {call}"), outcome);
    }

    fn addresses(&mut self, i: usize) {
        let s = &self.slots[i].socket;
        let name = |r: Result<IpSocketAddress, ErrorCode>| r.map(|a| (is_unspecified(&a), port_of(&a)));
        let (local, remote) = (name(s.local_address()), name(s.remote_address()));
        let family = s.address_family();
        let show = |r: Result<(bool, u16), ErrorCode>| {
            r.map(|(unspecified, port)| format!("{}{}", if unspecified { "any:" } else { "" }, self.port_name(family, port)))
        };
        self.out(&format!("s{i} addresses"), (show(local), show(remote), family));
    }

    fn poll_timer(&mut self) {
        let zero = monotonic_clock::subscribe_duration(0);
        let later = monotonic_clock::subscribe_duration(10_000_000_000);
        self.out("poll [0 ns, 10 s]", poll::poll(&[&zero, &later]));
    }

    fn drop_socket(&mut self, i: usize) {
        let Slot { socket, streams, port, family, .. } = self.slots.remove(i);
        drop(streams);
        drop(socket);
        self.out(&format!("drop s{i}"), ());
        // What it sent and nobody received yet stays deliverable on both hosts.
        self.port_gone(family, port);
    }
}

fn is_unspecified(addr: &IpSocketAddress) -> bool {
    match addr {
        IpSocketAddress::Ipv4(a) => a.address == (0, 0, 0, 0),
        IpSocketAddress::Ipv6(a) => a.address == (0, 0, 0, 0, 0, 0, 0, 0),
    }
}

/// `ErrorCode { code: 9, name: "invalid-state", message: ".." }` -> `invalid-state`: the
/// messages are documentation, which differs between the WIT versions.
fn error_names(mut text: String) -> String {
    const START: &str = "ErrorCode { code: ";
    while let Some(start) = text.find(START) {
        let rest = &text[start..];
        let name_at = rest.find("name: \"").expect("name") + 7;
        let name_len = rest[name_at..].find('"').expect("name end");
        let name = rest[name_at..name_at + name_len].to_string();
        let end = rest.find("\" }").expect("message end") + 3;
        text.replace_range(start..start + end, &name);
    }
    text
}
