//! What the rewrite changes, decided from the first pass (`seen.rs`). Nothing is written
//! here; `rewrite.rs` follows the plan.
//!
//! The rewrite removes some items (the imports a proxy host has nothing for, and the functions
//! aliased from them), replaces some one for one (their resource types become the
//! component's own; their lowered functions become stubs), and adds the stub module and what
//! it needs right after the last definition it needs (`insert_after`). `Maps` turns each old
//! index into its new one.

use super::maps::{Maps, maps};
use super::needs::{Needs, realloc_sig};
use super::seen::{Origin, Seen, describe, first_pass, instance_exports};
use super::stubs::{self, Sig, StubFunc};
use super::table::{self, Call, Lowering, Serves, Stub};
use crate::inspect::RC;
use std::collections::{HashMap, HashSet};
use wasmparser::{ComponentTypeRef, TypeBounds};

pub(crate) use super::seen::Kind;

/// Why a component cannot be plugged directly (it is plugged with the adapter instead).
pub(crate) type Unsupported = String;

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
    /// Function aliases of a removed import made aliases of a host function of the same
    /// type instead (old index -> old instance index of the host import, its name).
    pub redirected_funcs: HashMap<u32, (u32, &'static str)>,
    /// Type aliases that become resource types of the component's own: old index -> the
    /// first alias of the same type, which defines it (later ones alias that one).
    pub own_resources: HashMap<u32, u32>,
    /// Type aliases of other types of the imports removed: they become a placeholder, and
    /// any use of one makes the plan wrong. Only the instance types of removed imports
    /// used them, and those are emptied.
    pub placeholders: HashSet<u32>,
    /// The instance types of the imports removed, which become empty.
    pub emptied_types: HashSet<u32>,
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

/// What the rewrite is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The proxy build, made in place: every rc import becomes the host's, or stubs.
    Proxy,
    /// A whole-world build's command, composed with the adapter: its rc imports stay, and
    /// stubs keep wasmtime 15's file rights over the host's own files (`command_stubs`).
    Command,
}

/// The plan for `component`, or why it cannot be rewritten so.
pub(crate) fn plan(component: &[u8], mode: Mode) -> Result<Plan, Unsupported> {
    let (seen, types) = first_pass(component).map_err(|e| format!("reading it: {e}"))?;
    let imports = plan_imports(&seen, mode)?;
    let aliases = plan_aliases(&seen, &imports)?;
    let stubbed = plan_stubs(&seen, &types, &imports, &aliases)?;
    let added = stubbed.module.is_some().into();
    let maps = maps(
        &seen,
        &imports.plans,
        &aliases.removed_funcs,
        &stubbed.needs,
        stubbed.insert_after,
        added,
    );
    Ok(Plan {
        imports: imports.plans,
        type_edits: imports.type_edits,
        renamed_funcs: aliases.renamed_funcs,
        redirected_funcs: aliases.redirected_funcs,
        own_resources: aliases.own_resources,
        placeholders: aliases.placeholders,
        emptied_types: aliases.emptied_types,
        replaced: stubbed.replaced,
        stub_module: stubbed.module,
        stub_args: stubbed.args,
        new_funcs: stubbed.needs.new_funcs,
        new_core_funcs: stubbed.needs.new_core_funcs,
        insert_after: stubbed.insert_after,
        entries: seen.entries,
        maps,
    })
}

/// What happens to the rc imports.
struct Imports {
    plans: HashMap<u32, ImportPlan>,
    type_edits: HashMap<u32, TypeEdit>,
    /// The stubs of each rc import's functions, by instance index.
    stubs: HashMap<u32, &'static [(&'static str, Stub)]>,
    /// Every instance import by the name it has after the rewrite.
    by_name: HashMap<&'static str, u32>,
}

fn plan_imports(seen: &Seen, mode: Mode) -> Result<Imports, Unsupported> {
    let mut imports = Imports {
        plans: HashMap::new(),
        type_edits: HashMap::new(),
        stubs: HashMap::new(),
        by_name: HashMap::new(),
    };
    // Names the component keeps: a host name may not be taken twice.
    let mut names: HashSet<&str> = seen
        .imports
        .iter()
        .map(|&(_, name, _)| name)
        .filter(|name| mode == Mode::Command || !name.contains(RC))
        .collect();
    for &(instance, name, ty) in &seen.imports {
        if !name.contains(RC) {
            continue;
        }
        if mode == Mode::Command {
            if let Some(kept) = [table::FS_TYPES, table::FS_PREOPENS]
                .into_iter()
                .find(|n| *n == name)
            {
                imports.by_name.insert(kept, instance);
            }
            imports.stubs.insert(instance, table::command_stubs(name));
            continue;
        }
        let serves = table::serves(name).ok_or(format!("a proxy host has nothing for {name}"))?;
        let plan = match serves {
            Serves::Host {
                name: host,
                renames,
                stubs,
            } => {
                if !names.insert(host) {
                    return Err(format!("{name} and another import are both {host}"));
                }
                imports.by_name.insert(host, instance);
                imports.stubs.insert(instance, stubs);
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
                imports.type_edits.insert(ty, edit.clone());
                ImportPlan::Host { name: host, edit }
            }
            Serves::Stubs(stubs) => {
                imports.stubs.insert(instance, stubs);
                ImportPlan::Removed
            }
        };
        imports.plans.insert(instance, plan);
    }
    Ok(imports)
}

