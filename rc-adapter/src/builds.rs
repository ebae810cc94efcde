//! The adapter builds this crate carries as bytes (`adapters/`, rebuilt from `adapter/` by
//! `scripts/build-adapter.sh`, and checked byte for byte against a rebuild in CI).

use std::fmt;

/// One build of the adapter component. `Udp03` and `Udp02` serve the whole rc world and
/// differ only in what rc UDP stands on (README, "Which UDP build"); `Proxy` is for a
/// wasi:http proxy host. More may come, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Build {
    /// rc UDP over `wasi:sockets/types@0.3.0`. The default for a component that can use rc
    /// UDP. Needs `-W component-model-more-async-builtins=y`; an idle socket parks host calls.
    Udp03,
    /// rc UDP over `wasi:sockets/udp@0.2.12`. The default for every other component. Needs
    /// no wasmtime flag; an idle socket parks nothing.
    Udp02,
    /// For a wasi:http proxy host: imports only what `wasi:http/proxy@0.2.x` gives (no 0.3,
    /// no files, no network, no environment), so a plain `wasmtime serve` serves it, and
    /// other wasi:http 0.2 hosts load it. rc files and sockets get what a proxy host gives:
    /// no preopens, `access-denied`; rc `exit` traps. The default for an HTTP proxy.
    Proxy,
}

impl Build {
    /// Every build, in order of preference.
    pub const ALL: [Build; 3] = [Build::Udp03, Build::Udp02, Build::Proxy];

    /// Its short name: `udp03`, `udp02`, `proxy` (the file is
    /// `adapters/rc-adapter-{name}.wasm`).
    pub fn name(self) -> &'static str {
        match self {
            Build::Udp03 => "udp03",
            Build::Udp02 => "udp02",
            Build::Proxy => "proxy",
        }
    }

    /// What `--udp` says for it: `0.3`, `0.2`; the proxy build has no UDP.
    pub fn udp(self) -> Option<&'static str> {
        match self {
            Build::Udp03 => Some("0.3"),
            Build::Udp02 => Some("0.2"),
            Build::Proxy => None,
        }
    }

    /// The build `--udp VERSION` asks for.
    pub fn from_udp(version: &str) -> Option<Build> {
        Build::ALL.into_iter().find(|b| b.udp() == Some(version))
    }

    /// The adapter component's bytes.
    pub fn adapter(self) -> &'static [u8] {
        match self {
            Build::Udp03 => include_bytes!("../adapters/rc-adapter-udp03.wasm"),
            Build::Udp02 => include_bytes!("../adapters/rc-adapter-udp02.wasm"),
            Build::Proxy => include_bytes!("../adapters/rc-adapter-proxy.wasm"),
        }
    }
}

impl fmt::Display for Build {
    /// `udp03 (rc UDP over WASI 0.3.0)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Build::Udp03 => "rc UDP over WASI 0.3.0",
            Build::Udp02 => "rc UDP over WASI 0.2.x",
            Build::Proxy => "wasi:http/proxy@0.2 imports only",
        };
        write!(f, "{} ({what})", self.name())
    }
}
