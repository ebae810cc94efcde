//! The first pass over the component: what it defines where, at its top level.
//!
//! Every item of a component has an index in its kind's index space, given in the order of
//! definition, and a position (`pos`) here: its number among all top-level definitions.
//! Nested modules and components count as one definition each; what is inside them is not
//! followed.

use std::collections::{BTreeMap, HashMap};
use wasmparser::{
    CanonicalFunction, CanonicalOption, ComponentAlias, ComponentExternalKind,
    ComponentOuterAliasKind, ComponentType, ComponentTypeRef, ExternalKind,
    InstanceTypeDeclaration, Parser, Payload, ValidPayload, Validator, WasmFeatures,
};

/// Where an item came from, where that matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin<'a> {
    /// `alias export $instance "name"`.
    Export {
        instance: u32,
        name: &'a str,
    },
    /// `canon lower $func`, with the memory and `realloc` it writes through.
    Lower {
        func: u32,
        memory: Option<u32>,
        realloc: Option<u32>,
    },
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Def<'a> {
    pub pos: u32,
    pub origin: Origin<'a>,
}

/// The definitions of one index space, in index order.
pub(crate) type Space<'a> = Vec<Def<'a>>;

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
pub(crate) struct Seen<'a> {
    pub types: Space<'a>,
    pub funcs: Space<'a>,
    pub instances: Space<'a>,
    pub core_funcs: Space<'a>,
    pub core_memories: Space<'a>,
    pub core_instances: Space<'a>,
    pub modules: Space<'a>,
    /// Instance types, by type index.
    pub instance_types: HashMap<u32, Box<[InstanceTypeDeclaration<'a>]>>,
    /// Instance imports: `(instance index, name, type index)`.
    pub imports: Vec<(u32, &'a str, u32)>,
    /// Every top-level definition in order (its position): its kind, and its index there.
    pub entries: Vec<(Kind, u32)>,
}

pub(crate) fn first_pass(
    component: &[u8],
) -> wasmparser::Result<(Seen<'_>, wasmparser::types::Types)> {
    let mut seen = Seen::default();
    let mut validator = Validator::new_with_features(WasmFeatures::all());
    let mut depth = 0u32;
    let mut pos = 0u32;
    let mut types = None;
    // Defines the next item of `space`, of `kind`; `skip!` one the rewrite does not follow.
    macro_rules! next {
        ($space:ident, $kind:ident, $origin:expr) => {{
            seen.entries.push((Kind::$kind, seen.$space.len() as u32));
            seen.$space.push(Def {
                pos,
                origin: $origin,
            });
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
                        ComponentAlias::CoreInstanceExport {
                            kind,
                            instance_index,
                            name,
                        } => match kind {
                            ExternalKind::Func => next!(core_funcs, CoreFunc, Origin::Other),
                            ExternalKind::Memory => {
                                let origin = Origin::Export {
                                    instance: instance_index,
                                    name,
                                };
                                next!(core_memories, CoreMemory, origin)
                            }
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
                            let option =
                                |f: fn(&CanonicalOption) -> Option<u32>| options.iter().find_map(f);
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
pub(crate) fn instance_exports<'a>(
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

/// `interface`'s `function`, for a message.
pub(crate) fn describe(seen: &Seen, func: u32) -> String {
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
