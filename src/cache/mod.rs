//! The incremental cache: a snapshot of the indexed repository in `.ssot-graph-cache/`.
//!
//! A run checks the snapshot against the tree (directory listings, ignore files, each
//! file's size and modification time, and the content hash of any file whose stamp
//! moved), parses only files whose content changed, and restores everything else: the
//! module table, the sites of unchanged files and the graph. Summaries of unchanged files
//! are decoded only when something reads them. A new snapshot is written when there was
//! none, when the set of files changed, or when many files drifted from it.

mod exact;
mod snapshot;
mod tree;

pub(crate) use exact::exact;

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::Config;
use crate::discover::{self, FileDiagnostic, SourceFile};
use crate::index::{
    Dependents, FileEdges, Interner, Layout, ModuleId, OpenOptions, Project, Site, Stamp,
    parse_diagnostics, parse_file, source_hash,
};
use crate::parse::{self, Target};
use crate::resolve::{Resolution, Resolver};
use crate::summaries::{Summaries, SummarySource};
use crate::summary::FileSummary;
use snapshot::{Blob, BlobRef, Header, Snapshot, StoredFile, StoredNode, StoredSite};

/// Files modified this close to (or after) the snapshot may have changed again within
/// the clock's resolution: their content is hashed even when the stamp matches.
const RACY_NS: u64 = 2_000_000_000;

/// Files parsed again on every run before the snapshot is rewritten.
const MAX_DRIFT: usize = 32;

const FILE_NAME: &str = "snapshot.bin";

/// The fingerprint of the settings that decide which files are read and how they parse.
fn key(layout: &Layout, config: &Config) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    (
        &layout.root,
        &layout.source_roots,
        &config.exclude,
        config.test_globs(),
        &layout.target.python_version,
        &layout.target.platform,
    )
        .hash(&mut hasher);
    hasher.finish()
}

fn note(verbose: bool, message: impl std::fmt::Display) {
    if verbose {
        eprintln!("cache: {message}");
    }
}

/// Opens the project through the cache at `config.cache_dir()`; never fails because of
/// the cache (an unusable one is rebuilt, an unwritable one skipped).
pub fn open(layout: Layout, config: &Config, options: &OpenOptions) -> Project {
    let path = layout.root.join(config.cache_dir()).join(FILE_NAME);
    let key = key(&layout, config);
    let started = Instant::now();
    // Files are read after this: one changed since is hashed on the next run even when
    // its stamp matches (it may have changed again within the clock's resolution).
    let read_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let snapshot = match Snapshot::read(&path, key) {
        Ok(snapshot) => snapshot.map(Arc::new),
        Err(error) => {
            note(
                options.verbose,
                format!("{} rebuilt: {error:#}", path.display()),
            );
            None
        }
    };
    let written = Written {
        path,
        key,
        read_at,
        verbose: options.verbose,
    };
    let Some(snapshot) = snapshot else {
        let root = layout.root.clone();
        let (project, fingerprints, walk) = Project::read(layout, options);
        let states: Vec<FileState> = fingerprints
            .into_iter()
            .map(|(stamp, hash)| FileState {
                stamp,
                hash,
                stored: None,
            })
            .collect();
        let pending = PendingSave {
            written,
            tree: Tree::of(&root, &walk, read_at),
            states,
            old: None,
        };
        return pending.hand_over(project, options);
    };
    warm(layout, snapshot, written, options, started)
}

/// How a file stands against the snapshot.
#[derive(Clone, Copy)]
struct FileState {
    stamp: Option<Stamp>,
    hash: u64,
    /// Its summary is the snapshot's, at this blob.
    stored: Option<BlobRef>,
}

/// What the walk depended on when the snapshot was taken.
struct Tree {
    dirs: Vec<snapshot::DirStamp>,
    ignore_files: Vec<snapshot::IgnoreStamp>,
    walk_diagnostics: Vec<FileDiagnostic>,
}

