//! Benchmark support: guests run as echo servers inside this process, and a host-side peer
//! drives them over real loopback sockets. `src/bin/bench/` puts the workloads together.

pub mod guest;
pub mod peer;
pub mod probe_stats;
pub mod process;
pub mod soak;
pub mod stats;
pub mod sync_probe;