/// What happens to the functions and types aliased from the rc imports.
struct Aliases<'a> {
    renamed_funcs: HashMap<u32, String>,
    redirected_funcs: HashMap<u32, (u32, &'static str)>,
    removed_funcs: HashSet<u32>,
    /// The stub of each aliased function that has one.
    stub_of: HashMap<u32, (Stub, &'a str)>,
    own_resources: HashMap<u32, u32>,
    /// The first of the own resources, by import and name.
    local_resources: HashMap<(u32, &'a str), u32>,
    placeholders: HashSet<u32>,
    emptied_types: HashSet<u32>,
}

fn plan_aliases<'a>(seen: &Seen<'a>, imports: &Imports) -> Result<Aliases<'a>, Unsupported> {
    let removed = |instance: u32| matches!(imports.plans.get(&instance), Some(ImportPlan::Removed));
    let import_type = |instance: u32| {
        seen.imports
            .iter()
            .find(|(i, ..)| *i == instance)
            .map(|&(_, name, ty)| (name, ty))
            .expect("an import")
    };
    let mut aliases = Aliases {
        renamed_funcs: HashMap::new(),
        redirected_funcs: HashMap::new(),
        removed_funcs: HashSet::new(),
        stub_of: HashMap::new(),
        own_resources: HashMap::new(),
        local_resources: HashMap::new(),
        placeholders: HashSet::new(),
        emptied_types: seen
            .imports
            .iter()
            .filter(|(instance, ..)| removed(*instance))
            .map(|&(.., ty)| ty)
            .collect(),
    };
    for (f, def) in seen.funcs.iter().enumerate() {
        let Origin::Export { instance, name } = def.origin else {
            continue;
        };
        let Some(stubs) = imports.stubs.get(&instance) else {
            continue;
        };
        let f = f as u32;
        if removed(instance) {
            aliases.removed_funcs.insert(f);
        }
        if let Some(ImportPlan::Host { edit, .. }) = imports.plans.get(&instance)
            && let Some(host) = edit.renames.get(name)
        {
            aliases.renamed_funcs.insert(f, host.clone());
        }
        match Serves::Stubs(stubs).stub(name) {
            Some(Stub::Random(host)) => {
                let random = *imports.by_name.get(table::RANDOM_HOST).ok_or(format!(
                    "{} needs {}, which it does not import",
                    describe(seen, f),
                    table::RANDOM_HOST
                ))?;
                let (_, ty) = import_type(random);
                if !instance_exports(&seen.instance_types[&ty]).contains_key(host) {
                    return Err(format!(
                        "its {} does not declare {host}",
                        table::RANDOM_HOST
                    ));
                }
                aliases.removed_funcs.remove(&f);
                aliases.redirected_funcs.insert(f, (random, host));
            }
            Some(stub) => {
                aliases.stub_of.insert(f, (stub, name));
            }
            None => {}
        }
    }
    for (t, def) in seen.types.iter().enumerate() {
        let Origin::Export { instance, name } = def.origin else {
            continue;
        };
        if !removed(instance) {
            continue;
        }
        let (interface, ty) = import_type(instance);
        match instance_exports(&seen.instance_types[&ty]).get(name) {
            Some(ComponentTypeRef::Type(TypeBounds::SubResource)) => {
                let first = *aliases
                    .local_resources
                    .entry((instance, name))
                    .or_insert(t as u32);
                aliases.own_resources.insert(t as u32, first);
            }
            Some(ComponentTypeRef::Type(TypeBounds::Eq(_))) => {
                aliases.placeholders.insert(t as u32);
            }
            _ => return Err(format!("{interface} has no stub for its {name}")),
        }
    }
    for space in [&seen.instances, &seen.modules] {
        for def in space {
            if let Origin::Export { instance, .. } = def.origin
                && removed(instance)
            {
                let (interface, _) = import_type(instance);
                return Err(format!(
                    "{interface} is used beyond its functions and resources"
                ));
            }
        }
    }
    Ok(aliases)
}

/// The stub module, the lowerings its functions replace, and what it needs.
struct Stubbed {
    needs: Needs,
    replaced: HashMap<u32, usize>,
    module: Option<Vec<u8>>,
    args: Vec<StubArg>,
    insert_after: u32,
}

