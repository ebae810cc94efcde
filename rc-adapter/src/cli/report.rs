//! `rc-adapter inspect`'s report.

use super::output;
use rc_adapter::{Build, Inspection, Kind, Route, plugged_name};
use std::path::Path;

/// `inspect`'s report: one `name: value` line per fact.
pub fn report(input: &Path, inspection: &Inspection) -> String {
    let mut lines = vec![format!("component: {}", input.display())];
    lines.push(match &inspection.kind {
        Kind::Command { run } if plugged_name(run) != run => format!(
            "kind: command (exports {run}; plugged, it exports {})",
            plugged_name(run)
        ),
        Kind::Command { run } => format!("kind: command (exports {run})"),
        Kind::Proxy { handler } => format!(
            "kind: HTTP proxy (exports {handler}; plugged, it exports {})",
            plugged_name(handler)
        ),
        _ => "kind: reactor (exports no wasi:cli/run)".to_string(),
    });
    let versions = inspection.rc_versions();
    if versions.is_empty() {
        lines.push("rc imports: none".to_string());
    }
    for (version, interfaces) in versions {
        lines.push(format!(
            "rc imports @{version}: {} ({})",
            interfaces.len(),
            interfaces.join(", ")
        ));
    }
    let others: Vec<&str> = inspection
        .imports
        .iter()
        .filter(|i| !inspection.rc_imports.contains(i))
        .map(String::as_str)
        .collect();
    if !others.is_empty() {
        lines.push(format!(
            "other imports, left as they are: {}",
            others.join(", ")
        ));
    }
    let served = inspection.rc_imports.len() - inspection.uncovered.len();
    lines.push(match inspection.uncovered.as_slice() {
        [] => format!("the adapter serves: all {served} of its rc imports"),
        uncovered => format!(
            "the adapter serves: {served}; not: {}",
            uncovered.join(", ")
        ),
    });
    lines.push(match &inspection.udp_import {
        Some(module) => {
            format!("rc UDP: can use it (a core module imports create-udp-socket from {module})")
        }
        None => "rc UDP: cannot use it (no core module imports create-udp-socket from an rc \
                 wasi:sockets/udp-create-socket)"
            .to_string(),
    });
    lines.push(format!(
        "build: {}, {}",
        inspection.build,
        inspection.reason()
    ));
    if let Some(made) = made(inspection) {
        lines.push(format!("made: {made}"));
    }
    if inspection.host_files {
        lines.push(
            "files: the host's own, with the read and write rights open-at asked for kept \
             inside the component, as wasmtime 15 kept them"
                .to_string(),
        );
    }
    if inspection.refusal.is_none() {
        let out = output::default_output(input);
        lines.push(format!(
            "run, once plugged: {}",
            inspection.command.line(&out)
        ));
    }
    lines.join("\n") + "\n"
}

/// How the proxy build is made, where it is the build: in place, or composed (and why).
pub fn made(inspection: &Inspection) -> Option<String> {
    if inspection.build != Build::Proxy || inspection.refusal.is_some() {
        return None;
    }
    Some(match (inspection.route, &inspection.not_direct) {
        (Route::Direct, _) => "in place (its rc imports become the host's own; a core module \
                               inside it serves what a proxy host lacks)"
            .to_string(),
        (_, Some(why)) => format!("composed with the proxy adapter, because {why}"),
        _ => "composed with the proxy adapter, as asked".to_string(),
    })
}
