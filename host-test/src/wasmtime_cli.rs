//! Runs a component with the real `wasmtime` 50.0.1 CLI, as users do, with the flags of the
//! README's `wasmtime run` line for it (read from README.md, so the tests run exactly that
//! line): the one with `-W component-model-more-async-builtins=y` for a component plugged with
//! rc UDP over WASI 0.3, the one without otherwise.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The flag only the 0.3 UDP build needs (it cancels 0.3 calls with async `subtask.cancel`).
pub const ASYNC_BUILTINS: &str = "component-model-more-async-builtins=y";

/// The flags between `wasmtime run` and `fixed.wasm` on the README's line for a component
/// plugged with rc UDP over WASI 0.3 (`udp03`) or not.
pub fn readme_flags(udp03: bool) -> Result<Vec<String>> {
    let readme = std::fs::read_to_string(crate::artifacts::repo_root().join("README.md"))?;
    let line = readme
        .lines()
        .find(|l| {
            l.starts_with("wasmtime run ")
                && l.contains(" fixed.wasm")
                && l.contains(ASYNC_BUILTINS) == udp03
        })
        .context("README.md has no `wasmtime run ... fixed.wasm` line for this build")?;
    let flags = &line["wasmtime run ".len()..line.find(" fixed.wasm").unwrap()];
    Ok(flags.split_whitespace().map(str::to_string).collect())
}

/// The flags between `wasmtime SUBCOMMAND` and `fixed.wasm` on the README's first such line
/// that has every one of `with` in it: `serve` for a proxy, say, or `run` with `-S http`.
pub fn readme_line_flags(subcommand: &str, with: &[&str]) -> Result<Vec<String>> {
    let readme = std::fs::read_to_string(crate::artifacts::repo_root().join("README.md"))?;
    let start = format!("wasmtime {subcommand} ");
    let line = readme
        .lines()
        .find(|l| {
            l.starts_with(&start) && l.contains(" fixed.wasm") && with.iter().all(|w| l.contains(w))
        })
        .with_context(|| format!("README.md has no `{start}... fixed.wasm` line with {with:?}"))?;
    // From the space after the subcommand: a line may have no flags.
    let rest = &line[start.len() - 1..];
    let flags = &rest[..rest.find(" fixed.wasm").unwrap()];
    Ok(flags.split_whitespace().map(str::to_string).collect())
}

/// One `wasmtime run`: extra flags (`--dir`, `--env`), program arguments and stdin.
#[derive(Default)]
pub struct Run<'a> {
    pub flags: Vec<String>,
    pub args: Vec<&'a str>,
    pub stdin: &'a [u8],
}

/// Whether a plugged component stands on the 0.3 UDP build: it imports the 0.3 sockets.
pub fn plugged_with_udp03(component: &Path) -> Result<bool> {
    let (imports, _) = crate::surface::imports_and_exports(&std::fs::read(component)?)?;
    Ok(imports.iter().any(|i| i == "wasi:sockets/types@0.3.0"))
}

/// `wasmtime run <README flags> <run.flags> COMPONENT <run.args>`, not yet started: for
/// callers that talk to the guest while it runs.
pub fn command(component: &Path, run: &Run) -> Result<Command> {
    check_version()?;
    let mut command = Command::new("wasmtime");
    command
        .arg("run")
        .args(readme_flags(plugged_with_udp03(component)?)?)
        .args(&run.flags)
        .arg(component)
        .args(&run.args);
    Ok(command)
}

/// `command`, run with `run.stdin` piped in and stdout and stderr captured.
pub fn run(component: &Path, run: &Run) -> Result<Output> {
    let mut child = command(component, run)?
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running `wasmtime` (scripts/setup.sh installs it)")?;
    let mut stdin = child.stdin.take().unwrap();
    let input = run.stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output()?;
    writer.join().unwrap();
    Ok(out)
}

/// Fails unless `wasmtime` on PATH is 50.0.1.
pub fn check_version() -> Result<()> {
    let out = Command::new("wasmtime").arg("--version").output();
    match out {
        Ok(out) if String::from_utf8_lossy(&out.stdout).starts_with("wasmtime 50.0.1") => Ok(()),
        Ok(out) => bail!(
            "need wasmtime 50.0.1, found {}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(e) => bail!("the wasmtime CLI is not on PATH (scripts/setup.sh installs it): {e}"),
    }
}
