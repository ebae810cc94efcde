//! Makes a component built against a WASI 0.2.0 release candidate of late 2023
//! (`@0.2.0-rc-2023-11-10`, and the `-12-05` `wasi:cli`) run on wasmtime 50: plugs the rc
//! adapter, an adapter component that exports the rc interfaces over the ratified WASI
//! imports, into it. The adapter builds are inside this crate as bytes; composition is
//! in-process (wac-graph), so nothing else is needed.
//!
//! ```no_run
//! let legacy = std::fs::read("legacy.wasm")?;
//! let plugged = rc_adapter::plug(&legacy, &rc_adapter::PlugOptions::new())?;
//! std::fs::write("fixed.wasm", &plugged.bytes)?;
//! // wasmtime run -S inherit-network=y -S allow-ip-name-lookup=y fixed.wasm
//! println!("{}", plugged.command.line("fixed.wasm".as_ref()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`inspect`] says what a component is and what plugging it would do;
//! - [`plug`] does it, and fails rather than return a component that still imports an rc
//!   interface.

mod builds;
mod command;
mod compose;
mod direct;
mod error;
mod http;
mod inspect;
mod read;

pub use builds::Build;
pub use command::WasmtimeCommand;
pub use error::PlugError;
pub use http::INCOMING_HANDLER_0_2_0;
pub use inspect::{Choice, Inspection, Kind, RUN_0_2_0, Route, inspect, plugged_name};

/// How to plug. `PlugOptions::new()` picks the build by the rule in
/// [`Inspection::choice`] and plugs that build's own adapter.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PlugOptions {
    /// The build to plug, instead of the default for the component.
    pub build: Option<Build>,
    /// Adapter bytes to plug instead of the build's own (a build of `adapter/` with other
    /// features). What it imports decides the wasmtime command.
    pub adapter: Option<Vec<u8>>,
    /// Without a `build`: a whole-world build (by the UDP rule) even for an HTTP proxy, which
    /// gets [`Build::Proxy`] by default.
    pub whole_world: bool,
    /// How to plug the proxy build: [`Route::Direct`] where the component allows (the
    /// default), or composed with its adapter ([`Route::Adapter`]). Other builds are always
    /// composed.
    pub route: Option<Route>,
    /// A whole-world build serves the component's rc files with the adapter's own
    /// descriptors, as when stubs cannot go into the component: the same behaviour, and
    /// positional reads and writes that cross the adapter ([`Inspection::host_files`]).
    pub adapter_files: bool,
}

impl PlugOptions {
    /// The defaults.
    pub fn new() -> PlugOptions {
        PlugOptions::default()
    }

    /// Plug `build`, whatever the component.
    pub fn with_build(mut self, build: Build) -> PlugOptions {
        self.build = Some(build);
        self
    }

    /// Keep the whole rc world for an HTTP proxy (files, sockets, environment: served with
    /// `wasmtime serve -S cli`), with the build the UDP rule picks.
    pub fn with_whole_world(mut self) -> PlugOptions {
        self.whole_world = true;
        self
    }

    /// Plug the proxy build by `route`.
    pub fn with_route(mut self, route: Route) -> PlugOptions {
        self.route = Some(route);
        self
    }

    /// Serve rc files with the adapter's own descriptors ([`PlugOptions::adapter_files`]).
    pub fn with_adapter_files(mut self) -> PlugOptions {
        self.adapter_files = true;
        self
    }

    /// Plug these adapter bytes.
    pub fn with_adapter(mut self, adapter: Vec<u8>) -> PlugOptions {
        self.adapter = Some(adapter);
        self
    }
}

/// A plugged component.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Plugged {
    /// The component, ready for wasmtime 50.
    pub bytes: Vec<u8>,
    /// The build plugged into it.
    pub build: Build,
    /// The command it runs with.
    pub command: WasmtimeCommand,
    /// What the input was, and why it got its build.
    pub inspection: Inspection,
}

/// Plugs the adapter into `component`, the bytes of a component that imports rc
/// interfaces.
///
/// Every rc import is served by the adapter, and rc `wasi:http` by the rc HTTP part plugged
/// beside it; every export is kept, an rc `wasi:cli/run` exported again as
/// `wasi:cli/run@0.2.0` (the name `wasmtime run` runs) and an rc `incoming-handler` as
/// `wasi:http/incoming-handler@0.2.0` (the name `wasmtime serve` serves). Fails, saying why, on
/// input it cannot fix; never returns a component that still imports an rc interface.
pub fn plug(component: &[u8], options: &PlugOptions) -> Result<Plugged, PlugError> {
    let (mut inspection, planned) = inspect::inspect_planned(component, options)?;
    if let Some(refusal) = inspection.refusal.clone() {
        return Err(refusal);
    }
    if let (Route::Direct, Some(planned)) = (inspection.route, &planned) {
        match direct::rewrite(component, planned) {
            Ok(bytes) => {
                return Ok(Plugged {
                    bytes: bytes.expect("a proxy's rc imports all change"),
                    build: inspection.build,
                    command: inspection.command.clone(),
                    inspection,
                });
            }
            // The plan held, the rewrite did not: the adapter is composed instead.
            Err(why) => {
                inspection.route = Route::Adapter;
                inspection.not_direct = Some(why);
            }
        }
    }
    let adapter = match &options.adapter {
        Some(bytes) => bytes,
        None => inspection.build.adapter(),
    };
    let http = inspection.http_part.then_some(http::PART);
    // A whole-world build hands a command's rc files to the host where stubs inside it can
    // keep wasmtime 15's rights: then `descriptor.read` and `write` move bytes at the host's
    // speed (docs/design.md, "What carries the bytes").
    let mut app = None;
    if let (true, Some(planned)) = (inspection.host_files, &planned) {
        match direct::rewrite(component, planned) {
            Ok(rewritten) => app = rewritten,
            Err(_) => inspection.host_files = false,
        }
    }
    let app = app.as_deref().unwrap_or(component);
    let host_own: &[(&str, &str)] = match inspection.host_files {
        true => &compose::HOST_FILES,
        false => &[],
    };
    let bytes = compose::compose(app, adapter, http, &inspection.rc_imports, host_own)?;
    Ok(Plugged {
        bytes,
        build: inspection.build,
        command: inspection.command.clone(),
        inspection,
    })
}
