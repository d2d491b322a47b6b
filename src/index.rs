//! The module graph and per-module symbol tables, built from every file's summary.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::discover::{FileDiagnostic, SourceFile};
use crate::environment::Environment;
use crate::fingerprint::content_hash;
use crate::outcome::SiteOutcome;
use crate::rows::Rows;
use crate::shared::Shared;
use crate::summaries::Summaries;
use crate::summary::{BindingKind, Context, FileSummary, ImportSite, Name};

pub type ModuleId = u32;

#[derive(Debug)]
pub struct Module {
    pub name: Shared,
    /// Index into `Project::files`; `None` for namespace packages and external modules.
    pub file: Option<usize>,
    /// Relative path of the file, or of the directory of a namespace package.
    pub path: Option<Shared>,
    pub is_package: bool,
    pub external: bool,
    /// An extension module: `file` holds no Python (see `stub`).
    pub compiled: bool,
    /// The companion `.pyi` beside the module's file (index into `Project::files`): what
    /// a compiled module binds, or what `lazy_loader.attach_stub` binds lazily.
    pub stub: Option<usize>,
    /// Binding indices of the module's summary, per bound name, in source order; built
    /// on first use (see `Project::names`).
    pub names: OnceLock<Names>,
}

impl Module {
    /// A module the repository holds: a file or a namespace package's folder (not a
    /// name that is only imported, such as one a change deletes).
    pub fn in_repository(&self) -> bool {
        !self.external && (self.file.is_some() || self.path.is_some())
    }
}

/// A module's bound names: its bindings' indices ordered by name (then source order),
/// beside their interned names. One name's bindings are a run found by binary search:
/// 12 bytes a binding, where a hash map of small lists took over 40.
#[derive(Debug, Default)]
pub struct Names {
    names: Box<[Name]>,
    bindings: Box<[u32]>,
}

impl Names {
    fn of(bindings: &[crate::summary::Binding]) -> Names {
        let mut order: Vec<u32> = (0..bindings.len() as u32).collect();
        // Stable: a name's bindings stay in source order.
        order.sort_by_key(|&i| bindings[i as usize].name.as_str());
        Names {
            names: order.iter().map(|&i| bindings[i as usize].name).collect(),
            bindings: order.into_boxed_slice(),
        }
    }

    /// The indices of the bindings of `name`, in source order.
    pub fn get(&self, name: &str) -> Option<&[u32]> {
        let start = self.names.partition_point(|n| n.as_str() < name);
        let run = self.names[start..].partition_point(|n| n.as_str() == name);
        (run > 0).then(|| &self.bindings[start..start + run])
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every bound name once, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let firsts = self.names.iter().enumerate();
        firsts
            .filter(|&(i, name)| i == 0 || self.names[i - 1] != *name)
            .map(|(_, name)| name.as_str())
    }
}

/// Two sorted lists as one: the few definitions of changed files joined to the many
/// kept, without sorting the many again, in place from the back (the many were just
/// filtered: their allocation has room for the few it lost).
pub fn merge_sorted<T: Ord + Copy>(many: &mut Vec<T>, few: &[T]) {
    let (mut from_many, mut from_few) = (many.len(), few.len());
    many.extend_from_slice(few);
    for at in (0..many.len()).rev() {
        if from_few == 0 {
            break;
        }
        if from_many > 0 && many[from_many - 1] > few[from_few - 1] {
            many[at] = many[from_many - 1];
            from_many -= 1;
        } else {
            many[at] = few[from_few - 1];
            from_few -= 1;
        }
    }
}

/// Files whose sites are planned at once (see `Project::index_sites`).
const PLAN_BATCH: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleRef {
    Internal(ModuleId),
    /// Under a top-level package of the repository, but no such module exists.
    Missing,
    External,
}

/// An import site with its absolute target module.
#[derive(Debug)]
pub struct Site {
    pub file: u32,
    /// Index into the file summary's `imports`.
    pub import: u32,
    /// The absolute imported module; `None` when a relative import climbs above the top.
    /// Interned: many sites name the same module.
    pub target: Option<Name>,
    /// The graph node the site's edge points at (see `site_edges`), plus one. The
    /// importer is its file's module (`Project::importer`): a site is 24 bytes, and a
    /// large tree has millions.
    node: Option<NonZeroU32>,
    /// Copied from the import: graph filters read it without the file's summary.
    pub context: Context,
}

