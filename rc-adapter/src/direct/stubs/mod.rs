//! The stub module: one core module with a function per stub the component needs
//! (`table::Stub`), made for it and instantiated inside it, next to its own modules. Each
//! function is called exactly as the lowered rc function it replaces (the same core
//! signature), and writes its results into the caller's memory, which the module imports.
//! So the calls cross no component boundary: nothing is lifted, no fused adapter is made.

mod rights;
mod trailers;

use super::table::Stub;
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, EntityType, ExportKind, ExportSection, Function,
    FunctionSection, GlobalSection, GlobalType, ImportSection, MemArg, MemoryType, Module,
    TypeSection, ValType,
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
    if funcs
        .iter()
        .filter(|f| f.stub == Stub::TrailersGetNov)
        .count()
        > 1
    {
        return Err("more than one 11-10 future-trailers.get stub".into());
    }
    // Helpers come after the stubs: the trailers stub's, then the rights stubs'.
    let after_stubs = imported_funcs + funcs.len() as u32;
    let has_trailers = funcs.iter().any(|f| f.stub == Stub::TrailersGetNov);
    let rights_helpers = after_stubs + if has_trailers { 3 } else { 0 };
    let rights = rights::Rights::new(funcs, &mut globals);
    let mut trailers = None;
    for (i, func) in funcs.iter().enumerate() {
        functions.function(types.index(&func.sig));
        exports.export(
            &format!("s{i}"),
            ExportKind::Func,
            imported_funcs + i as u32,
        );
        let helpers = Helpers {
            trailers: after_stubs,
            rights: rights_helpers,
        };
        code.function(&body(func, &mut globals, helpers, &mut trailers)?);
    }
    let mut helper_funcs = Vec::new();
    let mut helper_names = Vec::new();
    if let Some(state) = trailers {
        helper_funcs.extend(state.helpers(after_stubs));
        helper_names.extend(["trailers-copy", "trailers-find", "trailers-slot"]);
    }
    if let Some(rights) = rights {
        helper_funcs.extend(rights.helpers(rights_helpers));
        helper_names.extend(["rights-slot", "rights-lacks"]);
    }
    for (sig, body) in helper_funcs {
        functions.function(types.index(&sig));
        code.function(&body);
    }
    let mut module = Module::new();
    module.section(&types.section);
    module.section(&import_section);
    module.section(&functions);
    module.section(&globals.section);
    module.section(&exports);
    module.section(&code);
    module.section(&names(imported_funcs, funcs, helper_names));
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

/// The module's name, and its functions' (in backtraces): the stubs by what they do, then the
/// helpers.
fn names(imported: u32, funcs: &[StubFunc], helpers: Vec<&str>) -> wasm_encoder::NameSection {
    let mut names = wasm_encoder::NameSection::new();
    names.module("rc-adapter-stubs");
    let mut map = wasm_encoder::NameMap::new();
    let stubs = funcs.iter().map(|f| format!("{:?}", f.stub));
    for (i, name) in stubs
        .chain(helpers.into_iter().map(String::from))
        .enumerate()
    {
        map.append(imported + i as u32, &name);
    }
    names.functions(&map);
    names
}

/// Where the helpers are: the trailers stub's and the rights stubs'.
#[derive(Clone, Copy)]
struct Helpers {
    trailers: u32,
    rights: u32,
}

fn body(
    func: &StubFunc,
    globals: &mut Globals,
    helpers: Helpers,
    trailers: &mut Option<trailers::Trailers>,
) -> Result<Function, String> {
    let mut locals = rights::locals(func.stub);
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
            *trailers = Some(trailers::trailers_get_nov(
                sink,
                func,
                globals,
                helpers.trailers,
            )?);
        }
        Stub::OpenAt | Stub::GetFlags | Stub::Check { .. } => {
            rights::body(sink, func, helpers.rights)?;
        }
    }
    sink.end();
    Ok(f)
}
