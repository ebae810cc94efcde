//! Why a component cannot be plugged: one variant per kind of bad input, each with what the
//! user needs to fix it.

use std::fmt;

/// Why [`plug`](crate::plug) (or [`inspect`](crate::inspect)) refused a component.
///
/// `Display` gives the reason in one line; [`PlugError::hint`] says what to do, where there
/// is something to say.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlugError {
    /// The bytes are not WebAssembly at all (no `\0asm` preamble).
    NotWasm {
        /// Up to the first 8 bytes, to show what it is instead.
        starts_with: Vec<u8>,
    },
    /// A core WebAssembly module, not a component: a 2023 toolchain's output before
    /// `wasm-tools component new --adapt`.
    CoreModule,
    /// A component whose bytes end early or do not validate.
    Malformed {
        /// Where the reader stopped, in bytes from the start.
        offset: u64,
        /// The reader's (wasmparser's) message.
        reason: String,
    },
    /// A component that imports no `@0.2.0-rc-` interface: nothing to plug.
    NoRcImport {
        /// Its released WASI imports (`wasi:...@0.2.x` or `@0.3.x`), which show that it was
        /// built for, or already plugged into, released WASI.
        released_wasi: Vec<String>,
    },
    /// rc interfaces that the adapter does not export.
    Uncovered {
        /// The component's rc imports the adapter lacks.
        interfaces: Vec<String>,
        /// The rc versions the adapter serves.
        served_versions: Vec<String>,
    },
    /// wac-graph refused the composition.
    Composition {
        /// wac-graph's error and its causes, outermost first.
        cause: String,
    },
    /// The composed component still imports an rc interface (never written out).
    LeftUnplugged {
        /// The rc imports left behind.
        imports: Vec<String>,
    },
    /// Adapter bytes given in [`PlugOptions::adapter`](crate::PlugOptions::adapter) that are
    /// not an rc adapter component.
    BadAdapter {
        /// What is wrong with them.
        reason: String,
    },
}

impl fmt::Display for PlugError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlugError::NotWasm { starts_with } if starts_with.is_empty() => {
                write!(f, "an empty file, not WebAssembly")
            }
            PlugError::NotWasm { starts_with } => {
                write!(
                    f,
                    "not WebAssembly: it starts with {}",
                    show_bytes(starts_with)
                )
            }
            PlugError::CoreModule => write!(f, "a core WebAssembly module, not a component"),
            PlugError::Malformed { offset, reason } => {
                write!(
                    f,
                    "truncated or malformed component: {reason} (at byte {offset})"
                )
            }
            PlugError::NoRcImport { .. } => write!(
                f,
                "imports no `@0.2.0-rc-` interface, so there is nothing to plug"
            ),
            PlugError::Uncovered { interfaces, .. } => write!(
                f,
                "imports rc interfaces the adapter does not serve: {}",
                interfaces.join(", ")
            ),
            PlugError::Composition { cause } => write!(f, "composition failed: {cause}"),
            PlugError::LeftUnplugged { imports } => write!(
                f,
                "composition left rc imports unplugged: {}",
                imports.join(", ")
            ),
            PlugError::BadAdapter { reason } => write!(f, "not an rc adapter: {reason}"),
        }
    }
}

impl std::error::Error for PlugError {}

impl PlugError {
    /// What to do about it, in one line, where there is something to say.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            PlugError::NotWasm { .. } => {
                "give it the `.wasm` component your toolchain built".to_string()
            }
            PlugError::CoreModule => "make it a component first: `wasm-tools component new \
                 MODULE.wasm --adapt wasi_snapshot_preview1=ADAPTER.wasm -o COMPONENT.wasm`, \
                 with the preview1 adapter of the toolchain that built it"
                .to_string(),
            PlugError::Malformed { .. } => {
                "check that the file was copied whole; `wasm-tools validate` says more".to_string()
            }
            PlugError::NoRcImport { released_wasi } => format!(
                "it imports released WASI ({}): it is plugged already or was built for WASI \
                 0.2 or later, so run it as it is",
                released_wasi.first()?
            ),
            PlugError::Uncovered {
                served_versions, ..
            } => format!(
                "the adapter serves WASI {}; a component of another WASI release candidate \
                 must be rebuilt against one of those",
                served_versions.join(" and ")
            ),
            PlugError::Composition { .. } | PlugError::LeftUnplugged { .. } => {
                "this is a bug in rc-adapter or in the component; please report it with the \
                 component attached"
                    .to_string()
            }
            PlugError::BadAdapter { .. } => {
                "pass a component built by `scripts/build-adapter.sh`".to_string()
            }
        })
    }
}

/// `"hello" (68 65 6c 6c 6f)`, or just the hex where the bytes are not printable text.
fn show_bytes(bytes: &[u8]) -> String {
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    match std::str::from_utf8(bytes) {
        Ok(text) if text.chars().all(|c| !c.is_control()) => {
            format!("{text:?} ({})", hex.join(" "))
        }
        _ => hex.join(" "),
    }
}

/// An error and its sources, outermost first, joined by `: `.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
