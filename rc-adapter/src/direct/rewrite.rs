//! The second pass: the component written again as the plan says, with wasm-encoder's
//! re-encoder. Its core modules are copied byte for byte; at the top level, entries are
//! renamed, dropped or replaced one by one, and every index goes through `Maps`. Nested
//! components are re-encoded as they are, but for what they alias from the top level.

use super::plan::{ImportPlan, Kind, NewCoreFunc, Plan, StubArg, Unsupported};
use crate::inspect::plugged_name;
use std::convert::Infallible;
use wasm_encoder::ComponentOuterAliasKind;
use wasm_encoder::reencode::{Error, Reencode, ReencodeComponent, component_utils};
use wasm_encoder::{
    Alias, CanonicalFunctionSection, CanonicalOption, Component, ComponentAliasSection,
    ComponentExportKind, ComponentExportSection, ComponentImportSection, ComponentSectionId,
    ComponentTypeSection, Encode, ExportKind, InstanceSection, InstanceType, ModuleArg,
    PrimitiveValType, RawSection, ValType,
};
use wasmparser::{ComponentAlias, ComponentType, Parser, Payload};

/// `component` as `plan` says, validated (but for function bodies, which are the input's or
/// the stub module's, checked when it was made).
pub(crate) fn rewrite(component: &[u8], plan: &Plan) -> Result<Vec<u8>, Unsupported> {
    let mut rewriter = Rewriter {
        plan,
        depth: 0,
        pos: 0,
        misuse: None,
    };
    let bytes = rewriter
        .top_level(component)
        .map_err(|e| format!("rewriting it: {e}"))?;
    if let Some(misuse) = rewriter.misuse {
        return Err(misuse);
    }
    validate(&bytes).map_err(|e| format!("the rewritten component does not validate: {e}"))?;
    Ok(bytes)
}

impl Rewriter<'_> {
    /// The component's top level, section by section, into one buffer sized for it: a
    /// module is copied once, as it is (a componentize-py module is tens of MB); every other
    /// section is re-encoded as the plan says.
    fn top_level(&mut self, component: &[u8]) -> Re<Vec<u8>> {
        let mut out = Vec::with_capacity(component.len() + (1 << 16));
        out.extend_from_slice(&Component::new().finish());
        let mut parser = Parser::new(0);
        let mut remaining = component;
        while !remaining.is_empty() {
            let payload = match parser.parse(remaining, true)? {
                wasmparser::Chunk::Parsed { consumed, payload } => {
                    remaining = &remaining[consumed..];
                    payload
                }
                wasmparser::Chunk::NeedMoreData(_) => unreachable!("the whole component"),
            };
            let mut part = Component::new();
            match payload {
                Payload::ModuleSection {
                    unchecked_range, ..
                } => {
                    let range = unchecked_range.start as usize..unchecked_range.end as usize;
                    let module = &component[range];
                    remaining = &remaining[module.len()..];
                    let raw = RawSection {
                        id: ComponentSectionId::CoreModule.into(),
                        data: module,
                    };
                    out.push(raw.id);
                    raw.encode(&mut out);
                    self.next(&mut part);
                }
                Payload::ComponentSection {
                    ref unchecked_range,
                    ..
                } => {
                    remaining =
                        &remaining[(unchecked_range.end - unchecked_range.start) as usize..];
                    self.parse_component_payload(&mut part, payload, component)?;
                }
                payload => self.parse_component_payload(&mut part, payload, component)?,
            }
            // Without its preamble.
            out.extend_from_slice(&part.finish()[8..]);
        }
        Ok(out)
    }
}

/// Validates a component's structure and types; not function bodies.
fn validate(bytes: &[u8]) -> wasmparser::Result<()> {
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    for payload in Parser::new(0).parse_all(bytes) {
        validator.payload(&payload?)?;
    }
    Ok(())
}

pub(crate) struct Rewriter<'p> {
    plan: &'p Plan,
    /// 0 at the top level; nested components, and types' declarations, are deeper.
    depth: u32,
    /// The position of the next top-level definition.
    pos: usize,
    /// A use of something the plan removes, which makes the plan wrong.
    misuse: Option<String>,
}

pub(crate) type Re<T> = std::result::Result<T, Error<Infallible>>;

impl Reencode for Rewriter<'_> {
    type Error = Infallible;

    fn function_index(&mut self, func: u32) -> Re<u32> {
        Ok(match self.depth {
            0 => self.plan.maps.core_funcs[func as usize],
            _ => func,
        })
    }
}

