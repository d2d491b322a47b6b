//! A run with a snapshot: each file compared with its stored entry, only changed files
//! parsed, and the project restored from the snapshot when the set of files is the same.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::cold::{parse_file, summarize};
use super::layout::{Layout, OpenOptions};
use super::save::{FileState, PendingSave, Tree, Written, note};
use crate::cache::RACY_NS;
use crate::cache::snapshot::{
    Header, Snapshot, StoredFile, StoredIndex, StoredNode, StoredResults, StoredSites,
};
use crate::cache::tables::sites::SiteReader;
use crate::cache::tree;
use crate::discover::{FileDiagnostic, SourceFile};
use crate::fingerprint::{Stamp, Stamps, source_hash};
use crate::index::{ModuleId, Project, Site, StoredBinders, merge_sorted, parse_diagnostics};
use crate::parse::Detail;
use crate::parse::{self, Target};
use crate::rows::Rows;
use crate::staged::SubstituteTree;
use crate::summaries::{Summaries, SummarySource};
use crate::summary::{FileSummary, Name};

/// Files parsed again on every run before the snapshot is rewritten.
const MAX_DRIFT: usize = 32;

/// A file compared with its stored entry: the same content (maybe a new stamp), or
/// parsed anew (boxed: most files are not, and a summary is half a kilobyte inline).
fn compare(
    file: &SourceFile,
    stored: Option<&StoredFile>,
    created_ns: u64,
    target: &Target,
    stamps: &Stamps,
) -> (FileState, Option<Box<FileSummary>>) {
    let stamp = stamps.read(&file.path);
    if let (Some(stored), Some(stamp)) = (stored, stamp)
        && vouches(stored, stamp, created_ns)
    {
        return (FileState::stored(stored), None);
    }
    let Ok(source) = parse::read_source(&file.path) else {
        // Unreadable: the summary carries the diagnostic; never taken as unchanged.
        let state = FileState {
            stamp: None,
            hash: 0,
            stored: None,
        };
        return (
            state,
            Some(Box::new(
                parse_file(file, target, true, Detail::FULL).summary,
            )),
        );
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
    let summary = summarize(file, &source, target, Detail::FULL);
    (
        FileState {
            stamp,
            hash,
            stored: None,
        },
        Some(Box::new(summary)),
    )
}

/// Whether a file's stamp says it still holds what `stored` recorded: the same stamp, not
/// taken within the clock's resolution of the snapshot.
fn vouches(stored: &StoredFile, stamp: Stamp, created_ns: u64) -> bool {
    stored.stamp == stamp && stamp.mtime_ns < created_ns.saturating_sub(RACY_NS)
}

/// Whether the file at `path` still holds what `stored` recorded: by its stamp, or when
/// the stamp moved, by its content's hash.
fn unchanged(path: &Path, stored: &StoredFile, created_ns: u64, stamps: &Stamps) -> bool {
    match stamps.read(path) {
        Some(stamp) if vouches(stored, stamp, created_ns) => true,
        Some(_) => parse::read_source(path).is_ok_and(|source| source_hash(&source) == stored.hash),
        None => false,
    }
}

/// Whether `path` is `folder` or below it, comparing bytes (`Path::starts_with` parses
/// every component: a fifth of a warm check on a large tree).
fn is_under(path: &Path, folder: &Path) -> bool {
    let (path, folder) = (
        path.as_os_str().as_encoded_bytes(),
        folder.as_os_str().as_encoded_bytes(),
    );
    path.strip_prefix(folder)
        .is_some_and(|rest| rest.is_empty() || rest[0] == b'/' || folder.ends_with(b"/"))
}

fn same_file(file: &SourceFile, stored: &StoredFile) -> bool {
    file.rel == stored.rel
        && file.module == stored.module
        && file.is_package == stored.is_package
        && file.is_stub == stored.is_stub
        && file.is_test == stored.is_test
        && file.compiled == stored.compiled
        && file.companion == stored.companion
}

pub fn open(
    layout: Layout,
    mut snapshot: Snapshot,
    written: Written,
    options: &OpenOptions,
    read_time: Duration,
) -> (Project, Option<PendingSave>) {
    // The stored graph is restored into the project, not copied: it leaves the snapshot.
    let index = std::mem::take(&mut snapshot.header.index);
    let snapshot = Arc::new(snapshot);
    // A folder that changed within the clock's resolution of the last walk was stored
    // to be walked again (as the run after a cold one does).
    let walks = snapshot.header.dirs.iter().any(|dir| dir.listing == 0);
    // Otherwise no folder changed, usually: the files are compared and the module table
    // made from the snapshot's own file list while the folders are checked (a path
    // lookup each, tens of thousands on a big tree) on the other core, and again from a
    // walk when one did change.
    let (unchanged, assumed) = match walks {
        true => (false, None),
        false => rayon::join(
            || tree::unchanged(&layout.root, &snapshot.header),
            || Some(compared(layout.clone(), &snapshot, None, &written, options)),
        ),
    };
    let compared = match assumed {
        Some(assumed) if unchanged => assumed,
        _ => {
            let walk = layout.walk();
            compared(layout, &snapshot, Some(walk), &written, options)
        }
    };
    note(options.verbose, compared.said.clone());
    let (mut project, pending) = finish(compared, &snapshot, index, written, options.whole_index);
    project.timings.insert(0, ("snapshot", read_time));
    (project, pending)
}

/// The files a walk found (`None`: the snapshot's own) compared with the snapshot, and
/// the project as far as it is made without the stored index.
struct Compared {
    walk: Option<crate::discover::Walk>,
    states: Vec<FileState>,
    changed: Vec<usize>,
    /// With `check FILES`: which files were compared up front.
    partial: Option<Vec<bool>>,
    /// What `-v` says of it.
    said: String,
    made: Made,
    timings: Vec<(&'static str, Duration)>,
}

enum Made {
    /// The snapshot's files: its module table made, its sites to restore.
    SameFiles(Box<Project>),
    /// Other files: everything is indexed again.
    Other(Box<OtherFiles>),
}

struct OtherFiles {
    layout: Layout,
    files: Vec<SourceFile>,
    summaries: Summaries,
    walk_diagnostics: Vec<FileDiagnostic>,
}

/// Compares the files with the snapshot's entries (only those named, with `check
/// FILES`) and, when they are the snapshot's files, makes their module table.
fn compared(
    layout: Layout,
    snapshot: &Arc<Snapshot>,
    walk: Option<crate::discover::Walk>,
    written: &Written,
    options: &OpenOptions,
) -> Compared {
    let started = Instant::now();
    let header = &snapshot.header;
    let root = layout.root.clone();
    let files: Vec<SourceFile> = match &walk {
        Some(walk) => walk.files.clone(),
        None => {
            let mut files = header
                .files
                .par_iter()
                .map(|f| f.source_file(&root))
                .collect();
            layout.as_staged(&mut files);
            files
        }
    };
    // Files made from the snapshot's own list are its files.
    let same_files = (walk.is_none() && layout.staged.is_none())
        || files.len() == header.files.len()
            && files
                .par_iter()
                .zip(&header.files)
                .all(|(f, s)| same_file(f, s));
    let by_rel: FxHashMap<&str, usize> = if same_files {
        FxHashMap::default()
    } else {
        (header.files.iter().enumerate())
            .map(|(index, f)| (f.rel.as_str(), index))
            .collect()
    };
    let discovered = started.elapsed();
    let started = Instant::now();
    // A clock that went back since the snapshot makes every stamp suspect: hash them all.
    let trusted_before = if options.hash_all || written.read_at < header.created_ns {
        0
    } else {
        header.created_ns
    };
    let stamps = Stamps::under(&root);
    // Per file, its entry in the snapshot.
    let entries: Vec<Option<usize>> = match same_files {
        true => (0..files.len()).map(Some).collect(),
        false => files
            .iter()
            .map(|f| by_rel.get(f.rel.as_str()).copied())
            .collect(),
    };
    // With `check FILES` only the files named are compared up front; the others are
    // taken as stored, and those the answer reads are compared after it.
    let compared_up_front: Option<Vec<bool>> = match &options.compare_only {
        Some(paths) if same_files => Some(
            files
                .par_iter()
                .map(|file| paths.iter().any(|path| is_under(&file.path, path)))
                .collect(),
        ),
        _ => None,
    };
    let compared: Vec<(FileState, Option<Box<FileSummary>>)> = files
        .par_iter()
        .zip(&entries)
        .enumerate()
        .map(|(index, (file, entry))| {
            let stored = entry.map(|entry| &header.files[entry]);
            match (stored, &compared_up_front) {
                (Some(stored), Some(up_front)) if !up_front[index] => {
                    (FileState::stored(stored), None)
                }
                _ => compare(file, stored, trusted_before, &layout.target, &stamps),
            }
        })
        .collect();
    let mut states = Vec::with_capacity(compared.len());
    let mut fresh = Vec::new();
    let mut kept = Vec::with_capacity(compared.len());
    for (index, (state, summary)) in compared.into_iter().enumerate() {
        states.push(state);
        // A file parsed again has its summary; one that was not is its snapshot entry's.
        kept.push(match summary {
            Some(summary) => {
                fresh.push((index, *summary));
                None
            }
            None => entries[index],
        });
    }
    let changed: Vec<usize> = fresh.iter().map(|(index, _)| *index).collect();
    let parsing = started.elapsed();
    let partial = compared_up_front.clone();
    let walked = if walk.is_some() { ", tree walked" } else { "" };
    let said = match &compared_up_front {
        Some(up_front) => format!(
            "{} of {} files compared, {} parsed again{walked}; the others are compared when read",
            up_front.iter().filter(|&&compared| compared).count(),
            files.len(),
            changed.len()
        ),
        None => format!(
            "{} of {} files parsed again{walked}",
            changed.len(),
            files.len(),
        ),
    };
    let source = StoredSummaries {
        snapshot: snapshot.clone(),
        entries: kept,
        root: root.clone(),
        staged: layout.staged.clone(),
        target: layout.target.clone(),
        unseen: compared_up_front.map(|compared| Unseen {
            compared,
            created_ns: trusted_before,
            stamps,
        }),
    };
    let summaries = Summaries::lazy(files.len(), fresh, Box::new(source));
    let walk_diagnostics = match &walk {
        Some(walk) => walk.diagnostics.clone(),
        None => header.walk_diagnostics.clone(),
    };
    let mut timings = vec![("discover", discovered), ("parse", parsing)];
    let made = match same_files {
        true => {
            let started = Instant::now();
            let project =
                restore_modules(layout, header, files, summaries, walk_diagnostics, &changed);
            timings.push(("modules", started.elapsed()));
            Made::SameFiles(Box::new(project))
        }
        false => Made::Other(Box::new(OtherFiles {
            layout,
            files,
            summaries,
            walk_diagnostics,
        })),
    };
    Compared {
        walk,
        states,
        changed,
        partial,
        said,
        made,
        timings,
    }
}

/// The project from what was compared: the stored sites restored into the snapshot's
/// module table, or everything indexed again; with the snapshot to write, if any.
fn finish(
    compared: Compared,
    snapshot: &Arc<Snapshot>,
    index: StoredIndex,
    written: Written,
    whole_index: bool,
) -> (Project, Option<PendingSave>) {
    let header = &snapshot.header;
    let Compared {
        walk,
        states,
        changed,
        partial,
        made,
        timings,
        ..
    } = compared;
    let mut project = match made {
        Made::SameFiles(project) => {
            let restored_for = partial.as_deref().filter(|_| !whole_index);
            restore(*project, index, changed, restored_for)
        }
        Made::Other(other) => {
            let OtherFiles {
                layout,
                files,
                summaries,
                walk_diagnostics,
            } = *other;
            Project::build(
                layout.root,
                layout.source_roots,
                files,
                summaries,
                walk_diagnostics,
            )
        }
    };
    project.timings.splice(0..0, timings);
    project.cache = Some(super::save::cache_state(&written, &project, &states));
    let tree = match walk {
        // Files not compared are not known to be as stored: no snapshot is made of them.
        _ if partial.is_some() => None,
        // The tree changed: record it as it is now, so the next run need not walk.
        Some(walk) => Some(Tree::of(&project.root, &walk, written.read_at)),
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
                old: Some(snapshot.clone()),
            };
            (project, Some(pending))
        }
        None => (project, None),
    }
}

