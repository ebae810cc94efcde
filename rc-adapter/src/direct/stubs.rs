//! The stub module: one core module with a function per stub the component needs
//! (`table::Stub`), made for it and instantiated inside it, next to its own modules. Each
//! function is called exactly as the lowered rc function it replaces (the same core
//! signature), and writes its results into the caller's memory, which the module imports.
//! So the calls cross no component boundary: nothing is lifted, no fused adapter is made.

use super::table::Stub;
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, EntityType, ExportKind, ExportSection, Function,
    FunctionSection, GlobalSection, GlobalType, ImportSection, InstructionSink, MemArg, MemoryType,
    Module, TypeSection, ValType,
};

/// A core function signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sig {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// What the module imports, in order, from the core instance `rc` it is instantiated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Import {
    /// The memory every stub that writes results writes them to.
    Memory,
    Func(Sig),
}

/// One stub function.
#[derive(Debug, Clone)]
pub(crate) struct StubFunc {
    pub stub: Stub,
    /// Its signature: the lowered signature of the function it replaces.
    pub sig: Sig,
    /// The imported functions it calls, by function index: for `TrailersGetNov`, the
    /// caller's `realloc`, then `table::host_calls`' order; for the others, that order.
    pub calls: Vec<u32>,
}

/// The bytes of a module that imports `imports` (named `rc` `0`, `1`, ..) and exports `funcs`
/// as `s0`, `s1`, .., or why a stub cannot have the signature asked of it.
pub(crate) fn module(imports: &[Import], funcs: &[StubFunc]) -> Result<Vec<u8>, String> {
    let mut types = Types::default();
    let mut import_section = ImportSection::new();
    for (i, import) in imports.iter().enumerate() {
        let entity = match import {
            Import::Memory => EntityType::Memory(MemoryType {
                minimum: 0,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            }),
            Import::Func(sig) => EntityType::Function(types.index(sig)),
        };
        import_section.import("rc", &i.to_string(), entity);
    }
    let imported_funcs = imports
        .iter()
        .filter(|i| matches!(i, Import::Func(_)))
        .count() as u32;
    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut exports = ExportSection::new();
    let mut globals = Globals::default();
    // The trailers stub's helpers come after the stubs.
    if funcs
        .iter()
        .filter(|f| f.stub == Stub::TrailersGetNov)
        .count()
        > 1
    {
        return Err("more than one 11-10 future-trailers.get stub".into());
    }
    let helpers = imported_funcs + funcs.len() as u32;
    let mut trailers = None;
    for (i, func) in funcs.iter().enumerate() {
        functions.function(types.index(&func.sig));
        exports.export(
            &format!("s{i}"),
            ExportKind::Func,
            imported_funcs + i as u32,
        );
        code.function(&body(func, &mut globals, helpers, &mut trailers)?);
    }
    if let Some(state) = trailers {
        for (sig, body) in state.helpers(helpers) {
            functions.function(types.index(&sig));
            code.function(&body);
        }
    }
    let mut module = Module::new();
    module.section(&types.section);
    module.section(&import_section);
    module.section(&functions);
    module.section(&globals.section);
    module.section(&exports);
    module.section(&code);
    let bytes = module.finish();
    wasmparser::Validator::new()
        .validate_all(&bytes)
        .map_err(|e| format!("the stub module does not validate: {e}"))?;
    Ok(bytes)
}

#[derive(Default)]
struct Types {
    section: TypeSection,
    sigs: Vec<Sig>,
}

impl Types {
    fn index(&mut self, sig: &Sig) -> u32 {
        if let Some(i) = self.sigs.iter().position(|s| s == sig) {
            return i as u32;
        }
        self.section
            .ty()
            .function(sig.params.iter().copied(), sig.results.iter().copied());
        self.sigs.push(sig.clone());
        self.sigs.len() as u32 - 1
    }
}

#[derive(Default)]
struct Globals {
    section: GlobalSection,
    count: u32,
}

