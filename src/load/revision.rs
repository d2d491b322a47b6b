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
use crate::parse::Detail;
use crate::summaries::Summaries;
use crate::summary::FileSummary;

/// Reads commits of one repository, all by the working tree's layout and environment
/// (each found once), carrying each commit's summaries to the next: a commit parses
/// only the files whose content (blob) the one before did not have. A stub parses
/// differently from a module with the same bytes.
pub struct CommitReader {
    pub repository: Repository,
    layout: Layout,
    environment: Environment,
    by_blob: FxHashMap<(BlobId, bool), Arc<FileSummary>>,
    /// Files parsed for the last commit read (the rest were known).
    pub parsed: usize,
}

impl CommitReader {
    pub fn open(root: PathBuf, config: &Config) -> Result<CommitReader> {
        let repository = Repository::open(&root)?;
        let layout = Layout::new(root, config)?;
        let environment = Environment::detect(&layout.root, layout.target.python_version);
        Ok(CommitReader {
            repository,
            layout,
            environment,
            by_blob: FxHashMap::default(),
            parsed: 0,
        })
    }

    /// The project at `commit`. Show the reader the project through `keep` to carry its
    /// summaries to the next commit read.
    pub fn read(&mut self, commit: &Commit) -> Result<Project> {
        let layout = &self.layout;
        let started = Instant::now();
        let tree = self.repository.files(commit)?;
        let walk = layout.tree_walk(tree.iter().map(|f| f.rel.as_str()));
        let blobs: FxHashMap<String, BlobId> = tree.into_iter().map(|f| (f.rel, f.blob)).collect();
        let keys: Vec<(BlobId, bool)> = walk
            .files
            .iter()
            .map(|f| (blobs[f.rel.as_str()], f.is_stub))
            .collect();
        let discovered = started.elapsed();

        let started = Instant::now();
        let mut missing: Vec<(BlobId, bool)> = keys
            .iter()
            .zip(&walk.files)
            .filter(|(key, file)| !file.compiled && !self.by_blob.contains_key(key))
            .map(|(key, _)| *key)
            .collect();
        missing.sort();
        missing.dedup();
        let ids: Vec<BlobId> = missing.iter().map(|(blob, _)| *blob).collect();
        let target = &layout.target;
        let parsed = self.repository.map_blobs(&ids, |index, bytes| match bytes {
            Ok(bytes) => {
                crate::parse::summarize_bytes(&bytes, missing[index].1, target, Detail::FULL)
            }
            Err(error) => super::cold::read_error(error),
        });
        self.parsed = missing.len();
        self.by_blob
            .extend(missing.into_iter().zip(parsed.into_iter().map(Arc::new)));
        let compiled = Arc::new(FileSummary::default());
        let ordered: Vec<Arc<FileSummary>> = keys
            .iter()
            .zip(&walk.files)
            .map(|(key, file)| match file.compiled {
                true => compiled.clone(),
                false => self.by_blob[key].clone(),
            })
            .collect();
        self.by_blob.clear();
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
        project.environment = self.environment.clone();
        project.blobs = Some(blobs);
        Ok(project)
    }

    /// Keeps the summaries of `project` (read by `read`) for the next commit read: they
    /// are shared, not copied, so the project stays whole.
    pub fn keep(&mut self, project: &Project) {
        let Some(blobs) = &project.blobs else {
            return;
        };
        for (file, source) in project.files.iter().enumerate() {
            if let Some(&blob) = blobs.get(source.rel.as_str()) {
                self.by_blob
                    .entry((blob, source.is_stub))
                    .or_insert_with(|| project.summaries.share(file));
            }
        }
    }
}

/// The project at the commit `rev` names, and that commit.
pub fn at(root: PathBuf, config: &Config, rev: &str) -> Result<(Project, Commit)> {
    let mut reader = CommitReader::open(root, config)?;
    let commit = reader.repository.commit(rev)?;
    let project = reader.read(&commit)?;
    Ok((project, commit))
}
