//! The first pass over the component: what it defines where, at its top level, and what the
//! rewrite changes. Nothing is written here; `rewrite.rs` follows the plan.
//!
//! Every item of a component has an index in its kind's index space, given in the order of
//! definition, and a position (`pos`) here: its number among all top-level definitions. The
//! rewrite removes some items (the imports a proxy host has nothing for, and the functions
//! aliased from them), replaces some one for one (their resource types become the
//! component's own; their lowered functions become stubs), and adds the stub module and what
//! it needs right after the last definition it needs (`insert_after`). `Maps` turns each old
//! index into its new one.

use super::stubs::{self, Import, Sig, StubFunc};
use super::table::{self, Serves, Stub};
use crate::inspect::RC;
use std::collections::{BTreeMap, HashMap, HashSet};
use wasmparser::{
    CanonicalFunction, CanonicalOption, ComponentAlias, ComponentExternalKind,
    ComponentOuterAliasKind, ComponentType, ComponentTypeRef, ExternalKind,
    InstanceTypeDeclaration, Parser, Payload, TypeBounds, ValidPayload, Validator, WasmFeatures,
};

/// Why a component cannot be plugged directly (it is plugged with the adapter instead).
pub(crate) type Unsupported = String;

/// Where an item came from, where that matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin<'a> {
    /// `alias export $instance "name"`.
    Export { instance: u32, name: &'a str },
    /// `canon lower $func`, with the memory and `realloc` it writes through.
    Lower {
        func: u32,
        memory: Option<u32>,
        realloc: Option<u32>,
    },
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Def<'a> {
    pos: u32,
    origin: Origin<'a>,
}

/// The definitions of one index space, in index order.
type Space<'a> = Vec<Def<'a>>;

/// The index spaces the rewrite follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Type,
    Func,
    Instance,
    CoreFunc,
    CoreMemory,
    CoreInstance,
    Module,
    /// Anything else (kept as it is).
    Other,
}

