//! Builds the wasm artifacts the tests need, once per process, with the same toolchain the
//! user has (`cargo`, pinned by rust-toolchain.toml). Outputs go under `target/`.

use anyhow::{Context, Result, bail};
use rc_adapter::{Build, PlugOptions, Route};
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

/// An adapter build the tests and benchmarks plug: one of the shipped builds, the bytes
/// the `rc-adapter` crate carries, or a test-only build of `adapter/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdapterBuild {
    /// As shipped, rc UDP over WASI 0.3.0 (`rc-adapter plug --udp 0.3`).
    Udp03,
    /// As shipped, rc UDP over WASI 0.2.x (`rc-adapter plug --udp 0.2`).
    Udp02,
    /// As shipped for a wasi:http proxy host (`rc-adapter plug --world proxy`, the default
    /// for a proxy): made in place (`Route::Direct`) where the component allows.
    Proxy,
    /// `Proxy`, composed with the proxy build's adapter component (`Route::Adapter`), as a
    /// proxy the direct route cannot take is.
    ProxyAdapter,
    /// `Udp02`, with rc files served by the adapter's own descriptors
    /// (`PlugOptions::with_adapter_files`), as for a command stubs cannot go into.
    Udp02AdapterFiles,
    /// `Udp03` with the `probe-stats` feature (`adapter/src/p3_udp/probe_stats.rs`), for
    /// `bench soak`, built by `scripts/build-adapter.sh probe-stats`.
    ProbeStats,
}

impl AdapterBuild {
    /// Both shipped whole-world builds, for tests that must behave the same on each.
    pub const SHIPPED: [AdapterBuild; 2] = [AdapterBuild::Udp03, AdapterBuild::Udp02];

    /// A short name for file names.
    pub fn suffix(self) -> &'static str {
        match self {
            AdapterBuild::Udp03 => "-udp03",
            AdapterBuild::Udp02 => "-udp02",
            AdapterBuild::Proxy => "-proxy",
            AdapterBuild::ProxyAdapter => "-proxy-adapter",
            AdapterBuild::Udp02AdapterFiles => "-udp02-adapter-files",
            AdapterBuild::ProbeStats => "-probe-stats",
        }
    }

    /// The shipped build it is, or stands on.
    pub fn build(self) -> Build {
        match self {
            AdapterBuild::Udp02 | AdapterBuild::Udp02AdapterFiles => Build::Udp02,
            AdapterBuild::Proxy | AdapterBuild::ProxyAdapter => Build::Proxy,
            _ => Build::Udp03,
        }
    }

    /// How `rc_adapter::plug` plugs it.
    pub fn options(self) -> Result<PlugOptions> {
        let options = PlugOptions::new().with_build(self.build());
        Ok(match self {
            AdapterBuild::ProbeStats => options.with_adapter(probe_stats_adapter()?),
            AdapterBuild::ProxyAdapter => options.with_route(Route::Adapter),
            AdapterBuild::Udp02AdapterFiles => options.with_adapter_files(),
            _ => options,
        })
    }
}

/// The adapter component of `build`.
pub fn adapter(build: AdapterBuild) -> Result<Vec<u8>> {
    match build {
        AdapterBuild::ProbeStats => probe_stats_adapter(),
        shipped => Ok(shipped.build().adapter().to_vec()),
    }
}

/// `scripts/build-adapter.sh probe-stats`, once per process.
fn probe_stats_adapter() -> Result<Vec<u8>> {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    Ok(std::fs::read(script_path_once(
        &BUILT,
        "build-adapter.sh",
        &["probe-stats"],
    )?)?)
}

