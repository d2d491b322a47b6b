//! "What does name N in module M really denote?": follows bindings across modules to the
//! true definition, recording the chain of hops, memoizing every answer and stopping cycles.

use std::collections::HashSet;
use std::rc::Rc;

use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

use crate::index::{EverySite, ModuleId, ModuleRef, Project};
use crate::outcome::SiteOutcome;
use crate::rows::Rows;
use crate::summary::{
    AllChange, AllPart, Binding, BindingKind, BranchRule, Condition, EnvValue, ImportFlag, Name,
    StarImport, Value,
};

const ABOVE_TOP: &str = "relative import climbs above the top-level package";

/// Hops deeper than this end as unresolved instead of exhausting the stack.
const MAX_DEPTH: usize = 4000;

/// Attributes the import system sets on every module.
const MODULE_ATTRIBUTES: &[&str] = &[
    "__builtins__",
    "__cached__",
    "__dict__",
    "__doc__",
    "__file__",
    "__loader__",
    "__name__",
    "__package__",
    "__path__",
    "__spec__",
];

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// A class, function or value bound by binding `binding` of `module`.
    Definition {
        module: ModuleId,
        binding: u32,
    },
    Module(ModuleId),
    /// A member of a class (`FileSummary::members` of `module`), reached as
    /// `Class.member`.
    Member {
        module: ModuleId,
        member: u32,
    },
    /// A name of an extension module of the repository: defined in compiled code.
    Compiled {
        module: ModuleId,
        name: String,
    },
    External {
        module: String,
        name: Option<String>,
    },
    Unresolved(String),
    Cycle,
}

impl Resolution {
    pub fn outcome(&self) -> crate::outcome::Outcome {
        use crate::outcome::Outcome;
        match self {
            Resolution::Definition { .. } | Resolution::Member { .. } => Outcome::Definition,
            Resolution::Module(_) => Outcome::Module,
            Resolution::Compiled { .. } => Outcome::Compiled,
            Resolution::External { .. } => Outcome::External,
            Resolution::Unresolved(_) => Outcome::Unresolved,
            Resolution::Cycle => Outcome::Cycle,
        }
    }
}

/// How a hop reaches the next module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    FromImport,
    Import,
    Star,
    Assign,
    Submodule,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::FromImport => "from-import",
            Via::Import => "import",
            Via::Star => "star",
            Via::Assign => "assign",
            Via::Submodule => "submodule",
        }
    }
}

fn hop(module: ModuleId, name: &str, via: Via, source: HopSource) -> Option<Hop> {
    Some(Hop {
        module,
        name: name.to_string(),
        via,
        source,
    })
}

fn project_file(project: &Project, module: ModuleId) -> &str {
    project.modules[module as usize]
        .path
        .as_deref()
        .unwrap_or("?")
}

/// One step of a chain: the binding of `name` in `module` that points elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub module: ModuleId,
    pub name: String,
    pub via: Via,
    /// The binding or star import that makes the hop; `None` for an implicit submodule.
    pub source: HopSource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopSource {
    Binding(u32),
    Star(u32),
    /// A from-import inside the module's `__getattr__` (index into `getattr_imports`).
    Lazy(u32),
    /// A binding of the module's companion stub, bound lazily (`lazy_loader.attach_stub`)
    /// or by compiled code (index into the stub's bindings).
    Stub(u32),
    /// `pkg.name` resolved to the submodule `pkg.name` (no binding in `pkg`).
    Submodule(ModuleId),
    /// The module put itself out of the way: `sys.modules[__name__] = other`.
    Swap,
    /// `globals().update(...)` over an object's attributes (index into `globals_exports`).
    GlobalsExport(u32),
}

type Key = (ModuleId, Box<str>);

/// A `Key` borrowed: hashes and compares as the key it stands for.
#[derive(Hash)]
struct KeyRef<'a>(ModuleId, &'a str);

impl hashbrown::Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        self.0 == key.0 && self.1 == &*key.1
    }
}

struct Entry {
    resolution: Resolution,
    hop: Option<Hop>,
    next: Option<Key>,
}

enum StarTarget {
    Internal(ModuleId),
    External(String),
    /// A relative import above the top, or an internal module that does not exist.
    Missing,
}

/// Where a candidate binding of a name comes from, in source order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Candidate {
    Binding(u32),
    Star(u32),
}

pub struct Resolver<'p> {
    project: &'p Project,
    memo: hashbrown::HashMap<Key, Entry, FxBuildHasher>,
    in_progress: hashbrown::HashSet<Key, FxBuildHasher>,
    exports: FxHashMap<ModuleId, Rc<HashSet<String>>>,
    all_names: FxHashMap<ModuleId, Option<Rc<Vec<String>>>>,
    exports_in_progress: FxHashSet<ModuleId>,
    /// The branch each run-time `Decision` of a module takes.
    decisions: FxHashMap<(ModuleId, u32), u32>,
    /// Names whose winning candidate closed a circle: the earlier one Python keeps.
    kept_before_circle: FxHashMap<Key, Candidate>,
    depth: usize,
}

/// How many of `items` one part of a parallel walk takes: a few parts per thread, each
/// with a resolver of its own (its memo is not shared), so that each memo serves many
/// items and every core stays busy.
pub fn part_size(items: usize) -> usize {
    items.div_ceil(4 * rayon::current_num_threads()).max(1)
}

/// Every site of `project` resolved, computed on first call and kept on the project.
/// Sites resolve in parallel parts (`part_size`): what a site resolves to does not
/// depend on what was resolved before it.
pub fn every_site(project: &Project) -> &EverySite {
    project.every_site.get_or_init(|| {
        let sites = project.sites.len();
        let size = part_size(sites);
        let batches: Vec<EverySite> = (0..sites.div_ceil(size))
            .into_par_iter()
            .map(|part| {
                let mut resolver = Resolver::new(project);
                let sites = part * size..((part + 1) * size).min(sites);
                let mut resolved = EverySite {
                    outcomes: Vec::with_capacity(sites.len()),
                    through: Rows::default(),
                };
                for site in sites {
                    let (outcome, modules) = site_outcome(&mut resolver, site);
                    resolved.outcomes.push(outcome);
                    resolved.through.push_row(modules.into_iter());
                }
                resolved
            })
            .collect();
        let mut every = EverySite {
            outcomes: Vec::with_capacity(sites),
            through: Rows::default(),
        };
        for resolved in batches {
            every
                .through
                .extend_rows(&resolved.through, 0..resolved.outcomes.len());
            every.outcomes.extend(resolved.outcomes);
        }
        every
    })
}