/// What the first pass saw.
#[derive(Default)]
struct Seen<'a> {
    types: Space<'a>,
    funcs: Space<'a>,
    instances: Space<'a>,
    core_funcs: Space<'a>,
    core_memories: Space<'a>,
    core_instances: Space<'a>,
    modules: Space<'a>,
    /// Instance types, by type index.
    instance_types: HashMap<u32, Box<[InstanceTypeDeclaration<'a>]>>,
    /// Instance imports: `(instance index, name, type index)`.
    imports: Vec<(u32, &'a str, u32)>,
    /// Every top-level definition in order (its position): its kind, and its index there.
    entries: Vec<(Kind, u32)>,
}

/// What happens to an rc import.
#[derive(Debug, Clone)]
pub(crate) enum ImportPlan {
    /// It is imported under the host's name; its instance type is edited as `edit` says.
    Host { name: &'static str, edit: TypeEdit },
    /// It is removed: a proxy host has nothing for it.
    Removed,
}

/// Changes to an imported instance type (11-10 `wasi:http/types`).
#[derive(Debug, Clone, Default)]
pub(crate) struct TypeEdit {
    /// Exports renamed: `rc name -> host name`.
    pub renames: HashMap<String, String>,
    /// Parameters renamed in the function types of these exports: `(export, rc, host)`.
    pub params: Vec<(String, &'static str, &'static str)>,
    /// 11-10's `future-trailers.get` retyped as 0.2.12's.
    pub trailers_get: bool,
    /// `[method]fields.clone` declared, which the trailers stub calls.
    pub fields_clone: bool,
}

/// A core function added before the stub module.
#[derive(Debug, Clone)]
pub(crate) enum NewCoreFunc {
    /// `canon lower` of the `func`-th added function alias, through `memory` and `realloc`
    /// (old indices) if given.
    Lower {
        func: usize,
        memory: Option<u32>,
        realloc: Option<u32>,
    },
    /// `canon resource.new` of a resource type the rewrite makes the component's own.
    ResourceNew { ty: u32 },
}

/// What the stub module is instantiated with, import by import.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StubArg {
    /// A core memory or function of the component (old index).
    Memory(u32),
    CoreFunc(u32),
    /// The `i`-th added core function.
    NewCoreFunc(usize),
}

/// The whole plan.
pub(crate) struct Plan {
    /// By old instance index.
    pub imports: HashMap<u32, ImportPlan>,
    /// Instance types edited, by type index, with the import that uses them.
    pub type_edits: HashMap<u32, TypeEdit>,
    /// Function aliases renamed (old index -> host name).
    pub renamed_funcs: HashMap<u32, String>,
    /// Type aliases that become resource types of the component's own.
    pub own_resources: HashSet<u32>,
    /// Lowered functions replaced by stubs: old core function index -> stub.
    pub replaced: HashMap<u32, usize>,
    /// The stub module, if any function needs a stub.
    pub stub_module: Option<Vec<u8>>,
    pub stub_args: Vec<StubArg>,
    /// Function aliases added: `(old instance index, export name)`.
    pub new_funcs: Vec<(u32, String)>,
    pub new_core_funcs: Vec<NewCoreFunc>,
    /// The position after which the stub module and what it needs are added.
    pub insert_after: u32,
    /// Every top-level definition in order: its kind, and its old index there.
    pub entries: Vec<(Kind, u32)>,
    pub maps: Maps,
}

/// Old index -> new index, for the index spaces that change. `None`: removed.
#[derive(Debug, Default)]
pub(crate) struct Maps {
    pub funcs: Vec<Option<u32>>,
    pub instances: Vec<Option<u32>>,
    pub core_funcs: Vec<u32>,
    pub core_instances: Vec<u32>,
    pub modules: Vec<u32>,
    /// New indices of what is added: the first added function alias, core function, core
    /// instance (the bag of the stub module's arguments; the stub instance follows) and
    /// module.
    pub first_new_func: u32,
    pub first_new_core_func: u32,
    pub first_new_core_instance: u32,
    pub first_new_module: u32,
}

/// The plan for `component`, or why it cannot be plugged directly.
pub(crate) fn plan(component: &[u8]) -> Result<Plan, Unsupported> {
    let (seen, types) = first_pass(component).map_err(|e| format!("reading it: {e}"))?;
    decide(seen, &types)
}

fn first_pass(component: &[u8]) -> wasmparser::Result<(Seen<'_>, wasmparser::types::Types)> {
    let mut seen = Seen::default();
    let mut validator = Validator::new_with_features(WasmFeatures::all());
    let mut depth = 0u32;
    let mut pos = 0u32;
    let mut types = None;
    // Defines the next item of `space`, of `kind`; `skip!` one the rewrite does not follow.
    macro_rules! next {
        ($space:ident, $kind:ident, $origin:expr) => {{
            seen.entries.push((Kind::$kind, seen.$space.len() as u32));
            seen.$space.push(Def { pos, origin: $origin });
            pos += 1;
        }};
    }
    macro_rules! skip {
        () => {{
            seen.entries.push((Kind::Other, 0));
            pos += 1;
        }};
    }
    for payload in Parser::new(0).parse_all(component) {
        let payload = payload?;
        if let ValidPayload::End(t) = validator.payload(&payload)?
            && depth == 0
        {
            types = Some(t);
        }
        match payload {
            Payload::ModuleSection { .. } => {
                if depth == 0 {
                    next!(modules, Module, Origin::Other);
                }
                depth += 1;
                continue;
            }
            Payload::ComponentSection { .. } => {
                if depth == 0 {
                    skip!(); // components are kept as they are
                }
                depth += 1;
                continue;
            }
            Payload::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            _ if depth > 0 => continue,
            _ => {}
        }
        match payload {
            Payload::ComponentTypeSection(section) => {
                for ty in section {
                    if let ComponentType::Instance(decls) = ty? {
                        seen.instance_types.insert(seen.types.len() as u32, decls);
                    }
                    next!(types, Type, Origin::Other);
                }
            }
            Payload::ComponentImportSection(section) => {
                for import in section {
                    let import = import?;
                    match import.ty {
                        ComponentTypeRef::Instance(ty) => {
                            let index = seen.instances.len() as u32;
                            seen.imports.push((index, import.name.name, ty));
                            next!(instances, Instance, Origin::Other);
                        }
                        ComponentTypeRef::Func(_) => next!(funcs, Func, Origin::Other),
                        ComponentTypeRef::Type(_) => next!(types, Type, Origin::Other),
                        ComponentTypeRef::Module(_) => next!(modules, Module, Origin::Other),
                        _ => skip!(),
                    }
                }
            }
            Payload::ComponentAliasSection(section) => {
                for alias in section {
                    match alias? {
                        ComponentAlias::InstanceExport {
                            kind,
                            instance_index,
                            name,
                        } => {
                            let origin = Origin::Export {
                                instance: instance_index,
                                name,
                            };
                            match kind {
                                ComponentExternalKind::Func => next!(funcs, Func, origin),
                                ComponentExternalKind::Type => next!(types, Type, origin),
                                ComponentExternalKind::Instance => {
                                    next!(instances, Instance, origin)
                                }
                                ComponentExternalKind::Module => next!(modules, Module, origin),
                                _ => skip!(),
                            }
                        }
                        ComponentAlias::CoreInstanceExport { kind, .. } => match kind {
                            ExternalKind::Func => next!(core_funcs, CoreFunc, Origin::Other),
                            ExternalKind::Memory => next!(core_memories, CoreMemory, Origin::Other),
                            _ => skip!(),
                        },
                        ComponentAlias::Outer { kind, .. } => match kind {
                            ComponentOuterAliasKind::Type => next!(types, Type, Origin::Other),
                            ComponentOuterAliasKind::CoreModule => {
                                next!(modules, Module, Origin::Other)
                            }
                            _ => skip!(),
                        },
                    }
                }
            }
            Payload::ComponentCanonicalSection(section) => {
                for canon in section {
                    match canon? {
                        CanonicalFunction::Lift { .. } => next!(funcs, Func, Origin::Other),
                        CanonicalFunction::Lower {
                            func_index,
                            options,
                        } => {
                            let option = |f: fn(&CanonicalOption) -> Option<u32>| {
                                options.iter().find_map(f)
                            };
                            let origin = Origin::Lower {
                                func: func_index,
                                memory: option(|o| match o {
                                    CanonicalOption::Memory(m) => Some(*m),
                                    _ => None,
                                }),
                                realloc: option(|o| match o {
                                    CanonicalOption::Realloc(r) => Some(*r),
                                    _ => None,
                                }),
                            };
                            next!(core_funcs, CoreFunc, origin)
                        }
                        _ => next!(core_funcs, CoreFunc, Origin::Other),
                    }
                }
            }
            Payload::InstanceSection(section) => {
                for _ in section {
                    next!(core_instances, CoreInstance, Origin::Other);
                }
            }
            Payload::ComponentInstanceSection(section) => {
                for _ in section {
                    next!(instances, Instance, Origin::Other);
                }
            }
            Payload::ComponentExportSection(section) => {
                for export in section {
                    match export?.kind {
                        ComponentExternalKind::Func => next!(funcs, Func, Origin::Other),
                        ComponentExternalKind::Type => next!(types, Type, Origin::Other),
                        ComponentExternalKind::Instance => {
                            next!(instances, Instance, Origin::Other)
                        }
                        ComponentExternalKind::Module => next!(modules, Module, Origin::Other),
                        _ => skip!(),
                    }
                }
            }
            Payload::CoreTypeSection(section) => {
                for _ in section {
                    skip!();
                }
            }
            _ => {}
        }
    }
    let types = types.expect("a component ends");
    Ok((seen, types))
}

/// The exports of an instance type: `name -> what`.
fn instance_exports<'a>(
    decls: &[InstanceTypeDeclaration<'a>],
) -> BTreeMap<&'a str, ComponentTypeRef> {
    decls
        .iter()
        .filter_map(|d| match d {
            InstanceTypeDeclaration::Export { name, ty } => Some((name.name, *ty)),
            _ => None,
        })
        .collect()
}

