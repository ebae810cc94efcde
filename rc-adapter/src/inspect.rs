//! What a component is, and what plugging it would do: which build it gets and why, what
//! the adapter serves, and the wasmtime command for the result.

use crate::read::{self, Surface};
use crate::{Build, PlugError, PlugOptions, WasmtimeCommand};

/// What every rc interface name has in it.
pub const RC: &str = "@0.2.0-rc-";
/// The name wasmtime 50 runs a command by; an rc `run` is exported again under it.
pub const RUN_0_2_0: &str = "wasi:cli/run@0.2.0";

/// A component read by [`inspect`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Inspection {
    /// Its import names, in binary order.
    pub imports: Vec<String>,
    /// Its export names, in binary order.
    pub exports: Vec<String>,
    /// A command (it exports a `wasi:cli/run`) or a reactor.
    pub kind: Kind,
    /// Its `@0.2.0-rc-` imports, sorted.
    pub rc_imports: Vec<String>,
    /// Those the adapter does not serve.
    pub uncovered: Vec<String>,
    /// The rc `udp-create-socket` interface a core module imports `create-udp-socket` from,
    /// if any: the one way to obtain an rc UDP socket.
    pub udp_import: Option<String>,
    /// The build it gets.
    pub build: Build,
    /// Why that build.
    pub choice: Choice,
    /// The command the plugged result runs with.
    pub command: WasmtimeCommand,
    /// Why [`plug`](crate::plug) would refuse it, if it would.
    pub refusal: Option<PlugError>,
    /// Whether the rc HTTP part is plugged beside the adapter: it imports rc `wasi:http`,
    /// and the build does not serve it itself (the proxy build does).
    pub http_part: bool,
    /// How the build is plugged.
    pub route: Route,
    /// Why the proxy build is not made in place ([`Route::Direct`]), where it is not.
    pub not_direct: Option<String>,
    /// Whether the component's rc files are the host's own: a whole-world build's, whose
    /// read and write rights are kept as wasmtime 15 kept them by stubs inside the component,
    /// so that `descriptor.read` and `write` move bytes at the host's speed. Otherwise the
    /// adapter serves them.
    pub host_files: bool,
}

/// How a build is plugged into a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// Composed with the build's adapter component (what `wac plug` would make).
    Adapter,
    /// The proxy build, made in place: the component's rc imports become the host's own
    /// `@0.2.12` interfaces, and a small core module inside it serves what a proxy host
    /// lacks (files, sockets, environment, exit, terminals). No adapter component: five
    /// core instances a request where composing made nine, and every call the host's own.
    /// The default for a proxy that can be made so.
    Direct,
}

/// A proxy, a command or a reactor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// It exports an rc `wasi:http/incoming-handler`, by this name (and may export `run`
    /// too, as wasmtime 15's test proxies did): `wasmtime serve` serves it.
    Proxy { handler: String },
    /// It exports `run`, by this name.
    Command { run: String },
    /// It exports neither.
    Reactor,
}

/// Why a component gets the build it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Choice {
    /// [`PlugOptions::with_build`] asked for it.
    Asked,
    /// The default for a component that can use rc UDP.
    CanUseUdp,
    /// The default for a component that cannot.
    CannotUseUdp,
    /// The default for an HTTP proxy.
    Proxy,
}

impl Inspection {
    /// Whether one of its core modules can obtain an rc UDP socket.
    pub fn can_use_udp(&self) -> bool {
        self.udp_import.is_some()
    }

    /// Its rc imports by version: `(version, interfaces)`, versions sorted.
    pub fn rc_versions(&self) -> Vec<(String, Vec<String>)> {
        by_version(&self.rc_imports)
    }

    /// The name each export has once plugged, in the order of `exports`: an rc `run` becomes
    /// `wasi:cli/run@0.2.0`, an rc `incoming-handler` `wasi:http/incoming-handler@0.2.0`;
    /// every other export keeps its name.
    pub fn plugged_exports(&self) -> Vec<String> {
        self.exports
            .iter()
            .map(|e| plugged_name(e).to_string())
            .collect()
    }

