//! 11-10's `future-trailers.get` over 0.2.12's (`table::Stub::TrailersGetNov`), and its
//! helpers: the first answer is handed on and kept, by the caller's own handle of the future,
//! and a later `get` gets a copy of it.

use super::{Globals, Sig, StubFunc, check_retptr, mem};
use wasm_encoder::{BlockType, Function, InstructionSink, ValType};

// The layouts of 11-10's `option<result<option<trailers>, error-code>>` and 0.2.12's
// `option<result<result<option<trailers>, error-code>>>`: both hold the same `X =
// result<option<trailers>, error-code>` (40 bytes, aligned to 8: the case at 0, a trailers
// handle's option at 8 and the handle at 12, or an `error-code` at 8, its case at 8 and its
// payload at 16), 11-10's at 8, 0.2.12's at 16, after the `result` at 8.

/// The size of `X`.
const X_SIZE: i32 = 40;
/// The size of 0.2.12's answer.
const HOST_ANSWER_SIZE: i32 = 56;
/// A kept answer: the future's handle, then `X` at 8.
const KEPT_SIZE: i32 = 48;
/// Where `option<string>`s are in an `error-code`'s payload, by case (0.2.12's cases, which
/// are 11-10's): `(case, offset)`, and for case 22 (`option<field-size-payload>`) only when
/// the outer option is `some`, its payload at 4.
const ERROR_STRINGS: [(i32, u64); 9] = [
    (1, 0),  // DNS-error: rcode
    (14, 4), // TLS-alert-received: alert-message
    (22, 4), // HTTP-request-header-size(option<field-size-payload>): field-name
    (24, 0), // HTTP-request-trailer-size: field-name
    (27, 0), // HTTP-response-header-size: field-name
    (30, 0), // HTTP-response-trailer-size: field-name
    (31, 0), // HTTP-response-transfer-coding
    (32, 0), // HTTP-response-content-coding
    (38, 0), // internal-error
];

/// What the 11-10 trailers stub and its helpers share: the functions they call, and the
/// kept answers (`cache`, `len` of them, room for `cap`), in globals.
pub(super) struct Trailers {
    clone: u32,
    realloc: u32,
    cache: u32,
    len: u32,
    cap: u32,
}

/// The helpers' indices, from `helpers` on: `copy_x`, `find`, `slot`.
pub(super) fn helper_indices(helpers: u32) -> [u32; 3] {
    [helpers, helpers + 1, helpers + 2]
}

impl Trailers {
    /// The helpers, in the order of `helper_indices`.
    pub(super) fn helpers(&self, helpers: u32) -> [(Sig, Function); 3] {
        let [_, find_at, _] = helper_indices(helpers);
        let i32s = |n| vec![ValType::I32; n];
        [
            (
                Sig {
                    params: i32s(2),
                    results: vec![],
                },
                copy_x(self.clone, self.realloc),
            ),
            (
                Sig {
                    params: i32s(1),
                    results: i32s(1),
                },
                find(self.cache, self.len),
            ),
            (
                Sig {
                    params: i32s(1),
                    results: i32s(1),
                },
                slot(find_at, self.cache, self.len, self.cap, self.realloc),
            ),
        ]
    }
}

pub(super) fn trailers_get_nov(
    sink: &mut InstructionSink<'_>,
    func: &StubFunc,
    globals: &mut Globals,
    helpers: u32,
) -> Result<Trailers, String> {
    let ret = check_retptr(func)?;
    if ret != 1 {
        return Err(format!(
            "future-trailers.get is `(self, ret)`, not {:?}",
            func.sig
        ));
    }
    let [realloc, host_get, clone] = func.calls[..] else {
        return Err("future-trailers.get calls realloc, get and clone".into());
    };
    let [scratch, cache, len, cap] = [0; 4].map(|_| globals.add(ValType::I32));
    let [copy, find, slot] = helper_indices(helpers);
    let (this, s, kept) = (0, 2, 3);
    // The scratch area for the host's answer, made once.
    sink.global_get(scratch).i32_eqz().if_(BlockType::Empty);
    sink.i32_const(0)
        .i32_const(0)
        .i32_const(8)
        .i32_const(HOST_ANSWER_SIZE);
    sink.call(realloc).global_set(scratch).end();
    sink.global_get(scratch).local_set(s);
    sink.local_get(this).local_get(s).call(host_get);
    // `none`: not yet.
    sink.local_get(s)
        .i32_load8_u(mem(0, 0))
        .i32_eqz()
        .if_(BlockType::Empty);
    sink.local_get(ret)
        .i32_const(0)
        .i32_store8(mem(0, 0))
        .return_()
        .end();
    sink.local_get(ret).i32_const(1).i32_store8(mem(0, 0));
    // The first answer: hand it on, and keep a copy of it for the next `get`.
    sink.local_get(s)
        .i32_load8_u(mem(8, 0))
        .i32_eqz()
        .if_(BlockType::Empty);
    sink.local_get(ret).i32_const(8).i32_add();
    sink.local_get(s).i32_const(16).i32_add();
    sink.i32_const(X_SIZE).memory_copy(0, 0);
    sink.local_get(this).call(slot).i32_const(8).i32_add();
    sink.local_get(s)
        .i32_const(16)
        .i32_add()
        .call(copy)
        .return_()
        .end();
    // Taken already (0.2.12 answers once): the kept answer, in copies of its own.
    sink.local_get(this)
        .call(find)
        .local_tee(kept)
        .i32_eqz()
        .if_(BlockType::Empty);
    sink.unreachable().end();
    sink.local_get(ret).i32_const(8).i32_add();
    sink.local_get(kept).i32_const(8).i32_add().call(copy);
    Ok(Trailers {
        clone,
        realloc,
        cache,
        len,
        cap,
    })
}

