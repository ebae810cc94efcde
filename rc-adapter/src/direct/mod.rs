//! Rewriting a legacy component itself: the proxy build made in place, and a command's
//! file-rights stubs.
//!
//! **A proxy, made in place** (`Mode::Proxy`). `wasmtime serve` makes an instance for every
//! request, and its pooling allocator allows a thousand core instances in all. A 2023 proxy
//! has four (its module, its preview1 adapter, and wit-component's shim and fixup); composed
//! with the adapter it had nine (the adapter's module with its own shim and fixup, and two
//! modules of fused adapters, which wasmtime makes for calls from one component into
//! another). So the proxy build is made another way: the legacy component's rc imports
//! become the host's own `@0.2.12` interfaces where their shapes are the same (`table.rs`),
//! and what a proxy host does not have (files, sockets, the environment, exit, terminals) is
//! served by stubs in one small core module added inside the component (`stubs/`), which
//! its core modules call directly. Five core instances a request, and every call the host's
//! own.
//!
//! **A command's files** (`Mode::Command`). A whole-world build hands a command's rc files to
//! the host's own interfaces when it composes it, so that positional reads and writes move
//! bytes at the host's speed; the rights wasmtime 15 kept and wasmtime 50 does not are kept by
//! stubs inside the command, by its own handle of each descriptor
//! (`table::command_stubs`, `stubs/rights.rs`). Its rc imports stay as they are.
//!
//! `seen.rs` reads the component, `plan.rs` decides (`maps.rs`: the new indices), and
//! `rewrite.rs` writes it again. What cannot be made so (an rc interface used otherwise than
//! through its functions and resources, a stub a function has no signature for, a stubbed
//! function lowered before what its stub needs) is [`Unsupported`]: the proxy build's
//! adapter is composed instead, or the adapter serves the command's files.

mod instance_type;
mod maps;
mod needs;
mod plan;
mod rewrite;
mod seen;
mod stubs;
mod table;

use plan::Mode;
pub(crate) use plan::Unsupported;

/// What a rewrite will do, planned from a component.
pub(crate) struct Planned(plan::Plan);

/// The plan of `component`, a legacy proxy, made in place.
pub(crate) fn plan_proxy(component: &[u8]) -> Result<Planned, Unsupported> {
    plan::plan(component, Mode::Proxy).map(Planned)
}

/// The plan of `component`, a command to be composed with a whole-world build, whose rc
/// files are to be the host's own: stubs inside it keep wasmtime 15's file rights
/// (`table::command_stubs`), so that its `descriptor.read` and `write` move bytes at the
/// host's speed.
pub(crate) fn plan_file_rights(component: &[u8]) -> Result<Planned, Unsupported> {
    plan::plan(component, Mode::Command).map(Planned)
}

/// `component` written again as `planned` says; `None` where the plan changes nothing (a
/// command that lowers none of the functions the file stubs stand in for).
pub(crate) fn rewrite(component: &[u8], planned: &Planned) -> Result<Option<Vec<u8>>, Unsupported> {
    let plan = &planned.0;
    if plan.stub_module.is_none() && plan.imports.is_empty() {
        return Ok(None);
    }
    rewrite::rewrite(component, plan).map(Some)
}
