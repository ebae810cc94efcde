//! Runs a component with the real `wasmtime` 50.0.1 CLI, as users do, with the flags of the
//! README's `wasmtime run` line (read from README.md, so the tests run exactly that line).

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The flags between `wasmtime run` and `fixed.wasm` on the README's line.
pub fn readme_flags() -> Result<Vec<String>> {
    let readme = std::fs::read_to_string(crate::artifacts::repo_root().join("README.md"))?;
    let line = readme
        .lines()
        .find(|l| l.starts_with("wasmtime run ") && l.contains(" fixed.wasm"))
        .context("README.md has no `wasmtime run ... fixed.wasm` line")?;
    let flags = &line["wasmtime run ".len()..line.find(" fixed.wasm").unwrap()];
    Ok(flags.split_whitespace().map(str::to_string).collect())
}

/// One `wasmtime run`: extra flags (`--dir`, `--env`), program arguments and stdin.
#[derive(Default)]
pub struct Run<'a> {
    pub flags: Vec<String>,
    pub args: Vec<&'a str>,
    pub stdin: &'a [u8],
}

/// `wasmtime run <README flags> <run.flags> COMPONENT <run.args>`, not yet started: for
/// callers that talk to the guest while it runs.
pub fn command(component: &Path, run: &Run) -> Result<Command> {
    check_version()?;
    let mut command = Command::new("wasmtime");
    command
        .arg("run")
        .args(readme_flags()?)
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

fn check_version() -> Result<()> {
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