impl Site {
    pub fn new(
        file: u32,
        import: u32,
        target: Option<Name>,
        node: Option<ModuleId>,
        context: Context,
    ) -> Site {
        Site {
            file,
            import,
            target,
            node: node.and_then(|node| NonZeroU32::new(node.wrapping_add(1))),
            context,
        }
    }

    /// The graph node the site's edge points at (see `site_edges`).
    pub fn node(&self) -> Option<ModuleId> {
        self.node.map(|node| node.get() - 1)
    }
}

/// An import site looked up, before it is added to the project.
struct PlannedSite {
    target: Option<Name>,
    edges: Option<SiteEdges>,
    context: Context,
}

/// The edges one import site makes, before they are added to the graph.
struct SiteEdges {
    imported: String,
    implicit_parents: Vec<ModuleId>,
}

/// The module graph: an edge from each importer to each module its sites run. Edge
/// `e`'s sites are row `e` of `sites` (those that only run the target as a parent
/// package of what they import, of `implicit_sites`): a million edges cost a few
/// numbers each, not a list each.
pub struct ModuleGraph {
    edges: DiGraph<ModuleId, (), u32>,
    sites: Rows,
    implicit_sites: Rows,
}

impl std::ops::Deref for ModuleGraph {
    type Target = DiGraph<ModuleId, (), u32>;

    fn deref(&self) -> &Self::Target {
        &self.edges
    }
}

impl ModuleGraph {
    /// The rows of the edges added since the last call, from their `(edge, implicit,
    /// site)` entries, which are taken.
    fn push_rows(&mut self, entries: &mut Vec<(u32, bool, u32)>) {
        entries.sort_unstable();
        for edge in self.sites.len()..self.edges.edge_count() {
            let of_edge = |implicit: bool| {
                let first = entries.partition_point(|e| (e.0, e.1) < (edge as u32, implicit));
                let end = entries.partition_point(|e| (e.0, e.1) <= (edge as u32, implicit));
                entries[first..end].iter().map(|e| e.2)
            };
            self.sites.push_row(of_edge(false));
            self.implicit_sites.push_row(of_edge(true));
        }
        entries.clear();
    }

    /// The sites that import the edge's target (or a name of it).
    pub fn sites(&self, edge: EdgeIndex) -> &[u32] {
        self.sites.row(edge.index())
    }

    /// The sites that run the edge's target only as a parent package.
    pub fn implicit_sites(&self, edge: EdgeIndex) -> &[u32] {
        self.implicit_sites.row(edge.index())
    }
}

/// The problems reading and parsing found in one file, as project diagnostics.
pub fn parse_diagnostics<'a>(
    file: &'a SourceFile,
    summary: &'a FileSummary,
) -> impl Iterator<Item = FileDiagnostic> + 'a {
    summary.diagnostics.iter().map(|d| FileDiagnostic {
        path: file.rel.to_string(),
        line: d.line,
        message: d.message.clone(),
    })
}

pub struct Project {
    pub root: PathBuf,
    pub source_roots: Vec<String>,
    pub files: Vec<SourceFile>,
    pub summaries: Summaries,
    pub modules: Vec<Module>,
    pub by_name: FxHashMap<Shared, ModuleId>,
    /// Per file, its module (a companion stub's is the module it accompanies).
    pub file_module: Vec<ModuleId>,
    /// Built from the sites on first use: a `check` of a few files rarely needs it.
    graph: OnceLock<ModuleGraph>,
    pub sites: Vec<Site>,
    /// Per site, the parent packages Python runs first (edges of their own).
    pub implicit: Rows,
    pub diagnostics: Vec<FileDiagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
    /// What can be imported from outside the repository (set by `load`).
    pub environment: Environment,
    /// From the cache: for each module, the sites whose import or re-export chain went
    /// through it when the cache was written.
    pub chains: Option<Rows>,
    /// Files that changed since the cache was written (their sites are not in `chains`).
    pub changed_files: Vec<usize>,
    /// From the cache: what a whole-repository resolution found that still holds.
    pub known: Known,
    /// Which modules bind a definition (class, function, value or alias) to which name;
    /// built on first use or restored from the cache.
    pub binders: OnceLock<Binders>,
    /// Only some files' sites were restored (`check FILES` from the cache snapshot): an
    /// answer that walks every site must be worked out again from all of them.
    pub partial: bool,
    /// What makes `binders` from the cache snapshot, when a run restored one: its stored
    /// binders are decoded only if something asks.
    pub stored_binders: StoredBinders,
    /// Each module's place in name order; built on first use.
    name_ranks: OnceLock<Vec<u32>>,
    /// Every site resolved, once per run: `stats` and the snapshot writer (which runs
    /// beside the command) both need it, and the second to ask waits for the first.
    pub every_site: OnceLock<EverySite>,
    /// What `stats` says of the module graph; computed once, or restored from a
    /// snapshot of the same sites.
    pub graph_figures: OnceLock<GraphFigures>,
    /// Where the cache lives and what its contents are (set by `load` when the cache is
    /// used): what may be derived from the project and kept beside the snapshot.
    pub cache: Option<CacheState>,
    /// Read from a commit rather than the working tree: the blob each file's content
    /// came from, by root-relative path.
    pub blobs: Option<FxHashMap<String, crate::git::BlobId>>,
}

