//! Loading a repository: discover → look up the cache snapshot → parse what changed →
//! index → save a new snapshot. The one place that knows both the cache and the index.
//!
//! A warm run checks the snapshot against the tree (directory listings, ignore files,
//! each file's size and modification time, and the content hash of any file whose stamp
//! moved), parses only files whose content changed, and restores everything else: the
//! module table, the sites of unchanged files and the graph. Summaries of unchanged files
//! are decoded only when something reads them. A new snapshot is written when there was
//! none, when the set of files changed, or when many files drifted from it.

mod cold;
mod layout;
pub mod revision;
mod save;
mod warm;

pub use layout::{Layout, OpenOptions};
pub use save::PendingSave;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;

use crate::cache::snapshot::Snapshot;
use crate::config::Config;
use crate::environment::Environment;
use crate::index::Project;
use save::{FileState, Tree, Written, note};

/// Discovers, parses and indexes the repository at `root`, through the cache unless
/// `options.cache` is off; a new snapshot is written before this returns.
pub fn open(root: PathBuf, config: &Config, options: &OpenOptions) -> Result<Project> {
    let (project, save) = open_deferred(root, config, options)?;
    if let Some(save) = save {
        save.write(&project);
    }
    Ok(project)
}

/// As `open`, leaving the new snapshot (when one is due) to the caller, who may write
/// it on another thread while using the project. Never fails because of the cache: an
/// unusable one is rebuilt, an unwritable one skipped.
pub fn open_deferred(
    root: PathBuf,
    config: &Config,
    options: &OpenOptions,
) -> Result<(Project, Option<PendingSave>)> {
    let mut layout = Layout::new(root, config)?;
    layout.staged = options.staged.clone();
    let environment = Environment::detect(&layout.root, layout.target.python_version);
    if options.verbose {
        match &environment.location {
            Some(location) => eprintln!("environment: {}", location.display()),
            None => eprintln!("environment: none found ($VIRTUAL_ENV, .venv, venv)"),
        }
    }
    let (mut project, save) = if options.cache {
        through_cache(layout, config, options)
    } else {
        (cold::read(layout, options).0, None)
    };
    if project.known.environment != environment.fingerprint() {
        project.known.outcomes.clear();
    }
    project.environment = environment;
    Ok((project, save))
}

/// The project from the snapshot, or read cold when there is none that fits.
fn through_cache(
    layout: Layout,
    config: &Config,
    options: &OpenOptions,
) -> (Project, Option<PendingSave>) {
    let path = crate::cache::snapshot_path(&layout.root, config.cache_dir());
    let key = layout.key(config);
    let started = Instant::now();
    // Files are read after this: one changed since is hashed on the next run even when
    // its stamp matches (it may have changed again within the clock's resolution).
    let read_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let snapshot = match Snapshot::read(&path, key) {
        Ok(snapshot) => snapshot,
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
        let (project, fingerprints, walk) = cold::read(layout, options);
        let states: Vec<FileState> = fingerprints
            .into_iter()
            .map(|(stamp, hash)| FileState {
                stamp,
                hash,
                stored: None,
            })
            .collect();
        let mut project = project;
        project.cache = Some(save::cache_state(&written, &project, &states));
        let save = PendingSave {
            written,
            tree: Tree::of(&root, &walk, read_at),
            states,
            old: None,
        };
        return (project, Some(save));
    };
    warm::open(layout, snapshot, written, options, started.elapsed())
}
