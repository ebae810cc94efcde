//! Builds the wasm artifacts the tests need, once per process, with the same toolchain the
//! user has (`cargo`, pinned by rust-toolchain.toml). Outputs go under `target/`.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Where composed and componentized outputs go.
pub fn components_dir() -> PathBuf {
    let dir = repo_root().join("target/components");
    std::fs::create_dir_all(&dir).expect("create target/components");
    dir
}

fn cargo(subcommand: &str, manifest: &Path, target_dir: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(repo_root())
        .arg(subcommand)
        .arg("--manifest-path")
        .arg(manifest)
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir)
        // Flags meant for the host build must not leak into the wasm builds.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo {subcommand} {args:?} failed");
    }
    Ok(())
}

/// Builds the adapter's core module and turns it into a component (what
/// `scripts/build-adapter.sh` does with `wasm-tools component new`).
pub fn adapter() -> Result<PathBuf> {
    static ADAPTER: OnceLock<PathBuf> = OnceLock::new();
    if let Some(p) = ADAPTER.get() {
        return Ok(p.clone());
    }
    let _guard = build_lock();
    let root = repo_root();
    cargo(
        "rustc",
        &root.join("Cargo.toml"),
        &root.join("target/wasm"),
        &[
            "-p",
            "adapter",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--crate-type",
            "cdylib",
        ],
    )?;
    let core = std::fs::read(root.join("target/wasm/wasm32-unknown-unknown/release/adapter.wasm"))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&core)?
        .validate(true)
        .encode()?;
    let out = components_dir().join("rc-adapter.wasm");
    write_atomically(&out, &component)?;
    Ok(ADAPTER.get_or_init(|| out).clone())
}

/// Builds every guest (wasm32-wasip2 commands: the legacy ones written against the rc WIT,
/// and the native p2 and p3 baselines) and returns the path of the one named.
pub fn guest(name: &str) -> Result<PathBuf> {
    static GUESTS: OnceLock<()> = OnceLock::new();
    let root = repo_root();
    let dir = root.join("target/guests/wasm32-wasip2/release");
    if GUESTS.get().is_none() {
        let _guard = build_lock();
        cargo(
            "build",
            &root.join("host-test/guests/Cargo.toml"),
            &root.join("target/guests"),
            &["--release", "--target", "wasm32-wasip2", "--workspace"],
        )?;
        let _ = GUESTS.set(());
    }
    let path = dir.join(format!("{name}.wasm"));
    if !path.exists() {
        bail!("no guest named {name} at {}", path.display());
    }
    Ok(path)
}

/// The guest plugged with the adapter by wac-graph, written to `target/components` once
/// per process.
pub fn plugged(name: &str) -> Result<PathBuf> {
    static PLUGGED: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let (adapter, guest) = (adapter()?, guest(name)?);
    let mut done = PLUGGED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, path)) = done.iter().find(|(n, _)| n == name) {
        return Ok(path.clone());
    }
    let bytes = crate::compose::plug(&std::fs::read(adapter)?, &std::fs::read(guest)?)?;
    let out = components_dir().join(format!("{name}.plugged.wasm"));
    write_atomically(&out, &bytes)?;
    done.push((name.to_string(), out.clone()));
    Ok(out)
}

/// Other test processes may be loading the previous file: replace it, never truncate it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Serializes cargo invocations from concurrent tests.
fn build_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
