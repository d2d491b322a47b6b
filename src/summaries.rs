//! Every file's summary: parsed in this run, or decoded from the cache on first use.

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::summary::FileSummary;

/// Where summaries not parsed in this run come from.
pub trait SummarySource: Send + Sync {
    /// The summary of file `file`; never fails (a damaged entry is parsed again).
    fn load(&self, file: usize) -> Arc<FileSummary>;

    /// Of `files`, those whose summary this source lends without having compared the
    /// file with it (`check FILES` compares only its files up front) and whose content
    /// has changed since.
    fn changed_unseen(&self, _files: &[usize]) -> Vec<usize> {
        Vec::new()
    }
}

/// Each summary is shared (`Arc`): a project read from one commit lends the next commit
/// the summaries of the files they have in common.
pub struct Summaries {
    cells: Vec<OnceLock<Arc<FileSummary>>>,
    source: Option<Box<dyn SummarySource>>,
}

impl Summaries {
    pub fn parsed(summaries: Vec<FileSummary>) -> Self {
        Summaries {
            cells: summaries
                .into_iter()
                .map(|summary| OnceLock::from(Arc::new(summary)))
                .collect(),
            source: None,
        }
    }

    /// Summaries shared with other projects (a commit's files read before).
    pub fn shared(summaries: Vec<Arc<FileSummary>>) -> Self {
        Summaries {
            cells: summaries.into_iter().map(OnceLock::from).collect(),
            source: None,
        }
    }

    /// File `file`'s summary, to share.
    pub fn share(&self, file: usize) -> Arc<FileSummary> {
        self.get(file);
        self.cells[file].get().expect("loaded above").clone()
    }

    /// `known` summaries (files parsed in this run) and the rest from `source`.
    pub fn lazy(
        len: usize,
        known: Vec<(usize, FileSummary)>,
        source: Box<dyn SummarySource>,
    ) -> Self {
        let cells: Vec<OnceLock<Arc<FileSummary>>> = (0..len).map(|_| OnceLock::new()).collect();
        for (file, summary) in known {
            let _ = cells[file].set(Arc::new(summary));
        }
        Summaries {
            cells,
            source: Some(source),
        }
    }

    pub fn get(&self, file: usize) -> &FileSummary {
        // Parsed summaries are all set: only cached ones are ever loaded here.
        self.cells[file].get_or_init(|| {
            self.source
                .as_ref()
                .map(|source| source.load(file))
                .unwrap_or_default()
        })
    }

    /// The files whose summary was read: parsed in this run, or loaded since.
    pub fn loaded(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&file| self.cells[file].get().is_some())
            .collect()
    }

    /// Of `files`, those whose summary came from the cache without the file being
    /// compared with it first, and that have changed since: an answer that read them
    /// does not describe the tree.
    pub fn changed_unseen(&self, files: &[usize]) -> Vec<usize> {
        self.source
            .as_ref()
            .map_or_else(Vec::new, |source| source.changed_unseen(files))
    }

    pub fn all_loaded(&self) -> bool {
        self.source.is_none()
    }

    /// Decodes every summary not yet loaded, in parallel.
    pub fn load_all(&self) {
        (0..self.len()).into_par_iter().for_each(|file| {
            self.get(file);
        });
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FileSummary> {
        (0..self.len()).map(|file| self.get(file))
    }
}
