//! The module graph and per-module symbol tables, built from every file's summary.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Result;
use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use globset::GlobSet;

use crate::config::Config;
use crate::discover::{self, FileDiagnostic, SourceFile};
use crate::parse;
use crate::summaries::Summaries;
use crate::summary::{BindingKind, Context, FileSummary, ImportSite};

pub type ModuleId = u32;

#[derive(Debug)]
pub struct Module {
    pub name: String,
    /// Index into `Project::files`; `None` for namespace packages and external modules.
    pub file: Option<usize>,
    /// Relative path of the file, or of the directory of a namespace package.
    pub path: Option<String>,
    pub is_package: bool,
    pub external: bool,
    /// Binding indices of the module's summary, per bound name, in source order; built
    /// on first use (see `Project::names`).
    pub names: OnceLock<Names>,
}

pub type Names = FxHashMap<Box<str>, Vec<u32>>;

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
    pub file: usize,
    /// Index into the file summary's `imports`.
    pub import: usize,
    pub importer: ModuleId,
    /// The absolute imported module; `None` when a relative import climbs above the top.
    /// Interned: many sites name the same module.
    pub target: Option<Arc<str>>,
    /// The graph node the site's edge points at (see `site_edges`).
    pub node: Option<ModuleId>,
    /// Copied from the import: graph filters read it without the file's summary.
    pub context: Context,
}

/// The edges out of the file being indexed, by target module.
#[derive(Default)]
pub struct FileEdges(FxHashMap<ModuleId, petgraph::graph::EdgeIndex>);

/// One shared string per distinct site target.
#[derive(Default)]
pub struct Interner(FxHashSet<Arc<str>>);

impl Interner {
    pub fn intern(&mut self, text: &str) -> Arc<str> {
        match self.0.get(text) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = text.into();
                self.0.insert(shared.clone());
                shared
            }
        }
    }
}

/// An import site looked up, before it is added to the project.
struct PlannedSite {
    target: Option<String>,
    edges: Option<SiteEdges>,
    context: Context,
}

/// The edges one import site makes, before they are added to the graph.
struct SiteEdges {
    imported: String,
    implicit_parents: Vec<ModuleId>,
}

/// Most edges are made by one or two sites: those are kept without an allocation.
pub type SiteList = smallvec::SmallVec<[usize; 2]>;

/// One edge of the module graph: the sites that make it.
#[derive(Debug, Default)]
pub struct Edge {
    pub sites: SiteList,
    /// Sites that only run the target as a parent package of what they import.
    pub implicit_sites: SiteList,
}

/// How a project is read.
#[derive(Debug, Default)]
pub struct OpenOptions {
    /// Show a progress bar while parsing (a terminal is attached and not `-q`).
    pub progress: bool,
    /// Reuse and update the cache.
    pub cache: bool,
    /// Say on stderr how the cache was used.
    pub verbose: bool,
    /// Leave writing a new cache snapshot to the caller (`Project::pending_save`).
    pub defer_save: bool,
    /// Read the repository as git's index holds it (`--staged`).
    pub staged: Option<std::sync::Arc<crate::staged::StagedTree>>,
    /// Trust no file's stamp: hash every file against the cache (`fix` edits bytes at the
    /// positions the summaries give, so they must be those of the files as they are).
    pub hash_all: bool,
}

/// What to read and how, from the configuration.
pub struct Layout {
    pub root: PathBuf,
    pub source_roots: Vec<String>,
    exclude: GlobSet,
    tests: GlobSet,
    pub target: parse::Target,
    /// With `--staged`: read the files as git's index holds them.
    pub staged: Option<std::sync::Arc<crate::staged::StagedTree>>,
}

impl Layout {
    pub fn new(root: PathBuf, config: &Config) -> Result<Layout> {
        Ok(Layout {
            source_roots: discover::source_roots(&root, config)?,
            exclude: discover::glob_set("exclude", &config.exclude)?,
            tests: discover::glob_set("tests", &config.test_globs())?,
            target: config.target()?,
            staged: None,
            root,
        })
    }

    /// Every Python file under the source roots, test files marked (as staged, with
    /// `--staged`).
    pub fn walk(&self) -> discover::Walk {
        let mut walk = discover::walk(&self.root, &self.source_roots, &self.exclude);
        for file in &mut walk.files {
            file.is_test = self.tests.is_match(&file.rel);
        }
        self.as_staged(&mut walk.files);
        walk
    }

