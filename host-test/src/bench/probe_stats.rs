//! Receives the reports of an adapter built with the `probe-stats` feature
//! (`adapter/src/p3_udp/probe_stats.rs`): one datagram every 100 ms with the adapter's running counts.

use anyhow::{Context, Result, bail};
use std::net::UdpSocket;
use std::sync::{Arc, Mutex};

/// Where the adapter sends its reports (`probe_stats::REPORT_TO` in the adapter).
pub const REPORT_TO: &str = "127.0.0.1:47999";

/// The adapter's counts since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProbeCounts {
    /// Probes that brought a datagram or an error.
    pub hits: u64,
    /// Probes that found nothing (each one parked).
    pub empty: u64,
    /// Cancelled host calls parked (empty probes and blocked sends).
    pub parked: u64,
    /// Parked calls the host resolved and the adapter collected.
    pub reaped: u64,
    pub sleeps: u64,
    pub yields: u64,
}

impl ProbeCounts {
    /// Host calls parked now: each holds host memory until the command's call returns.
    pub fn parked_now(&self) -> u64 {
        self.parked - self.reaped
    }

    fn parse(line: &str) -> Result<ProbeCounts> {
        let mut fields = line.split_whitespace();
        if fields.next() != Some("probe-stats") {
            bail!("not a probe-stats report: {line:?}");
        }
        let mut counts = ProbeCounts::default();
        while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
            let value = value.parse().with_context(|| format!("in {line:?}"))?;
            match name {
                "hits" => counts.hits = value,
                "empty" => counts.empty = value,
                "parked" => counts.parked = value,
                "reaped" => counts.reaped = value,
                "sleeps" => counts.sleeps = value,
                "yields" => counts.yields = value,
                _ => bail!("unknown count {name:?} in {line:?}"),
            }
        }
        Ok(counts)
    }
}

/// Keeps the latest report; a thread receives them until the process ends.
#[derive(Clone)]
pub struct ProbeStats {
    latest: Arc<Mutex<Option<ProbeCounts>>>,
}

impl ProbeStats {
    /// Starts listening. Fails if another process holds the port.
    pub fn listen() -> Result<ProbeStats> {
        let socket = UdpSocket::bind(REPORT_TO).with_context(|| format!("binding {REPORT_TO}"))?;
        let latest = Arc::new(Mutex::new(None));
        let stats = ProbeStats {
            latest: latest.clone(),
        };
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok(n) = socket.recv(&mut buf) {
                match ProbeCounts::parse(&String::from_utf8_lossy(&buf[..n])) {
                    Ok(counts) => *latest.lock().unwrap() = Some(counts),
                    Err(e) => eprintln!("probe-stats: {e:#}"),
                }
            }
        });
        Ok(stats)
    }

    pub fn latest(&self) -> Option<ProbeCounts> {
        *self.latest.lock().unwrap()
    }
}