impl Tree {
    /// The stamps of what `walk`, begun at `walked_ns`, depended on.
    fn of(root: &Path, walk: &discover::Walk, walked_ns: u64) -> Tree {
        Tree {
            dirs: tree::dir_stamps(root, &walk.dirs, walked_ns),
            ignore_files: tree::ignore_stamps(root, &walk.dirs, walked_ns),
            walk_diagnostics: walk.diagnostics.clone(),
        }
    }
}

/// A file compared with its stored entry: the same content (maybe a new stamp), or
/// parsed anew.
fn compare(
    file: &SourceFile,
    stored: Option<&StoredFile>,
    created_ns: u64,
    target: &Target,
) -> (FileState, Option<FileSummary>) {
    let racy = created_ns.saturating_sub(RACY_NS);
    let stamp = std::fs::metadata(&file.path).ok().map(|m| Stamp::of(&m));
    if let (Some(stored), Some(stamp)) = (stored, stamp)
        && stored.stamp == stamp
        && stamp.mtime_ns < racy
    {
        let state = FileState {
            stamp: Some(stamp),
            hash: stored.hash,
            stored: Some(stored.blob),
        };
        return (state, None);
    }
    let Ok(source) = parse::read_source(&file.path) else {
        // Unreadable: the summary carries the diagnostic; never taken as unchanged.
        let state = FileState {
            stamp: None,
            hash: 0,
            stored: None,
        };
        return (state, Some(parse_file(file, target, true).summary));
    };
    let hash = source_hash(&source);
    if let Some(stored) = stored.filter(|s| s.hash == hash) {
        let state = FileState {
            stamp,
            hash,
            stored: Some(stored.blob),
        };
        return (state, None);
    }
    let summary = source.summarize(file.is_stub, target);
    (
        FileState {
            stamp,
            hash,
            stored: None,
        },
        Some(summary),
    )
}

fn same_file(file: &SourceFile, stored: &StoredFile) -> bool {
    file.rel == stored.rel
        && file.module == stored.module
        && file.is_package == stored.is_package
        && file.is_stub == stored.is_stub
        && file.is_test == stored.is_test
}

