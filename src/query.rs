//! Questions that need resolution, not just the graph: which import sites reach a
//! definition or a module through any re-export, and which names are defined twice.

use rustc_hash::FxHashMap;

use crate::graph::EdgeFilter;
use crate::index::{ModuleId, Project};
use crate::resolve::{Resolution, Resolver};
use crate::summary::BindingKind;

/// Every site's resolution, in site order.
pub fn resolve_all(resolver: &mut Resolver) -> Vec<Resolution> {
    (0..resolver.project().sites.len())
        .map(|site| resolver.resolve_site(site).0)
        .collect()
}

/// Sites (kept by `filter`) that reach `target`. For a definition: every site resolving to
/// it, whatever module path it names. For a module: every site that imports it, resolves
/// to it or to a name it defines, or passes through it on a re-export chain.
pub fn importers(resolver: &mut Resolver, target: &Resolution, filter: &EdgeFilter) -> Vec<usize> {
    let project = resolver.project();
    let module = match target {
        Resolution::Module(module) => Some(*module),
        _ => None,
    };
    (0..project.sites.len())
        .filter(|&site| filter.keeps_site(project, site))
        .filter(|&site| {
            let (resolution, hops) = resolver.resolve_site(site);
            match module {
                None => resolution == *target,
                Some(module) => reaches_module(
                    project,
                    site,
                    &resolution,
                    hops.iter().map(|h| h.module),
                    |m| m == module,
                ),
            }
        })
        .collect()
}

/// Whether a site depends on a module `is_target` accepts: it imports it, resolves to it
/// or to a name it defines, or its re-export chain (`hop_modules`) passes through it.
pub fn reaches_module(
    project: &Project,
    site: usize,
    resolution: &Resolution,
    mut hop_modules: impl Iterator<Item = ModuleId>,
    is_target: impl Fn(ModuleId) -> bool,
) -> bool {
    project.sites[site].node().is_some_and(&is_target)
        || resolution_module(resolution).is_some_and(&is_target)
        || hop_modules.any(&is_target)
}

pub fn resolution_module(resolution: &Resolution) -> Option<ModuleId> {
    match resolution {
        Resolution::Definition { module, .. } | Resolution::Module(module) => Some(*module),
        _ => None,
    }
}

/// Which definitions `duplicates` compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinitionKind {
    Class,
    Function,
    /// Classes and functions.
    Any,
    /// Module-level values (`X = ...`).
    Variable,
}

impl DefinitionKind {
    fn admits(self, kind: &BindingKind) -> bool {
        matches!(
            (self, kind),
            (
                DefinitionKind::Class | DefinitionKind::Any,
                BindingKind::Class
            ) | (
                DefinitionKind::Function | DefinitionKind::Any,
                BindingKind::Function
            ) | (
                DefinitionKind::Variable,
                BindingKind::Variable | BindingKind::Alias(_)
            )
        )
    }
}

/// One true definition and how many import sites reach it.
#[derive(Debug)]
pub struct Definition {
    pub module: ModuleId,
    pub binding: u32,
    pub sites: usize,
}

/// A name with more than one true definition in the repository.
#[derive(Debug)]
pub struct Duplicate {
    pub name: String,
    /// Sorted by path.
    pub definitions: Vec<Definition>,
}