fn decide<'a>(seen: Seen<'a>, types: &wasmparser::types::Types) -> Result<Plan, Unsupported> {
    // The rc imports: the host's, or removed.
    let mut imports = HashMap::new();
    let mut serves_of: HashMap<u32, Serves> = HashMap::new();
    let mut type_edits: HashMap<u32, TypeEdit> = HashMap::new();
    let mut names: HashSet<&str> = HashSet::new();
    for &(_, name, _) in &seen.imports {
        if !name.contains(RC) {
            names.insert(name);
        }
    }
    let mut host_instances: HashMap<&'static str, u32> = HashMap::new();
    for &(instance, name, ty) in &seen.imports {
        if !name.contains(RC) {
            continue;
        }
        let serves = table::serves(name).ok_or(format!("a proxy host has nothing for {name}"))?;
        let plan = match serves {
            Serves::Host { name: host, renames, .. } => {
                if !names.insert(host) {
                    return Err(format!("{name} and another import are both {host}"));
                }
                host_instances.insert(host, instance);
                let mut edit = TypeEdit::default();
                for rename in renames {
                    let (rc, to) = rename.names();
                    if let Some((from, into)) = rename.param {
                        edit.params.push((rc.clone(), from, into));
                    }
                    edit.renames.insert(rc, to);
                }
                let exports = instance_exports(seen.instance_types.get(&ty).map_or(&[], |d| d));
                if serves.stub("[method]future-trailers.get") == Some(Stub::TrailersGetNov)
                    && exports.contains_key("[method]future-trailers.get")
                {
                    edit.trailers_get = true;
                    edit.fields_clone = !exports.contains_key("[method]fields.clone");
                }
                ImportPlan::Host { name: host, edit }
            }
            Serves::Stubs(_) => ImportPlan::Removed,
        };
        if let ImportPlan::Host { edit, .. } = &plan {
            type_edits.insert(ty, edit.clone());
        }
        serves_of.insert(instance, serves);
        imports.insert(instance, plan);
    }
    let removed = |instance: u32| matches!(imports.get(&instance), Some(ImportPlan::Removed));
    let import_type = |instance: u32| {
        seen.imports
            .iter()
            .find(|(i, ..)| *i == instance)
            .map(|&(_, name, ty)| (name, ty))
    };

    // Functions and types aliased from them.
    let mut renamed_funcs = HashMap::new();
    let mut stub_of: HashMap<u32, (Stub, &str)> = HashMap::new();
    let mut removed_funcs = HashSet::new();
    for (f, def) in seen.funcs.iter().enumerate() {
        let Origin::Export { instance, name } = def.origin else {
            continue;
        };
        let Some(serves) = serves_of.get(&instance) else {
            continue;
        };
        let f = f as u32;
        if removed(instance) {
            removed_funcs.insert(f);
        }
        if let ImportPlan::Host { edit, .. } = &imports[&instance]
            && let Some(host) = edit.renames.get(name)
        {
            renamed_funcs.insert(f, host.clone());
        }
        if let Some(stub) = serves.stub(name) {
            stub_of.insert(f, (stub, name));
        }
    }
    let mut own_resources = HashSet::new();
    let mut local_resources: HashMap<(u32, &str), u32> = HashMap::new();
    for (t, def) in seen.types.iter().enumerate() {
        let Origin::Export { instance, name } = def.origin else {
            continue;
        };
        if !removed(instance) {
            continue;
        }
        let (interface, ty) = import_type(instance).expect("an import");
        let exports = instance_exports(&seen.instance_types[&ty]);
        match exports.get(name) {
            Some(ComponentTypeRef::Type(TypeBounds::SubResource)) => {
                own_resources.insert(t as u32);
                local_resources.insert((instance, name), t as u32);
            }
            _ => return Err(format!("{interface} has no stub for its type {name}")),
        }
    }
    for space in [&seen.instances, &seen.modules] {
        for def in space {
            if let Origin::Export { instance, .. } = def.origin
                && removed(instance)
            {
                let (interface, _) = import_type(instance).expect("an import");
                return Err(format!("{interface} is used beyond its functions and resources"));
            }
        }
    }

    // The lowered functions a stub replaces, and what the stubs need.
    let mut needs = Needs::default();
    let mut replaced = HashMap::new();
    let mut funcs: Vec<StubFunc> = Vec::new();
    let mut first_replaced = u32::MAX;
    for (k, def) in seen.core_funcs.iter().enumerate() {
        let Origin::Lower {
            func,
            memory,
            realloc,
        } = def.origin
        else {
            continue;
        };
        let Some(&(stub, name)) = stub_of.get(&func) else {
            if removed_funcs.contains(&func) {
                return Err(format!("no stub for {}", describe(&seen, func)));
            }
            continue;
        };
        let sig = core_sig(types, k as u32)?;
        let mut calls = Vec::new();
        if stub == Stub::TrailersGetNov {
            let realloc = realloc.ok_or("future-trailers.get is lowered without realloc")?;
            calls.push(needs.func(StubArg::CoreFunc(realloc), realloc_sig()));
            needs.after(seen.core_funcs[realloc as usize].pos);
        }
        for (interface, host_func, through_memory, host_sig) in table::host_calls(stub) {
            let instance = *host_instances
                .get(interface)
                .ok_or(format!("the stub for {name} needs {interface}, which it does not import"))?;
            needs.after(seen.instances[instance as usize].pos);
            let (memory, realloc) = match through_memory {
                true => (memory, realloc),
                false => (None, None),
            };
            if through_memory {
                if let Some(r) = realloc {
                    needs.after(seen.core_funcs[r as usize].pos);
                }
            }
            let new = needs.lower(instance, host_func, memory, realloc);
            calls.push(needs.func(StubArg::NewCoreFunc(new), host_sig));
        }
        if let Stub::NewResource(resource) = stub {
            let Origin::Export { instance, .. } = seen.funcs[func as usize].origin else {
                unreachable!("a stub is of an aliased function");
            };
            let network = seen
                .imports
                .iter()
                .find(|(_, n, _)| n.starts_with("wasi:sockets/network@"))
                .map(|&(i, ..)| i)
                .unwrap_or(instance);
            let ty = *local_resources
                .get(&(network, resource))
                .ok_or(format!("{name} makes a {resource}, which it never names"))?;
            needs.after(seen.types[ty as usize].pos);
            let new = needs.new_core_funcs.len();
            needs.new_core_funcs.push(NewCoreFunc::ResourceNew { ty });
            let sig = Sig {
                params: vec![wasm_encoder::ValType::I32],
                results: vec![wasm_encoder::ValType::I32],
            };
            calls.push(needs.func(StubArg::NewCoreFunc(new), sig));
        }
        if let Some(m) = memory {
            needs.memory(m)?;
            needs.after(seen.core_memories[m as usize].pos);
        }
        first_replaced = first_replaced.min(def.pos);
        let func = StubFunc { stub, sig, calls };
        let index = funcs
            .iter()
            .position(|f| f.stub == func.stub && f.sig == func.sig && f.calls == func.calls)
            .unwrap_or_else(|| {
                funcs.push(func);
                funcs.len() - 1
            });
        replaced.insert(k as u32, index);
    }
    let insert_after = needs.insert_after.unwrap_or(0);
    if !replaced.is_empty() && first_replaced <= insert_after {
        return Err("a stubbed function is lowered before what its stub needs exists".into());
    }
    let (stub_imports, stub_args) = needs.imports();
    let stub_module = match funcs.is_empty() {
        true => None,
        false => Some(stubs::module(&stub_imports, &funcs)?),
    };
    let added = stub_module.is_some().into();
    let maps = maps(&seen, &imports, &removed_funcs, &needs, insert_after, added);
    Ok(Plan {
        imports,
        type_edits,
        renamed_funcs,
        own_resources,
        replaced,
        stub_module,
        stub_args,
        new_funcs: needs.new_funcs,
        new_core_funcs: needs.new_core_funcs,
        insert_after,
        entries: seen.entries,
        maps,
    })
}