/// Summaries of unchanged files (by their entry in the snapshot), decoded from the
/// snapshot when first read; a damaged entry is parsed from the file instead.
struct StoredSummaries {
    snapshot: Arc<Snapshot>,
    entries: Vec<Option<usize>>,
    root: PathBuf,
    /// With `--staged`: a file's content is the index's copy, read from where it was
    /// checked out.
    staged: Option<Arc<SubstituteTree>>,
    target: Target,
    /// With `check FILES`: the files not compared up front.
    unseen: Option<Unseen>,
}

/// Which files were compared with the snapshot up front, and what compares the others.
struct Unseen {
    compared: Vec<bool>,
    created_ns: u64,
    stamps: Stamps,
}

impl SummarySource for StoredSummaries {
    fn changed_unseen(&self, files: &[usize]) -> Vec<usize> {
        let Some(unseen) = &self.unseen else {
            return Vec::new();
        };
        files
            .par_iter()
            .copied()
            .filter(|&file| !unseen.compared[file])
            .filter(|&file| {
                self.entries[file].is_some_and(|entry| {
                    let stored = &self.snapshot.header.files[entry];
                    let path = stored.path_under(&self.root);
                    !unchanged(&path, stored, unseen.created_ns, &unseen.stamps)
                })
            })
            .collect()
    }