    /// Why it gets its build, in a few words.
    pub fn reason(&self) -> &'static str {
        match self.choice {
            Choice::Asked => "as asked",
            Choice::CanUseUdp => "because it can use rc UDP",
            Choice::CannotUseUdp => "because it cannot use rc UDP",
            Choice::Proxy => "because it is an HTTP proxy",
        }
    }
}

/// The name `export` has once plugged: `wasi:cli/run@0.2.0` for an rc `run`,
/// `wasi:http/incoming-handler@0.2.0` for an rc `incoming-handler`, else its own.
pub fn plugged_name(export: &str) -> &str {
    match export.strip_prefix("wasi:cli/run") {
        Some(version) if version.starts_with(RC) => RUN_0_2_0,
        _ if crate::http::is_rc_handler(export) => crate::http::INCOMING_HANDLER_0_2_0,
        _ => export,
    }
}

/// What an adapter serves and needs.
pub(crate) struct AdapterFacts {
    /// Its rc exports.
    pub serves: Vec<String>,
    /// Its imports.
    pub imports: Vec<String>,
    pub needs_more_async_builtins: bool,
}

pub(crate) fn adapter_facts(adapter: &[u8]) -> Result<AdapterFacts, PlugError> {
    let bad = |reason: String| PlugError::BadAdapter { reason };
    let surface = read::read(adapter).map_err(|e| bad(e.to_string()))?;
    if let Some(rc) = surface.imports.iter().find(|i| i.contains(RC)) {
        return Err(bad(format!("it imports {rc} itself")));
    }
    let serves: Vec<String> = surface
        .exports
        .into_iter()
        .filter(|e| e.contains(RC))
        .collect();
    if serves.is_empty() {
        return Err(bad("it exports no `@0.2.0-rc-` interface".to_string()));
    }
    Ok(AdapterFacts {
        serves,
        imports: surface.imports,
        needs_more_async_builtins: read::needs_more_async_builtins(adapter),
    })
}

/// Reads `component` and says what plugging it with `options` would do.
///
/// Fails where the bytes are not a valid component (and where `options` holds adapter
/// bytes that are not an adapter); a component that is one, but cannot be plugged, comes
/// back with [`Inspection::refusal`] set.
pub fn inspect(component: &[u8], options: &PlugOptions) -> Result<Inspection, PlugError> {
    inspect_planned(component, options).map(|(inspection, _)| inspection)
}

