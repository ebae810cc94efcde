//! `wrap-adapter unimport CORE.wasm OUT.wasm PREFIX..`: the proxy build's core module without
//! its imports from modules whose name starts with a PREFIX (the host's files and sockets):
//! each such function becomes a function of the module that traps (`unreachable`).
//!
//! The proxy build's code never calls them: it makes no descriptor and no socket, so only
//! methods on those could (the entry points, `get-directories`, `create-*-socket` and
//! `resolve-addresses`, refuse under `cfg!(feature = "proxy")`). Taking
//! them out of the core module, before wit-component makes it a component, leaves nothing to
//! import and nothing to wire at each instantiation. (A stub component exporting them, which
//! this replaces, cost `wasmtime serve` a sixth of its requests per second: a fused adapter
//! per function, made at every instantiation.)
//!
//! The imports keep their place in the function index space as defined functions: the
//! imports kept come first, then the stubs, then the module's own functions, whose indices
//! therefore do not change.

use anyhow::{Context, Result, bail};
use wasm_encoder::reencode::{Error, Reencode, utils};
use wasm_encoder::{CodeSection, Function, FunctionSection, ImportSection, Instruction};
use wasmparser::{Parser, Payload, TypeRef};

pub fn main(args: &[String]) -> Result<()> {
    let [core, out, prefixes @ ..] = args else {
        bail!("usage: wrap-adapter unimport CORE.wasm OUT.wasm PREFIX..");
    };
    let bytes = std::fs::read(core).with_context(|| format!("reading {core}"))?;
    let stubbed = unimport(&bytes, prefixes)?;
    std::fs::write(out, stubbed).with_context(|| format!("writing {out}"))
}

/// The function imports of `bytes`, in order: (module, type index).
fn function_imports(bytes: &[u8]) -> Result<Vec<(String, u32)>> {
    let mut imports = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::ImportSection(section) = payload? {
            for import in section.into_imports() {
                let import = import?;
                if let TypeRef::Func(ty) = import.ty {
                    imports.push((import.module.to_string(), ty));
                }
            }
        }
    }
    Ok(imports)
}

fn unimport(bytes: &[u8], prefixes: &[String]) -> Result<Vec<u8>> {
    let imports = function_imports(bytes)?;
    let stub = |module: &str| prefixes.iter().any(|p| module.starts_with(p.as_str()));
    // New index of each import: kept ones first, in order, then the stubs, in order.
    let kept = imports.iter().filter(|(m, _)| !stub(m)).count() as u32;
    let (mut next_kept, mut next_stub) = (0, kept);
    let mut remap = Vec::with_capacity(imports.len());
    let mut stub_types = Vec::new();
    for (module, ty) in &imports {
        if stub(module) {
            remap.push(next_stub);
            next_stub += 1;
            stub_types.push(*ty);
        } else {
            remap.push(next_kept);
            next_kept += 1;
        }
    }
    let mut unimport = Unimport {
        prefixes,
        remap,
        stub_types,
    };
    let mut module = wasm_encoder::Module::new();
    unimport
        .parse_core_module(&mut module, Parser::new(0), bytes)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let out = module.finish();
    wasmparser::Validator::new().validate_all(&out)?;
    Ok(out)
}

struct Unimport<'a> {
    prefixes: &'a [String],
    /// The new index of each function import.
    remap: Vec<u32>,
    /// The type of each stubbed import, in order.
    stub_types: Vec<u32>,
}

impl Reencode for Unimport<'_> {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, Error<Self::Error>> {
        Ok(self.remap.get(func as usize).copied().unwrap_or(func))
    }

    fn parse_import_section(
        &mut self,
        section: &mut ImportSection,
        reader: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        for import in reader.into_imports() {
            let import = import?;
            let stubbed = matches!(import.ty, TypeRef::Func(_))
                && self
                    .prefixes
                    .iter()
                    .any(|p| import.module.starts_with(p.as_str()));
            if !stubbed {
                utils::parse_import(self, section, import)?;
            }
        }
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        section: &mut FunctionSection,
        reader: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        for ty in self.stub_types.clone() {
            section.function(ty);
        }
        utils::parse_function_section(self, section, reader)
    }

    fn parse_code_section(
        &mut self,
        section: &mut CodeSection,
        reader: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        for _ in &self.stub_types {
            let mut body = Function::new([]);
            body.instruction(&Instruction::Unreachable);
            body.instruction(&Instruction::End);
            section.function(&body);
        }
        utils::parse_code_section(self, section, reader)
    }
}
