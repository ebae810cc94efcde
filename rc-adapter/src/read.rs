//! Reading a component's surface from its bytes, in one validating pass: its imports and
//! exports, and whether any of its core modules can obtain an rc UDP socket.

use crate::PlugError;
use wasmparser::{
    FuncValidatorAllocations, Parser, Payload, ValidPayload, Validator, WasmFeatures,
};

/// The rc interface, and the function in it, through which alone a component obtains a UDP
/// socket.
pub(crate) const UDP_CREATE_SOCKET: &str = "wasi:sockets/udp-create-socket@0.2.0-rc-";
pub(crate) const CREATE_UDP_SOCKET: &str = "create-udp-socket";

/// What a component imports and exports, at its top level.
#[derive(Debug, Clone)]
pub(crate) struct Surface {
    /// Import names, in binary order.
    pub imports: Vec<String>,
    /// Export names (instances, functions and any other kind), in binary order.
    pub exports: Vec<String>,
    /// The first core import of `create-udp-socket` from an rc `udp-create-socket`, as the
    /// module name it is imported from.
    pub udp_import: Option<String>,
}

/// Reads and validates `bytes` as a component.
pub(crate) fn read(bytes: &[u8]) -> Result<Surface, PlugError> {
    preamble(bytes)?;
    walk(bytes, Some(WasmFeatures::all())).map_err(malformed)
}

/// Whether a valid component validates only with the component model's "more async
/// builtins", which wasmtime 50 leaves off unless `-W component-model-more-async-builtins=y`.
pub(crate) fn needs_more_async_builtins(bytes: &[u8]) -> bool {
    walk(
        bytes,
        Some(WasmFeatures::all() - WasmFeatures::CM_MORE_ASYNC_BUILTINS),
    )
    .is_err()
}

/// A component's preamble is `\0asm`, then version 0x0d and layer 1; a core module's is
/// version 1, layer 0.
fn preamble(bytes: &[u8]) -> Result<(), PlugError> {
    const MAGIC: &[u8] = b"\0asm";
    if !bytes.starts_with(MAGIC) {
        let starts_with = bytes[..bytes.len().min(8)].to_vec();
        return Err(PlugError::NotWasm { starts_with });
    }
    match bytes.get(4..8) {
        Some([1, 0, 0, 0]) => Err(PlugError::CoreModule),
        _ => Ok(()), // the parser judges the rest
    }
}

fn malformed(e: wasmparser::BinaryReaderError) -> PlugError {
    PlugError::Malformed {
        offset: e.offset(),
        reason: e.message().to_string(),
    }
}

/// One pass of the parser, and of the validator with `validate`'s features, if given.
fn walk(bytes: &[u8], validate: Option<WasmFeatures>) -> wasmparser::Result<Surface> {
    let mut validator = validate.map(Validator::new_with_features);
    let mut surface = Surface {
        imports: Vec::new(),
        exports: Vec::new(),
        udp_import: None,
    };
    let mut functions = Vec::new();
    let mut depth = 0u32;
    let mut parser = Parser::new(0);
    if let Some(features) = validate {
        parser.set_features(features);
    }
    for payload in parser.parse_all(bytes) {
        let payload = payload?;
        if let Some(validator) = &mut validator
            && let ValidPayload::Func(func, body) = validator.payload(&payload)?
        {
            functions.push((func, body));
        }
        match payload {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(section) if depth == 0 => {
                for import in section {
                    surface.imports.push(import?.name.name.to_string());
                }
            }
            Payload::ComponentExportSection(section) if depth == 0 => {
                for export in section {
                    surface.exports.push(export?.name.name.to_string());
                }
            }
            Payload::ImportSection(section) if surface.udp_import.is_none() => {
                for import in section.into_imports() {
                    let import = import?;
                    // wit-component named the module after the interface in 2023; today's
                    // standard name mangling puts `cm32p2|` before it.
                    let module = import.module.trim_start_matches("cm32p2|");
                    if module.starts_with(UDP_CREATE_SOCKET) && import.name == CREATE_UDP_SOCKET {
                        surface.udp_import = Some(module.to_string());
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    let mut allocations = FuncValidatorAllocations::default();
    for (func, body) in functions {
        let mut validator = func.into_validator(allocations);
        validator.validate(&body)?;
        allocations = validator.into_allocations();
    }
    Ok(surface)
}

/// The top-level import names of a component, read without validating it.
pub(crate) fn imports(bytes: &[u8]) -> wasmparser::Result<Vec<String>> {
    Ok(walk(bytes, None)?.imports)
}
