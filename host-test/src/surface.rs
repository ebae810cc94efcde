//! The import and export names of a component, read from its binary.

use anyhow::Result;
use wasmparser::{ComponentExternalKind, Parser, Payload};

/// (imports, instance and function exports) of the outermost component, in binary order.
pub fn imports_and_exports(component: &[u8]) -> Result<(Vec<String>, Vec<String>)> {
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    let mut depth = 0;
    for payload in Parser::new(0).parse_all(component) {
        match payload? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth -= 1,
            Payload::ComponentImportSection(s) if depth == 0 => {
                for import in s {
                    imports.push(import?.name.name.to_string());
                }
            }
            Payload::ComponentExportSection(s) if depth == 0 => {
                for export in s {
                    let export = export?;
                    if matches!(
                        export.kind,
                        ComponentExternalKind::Instance | ComponentExternalKind::Func
                    ) {
                        exports.push(export.name.name.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

/// The export names of every core module inside a component, however deeply nested.
pub fn core_exports(component: &[u8]) -> Result<Vec<String>> {
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(component) {
        if let Payload::ExportSection(s) = payload? {
            for export in s {
                exports.push(export?.name.to_string());
            }
        }
    }
    Ok(exports)
}