/// What the stub module imports and what is added for it.
#[derive(Default)]
struct Needs {
    memory: Option<u32>,
    funcs: Vec<(StubArg, Sig)>,
    new_funcs: Vec<(u32, String)>,
    new_core_funcs: Vec<NewCoreFunc>,
    insert_after: Option<u32>,
}

impl Needs {
    /// The stub module must come after position `pos`.
    fn after(&mut self, pos: u32) {
        self.insert_after = Some(self.insert_after.map_or(pos, |p| p.max(pos)));
    }

    fn memory(&mut self, memory: u32) -> Result<(), Unsupported> {
        match self.memory.replace(memory) {
            Some(other) if other != memory => Err("its stubs would write to two memories".into()),
            _ => Ok(()),
        }
    }

    /// The stub module's function import of `arg`: its index among the module's functions.
    fn func(&mut self, arg: StubArg, sig: Sig) -> u32 {
        let same = |a: &StubArg| match (a, &arg) {
            (StubArg::CoreFunc(x), StubArg::CoreFunc(y)) => x == y,
            (StubArg::NewCoreFunc(x), StubArg::NewCoreFunc(y)) => x == y,
            _ => false,
        };
        match self.funcs.iter().position(|(a, _)| same(a)) {
            Some(i) => i as u32,
            None => {
                self.funcs.push((arg, sig));
                self.funcs.len() as u32 - 1
            }
        }
    }