impl Globals {
    /// A new mutable global, zero to start.
    fn add(&mut self, ty: ValType) -> u32 {
        let init = match ty {
            ValType::I64 => ConstExpr::i64_const(0),
            _ => ConstExpr::i32_const(0),
        };
        let global = GlobalType {
            val_type: ty,
            mutable: true,
            shared: false,
        };
        self.section.global(global, &init);
        self.count += 1;
        self.count - 1
    }
}

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg {
        offset,
        align,
        memory_index: 0,
    }
}

/// The signature `stub` must have: `params` ending with the result pointer `ret`, and no
/// results.
fn check_retptr(func: &StubFunc) -> Result<u32, String> {
    match (func.sig.params.last(), func.sig.results.is_empty()) {
        (Some(ValType::I32), true) => Ok(func.sig.params.len() as u32 - 1),
        _ => Err(format!(
            "a {:?} stub needs a result pointer, not {:?}",
            func.stub, func.sig
        )),
    }
}

/// An aligned, dangling pointer: where an empty list says its elements are.
const EMPTY_LIST_AT: i32 = 8;

fn body(
    func: &StubFunc,
    globals: &mut Globals,
    helpers: u32,
    trailers: &mut Option<Trailers>,
) -> Result<Function, String> {
    let mut locals = Vec::new();
    if func.stub == Stub::TrailersGetNov {
        locals.push((2, ValType::I32)); // the scratch area, a kept answer
    }
    let mut f = Function::new(locals);
    let sink = &mut f.instructions();
    match func.stub {
        Stub::Trap => {
            sink.unreachable();
        }
        Stub::EmptyList => {
            let ret = check_retptr(func)?;
            sink.local_get(ret)
                .i32_const(EMPTY_LIST_AT)
                .i32_store(mem(0, 2));
            sink.local_get(ret).i32_const(0).i32_store(mem(4, 2));
        }
        Stub::NoneOf => {
            let ret = check_retptr(func)?;
            sink.local_get(ret).i32_const(0).i32_store8(mem(0, 0));
        }
        Stub::Err(code) => {
            // `result<own<_>, enum>`: the case, then the payload at 4.
            let ret = check_retptr(func)?;
            sink.local_get(ret).i32_const(1).i32_store8(mem(0, 0));
            sink.local_get(ret)
                .i32_const(code.into())
                .i32_store8(mem(4, 0));
        }
        Stub::NewResource(_) => {
            if !func.sig.params.is_empty() || func.sig.results != [ValType::I32] {
                return Err(format!("a new handle is `() -> i32`, not {:?}", func.sig));
            }
            sink.i32_const(0).call(func.calls[0]);
        }
        Stub::Random(_) => return Err("a host function is aliased, not stubbed".into()),
        Stub::InsecureSeed => {
            let ret = check_retptr(func)?;
            let [drawn, a, b] = [ValType::I32, ValType::I64, ValType::I64].map(|t| globals.add(t));
            let u64 = func.calls[0];
            sink.global_get(drawn).i32_eqz().if_(BlockType::Empty);
            sink.call(u64).global_set(a).call(u64).global_set(b);
            sink.i32_const(1).global_set(drawn).end();
            sink.local_get(ret).global_get(a).i64_store(mem(0, 3));
            sink.local_get(ret).global_get(b).i64_store(mem(8, 3));
        }
        Stub::TrailersGetNov => {
            *trailers = Some(trailers_get_nov(sink, func, globals, helpers)?);
        }
    }
    sink.end();
    Ok(f)
}

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
struct Trailers {
    clone: u32,
    realloc: u32,
    cache: u32,
    len: u32,
    cap: u32,
}

/// The helpers' indices, from `helpers` on: `copy_x`, `find`, `slot`.
fn helper_indices(helpers: u32) -> [u32; 3] {
    [helpers, helpers + 1, helpers + 2]
}

impl Trailers {
    /// The helpers, in the order of `helper_indices`.
    fn helpers(&self, helpers: u32) -> [(Sig, Function); 3] {
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

fn trailers_get_nov(
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
