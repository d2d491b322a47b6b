//! What a move is asked to do, and what it would do: the plan the command shows,
//! checks and writes.

use super::shim::Shim;
use crate::fix::{FileFix, Skipped};

pub struct Request {
    pub symbols: Vec<String>,
    /// More names of the same module, moved along (helpers the moved code needs).
    pub with: Vec<String>,
    pub dest: String,
    pub shim: Shim,
}

#[derive(Debug, serde::Serialize)]
pub struct Moved {
    pub name: String,
    pub kind: &'static str,
    /// In the old file.
    pub line: u32,
}

#[derive(Debug)]
pub struct Plan {
    pub old_module: String,
    pub old_path: String,
    pub dest_module: String,
    pub dest_path: String,
    pub moved: Vec<Moved>,
    /// The import statements written into the destination.
    pub carried: Vec<String>,
    /// Names the old module imported for the moved code alone: no longer imported there.
    pub dropped: Vec<String>,
    /// What the old module keeps, in words.
    pub kept: String,
    /// Every file changed or created (`old` is empty for a created one), old and
    /// destination first.
    pub files: Vec<FileFix>,
    pub created: Vec<String>,
    /// Files the change removes (a module moved with `--shim none`, a package's modules).
    pub removed: Vec<String>,
    /// Files a package move carries byte for byte (data, compiled modules).
    pub renamed: Vec<Renamed>,
    /// The moved package's folders, deepest first: removed once the move empties them.
    pub folders: Vec<std::path::PathBuf>,
    /// The files of `files` that are a moved package's own (old and new places): the
    /// package is reported as one move, not file by file.
    pub package_files: Vec<String>,
    /// Import names and attribute reads in other files taken to the destination.
    pub rewritten: usize,
    /// References to the old path that were not rewritten, and why.
    pub left: Vec<Skipped>,
    pub warnings: Vec<String>,
}

/// A file moved as it is.
#[derive(Debug)]
pub struct Renamed {
    /// Root-relative, as shown.
    pub from: String,
    pub to: String,
    pub from_real: std::path::PathBuf,
    pub to_real: std::path::PathBuf,
}