fn warm(
    layout: Layout,
    snapshot: Arc<Snapshot>,
    written: Written,
    options: &OpenOptions,
    started: Instant,
) -> Project {
    let header = &snapshot.header;
    let root = layout.root.clone();
    let walk = (!tree::unchanged(&root, header)).then(|| layout.walk());
    let files: Vec<SourceFile> = match &walk {
        Some(walk) => walk.files.clone(),
        None => {
            let mut files = header
                .files
                .iter()
                .map(|f| SourceFile {
                    path: root.join(discover::path_from_bytes(&f.path)),
                    rel: f.rel.clone(),
                    module: f.module.clone(),
                    is_package: f.is_package,
                    is_stub: f.is_stub,
                    is_test: f.is_test,
                })
                .collect();
            layout.as_staged(&mut files);
            files
        }
    };
    let same_files = files.len() == header.files.len()
        && files
            .iter()
            .zip(&header.files)
            .all(|(f, s)| same_file(f, s));
    let by_rel: FxHashMap<&str, &StoredFile> = if same_files {
        FxHashMap::default()
    } else {
        header.files.iter().map(|f| (f.rel.as_str(), f)).collect()
    };
    let discovered = started.elapsed();
    let started = Instant::now();
    // A clock that went back since the snapshot makes every stamp suspect: hash them all.
    let trusted_before = if options.hash_all || written.read_at < header.created_ns {
        0
    } else {
        header.created_ns
    };
    let compared: Vec<(FileState, Option<FileSummary>)> = files
        .par_iter()
        .enumerate()
        .map(|(index, file)| {
            let stored = if same_files {
                Some(&header.files[index])
            } else {
                by_rel.get(file.rel.as_str()).copied()
            };
            compare(file, stored, trusted_before, &layout.target)
        })
        .collect();
    let mut states = Vec::with_capacity(compared.len());
    let mut fresh = Vec::new();
    for (index, (state, summary)) in compared.into_iter().enumerate() {
        states.push(state);
        if let Some(summary) = summary {
            fresh.push((index, summary));
        }
    }
    let changed: Vec<usize> = fresh.iter().map(|(index, _)| *index).collect();
    let parsing = started.elapsed();
    note(
        options.verbose,
        format!(
            "{} of {} files parsed again{}",
            changed.len(),
            files.len(),
            if walk.is_some() { ", tree walked" } else { "" }
        ),
    );
    let source = StoredSummaries {
        snapshot: snapshot.clone(),
        blobs: states.iter().map(|s| s.stored).collect(),
        files: files.iter().map(|f| (f.path.clone(), f.is_stub)).collect(),
        target: layout.target.clone(),
    };
    let summaries = Summaries::lazy(files.len(), fresh, Box::new(source));
    let walk_diagnostics = match &walk {
        Some(walk) => walk.diagnostics.clone(),
        None => header.walk_diagnostics.clone(),
    };
    let mut project = if same_files {
        restore(
            layout,
            &snapshot,
            files,
            summaries,
            walk_diagnostics,
            changed,
        )
    } else {
        Project::build(layout, files, summaries, walk_diagnostics)
    };
    project
        .timings
        .splice(0..0, [("discover", discovered), ("parse", parsing)]);
    let tree = match walk {
        // The tree changed: record it as it is now, so the next run need not walk.
        Some(walk) => Some(Tree::of(&root, &walk, written.read_at)),
        None if project.changed_files.len() > MAX_DRIFT => Some(Tree {
            dirs: header.dirs.clone(),
            ignore_files: header.ignore_files.clone(),
            walk_diagnostics: header.walk_diagnostics.clone(),
        }),
        None => None,
    };
    match tree {
        Some(tree) => {
            let pending = PendingSave {
                written,
                tree,
                states,
                old: Some(snapshot),
            };
            pending.hand_over(project, options)
        }
        None => project,
    }
}

/// Summaries of unchanged files, decoded from the snapshot when first read; a damaged
/// entry is parsed from the file instead.
struct StoredSummaries {
    snapshot: Arc<Snapshot>,
    blobs: Vec<Option<BlobRef>>,
    files: Vec<(PathBuf, bool)>,
    target: Target,
}

impl SummarySource for StoredSummaries {
    fn load(&self, file: usize) -> FileSummary {
        if let Some(summary) = self.blobs[file].and_then(|blob| self.snapshot.summary(blob)) {
            return summary;
        }
        let (path, is_stub) = &self.files[file];
        match parse::read_source(path) {
            Ok(source) => source.summarize(*is_stub, &self.target),
            Err(_) => FileSummary::default(),
        }
    }
}

