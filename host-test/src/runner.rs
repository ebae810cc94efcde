//! Runs a WASI command component the way the wasmtime 50 CLI does for
//! `wasmtime run -W component-model-more-async-builtins=y -S inherit-network=y`:
//! p2 and p3 both linked; a p2 `wasi:cli/run` export is called with `call_run`, a
//! `wasi:cli/run@0.3.0` export inside `run_concurrent`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmtime::Result;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::error::Context as _;
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

pub struct Host {
    ctx: WasiCtx,
    table: ResourceTable,
    memory: MemoryGauge,
}

/// Counts the linear memory of every instance in a store (for a plugged guest: the guest's
/// and the adapter's), as wasmtime reports each memory's growth.
#[derive(Clone, Default)]
pub struct MemoryGauge(pub Arc<AtomicUsize>);

impl MemoryGauge {
    pub fn bytes(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

impl wasmtime::ResourceLimiter for MemoryGauge {
    fn memory_growing(&mut self, current: usize, desired: usize, _: Option<usize>) -> Result<bool> {
        self.0
            .fetch_add(desired.saturating_sub(current), Ordering::Relaxed);
        Ok(true)
    }

    fn table_growing(&mut self, _: usize, _: usize, _: Option<usize>) -> Result<bool> {
        Ok(true)
    }
}

/// How to run a command beyond its arguments.
#[derive(Clone, Default)]
pub struct RunOptions {
    /// wasmtime's store-wide handle limit, as `-S max-component-handles=N` sets it
    /// (`None`: wasmtime's default, 100,000).
    pub max_component_handles: Option<usize>,
    /// Where the store's linear memory is counted.
    pub memory: MemoryGauge,
    /// Environment variables, as `--env NAME=VALUE` sets them.
    pub env: Vec<(String, String)>,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// The engine configuration the adapter needs (see README: wasmtime flags).
pub fn engine() -> Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model_async(true);
    // `[async-lower][subtask-cancel]` is one of the "more async builtins".
    config.wasm_component_model_more_async_builtins(true);
    // For profiling benchmarks with `perf`: names for JIT-compiled wasm functions.
    if std::env::var_os("RC_ADAPTER_PERFMAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    Engine::new(&config)
}

/// Where the guest's stdout goes.
pub enum Stdout {
    /// Kept in memory and returned (tests).
    Capture,
    /// Passed through to this process's stdout (scripts, benchmarks).
    Inherit,
}

/// What a run produced.
pub struct RunOutput {
    pub stdout: String,
    /// `Ok(true)` for exit 0, `Ok(false)` for a non-zero exit, `Err` for a trap.
    pub outcome: Result<bool>,
}

impl RunOutput {
    /// Panics with the guest's output unless it exited 0.
    pub fn assert_success(&self) -> &str {
        match &self.outcome {
            Ok(true) => &self.stdout,
            Ok(false) => panic!("guest exited non-zero; stdout:\n{}", self.stdout),
            Err(e) => panic!("guest trapped: {e:?}\nstdout:\n{}", self.stdout),
        }
    }
}

/// Instantiates and runs `component` with `args` (argv[0] included by us).
pub async fn run(
    engine: &Engine,
    component: &Path,
    args: &[&str],
    stdout: Stdout,
) -> Result<RunOutput> {
    let component = Component::from_file(engine, component)
        .with_context(|| format!("loading {}", component.display()))?;
    run_component(engine, &component, args, stdout).await
}

/// A linker with WASI p2 and p3, as `wasmtime run` sets up.
pub fn linker(engine: &Engine) -> Result<Linker<Host>> {
    let mut linker: Linker<Host> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi::p3::add_to_linker(&mut linker)?;
    Ok(linker)
}

/// A store with a default WASI context (no args, network allowed).
pub fn store(engine: &Engine) -> Store<Host> {
    let mut builder = WasiCtxBuilder::new();
    builder
        .inherit_network()
        .allow_udp(true)
        .allow_tcp(true)
        .allow_ip_name_lookup(true);
    let memory = MemoryGauge::default();
    Store::new(
        engine,
        Host {
            ctx: builder.build(),
            table: ResourceTable::new(),
            memory,
        },
    )
}

/// Whether the component is a WASI 0.3 command (exports `wasi:cli/run@0.3.0`).
pub fn is_p3_command(engine: &Engine, component: &Component) -> bool {
    component
        .component_type()
        .get_export(engine, "wasi:cli/run@0.3.0")
        .is_some()
}

pub async fn run_component(
    engine: &Engine,
    component: &Component,
    args: &[&str],
    stdout: Stdout,
) -> Result<RunOutput> {
    run_component_with(engine, component, args, stdout, &RunOptions::default()).await
}

/// `run_component` with `options`.
pub async fn run_component_with(
    engine: &Engine,
    component: &Component,
    args: &[&str],
    stdout: Stdout,
    options: &RunOptions,
) -> Result<RunOutput> {
    let linker = linker(engine)?;
    let pipe = MemoryOutputPipe::new(64 << 20);
    let mut builder = WasiCtxBuilder::new();
    let argv: Vec<&str> = std::iter::once("guest")
        .chain(args.iter().copied())
        .collect();
    builder
        .args(&argv)
        .inherit_stderr()
        .inherit_network()
        .allow_udp(true)
        .allow_tcp(true)
        .allow_ip_name_lookup(true)
        .envs(&options.env);
    match stdout {
        Stdout::Capture => builder.stdout(pipe.clone()),
        Stdout::Inherit => builder.inherit_stdout(),
    };
    let host = Host {
        ctx: builder.build(),
        table: ResourceTable::new(),
        memory: options.memory.clone(),
    };
    let mut store = Store::new(engine, host);
    store.limiter(|host| &mut host.memory);
    if let Some(max) = options.max_component_handles {
        store.set_max_component_handles(max);
    }

    let result = if is_p3_command(engine, component) {
        let command =
            wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, component, &linker)
                .await?;
        store
            .run_concurrent(async move |store| command.wasi_cli_run().call_run(store).await)
            .await
            .and_then(|r| r)
    } else {
        let command =
            wasmtime_wasi::p2::bindings::Command::instantiate_async(&mut store, component, &linker)
                .await?;
        command.wasi_cli_run().call_run(&mut store).await
    };
    let outcome = match result {
        Ok(Ok(())) => Ok(true),
        Ok(Err(())) => Ok(false),
        Err(e) => match e.downcast_ref::<wasmtime_wasi::I32Exit>() {
            Some(exit) => Ok(exit.0 == 0),
            None => Err(e),
        },
    };
    let stdout = String::from_utf8_lossy(&pipe.contents()).into_owned();
    Ok(RunOutput { stdout, outcome })
}
