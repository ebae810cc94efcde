//! The host side of every workload: a real UDP socket on loopback that sends numbered
//! datagrams to an echo-server guest and checks every echo. A lost, duplicated or corrupted
//! datagram is an error, so a benchmark fails loudly instead of reporting a flattering rate.

use anyhow::{Context, Result, bail, ensure};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// How long an echo may take before it counts as lost. Far above any wake latency.
const LOST_AFTER: Duration = Duration::from_secs(5);

pub struct Peer {
    socket: UdpSocket,
    buf: Vec<u8>,
    next_seq: u64,
}

/// A datagram body: its sequence number, then bytes derived from it, up to `size` bytes.
fn payload(seq: u64, size: usize) -> Vec<u8> {
    let mut data = seq.to_le_bytes().to_vec();
    data.resize(size.max(8), 0);
    for (i, b) in data.iter_mut().enumerate().skip(8) {
        *b = (seq as u8).wrapping_add(i as u8);
    }
    data
}

/// The sequence number of an echoed datagram, if its body is intact.
fn verify(data: &[u8], size: usize) -> Result<u64> {
    ensure!(
        data.len() == size.max(8),
        "echo of {} bytes, sent {}",
        data.len(),
        size.max(8)
    );
    let seq = u64::from_le_bytes(data[..8].try_into().unwrap());
    ensure!(
        data == payload(seq, size),
        "echo of datagram {seq} is corrupted"
    );
    Ok(seq)
}

impl Peer {
    pub fn new(ipv6: bool) -> Result<Peer> {
        let socket = UdpSocket::bind(if ipv6 { "[::1]:0" } else { "127.0.0.1:0" })?;
        Ok(Peer {
            socket,
            buf: vec![0; 65536],
            next_seq: 0,
        })
    }

    /// The socket itself, for exchanges of raw (unnumbered) datagrams.
    pub fn socket(&self) -> &UdpSocket {
        &self.socket
    }

    /// Repeats `hello` to each server address until it echoes (the guest has bound), then
    /// drains the extra echoes.
    pub fn handshake(&mut self, addrs: &[SocketAddr]) -> Result<()> {
        self.socket
            .set_read_timeout(Some(Duration::from_millis(50)))?;
        for &addr in addrs {
            let mut tries = 0;
            loop {
                self.socket.send_to(b"hello", addr)?;
                if let Ok((_, from)) = self.socket.recv_from(&mut self.buf)
                    && from == addr
                {
                    break;
                }
                tries += 1;
                ensure!(tries < 400, "{addr} never answered");
            }
        }
        while self.socket.recv_from(&mut self.buf).is_ok() {}
        self.socket.set_read_timeout(Some(LOST_AFTER))?;
        Ok(())
    }

    fn send(&mut self, to: SocketAddr, size: usize) -> Result<u64> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.socket.send_to(&payload(seq, size), to)?;
        Ok(seq)
    }

    fn receive(&mut self, size: usize) -> Result<(u64, SocketAddr)> {
        let (n, from) = self
            .socket
            .recv_from(&mut self.buf)
            .context("echo lost (timed out)")?;
        Ok((verify(&self.buf[..n], size)?, from))
    }

    /// `count` round trips of `size` bytes to `to`, started every `gap` on a fixed schedule
    /// (back to back when `gap` is zero); their times.
    pub fn round_trips_every(
        &mut self,
        to: SocketAddr,
        count: u64,
        gap: Duration,
        size: usize,
    ) -> Result<Vec<Duration>> {
        let mut samples = Vec::with_capacity(count as usize);
        let mut next = Instant::now();
        for _ in 0..count {
            samples.push(self.round_trip(to, size)?);
            next += gap;
            if let Some(wait) = next.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        Ok(samples)
    }

    /// Sends one datagram and times its echo.
    pub fn round_trip(&mut self, to: SocketAddr, size: usize) -> Result<Duration> {
        let start = Instant::now();
        let seq = self.send(to, size)?;
        let (got, from) = self.receive(size)?;
        ensure!(
            got == seq && from == to,
            "echo {got} from {from}, expected {seq} from {to}"
        );
        Ok(start.elapsed())
    }

    /// Echo throughput in datagrams per second: `total` datagrams of `size` bytes, spread
    /// round-robin over `addrs`, with at most `window` in flight. Every one must come back.
    pub fn throughput(
        &mut self,
        addrs: &[SocketAddr],
        size: usize,
        total: u64,
        window: u64,
    ) -> Result<f64> {
        let first = self.next_seq;
        let mut outstanding = vec![false; total as usize];
        let (mut sent, mut echoed) = (0u64, 0u64);
        let start = Instant::now();
        while echoed < total {
            while sent < total && sent - echoed < window {
                let to = addrs[(sent as usize) % addrs.len()];
                self.send(to, size)?;
                outstanding[sent as usize] = true;
                sent += 1;
            }
            let (seq, _) = self.receive(size).with_context(|| {
                format!("{} of {total} datagrams never came back", total - echoed)
            })?;
            let slot = outstanding
                .get_mut(seq.wrapping_sub(first) as usize)
                .with_context(|| format!("echo of datagram {seq}, which was not in this run"))?;
            ensure!(std::mem::take(slot), "datagram {seq} echoed twice");
            echoed += 1;
        }
        Ok(total as f64 / start.elapsed().as_secs_f64())
    }

    /// Sends `count` datagrams to `to`, one every `interval` on a fixed schedule, while this
    /// thread checks that every echo comes back in order. Returns how many came back.
    pub fn paced(
        &mut self,
        to: SocketAddr,
        count: u64,
        interval: Duration,
        size: usize,
    ) -> Result<u64> {
        let first = self.next_seq;
        self.next_seq += count;
        let sender = self.socket.try_clone()?;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let start = Instant::now();
                for i in 0..count {
                    let due = start + interval * i as u32;
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    sender.send_to(&payload(first + i, size), to).expect("send");
                }
            });
            let mut echoed = 0u64;
            while echoed < count {
                let Ok((n, _)) = self.socket.recv_from(&mut self.buf) else {
                    break;
                };
                let seq = verify(&self.buf[..n], size)?;
                if seq != first + echoed {
                    bail!("echo {seq} out of order: expected {}", first + echoed);
                }
                echoed += 1;
            }
            Ok(echoed)
        })
    }

    /// Tells the server to stop (it echoes `stop` and exits).
    pub fn stop(&mut self, to: SocketAddr) -> Result<()> {
        self.socket.send_to(b"stop", to)?;
        Ok(())
    }
}