fn plan_stubs(
    seen: &Seen,
    types: &wasmparser::types::Types,
    imports: &Imports,
    aliases: &Aliases,
) -> Result<Stubbed, Unsupported> {
    let mut needs = Needs::default();
    let mut replaced = HashMap::new();
    let mut funcs: Vec<StubFunc> = Vec::new();
    let mut first_replaced = (u32::MAX, String::new());
    for (k, def) in seen.core_funcs.iter().enumerate() {
        let Origin::Lower {
            func,
            memory,
            realloc,
        } = def.origin
        else {
            continue;
        };
        let Some(&(stub, name)) = aliases.stub_of.get(&func) else {
            if aliases.removed_funcs.contains(&func) {
                return Err(format!("no stub for {}", describe(seen, func)));
            }
            continue;
        };
        let Origin::Export { instance, .. } = seen.funcs[func as usize].origin else {
            unreachable!("a stub is of an aliased function");
        };
        let sig = core_sig(types, k as u32)?;
        let mut calls = Vec::new();
        for call in table::calls(stub) {
            let (arg, call_sig) = match call {
                Call::Realloc => {
                    let realloc = realloc.ok_or(format!("{name} is lowered without realloc"))?;
                    needs.after(seen.core_funcs[realloc as usize].pos);
                    (StubArg::CoreFunc(realloc), realloc_sig())
                }
                Call::Itself => {
                    needs.after(seen.instances[instance as usize].pos);
                    if let Some(r) = realloc {
                        needs.after(seen.core_funcs[r as usize].pos);
                    }
                    let new = needs.lower(instance, name, memory, realloc);
                    (StubArg::NewCoreFunc(new), sig.clone())
                }
                Call::Func {
                    interface,
                    function,
                    lowering,
                    sig,
                } => {
                    let host = *imports.by_name.get(interface).ok_or(format!(
                        "the stub for {name} needs {interface}, which it does not import"
                    ))?;
                    let (_, ty) = seen
                        .imports
                        .iter()
                        .find(|(i, ..)| *i == host)
                        .map(|&(_, n, t)| (n, t))
                        .expect("an import");
                    let declared = instance_exports(&seen.instance_types[&ty])
                        .contains_key(function)
                        || imports
                            .type_edits
                            .get(&ty)
                            .is_some_and(|e| e.declares(function));
                    if !declared {
                        return Err(format!("its {interface} does not declare {function}"));
                    }
                    needs.after(seen.instances[host as usize].pos);
                    let (memory, realloc) = match lowering {
                        Lowering::Plain => (None, None),
                        Lowering::Memory => (memory, None),
                        Lowering::MemoryRealloc => (memory, realloc),
                    };
                    if let Some(r) = realloc {
                        needs.after(seen.core_funcs[r as usize].pos);
                    }
                    let new = needs.lower(host, function, memory, realloc);
                    (StubArg::NewCoreFunc(new), sig)
                }
                Call::ResourceNew {
                    interface,
                    resource,
                } => {
                    let owner = seen
                        .imports
                        .iter()
                        .find(|(_, n, _)| n.split_once('@').is_some_and(|(n, _)| n == interface))
                        .map_or(instance, |&(i, ..)| i);
                    let ty = *aliases
                        .local_resources
                        .get(&(owner, resource))
                        .ok_or(format!("{name} makes a {resource}, which it never names"))?;
                    needs.after(seen.types[ty as usize].pos);
                    let new = needs.new_core_funcs.len();
                    needs.new_core_funcs.push(NewCoreFunc::ResourceNew { ty });
                    let i32 = wasm_encoder::ValType::I32;
                    let sig = Sig {
                        params: vec![i32],
                        results: vec![i32],
                    };
                    (StubArg::NewCoreFunc(new), sig)
                }
            };
            calls.push(needs.func(arg, call_sig));
        }
        if let Some(m) = memory {
            // The first alias of the same memory: components alias one memory many times.
            let first = match seen.core_memories[m as usize].origin {
                origin @ Origin::Export { .. } => seen
                    .core_memories
                    .iter()
                    .position(|d| d.origin == origin)
                    .unwrap_or(m as usize) as u32,
                _ => m,
            };
            needs.memory(first)?;
            needs.after(seen.core_memories[first as usize].pos);
        }
        if def.pos < first_replaced.0 {
            first_replaced = (def.pos, name.to_string());
        }
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
    if !replaced.is_empty() && first_replaced.0 <= insert_after {
        return Err(format!(
            "its {} is lowered before what the stubs need (position {} <= {insert_after})",
            first_replaced.1, first_replaced.0
        ));
    }
    let (stub_imports, args) = needs.imports();
    let module = match funcs.is_empty() {
        true => None,
        false => Some(stubs::module(&stub_imports, &funcs)?),
    };
    Ok(Stubbed {
        needs,
        replaced,
        module,
        args,
        insert_after,
    })
}

impl TypeEdit {
    /// Whether the edit declares `function` in the type.
    fn declares(&self, function: &str) -> bool {
        (self.fields_clone && function == "[method]fields.clone")
            || (self.trailers_get && function == "[method]future-trailers.get")
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
