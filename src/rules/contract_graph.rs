//! The module graph an architecture contract reads: every import of the repository
//! (function-level ones included, as grimp builds it), those under `if TYPE_CHECKING:`
//! when the contract counts them, less the imports its `ignore` entries name.

use std::collections::VecDeque;

use anyhow::{Result, bail};
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap, FxHashSet};

use super::GraphOptions;
use crate::graph::EdgeFilter;
use crate::index::{ModuleId, Project};

pub struct ContractGraph<'p> {
    project: &'p Project,
    /// What each module imports, in name order.
    imports: Vec<Vec<ModuleId>>,
    /// What imports each module, in name order.
    importers: Vec<Vec<ModuleId>>,
    /// The site that shows each kept import.
    sites: FxHashMap<(ModuleId, ModuleId), usize>,
    /// The `ignore` entries that matched no import.
    pub unmatched: Vec<String>,
}

impl<'p> ContractGraph<'p> {
    pub fn new(project: &'p Project, options: &GraphOptions) -> Result<ContractGraph<'p>> {
        let ignored: Vec<IgnoredImport> = options
            .ignore
            .iter()
            .map(|text| IgnoredImport::parse(text))
            .collect::<Result<_>>()?;
        let mut matched = vec![false; ignored.len()];
        let filter = EdgeFilter {
            tests: true,
            type_checking: options.include_type_checking,
            parents: false,
        };
        let graph = project.graph();
        let mut imports: Vec<Vec<ModuleId>> = vec![Vec::new(); project.modules.len()];
        let mut sites = FxHashMap::default();
        // A third-party module is its package as a whole (`flake8.api` is `flake8`).
        let name = |m: ModuleId| {
            let module = &project.modules[m as usize];
            match module.external {
                true => module.name.split('.').next().unwrap_or_default(),
                false => module.name.as_str(),
            }
        };
        for edge in graph.edge_references() {
            let (from, to) = (
                edge.source().index() as ModuleId,
                edge.target().index() as ModuleId,
            );
            if from == to {
                continue;
            }
            let Some(&site) = graph
                .sites(edge.id())
                .iter()
                .find(|&&s| filter.keeps_site(project, s as usize))
            else {
                continue;
            };
            let mut skip = false;
            for (index, pattern) in ignored.iter().enumerate() {
                if pattern.matches(name(from), name(to)) {
                    matched[index] = true;
                    skip = true;
                }
            }
            if !skip {
                imports[from as usize].push(to);
                sites.insert((from, to), site as usize);
            }
        }
        let mut importers: Vec<Vec<ModuleId>> = vec![Vec::new(); project.modules.len()];
        for (from, list) in imports.iter_mut().enumerate() {
            list.sort_by_key(|&m| project.name_rank(m));
            for &to in list.iter() {
                importers[to as usize].push(from as ModuleId);
            }
        }
        for list in &mut importers {
            list.sort_by_key(|&m| project.name_rank(m));
        }
        let unmatched = ignored
            .iter()
            .zip(&matched)
            .filter(|(_, matched)| !**matched)
            .map(|(pattern, _)| pattern.text.clone())
            .collect();
        Ok(ContractGraph {
            project,
            imports,
            importers,
            sites,
            unmatched,
        })
    }

    /// The modules named `name` or below it, of the repository.
    pub fn below(&self, name: &str) -> FxHashSet<ModuleId> {
        let prefix = format!("{name}.");
        (0..self.project.modules.len() as ModuleId)
            .filter(|&m| {
                let module = &self.project.modules[m as usize];
                !module.external && (module.name == name || module.name.starts_with(&prefix))
            })
            .collect()
    }

    /// The direct imports from a module of `from` to one of `to`, in name order.
    pub fn direct(
        &self,
        from: &FxHashSet<ModuleId>,
        to: &FxHashSet<ModuleId>,
    ) -> Vec<(ModuleId, ModuleId)> {
        let mut found: Vec<(ModuleId, ModuleId)> = from
            .iter()
            .flat_map(|&a| {
                self.imports[a as usize]
                    .iter()
                    .filter(|b| to.contains(b))
                    .map(move |&b| (a, b))
            })
            .collect();
        found.sort_by_key(|&(a, b)| (self.project.name_rank(a), self.project.name_rank(b)));
        found
    }

    /// One shortest chain from a module of `from` to one of `to` through modules outside
    /// `avoid`, each step an import; the same chain every run (name order breaks ties).
    pub fn chain(
        &self,
        from: &FxHashSet<ModuleId>,
        to: &FxHashSet<ModuleId>,
        avoid: &FxHashSet<ModuleId>,
    ) -> Option<Vec<ModuleId>> {
        self.chains(from, to, avoid, true).pop()
    }

    /// A shortest chain from a module of `from` to each module of `to` it reaches
    /// through modules outside `avoid` (only the first found with `first`), in the
    /// order they are reached.
    pub fn chains(
        &self,
        from: &FxHashSet<ModuleId>,
        to: &FxHashSet<ModuleId>,
        avoid: &FxHashSet<ModuleId>,
        first: bool,
    ) -> Vec<Vec<ModuleId>> {
        let mut starts: Vec<ModuleId> = from.iter().copied().collect();
        starts.sort_by_key(|&m| self.project.name_rank(m));
        let mut parent: FxHashMap<ModuleId, Option<ModuleId>> = FxHashMap::default();
        let mut queue = VecDeque::new();
        for start in starts {
            parent.insert(start, None);
            queue.push_back(start);
        }
        let mut found = Vec::new();
        while let Some(module) = queue.pop_front() {
            for &next in &self.imports[module as usize] {
                if parent.contains_key(&next) || (avoid.contains(&next) && !to.contains(&next)) {
                    continue;
                }
                parent.insert(next, Some(module));
                if to.contains(&next) {
                    let mut chain = vec![next];
                    let mut at = next;
                    while let Some(Some(up)) = parent.get(&at) {
                        chain.push(*up);
                        at = *up;
                    }
                    chain.reverse();
                    found.push(chain);
                    if first {
                        return found;
                    }
                    continue;
                }
                queue.push_back(next);
            }
        }
        found
    }

    /// For each module `wanted` accepts that depends on one of `to`, one shortest chain
    /// to it (importer first), in name order of the importer.
    pub fn chains_into(
        &self,
        to: &FxHashSet<ModuleId>,
        wanted: impl Fn(ModuleId) -> bool,
    ) -> Vec<Vec<ModuleId>> {
        let mut starts: Vec<ModuleId> = to.iter().copied().collect();
        starts.sort_by_key(|&m| self.project.name_rank(m));
        let mut next_hop: FxHashMap<ModuleId, Option<ModuleId>> = FxHashMap::default();
        let mut queue = VecDeque::new();
        for start in starts {
            next_hop.insert(start, None);
            queue.push_back(start);
        }
        while let Some(module) = queue.pop_front() {
            for &importer in &self.importers[module as usize] {
                if let std::collections::hash_map::Entry::Vacant(entry) = next_hop.entry(importer) {
                    entry.insert(Some(module));
                    queue.push_back(importer);
                }
            }
        }
        let mut reached: Vec<ModuleId> = next_hop
            .iter()
            .filter(|&(&m, hop)| hop.is_some() && wanted(m))
            .map(|(&m, _)| m)
            .collect();
        reached.sort_by_key(|&m| self.project.name_rank(m));
        reached
            .into_iter()
            .map(|start| {
                let mut chain = vec![start];
                let mut at = start;
                while let Some(Some(next)) = next_hop.get(&at) {
                    chain.push(*next);
                    at = *next;
                }
                chain
            })
            .collect()
    }

    /// The site that shows `from` importing `to`.
    pub fn site(&self, from: ModuleId, to: ModuleId) -> Option<usize> {
        self.sites.get(&(from, to)).copied()
    }
}

/// An `ignore` entry: `importer -> imported`, each a dotted name where `*` stands for one
/// part and `**` for one or more.
struct IgnoredImport {
    text: String,
    importer: Vec<String>,
    imported: Vec<String>,
}

impl IgnoredImport {
    fn parse(text: &str) -> Result<IgnoredImport> {
        let Some((importer, imported)) = text.split_once("->") else {
            bail!("ignore {text:?}: write `importer -> imported`");
        };
        let parts =
            |side: &str| -> Vec<String> { side.trim().split('.').map(str::to_string).collect() };
        let (importer, imported) = (parts(importer), parts(imported));
        if importer.iter().chain(&imported).any(String::is_empty) {
            bail!("ignore {text:?}: write `importer -> imported` with dotted module names");
        }
        Ok(IgnoredImport {
            text: text.to_string(),
            importer,
            imported,
        })
    }

    fn matches(&self, importer: &str, imported: &str) -> bool {
        let split = |name: &str| name.split('.').map(str::to_string).collect::<Vec<_>>();
        parts_match(&self.importer, &split(importer))
            && parts_match(&self.imported, &split(imported))
    }
}

fn parts_match(pattern: &[String], name: &[String]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((first, rest)) if first == "**" => {
            (1..=name.len()).any(|taken| parts_match(rest, &name[taken..]))
        }
        Some((first, rest)) => match name.split_first() {
            Some((part, name_rest)) => {
                (first == "*" || first == part) && parts_match(rest, name_rest)
            }
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_imports_match_one_part_with_star_and_one_or_more_with_two() {
        let ignored = IgnoredImport::parse("app.*.views -> app.**").unwrap();
        assert!(ignored.matches("app.blog.views", "app.models"));
        assert!(ignored.matches("app.blog.views", "app.models.user"));
        assert!(!ignored.matches("app.views", "app.models"));
        assert!(!ignored.matches("app.blog.views", "app"));
        assert!(IgnoredImport::parse("app.views").is_err());
    }
}
