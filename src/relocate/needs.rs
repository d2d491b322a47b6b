//! What the moved code reads of its old module: the imports to copy into the new one,
//! and the names it can only get by importing the old module.

use anyhow::{Result, bail};
use rustc_hash::FxHashSet;

use crate::fix::LineStarts;
use crate::index::{ModuleId, Project};
use crate::parse::Layout;
use crate::resolve::{Resolution, Resolver};
use crate::summary::BindingKind;

use crate::relocate::source::Block;

/// Names whose value is the module's own: moved, they would name the new module.
const MODULE_OWN: &[&str] = &[
    "__name__",
    "__file__",
    "__spec__",
    "__package__",
    "__loader__",
    "__path__",
    "__cached__",
    "__builtins__",
];

/// A module-level name the moved code reads.
#[derive(Clone, Debug)]
pub struct Read {
    pub name: String,
    /// The first read's line.
    pub line: u32,
}

/// An import of the old module the moved code needs, written as an absolute import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carried {
    /// The absolute module imported, or imported from.
    pub module: String,
    /// For `from module import name`.
    pub name: Option<String>,
    pub alias: Option<String>,
    /// Bound only under `if TYPE_CHECKING:` in the old module.
    pub type_checking: bool,
}

impl Carried {
    pub fn text(&self) -> String {
        let alias = self
            .alias
            .as_deref()
            .map(|a| format!(" as {a}"))
            .unwrap_or_default();
        match &self.name {
            Some(name) => format!("from {} import {name}{alias}", self.module),
            None => format!("import {}{alias}", self.module),
        }
    }
}

#[derive(Debug, Default)]
pub struct Needs {
    pub carried: Vec<Carried>,
    /// Names defined in the old module (name, line of its definition).
    pub from_old: Vec<(String, u32)>,
    /// Names the destination already binds to the same thing: the moved code goes after
    /// them.
    pub in_dest: Vec<String>,
}

/// The module-level names the blocks read, other than the moved ones, in source order.
pub fn reads(
    project: &Project,
    file: usize,
    source: &str,
    blocks: &[Block],
    moved: &FxHashSet<&str>,
) -> Vec<Read> {
    let summary = project.summary(file);
    let lines = LineStarts::new(source);
    let mut found: Vec<Read> = Vec::new();
    for used in summary.uses.iter().filter(|u| u.import == u32::MAX) {
        let name = summary.use_names[used.name as usize].as_str();
        let Some(offset) = lines.offset(source, used.position) else {
            continue;
        };
        let inside = blocks.iter().any(|b| b.start <= offset && offset < b.end);
        if inside && !moved.contains(name) && !found.iter().any(|r| r.name == name) {
            found.push(Read {
                name: name.to_string(),
                line: used.position.line,
            });
        }
    }
    found
}

/// Whether anything outside the blocks, in the old module, reads one of the moved names
/// at module level: the first such read (name, line).
pub fn read_outside(
    project: &Project,
    file: usize,
    source: &str,
    blocks: &[Block],
    moved: &FxHashSet<&str>,
) -> Option<(String, u32)> {
    let summary = project.summary(file);
    let lines = LineStarts::new(source);
    summary
        .uses
        .iter()
        .filter(|u| u.import == u32::MAX)
        .find(|u| {
            let name = summary.use_names[u.name as usize].as_str();
            let outside = lines
                .offset(source, u.position)
                .is_some_and(|o| !blocks.iter().any(|b| b.start <= o && o < b.end));
            moved.contains(name) && outside
        })
        .map(|u| {
            (
                summary.use_names[u.name as usize].to_string(),
                u.position.line,
            )
        })
}

/// Sorts each read into an import to carry, a name of the old module, or nothing (a
/// builtin, or a name the destination binds to the same thing already).
pub fn needs(
    resolver: &mut Resolver,
    old: ModuleId,
    dest: Option<ModuleId>,
    reads: &[Read],
) -> Result<Needs> {
    let project = resolver.project();
    let old_name = project.modules[old as usize].name.clone();
    let Some(file) = project.modules[old as usize].file else {
        bail!("`{old_name}` has no file");
    };
    let summary = project.summary(file);
    let mut needs = Needs::default();
    for read in reads {
        let name = read.name.as_str();
        if MODULE_OWN.contains(&name) {
            bail!(
                "the moved code reads `{name}` (line {}): its value would be the new module's",
                read.line
            );
        }
        let bindings: Vec<_> = summary.bindings.iter().filter(|b| b.name == name).collect();
        let here = resolver.resolve_name(old, name);
        if let Some(dest) = dest
            && !matches!(resolver.resolve_name(dest, name), Resolution::Unresolved(_))
        {
            if resolver.resolve_name(dest, name) != here {
                bail!(
                    "the moved code reads `{name}` (line {}), which means another thing in \
                     the destination: a name clash",
                    read.line
                );
            }
            needs.in_dest.push(name.to_string());
            continue;
        }
        if bindings.is_empty() {
            if matches!(here, Resolution::Unresolved(_)) {
                continue; // a builtin, or unbound before and after alike
            }
            bail!(
                "the moved code reads `{name}` (line {}), which `{old_name}` gets from a star \
                 import or at run time: import it by name first",
                read.line
            );
        }
        let imports = bindings.iter().all(|b| {
            matches!(
                b.kind,
                BindingKind::FromImport { .. } | BindingKind::Import { .. }
            )
        });
        if !imports {
            let line = bindings.last().map_or(0, |b| b.position.line);
            needs.from_old.push((name.to_string(), line));
            continue;
        }
        for binding in &bindings {
            if binding.conditional && !binding.type_checking {
                bail!(
                    "the moved code reads `{name}`, imported conditionally in `{old_name}` (line \
                     {}): copy that import by hand first",
                    binding.position.line
                );
            }
            let site = (0..summary.imports.len())
                .filter(|&i| {
                    let import = &summary.imports[i];
                    import.position == binding.position
                        && import.bound_name() == Some(name)
                        && !import.context.function
                })
                .find_map(|i| project.site_of(file, i));
            let Some(site) = site else {
                bail!(
                    "cannot find the import of `{name}` (line {})",
                    binding.position.line
                );
            };
            let import = project.import_site(site);
            let Some(module) = project.sites[site].target.as_deref() else {
                bail!(
                    "the import of `{name}` (line {}) climbs above the top package",
                    binding.position.line
                );
            };
            let carried = Carried {
                module: module.to_string(),
                name: import.name.map(String::from),
                alias: import.alias.map(String::from),
                type_checking: binding.type_checking,
            };
            if !needs.carried.contains(&carried) {
                needs.carried.push(carried);
            }
        }
    }
    Ok(needs)
}

/// The line of the first `global` declaration inside the blocks.
pub fn global_inside(layout: &Layout, blocks: &[Block]) -> Option<(String, usize)> {
    layout
        .globals
        .iter()
        .find(|g| {
            blocks
                .iter()
                .any(|b| b.start <= g.offset as usize && (g.offset as usize) < b.end)
        })
        .map(|g| (g.name.clone(), g.offset as usize))
}