    /// With `--staged`, `files` as the commit holds them.
    pub fn as_staged(&self, files: &mut Vec<SourceFile>) {
        if let Some(staged) = &self.staged {
            staged.apply(files);
        }
    }
}

/// A file's size and modification time: unchanged stamps mean unchanged content (unless
/// the file changed within the clock's resolution of being read, which the cache checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: u64,
}

impl Stamp {
    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        let mtime = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Stamp {
            size: metadata.len(),
            mtime_ns: mtime,
        }
    }
}

/// A file as parsed: its summary, and what the cache needs to know it again.
pub struct Parsed {
    pub summary: FileSummary,
    pub stamp: Option<Stamp>,
    pub hash: u64,
}

/// Content hash of a file's bytes (stable within one build of the tool).
pub fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// The cache's hash of a file as read (an oversize file by its size alone).
pub fn source_hash(source: &parse::SourceBytes) -> u64 {
    match source {
        parse::SourceBytes::Bytes(bytes) => content_hash(bytes),
        parse::SourceBytes::Oversize(size) => !size,
    }
}

/// Reads and summarizes one file; with `fingerprint`, also takes its stamp and hash
/// for the cache.
pub fn parse_file(file: &SourceFile, target: &parse::Target, fingerprint: bool) -> Parsed {
    let stamp = fingerprint
        .then(|| std::fs::metadata(&file.path).ok().map(|m| Stamp::of(&m)))
        .flatten();
    match parse::read_source(&file.path) {
        Ok(source) => Parsed {
            hash: if fingerprint { source_hash(&source) } else { 0 },
            summary: source.summarize(file.is_stub, target),
            stamp,
        },
        Err(error) => Parsed {
            summary: read_error(error),
            stamp: None,
            hash: 0,
        },
    }
}

/// The problems reading and parsing found in one file, as project diagnostics.
pub fn parse_diagnostics<'a>(
    file: &'a SourceFile,
    summary: &'a FileSummary,
) -> impl Iterator<Item = FileDiagnostic> + 'a {
    summary.diagnostics.iter().map(|d| FileDiagnostic {
        path: file.rel.clone(),
        line: d.line,
        message: d.message.clone(),
    })
}

fn read_error(error: std::io::Error) -> FileSummary {
    FileSummary {
        diagnostics: vec![crate::summary::Diagnostic {
            line: 0,
            message: format!("cannot read: {error}"),
        }],
        ..FileSummary::default()
    }
}

/// Every file's summary, parsed in parallel, with a progress bar on big trees.
fn summarize_all(
    files: &[SourceFile],
    target: &parse::Target,
    options: &OpenOptions,
) -> Vec<Parsed> {
    let bar = if options.progress && files.len() >= 2000 {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} parsing {pos}/{len} files {wide_bar} {eta}")
                .expect("a valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let summaries = files
        .par_iter()
        .progress_with(bar.clone())
        .map(|file| parse_file(file, target, options.cache))
        .collect();
    bar.finish_and_clear();
    summaries
}

pub struct Project {
    pub root: PathBuf,
    pub source_roots: Vec<String>,
    pub files: Vec<SourceFile>,
    pub summaries: Summaries,
    pub modules: Vec<Module>,
    pub by_name: FxHashMap<String, ModuleId>,
    pub graph: DiGraph<ModuleId, Edge, u32>,
    pub sites: Vec<Site>,
    pub diagnostics: Vec<FileDiagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
    /// From the cache: for each module, the sites whose import or re-export chain went
    /// through it when the cache was written.
    pub chains: Option<Dependents>,
    /// Files that changed since the cache was written (their sites are not in `chains`).
    pub changed_files: Vec<usize>,
    /// A snapshot left to write (`OpenOptions::defer_save`).
    pub pending_save: Option<crate::cache::PendingSave>,
    /// Which modules bind a definition (class, function, value or alias) to which name;
    /// built on first use or restored from the cache.
    pub binders: OnceLock<Binders>,
    /// Each module's place in name order; built on first use.
    name_ranks: OnceLock<Vec<u32>>,
}

/// (hash of a name, a module with a definition bound to it), sorted: names are looked up
/// by hash, so a lookup may yield a module that binds another name (callers check).
pub type Binders = Vec<(u64, ModuleId)>;

/// Numbers per row, in compressed rows: row `r` is `items[offsets[r]..offsets[r + 1]]`
/// (for each module, the sites that depend on it).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Dependents {
    #[serde(deserialize_with = "crate::cache::exact")]
    pub offsets: Vec<u32>,
    #[serde(deserialize_with = "crate::cache::exact")]
    pub items: Vec<u32>,
}

