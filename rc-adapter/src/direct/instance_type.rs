//! An imported instance type, edited as `TypeEdit` says, for an rc interface whose host
//! successor names some functions otherwise (11-10 `wasi:http/types`): exports and
//! parameters renamed, 11-10's `future-trailers.get` retyped as 0.2.12's, and
//! `fields.clone` declared (the trailers stub calls it). What is added goes at the end, so
//! nothing else in the type moves.

use super::plan::TypeEdit;
use super::rewrite::{Re, Rewriter};
use wasm_encoder::reencode::ReencodeComponent;
use wasm_encoder::{ComponentTypeRef, ComponentValType, InstanceType};
use wasmparser::{
    ComponentAlias, ComponentDefinedType, ComponentExternalKind, ComponentType,
    InstanceTypeDeclaration, TypeBounds,
};

impl Rewriter<'_> {
    /// An imported instance type with `edit`'s changes: exports renamed, parameters renamed,
    /// 11-10's `future-trailers.get` retyped as 0.2.12's, `fields.clone` declared.
    pub(crate) fn edited_instance_type(
        &mut self,
        decls: Box<[InstanceTypeDeclaration<'_>]>,
        edit: &TypeEdit,
    ) -> Re<InstanceType> {
        let decls = Vec::from(decls);
        // What each declaration adds to the instance type's own type index space.
        let mut local = Vec::with_capacity(decls.len());
        let mut types = 0u32;
        for decl in &decls {
            let defines = match decl {
                InstanceTypeDeclaration::Type(_) => true,
                InstanceTypeDeclaration::Alias(ComponentAlias::InstanceExport { kind, .. }) => {
                    *kind == ComponentExternalKind::Type
                }
                InstanceTypeDeclaration::Alias(ComponentAlias::Outer { kind, .. }) => {
                    *kind == wasmparser::ComponentOuterAliasKind::Type
                }
                InstanceTypeDeclaration::Export { ty, .. } => {
                    matches!(ty, wasmparser::ComponentTypeRef::Type(_))
                }
                _ => false,
            };
            local.push(defines.then_some(types));
            types += u32::from(defines);
        }
        let export_of = |name: &str| {
            decls.iter().find_map(|d| match d {
                InstanceTypeDeclaration::Export { name: n, ty } if n.name == name => Some(*ty),
                _ => None,
            })
        };
        let type_at = |index: u32| {
            let at = local.iter().position(|l| *l == Some(index))?;
            match &decls[at] {
                InstanceTypeDeclaration::Type(ty) => Some(ty),
                _ => None,
            }
        };
        // Function types whose parameters are renamed.
        let mut param_renames = Vec::new();
        for (export, from, to) in &edit.params {
            if let Some(wasmparser::ComponentTypeRef::Func(ty)) = export_of(export) {
                param_renames.push((ty, *from, *to));
            }
        }
        const GET: &str = "[method]future-trailers.get";
        let get = match export_of(GET) {
            Some(wasmparser::ComponentTypeRef::Func(ty)) if edit.trailers_get => Some(ty),
            _ => None,
        };
        let fields = match export_of("fields") {
            Some(wasmparser::ComponentTypeRef::Type(TypeBounds::SubResource)) => {
                decls.iter().zip(&local).find_map(|(d, l)| match d {
                    InstanceTypeDeclaration::Export { name, .. } if name.name == "fields" => *l,
                    _ => None,
                })
            }
            _ => None,
        };

        self.push_depth();
        let mut instance = InstanceType::new();
        for (decl, defines) in decls.iter().zip(&local) {
            match decl {
                InstanceTypeDeclaration::Type(ComponentType::Func(func))
                    if param_renames.iter().any(|(t, ..)| Some(*t) == *defines) =>
                {
                    let params: Vec<(&str, ComponentValType)> = func
                        .params
                        .iter()
                        .map(|(name, ty)| {
                            let name = param_renames
                                .iter()
                                .find(|(t, from, _)| Some(*t) == *defines && from == name)
                                .map_or(*name, |(_, _, to)| *to);
                            (name, self.component_val_type(*ty))
                        })
                        .collect();
                    let result = func.result.map(|r| self.component_val_type(r));
                    instance.ty().function().params(params).result(result);
                }
                InstanceTypeDeclaration::Export { name, .. }
                    if get.is_some() && name.name == GET => {}
                InstanceTypeDeclaration::Export { name, ty } => {
                    let ty = self.component_type_ref(*ty)?;
                    let name = edit
                        .renames
                        .get(name.name)
                        .map_or(name.name, String::as_str);
                    instance.export(name, ty);
                }
                decl => {
                    self.parse_component_instance_type_declaration(&mut instance, decl.clone())?
                }
            }
        }
        // The next index of the instance type's type index space.
        let mut next = types;
        let mut add = |_: &mut InstanceType| {
            next += 1;
            next - 1
        };
        if let Some(get) = get {
            // 11-10: `func(self) -> option<R>`; 0.2.12: `func(self) -> option<result<R>>`.
            let (params, r) = match type_at(get) {
                Some(ComponentType::Func(func)) => {
                    let option = match func.result {
                        Some(wasmparser::ComponentValType::Type(o)) => type_at(o),
                        _ => None,
                    };
                    match option {
                        Some(ComponentType::Defined(ComponentDefinedType::Option(r))) => {
                            (func.params.clone(), *r)
                        }
                        _ => panic!("11-10 future-trailers.get returns an option"),
                    }
                }
                _ => panic!("future-trailers.get is a function"),
            };
            let r = self.component_val_type(r);
            instance.ty().defined_type().result(Some(r), None);
            let result = add(&mut instance);
            instance
                .ty()
                .defined_type()
                .option(ComponentValType::Type(result));
            let option = add(&mut instance);
            let params: Vec<(&str, ComponentValType)> = params
                .iter()
                .map(|(name, ty)| (*name, self.component_val_type(*ty)))
                .collect();
            instance
                .ty()
                .function()
                .params(params)
                .result(Some(ComponentValType::Type(option)));
            let func = add(&mut instance);
            instance.export(GET, ComponentTypeRef::Func(func));
        }
        if let (true, Some(fields)) = (edit.fields_clone, fields) {
            instance.ty().defined_type().borrow(fields);
            let borrow = add(&mut instance);
            instance.ty().defined_type().own(fields);
            let own = add(&mut instance);
            instance
                .ty()
                .function()
                .params([("self", ComponentValType::Type(borrow))])
                .result(Some(ComponentValType::Type(own)));
            let func = add(&mut instance);
            instance.export("[method]fields.clone", ComponentTypeRef::Func(func));
        }
        self.pop_depth();
        Ok(instance)
    }
}
