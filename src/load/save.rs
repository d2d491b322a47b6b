//! Writing a new snapshot of a project just loaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::cache::snapshot::{self, BlobRef, Header, Snapshot, StoredFile, StoredNode, StoredSite};
use crate::cache::tree;
use crate::discover::{self, FileDiagnostic};
use crate::fingerprint::Stamp;
use crate::index::{CacheState, Project, parse_diagnostics};
use crate::outcome::SiteOutcome;
use crate::rows::Rows;

/// How a file stands against the snapshot.
#[derive(Clone, Copy)]
pub(super) struct FileState {
    pub(super) stamp: Option<Stamp>,
    pub(super) hash: u64,
    /// Its summary is the snapshot's, at this blob.
    pub(super) stored: Option<BlobRef>,
}

impl FileState {
    /// As `stored` recorded it.
    pub(super) fn stored(stored: &snapshot::StoredFile) -> FileState {
        FileState {
            stamp: Some(stored.stamp),
            hash: stored.hash,
            stored: Some(stored.blob),
        }
    }
}

/// What the walk depended on when the snapshot was taken.
pub(super) struct Tree {
    pub(super) dirs: Vec<snapshot::DirStamp>,
    pub(super) ignore_files: Vec<snapshot::IgnoreStamp>,
    pub(super) walk_diagnostics: Vec<FileDiagnostic>,
}

impl Tree {
    /// The stamps of what `walk`, begun at `walked_ns`, depended on.
    pub(super) fn of(root: &Path, walk: &discover::Walk, walked_ns: u64) -> Tree {
        Tree {
            dirs: tree::dir_stamps(root, &walk.dirs, walked_ns),
            ignore_files: tree::ignore_stamps(root, &walk.dirs, walked_ns),
            walk_diagnostics: walk.diagnostics.clone(),
        }
    }
}

/// Says on stderr, with `-v`, how the cache was used.
pub(super) fn note(verbose: bool, message: impl std::fmt::Display) {
    if verbose {
        eprintln!("cache: {message}");
    }
}

/// Where a new snapshot goes and what it is stamped with.
#[derive(Clone)]
pub(super) struct Written {
    pub(super) path: PathBuf,
    pub(super) key: u64,
    /// When this run started reading files.
    pub(super) read_at: u64,
    /// Say on stderr how writing went.
    pub(super) verbose: bool,
}

/// A snapshot to write of a project just built (see `load::open_deferred`).
pub struct PendingSave {
    pub(super) written: Written,
    pub(super) tree: Tree,
    pub(super) states: Vec<FileState>,
    pub(super) old: Option<Arc<Snapshot>>,
}

