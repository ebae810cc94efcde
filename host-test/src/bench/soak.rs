//! Soak with loss accounting: a host blaster sends numbered datagrams to an echo-server guest
//! as fast as it can, for a fixed time, while a second thread collects the echoes. At the end
//! every datagram is accounted for: the kernel dropped it at the server's socket (full
//! receive buffer), or the guest received and echoed it; and every echo either reached the
//! peer or the kernel dropped it at the peer's socket. The kernel's drop counters come from
//! `/proc/net/udp{,6}`. Any datagram that the kernel delivered to the server and the guest
//! never saw, any duplicate and any corrupted echo is an error.

use crate::bench::guest::{Server, Tally};
use crate::bench::probe_stats::{ProbeCounts, ProbeStats};
use crate::bench::process::heap_in_use;
use anyhow::{Context, Result, ensure};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Payload size of soak datagrams.
pub const SIZE: usize = 64;

/// More datagrams per second than one blaster thread sends on this machine (about 180,000).
const MAX_RATE: f64 = 1_000_000.0;

/// A sample taken while the soak runs.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub at: Duration,
    pub sent: u64,
    pub echoed: u64,
    pub server_drops: u64,
    pub heap: u64,
    pub linear_memory: usize,
    /// The adapter's latest counts, when it was built with `probe-stats`.
    pub probes: Option<ProbeCounts>,
}

/// What a soak ends with; `check` says whether it balances.
#[derive(Debug, Clone)]
pub struct Soak {
    pub samples: Vec<Sample>,
    pub sent: u64,
    /// Data datagrams the guest received and echoed (handshake and `stop` excluded).
    pub guest_echoed: u64,
    pub peer_received: u64,
    pub server_drops: u64,
    pub peer_drops: u64,
}

impl Soak {
    /// Every datagram accounted for, once.
    pub fn check(&self) -> Result<()> {
        ensure!(
            self.guest_echoed + self.server_drops == self.sent,
            "the kernel delivered {} datagrams to the server but the guest echoed {} ({} sent, {} dropped by the kernel)",
            self.sent - self.server_drops,
            self.guest_echoed,
            self.sent,
            self.server_drops
        );
        ensure!(
            self.peer_received + self.peer_drops == self.guest_echoed,
            "the guest echoed {} datagrams; the peer got {} and its kernel dropped {}",
            self.guest_echoed,
            self.peer_received,
            self.peer_drops
        );
        Ok(())
    }
}

/// Kernel drop counter of the UDP socket bound to `addr` (`/proc/net/udp` or `udp6`).
pub fn kernel_drops(addr: SocketAddr) -> Result<u64> {
    let table = if addr.is_ipv4() {
        "/proc/net/udp"
    } else {
        "/proc/net/udp6"
    };
    let text = std::fs::read_to_string(table)?;
    let port = format!(":{:04X}", addr.port());
    let mut drops = 0;
    let mut found = false;
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() > 12 && fields[1].ends_with(&port) {
            drops += fields[12].parse::<u64>()?;
            found = true;
        }
    }
    ensure!(found, "no socket on port {} in {table}", addr.port());
    Ok(drops)
}

/// Blasts `server` (started, handshaken by `peer`) for `duration`, sampling every `every`.
/// Then waits for the server to catch up, stops it and balances the books. `probes`: the
/// listener for a `probe-stats` adapter's reports, if the server runs one.
pub fn run(
    rt: &tokio::runtime::Runtime,
    server: Server,
    peer: &UdpSocket,
    duration: Duration,
    every: Duration,
    probes: Option<&ProbeStats>,
) -> Result<Soak> {
    let to = server.addrs[0];
    let drops_at_start = kernel_drops(to)?;
    let peer_drops_at_start = kernel_drops(peer.local_addr()?)?;
    let received = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let collector = {
        let socket = peer.try_clone()?;
        let (received, done) = (received.clone(), done.clone());
        // Sized up front, so that the host heap samples show the server, not this bitmap.
        let most = (duration.as_secs_f64() * MAX_RATE) as usize;
        std::thread::spawn(move || collect(socket, &received, &done, most))
    };
    let start = Instant::now();
    let mut samples = Vec::new();
    let mut next_sample = every;
    let mut sent = 0u64;
    let mut data = vec![0u8; SIZE];
    while start.elapsed() < duration {
        data[..8].copy_from_slice(&sent.to_le_bytes());
        peer.send_to(&data, to)?;
        sent += 1;
        if sent.is_multiple_of(1024) && start.elapsed() >= next_sample {
            next_sample += every;
            samples.push(Sample {
                at: start.elapsed(),
                sent,
                echoed: received.load(Ordering::Relaxed),
                server_drops: kernel_drops(to)? - drops_at_start,
                heap: heap_in_use(),
                linear_memory: server.memory.bytes(),
                probes: probes.and_then(ProbeStats::latest),
            });
        }
    }
    // Let the server drain its socket, then the echoes arrive.
    let server_drops = kernel_drops(to)? - drops_at_start;
    let mut last = (received.load(Ordering::Relaxed), Instant::now());
    while last.0 + server_drops < sent && last.1.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(20));
        let now = received.load(Ordering::Relaxed);
        if now != last.0 {
            last = (now, Instant::now());
        }
    }
    std::thread::sleep(Duration::from_millis(100));
    done.store(true, Ordering::Relaxed);
    let peer_received = collector.join().expect("collector thread")?;
    peer.send_to(b"stop", to)?;
    let tally: Tally = server.finish(rt)?;
    // The guest also echoed the handshake `hello`s and `stop`; the peer counted neither.
    let guest_echoed = tally
        .echoed
        .checked_sub(tally.hellos + 1)
        .context("echo tally")?;
    Ok(Soak {
        samples,
        sent,
        guest_echoed,
        peer_received,
        server_drops,
        peer_drops: kernel_drops(peer.local_addr()?)? - peer_drops_at_start,
    })
}

/// Counts echoes until `done`; fails on a duplicate or a corrupted echo.
fn collect(socket: UdpSocket, received: &AtomicU64, done: &AtomicBool, most: usize) -> Result<u64> {
    socket.set_read_timeout(Some(Duration::from_millis(50)))?;
    let mut seen = vec![0u64; most / 64 + 1]; // one bit per sequence number
    let mut buf = vec![0u8; 65536];
    let mut count = 0;
    while !done.load(Ordering::Relaxed) {
        let Ok(n) = socket.recv(&mut buf) else {
            continue;
        };
        if n != SIZE {
            continue; // a late handshake echo
        }
        ensure!(buf[8..n].iter().all(|&b| b == 0), "corrupted echo");
        let seq = u64::from_le_bytes(buf[..8].try_into().unwrap()) as usize;
        if seen.len() <= seq / 64 {
            seen.resize(seq / 64 + 1, 0);
        }
        ensure!(
            seen[seq / 64] & (1 << (seq % 64)) == 0,
            "echo {seq} arrived twice"
        );
        seen[seq / 64] |= 1 << (seq % 64);
        count += 1;
        received.store(count, Ordering::Relaxed);
    }
    Ok(count)
}