/// The cache directory, and a fingerprint of everything indexed: the layout and each
/// file's path and content.
#[derive(Clone, Debug)]
pub struct CacheState {
    pub dir: PathBuf,
    pub state: u64,
    /// Per file, the hash of its content the snapshot holds (0: not known).
    pub hashes: Vec<u64>,
}

/// The module graph in figures: its edges, and each cycle's size and whether it is
/// deferred (every path through a `TYPE_CHECKING` or function-level import).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GraphFigures {
    /// Edges made by an import site.
    pub direct_edges: u32,
    /// Edges only a parent package's implicit import makes.
    pub implicit_edges: u32,
    pub cycles: Vec<(u32, bool)>,
}

/// What resolving every site found: each site's outcome, and the internal modules its
/// resolution went through (its target, every re-export hop, where it ended).
#[derive(Debug, Default)]
pub struct EverySite {
    pub outcomes: Vec<SiteOutcome>,
    pub through: Rows,
}

/// Results of the snapshot's whole-repository resolution that no change since can have
/// altered: each site's outcome when no file changed and the environment is the one
/// they were resolved in (empty otherwise), and the definition count of each unchanged
/// file (`None`: count again).
#[derive(Debug, Default)]
pub struct Known {
    pub outcomes: Vec<SiteOutcome>,
    /// The fingerprint of the environment the outcomes were resolved in.
    pub environment: u64,
    pub definitions: Vec<Option<u32>>,
}

/// (hash of a name, a module with a definition bound to it), sorted: names are looked up
/// by hash, so a lookup may yield a module that binds another name (callers check).
pub type Binders = Vec<(u64, ModuleId)>;

/// Makes the binders of a project on first use (`None`: make them from every summary).
#[derive(Default)]
#[allow(clippy::type_complexity)]
pub struct StoredBinders(
    pub std::sync::Mutex<Option<Box<dyn FnOnce(&Project) -> Option<Binders> + Send>>>,
);

impl Project {
    /// An empty project over `files`, before any module or site is indexed.
    pub fn new(
        root: PathBuf,
        source_roots: Vec<String>,
        files: Vec<SourceFile>,
        summaries: Summaries,
        diagnostics: Vec<FileDiagnostic>,
    ) -> Project {
        Project {
            root,
            source_roots,
            files,
            summaries,
            modules: Vec::new(),
            by_name: FxHashMap::default(),
            file_module: Vec::new(),
            graph: OnceLock::new(),
            sites: Vec::new(),
            implicit: Rows::default(),
            diagnostics,
            timings: Vec::new(),
            environment: Environment::default(),
            chains: None,
            changed_files: Vec::new(),
            known: Known::default(),
            binders: OnceLock::new(),
            stored_binders: StoredBinders::default(),
            partial: false,
            name_ranks: OnceLock::new(),
            every_site: OnceLock::new(),
            graph_figures: OnceLock::new(),
            cache: None,
            blobs: None,
        }
    }

    /// Indexes every module and site of `files`; `diagnostics` gains each file's own.
    pub fn build(
        root: PathBuf,
        source_roots: Vec<String>,
        files: Vec<SourceFile>,
        summaries: Summaries,
        mut diagnostics: Vec<FileDiagnostic>,
    ) -> Project {
        let started = Instant::now();
        for (file, summary) in files.iter().zip(summaries.iter()) {
            diagnostics.extend(parse_diagnostics(file, summary));
        }
        diagnostics.sort();
        let mut project = Project::new(root, source_roots, files, summaries, diagnostics);
        project.index_modules();
        let all: Vec<usize> = (0..project.files.len()).collect();
        project.index_sites(&all);
        project.timings.push(("index", started.elapsed()));
        project
    }