impl Dependents {
    pub fn push_row(&mut self, row: impl Iterator<Item = u32>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.items.extend(row);
        self.offsets.push(self.items.len() as u32);
    }

    /// Row `r`, empty when there is no such row.
    pub fn row(&self, r: usize) -> &[u32] {
        match (self.offsets.get(r), self.offsets.get(r + 1)) {
            (Some(&start), Some(&end)) => {
                self.items.get(start as usize..end as usize).unwrap_or(&[])
            }
            _ => &[],
        }
    }
}

impl Project {
    /// Discovers, parses and indexes the repository at `root`, through the cache unless
    /// `options.cache` is off.
    pub fn open(root: PathBuf, config: &Config, options: &OpenOptions) -> Result<Project> {
        let mut layout = Layout::new(root, config)?;
        layout.staged = options.staged.clone();
        if options.cache {
            return Ok(crate::cache::open(layout, config, options));
        }
        Ok(Project::read(layout, options).0)
    }

    /// Walks, parses and indexes everything; also returns each file's stamp and content
    /// hash (with `options.cache`) and the walk, its files moved into the project.
    pub fn read(
        layout: Layout,
        options: &OpenOptions,
    ) -> (Project, Vec<(Option<Stamp>, u64)>, discover::Walk) {
        let started = Instant::now();
        let mut walk = layout.walk();
        let discovered = started.elapsed();
        let started = Instant::now();
        let parsed = summarize_all(&walk.files, &layout.target, options);
        let fingerprints = parsed.iter().map(|p| (p.stamp, p.hash)).collect();
        let summaries = parsed.into_iter().map(|p| p.summary).collect();
        let parsing = started.elapsed();
        let mut project = Project::build(
            layout,
            std::mem::take(&mut walk.files),
            Summaries::parsed(summaries),
            walk.diagnostics.clone(),
        );
        project
            .timings
            .splice(0..0, [("discover", discovered), ("parse", parsing)]);
        (project, fingerprints, walk)
    }

    /// An empty project over `files`, before any module or site is indexed.
    pub fn new(
        layout: Layout,
        files: Vec<SourceFile>,
        summaries: Summaries,
        diagnostics: Vec<FileDiagnostic>,
    ) -> Project {
        Project {
            root: layout.root,
            source_roots: layout.source_roots,
            files,
            summaries,
            modules: Vec::new(),
            by_name: FxHashMap::default(),
            graph: DiGraph::default(),
            sites: Vec::new(),
            diagnostics,
            timings: Vec::new(),
            chains: None,
            changed_files: Vec::new(),
            pending_save: None,
            binders: OnceLock::new(),
            name_ranks: OnceLock::new(),
        }
    }

    /// Indexes every module and site of `files`; `diagnostics` gains each file's own.
    pub fn build(
        layout: Layout,
        files: Vec<SourceFile>,
        summaries: Summaries,
        mut diagnostics: Vec<FileDiagnostic>,
    ) -> Project {
        let started = Instant::now();
        for (file, summary) in files.iter().zip(summaries.iter()) {
            diagnostics.extend(parse_diagnostics(file, summary));
        }
        diagnostics.sort();
        let mut project = Project::new(layout, files, summaries, diagnostics);
        project.index_modules();
        let all: Vec<usize> = (0..project.files.len()).collect();
        project.index_sites(&all, &mut Interner::default());
        project.timings.push(("index", started.elapsed()));
        project
    }

    fn add_module(&mut self, module: Module) -> ModuleId {
        let id = self.modules.len() as ModuleId;
        self.by_name.insert(module.name.clone(), id);
        self.modules.push(module);
        let node = self.graph.add_node(id);
        debug_assert_eq!(node.index(), id as usize);
        id
    }

