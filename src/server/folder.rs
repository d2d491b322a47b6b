//! One of the editor's workspace folders: the repository found from it, its project as
//! of the last read, and what the next read must compare with the cache snapshot.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::documents::Documents;
use super::workspace::{Settings, Workspace};
use crate::index::Project;

pub struct Folder {
    /// The editor's folder the repository is found from.
    pub path: PathBuf,
    /// `None` when no repository could be opened from it (said to the editor).
    pub workspace: Option<Workspace>,
    /// The project as of the last read; `None` before it and when it could not be read.
    pub project: Option<Arc<Project>>,
    /// A notification changed what the project would read.
    pub stale: bool,
    /// Every file is to be compared with the snapshot on the next read: the first, and
    /// after many files changed on disk.
    pub compare_all: bool,
    /// Files to compare with the snapshot on each read besides the open documents:
    /// those changed on disk since it was written (the client said so, or the last read
    /// of every file found them changed).
    pub drifted: FxHashSet<PathBuf>,
}

/// Past this many files changed on disk, comparing every file costs less than restoring
/// from a snapshot that no longer describes the tree.
const MAX_DRIFTED: usize = 32;

impl Folder {
    /// The folder at `path`, and why no repository could be opened from it, if not.
    pub fn open(path: PathBuf, settings: &Settings) -> (Folder, Option<String>) {
        let (workspace, unserved) = match Workspace::open(&path, settings) {
            Ok(workspace) => (Some(workspace), None),
            Err(error) => (
                None,
                Some(format!(
                    "ssot-graph: no repository to serve in {}: {error:#}",
                    path.display()
                )),
            ),
        };
        let folder = Folder {
            path,
            workspace,
            project: None,
            stale: true,
            compare_all: true,
            drifted: FxHashSet::default(),
        };
        (folder, unserved)
    }

    /// Whether the file at `path` is under this folder's repository root.
    pub fn holds(&self, path: &Path) -> bool {
        self.workspace
            .as_ref()
            .is_some_and(|w| path.starts_with(&w.root))
    }

    /// The editor says `path` changed on disk.
    pub fn drifted(&mut self, path: PathBuf) {
        self.drifted.insert(path);
        if self.drifted.len() > MAX_DRIFTED {
            self.compare_all = true;
        }
        self.stale = true;
    }

    /// Reads the project again with the open documents as they are now. `watched`: the
    /// editor says which files change on disk (otherwise every read compares them all).
    pub fn refresh(&mut self, documents: &Documents, watched: bool) {
        self.stale = false;
        let Some(workspace) = &self.workspace else {
            return;
        };
        let substitutes = documents.substitutes(&workspace.root);
        let compare_all = self.compare_all || !watched;
        let compare_only = (!compare_all).then(|| {
            let open = documents.iter().map(|d| d.path.clone());
            self.drifted.iter().cloned().chain(open).collect()
        });
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            workspace.load(substitutes, compare_only)
        }));
        self.project = match read {
            Ok(Ok(project)) => {
                if compare_all {
                    self.compare_all = false;
                    // The snapshot stays as it was while few files drifted from it.
                    self.drifted = (project.changed_files.iter())
                        .map(|&f| workspace.root.join(project.files[f].rel.as_str()))
                        .collect();
                }
                Some(Arc::new(project))
            }
            Ok(Err(error)) => {
                eprintln!("ssot-graph server: cannot read the project: {error:#}");
                None
            }
            Err(_) => {
                eprintln!(
                    "ssot-graph server: reading the project failed (a bug: please report it)"
                );
                None
            }
        };
    }
}