    /// A lowering of the host's `func` in the `instance` import, added once.
    fn lower(
        &mut self,
        instance: u32,
        func: &str,
        memory: Option<u32>,
        realloc: Option<u32>,
    ) -> usize {
        let alias = match self
            .new_funcs
            .iter()
            .position(|(i, f)| *i == instance && f == func)
        {
            Some(a) => a,
            None => {
                self.new_funcs.push((instance, func.to_string()));
                self.new_funcs.len() - 1
            }
        };
        let existing = self.new_core_funcs.iter().position(|c| {
            matches!(c, NewCoreFunc::Lower { func: f, memory: m, realloc: r }
                if *f == alias && *m == memory && *r == realloc)
        });
        existing.unwrap_or_else(|| {
            self.new_core_funcs.push(NewCoreFunc::Lower {
                func: alias,
                memory,
                realloc,
            });
            self.new_core_funcs.len() - 1
        })
    }

    /// The module's imports (its memory first), and what each is.
    fn imports(&self) -> (Vec<Import>, Vec<StubArg>) {
        let mut imports = Vec::new();
        let mut args = Vec::new();
        if let Some(memory) = self.memory {
            imports.push(Import::Memory);
            args.push(StubArg::Memory(memory));
        }
        for (arg, sig) in &self.funcs {
            imports.push(Import::Func(sig.clone()));
            args.push(*arg);
        }
        (imports, args)
    }
}

