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
    /// As shipped, rc UDP over WASI 0.3.0 (`plug.sh --udp 0.3`).
    Udp03,
    /// As shipped, rc UDP over WASI 0.2.x (`plug.sh --udp 0.2`, the `udp-p2` feature).
    Udp02,
    /// `Udp03` with the `probe-stats` feature (`adapter/src/p3_udp/probe_stats.rs`), for
    /// `bench soak`.
    ProbeStats,
}

impl AdapterBuild {
    /// Both shipped builds, for tests that must behave the same on each.
    pub const SHIPPED: [AdapterBuild; 2] = [AdapterBuild::Udp03, AdapterBuild::Udp02];

    /// As `scripts/build-adapter.sh` names its output (`rc-adapter{suffix}.wasm`).
    pub fn suffix(self) -> &'static str {
        match self {
            AdapterBuild::Udp03 => "-udp03",
            AdapterBuild::Udp02 => "-udp02",
            AdapterBuild::ProbeStats => "-probe-stats",
        }
    }

    /// `plug.sh --udp` for it.
    pub fn udp(self) -> &'static str {
        match self {
            AdapterBuild::Udp02 => "0.2",
            _ => "0.3",
        }
    }
}

/// Builds the shipped adapter with rc UDP over 0.3 (what `scripts/build-adapter.sh 0.3`
/// does, `wasm-tools component new` included).
pub fn adapter() -> Result<PathBuf> {
    adapter_built(AdapterBuild::Udp03)
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
    match build {
        AdapterBuild::Udp03 => {}
        AdapterBuild::Udp02 => args.extend(["--features", "udp-p2"]),
        AdapterBuild::ProbeStats => args.extend(["--features", "probe-stats"]),
    }
    cargo("rustc", &root.join("Cargo.toml"), &target, &args)?;
    let core = std::fs::read(target.join("wasm32-unknown-unknown/release/adapter.wasm"))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&core)?
        .validate(true)
        .encode()?;
    let out = components_dir().join(format!("rc-adapter{}.wasm", build.suffix()));
    write_atomically(&out, &stripped(component)?)?;
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

/// The guest plugged with the 0.3 UDP build by wac-graph, written to `target/components`
/// once per process.
pub fn plugged(name: &str) -> Result<PathBuf> {
    plugged_with(name, AdapterBuild::Udp03)
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

/// The preview1 adapter a 2023 tool wrapped a `wasm32-wasi` module with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// wasmtime 15, cargo-component 0.5.0, jco 0.14.0/0.14.1, componentize-py 0.7: everything
    /// `@0.2.0-rc-2023-11-10`.
    Nov2023,
    /// wasmtime 16, cargo-component 0.6.0, componentize-py 0.8-0.10, jco 0.14.2: `wasi:cli/*`
    /// `@0.2.0-rc-2023-12-05`, the rest `@0.2.0-rc-2023-11-10`.
    Dec2023,
}

impl Era {
    /// The version string of its `wasi:cli` interfaces.
    pub fn cli_version(self) -> &'static str {
        match self {
            Era::Nov2023 => "0.2.0-rc-2023-11-10",
            Era::Dec2023 => "0.2.0-rc-2023-12-05",
        }
    }
}

