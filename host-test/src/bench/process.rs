//! What this process costs: CPU time and resident memory, read from the kernel.

use std::time::{Duration, Instant};

/// User plus system CPU time of the whole process (all threads).
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct we hand it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Resident set size in bytes (`VmRSS` of /proc/self/status).
pub fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Bytes the process's allocator has handed out and not had back (glibc `mallinfo2`:
/// `uordblks` + `hblkhd`). Unlike RSS it falls when memory is freed and grows even when
/// freed pages are reused, so it shows what a phase keeps alive.
pub fn heap_in_use() -> u64 {
    // SAFETY: mallinfo2 only reads allocator statistics.
    let info = unsafe { libc::mallinfo2() };
    (info.uordblks + info.hblkhd) as u64
}

/// CPU and memory over a stretch of wall time.
pub struct Meter {
    wall: Instant,
    cpu: Duration,
    rss: u64,
    heap: u64,
}

/// What a `Meter` saw.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub wall: Duration,
    /// CPU time over wall time: 1.0 is one core fully busy.
    pub cores: f64,
    pub rss_start: u64,
    pub rss_end: u64,
    pub heap_start: u64,
    pub heap_end: u64,
}

impl Usage {
    /// Resident memory growth per wall-clock second, in bytes.
    pub fn rss_growth_per_s(&self) -> f64 {
        (self.rss_end as f64 - self.rss_start as f64) / self.wall.as_secs_f64()
    }

    /// Heap growth per wall-clock second, in bytes.
    pub fn heap_growth_per_s(&self) -> f64 {
        (self.heap_end as f64 - self.heap_start as f64) / self.wall.as_secs_f64()
    }
}

impl Meter {
    pub fn start() -> Meter {
        Meter {
            wall: Instant::now(),
            cpu: cpu_time(),
            rss: rss_bytes(),
            heap: heap_in_use(),
        }
    }

    pub fn stop(&self) -> Usage {
        let wall = self.wall.elapsed();
        let cpu = cpu_time() - self.cpu;
        Usage {
            wall,
            cores: cpu.as_secs_f64() / wall.as_secs_f64(),
            rss_start: self.rss,
            rss_end: rss_bytes(),
            heap_start: self.heap,
            heap_end: heap_in_use(),
        }
    }
}