/// What `site` resolves to, and the modules its resolution goes through (sorted).
fn site_outcome(resolver: &mut Resolver, site: usize) -> (SiteOutcome, Vec<ModuleId>) {
    let project = resolver.project;
    let (resolution, hops) = resolver.resolve_site(site);
    let outcome = SiteOutcome {
        outcome: resolution.outcome(),
        hops: hops.len() as u32,
    };
    let mut modules: Vec<ModuleId> = hops.iter().map(|h| h.module).collect();
    modules.extend(
        project.sites[site]
            .target
            .as_deref()
            .and_then(|t| project.internal(t)),
    );
    if let Resolution::Definition { module, .. } | Resolution::Module(module) = resolution {
        modules.push(module);
    }
    modules.sort_unstable();
    modules.dedup();
    (outcome, modules)
}

impl<'p> Resolver<'p> {
    pub fn new(project: &'p Project) -> Self {
        Resolver {
            project,
            memo: hashbrown::HashMap::default(),
            in_progress: hashbrown::HashSet::default(),
            exports: FxHashMap::default(),
            all_names: FxHashMap::default(),
            exports_in_progress: FxHashSet::default(),
            decisions: FxHashMap::default(),
            kept_before_circle: FxHashMap::default(),
            depth: 0,
        }
    }

