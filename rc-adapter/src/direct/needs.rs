//! What the stub module needs: the memory its stubs write to, the functions they call (the
//! caller's `realloc`, host functions lowered for them, `resource.new`), and where in the
//! component all that exists (`insert_after`).

use super::plan::{NewCoreFunc, StubArg, Unsupported};
use super::stubs::{Import, Sig};

/// What the stub module imports and what is added for it.
#[derive(Default)]
pub(crate) struct Needs {
    pub memory: Option<u32>,
    pub funcs: Vec<(StubArg, Sig)>,
    pub new_funcs: Vec<(u32, String)>,
    pub new_core_funcs: Vec<NewCoreFunc>,
    pub insert_after: Option<u32>,
}

impl Needs {
    /// The stub module must come after position `pos`.
    pub(crate) fn after(&mut self, pos: u32) {
        self.insert_after = Some(self.insert_after.map_or(pos, |p| p.max(pos)));
    }

    pub(crate) fn memory(&mut self, memory: u32) -> Result<(), Unsupported> {
        match self.memory.replace(memory) {
            Some(other) if other != memory => Err("its stubs would write to two memories".into()),
            _ => Ok(()),
        }
    }

    /// The stub module's function import of `arg`: its index among the module's functions.
    pub(crate) fn func(&mut self, arg: StubArg, sig: Sig) -> u32 {
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
    pub(crate) fn lower(
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
    pub(crate) fn imports(&self) -> (Vec<Import>, Vec<StubArg>) {
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

pub(crate) fn realloc_sig() -> Sig {
    Sig {
        params: vec![wasm_encoder::ValType::I32; 4],
        results: vec![wasm_encoder::ValType::I32],
    }
}