/// The project from the snapshot: modules indexed again (cheap), sites and edges of
/// unchanged files restored, those of `changed` files indexed from their new summaries.
fn restore(
    layout: Layout,
    snapshot: &Snapshot,
    files: Vec<SourceFile>,
    summaries: Summaries,
    mut diagnostics: Vec<FileDiagnostic>,
    changed: Vec<usize>,
) -> Project {
    let started = Instant::now();
    let header = &snapshot.header;
    let is_changed = {
        let mut flags = vec![false; files.len()];
        for &file in &changed {
            flags[file] = true;
        }
        flags
    };
    let changed_paths: FxHashSet<&str> = changed.iter().map(|&f| files[f].rel.as_str()).collect();
    diagnostics.extend(
        header
            .parse_diagnostics
            .iter()
            .filter(|d| !changed_paths.contains(d.path.as_str()))
            .cloned(),
    );
    for &file in &changed {
        diagnostics.extend(parse_diagnostics(&files[file], summaries.get(file)));
    }
    diagnostics.sort();
    let mut project = Project::new(layout, files, summaries, diagnostics);
    project.index_modules();
    project.sites.reserve(header.sites.len());
    project.graph.reserve_edges(header.edges as usize);
    let mut interner = Interner::default();
    let strings: Vec<Arc<str>> = header.strings.iter().map(|s| interner.intern(s)).collect();
    // External modules are numbered in the order sites first name them, as when indexing.
    let mut external: Vec<Option<ModuleId>> = vec![None; strings.len()];
    // Old site id -> new one (sites of changed files have none).
    let mut renumbered = vec![u32::MAX; header.sites.len()];
    for (file, &changed) in is_changed.iter().enumerate() {
        if changed {
            project.index_sites(&[file], &mut interner);
            continue;
        }
        let importer = project.by_name[&project.files[file].module];
        let mut edges = FileEdges::default();
        let range = header.site_offsets[file] as usize..header.site_offsets[file + 1] as usize;
        for old in range {
            let stored = header.sites[old];
            let node = match stored.node {
                StoredNode::None => None,
                StoredNode::Internal(id) => Some(id),
                StoredNode::External(name) => {
                    let known = &mut external[name as usize];
                    Some(*known.get_or_insert_with(|| project.node_for(&strings[name as usize])))
                }
            };
            let site = Site {
                file,
                import: stored.import as usize,
                importer,
                target: strings.get(stored.target as usize).cloned(),
                node,
                context: stored.context,
            };
            renumbered[old] = project.sites.len() as u32;
            project.add_site(site, header.implicit.row(old), &mut edges);
        }
    }
    let mut chains = Dependents::default();
    for module in 0..header.chains.offsets.len().saturating_sub(1) {
        chains.push_row(
            header
                .chains
                .row(module)
                .iter()
                .map(|&old| renumbered[old as usize])
                .filter(|&new| new != u32::MAX),
        );
    }
    project.chains = Some(chains);
    let mut binders = header.binders.clone();
    if !changed.is_empty() {
        let changed_modules: Vec<ModuleId> = changed
            .iter()
            .map(|&f| project.by_name[&project.files[f].module])
            .collect();
        binders.retain(|(_, m)| !changed_modules.contains(m));
        binders.extend(project.binders_of(&changed_modules));
        binders.sort_unstable();
    }
    let _ = project.binders.set(binders);
    project.changed_files = changed;
    project.timings.push(("restore", started.elapsed()));
    project
}

/// Writes a new snapshot of `project`; failures are reported with `-v` only.
/// Where a new snapshot goes and what it is stamped with.
struct Written {
    path: PathBuf,
    key: u64,
    /// When this run started reading files.
    read_at: u64,
    /// Say on stderr how writing went.
    verbose: bool,
}

/// A snapshot to write of a project just built: at once, or (with
/// `OpenOptions::defer_save`) by the caller, on another thread while it uses the project.
pub struct PendingSave {
    written: Written,
    tree: Tree,
    states: Vec<FileState>,
    old: Option<Arc<Snapshot>>,
}

impl PendingSave {
    fn hand_over(self, mut project: Project, options: &OpenOptions) -> Project {
        if options.defer_save {
            project.pending_save = Some(self);
        } else {
            self.write(&project);
        }
        project
    }

    /// Writes the snapshot of `project` (the project this save was made for); failures
    /// are reported with `-v` only.
    pub fn write(self, project: &Project) {
        save(
            project,
            &self.written,
            self.tree,
            &self.states,
            self.old.as_deref(),
        );
    }
}