/// A legacy program (`host-test/guests`) built as 2023 users built components: compiled for
/// `wasm32-wasip1`, then turned into a component with that era's preview1 command adapter
/// (`scripts/fetch-preview1-adapters.sh`), as `wasm-tools component new --adapt` does.
pub fn legacy(name: &str, era: Era) -> Result<PathBuf> {
    static CORE: OnceLock<()> = OnceLock::new();
    static ADAPTERS: OnceLock<PathBuf> = OnceLock::new();
    static BUILT: Mutex<Vec<(String, Era, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, path)) = built.iter().find(|(n, e, _)| n == name && *e == era) {
        return Ok(path.clone());
    }
    let root = repo_root();
    if CORE.get().is_none() {
        let _guard = build_lock();
        cargo(
            "build",
            &root.join("host-test/guests/Cargo.toml"),
            &root.join("target/guests"),
            &[
                "--release",
                "--target",
                "wasm32-wasip1",
                "-p",
                "rc-guests",
                "--bins",
            ],
        )?;
        let _ = CORE.set(());
    }
    let adapters = match ADAPTERS.get() {
        Some(dir) => dir.clone(),
        None => {
            let _guard = build_lock();
            let out = Command::new("bash")
                .arg(root.join("scripts/fetch-preview1-adapters.sh"))
                .output()
                .context("running scripts/fetch-preview1-adapters.sh")?;
            if !out.status.success() {
                bail!(
                    "fetch-preview1-adapters.sh: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let dir = root.join(String::from_utf8(out.stdout)?.trim());
            ADAPTERS.get_or_init(|| dir).clone()
        }
    };
    let core = std::fs::read(root.join(format!("target/guests/wasm32-wasip1/release/{name}.wasm")))
        .with_context(|| format!("no wasm32-wasip1 guest named {name}"))?;
    let adapter = std::fs::read(adapters.join(format!(
        "{}.command.wasm",
        era.cli_version().trim_start_matches("0.2.0-")
    )))?;
    let component = wit_component::ComponentEncoder::default()
        .module(&core)?
        .adapter("wasi_snapshot_preview1", &adapter)?
        .validate(true)
        .encode()?;
    let out = components_dir().join(format!("{name}.{}.legacy.wasm", era.cli_version()));
    write_atomically(&out, &component)?;
    built.push((name.to_string(), era, out.clone()));
    Ok(out)
}

/// `legacy(name, era)` made runnable by `scripts/plug.sh` (the real `wac` CLI) with the
/// adapter build it picks by default (0.3 UDP if the component imports rc UDP, else 0.2.x),
/// once per process.
pub fn legacy_plugged(name: &str, era: Era) -> Result<PathBuf> {
    legacy_plugged_with(name, era, None)
}

/// `legacy_plugged`, with `plug.sh --udp` for `build` (a shipped build), if given.
pub fn legacy_plugged_with(name: &str, era: Era, build: Option<AdapterBuild>) -> Result<PathBuf> {
    type Done = Vec<(String, Era, Option<AdapterBuild>, PathBuf)>;
    static PLUGGED: Mutex<Done> = Mutex::new(Vec::new());
    // plug.sh finds both builds where `adapter_built` writes them.
    for shipped in AdapterBuild::SHIPPED {
        adapter_built(shipped)?;
    }
    let mut done = PLUGGED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((.., path)) = done
        .iter()
        .find(|(n, e, b, _)| n == name && *e == era && *b == build)
    {
        return Ok(path.clone());
    }
    let legacy = legacy(name, era)?;
    let tag = build.map_or("", |b| b.suffix());
    let out = components_dir().join(format!("{name}.{}{tag}.fixed.wasm", era.cli_version()));
    let mut plug = Command::new("bash");
    plug.arg(repo_root().join("scripts/plug.sh"));
    if let Some(build) = build {
        plug.args(["--udp", build.udp()]);
    }
    let plug = plug
        .arg(&legacy)
        .arg(&out)
        .env("RC_ADAPTER_DIR", components_dir())
        .env_remove("RC_ADAPTER")
        .output()
        .context("running scripts/plug.sh")?;
    if !plug.status.success() {
        bail!(
            "plug.sh {}: {}",
            legacy.display(),
            String::from_utf8_lossy(&plug.stderr)
        );
    }
    done.push((name.to_string(), era, build, out.clone()));
    Ok(out)
}

/// `wasm-tools strip`, as `scripts/build-adapter.sh` runs it: drops the component-name
/// section, a fifth of the component, which neither wac nor wasmtime 50 reads.
fn stripped(component: Vec<u8>) -> Result<Vec<u8>> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("wasm-tools")
        .args(["strip", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running `wasm-tools strip` (scripts/setup.sh installs wasm-tools)")?;
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&component));
    let out = child.wait_with_output()?;
    writer.join().unwrap()?;
    if !out.status.success() {
        bail!("`wasm-tools strip` failed");
    }
    Ok(out.stdout)
}

/// An empty directory for one test, `target/tmp/NAME`.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = repo_root().join("target/tmp").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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
