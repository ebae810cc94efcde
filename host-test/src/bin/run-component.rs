//! `run-component FILE.wasm [ARGS..]`: runs a WASI command component in wasmtime 50.0.1
//! exactly as `wasmtime run -W component-model-more-async-builtins=y -S inherit-network=y`
//! would, with stdout passed through. Exits with the guest's status.

use host_test::runner::{self, Stdout};

#[tokio::main]
async fn main() -> wasmtime::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((file, guest_args)) = args.split_first() else {
        wasmtime::bail!("usage: run-component FILE.wasm [ARGS..]");
    };
    let guest_args: Vec<&str> = guest_args.iter().map(String::as_str).collect();
    let engine = runner::engine()?;
    let out = runner::run(&engine, file.as_ref(), &guest_args, Stdout::Inherit).await?;
    match out.outcome {
        Ok(true) => Ok(()),
        Ok(false) => std::process::exit(1),
        Err(e) => Err(e.context("the component trapped")),
    }
}
