//! The import strings of every file (see `dependents::strings`), kept in the cache folder
//! next to the snapshot, each file's under its content hash: a run after an edit decodes
//! the summaries of the edited files alone.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::cache::AFFECTED_FILE_NAME as FILE_NAME;
use crate::cache::snapshot::{self, Container};
use crate::index::Project;
use crate::summary::StringKind;

/// The last byte is the layout version.
const MAGIC: &[u8; 8] = b"SSOTA\x00\x00\x02";

/// A file's strings that import what they name: (absolute dotted path, line).
pub type FileStrings = Vec<(String, u32)>;

#[derive(Serialize, Deserialize)]
struct Stored {
    tool: String,
    /// Per file: its path, its content hash, its strings.
    files: Vec<(String, u64, FileStrings)>,
}

/// Every file's import strings, in file order: kept ones where the file's hash is the
/// one they were kept under, the rest read from the summaries (and kept for next time).
pub fn import_strings(project: &Project) -> Vec<FileStrings> {
    let hashes = project.cache.as_ref().map(|cache| cache.hashes.as_slice());
    let mut kept = read(project).unwrap_or_default();
    let known = |file: usize| {
        let hash = hashes
            .and_then(|h| h.get(file).copied())
            .filter(|&h| h != 0)?;
        match kept.get(project.files[file].rel.as_str()) {
            Some((stored, _)) if *stored == hash => Some(hash),
            _ => None,
        }
    };
    let reuse: Vec<Option<u64>> = (0..project.files.len()).map(known).collect();
    let fresh = reuse.iter().filter(|r| r.is_none()).count();
    let strings: Vec<FileStrings> = (0..project.files.len())
        .into_par_iter()
        .map(|file| match reuse[file] {
            Some(_) => Vec::new(),
            None => of_summary(project, file),
        })
        .collect();
    let strings: Vec<FileStrings> = strings
        .into_iter()
        .enumerate()
        .map(|(file, fresh)| match reuse[file] {
            Some(_) => kept
                .remove(project.files[file].rel.as_str())
                .map(|(_, strings)| strings)
                .unwrap_or_default(),
            None => fresh,
        })
        .collect();
    if fresh > 0 || !kept.is_empty() {
        write(project, hashes, &strings);
    }
    strings
}

/// The strings of one file's summary that import what they name.
fn of_summary(project: &Project, file: usize) -> FileStrings {
    project
        .summary(file)
        .strings
        .iter()
        .filter(|s| !s.kind.in_own_module() && s.kind != StringKind::EntryPoint)
        .filter_map(|string| Some((project.string_path(file, string)?, string.position.line)))
        .collect()
}

fn read(project: &Project) -> Option<FxHashMap<String, (u64, FileStrings)>> {
    let cache = project.cache.as_ref()?;
    let container = Container::open(&cache.dir.join(FILE_NAME), MAGIC).ok()??;
    let stored: Stored = crate::exact::within(container.header.len(), || {
        bincode::deserialize(&container.header)
    })
    .ok()?;
    (stored.tool == env!("CARGO_PKG_VERSION")).then(|| {
        stored
            .files
            .into_iter()
            .map(|(rel, hash, strings)| (rel, (hash, strings)))
            .collect()
    })
}

/// Keeps `strings` under each file's hash; a failure only costs the next run time.
fn write(project: &Project, hashes: Option<&[u64]>, strings: &[FileStrings]) {
    let (Some(cache), Some(hashes)) = (project.cache.as_ref(), hashes) else {
        return;
    };
    let files = strings
        .iter()
        .enumerate()
        .filter(|&(file, _)| hashes.get(file).is_some_and(|&h| h != 0))
        .map(|(file, strings)| {
            (
                project.files[file].rel.to_string(),
                hashes[file],
                strings.clone(),
            )
        })
        .collect();
    let stored = Stored {
        tool: env!("CARGO_PKG_VERSION").to_string(),
        files,
    };
    let _ = snapshot::write_container(
        &cache.dir.join(FILE_NAME),
        MAGIC,
        std::iter::empty(),
        |_| Ok(bincode::serialize(&stored)?),
    );
}