/// `inspect`, and the plan of the rewrite it found possible: the proxy build made in place,
/// or a command's file-rights stubs.
pub(crate) fn inspect_planned(
    component: &[u8],
    options: &PlugOptions,
) -> Result<(Inspection, Option<crate::direct::Planned>), PlugError> {
    let Surface {
        imports,
        exports,
        udp_import,
    } = read::read(component)?;
    let handler = exports.iter().find(|e| crate::http::is_rc_handler(e));
    let kind = match (
        handler,
        exports.iter().find(|e| e.starts_with("wasi:cli/run@")),
    ) {
        (Some(handler), _) => Kind::Proxy {
            handler: handler.clone(),
        },
        (None, Some(run)) => Kind::Command { run: run.clone() },
        (None, None) => Kind::Reactor,
    };
    let proxy = matches!(kind, Kind::Proxy { .. });
    let (build, choice) = match (options.build, proxy, &udp_import) {
        (Some(build), ..) => (build, Choice::Asked),
        (None, true, _) if !options.whole_world => (Build::Proxy, Choice::Proxy),
        (None, _, Some(_)) => (Build::Udp03, Choice::CanUseUdp),
        (None, _, None) => (Build::Udp02, Choice::CannotUseUdp),
    };
    let mut adapter = adapter_facts(options.adapter.as_deref().unwrap_or(build.adapter()))?;
    let serves_http = adapter.serves.iter().any(|s| crate::http::is_rc_http(s));
    let imports_http = imports.iter().any(|i| crate::http::is_rc_http(i));
    let http_part = imports_http && !serves_http;
    if !serves_http {
        adapter.serves.extend(http_serves());
    }
    let mut rc_imports: Vec<String> = imports.iter().filter(|i| i.contains(RC)).cloned().collect();
    rc_imports.sort();
    let uncovered: Vec<String> = rc_imports
        .iter()
        .filter(|i| !adapter.serves.contains(i))
        .cloned()
        .collect();
    let refusal = if rc_imports.is_empty() {
        let released_wasi = imports
            .iter()
            .filter(|i| i.starts_with("wasi:") && i.contains("@0."))
            .cloned()
            .collect();
        Some(PlugError::NoRcImport { released_wasi })
    } else if !uncovered.is_empty() {
        // A version of a few packages only (12-05: cli and http) says which.
        let served_versions = by_version(&adapter.serves)
            .into_iter()
            .map(|(version, names)| {
                let mut packages: Vec<&str> =
                    names.iter().filter_map(|n| n.split('/').next()).collect();
                packages.dedup();
                match packages.len() {
                    ..=2 => format!("{version} ({})", packages.join(", ")),
                    _ => version,
                }
            })
            .collect();
        Some(PlugError::Uncovered {
            interfaces: uncovered.clone(),
            served_versions,
        })
    } else {
        None
    };
    let http = rc_imports.iter().any(|i| crate::http::is_rc_http(i));
    // The proxy build is made in place where it can be; a given adapter is composed.
    let mut planned = None;
    let direct = match (build, &options.adapter, options.route, &refusal) {
        (Build::Proxy, None, None | Some(Route::Direct), None) => {
            Some(crate::direct::plan_proxy(component))
        }
        _ => None,
    };
    let (route, not_direct) = match direct {
        Some(Ok(plan)) => {
            planned = Some(plan);
            (Route::Direct, None)
        }
        Some(Err(why)) => (Route::Adapter, Some(why)),
        None => (Route::Adapter, None),
    };
    // A whole-world build that imports the host's files can hand them over, where stubs
    // can keep the file rights.
    let mut host_files = false;
    if build != Build::Proxy
        && !options.adapter_files
        && refusal.is_none()
        && rc_imports
            .iter()
            .any(|i| i == crate::compose::HOST_FILES[0].0)
        && crate::compose::HOST_FILES
            .iter()
            .all(|(_, host)| adapter.imports.iter().any(|i| i == host))
        && let Ok(plan) = crate::direct::plan_file_rights(component)
    {
        planned = Some(plan);
        host_files = true;
    }
    let command = WasmtimeCommand::new(
        proxy,
        build == Build::Proxy,
        adapter.needs_more_async_builtins,
        http,
    );
    let inspection = Inspection {
        imports,
        exports,
        kind,
        rc_imports,
        uncovered,
        udp_import,
        build,
        choice,
        command,
        refusal,
        http_part,
        route,
        not_direct,
        host_files,
    };
    Ok((inspection, planned))
}

/// The rc interfaces the rc HTTP part serves.
fn http_serves() -> Vec<String> {
    let surface = read::read(crate::http::PART).expect("the rc HTTP part this crate carries");
    surface
        .exports
        .into_iter()
        .filter(|e| e.contains(RC))
        .collect()
}

/// `names` grouped by the version after their `@`, versions sorted.
fn by_version(names: &[String]) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for name in names {
        let (interface, version) = name.split_once('@').unwrap_or((name, ""));
        match groups.iter_mut().find(|(v, _)| v == version) {
            Some((_, interfaces)) => interfaces.push(interface.to_string()),
            None => groups.push((version.to_string(), vec![interface.to_string()])),
        }
    }
    groups.sort();
    groups
}
