//! The 0.3 backend of rc UDP (`udp_backend`): raw async canonical-ABI calls (`abi`), one 0.3
//! socket and its probes (`socket03`, `probe_schedule`), host calls that could not finish at once (`parked`)
//! and the limit on them (`handle_limit`), the rc <-> 0.3 conversions (`conv03`), and the
//! optional counters (`probe_stats`). `docs/design.md` explains why.

pub mod abi;
pub mod conv03;
pub mod handle_limit;
pub mod parked;
pub mod probe_schedule;
pub mod probe_stats;
pub mod socket03;