    fn add_module(&mut self, module: Module) -> ModuleId {
        let id = self.modules.len() as ModuleId;
        self.by_name.insert(module.name.clone(), id);
        self.modules.push(module);
        id
    }

    pub fn index_modules(&mut self) {
        self.modules.reserve(self.files.len());
        self.by_name.reserve(self.files.len());
        // Each file's module as it is added (a companion's, the module it accompanies,
        // which comes before it): no second lookup of every name.
        let mut file_module = Vec::with_capacity(self.files.len());
        for index in 0..self.files.len() {
            let file = &self.files[index];
            if file.companion {
                let module = self.by_name.get(&file.module).copied();
                if let Some(id) = module {
                    self.modules[id as usize].stub = Some(index);
                }
                file_module.push(module);
                continue;
            }
            let module = Module {
                name: file.module.clone(),
                file: Some(index),
                path: Some(file.rel.clone()),
                is_package: file.is_package,
                external: false,
                compiled: file.compiled,
                stub: None,
                names: OnceLock::new(),
            };
            file_module.push(Some(self.add_module(module)));
        }
        // Implicit namespace packages: every ancestor package without an `__init__`. The
        // files are set aside while modules are added, rather than each name copied.
        // Files come folder by folder: once a package's ancestors are known to be there,
        // the next file in it need not look them up again.
        let files = std::mem::take(&mut self.files);
        let mut ensured = "";
        for file in &files {
            let mut dir = file.rel.as_str();
            let mut package = file.module.as_str();
            if file.is_package {
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            }
            let first_parent = package.rsplit_once('.').map(|(parent, _)| parent);
            while let Some((parent, _)) = package.rsplit_once('.') {
                if parent == ensured {
                    break;
                }
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
                if !self.by_name.contains_key(parent) {
                    self.add_module(Module {
                        name: parent.into(),
                        file: None,
                        path: Some(dir.into()),
                        is_package: true,
                        external: false,
                        compiled: false,
                        stub: None,
                        names: OnceLock::new(),
                    });
                }
                package = parent;
            }
            if let Some(parent) = first_parent {
                ensured = parent;
            }
        }
        self.file_module = (files.iter().zip(file_module))
            .map(|(f, module)| module.unwrap_or_else(|| self.by_name[&f.module]))
            .collect();
        self.files = files;
    }

    /// The module whose file holds site `site`.
    pub fn importer(&self, site: usize) -> ModuleId {
        self.importer_of(&self.sites[site])
    }

    /// The module whose file holds `site`.
    pub fn importer_of(&self, site: &Site) -> ModuleId {
        self.file_module[site.file as usize]
    }

    /// The package a relative import in `importer` is relative to, `level` dots up.
    pub fn absolute_module(
        &self,
        importer: ModuleId,
        module: Option<&str>,
        level: u32,
    ) -> Option<String> {
        if level == 0 {
            return module.map(str::to_string);
        }
        let importer = &self.modules[importer as usize];
        let mut base = importer.name.as_str();
        let climbs = if importer.is_package {
            level - 1
        } else {
            level
        };
        for _ in 0..climbs {
            base = base.rsplit_once('.')?.0;
        }
        Some(match module {
            Some(module) => format!("{base}.{module}"),
            None => base.to_string(),
        })
    }

    /// Whether `module` falls under a top-level package of the repository.
    pub fn is_internal_name(&self, module: &str) -> bool {
        let top = module.split('.').next().unwrap_or(module);
        self.by_name
            .get(top)
            .is_some_and(|&id| !self.modules[id as usize].external)
    }

    /// Where an absolute module name points: a repository module, a repository module
    /// that does not exist, or outside the repository.
    pub fn module_ref(&self, module: &str) -> ModuleRef {
        match self.internal(module) {
            Some(id) => ModuleRef::Internal(id),
            None if self.is_internal_name(module) => ModuleRef::Missing,
            None => ModuleRef::External,
        }
    }