/// `(dst, src)`: copies an `X` from `src` to `dst`, with a clone of its trailers and copies
/// of its strings, so that what `dst` holds is its own.
fn copy_x(clone: u32, realloc: u32) -> Function {
    let (dst, src) = (0, 1);
    let (p, n) = (2, 3);
    let mut f = Function::new([(2, ValType::I32)]);
    let sink = &mut f.instructions();
    sink.local_get(dst)
        .local_get(src)
        .i32_const(X_SIZE)
        .memory_copy(0, 0);
    // ok(some(trailers)): a clone of them.
    sink.local_get(dst)
        .i32_load8_u(mem(0, 0))
        .i32_eqz()
        .if_(BlockType::Empty);
    sink.local_get(dst)
        .i32_load8_u(mem(8, 0))
        .if_(BlockType::Empty);
    sink.local_get(dst)
        .local_get(dst)
        .i32_load(mem(12, 2))
        .call(clone)
        .i32_store(mem(12, 2));
    sink.end().return_().end();
    // err(code): a copy of each string its case has.
    for (case, offset) in ERROR_STRINGS {
        // The option<string> at `dst + 16 + offset`: its case, pointer at +4, length at +8.
        let at = 16 + offset;
        sink.local_get(dst)
            .i32_load8_u(mem(8, 0))
            .i32_const(case)
            .i32_eq();
        if case == 22 {
            // Only inside a `some` field-size payload.
            sink.local_get(dst)
                .i32_load8_u(mem(16, 0))
                .i32_const(0)
                .i32_ne()
                .i32_and();
        }
        sink.local_get(dst)
            .i32_load8_u(mem(at, 0))
            .i32_const(0)
            .i32_ne()
            .i32_and();
        sink.if_(BlockType::Empty);
        sink.local_get(dst).i32_load(mem(at + 8, 2)).local_set(n);
        sink.i32_const(0)
            .i32_const(0)
            .i32_const(1)
            .local_get(n)
            .call(realloc)
            .local_set(p);
        sink.local_get(p)
            .local_get(dst)
            .i32_load(mem(at + 4, 2))
            .local_get(n);
        sink.memory_copy(0, 0);
        sink.local_get(dst).local_get(p).i32_store(mem(at + 4, 2));
        sink.end();
    }
    sink.end();
    f
}

/// `(future) -> address`: the kept answer of `future`, or 0.
fn find(cache: u32, len: u32) -> Function {
    let (future, i, at) = (0, 1, 2);
    let mut f = Function::new([(2, ValType::I32)]);
    let sink = &mut f.instructions();
    sink.block(BlockType::Empty).loop_(BlockType::Empty);
    sink.local_get(i).global_get(len).i32_ge_u().br_if(1);
    sink.global_get(cache)
        .local_get(i)
        .i32_const(KEPT_SIZE)
        .i32_mul()
        .i32_add()
        .local_tee(at);
    sink.i32_load(mem(0, 2))
        .local_get(future)
        .i32_eq()
        .if_(BlockType::Empty);
    sink.local_get(at).return_().end();
    sink.local_get(i).i32_const(1).i32_add().local_set(i).br(0);
    sink.end().end();
    sink.i32_const(0).end();
    f
}

/// `(future) -> address`: the kept answer of `future`, or a new one at the end (the array
/// grows by doubling, 4 to start).
fn slot(find: u32, cache: u32, len: u32, cap: u32, realloc: u32) -> Function {
    let (future, at) = (0, 1);
    let mut f = Function::new([(1, ValType::I32)]);
    let sink = &mut f.instructions();
    sink.local_get(future)
        .call(find)
        .local_tee(at)
        .if_(BlockType::Empty);
    sink.local_get(at).return_().end();
    sink.global_get(len)
        .global_get(cap)
        .i32_eq()
        .if_(BlockType::Empty);
    // realloc(cache, cap * KEPT_SIZE, 8, new cap * KEPT_SIZE)
    sink.global_get(cache)
        .global_get(cap)
        .i32_const(KEPT_SIZE)
        .i32_mul()
        .i32_const(8);
    sink.global_get(cap)
        .i32_const(1)
        .i32_shl()
        .i32_const(4)
        .global_get(cap)
        .select();
    sink.global_set(cap)
        .global_get(cap)
        .i32_const(KEPT_SIZE)
        .i32_mul();
    sink.call(realloc).global_set(cache).end();
    sink.global_get(cache)
        .global_get(len)
        .i32_const(KEPT_SIZE)
        .i32_mul()
        .i32_add()
        .local_tee(at);
    sink.local_get(future).i32_store(mem(0, 2));
    sink.global_get(len).i32_const(1).i32_add().global_set(len);
    sink.local_get(at).end();
    f
}