impl ReencodeComponent for Rewriter<'_> {
    fn component_type_index(&mut self, ty: u32) -> u32 {
        if self.depth == 0 {
            self.not_placeholder(ty);
        }
        ty
    }

    fn outer_component_type_index(&mut self, count: u32, ty: u32) -> u32 {
        if self.depth == count {
            self.not_placeholder(ty);
        }
        ty
    }

    fn component_func_index(&mut self, func: u32) -> u32 {
        match self.depth {
            0 => self.kept(self.plan.maps.funcs[func as usize], "a function", func),
            _ => func,
        }
    }

    fn component_instance_index(&mut self, instance: u32) -> u32 {
        match self.depth {
            0 => self.kept(
                self.plan.maps.instances[instance as usize],
                "an import",
                instance,
            ),
            _ => instance,
        }
    }

    fn instance_index(&mut self, instance: u32) -> u32 {
        match self.depth {
            0 => self.plan.maps.core_instances[instance as usize],
            _ => instance,
        }
    }

    fn module_index(&mut self, module: u32) -> u32 {
        match self.depth {
            0 => self.plan.maps.modules[module as usize],
            _ => module,
        }
    }

    fn outer_module_index(&mut self, count: u32, module: u32) -> u32 {
        match self.depth == count {
            true => self.plan.maps.modules[module as usize],
            false => module,
        }
    }

    fn push_depth(&mut self) {
        self.depth += 1;
    }

    fn pop_depth(&mut self) {
        self.depth -= 1;
    }

    /// Core modules are copied as they are: nothing in them changes.
    fn parse_component_submodule(
        &mut self,
        component: &mut Component,
        _parser: Parser,
        module: &[u8],
    ) -> Re<()> {
        component.section(&RawSection {
            id: ComponentSectionId::CoreModule.into(),
            data: module,
        });
        if self.depth == 0 {
            self.next(component);
        }
        Ok(())
    }

    fn parse_component_subcomponent(
        &mut self,
        component: &mut Component,
        parser: Parser,
        subcomponent: &[u8],
        whole_component: &[u8],
    ) -> Re<()> {
        let depth = self.depth;
        component_utils::parse_component_subcomponent(
            self,
            component,
            parser,
            subcomponent,
            whole_component,
        )?;
        if depth == 0 {
            self.next(component);
        }
        Ok(())
    }

    fn parse_component_payload(
        &mut self,
        component: &mut Component,
        payload: Payload<'_>,
        whole_component: &[u8],
    ) -> Re<()> {
        if self.depth > 0 {
            return component_utils::parse_component_payload(
                self,
                component,
                payload,
                whole_component,
            );
        }
        match payload {
            Payload::ComponentTypeSection(section) => {
                let mut types = ComponentTypeSection::new();
                for ty in section {
                    let (_, index) = self.plan.entries[self.pos];
                    match (ty?, self.plan.type_edits.get(&index)) {
                        // Only the import removed used it.
                        _ if self.plan.emptied_types.contains(&index) => {
                            types.instance(&InstanceType::new());
                        }
                        (ComponentType::Instance(decls), Some(edit)) => {
                            types.instance(&self.edited_instance_type(decls, edit)?);
                        }
                        (ty, _) => self.parse_component_type(types.ty(), ty)?,
                    }
                    self.entry_done(component, &mut types);
                }
                flush(component, &mut types);
            }
            Payload::ComponentImportSection(section) => {
                let mut imports = ComponentImportSection::new();
                for import in section {
                    let import = import?;
                    let (kind, index) = self.plan.entries[self.pos];
                    let plan = (kind == Kind::Instance)
                        .then(|| self.plan.imports.get(&index))
                        .flatten();
                    // Removed, renamed to the host's, or kept as it is.
                    let name: Option<wasm_encoder::ComponentExternName> = match plan {
                        Some(ImportPlan::Removed) => None,
                        Some(ImportPlan::Host { name, .. }) => Some((*name).into()),
                        None => Some(import.name.into()),
                    };
                    if let Some(name) = name {
                        let ty = self.component_type_ref(import.ty)?;
                        imports.import(name, ty);
                    }
                    self.entry_done(component, &mut imports);
                }
                flush(component, &mut imports);
            }
            Payload::ComponentAliasSection(section) => {
                let mut aliases = ComponentAliasSection::new();
                for alias in section {
                    let alias = alias?;
                    let (kind, index) = self.plan.entries[self.pos];
                    match (kind, alias) {
                        (Kind::Func, _) if self.plan.maps.funcs[index as usize].is_none() => {}
                        (Kind::Type, _) if self.plan.own_resources.get(&index) == Some(&index) => {
                            // A resource type of the component's own, for no handle a
                            // guest can obtain but through a stub.
                            flush(component, &mut aliases);
                            let mut types = ComponentTypeSection::new();
                            types.resource(ValType::I32, None);
                            component.section(&types);
                        }
                        (Kind::Type, _) if self.plan.own_resources.contains_key(&index) => {
                            // The same resource again.
                            aliases.alias(Alias::Outer {
                                kind: ComponentOuterAliasKind::Type,
                                count: 0,
                                index: self.plan.own_resources[&index],
                            });
                        }
                        (Kind::Type, _) if self.plan.placeholders.contains(&index) => {
                            flush(component, &mut aliases);
                            let mut types = ComponentTypeSection::new();
                            types.defined_type().primitive(PrimitiveValType::Bool);
                            component.section(&types);
                        }
                        (Kind::Func, _) if self.plan.redirected_funcs.contains_key(&index) => {
                            let (instance, name) = self.plan.redirected_funcs[&index];
                            let instance = self.component_instance_index(instance);
                            aliases.alias(Alias::InstanceExport {
                                instance,
                                kind: ComponentExportKind::Func,
                                name,
                            });
                        }
                        (Kind::Func, ComponentAlias::InstanceExport { instance_index, .. })
                            if self.plan.renamed_funcs.contains_key(&index) =>
                        {
                            let instance = self.component_instance_index(instance_index);
                            aliases.alias(Alias::InstanceExport {
                                instance,
                                kind: ComponentExportKind::Func,
                                name: &self.plan.renamed_funcs[&index],
                            });
                        }
                        (_, alias) => {
                            aliases.alias(self.component_alias(alias)?);
                        }
                    }
                    self.entry_done(component, &mut aliases);
                }
                flush(component, &mut aliases);
            }
            Payload::ComponentCanonicalSection(section) => {
                let mut canon = CanonicalFunctionSection::new();
                for func in section {
                    let func = func?;
                    let (kind, index) = self.plan.entries[self.pos];
                    match self
                        .plan
                        .replaced
                        .get(&index)
                        .filter(|_| kind == Kind::CoreFunc)
                    {
                        Some(stub) => {
                            flush(component, &mut canon);
                            let mut aliases = ComponentAliasSection::new();
                            aliases.alias(Alias::CoreInstanceExport {
                                instance: self.plan.maps.first_new_core_instance + 1,
                                kind: ExportKind::Func,
                                name: &format!("s{stub}"),
                            });
                            component.section(&aliases);
                        }
                        None => self.parse_component_canonical(&mut canon, func)?,
                    }
                    self.entry_done(component, &mut canon);
                }
                flush(component, &mut canon);
            }
            Payload::InstanceSection(section) => {
                let mut instances = InstanceSection::new();
                for instance in section {
                    self.parse_instance(&mut instances, instance?)?;
                    self.entry_done(component, &mut instances);
                }
                flush(component, &mut instances);
            }
            Payload::ComponentInstanceSection(section) => {
                let mut instances = wasm_encoder::ComponentInstanceSection::new();
                for instance in section {
                    self.parse_component_instance(&mut instances, instance?)?;
                    self.entry_done(component, &mut instances);
                }
                flush(component, &mut instances);
            }
            Payload::ComponentExportSection(section) => {
                let mut exports = ComponentExportSection::new();
                for export in section {
                    let mut export = export?;
                    // An rc `incoming-handler` or `run`, under the name hosts call.
                    export.name.name = plugged_name(export.name.name);
                    self.parse_component_export(&mut exports, export)?;
                    self.entry_done(component, &mut exports);
                }
                flush(component, &mut exports);
            }
            Payload::CoreTypeSection(section) => {
                let mut types = wasm_encoder::CoreTypeSection::new();
                for ty in section {
                    self.parse_component_core_type(types.ty(), ty?)?;
                    self.entry_done(component, &mut types);
                }
                flush(component, &mut types);
            }
            // Names refer to indices that changed; they only help debugging.
            Payload::CustomSection(section) if section.name() == "component-name" => {}
            payload => {
                component_utils::parse_component_payload(
                    self,
                    component,
                    payload,
                    whole_component,
                )?;
            }
        }
        Ok(())
    }
}