impl PendingSave {
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

/// Files whose summaries are encoded together before they are written.
const BLOB_BATCH: usize = 1024;

fn save(
    project: &Project,
    written: &Written,
    tree: Tree,
    states: &[FileState],
    old: Option<&Snapshot>,
) {
    let started = Instant::now();
    let reused = reusable(project, old);
    if reused.is_none() {
        // Every summary is read below (encoded, or resolved through): decode them in
        // parallel.
        project.summaries.load_all();
    }
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
        site_offsets[site.file as usize + 1] += 1;
    }
    for file in 0..project.files.len() {
        site_offsets[file + 1] += site_offsets[file];
    }
    header.index.implicit = project.implicit.clone();
    for site in &project.sites {
        let node = match site.node() {
            None => StoredNode::None,
            Some(node) if project.modules[node as usize].external => {
                StoredNode::External(strings.id(&project.modules[node as usize].name))
            }
            Some(node) => StoredNode::Internal(node),
        };
        let stored = StoredSite {
            import: site.import,
            target: site.target.as_deref().map_or(u32::MAX, |t| strings.id(t)),
            node,
            context: site.context,
        };
        crate::cache::tables::sites::put_site(&mut header.index.table.sites, stored);
    }
    header.index.table.offsets = site_offsets;
    header.index.table.strings = strings.strings;
    match &reused {
        Some(reused) => {
            header.index.chains = reused.chains.clone();
            header.index.results.outcomes = reused.outcomes.to_vec();
            header.index.results.definitions = reused.definitions.clone();
            header.index.binders = reused.binders.clone();
        }
        None => {
            (header.index.chains, header.index.results.outcomes) = resolve_all(project);
            header.index.results.definitions = (0..project.files.len())
                .map(|file| project.summary(file).definition_count())
                .collect();
            header.index.binders = project.binders_of(&project.file_modules());
        }
    }
    header.index.results.environment = project.environment.fingerprint();
    header.index.results.graph = crate::graph::figures(project).clone();
    // Encoded in parallel a batch at a time and written as they come: never all held.
    let files: Vec<usize> = (0..project.files.len()).collect();
    let blobs = files.chunks(BLOB_BATCH).flat_map(|batch| {
        batch
            .par_iter()
            .map(|&file| {
                states[file]
                    .stored
                    .and_then(|blob| old.and_then(|snapshot| snapshot.blob(blob)))
                    .unwrap_or_else(|| snapshot::encode(project.summary(file)))
            })
            .collect::<Vec<_>>()
    });
    header.parse_diagnostics = match &reused {
        Some(reused) => reused.parse_diagnostics.to_vec(),
        None => (project.files.iter().enumerate())
            .flat_map(|(index, file)| parse_diagnostics(file, project.summary(index)))
            .collect(),
    };
    for (file, state) in project.files.iter().zip(states) {
        header.files.push(StoredFile {
            rel: file.rel.clone(),
            path: match file
                .path
                .strip_prefix(&project.root)
                .map(discover::path_bytes)
            {
                Ok(path) if path != file.rel.as_bytes() => path,
                _ => Vec::new(),
            },
            module: file.module.clone(),
            is_package: file.is_package,
            is_stub: file.is_stub,
            is_test: file.is_test,
            compiled: file.compiled,
            companion: file.companion,
            // A file that could not be read is never taken as unchanged.
            stamp: state.stamp.unwrap_or(Stamp {
                size: u64::MAX,
                mtime_ns: 0,
                ctime_ns: 0,
                ino: 0,
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
    match snapshot::write(path, header, blobs) {
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

/// What the snapshot this run restored knew that nothing since has changed: kept as it
/// was rather than worked out again when a snapshot is rewritten only because the tree
/// was walked (as the run after a cold one does: making the cache folder moved the root).
struct Reused<'p> {
    chains: &'p Rows,
    outcomes: &'p [SiteOutcome],
    definitions: Vec<u32>,
    binders: &'p crate::index::Binders,
    parse_diagnostics: &'p [FileDiagnostic],
}

fn reusable<'p>(project: &'p Project, old: Option<&'p Snapshot>) -> Option<Reused<'p>> {
    let old = old?;
    if !project.changed_files.is_empty() || project.known.outcomes.len() != project.sites.len() {
        return None;
    }
    let definitions = project
        .known
        .definitions
        .iter()
        .copied()
        .collect::<Option<_>>()?;
    Some(Reused {
        chains: project.chains.as_ref()?,
        outcomes: &project.known.outcomes,
        definitions,
        binders: project.all_binders(),
        parse_diagnostics: &old.header.parse_diagnostics,
    })
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
/// passes through it; and each site's outcome.
fn resolve_all(project: &Project) -> (Rows, Vec<SiteOutcome>) {
    let every = crate::resolve::every_site(project);
    let dependents = every.through.transposed(project.files.len());
    (dependents, every.outcomes.clone())
}

/// The fingerprint of what a snapshot holds: its key and every file's path and hash.
pub(super) fn cache_state(
    written: &Written,
    project: &Project,
    states: &[FileState],
) -> CacheState {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write_u64(written.key);
    for (file, state) in project.files.iter().zip(states) {
        hasher.write(file.rel.as_bytes());
        hasher.write_u64(state.hash);
    }
    CacheState {
        dir: written
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        state: hasher.finish(),
        hashes: states.iter().map(|state| state.hash).collect(),
    }
}