    fn load(&self, file: usize) -> Arc<FileSummary> {
        let Some(entry) = self.entries[file].map(|e| &self.snapshot.header.files[e]) else {
            return Arc::default();
        };
        if let Some(summary) = self.snapshot.summary(entry.blob) {
            return summary;
        }
        let mut file = entry.source_file(&self.root);
        if let Some(staged) = &self.staged {
            staged.place(&mut file);
        }
        Arc::new(match parse::read_source(&file.path) {
            Ok(source) => summarize(&file, &source, &self.target, Detail::FULL),
            Err(_) => FileSummary::default(),
        })
    }
}

/// The project of the snapshot's files, its modules indexed again (cheap), with the
/// stored parse diagnostics of unchanged files and those of the `changed` ones.
fn restore_modules(
    layout: Layout,
    header: &Header,
    files: Vec<SourceFile>,
    summaries: Summaries,
    mut diagnostics: Vec<FileDiagnostic>,
    changed: &[usize],
) -> Project {
    let changed_paths: FxHashSet<&str> = changed.iter().map(|&f| files[f].rel.as_str()).collect();
    diagnostics.extend(
        header
            .parse_diagnostics
            .iter()
            .filter(|d| !changed_paths.contains(d.path.as_str()))
            .cloned(),
    );
    for &file in changed {
        diagnostics.extend(parse_diagnostics(&files[file], summaries.get(file)));
    }
    diagnostics.sort();
    let mut project = Project::new(
        layout.root,
        layout.source_roots,
        files,
        summaries,
        diagnostics,
    );
    project.index_modules();
    project
}