/// A section being written that can be emitted early, to put something else between its
/// entries.
trait Part: wasm_encoder::ComponentSection + Default {
    fn is_empty(&self) -> bool;
}

macro_rules! parts {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn is_empty(&self) -> bool {
                <$t>::is_empty(self)
            }
        }
    )*};
}
parts!(
    ComponentTypeSection,
    ComponentImportSection,
    ComponentAliasSection,
    CanonicalFunctionSection,
    InstanceSection,
    wasm_encoder::ComponentInstanceSection,
    ComponentExportSection,
    wasm_encoder::CoreTypeSection
);

/// Emits what `part` holds, and empties it.
fn flush<S: Part>(component: &mut Component, part: &mut S) {
    if !part.is_empty() {
        component.section(part);
        *part = S::default();
    }
}

impl Rewriter<'_> {
    /// `new`, the new index of an item, unless the plan removed it.
    fn kept(&mut self, new: Option<u32>, what: &str, old: u32) -> u32 {
        new.unwrap_or_else(|| {
            self.misuse
                .get_or_insert_with(|| format!("{what} ({old}) it uses is one a proxy host lacks"));
            0
        })
    }

    /// A use of a type is fine unless it is a placeholder: only what was removed used those.
    fn not_placeholder(&mut self, ty: u32) {
        if self.plan.placeholders.contains(&ty) {
            self.misuse.get_or_insert_with(|| {
                format!("a type ({ty}) of an interface a proxy host lacks is used")
            });
        }
    }

    /// The entry at `pos` is written (into `part`, not yet emitted): what the plan adds goes
    /// right after it.
    fn entry_done<S: Part>(&mut self, component: &mut Component, part: &mut S) {
        if self.plan.stub_module.is_some() && self.pos == self.plan.insert_after as usize {
            flush(component, part);
            self.insert(component);
        }
        self.pos += 1;
    }

    /// A module or component at the top level is done.
    fn next(&mut self, component: &mut Component) {
        let mut none = ComponentTypeSection::new();
        self.entry_done(component, &mut none);
    }

    /// The stub module, instantiated, and what it needs: the host's functions it calls,
    /// lowered, and new handles of the resources the component now owns.
    fn insert(&mut self, component: &mut Component) {
        let plan = self.plan;
        let maps = &plan.maps;
        let mut aliases = ComponentAliasSection::new();
        for (instance, name) in &plan.new_funcs {
            aliases.alias(Alias::InstanceExport {
                instance: maps.instances[*instance as usize].expect("a host import"),
                kind: ComponentExportKind::Func,
                name,
            });
        }
        flush(component, &mut aliases);
        let mut canon = CanonicalFunctionSection::new();
        for new in &plan.new_core_funcs {
            match *new {
                NewCoreFunc::Lower {
                    func,
                    memory,
                    realloc,
                } => {
                    let mut options = Vec::new();
                    options.extend(memory.map(CanonicalOption::Memory));
                    options.extend(
                        realloc.map(|r| CanonicalOption::Realloc(maps.core_funcs[r as usize])),
                    );
                    canon.lower(maps.first_new_func + func as u32, options);
                }
                NewCoreFunc::ResourceNew { ty } => {
                    canon.resource_new(ty);
                }
            }
        }
        flush(component, &mut canon);
        component.section(&RawSection {
            id: ComponentSectionId::CoreModule.into(),
            data: plan.stub_module.as_deref().expect("a stub module"),
        });
        let mut instances = InstanceSection::new();
        let args: Vec<(String, ExportKind, u32)> = plan
            .stub_args
            .iter()
            .enumerate()
            .map(|(i, arg)| {
                let (kind, index) = match *arg {
                    StubArg::Memory(m) => (ExportKind::Memory, m),
                    StubArg::CoreFunc(k) => (ExportKind::Func, maps.core_funcs[k as usize]),
                    StubArg::NewCoreFunc(n) => {
                        (ExportKind::Func, maps.first_new_core_func + n as u32)
                    }
                };
                (i.to_string(), kind, index)
            })
            .collect();
        instances.export_items(args.iter().map(|(n, k, i)| (n.as_str(), *k, *i)));
        instances.instantiate(
            maps.first_new_module,
            [("rc", ModuleArg::Instance(maps.first_new_core_instance))],
        );
        component.section(&instances);
    }
}