/// The path `scripts/SCRIPT ARGS..` prints (relative to the repository), run once per
/// process and remembered in `once`.
fn script_path_once(once: &OnceLock<PathBuf>, script: &str, args: &[&str]) -> Result<PathBuf> {
    if let Some(path) = once.get() {
        return Ok(path.clone());
    }
    let _guard = build_lock();
    let out = Command::new("bash")
        .arg(repo_root().join("scripts").join(script))
        .args(args)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .with_context(|| format!("running scripts/{script}"))?;
    if !out.status.success() {
        bail!(
            "{script} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let path = repo_root().join(String::from_utf8(out.stdout)?.trim());
    Ok(once.get_or_init(|| path).clone())
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

/// The guest plugged with the 0.3 UDP build by `rc_adapter::plug`, written to
/// `target/components` once per process.
pub fn plugged(name: &str) -> Result<PathBuf> {
    plugged_with(name, AdapterBuild::Udp03)
}

/// `plugged`, with the adapter built as `build` says.
pub fn plugged_with(name: &str, build: AdapterBuild) -> Result<PathBuf> {
    static PLUGGED: Mutex<Vec<(String, AdapterBuild, PathBuf)>> = Mutex::new(Vec::new());
    let guest = guest(name)?;
    let mut done = PLUGGED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, path)) = done.iter().find(|(n, b, _)| n == name && *b == build) {
        return Ok(path.clone());
    }
    let out = components_dir().join(format!("{name}{}.plugged.wasm", build.suffix()));
    plug_to(&guest, &build.options()?, &out)?;
    done.push((name.to_string(), build, out.clone()));
    Ok(out)
}

/// Plugs the component at `input` with `rc_adapter::plug`, writes it to `out`.
fn plug_to(input: &Path, options: &PlugOptions, out: &Path) -> Result<()> {
    let plugged = rc_adapter::plug(&std::fs::read(input)?, options)
        .map_err(|e| anyhow::anyhow!("plugging {}: {e}", input.display()))?;
    write_atomically(out, &plugged.bytes)
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

/// The preview1 adapter a 2023 tool wrapped a module with: the command adapter for a program
/// with `main`, the reactor adapter for a library (a proxy, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    Command,
    Reactor,
}

/// A legacy program (`host-test/guests`) built as 2023 users built components: compiled for
/// `wasm32-wasip1`, then turned into a component with that era's preview1 adapter
/// (`scripts/fetch-preview1-adapters.sh`), as `wasm-tools component new --adapt` does: the
/// command adapter, or the reactor adapter for one of `REACTORS`.
pub fn legacy(name: &str, era: Era) -> Result<PathBuf> {
    let wrap = match REACTORS.contains(&name) {
        true => Wrap::Reactor,
        false => Wrap::Command,
    };
    legacy_wrapped(name, era, wrap)
}

/// The legacy guests that are libraries, which `legacy` wraps with the reactor adapter (a
/// 2023 proxy as cargo-component and componentize-py built it); every other is a program.
pub const REACTORS: [&str; 2] = ["proxy_nov", "proxy_dec"];

/// `legacy`, wrapped with the adapter `wrap` says.
fn legacy_wrapped(name: &str, era: Era, wrap: Wrap) -> Result<PathBuf> {
    static ADAPTERS: OnceLock<PathBuf> = OnceLock::new();
    static BUILT: Mutex<Vec<(String, Era, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, path)) = built.iter().find(|(n, e, _)| n == name && *e == era) {
        return Ok(path.clone());
    }
    let adapters = script_path_once(&ADAPTERS, "fetch-preview1-adapters.sh", &[])?;
    let kind = match wrap {
        Wrap::Command => "command",
        Wrap::Reactor => "reactor",
    };
    let adapter = std::fs::read(adapters.join(format!(
        "{}.{kind}.wasm",
        era.cli_version().trim_start_matches("0.2.0-")
    )))?;
    let out = components_dir().join(format!("{name}.{}.legacy.wasm", era.cli_version()));
    write_atomically(&out, &componentize(&wasip1_core(name)?, &adapter)?)?;
    built.push((name.to_string(), era, out.clone()));
    Ok(out)
}

/// Our Python proxy (`host-test/guests/python/proxy`), built by componentize-py 0.10.0 as a
/// user of the wasmtime 16 era did (`scripts/setup.sh` installs it into
/// `target/componentize-py`): it imports the whole rc world of that era, sockets included.
/// Built once per process.
pub fn python_proxy() -> Result<PathBuf> {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    if let Some(path) = BUILT.get() {
        return Ok(path.clone());
    }
    let _guard = build_lock();
    let tool = repo_root().join("target/componentize-py/bin/componentize-py");
    if !tool.exists() {
        bail!(
            "no componentize-py at {} (scripts/setup.sh installs it)",
            tool.display()
        );
    }
    let out = components_dir().join("python-proxy.0.2.0-rc-2023-12-05.legacy.wasm");
    let tmp = out.with_extension(format!("tmp{}", std::process::id()));
    let status = Command::new(tool)
        .current_dir(repo_root().join("host-test/guests/python/proxy"))
        .args(["-d", "wit", "-w", "app", "componentize", "main", "-o"])
        .arg(&tmp)
        .status()
        .context("running componentize-py")?;
    if !status.success() {
        bail!("componentize-py failed on host-test/guests/python/proxy");
    }
    std::fs::rename(&tmp, &out)?;
    Ok(BUILT.get_or_init(|| out).clone())
}

/// `python_proxy`, plugged as `build` says, once per process.
pub fn python_proxy_plugged(build: AdapterBuild) -> Result<PathBuf> {
    static PLUGGED: Mutex<Vec<(AdapterBuild, PathBuf)>> = Mutex::new(Vec::new());
    let legacy = python_proxy()?;
    let mut done = PLUGGED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, path)) = done.iter().find(|(b, _)| *b == build) {
        return Ok(path.clone());
    }
    let out = components_dir().join(format!("python-proxy{}.fixed.wasm", build.suffix()));
    plug_to(&legacy, &build.options()?, &out)?;
    done.push((build, out.clone()));
    Ok(out)
}