fn save(
    project: &Project,
    written: &Written,
    tree: Tree,
    states: &[FileState],
    old: Option<&Snapshot>,
) {
    let started = Instant::now();
    // Every summary is read below (encoded, or resolved through): decode them in parallel.
    project.summaries.load_all();
    let mut strings = StringTable::default();
    let mut header = Header {
        tool: env!("CARGO_PKG_VERSION").to_string(),
        key: written.key,
        created_ns: written.read_at,
        dirs: tree.dirs,
        ignore_files: tree.ignore_files,
        walk_diagnostics: tree.walk_diagnostics,
        ..Header::default()
    };
    // Sites are indexed in file order.
    let mut site_offsets = vec![0u32; project.files.len() + 1];
    for site in &project.sites {
        site_offsets[site.file + 1] += 1;
    }
    for file in 0..project.files.len() {
        site_offsets[file + 1] += site_offsets[file];
    }
    let mut implicit_rows: Vec<Vec<u32>> = vec![Vec::new(); project.sites.len()];
    for edge in project.graph.edge_indices() {
        let Some((_, to)) = project.graph.edge_endpoints(edge) else {
            continue;
        };
        for &site in &project.graph[edge].implicit_sites {
            implicit_rows[site].push(to.index() as u32);
        }
    }
    for row in implicit_rows {
        header.implicit.push_row(row.into_iter());
    }
    for site in &project.sites {
        let node = match site.node {
            None => StoredNode::None,
            Some(node) if project.modules[node as usize].external => {
                StoredNode::External(strings.id(&project.modules[node as usize].name))
            }
            Some(node) => StoredNode::Internal(node),
        };
        header.sites.push(StoredSite {
            import: site.import as u32,
            target: site.target.as_deref().map_or(u32::MAX, |t| strings.id(t)),
            node,
            context: site.context,
        });
    }
    header.site_offsets = site_offsets;
    header.edges = project.graph.edge_count() as u32;
    header.strings = strings.strings;
    header.chains = chains(project);
    let binders = project.binders_of(&(0..project.files.len() as ModuleId).collect::<Vec<_>>());
    header.binders = binders;
    let encoded: Vec<Blob> = (0..project.files.len())
        .into_par_iter()
        .map(|file| {
            let raw = states[file]
                .stored
                .and_then(|blob| old.and_then(|snapshot| snapshot.blob(blob)));
            match raw {
                Some(bytes) => Blob(bytes),
                None => Blob(snapshot::encode(project.summary(file))),
            }
        })
        .collect();
    for (index, (file, state)) in project.files.iter().zip(states).enumerate() {
        header
            .parse_diagnostics
            .extend(parse_diagnostics(file, project.summary(index)));
        header.files.push(StoredFile {
            rel: file.rel.clone(),
            path: match file.path.strip_prefix(&project.root) {
                Ok(rel) => discover::path_bytes(rel),
                Err(_) => file.rel.clone().into_bytes(),
            },
            module: file.module.clone(),
            is_package: file.is_package,
            is_stub: file.is_stub,
            is_test: file.is_test,
            // A file that could not be read is never taken as unchanged.
            stamp: state.stamp.unwrap_or(Stamp {
                size: u64::MAX,
                mtime_ns: 0,
            }),
            hash: state.hash,
            blob: BlobRef {
                offset: 0,
                len: 0,
                checksum: 0,
            },
        });
    }
    let path = written.path.as_path();
    match snapshot::write(path, header, &encoded) {
        Ok(()) => note(
            written.verbose,
            format!("{} written in {:.1?}", path.display(), started.elapsed()),
        ),
        Err(error) => note(
            written.verbose,
            format!("{} not written: {error:#}", path.display()),
        ),
    }
}

/// Strings stored once, referred to by index.
#[derive(Default)]
struct StringTable {
    strings: Vec<String>,
    ids: FxHashMap<String, u32>,
}

impl StringTable {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(text.to_string());
        self.ids.insert(text.to_string(), id);
        id
    }
}

/// For each internal module, the sites whose import names it or whose re-export chain
/// passes through it.
fn chains(project: &Project) -> Dependents {
    let mut resolver = Resolver::new(project);
    let mut rows: Vec<Vec<u32>> = vec![Vec::new(); project.files.len()];
    for site in 0..project.sites.len() {
        let (resolution, hops) = resolver.resolve_site(site);
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
        for module in modules {
            if let Some(row) = rows.get_mut(module as usize) {
                row.push(site as u32);
            }
        }
    }
    let mut dependents = Dependents::default();
    for row in rows {
        dependents.push_row(row.into_iter());
    }
    dependents
}
