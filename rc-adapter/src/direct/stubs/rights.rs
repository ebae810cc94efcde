//! wasmtime 15's file rights, kept inside a command whose rc files are the host's own
//! (`table::command_stubs`): `open-at` keeps the read and write rights asked for in a byte per
//! handle of the component's own, `get-flags` leaves out a right a file was not opened with,
//! and a call that needs one answers as wasmtime 15 did. Directories keep all the host
//! grants (wasmtime 15 checked no right on them), found out with `get-type` the first time a
//! right is missing, and remembered.
//!
//! The bytes live in pages the module takes from the caller's memory with `memory.grow`, as
//! a 2023 preview1 adapter takes its own; a handle past them is not kept (all the host
//! grants), which no component reaches before wasmtime's limit on handles.

use super::{Globals, StubFunc, check_retptr, mem};
use crate::direct::table::Stub;
use wasm_encoder::{BlockType, Function, InstructionSink, ValType};

/// Pages of rights: a byte for each of the first 131,072 handles, more than wasmtime's
/// default limit of handles in a component (100,000).
const PAGES: i32 = 2;
/// The bits of a handle's byte: kept; then the rights asked for, read (2) and write (4),
/// `descriptor-flags`' bits shifted by one; then whether the type is known, and a directory.
const KEPT: i32 = 1;
const TYPE_KNOWN: i32 = 8;
const IS_DIRECTORY: i32 = 16;
/// `descriptor-type`'s `directory`.
const DIRECTORY: i32 = 3;

/// What the rights stubs and their helpers share: where the bytes are (a global, 0 until
/// they are taken), and `get-type`.
pub(super) struct Rights {
    pub base: u32,
    pub get_type: Option<u32>,
}

/// The helpers' indices, from `helpers` on: `slot`, `lacks`.
pub(super) fn helper_indices(helpers: u32) -> [u32; 2] {
    [helpers, helpers + 1]
}

/// Whether `stub` keeps or checks rights.
pub(super) fn is_rights(stub: Stub) -> bool {
    matches!(stub, Stub::OpenAt | Stub::GetFlags | Stub::Check { .. })
}

impl Rights {
    pub(super) fn new(funcs: &[StubFunc], globals: &mut Globals) -> Option<Rights> {
        if !funcs.iter().any(|f| is_rights(f.stub)) {
            return None;
        }
        // Every `get-type` a stub calls is one import: the same lowering.
        let get_type = funcs
            .iter()
            .find(|f| matches!(f.stub, Stub::GetFlags | Stub::Check { .. }))
            .map(|f| f.calls[1]);
        Some(Rights {
            base: globals.add(ValType::I32),
            get_type,
        })
    }

    /// `(handle) -> address` and `(handle, right, scratch) -> i32`.
    pub(super) fn helpers(&self, helpers: u32) -> Vec<(super::Sig, Function)> {
        let i32s = |n| vec![ValType::I32; n];
        let [slot_at, _] = helper_indices(helpers);
        let mut out = vec![(
            super::Sig {
                params: i32s(1),
                results: i32s(1),
            },
            slot(self.base),
        )];
        if let Some(get_type) = self.get_type {
            out.push((
                super::Sig {
                    params: i32s(3),
                    results: i32s(1),
                },
                lacks(slot_at, get_type),
            ));
        }
        out
    }
}

/// A stub that keeps or checks rights.
pub(super) fn body(
    sink: &mut InstructionSink<'_>,
    func: &StubFunc,
    helpers: u32,
) -> Result<(), String> {
    let [slot, lacks] = helper_indices(helpers);
    let ret = check_retptr(func)?;
    let itself = func.calls[0];
    let forward = |sink: &mut InstructionSink<'_>| {
        for i in 0..=ret {
            sink.local_get(i);
        }
        sink.call(itself);
    };
    match func.stub {
        Stub::OpenAt => {
            // `(self, path-flags, path, path-len, open-flags, flags, ret)`: the host's, then
            // the rights asked for, by the new handle (at 4 in an `ok`).
            let flags = ret - 1;
            let at = ret + 1;
            forward(sink);
            sink.local_get(ret)
                .i32_load8_u(mem(0, 0))
                .i32_eqz()
                .if_(BlockType::Empty);
            sink.local_get(ret)
                .i32_load(mem(4, 2))
                .call(slot)
                .local_tee(at)
                .if_(BlockType::Empty);
            sink.local_get(at)
                .local_get(flags)
                .i32_const(3)
                .i32_and()
                .i32_const(1)
                .i32_shl();
            sink.i32_const(KEPT).i32_or().i32_store8(mem(0, 0));
            sink.end().end();
        }
        Stub::GetFlags => {
            // `(self, ret)`: `result<descriptor-flags, error-code>`, the flags at 1.
            let flags = ret + 1;
            forward(sink);
            sink.local_get(ret)
                .i32_load8_u(mem(0, 0))
                .if_(BlockType::Empty)
                .return_()
                .end();
            sink.local_get(ret).i32_load8_u(mem(1, 0)).local_set(flags);
            for right in [crate::direct::table::READ, crate::direct::table::WRITE] {
                let right = i32::from(right);
                sink.local_get(flags)
                    .i32_const(right)
                    .i32_and()
                    .if_(BlockType::Empty);
                sink.local_get(0)
                    .i32_const(right)
                    .local_get(ret)
                    .call(lacks)
                    .if_(BlockType::Empty);
                sink.local_get(flags)
                    .i32_const(!right)
                    .i32_and()
                    .local_set(flags);
                sink.end().end();
            }
            sink.local_get(ret).i32_const(0).i32_store8(mem(0, 0));
            sink.local_get(ret).local_get(flags).i32_store8(mem(1, 0));
        }
        Stub::Check { right, code, at } => {
            sink.local_get(0)
                .i32_const(right.into())
                .local_get(ret)
                .call(lacks);
            sink.if_(BlockType::Empty);
            sink.local_get(ret).i32_const(1).i32_store8(mem(0, 0));
            sink.local_get(ret)
                .i32_const(code.into())
                .i32_store8(mem(at, 0));
            sink.return_().end();
            forward(sink);
        }
        _ => unreachable!("not a rights stub"),
    }
    Ok(())
}

