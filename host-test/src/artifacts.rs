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

/// How the adapter is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdapterBuild {
    /// As shipped.
    Shipped,
    /// With the `probe-stats` feature (`adapter/src/probe_stats.rs`), for `bench soak`.
    ProbeStats,
}

impl AdapterBuild {
    fn suffix(self) -> &'static str {
        match self {
            AdapterBuild::Shipped => "",
            AdapterBuild::ProbeStats => "-probe-stats",
        }
    }
}

/// Builds the shipped adapter's core module and turns it into a component (what
/// `scripts/build-adapter.sh` does with `wasm-tools component new`).
pub fn adapter() -> Result<PathBuf> {
    adapter_built(AdapterBuild::Shipped)
}

/// `adapter`, built as `build` says, once per process.
pub fn adapter_built(build: AdapterBuild) -> Result<PathBuf> {
    static BUILT: Mutex<Vec<(AdapterBuild, PathBuf)>> = Mutex::new(Vec::new());
    let _guard = build_lock();
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = built.iter().find(|(b, _)| *b == build) {
        return Ok(p.clone());
    }
    let root = repo_root();
    let target = root.join(format!("target/wasm{}", build.suffix()));
    let mut args = vec![
        "-p",
        "adapter",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--crate-type",
        "cdylib",
    ];
    if build == AdapterBuild::ProbeStats {
        args.extend(["--features", "probe-stats"]);
    }
    cargo("rustc", &root.join("Cargo.toml"), &target, &args)?;
    let core = std::fs::read(target.join("wasm32-unknown-unknown/release/adapter.wasm"))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&core)?
        .validate(true)
        .encode()?;
    let out = components_dir().join(format!("rc-adapter{}.wasm", build.suffix()));
    write_atomically(&out, &component)?;
    built.push((build, out.clone()));
    Ok(out)
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

/// The guest plugged with the shipped adapter by wac-graph, written to `target/components`
/// once per process.
pub fn plugged(name: &str) -> Result<PathBuf> {
    plugged_with(name, AdapterBuild::Shipped)
}

/// `plugged`, with the adapter built as `build` says.
pub fn plugged_with(name: &str, build: AdapterBuild) -> Result<PathBuf> {
    static PLUGGED: Mutex<Vec<(String, AdapterBuild, PathBuf)>> = Mutex::new(Vec::new());
    let (adapter, guest) = (adapter_built(build)?, guest(name)?);
    let mut done = PLUGGED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, path)) = done.iter().find(|(n, b, _)| n == name && *b == build) {
        return Ok(path.clone());
    }
    let bytes = crate::compose::plug(&std::fs::read(adapter)?, &std::fs::read(guest)?)?;
    let out = components_dir().join(format!("{name}{}.plugged.wasm", build.suffix()));
    write_atomically(&out, &bytes)?;
    done.push((name.to_string(), build, out.clone()));
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
