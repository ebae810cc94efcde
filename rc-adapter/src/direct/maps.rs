//! Old index -> new index, for each index space the rewrite changes: removed items drop
//! out, and what is added right after `insert_after` pushes everything after it along.

use super::needs::Needs;
use super::plan::ImportPlan;
use super::seen::{Seen, Space};
use std::collections::{HashMap, HashSet};

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

pub(crate) fn maps(
    seen: &Seen,
    imports: &HashMap<u32, ImportPlan>,
    removed_funcs: &HashSet<u32>,
    needs: &Needs,
    insert_after: u32,
    stub_module: u32,
) -> Maps {
    /// New indices: removed items dropped, `added` items counted after `insert_after`.
    fn shift(
        space: &Space,
        removed: &dyn Fn(u32) -> bool,
        added: u32,
        after: u32,
    ) -> (Vec<Option<u32>>, u32) {
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
