//! What to read and how: the options of a run and the layout the configuration gives.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use globset::GlobSet;

use crate::config::Config;
use crate::discover::{self, SourceFile};
use crate::parse;
use crate::staged::SubstituteTree;

/// How a project is read.
#[derive(Debug, Default)]
pub struct OpenOptions {
    /// Show a progress bar while parsing (a terminal is attached and not `-q`).
    pub progress: bool,
    /// Reuse and update the cache.
    pub cache: bool,
    /// Say on stderr how the cache was used.
    pub verbose: bool,
    /// Read the repository as git's index holds it (`--staged`).
    pub staged: Option<Arc<SubstituteTree>>,
    /// Trust no file's stamp: hash every file against the cache (`fix` edits bytes at the
    /// positions the summaries give, so they must be those of the files as they are).
    pub hash_all: bool,
    /// `check FILES`: compare only the files under these paths (canonical) with the
    /// snapshot up front; the others are taken as stored, and those an answer reads are
    /// compared after it (`Summaries::changed_unseen`).
    pub compare_only: Option<Vec<PathBuf>>,
    /// With `compare_only`: restore every site all the same (the server answers about
    /// any file), not only those an answer about the files compared reads.
    pub whole_index: bool,
    /// What each file's summary records (ignored with `cache`: a snapshot holds
    /// everything).
    pub detail: parse::Detail,
}

/// What to read and how, from the configuration.
#[derive(Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub source_roots: Vec<String>,
    exclude: GlobSet,
    tests: GlobSet,
    pub target: parse::Target,
    /// With `--staged`: read the files as git's index holds them.
    pub staged: Option<Arc<SubstituteTree>>,
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
        self.mark_tests(&mut walk);
        self.as_staged(&mut walk.files);
        walk
    }

    /// The Python files among a commit's `paths` (root-relative), test files marked.
    pub fn tree_walk<'a>(&self, paths: impl Iterator<Item = &'a str>) -> discover::Walk {
        let mut walk = discover::from_tree(&self.root, paths, &self.source_roots, &self.exclude);
        self.mark_tests(&mut walk);
        walk
    }

    fn mark_tests(&self, walk: &mut discover::Walk) {
        for file in &mut walk.files {
            file.is_test = self.tests.is_match(&file.rel);
        }
    }

    /// With `--staged`, `files` as the commit holds them.
    pub fn as_staged(&self, files: &mut Vec<SourceFile>) {
        if let Some(staged) = &self.staged {
            staged.apply(files, |missing| {
                self.tree_walk(missing.iter().copied()).files
            });
        }
    }

    /// The fingerprint of the settings that decide which files are read and how they
    /// parse: a snapshot taken under other settings is not used.
    pub fn key(&self, config: &Config) -> u64 {
        let mut hasher = rustc_hash::FxHasher::default();
        // Not the root itself: a snapshot stays valid in another clone of the same files
        // (CI restores it from a cache keyed by the commit).
        (
            &self.source_roots,
            &config.exclude,
            config.test_globs(),
            &self.target.python_version,
            &self.target.platform,
        )
            .hash(&mut hasher);
        hasher.finish()
    }
}