/// Definitions (module, binding) per name, for names defined in more than one module,
/// unsorted. With `among`, only names those modules bind are compared (with every other
/// module binding them); otherwise every module's. Dunder names (`__getattr__`,
/// `__version__`) are protocol, not duplication, and skipped.
pub fn duplicate_definitions<'p>(
    resolver: &mut Resolver<'p>,
    kind: DefinitionKind,
    wanted: &dyn Fn(&str) -> bool,
    filter: &EdgeFilter,
    among: Option<&[ModuleId]>,
) -> FxHashMap<&'p str, Vec<(ModuleId, u32)>> {
    let project = resolver.project();
    // (module, name) pairs to resolve, module by module in name order.
    let mut pairs: Vec<(ModuleId, &str)> = Vec::new();
    let wanted_name = |bound: &str| {
        let dunder = bound.starts_with("__") && bound.ends_with("__");
        !dunder && wanted(bound)
    };
    // A true definition of `bound` in `id` is one of `id`'s own definition bindings; a
    // duplicate needs another module with one. Only such pairs are worth resolving.
    let may_duplicate = |id: ModuleId, bound: &str| {
        let (mut own, mut other) = (false, false);
        for binder in project.binders(bound) {
            own |= binder == id;
            other |= binder != id;
            if own && other {
                return true;
            }
        }
        false
    };
    match among {
        None => {
            for id in 0..project.modules.len() as ModuleId {
                pairs.extend(
                    project
                        .names(id)
                        .keys()
                        .filter(|n| wanted_name(n) && may_duplicate(id, n))
                        .map(|n| (id, n)),
                );
            }
        }
        Some(modules) => {
            for &id in modules {
                for bound in project.names(id).keys().filter(|n| wanted_name(n)) {
                    pairs.extend(
                        project
                            .binders(bound)
                            .filter(|&m| may_duplicate(m, bound))
                            .map(|m| (m, bound)),
                    );
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut by_name: FxHashMap<&str, Vec<(ModuleId, u32)>> = FxHashMap::default();
    for (id, bound) in pairs {
        let Some(file) = project.modules[id as usize].file else {
            continue;
        };
        if !filter.tests && project.files[file].is_test {
            continue;
        }
        let (resolution, _) = resolver.resolve_attributes(id, &[bound]);
        if let Resolution::Definition { module, binding } = resolution
            && module == id
            && kind.admits(&project.summary(file).bindings[binding as usize].kind)
        {
            by_name.entry(bound).or_default().push((module, binding));
        }
    }
    by_name.retain(|_, found| found.len() > 1);
    by_name
}

/// Which duplicated names a listing shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct DuplicateOptions {
    /// Also names starting with `_` (module-private helpers rarely matter).
    pub include_private: bool,
    /// Only names whose definitions are reached by at least this many import sites.
    pub min_importers: usize,
}

/// A name defined in at least this many modules, nearly none of them imported, is a
/// convention (a plugin hook such as `async_setup_entry`, a Django `Migration`), not
/// duplication to remove.
pub const CONVENTION_MIN_DEFINITIONS: usize = 5;

/// Duplicated names, most imported first, and the conventions set apart.
#[derive(Debug, Default)]
pub struct DuplicateListing {
    pub duplicates: Vec<Duplicate>,
    pub conventions: Vec<Duplicate>,
}

impl Duplicate {
    /// Import sites that reach any of its definitions.
    pub fn importers(&self) -> usize {
        self.definitions.iter().map(|d| d.sites).sum()
    }

    /// Defined in many modules, and at most one in five of those definitions imported
    /// anywhere: the modules are found by a loader, not by imports.
    pub fn is_convention(&self) -> bool {
        let imported = self.definitions.iter().filter(|d| d.sites > 0).count();
        self.definitions.len() >= CONVENTION_MIN_DEFINITIONS
            && imported * 5 <= self.definitions.len()
    }
}

/// Names bound to a definition of their own in more than one module, with how many
/// sites reach each definition; ranked by import sites (then name), conventions apart.
pub fn duplicates(
    resolver: &mut Resolver,
    kind: DefinitionKind,
    wanted: &dyn Fn(&str) -> bool,
    filter: &EdgeFilter,
    options: DuplicateOptions,
) -> DuplicateListing {
    let project = resolver.project();
    let wanted = |name: &str| (options.include_private || !name.starts_with('_')) && wanted(name);
    let by_name = duplicate_definitions(resolver, kind, &wanted, filter, None);
    if by_name.is_empty() {
        return DuplicateListing::default();
    }
    let mut reaching: FxHashMap<(ModuleId, u32), usize> = FxHashMap::default();
    for (site, resolution) in resolve_all(resolver).into_iter().enumerate() {
        if let Resolution::Definition { module, binding } = resolution
            && filter.keeps_site(project, site)
        {
            *reaching.entry((module, binding)).or_default() += 1;
        }
    }
    let mut listing = DuplicateListing::default();
    for (name, found) in by_name {
        let mut definitions: Vec<Definition> = found
            .into_iter()
            .map(|(module, binding)| Definition {
                module,
                binding,
                sites: reaching.get(&(module, binding)).copied().unwrap_or(0),
            })
            .collect();
        definitions.sort_by(|a, b| {
            let path = |d: &Definition| &project.modules[d.module as usize].path;
            path(a).cmp(path(b))
        });
        let duplicate = Duplicate {
            name: name.to_string(),
            definitions,
        };
        if duplicate.importers() < options.min_importers {
            continue;
        }
        if duplicate.is_convention() {
            listing.conventions.push(duplicate);
        } else {
            listing.duplicates.push(duplicate);
        }
    }
    let rank = |a: &Duplicate, b: &Duplicate| {
        (b.importers(), b.definitions.len())
            .cmp(&(a.importers(), a.definitions.len()))
            .then_with(|| a.name.cmp(&b.name))
    };
    listing.duplicates.sort_by(rank);
    listing.conventions.sort_by(|a, b| {
        b.definitions
            .len()
            .cmp(&a.definitions.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    listing
}