    pub fn project(&self) -> &'p Project {
        self.project
    }

    /// Resolves import site `site` of the project.
    pub fn resolve_site(&mut self, site: usize) -> (Resolution, Vec<Hop>) {
        let project = self.project;
        let record = &project.sites[site];
        let import = project.import_site(site);
        let Some(target) = &record.target else {
            return (Resolution::Unresolved(ABOVE_TOP.into()), Vec::new());
        };
        match import.name.as_deref() {
            None | Some("*") => (self.module_resolution(target), Vec::new()),
            Some(name) => {
                let (resolution, next) =
                    self.resolve_from_import(project.importer_of(record), target, name);
                (
                    resolution,
                    next.map(|k| self.chain_from(k)).unwrap_or_default(),
                )
            }
        }
    }

    /// Resolves a dotted path: a module, or a module followed by attribute names.
    pub fn resolve_path(&mut self, path: &str) -> (Resolution, Vec<Hop>) {
        // `<six>.moves.<module>` and `<six>.moves…<name>` name no file of the repository.
        if let Some(resolution) = self.six_path(path) {
            return (resolution, Vec::new());
        }
        let parts: Vec<&str> = path.split('.').collect();
        match self.module_prefix(&parts) {
            Some((split, id)) => self.resolve_attributes(id, &parts[split..]),
            None => (self.module_resolution(path), Vec::new()),
        }
    }

    /// A dotted path read the way `mock.patch` and `import_module` read it, step by
    /// step: its longest module prefix, then one attribute at a time — through modules,
    /// and into a class's own members — while each names something. The last step is
    /// `Unresolved` when a module lacks the next attribute; the steps end early, with
    /// no verdict, at an attribute of anything else (inherited, set at run time).
    pub fn resolve_steps(&mut self, path: &str) -> Vec<(Resolution, Vec<Hop>)> {
        if let Some(resolution) = self.six_path(path) {
            return vec![(resolution, Vec::new())];
        }
        let parts: Vec<&str> = path.split('.').collect();
        let Some((split, id)) = self.module_prefix(&parts) else {
            return vec![(self.module_resolution(path), Vec::new())];
        };
        let mut steps = vec![(Resolution::Module(id), Vec::new())];
        for attribute in &parts[split..] {
            let step = match steps.last().map(|(r, _)| r) {
                // Set on every module by the import system.
                Some(Resolution::Module(_)) if MODULE_ATTRIBUTES.contains(attribute) => break,
                Some(Resolution::Module(current)) => {
                    let current = *current;
                    let resolution = self.lookup(current, attribute);
                    (resolution, self.chain_from((current, (*attribute).into())))
                }
                Some(&Resolution::Definition { module, binding }) => {
                    let Some(member) = self.project.module_summary(module).and_then(|s| {
                        s.members
                            .iter()
                            .position(|m| m.class == binding && m.name == *attribute)
                    }) else {
                        break;
                    };
                    let member = member as u32;
                    (Resolution::Member { module, member }, Vec::new())
                }
                _ => break,
            };
            steps.push(step);
        }
        steps
    }

    /// `resolve_steps` of a string target of `file`.
    pub fn resolve_string(
        &mut self,
        file: usize,
        string: &crate::summary::StringTarget,
    ) -> Vec<(Resolution, Vec<Hop>)> {
        match self.project.string_path(file, string) {
            Some(path) => self.resolve_steps(&path),
            None => vec![(Resolution::Unresolved(ABOVE_TOP.into()), Vec::new())],
        }
    }

    /// What a string target of `file` names as a whole: its last step, when every
    /// part of its path resolved (`None` when the steps ended early).
    pub fn resolve_string_whole(
        &mut self,
        file: usize,
        string: &crate::summary::StringTarget,
    ) -> Option<(Resolution, Vec<Hop>)> {
        let path = self.project.string_path(file, string)?;
        let parts: Vec<&str> = path.split('.').collect();
        let expected = match self.module_prefix(&parts) {
            Some((split, _)) => 1 + parts.len() - split,
            None => 1,
        };
        let mut steps = self.resolve_steps(&path);
        (steps.len() == expected).then(|| steps.pop()).flatten()
    }

    fn six_path(&mut self, path: &str) -> Option<Resolution> {
        self.six_moved(path, None).or_else(|| {
            let (module, name) = path.rsplit_once('.')?;
            self.six_moved(module, Some(name))
        })
    }

    /// The longest prefix of `parts` that is a module of the repository (or one put in
    /// `sys.modules`): how many parts, and the module.
    fn module_prefix(&mut self, parts: &[&str]) -> Option<(usize, ModuleId)> {
        (1..=parts.len()).rev().find_map(|split| {
            let module = parts[..split].join(".");
            let id = self
                .project
                .internal(&module)
                .or_else(|| self.registered(&module))?;
            Some((split, id))
        })
    }

    /// Resolves `module.a.b...`: each attribute on the module the previous one named
    /// (bindings first, then submodules), with the hops of every step.
    pub fn resolve_attributes(
        &mut self,
        module: ModuleId,
        attributes: &[&str],
    ) -> (Resolution, Vec<Hop>) {
        let mut resolution = Resolution::Module(module);
        let mut chain = Vec::new();
        for attribute in attributes {
            let current = match resolution {
                Resolution::Module(current) => current,
                Resolution::Unresolved(_) | Resolution::Cycle => return (resolution, chain),
                _ => {
                    let reason = format!("`{attribute}` is an attribute of a non-module");
                    return (Resolution::Unresolved(reason), chain);
                }
            };
            resolution = self.lookup(current, attribute);
            chain.extend(self.chain_from((current, (*attribute).into())));
        }
        (resolution, chain)
    }

    /// `from target import name` as executed in `importer`.
    fn resolve_from_import(
        &mut self,
        importer: ModuleId,
        target: &str,
        name: &str,
    ) -> (Resolution, Option<Key>) {
        let submodule = format!("{target}.{name}");
        match self.project.module_ref(target) {
            // `from . import sub` inside `pkg/__init__.py` loads the submodule.
            ModuleRef::Internal(id)
                if id == importer && self.project.internal(&submodule).is_some() =>
            {
                (self.module_resolution(&submodule), None)
            }
            ModuleRef::Internal(id) => (self.lookup(id, name), Some((id, name.into()))),
            ModuleRef::Missing => match self.registered(target) {
                Some(id) => (self.lookup(id, name), Some((id, name.into()))),
                None => (
                    self.six_moved(target, Some(name)).unwrap_or_else(|| {
                        Resolution::Unresolved(format!("no module named `{target}`"))
                    }),
                    None,
                ),
            },
            ModuleRef::External => (
                Resolution::External {
                    module: target.to_string(),
                    name: Some(name.to_string()),
                },
                None,
            ),
        }
    }

    /// A from-import binding of `module` (`from <level dots><from> import imported`).
    fn follow_from_import(
        &mut self,
        module: ModuleId,
        from: Option<&str>,
        level: u32,
        imported: &str,
    ) -> (Resolution, Option<Key>) {
        match self.project.absolute_module(module, from, level) {
            Some(target) => self.resolve_from_import(module, &target, imported),
            None => (Resolution::Unresolved(ABOVE_TOP.into()), None),
        }
    }

    fn module_resolution(&mut self, module: &str) -> Resolution {
        match self.project.module_ref(module) {
            ModuleRef::Internal(id) => Resolution::Module(id),
            ModuleRef::Missing if let Some(id) = self.registered(module) => Resolution::Module(id),
            ModuleRef::Missing => self
                .six_moved(module, None)
                .unwrap_or_else(|| Resolution::Unresolved(format!("no module named `{module}`"))),
            ModuleRef::External => Resolution::External {
                module: module.to_string(),
                name: None,
            },
        }
    }

    /// The module a package puts in `sys.modules` under `name` (`sys.modules["os.path"]
    /// = path` in `os`), for a name no file holds: looked for in its packages.
    fn registered(&mut self, name: &str) -> Option<ModuleId> {
        let project = self.project;
        let mut package = name;
        while let Some((parent, _)) = package.rsplit_once('.') {
            package = parent;
            let Some(id) = project.internal(package) else {
                continue;
            };
            let Some((_, entry)) = project
                .module_summary(id)
                .and_then(|s| s.registers.iter().find(|(key, _)| key == name))
            else {
                continue;
            };
            let path: Vec<&str> = entry.path.iter().map(String::as_str).collect();
            return match self.resolve_attributes(id, &path).0 {
                Resolution::Module(target) => Some(target),
                _ => None,
            };
        }
        None
    }

    /// A module under a vendored `six`'s `moves` (and `name` in it): what Python 3 binds,
    /// from the six module's tables; `None` when `module` is not under one.
    fn six_moved(&self, module: &str, name: Option<&str>) -> Option<Resolution> {
        let project = self.project;
        let at = module.find(".moves")?;
        let (six, rest) = (&module[..at], &module[at + ".moves".len()..]);
        if !(rest.is_empty() || rest.starts_with('.')) {
            return None;
        }
        let moves = &project.module_summary(project.internal(six)?)?.six_moves;
        if moves.is_empty() {
            return None;
        }
        let rest = rest.trim_start_matches('.');
        let table = match rest {
            "urllib_parse" | "urllib_error" | "urllib_request" | "urllib_response"
            | "urllib_robotparser" => rest.replacen('_', ".", 1),
            _ => rest.to_string(),
        };
        let external = |module: String, name: Option<String>| Resolution::External { module, name };
        let in_table = moves.iter().any(|m| m.table == table);
        if table.is_empty() || in_table || table == "urllib" {
            let Some(name) = name else {
                return Some(external(module.to_string(), None));
            };
            if table == "urllib" || (table.is_empty() && name == "urllib") {
                return Some(external(
                    "urllib".to_string(),
                    (table == "urllib").then(|| name.to_string()),
                ));
            }
            return Some(
                match moves.iter().find(|m| m.table == table && m.name == name) {
                    Some(moved) => match &moved.attr {
                        Some(attr) => external(moved.module.clone(), Some(attr.clone())),
                        None => external(moved.module.clone(), None),
                    },
                    None => {
                        Resolution::Unresolved(format!("`{six}` moves no `{name}` to `{module}`"))
                    }
                },
            );
        }
        // `moves.<moved module>[.sub]`: that module under its Python 3 name.
        let (first, deeper) = rest.split_once('.').map_or((rest, ""), |(f, d)| (f, d));
        let moved = moves
            .iter()
            .find(|m| m.table.is_empty() && m.name == first && m.attr.is_none())?;
        let target = if deeper.is_empty() {
            moved.module.clone()
        } else {
            format!("{}.{deeper}", moved.module)
        };
        Some(external(target, name.map(str::to_string)))
    }

    fn chain_from(&self, mut key: Key) -> Vec<Hop> {
        let mut chain = Vec::new();
        let mut seen = FxHashSet::default();
        while let Some(entry) = self.memo.get(&key) {
            if !seen.insert(key.clone()) {
                break;
            }
            if let Some(hop) = &entry.hop {
                chain.push(hop.clone());
            }
            match &entry.next {
                Some(next) => key = next.clone(),
                None => break,
            }
        }
        chain
    }

    /// What `name` denotes in internal module `module` (memoized).
    pub fn resolve_name(&mut self, module: ModuleId, name: &str) -> Resolution {
        self.lookup(module, name)
    }

    /// The resolution of `name` in internal module `module`, memoized.
    fn lookup(&mut self, module: ModuleId, name: &str) -> Resolution {
        // Most lookups are answered from the memo: no key is allocated for them.
        if let Some(entry) = self.memo.get(&KeyRef(module, name)) {
            return entry.resolution.clone();
        }
        if self.in_progress.contains(&KeyRef(module, name)) {
            return Resolution::Cycle;
        }
        let key: Key = (module, name.into());
        if self.depth >= MAX_DEPTH {
            return Resolution::Unresolved(format!("chain longer than {MAX_DEPTH} hops"));
        }
        self.in_progress.insert(key.clone());
        self.depth += 1;
        let entry = self.compute(module, name);
        self.depth -= 1;
        self.in_progress.remove(&key);
        let resolution = entry.resolution.clone();
        self.memo.insert(key, entry);
        resolution
    }

    fn bindings(&self, module: ModuleId) -> &'p [Binding] {
        match self.project.modules[module as usize].file {
            Some(file) => &self.project.summary(file).bindings,
            None => &[],
        }
    }

    fn stars(&self, module: ModuleId) -> &'p [StarImport] {
        match self.project.modules[module as usize].file {
            Some(file) => &self.project.summary(file).stars,
            None => &[],
        }
    }

    /// Whether `module.name` is bound when the module runs: each hop of its chain and the
    /// definition it ends at are on the path Python takes, not only under
    /// `TYPE_CHECKING`, in an `except` handler or in a branch statically false.
    pub fn bound_at_run_time(&mut self, module: ModuleId, name: &str) -> bool {
        let (resolution, hops) = self.resolve_attributes(module, &[name]);
        let hops_taken = hops.iter().all(|hop| match hop.source {
            HopSource::Binding(i) => self.taken(hop.module, Candidate::Binding(i)),
            HopSource::Star(i) => self.taken(hop.module, Candidate::Star(i)),
            HopSource::Lazy(_)
            | HopSource::Stub(_)
            | HopSource::Submodule(_)
            | HopSource::Swap
            | HopSource::GlobalsExport(_) => true,
        });
        let end_taken = match resolution {
            Resolution::Definition { module, binding } => {
                self.taken(module, Candidate::Binding(binding))
            }
            Resolution::Member { module, member } => {
                let class = self
                    .project
                    .module_summary(module)
                    .map_or(0, |s| s.members[member as usize].class);
                self.taken(module, Candidate::Binding(class))
            }
            Resolution::Module(_) | Resolution::Compiled { .. } | Resolution::External { .. } => {
                true
            }
            Resolution::Unresolved(_) | Resolution::Cycle => false,
        };
        hops_taken && end_taken
    }

    /// Every binding and star import that could bind `name` in `module`, in source order.
    pub fn candidates(&mut self, module: ModuleId, name: &str) -> Vec<Candidate> {
        let project = self.project;
        let mut ordered: Vec<(usize, u8, Candidate)> = Vec::new();
        if let Some(indices) = project.names(module).get(name) {
            ordered.extend(
                indices
                    .iter()
                    .map(|&i| (i as usize, 1, Candidate::Binding(i))),
            );
        }
        for (index, star) in self.stars(module).iter().enumerate() {
            // What an external module exports is unknown: it may bind any name (the
            // `try: from _speedups import *` pattern that replaces pure-Python definitions).
            let binds = match self.star_target(module, star) {
                StarTarget::Internal(target) => self.exports(target).contains(name),
                // ... though not a submodule of the package (`from _curses import *` in
                // `curses` does not bind `curses.textpad`).
                StarTarget::External(_) => {
                    !name.starts_with('_')
                        && project
                            .internal(&format!("{}.{name}", project.modules[module as usize].name))
                            .is_none()
                }
                StarTarget::Missing => false,
            };
            if binds {
                ordered.push((star.order, 0, Candidate::Star(index as u32)));
            }
        }
        ordered.sort_by_key(|(order, rank, _)| (*order, *rank));
        ordered.into_iter().map(|(_, _, c)| c).collect()
    }

    /// The binding Python ends up with: the last one on the default path, else (only
    /// under `TYPE_CHECKING` or in a handler) the last one at all.
    pub fn winner(&mut self, module: ModuleId, name: &str) -> Option<Candidate> {
        let candidates = self.candidates(module, name);
        // An import of a repository module that does not exist raises ImportError at
        // run time, so its `except ImportError:` alternative is what Python binds.
        for &candidate in candidates.iter().rev() {
            let missing = match candidate {
                Candidate::Binding(i) => {
                    self.imports_missing_module(module, &self.bindings(module)[i as usize].kind)
                }
                Candidate::Star(_) => false,
            };
            if !missing && self.taken(module, candidate) {
                return Some(candidate);
            }
        }
        candidates.last().copied()
    }

    /// The candidate `name` in `module` resolves through: the winner, or the binding
    /// before it when the winner comes back round to the module.
    pub fn chosen(&mut self, module: ModuleId, name: &str) -> Option<Candidate> {
        self.lookup(module, name);
        let key: Key = (module, name.into());
        match self.kept_before_circle.get(&key) {
            Some(&kept) => Some(kept),
            None => self.winner(module, name),
        }
    }

    /// Whether a binding or star import runs when the module is imported: on the
    /// default path, and in the branch each run-time decision takes.
    pub fn taken(&mut self, module: ModuleId, candidate: Candidate) -> bool {
        let (taken, branch) = match candidate {
            Candidate::Binding(i) => {
                let binding = &self.bindings(module)[i as usize];
                (binding.taken, binding.branch())
            }
            Candidate::Star(i) => {
                let star = &self.stars(module)[i as usize];
                (star.taken, star.branch)
            }
        };
        match branch {
            None => taken,
            Some(place) => {
                taken
                    && place.outer_taken
                    && self.branch_taken(module, place.decision) == place.branch
            }
        }
    }

    /// The branch a run-time decision of `module` takes: the first whose rule holds; when
    /// none does, the first whose test only the run time knows, else none (`u32::MAX`).
    pub fn branch_taken(&mut self, module: ModuleId, decision: u32) -> u32 {
        if let Some(&branch) = self.decisions.get(&(module, decision)) {
            return branch;
        }
        let project = self.project;
        let Some(summary) = project.module_summary(module) else {
            return 0;
        };
        let Some(decision_record) = summary.decisions.get(decision as usize) else {
            return 0;
        };
        // In progress: a flag whose value depends on this decision is not known.
        self.decisions.insert((module, decision), u32::MAX);
        let rules = &decision_record.branches;
        let mut unknown = None;
        let mut branch = None;
        for (index, rule) in rules.iter().enumerate() {
            let holds = match *rule {
                BranchRule::Always => Some(true),
                BranchRule::Flag { flag, value } => Some(self.flag_value(module, flag) == value),
                BranchRule::ImportedFlag { binding, value } => self
                    .imported_flag(module, binding)
                    .map(|flag| flag == value),
                BranchRule::EnvTest { test } => Some(
                    self.env_value(module, &summary.env_tests[test as usize])
                        .truthy(),
                ),
                BranchRule::ImportedValue {
                    binding,
                    test,
                    start,
                    end,
                } => match self.imported_value(module, binding) {
                    Some(value) => Some(summary.value_tests[test as usize].holds(&value)),
                    None => {
                        unknown.get_or_insert(index);
                        Some(self.imports_resolve(module, start, end, false))
                    }
                },
                BranchRule::OwnImportsResolve { start, end } => {
                    unknown.get_or_insert(index);
                    Some(self.imports_resolve(module, start, end, false))
                }
            };
            match holds {
                Some(true) => {
                    branch = Some(index);
                    break;
                }
                Some(false) => {}
                None => {
                    unknown.get_or_insert(index);
                }
            }
        }
        let branch = branch.or(unknown).map_or(u32::MAX, |b| b as u32);
        self.decisions.insert((module, decision), branch);
        branch
    }

    /// The value of an import flag of `module`.
    pub fn flag_value(&self, module: ModuleId, flag: ImportFlag) -> bool {
        self.imports_resolve(module, flag.start, flag.end, flag.in_function) == flag.on_success
    }

    /// Where the name binding `binding` of `module` imports is set, and its name there.
    fn imported_home(&mut self, module: ModuleId, binding: u32) -> Option<(ModuleId, Name)> {
        let name = self.bindings(module).get(binding as usize)?.name;
        match self.lookup(module, &name) {
            Resolution::Definition { module, binding } => {
                Some((module, self.bindings(module)[binding as usize].name))
            }
            _ => None,
        }
    }

    /// The value the environment gives the name binding `binding` of `module` imports,
    /// where that name is set; `None` when the environment does not decide it.
    pub fn imported_value(&mut self, module: ModuleId, binding: u32) -> Option<Value> {
        let (home, name) = self.imported_home(module, binding)?;
        let summary = self.project.module_summary(home)?;
        let (_, value) = summary.env_values.iter().find(|(n, _)| *n == name)?;
        Some(self.env_value(home, value))
    }

    /// What a value the environment decides is in this environment.
    fn env_value(&self, module: ModuleId, mut value: &EnvValue) -> Value {
        loop {
            match value {
                EnvValue::Leaf(leaf) => return leaf.clone(),
                EnvValue::Branch {
                    flag,
                    when_true,
                    when_false,
                } => {
                    let holds = match flag {
                        Condition::Imports(flag) => self.flag_value(module, *flag),
                        Condition::Importable(name) => match self.project.module_ref(name) {
                            ModuleRef::Internal(_) => true,
                            ModuleRef::Missing => false,
                            ModuleRef::External => self.project.environment.may_import(name),
                        },
                    };
                    value = if holds { when_true } else { when_false };
                }
            }
        }
    }

    /// The value of the flag binding `binding` of `module` imports from another module;
    /// `None` when it is not an import flag there.
    pub fn imported_flag(&mut self, module: ModuleId, binding: u32) -> Option<bool> {
        let (home, home_name) = self.imported_home(module, binding)?;
        let summary = self.project.module_summary(home)?;
        if let Some(&(_, value)) = summary.static_flags.iter().find(|(n, _)| *n == home_name) {
            return Some(value);
        }
        if let Some((_, flag)) = summary.import_flags.iter().find(|(n, _)| *n == home_name) {
            return Some(self.flag_value(home, *flag));
        }
        self.imported_value(module, binding)
            .map(|value| value.truthy())
    }

    /// Whether the imports `start..end` of `module`'s file (those at module level, or
    /// with `in_function` all of them) can succeed: each names a module of the
    /// repository (and, from one, a name it binds or a submodule) or one its environment
    /// can import.
    fn imports_resolve(&self, module: ModuleId, start: u32, end: u32, in_function: bool) -> bool {
        let project = self.project;
        let Some(summary) = project.module_summary(module) else {
            return true;
        };
        let sites = summary
            .imports
            .get(start as usize..end as usize)
            .unwrap_or(&[]);
        sites
            .iter()
            .filter(|site| in_function || !site.context.function)
            .all(|site| {
                let Some(target) =
                    project.absolute_module(module, site.module.as_deref(), site.level)
                else {
                    return false;
                };
                match project.module_ref(&target) {
                    ModuleRef::Internal(id) => match site.name.as_deref() {
                        None | Some("*") => true,
                        Some(name) => {
                            project.names(id).contains_key(name)
                                || project.internal(&format!("{target}.{name}")).is_some()
                        }
                    },
                    ModuleRef::Missing => false,
                    ModuleRef::External => project.environment.may_import(&target),
                }
            })
    }

    pub fn imports_missing_module(&self, module: ModuleId, kind: &BindingKind) -> bool {
        let target = match kind {
            BindingKind::FromImport {
                module: from,
                level,
                ..
            } => self
                .project
                .absolute_module(module, from.as_deref(), *level),
            BindingKind::Import { module } => Some(module.to_string()),
            _ => return false,
        };
        target.is_some_and(|t| self.project.module_ref(&t) == ModuleRef::Missing)
    }

    fn star_target(&self, module: ModuleId, star: &StarImport) -> StarTarget {
        let Some(target) = self
            .project
            .absolute_module(module, star.module.as_deref(), star.level)
        else {
            return StarTarget::Missing;
        };
        match self.project.module_ref(&target) {
            ModuleRef::Internal(id) => StarTarget::Internal(id),
            ModuleRef::Missing => StarTarget::Missing,
            ModuleRef::External => StarTarget::External(target),
        }
    }

    fn compute(&mut self, module: ModuleId, name: &str) -> Entry {
        let project = self.project;
        if let Some(entry) = self.through_swap(module, name) {
            return entry;
        }
        let Some(winner) = self.winner(module, name) else {
            if let Some(entry) = self.through_stub(module, name) {
                return entry;
            }
            if let Some(entry) = self.through_globals_export(module, name) {
                return entry;
            }
            let module_name = &project.modules[module as usize].name;
            let lazy = match project.modules[module as usize].file {
                Some(file) => &project.summary(file).getattr_imports[..],
                None => &[],
            };
            if let Some(index) = lazy.iter().position(|b| b.name == name) {
                let BindingKind::FromImport {
                    module: from,
                    level,
                    name: imported,
                } = &lazy[index].kind
                else {
                    unreachable!("getattr imports are from-imports");
                };
                let (resolution, next) =
                    self.follow_from_import(module, from.as_deref(), *level, imported);
                return Entry {
                    resolution,
                    hop: hop(module, name, Via::FromImport, HopSource::Lazy(index as u32)),
                    next,
                };
            }
            let submodule = format!("{module_name}.{name}");
            if let Some(entry) = self.through_getattr_forward(module, name) {
                return entry;
            }
            if let Some(id) = project.internal(&submodule) {
                return Entry {
                    resolution: Resolution::Module(self.swapped_for(id).unwrap_or(id)),
                    hop: hop(module, name, Via::Submodule, HopSource::Submodule(id)),
                    next: None,
                };
            }
            let reason = match project.modules[module as usize].file {
                Some(file) if project.summary(file).getattr.is_some() => {
                    format!("`{name}` is provided dynamically by `{module_name}.__getattr__`")
                }
                Some(file) if project.summary(file).globals_update.is_some() => format!(
                    "`{module_name}` binds names at run time through `globals()` (line {}); \
                     which ones, only running it tells",
                    project.summary(file).globals_update.unwrap_or_default()
                ),
                _ => format!("`{module_name}` does not bind `{name}`"),
            };
            return Entry {
                resolution: Resolution::Unresolved(reason),
                hop: None,
                next: None,
            };
        };
        let entry = self.candidate_entry(module, name, winner);
        if entry.resolution != Resolution::Cycle {
            return entry;
        }
        // A chain that comes back here (a package star-importing a module that imports
        // the name back from the package) finds what the package already bound: the
        // binding before the one that closed the circle.
        let candidates = self.candidates(module, name);
        let earlier: Vec<Candidate> = candidates
            .iter()
            .rev()
            .skip_while(|&&c| c != winner)
            .skip(1)
            .copied()
            .collect();
        for candidate in earlier {
            if !self.taken(module, candidate) {
                continue;
            }
            let fallback = self.candidate_entry(module, name, candidate);
            if fallback.resolution != Resolution::Cycle {
                // Names met on the way round were recorded as cycles: they resolve now.
                self.memo.retain(|_, e| e.resolution != Resolution::Cycle);
                self.kept_before_circle
                    .insert((module, name.into()), candidate);
                return fallback;
            }
        }
        entry
    }

    /// What `name` in `module` resolves to through one candidate binding or star import.
    fn candidate_entry(&mut self, module: ModuleId, name: &str, candidate: Candidate) -> Entry {
        let project = self.project;
        let index = match candidate {
            Candidate::Star(index) => {
                let star = &self.stars(module)[index as usize];
                let (resolution, next) = match self.star_target(module, star) {
                    StarTarget::Internal(target) => {
                        (self.lookup(target, name), Some((target, name.into())))
                    }
                    StarTarget::External(target) => (
                        Resolution::External {
                            module: target,
                            name: Some(name.to_string()),
                        },
                        None,
                    ),
                    StarTarget::Missing => unreachable!("stars of missing modules bind nothing"),
                };
                return Entry {
                    resolution,
                    hop: hop(module, name, Via::Star, HopSource::Star(index)),
                    next,
                };
            }
            Candidate::Binding(index) => index,
        };
        let definition = Entry {
            resolution: Resolution::Definition {
                module,
                binding: index,
            },
            hop: None,
            next: None,
        };
        let source = HopSource::Binding(index);
        let binding = &self.bindings(module)[index as usize];
        match &binding.kind {
            BindingKind::Variable => match binding.wraps().cloned() {
                Some(wrapped) if self.returns_its_argument(module, &wrapped.function) => {
                    match self.follow_alias(module, name, &wrapped.argument, index) {
                        Some((resolution, next)) => Entry {
                            resolution,
                            hop: hop(module, name, Via::Assign, source),
                            next,
                        },
                        None => definition,
                    }
                }
                _ => definition,
            },
            BindingKind::Class | BindingKind::Function => definition,
            BindingKind::Deleted => Entry {
                resolution: Resolution::Unresolved(format!(
                    "`{name}` is deleted by `del` at {}:{}",
                    project_file(project, module),
                    binding.position.line
                )),
                hop: None,
                next: None,
            },
            BindingKind::FromImport { .. } | BindingKind::Import { .. } => self
                .import_entry(module, name, &binding.kind, source)
                .expect("an import binding"),
            BindingKind::Alias(path) => match self.follow_alias(module, name, path, index) {
                Some((resolution, next)) => Entry {
                    resolution,
                    hop: hop(module, name, Via::Assign, source),
                    next,
                },
                None => definition,
            },
        }
    }

    /// Whether the function `path` names in `module` is one of the repository's that
    /// returns its argument unchanged.
    fn returns_its_argument(&mut self, module: ModuleId, path: &[Name]) -> bool {
        let parts: Vec<&str> = path.iter().map(|part| part.as_str()).collect();
        let (resolution, _) = self.resolve_attributes(module, &parts);
        let Resolution::Definition { module, binding } = resolution else {
            return false;
        };
        let binding = &self.bindings(module)[binding as usize];
        binding.kind == BindingKind::Function
            && self
                .project
                .module_summary(module)
                .is_some_and(|s| s.identity_functions.iter().any(|f| *f == binding.name))
    }

    /// What an import binding (`from m import x`, `import m`) of `name` in `module` binds;
    /// `None` for other kinds.
    fn import_entry(
        &mut self,
        module: ModuleId,
        name: &str,
        kind: &BindingKind,
        source: HopSource,
    ) -> Option<Entry> {
        Some(match kind {
            BindingKind::FromImport {
                module: from,
                level,
                name: imported,
            } => {
                let (resolution, next) =
                    self.follow_from_import(module, from.as_deref(), *level, imported);
                Entry {
                    resolution,
                    hop: hop(module, name, Via::FromImport, source),
                    next,
                }
            }
            BindingKind::Import { module: imported } => Entry {
                resolution: self.module_resolution(imported),
                hop: hop(module, name, Via::Import, source),
                next: None,
            },
            _ => return None,
        })
    }

    /// `name` bound by one of `module`'s `globals().update(...)` over an object's
    /// attributes: the attribute, or for an instance `dir()` lists, its class's member.
    fn through_globals_export(&mut self, module: ModuleId, name: &str) -> Option<Entry> {
        let exports = &self.project.module_summary(module)?.globals_exports;
        for (index, export) in exports.iter().enumerate().rev() {
            if export.public_only && name.starts_with('_')
                || export
                    .names
                    .as_ref()
                    .is_some_and(|n| !n.iter().any(|n| n == name))
            {
                continue;
            }
            let resolution = match self.instance_class(module, &export.object) {
                Some((home, class)) => match self.class_member(home, class, name, 0) {
                    Some((home, member)) => Resolution::Member {
                        module: home,
                        member,
                    },
                    None => continue,
                },
                None => match self.attribute_of(module, &export.object, name) {
                    Some(Resolution::Unresolved(_)) | None if export.names.is_none() => {
                        continue;
                    }
                    resolution => resolution?,
                },
            };
            let source = HopSource::GlobalsExport(index as u32);
            return Some(Entry {
                resolution,
                hop: hop(module, name, Via::Assign, source),
                next: None,
            });
        }
        None
    }

    /// `name` answered by `module`'s `__getattr__` returning `getattr(OBJECT, name)`: an
    /// attribute of a module, or a class made by the `__getattr__` of OBJECT's class
    /// with `type()`, defined where that code runs.
    fn through_getattr_forward(&mut self, module: ModuleId, name: &str) -> Option<Entry> {
        let project = self.project;
        let summary = project.module_summary(module)?;
        let object = summary.getattr_forward.as_deref()?;
        let resolution = match self.instance_class(module, object) {
            Some((home, class)) => {
                let (home, member) = self.class_member(home, class, "__getattr__", 0)?;
                let makes = project.module_summary(home)?.class_makers.contains(&member);
                if !makes {
                    return None;
                }
                Resolution::Member {
                    module: home,
                    member,
                }
            }
            None => match self.attribute_of(module, object, name)? {
                Resolution::Unresolved(_) => return None,
                resolution => resolution,
            },
        };
        let binding = summary
            .bindings
            .iter()
            .rposition(|b| b.name == "__getattr__")?;
        Some(Entry {
            resolution,
            hop: hop(
                module,
                name,
                Via::Assign,
                HopSource::Binding(binding as u32),
            ),
            next: None,
        })
    }

    /// What the dotted `path` names when read in `module`.
    fn attribute_of_path(&mut self, module: ModuleId, path: &[Name]) -> Option<Resolution> {
        self.follow_alias(module, "", path, u32::MAX)
            .map(|(resolution, _)| resolution)
    }

    /// Attribute `name` of `object`, a dotted path looked up in `module`.
    fn attribute_of(
        &mut self,
        module: ModuleId,
        object: &[Name],
        name: &str,
    ) -> Option<Resolution> {
        let mut path = object.to_vec();
        path.push(crate::summary::intern(name));
        self.attribute_of_path(module, &path)
    }

    /// The class whose members `object` (read in `module`) gives: the class itself, or
    /// the class a module-level call made it an instance of.
    fn instance_class(&mut self, module: ModuleId, object: &[Name]) -> Option<(ModuleId, u32)> {
        let Resolution::Definition {
            module: home,
            binding,
        } = self.attribute_of_path(module, object)?
        else {
            return None;
        };
        let found = &self.bindings(home)[binding as usize];
        if found.kind == BindingKind::Class {
            return Some((home, binding));
        }
        let name = found.name;
        let summary = self.project.module_summary(home)?;
        let (_, class) = summary.instances.iter().find(|(n, _)| *n == name)?;
        match self.attribute_of_path(home, class)? {
            Resolution::Definition { module, binding }
                if self.bindings(module)[binding as usize].kind == BindingKind::Class =>
            {
                Some((module, binding))
            }
            _ => None,
        }
    }

    /// The member `name` of class `class` of `module`, or of its bases in order.
    fn class_member(
        &mut self,
        module: ModuleId,
        class: u32,
        name: &str,
        depth: u32,
    ) -> Option<(ModuleId, u32)> {
        let summary = self.project.module_summary(module)?;
        if let Some(member) = summary
            .members
            .iter()
            .position(|m| m.class == class && m.name == name)
        {
            return Some((module, member as u32));
        }
        if depth > 16 {
            return None;
        }
        let bases = summary.class_bases.iter().find(|(c, _)| *c == class)?;
        for base in &bases.1 {
            if let Some(Resolution::Definition {
                module: home,
                binding,
            }) = self.attribute_of_path(module, base)
                && let Some(found) = self.class_member(home, binding, name, depth + 1)
            {
                return Some(found);
            }
        }
        None
    }

    /// The module that `module` puts in its own place in `sys.modules` while it runs
    /// (`sys.modules[__name__] = other`, or its own name spelled out), which is what
    /// importing it binds.
    fn swapped_for(&mut self, module: ModuleId) -> Option<ModuleId> {
        let project = self.project;
        let summary = project.module_summary(module)?;
        let own_name = project.modules[module as usize].name.as_str();
        let swap = summary.swap(own_name)?;
        let (resolution, _) = self.resolve_attributes(module, &[swap.path[0].as_str()]);
        let mut target = match resolution {
            Resolution::Module(target) => target,
            _ => return None,
        };
        for attribute in &swap.path[1..] {
            match self.lookup(target, attribute) {
                Resolution::Module(next) => target = next,
                _ => return None,
            }
        }
        (target != module).then_some(target)
    }

    /// `name` of a module that puts another in its place (`sys.modules[__name__] = other`,
    /// `other` a module): looked up in that one.
    fn through_swap(&mut self, module: ModuleId, name: &str) -> Option<Entry> {
        let target = self.swapped_for(module)?;
        Some(Entry {
            resolution: self.lookup(target, name),
            hop: hop(module, name, Via::Assign, HopSource::Swap),
            next: Some((target, name.into())),
        })
    }

    /// `name` in a compiled module (what its stub binds, or any name without a stub),
    /// or in a module whose `lazy_loader.attach_stub` binds its stub's imports lazily.
    fn through_stub(&mut self, module: ModuleId, name: &str) -> Option<Entry> {
        let project = self.project;
        let record = &project.modules[module as usize];
        let stub = record.stub.map(|file| project.summary(file));
        let lazy = record
            .file
            .is_some_and(|file| project.summary(file).lazy_stub);
        if !record.compiled && !lazy {
            return None;
        }
        let found = stub.and_then(|stub| {
            let index = stub.bindings.iter().rposition(|b| b.name == name)?;
            Some((index, &stub.bindings[index]))
        });
        let Some((index, binding)) = found else {
            if !record.compiled
                || project
                    .internal(&format!("{}.{name}", record.name))
                    .is_some()
            {
                return None;
            }
            let resolution = match stub {
                Some(_) => Resolution::Unresolved(format!(
                    "compiled module `{}` does not bind `{name}` (per its stub)",
                    record.name
                )),
                None => Resolution::Compiled {
                    module,
                    name: name.to_string(),
                },
            };
            return Some(Entry {
                resolution,
                hop: None,
                next: None,
            });
        };
        let source = HopSource::Stub(index as u32);
        let entry = match &binding.kind {
            kind @ (BindingKind::FromImport { .. } | BindingKind::Import { .. })
                if !record.compiled =>
            {
                self.import_entry(module, name, kind, source)?
            }
            _ if record.compiled => Entry {
                resolution: Resolution::Compiled {
                    module,
                    name: name.to_string(),
                },
                hop: None,
                next: None,
            },
            // A definition written in the stub of a lazily attached module: not what
            // runs (the stub only names imports).
            _ => return None,
        };
        Some(entry)
    }

    /// `X = a.b.c` (binding `at` of `module`): looks `a` up as it is bound when the
    /// assignment runs, then each attribute on the module it names. `None` when the value
    /// is not reached through modules (a builtin, an attribute of a class or value): then
    /// `X` is a definition of its own.
    fn follow_alias(
        &mut self,
        module: ModuleId,
        own_name: &str,
        path: &[Name],
        at: u32,
    ) -> Option<(Resolution, Option<Key>)> {
        let first = path[0].as_str();
        if path.len() == 1 && first == own_name {
            return None;
        }
        let winner = self.winner(module, first)?;
        // A later rebinding (or `del`) of `a` does not change what `X` already holds.
        let mut earlier = None;
        for candidate in self.candidates(module, first).into_iter().rev() {
            let before = match candidate {
                Candidate::Binding(i) => i < at,
                Candidate::Star(s) => self.stars(module)[s as usize].order <= at as usize,
            };
            if before && self.taken(module, candidate) {
                earlier = Some(candidate);
                break;
            }
        }
        let mut resolution = match earlier {
            Some(candidate) if candidate != winner => {
                self.candidate_entry(module, first, candidate).resolution
            }
            _ => self.lookup(module, first),
        };
        let mut key: Key = (module, first.into());
        for attribute in &path[1..] {
            resolution = match resolution {
                Resolution::Module(id) => {
                    key = (id, attribute.as_str().into());
                    self.lookup(id, attribute)
                }
                Resolution::External { module, name: None } => Resolution::External {
                    module,
                    name: Some(attribute.to_string()),
                },
                Resolution::External {
                    module,
                    name: Some(name),
                } => Resolution::External {
                    module,
                    name: Some(format!("{name}.{attribute}")),
                },
                Resolution::Cycle | Resolution::Unresolved(_) => {
                    return Some((resolution, Some(key)));
                }
                // `X = Class.method`: the member the class body defines.
                Resolution::Definition { module, binding } => {
                    let member = self
                        .project
                        .module_summary(module)?
                        .members
                        .iter()
                        .position(|m| m.class == binding && m.name == *attribute)?;
                    Resolution::Member {
                        module,
                        member: member as u32,
                    }
                }
                Resolution::Member { .. } | Resolution::Compiled { .. } => return None,
            };
        }
        Some((resolution, Some(key)))
    }

    /// Names `from module import *` binds: `__all__` when present, else public names.
    pub fn exports(&mut self, module: ModuleId) -> Rc<HashSet<String>> {
        if let Some(names) = self.exports.get(&module) {
            return names.clone();
        }
        if !self.exports_in_progress.insert(module) {
            return Rc::default();
        }
        let names: HashSet<String> = match self.all(module) {
            Some(all) => all.iter().cloned().collect(),
            None => {
                let mut names: HashSet<String> = self
                    .bindings(module)
                    .iter()
                    .filter(|b| !b.name.starts_with('_'))
                    .map(|b| b.name.to_string())
                    .collect();
                // A name the module deletes (`del X` the last word on it) is not exported.
                names.retain(|name| {
                    !matches!(self.winner(module, name), Some(Candidate::Binding(i))
                        if self.bindings(module)[i as usize].kind == BindingKind::Deleted)
                });
                for star in self.stars(module) {
                    if let StarTarget::Internal(target) = self.star_target(module, star) {
                        let exported = self.exports(target);
                        names.extend(exported.iter().filter(|n| !n.starts_with('_')).cloned());
                    }
                }
                names.extend(self.imported_submodules(module));
                names
            }
        };
        self.exports_in_progress.remove(&module);
        let names = Rc::new(names);
        self.exports.insert(module, names.clone());
        names
    }

    /// The public submodules a package's own imports load while it runs (`from .sub
    /// import x` sets the package's attribute `sub`): a star import of the package
    /// without `__all__` carries them.
    fn imported_submodules(&self, module: ModuleId) -> Vec<String> {
        let project = self.project;
        let record = &project.modules[module as usize];
        let Some(summary) = project.module_summary(module).filter(|_| record.is_package) else {
            return Vec::new();
        };
        let prefix = format!("{}.", record.name);
        summary
            .imports
            .iter()
            .filter(|site| !site.context.function)
            .filter_map(|site| project.absolute_module(module, site.module.as_deref(), site.level))
            .filter_map(|target| {
                let child = target.strip_prefix(&prefix)?.split('.').next()?.to_string();
                let public = !child.starts_with('_');
                (public && project.internal(&format!("{prefix}{child}")).is_some()).then_some(child)
            })
            .collect()
    }

    /// The module's `__all__`, evaluated from its literal forms; `None` when it has none.
    pub fn all(&mut self, module: ModuleId) -> Option<Rc<Vec<String>>> {
        if let Some(all) = self.all_names.get(&module) {
            return all.clone();
        }
        let changes: &[AllChange] = match self.project.modules[module as usize].file {
            Some(file) => &self.project.summary(file).all,
            None => &[],
        };
        if changes.is_empty() {
            self.all_names.insert(module, None);
            return None;
        }
        // Guard against `__all__` cycles between modules: an in-progress module is empty.
        self.all_names.insert(module, Some(Rc::default()));
        let mut names: Vec<String> = Vec::new();
        for change in changes {
            match change {
                AllChange::Set(parts) => names = self.all_parts(module, parts),
                AllChange::Extend(parts) => {
                    let extra = self.all_parts(module, parts);
                    names.extend(extra);
                }
                AllChange::Remove(name) => {
                    if let Some(at) = names.iter().position(|n| n == name) {
                        names.remove(at);
                    }
                }
            }
        }
        let all = Some(Rc::new(names));
        self.all_names.insert(module, all.clone());
        all
    }

    fn all_parts(&mut self, module: ModuleId, parts: &[AllPart]) -> Vec<String> {
        let mut names = Vec::new();
        for part in parts {
            let source = match part {
                AllPart::Names(literal) => {
                    names.extend(literal.iter().cloned());
                    continue;
                }
                AllPart::ModuleAll(path) => {
                    let mut resolution = self.lookup(module, &path[0]);
                    for attribute in &path[1..] {
                        if let Resolution::Module(id) = resolution {
                            resolution = self.lookup(id, attribute);
                        }
                    }
                    match resolution {
                        Resolution::Module(id) => Some(id),
                        _ => None,
                    }
                }
                AllPart::ImportedAll {
                    module: from,
                    level,
                } => self
                    .project
                    .absolute_module(module, from.as_deref(), *level)
                    .and_then(|target| self.project.internal(&target)),
            };
            if let Some(source) = source {
                match self.all(source) {
                    Some(all) => names.extend(all.iter().cloned()),
                    None => {
                        let mut public: Vec<String> =
                            self.exports(source).iter().cloned().collect();
                        public.sort();
                        names.extend(public);
                    }
                }
            }
        }
        names
    }
}
