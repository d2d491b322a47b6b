//! A project read from a commit's files in git's object store, with no checkout. The
//! configuration, source roots and environment are the working tree's, so two commits
//! are measured by the same rules.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use rustc_hash::FxHashMap;

use super::layout::Layout;
use crate::config::Config;
use crate::environment::Environment;
use crate::git::{BlobId, Commit, Repository};
use crate::index::Project;
use crate::summaries::Summaries;
use crate::summary::FileSummary;

/// Summaries of the blobs the last commit read: the next commit parses only files whose
/// content differs. A stub parses differently from a module with the same bytes.
#[derive(Default)]
pub struct BlobSummaries {
    by_blob: FxHashMap<(BlobId, bool), Arc<FileSummary>>,
    /// Files parsed for the last commit read (the rest were known).
    pub parsed: usize,
}

/// The project at `commit`; `summaries` gives what earlier commits parsed. Show it the
/// project through `BlobSummaries::keep` to carry its summaries to the next commit.
pub fn read(
    root: PathBuf,
    config: &Config,
    repository: &Repository,
    commit: &Commit,
    summaries: &mut BlobSummaries,
) -> Result<Project> {
    let layout = Layout::new(root, config)?;
    let started = Instant::now();
    let tree = repository.files(commit)?;
    let walk = layout.tree_walk(tree.iter().map(|f| f.rel.as_str()));
    let blobs: FxHashMap<String, BlobId> = tree.into_iter().map(|f| (f.rel, f.blob)).collect();
    let keys: Vec<(BlobId, bool)> = walk
        .files
        .iter()
        .map(|f| (blobs[&f.rel], f.is_stub))
        .collect();
    let discovered = started.elapsed();

    let started = Instant::now();
    let mut missing: Vec<(BlobId, bool)> = keys
        .iter()
        .zip(&walk.files)
        .filter(|(key, file)| !file.compiled && !summaries.by_blob.contains_key(key))
        .map(|(key, _)| *key)
        .collect();
    missing.sort();
    missing.dedup();
    let ids: Vec<BlobId> = missing.iter().map(|(blob, _)| *blob).collect();
    let target = &layout.target;
    let parsed = repository.map_blobs(&ids, |bytes| bytes);
    let parsed: Vec<FileSummary> = {
        use rayon::prelude::*;
        parsed
            .into_par_iter()
            .zip(missing.par_iter())
            .map(|(bytes, &(_, is_stub))| match bytes {
                Ok(bytes) => crate::parse::summarize_bytes(bytes, is_stub, target),
                Err(error) => super::cold::read_error(error),
            })
            .collect()
    };
    summaries.parsed = missing.len();
    summaries
        .by_blob
        .extend(missing.into_iter().zip(parsed.into_iter().map(Arc::new)));
    let compiled = Arc::new(FileSummary::default());
    let ordered: Vec<Arc<FileSummary>> = keys
        .iter()
        .zip(&walk.files)
        .map(|(key, file)| match file.compiled {
            true => compiled.clone(),
            false => summaries.by_blob[key].clone(),
        })
        .collect();
    summaries.by_blob.clear();
    let parsing = started.elapsed();

    let mut project = Project::build(
        layout.root.clone(),
        layout.source_roots.clone(),
        walk.files,
        Summaries::shared(ordered),
        walk.diagnostics,
    );
    project
        .timings
        .splice(0..0, [("discover", discovered), ("parse", parsing)]);
    project.environment = Environment::detect(&layout.root, layout.target.python_version);
    project.blobs = Some(blobs);
    Ok(project)
}

/// The project at the commit `rev` names, and that commit.
pub fn at(root: PathBuf, config: &Config, rev: &str) -> Result<(Project, Commit)> {
    let repository = Repository::open(&root)?;
    let commit = repository.commit(rev)?;
    let project = read(
        root,
        config,
        &repository,
        &commit,
        &mut BlobSummaries::default(),
    )?;
    Ok((project, commit))
}

impl BlobSummaries {
    /// Keeps the summaries of `project` (read by `read`) for the next commit read: they
    /// are shared, not copied, so the project stays whole.
    pub fn keep(&mut self, project: &Project) {
        let Some(blobs) = &project.blobs else {
            return;
        };
        for (file, source) in project.files.iter().enumerate() {
            if let Some(&blob) = blobs.get(&source.rel) {
                self.by_blob
                    .entry((blob, source.is_stub))
                    .or_insert_with(|| project.summaries.share(file));
            }
        }
    }
}