/// A program built for `wasm32-wasip1` and made a component with wasmtime 50.0.1's own
/// preview1 command adapter (`wasi-preview1-component-adapter-provider`): how a preview1
/// program runs on wasmtime 50 natively, the baseline of `bench bulk`.
pub fn native_p1(name: &str) -> Result<PathBuf> {
    use wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER;
    let out = components_dir().join(format!("{name}.native-p1.wasm"));
    let component = componentize(&wasip1_core(name)?, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER)?;
    write_atomically(&out, &component)?;
    Ok(out)
}

/// The `wasm32-wasip1` core module of a guest (every one is built, once per process).
fn wasip1_core(name: &str) -> Result<Vec<u8>> {
    static CORE: OnceLock<()> = OnceLock::new();
    let root = repo_root();
    if CORE.get().is_none() {
        let _guard = build_lock();
        // The legacy programs (bins), and the 2023 proxies (libraries, and bins).
        let args = [
            "--release",
            "--target",
            "wasm32-wasip1",
            "-p",
            "rc-guests",
            "-p",
            "proxy-nov",
            "-p",
            "proxy-dec",
            "--lib",
            "--bins",
        ];
        let guests = root.join("host-test/guests/Cargo.toml");
        cargo("build", &guests, &root.join("target/guests"), &args)?;
        let _ = CORE.set(());
    }
    std::fs::read(root.join(format!("target/guests/wasm32-wasip1/release/{name}.wasm")))
        .with_context(|| format!("no wasm32-wasip1 guest named {name}"))
}

/// `wasm-tools component new --adapt wasi_snapshot_preview1=ADAPTER`.
fn componentize(core: &[u8], adapter: &[u8]) -> Result<Vec<u8>> {
    wit_component::ComponentEncoder::default()
        .module(core)?
        .adapter("wasi_snapshot_preview1", adapter)?
        .validate(true)
        .encode()
}

/// `legacy(name, era)` made runnable by `rc_adapter::plug` with the build it picks by
/// default (0.3 UDP for a component that can use rc UDP, else 0.2.x), once per process.
pub fn legacy_plugged(name: &str, era: Era) -> Result<PathBuf> {
    legacy_plugged_with(name, era, None)
}

/// `legacy_plugged`, with `build` (a shipped build), if given.
pub fn legacy_plugged_with(name: &str, era: Era, build: Option<AdapterBuild>) -> Result<PathBuf> {
    type Done = Vec<(String, Era, Option<AdapterBuild>, PathBuf)>;
    static PLUGGED: Mutex<Done> = Mutex::new(Vec::new());
    let legacy = legacy(name, era)?;
    let mut done = PLUGGED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((.., path)) = done
        .iter()
        .find(|(n, e, b, _)| n == name && *e == era && *b == build)
    {
        return Ok(path.clone());
    }
    let tag = build.map_or("", |b| b.suffix());
    let out = components_dir().join(format!("{name}.{}{tag}.fixed.wasm", era.cli_version()));
    let options = match build {
        Some(build) => build.options()?,
        None => PlugOptions::new(),
    };
    plug_to(&legacy, &options, &out)?;
    done.push((name.to_string(), era, build, out.clone()));
    Ok(out)
}

/// How a fixture's core module names its imports: as wit-component did in 2023 (`legacy`:
/// the module is the interface name), or with today's `cm32p2|` prefix (`standard32`).
pub const LEGACY_NAMES: &str = "legacy";
pub const STANDARD_NAMES: &str = "standard32";

/// A component of the given world, made in `dir` as any toolchain's output would be: a
/// dummy core module (`wasm-tools component embed --dummy`; it imports every function of
/// the world, named as `names` says) turned into a component. With `deps`, `wit` may use
/// every package in `wit/deps`; without, it must define what it uses (a package of the same
/// name as one in `wit/deps`, say).
pub fn component_of(dir: &Path, name: &str, wit: &str, deps: bool, names: &str) -> Result<PathBuf> {
    let pkg = dir.join(name);
    std::fs::create_dir_all(&pkg)?;
    std::fs::write(pkg.join("world.wit"), wit)?;
    let deps_dir = pkg.join("deps");
    if deps && !deps_dir.exists() {
        std::os::unix::fs::symlink(repo_root().join("wit/deps"), &deps_dir)?;
    }
    let core = dir.join(format!("{name}.core.wasm"));
    let component = dir.join(format!("{name}.wasm"));
    let embed = ["component", "embed", "--dummy-names", names, "--world", "w"];
    wasm_tools(&embed, &pkg, &core)?;
    wasm_tools(&["component", "new"], &core, &component)?;
    Ok(component)
}

fn wasm_tools(args: &[&str], input: &Path, out: &Path) -> Result<()> {
    let status = Command::new("wasm-tools")
        .args(args)
        .arg(input)
        .arg("-o")
        .arg(out)
        .status()
        .context("running wasm-tools (scripts/setup.sh installs it)")?;
    if !status.success() {
        bail!("wasm-tools {args:?} {}", input.display());
    }
    Ok(())
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