    pub fn internal(&self, module: &str) -> Option<ModuleId> {
        self.by_name
            .get(module)
            .copied()
            .filter(|&id| !self.modules[id as usize].external)
    }

    pub fn import_site(&self, site: usize) -> &ImportSite {
        let site = &self.sites[site];
        &self.summary(site.file as usize).imports[site.import as usize]
    }

    /// Sites whose chain went through one of `modules` when the cache was written;
    /// `None` without a cache.
    pub fn dependents(&self, modules: &FxHashSet<ModuleId>) -> Option<Vec<usize>> {
        let chains = self.chains.as_ref()?;
        Some(
            modules
                .iter()
                .flat_map(|&m| chains.row(m as usize).iter().map(|&s| s as usize))
                .collect(),
        )
    }

    /// The module's place in name order: sorting by it sorts by name, without comparing
    /// strings.
    pub fn name_rank(&self, module: ModuleId) -> u32 {
        let ranks = self.name_ranks.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.modules.len() as u32).collect();
            order.sort_unstable_by_key(|&m| self.modules[m as usize].name.as_str());
            let mut ranks = vec![0; order.len()];
            for (rank, &module) in order.iter().enumerate() {
                ranks[module as usize] = rank as u32;
            }
            ranks
        });
        ranks.get(module as usize).copied().unwrap_or(u32::MAX)
    }

    /// Every module's definitions by name hash (see `Binders`): the snapshot's, or made
    /// from every summary.
    pub fn all_binders(&self) -> &Binders {
        self.binders.get_or_init(|| {
            let stored = self
                .stored_binders
                .0
                .lock()
                .ok()
                .and_then(|mut make| make.take());
            stored
                .and_then(|make| make(self))
                .unwrap_or_else(|| self.binders_of(&self.file_modules()))
        })
    }

    /// Modules that may bind a definition to `name` (all that do, in module order).
    pub fn binders(&self, name: &str) -> impl Iterator<Item = ModuleId> + '_ {
        let binders = self.all_binders();
        let hash = content_hash(name.as_bytes());
        let start = binders.partition_point(|&(h, _)| h < hash);
        binders[start..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, module)| module)
    }

    /// The project site of import `import` of `file` (sites are indexed file by file, one
    /// per import).
    pub fn site_of(&self, file: usize, import: usize) -> Option<usize> {
        let first = self.sites.partition_point(|s| s.file < (file as u32));
        let site = first + import;
        (self.sites.get(site)?.file == (file as u32)).then_some(site)
    }

    /// Every module read from a file (companion stubs are files of no module of their own).
    pub fn file_modules(&self) -> Vec<ModuleId> {
        (0..self.modules.len() as ModuleId)
            .filter(|&m| self.modules[m as usize].file.is_some())
            .collect()
    }

    /// The definitions `modules` bind, sorted.
    pub fn binders_of(&self, modules: &[ModuleId]) -> Binders {
        let mut binders = Binders::new();
        for &id in modules {
            let Some(summary) = self.module_summary(id) else {
                continue;
            };
            for binding in &summary.bindings {
                let defines = matches!(
                    binding.kind,
                    BindingKind::Class
                        | BindingKind::Function
                        | BindingKind::Variable
                        | BindingKind::Alias(_)
                );
                if defines {
                    binders.push((content_hash(binding.name.as_bytes()), id));
                }
            }
        }
        binders.sort_unstable();
        binders.dedup();
        binders
    }

    /// The absolute dotted path a string target of `file` names: a path from the file's
    /// own names made absolute, a relative `import_module(".x", __package__)` resolved
    /// against the file's package; `None` when it climbs above the top package.
    pub fn string_path(
        &self,
        file: usize,
        string: &crate::summary::StringTarget,
    ) -> Option<String> {
        let source = &self.files[file];
        if string.kind.in_own_module() {
            return Some(format!("{}.{}", source.module, string.path));
        }
        let rest = string.path.trim_start_matches('.');
        let level = string.path.len() - rest.len();
        if level == 0 {
            return Some(string.path.clone());
        }
        let package = match source.is_package {
            true => source.module.as_str(),
            false => source.module.rsplit_once('.')?.0,
        };
        let mut base = package;
        for _ in 1..level {
            base = base.rsplit_once('.')?.0;
        }
        Some(match rest {
            "" => base.to_string(),
            rest => format!("{base}.{rest}"),
        })
    }

    /// The string targets a call reads (`mock.patch`, `import_module`, an entry of
    /// `__all__`…; not plain literals, not paths from the file's own names) that name one
    /// of `paths` or something inside it, with their file.
    pub fn strings_naming<'p>(
        &'p self,
        paths: &'p [&str],
    ) -> impl Iterator<Item = (usize, &'p crate::summary::StringTarget)> + 'p {
        (0..self.files.len()).flat_map(move |file| {
            self.summary(file).strings.iter().filter_map(move |string| {
                let explicit = string.kind != crate::summary::StringKind::Literal
                    && !string.kind.in_own_module();
                let path = self.string_path(file, string)?;
                let named = paths.iter().any(|p| {
                    path == *p || (path.starts_with(p) && path[p.len()..].starts_with('.'))
                });
                (explicit && named).then_some((file, string))
            })
        })
    }

    pub fn summary(&self, file: usize) -> &FileSummary {
        self.summaries.get(file)
    }

    /// The summary of an internal module's file; `None` for namespace packages and
    /// external modules.
    pub fn module_summary(&self, module: ModuleId) -> Option<&FileSummary> {
        self.modules[module as usize].file.map(|f| self.summary(f))
    }

    /// The module's top-level bound names with their binding indices, in source order.
    pub fn names(&self, module: ModuleId) -> &Names {
        let module_record = &self.modules[module as usize];
        module_record
            .names
            .get_or_init(|| match self.module_summary(module) {
                Some(summary) => Names::of(&summary.bindings),
                None => Names::default(),
            })
    }

    /// Indexes the import sites of `files` (in order), appending them and their edges.
    pub fn index_sites(&mut self, files: &[usize]) {
        // Held for the whole run: grown by doubling, the list would be up to half empty.
        let count = (files.iter())
            .filter(|&&file| !self.files[file].companion)
            .map(|&file| self.summary(file).imports.len())
            .sum();
        self.sites.reserve_exact(count);
        // A slice of files at a time: the plans of every file at once, each edge's module
        // name a string of its own, were a tenth of a cold run's memory.
        for files in files.chunks(PLAN_BATCH) {
            self.index_batch(files);
        }
    }

    fn index_batch(&mut self, files: &[usize]) {
        // The lookups are pure and run per file in parallel; adding edges is sequential.
        let planned: Vec<Vec<PlannedSite>> = files
            .par_iter()
            .map(|&file| {
                let importer = self.file_module[file];
                if self.files[file].companion {
                    // A stub beside a module is not run as an import of its own.
                    return Vec::new();
                }
                self.summary(file)
                    .imports
                    .iter()
                    .map(|site| {
                        let target =
                            self.absolute_module(importer, site.module.as_deref(), site.level);
                        let edges = target
                            .as_deref()
                            .map(|t| self.site_edges(importer, t, site.name.as_deref()));
                        PlannedSite {
                            // Interned here, in parallel, not in the sequential loop.
                            target: target.map(|t| Name::from(t.as_str())),
                            edges,
                            context: site.context,
                        }
                    })
                    .collect()
            })
            .collect();
        for (&file, sites) in files.iter().zip(planned) {
            for (import, planned) in sites.into_iter().enumerate() {
                let PlannedSite {
                    target,
                    edges,
                    context,
                } = planned;
                let (node, implicit) = match edges {
                    Some(edges) => (Some(self.node_for(&edges.imported)), edges.implicit_parents),
                    None => (None, Vec::new()),
                };
                let site = Site::new(file as u32, import as u32, target, node, context);
                self.add_site(site, &implicit);
            }
        }
    }

    /// Appends a site and the parent packages (`implicit`) Python runs first. Sites come
    /// file by file.
    pub fn add_site(&mut self, site: Site, implicit: &[ModuleId]) {
        self.sites.push(site);
        self.implicit.push_row(implicit.iter().copied());
    }

    /// Whether every site has been walked: the graph built from them, or each resolved.
    pub fn walked_every_site(&self) -> bool {
        self.graph.get().is_some() || self.every_site.get().is_some()
    }

    /// The module graph, built on first use from the sites.
    pub fn graph(&self) -> &ModuleGraph {
        self.graph.get_or_init(|| {
            let mut edges = DiGraph::with_capacity(self.modules.len(), self.sites.len());
            for id in 0..self.modules.len() {
                edges.add_node(id as ModuleId);
            }
            let mut graph = ModuleGraph {
                edges,
                sites: Rows::default(),
                implicit_sites: Rows::default(),
            };
            // A module's edges all start in its file, and sites come file by file: each
            // file's edges are new, and their rows are pushed when the file is done.
            let mut file_edges: FxHashMap<ModuleId, EdgeIndex> = FxHashMap::default();
            let mut file_sites: Vec<(u32, bool, u32)> = Vec::new();
            let mut file = u32::MAX;
            for (id, site) in self.sites.iter().enumerate() {
                if site.file != file {
                    file = site.file;
                    graph.push_rows(&mut file_sites);
                    file_edges.clear();
                }
                let Some(node) = site.node() else { continue };
                let importer = NodeIndex::new(self.importer_of(site) as usize);
                let mut edge_to = |edges: &mut DiGraph<ModuleId, (), u32>, to: ModuleId| {
                    let edge = *file_edges.entry(to).or_insert_with(|| {
                        edges.add_edge(importer, NodeIndex::new(to as usize), ())
                    });
                    edge.index() as u32
                };
                file_sites.push((edge_to(&mut graph.edges, node), false, id as u32));
                for &parent in self.implicit.row(id) {
                    file_sites.push((edge_to(&mut graph.edges, parent), true, id as u32));
                }
            }
            graph.push_rows(&mut file_sites);
            // Reserved for one edge a site; sites of a file that import the same module
            // share one.
            graph.edges.shrink_to_fit();
            graph
        })
    }

    /// The module an import site's edge points at (a submodule when `from pkg import sub`
    /// names one), and the parent packages Python runs first.
    fn site_edges(&self, importer: ModuleId, target: &str, name: Option<&str>) -> SiteEdges {
        let imported = match name {
            Some(name) if name != "*" => {
                let submodule = format!("{target}.{name}");
                if self.internal(&submodule).is_some() {
                    submodule
                } else {
                    target.to_string()
                }
            }
            _ => target.to_string(),
        };
        let mut implicit_parents = Vec::new();
        if self.is_internal_name(&imported) {
            let importer_name = &self.modules[importer as usize].name;
            let mut parent = imported.as_str();
            while let Some((up, _)) = parent.rsplit_once('.') {
                parent = up;
                let is_own_ancestor = importer_name
                    .strip_prefix(parent)
                    .is_some_and(|rest| rest.starts_with('.'));
                if is_own_ancestor {
                    break;
                }
                implicit_parents.extend(self.internal(parent));
            }
        }
        SiteEdges {
            imported,
            implicit_parents,
        }
    }

    /// The node an imported module maps to: itself when internal (or the nearest existing
    /// ancestor when it is missing), its top-level package when external.
    pub fn node_for(&mut self, module: &str) -> ModuleId {
        if self.is_internal_name(module) {
            let mut name = module;
            loop {
                if let Some(id) = self.internal(name) {
                    return id;
                }
                name = name.rsplit_once('.').map_or(name, |(up, _)| up);
            }
        }
        let top = module.split('.').next().unwrap_or(module);
        match self.by_name.get(top) {
            Some(&id) => id,
            None => self.add_module(Module {
                name: top.into(),
                file: None,
                path: None,
                is_package: false,
                external: true,
                compiled: false,
                stub: None,
                names: OnceLock::new(),
            }),
        }
    }

    /// The module a file path (relative to the root or absolute) belongs to.
    pub fn module_of_path(&self, path: &str) -> Option<ModuleId> {
        let wanted = std::path::Path::new(path);
        let absolute = if wanted.is_absolute() {
            wanted.to_path_buf()
        } else {
            self.root.join(wanted)
        };
        let file = self
            .files
            .iter()
            .position(|f| f.rel == path.trim_start_matches("./") || f.path == absolute)?;
        self.file_module.get(file).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_in_place_the_lists_are_one_sorted_list() {
        for (many, few) in [
            (vec![2, 4, 6], vec![1, 5, 7]),
            (vec![], vec![3]),
            (vec![1, 2], vec![]),
            (vec![5, 6], vec![1, 2, 5]),
        ] {
            let mut expected = [many.clone(), few.clone()].concat();
            expected.sort_unstable();
            let mut merged = many;
            merged.shrink_to_fit();
            merge_sorted(&mut merged, &few);
            assert_eq!(merged, expected);
        }
    }
}