/// The sites and edges of unchanged files restored into `project` (made by
/// `restore_modules`), those of `changed` files indexed from their new summaries. With
/// `compared_only` (`check FILES`), only the sites an answer about those files reads are
/// restored (`Project::partial`).
fn restore(
    mut project: Project,
    index: StoredIndex,
    changed: Vec<usize>,
    compared_only: Option<&[bool]>,
) -> Project {
    let started = Instant::now();
    let is_changed = {
        let mut flags = vec![false; project.files.len()];
        for &file in &changed {
            flags[file] = true;
        }
        flags
    };
    let StoredIndex {
        table: StoredSites {
            strings,
            offsets,
            sites,
        },
        mut implicit,
        mut chains,
        binders: _,
        later_binders,
        results: _,
        later_results,
    } = index;
    let site_count = offsets.last().copied().unwrap_or(0) as usize;
    let owner = |site: u32| offsets.partition_point(|&offset| offset <= site) - 1;
    // With `check FILES`: the sites of the files compared, and of the files with a site
    // whose chain goes through their modules (what a change to them can break). An
    // answer that needs more is computed again from every site (`Project::partial`).
    let scope_modules: FxHashSet<ModuleId> =
        compared_only.map_or_else(FxHashSet::default, |compared| {
            (0..compared.len())
                .filter(|&file| compared[file])
                .map(|file| project.file_module[file])
                .collect()
        });
    let restored: Option<Vec<bool>> = compared_only.map(|compared| {
        let mut restored = compared.to_vec();
        for &module in &scope_modules {
            for &site in chains.row(module as usize) {
                if (site as usize) < site_count {
                    restored[owner(site)] = true;
                }
            }
        }
        restored
    });
    let renumber = !changed.is_empty() || restored.is_some();
    project.sites.reserve(match &restored {
        Some(restored) => (0..restored.len())
            .filter(|&file| restored[file])
            .map(|file| (offsets[file + 1] - offsets[file]) as usize)
            .sum(),
        None => site_count,
    });
    // Interned as first met: a partial restore meets few of them.
    let mut interned: Vec<Option<Name>> = vec![None; strings.len()];
    let mut intern = |index: u32| {
        let text = strings.get(index as usize)?;
        Some(*interned[index as usize].get_or_insert_with(|| Name::from(text.as_str())))
    };
    // External modules are numbered in the order sites first name them, as when indexing.
    let mut external: Vec<Option<ModuleId>> = vec![None; strings.len()];
    // Per file, the id its first site has now (`u32::MAX`: not restored); only when
    // files changed or only some are restored.
    let mut first_site = if renumber {
        vec![u32::MAX; is_changed.len()]
    } else {
        Vec::new()
    };
    if renumber {
        project.implicit.items.reserve(match restored {
            Some(_) => 0,
            None => implicit.items.len(),
        });
    } else {
        project.implicit = std::mem::take(&mut implicit);
    }
    // The packed sites were checked when the snapshot was read.
    let mut packed = SiteReader::new(&sites);
    for (file, &is_changed) in is_changed.iter().enumerate() {
        let range = offsets[file] as usize..offsets[file + 1] as usize;
        if is_changed {
            packed.skip(range.len());
            project.index_sites(&[file]);
            continue;
        }
        if restored.as_ref().is_some_and(|restored| !restored[file]) {
            packed.skip(range.len());
            continue;
        }
        if renumber {
            first_site[file] = project.sites.len() as u32;
        }
        for _ in range.clone() {
            let Some(stored) = packed.next_site() else {
                break;
            };
            let node = match stored.node {
                StoredNode::None => None,
                StoredNode::Internal(id) => Some(id),
                StoredNode::External(name) => {
                    let known = &mut external[name as usize];
                    Some(*known.get_or_insert_with(|| project.node_for(&strings[name as usize])))
                }
            };
            let target = intern(stored.target);
            let site = Site::new(file as u32, stored.import, target, node, stored.context);
            project.sites.push(site);
        }
        if renumber {
            project.implicit.extend_rows(&implicit, range);
        }
    }
    let renumbered = |site: u32| {
        let file = owner(site);
        (first_site.get(file).copied())
            .filter(|&first| first != u32::MAX)
            .map(|first| first + (site - offsets[file]))
    };
    if restored.is_some() {
        // Only the rows of the modules of the files compared are read (`dependents`).
        let mut kept = Rows::default();
        for module in 0..chains.len() {
            let row = chains.row(module);
            let row = scope_modules.contains(&(module as ModuleId)).then_some(row);
            kept.push_row(
                row.unwrap_or(&[])
                    .iter()
                    .filter_map(|&site| renumbered(site)),
            );
        }
        chains = kept;
    } else if !changed.is_empty() {
        // Every site's new id laid out at once: a lookup per chain entry, not a search.
        let mut new_ids = vec![u32::MAX; site_count];
        for (file, &first) in first_site.iter().enumerate() {
            if first != u32::MAX {
                let old = offsets[file] as usize..offsets[file + 1] as usize;
                for (new, old) in (first..).zip(old) {
                    new_ids[old] = new;
                }
            }
        }
        chains.filter_map_items(|old| {
            (new_ids.get(old as usize).copied()).filter(|&new| new != u32::MAX)
        });
    }
    // The stored table is restored: its memory goes.
    drop((sites, strings, interned, external, implicit, first_site));
    let changed_modules: Vec<ModuleId> = changed.iter().map(|&f| project.file_module[f]).collect();
    // Decoded when a rule or query first asks, with the changed modules' own.
    let make_binders = move |project: &Project| {
        let mut binders = later_binders.binders().ok()?;
        if !changed_modules.is_empty() {
            binders.retain(|(_, m)| !changed_modules.contains(m));
            let mut new = project.binders_of(&changed_modules);
            new.sort_unstable();
            merge_sorted(&mut binders, &new);
        }
        Some(binders)
    };
    project.stored_binders = StoredBinders(std::sync::Mutex::new(Some(Box::new(make_binders))));
    project.chains = Some(chains);
    project.partial = restored.is_some();
    // With a file changed, a site's resolution can change through any module it consults
    // (the chains index records the hops, not every module looked into): keep none.
    // (A run after a change resolves every site it needs, reading their summaries: the
    // definitions of unchanged files are worked out again as cheaply.)
    if changed.is_empty()
        && !project.partial
        && let Ok(results) = later_results.decode::<StoredResults>()
    {
        project.known.outcomes = results.outcomes;
        project.known.environment = results.environment;
        project.known.definitions = results.definitions.into_iter().map(Some).collect();
        // The same sites make the same graph.
        let _ = project.graph_figures.set(results.graph);
    }
    project.changed_files = changed;
    project.timings.push(("restore", started.elapsed()));
    project
}