    pub fn index_modules(&mut self) {
        for index in 0..self.files.len() {
            let file = &self.files[index];
            let module = Module {
                name: file.module.clone(),
                file: Some(index),
                path: Some(file.rel.clone()),
                is_package: file.is_package,
                external: false,
                names: OnceLock::new(),
            };
            self.add_module(module);
        }
        // Implicit namespace packages: every ancestor package without an `__init__`.
        for index in 0..self.files.len() {
            let name = self.files[index].module.clone();
            let rel = self.files[index].rel.clone();
            let mut dir = rel.as_str();
            let mut package = name.as_str();
            if self.files[index].is_package {
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            }
            while let Some((parent, _)) = package.rsplit_once('.') {
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
                if !self.by_name.contains_key(parent) {
                    self.add_module(Module {
                        name: parent.to_string(),
                        file: None,
                        path: Some(dir.to_string()),
                        is_package: true,
                        external: false,
                        names: OnceLock::new(),
                    });
                }
                package = parent;
            }
        }
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
        &self.summary(site.file).imports[site.import]
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

    /// Modules that may bind a definition to `name` (all that do, in module order).
    pub fn binders(&self, name: &str) -> impl Iterator<Item = ModuleId> + '_ {
        let binders = self.binders.get_or_init(|| {
            let files: Vec<ModuleId> = (0..self.files.len() as ModuleId).collect();
            self.binders_of(&files)
        });
        let hash = content_hash(name.as_bytes());
        let start = binders.partition_point(|&(h, _)| h < hash);
        binders[start..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, module)| module)
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
        module_record.names.get_or_init(|| {
            let mut names = Names::default();
            if let Some(summary) = self.module_summary(module) {
                for (i, binding) in summary.bindings.iter().enumerate() {
                    names
                        .entry(binding.name.as_str().into())
                        .or_default()
                        .push(i as u32);
                }
            }
            names
        })
    }

    /// Indexes the import sites of `files` (in order), appending them and their edges.
    pub fn index_sites(&mut self, files: &[usize], interner: &mut Interner) {
        // The lookups are pure and run per file in parallel; adding edges is sequential.
        let planned: Vec<Vec<PlannedSite>> = files
            .par_iter()
            .map(|&file| {
                let importer = self.by_name[&self.files[file].module];
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
                            target,
                            edges,
                            context: site.context,
                        }
                    })
                    .collect()
            })
            .collect();
        for (&file, sites) in files.iter().zip(planned) {
            let importer = self.by_name[&self.files[file].module];
            let mut file_edges = FileEdges::default();
            for (import, planned) in sites.into_iter().enumerate() {
                let PlannedSite {
                    target,
                    edges,
                    context,
                } = planned;
                let target = target.map(|t| interner.intern(&t));
                let (node, implicit) = match edges {
                    Some(edges) => (Some(self.node_for(&edges.imported)), edges.implicit_parents),
                    None => (None, Vec::new()),
                };
                let site = Site {
                    file,
                    import,
                    importer,
                    target,
                    node,
                    context,
                };
                self.add_site(site, &implicit, &mut file_edges);
            }
        }
    }

    /// Appends a site and the edges it makes: to its node, and to the parent packages
    /// (`implicit`) Python runs first. Sites come file by file, each file with its own
    /// `edges` (a module's edges all start in its file).
    pub fn add_site(&mut self, site: Site, implicit: &[ModuleId], edges: &mut FileEdges) {
        let id = self.sites.len();
        if let Some(node) = site.node {
            self.edge(site.importer, node, edges).sites.push(id);
            for &parent in implicit {
                self.edge(site.importer, parent, edges)
                    .implicit_sites
                    .push(id);
            }
        }
        self.sites.push(site);
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
        let top = module.split('.').next().unwrap_or(module).to_string();
        match self.by_name.get(&top) {
            Some(&id) => id,
            None => self.add_module(Module {
                name: top,
                file: None,
                path: None,
                is_package: false,
                external: true,
                names: OnceLock::new(),
            }),
        }
    }

    fn edge(&mut self, from: ModuleId, to: ModuleId, edges: &mut FileEdges) -> &mut Edge {
        let edge = *edges.0.entry(to).or_insert_with(|| {
            let (a, b) = (NodeIndex::new(from as usize), NodeIndex::new(to as usize));
            self.graph.add_edge(a, b, Edge::default())
        });
        &mut self.graph[edge]
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
        self.by_name.get(&self.files[file].module).copied()
    }
}