fn realloc_sig() -> Sig {
    Sig {
        params: vec![wasm_encoder::ValType::I32; 4],
        results: vec![wasm_encoder::ValType::I32],
    }
}

/// The core signature of the core function `k`.
fn core_sig(types: &wasmparser::types::Types, k: u32) -> Result<Sig, Unsupported> {
    let func = types[types.as_ref().core_function_at(k)].unwrap_func();
    let val = |t: &wasmparser::ValType| match t {
        wasmparser::ValType::I32 => Ok(wasm_encoder::ValType::I32),
        wasmparser::ValType::I64 => Ok(wasm_encoder::ValType::I64),
        wasmparser::ValType::F32 => Ok(wasm_encoder::ValType::F32),
        wasmparser::ValType::F64 => Ok(wasm_encoder::ValType::F64),
        other => Err(format!("a lowered function takes a {other}")),
    };
    Ok(Sig {
        params: func.params().iter().map(val).collect::<Result<_, _>>()?,
        results: func.results().iter().map(val).collect::<Result<_, _>>()?,
    })
}

/// `interface`'s `function`, for a message.
fn describe(seen: &Seen, func: u32) -> String {
    match seen.funcs[func as usize].origin {
        Origin::Export { instance, name } => {
            let interface = seen
                .imports
                .iter()
                .find(|(i, ..)| *i == instance)
                .map_or("?", |(_, n, _)| n);
            format!("{interface}'s {name}")
        }
        _ => format!("function {func}"),
    }
}

fn maps(
    seen: &Seen,
    imports: &HashMap<u32, ImportPlan>,
    removed_funcs: &HashSet<u32>,
    needs: &Needs,
    insert_after: u32,
    stub_module: u32,
) -> Maps {
    /// New indices: removed items dropped, `added` items counted after `insert_after`.
    fn shift(space: &Space, removed: &dyn Fn(u32) -> bool, added: u32, after: u32) -> (Vec<Option<u32>>, u32) {
        let mut map = Vec::with_capacity(space.len());
        let mut next = 0u32;
        let mut first_added = None;
        for (i, def) in space.iter().enumerate() {
            if def.pos > after && first_added.is_none() {
                first_added = Some(next);
                next += added;
            }
            if removed(i as u32) {
                map.push(None);
            } else {
                map.push(Some(next));
                next += 1;
            }
        }
        (map, first_added.unwrap_or(next))
    }
    let none = |_: u32| false;
    let all = |m: Vec<Option<u32>>| m.into_iter().map(|i| i.expect("kept")).collect();
    let (funcs, first_new_func) = shift(
        &seen.funcs,
        &|f| removed_funcs.contains(&f),
        needs.new_funcs.len() as u32,
        insert_after,
    );
    let (instances, _) = shift(
        &seen.instances,
        &|i| matches!(imports.get(&i), Some(ImportPlan::Removed)),
        0,
        insert_after,
    );
    let (core_funcs, first_new_core_func) = shift(
        &seen.core_funcs,
        &none,
        needs.new_core_funcs.len() as u32,
        insert_after,
    );
    let (core_instances, first_new_core_instance) =
        shift(&seen.core_instances, &none, 2 * stub_module, insert_after);
    let (modules, first_new_module) = shift(&seen.modules, &none, stub_module, insert_after);
    Maps {
        funcs,
        instances,
        core_funcs: all(core_funcs),
        core_instances: all(core_instances),
        modules: all(modules),
        first_new_func,
        first_new_core_func,
        first_new_core_instance,
        first_new_module,
    }
}