/// The locals a rights stub needs past its parameters.
pub(super) fn locals(stub: Stub) -> Vec<(u32, ValType)> {
    match stub {
        Stub::OpenAt | Stub::GetFlags => vec![(1, ValType::I32)],
        _ => Vec::new(),
    }
}

/// `(handle) -> address`: the handle's byte, 0 past the pages (taken on first use).
fn slot(base: u32) -> Function {
    let handle = 0;
    let mut f = Function::new([]);
    let sink = &mut f.instructions();
    sink.global_get(base).i32_eqz().if_(BlockType::Empty);
    sink.i32_const(PAGES).memory_grow(0).global_set(base);
    // No room: keep nothing (-1 << 16 would be a wrong base).
    sink.global_get(base)
        .i32_const(-1)
        .i32_eq()
        .if_(BlockType::Empty);
    sink.i32_const(0)
        .global_set(base)
        .i32_const(0)
        .return_()
        .end();
    sink.global_get(base)
        .i32_const(16)
        .i32_shl()
        .global_set(base)
        .end();
    sink.local_get(handle)
        .i32_const(PAGES << 16)
        .i32_ge_u()
        .if_(BlockType::Empty);
    sink.i32_const(0).return_().end();
    sink.global_get(base).local_get(handle).i32_add().end();
    f
}

/// `(handle, right, scratch) -> i32`: whether wasmtime 15 would refuse `right` on it: a file
/// opened without asking for it. `scratch` takes `get-type`'s answer (two bytes).
fn lacks(slot: u32, get_type: u32) -> Function {
    let (handle, right, scratch) = (0, 1, 2);
    let (at, byte) = (3, 4);
    let mut f = Function::new([(2, ValType::I32)]);
    let sink = &mut f.instructions();
    sink.local_get(handle)
        .call(slot)
        .local_tee(at)
        .i32_eqz()
        .if_(BlockType::Empty);
    sink.i32_const(0).return_().end();
    sink.local_get(at).i32_load8_u(mem(0, 0)).local_tee(byte);
    sink.i32_const(KEPT)
        .i32_and()
        .i32_eqz()
        .if_(BlockType::Empty);
    sink.i32_const(0).return_().end();
    // The right asked for: READ is bit 1 of the byte, WRITE bit 2.
    sink.local_get(byte)
        .local_get(right)
        .i32_const(1)
        .i32_shl()
        .i32_and();
    sink.if_(BlockType::Empty).i32_const(0).return_().end();
    sink.local_get(byte)
        .i32_const(TYPE_KNOWN)
        .i32_and()
        .i32_eqz()
        .if_(BlockType::Empty);
    sink.local_get(handle).local_get(scratch).call(get_type);
    sink.local_get(byte).i32_const(TYPE_KNOWN).i32_or();
    sink.local_get(scratch).i32_load8_u(mem(0, 0)).i32_eqz();
    sink.local_get(scratch)
        .i32_load8_u(mem(1, 0))
        .i32_const(DIRECTORY)
        .i32_eq()
        .i32_and();
    sink.i32_const(IS_DIRECTORY)
        .i32_mul()
        .i32_or()
        .local_tee(byte);
    sink.local_get(at)
        .local_get(byte)
        .i32_store8(mem(0, 0))
        .drop();
    sink.end();
    sink.local_get(byte)
        .i32_const(IS_DIRECTORY)
        .i32_and()
        .i32_eqz()
        .end();
    f
}
