//! The 0.3 physics behind rc UDP: raw async canonical-ABI calls (`abi`), the 0.3 sockets an rc
//! socket stands on and their probes (`socket03`), host calls that could not finish at once
//! (`parked`), and the optional counters (`probe_stats`). `docs/design.md` explains why.

pub mod abi;
pub mod parked;
pub mod probe_stats;
pub mod socket03;
