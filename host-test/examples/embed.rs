//! The smallest wasmtime 50 embedding that runs a plugged component (README, "Embedding"):
//! `embed FIXED.wasm [ARGS..]`, with this process's stdio, network and current directory.
//! `host-test/tests/embed_example.rs` runs it on both adapter builds.

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Result, Store};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

struct Host {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        wasmtime::bail!("usage: embed FIXED.wasm [ARGS..]");
    };

    let mut config = Config::new();
    config.wasm_component_model_async(true);
    // The adapter's 0.3 UDP build cancels 0.3 calls with `subtask.cancel`; the 0.2.x build
    // does not need this, and runs with it too.
    config.wasm_component_model_more_async_builtins(true);
    let engine = Engine::new(&config)?;

    // Both WASI versions: the adapter imports 0.3.0 (clocks, random, cli; UDP in the 0.3
    // build) and 0.2.x (streams, files, TCP, name lookup, the wait; UDP in the 0.2.x build).
    let mut linker = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi::p3::add_to_linker(&mut linker)?;

    let ctx = WasiCtxBuilder::new()
        .inherit_stdio()
        .args(&args)
        .inherit_network()
        // An embedder's `WasiCtxBuilder` allows no UDP or TCP until asked to.
        .allow_udp(true)
        .allow_tcp(true)
        .allow_ip_name_lookup(true)
        .preopened_dir(".", ".", FsPerms::ReadWrite)?
        .build();
    let table = ResourceTable::new();
    let mut store = Store::new(&engine, Host { ctx, table });

    // A plugged component exports `wasi:cli/run@0.2.0`: a WASI 0.2 command.
    let component = Component::from_file(&engine, file)?;
    let command =
        wasmtime_wasi::p2::bindings::Command::instantiate_async(&mut store, &component, &linker)
            .await?;
    match command.wasi_cli_run().call_run(&mut store).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(())) => std::process::exit(1),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => std::process::exit(exit.0),
            None => Err(e),
        },
    }
}
