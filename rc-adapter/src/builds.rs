//! The adapter builds this crate carries as bytes (`adapters/`, rebuilt from `adapter/` by
//! `scripts/build-adapter.sh`, and checked byte for byte against a rebuild in CI).

use std::fmt;

/// One build of the adapter component. The builds differ only in what rc UDP stands on
/// (README, "Which UDP build"); more are to come, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Build {
    /// rc UDP over `wasi:sockets/types@0.3.0`. The default for a component that can use rc
    /// UDP. Needs `-W component-model-more-async-builtins=y`; an idle socket parks host calls.
    Udp03,
    /// rc UDP over `wasi:sockets/udp@0.2.12`. The default for every other component. Needs
    /// no wasmtime flag; an idle socket parks nothing.
    Udp02,
}

impl Build {
    /// Every build, in order of preference.
    pub const ALL: [Build; 2] = [Build::Udp03, Build::Udp02];

    /// Its short name: `udp03`, `udp02` (the file is `adapters/rc-adapter-{name}.wasm`).
    pub fn name(self) -> &'static str {
        match self {
            Build::Udp03 => "udp03",
            Build::Udp02 => "udp02",
        }
    }

    /// What `--udp` says for it: `0.3`, `0.2`.
    pub fn udp(self) -> &'static str {
        match self {
            Build::Udp03 => "0.3",
            Build::Udp02 => "0.2",
        }
    }

    /// The build `--udp VERSION` asks for.
    pub fn from_udp(version: &str) -> Option<Build> {
        Build::ALL.into_iter().find(|b| b.udp() == version)
    }

    /// The adapter component's bytes.
    pub fn adapter(self) -> &'static [u8] {
        match self {
            Build::Udp03 => include_bytes!("../adapters/rc-adapter-udp03.wasm"),
            Build::Udp02 => include_bytes!("../adapters/rc-adapter-udp02.wasm"),
        }
    }
}

impl fmt::Display for Build {
    /// `udp03 (rc UDP over WASI 0.3.0)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = match self {
            Build::Udp03 => "WASI 0.3.0",
            Build::Udp02 => "WASI 0.2.x",
        };
        write!(f, "{} (rc UDP over {on})", self.name())
    }
}
