//! The proxy build, made in place ("direct"): no adapter component at all.
//!
//! `wasmtime serve` makes an instance for every request, and its pooling allocator allows a
//! thousand core instances in all. A 2023 proxy has four (its module, its preview1 adapter,
//! and wit-component's shim and fixup); composed with the adapter it had nine (the
//! adapter's module with its own shim and fixup, and two modules of fused adapters, which
//! wasmtime makes for every call from one component into another). So the proxy build is
//! made another way: the legacy component's rc imports become the host's own `@0.2.12`
//! interfaces where their shapes are the same (`table.rs`), and what a proxy host does not
//! have (files, sockets, the environment, exit, terminals) is served by stubs in one small
//! core module added inside the component (`stubs.rs`), which its core modules call
//! directly. Five core instances a request, and every call the host's own.
//!
//! `plan.rs` reads the component and decides; `rewrite.rs` writes it again. What cannot be
//! made so (an rc interface used otherwise than through its functions and resources, a
//! stub a function has no signature for) is [`Unsupported`], and the proxy build's adapter
//! is plugged instead.

mod instance_type;
mod needs;
mod plan;
mod rewrite;
mod seen;
mod stubs;
mod table;

use plan::Mode;
pub(crate) use plan::Unsupported;

/// Whether `component`, a legacy proxy, can be plugged directly (`plug` may still find it
/// cannot).
pub(crate) fn check(component: &[u8]) -> Result<(), Unsupported> {
    plan::plan(component, Mode::Proxy).map(|_| ())
}

/// `component`, a legacy proxy, with its rc imports made the host's and stubs inside it.
pub(crate) fn plug(component: &[u8]) -> Result<Vec<u8>, Unsupported> {
    let plan = plan::plan(component, Mode::Proxy)?;
    rewrite::rewrite(component, &plan)
}

/// Whether `component` can keep its file rights inside it (`keep_file_rights` may still
/// find it cannot).
pub(crate) fn check_file_rights(component: &[u8]) -> Result<(), Unsupported> {
    plan::plan(component, Mode::Command).map(|_| ())
}

/// `component`, a command to be composed with a whole-world build, with stubs inside it that
/// keep wasmtime 15's file rights (`table::command_stubs`), so that its rc files can be the
/// host's own: its `descriptor.read` and `write` then move bytes at the host's speed. `None`
/// where it lowers none of the functions the stubs stand in for (its files are the host's
/// as they are).
pub(crate) fn keep_file_rights(component: &[u8]) -> Result<Option<Vec<u8>>, Unsupported> {
    let plan = plan::plan(component, Mode::Command)?;
    if plan.stub_module.is_none() {
        return Ok(None);
    }
    rewrite::rewrite(component, &plan).map(Some)
}
