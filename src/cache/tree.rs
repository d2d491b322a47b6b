//! Whether the set of files a walk would find can have changed, without walking: every
//! walked directory's modification time (and, when that moved, what it lists now) and
//! every ignore file the walk obeys.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::snapshot::{DirStamp, Header, IgnoreStamp};
use crate::index::Stamp;

/// Entries that can change what a walk finds: visible directories, symlinks and Python
/// files, and ignore files. Editor swap files and the like come and go without a rewalk.
fn listing(dir: &Path) -> Option<u64> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // The walk skips hidden entries (this cache's own folder among them).
            if name.starts_with('.') {
                return is_ignore_file(&name);
            }
            let special = entry
                .file_type()
                .is_ok_and(|t| t.is_dir() || t.is_symlink());
            special || name.ends_with(".py") || name.ends_with(".pyi")
        })
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_unstable();
    Some(crate::index::content_hash(names.join("\n").as_bytes()))
}

fn is_ignore_file(name: &str) -> bool {
    name == ".gitignore" || name == ".ignore"
}

fn mtime_ns(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| Stamp::of(&m).mtime_ns)
}

/// The stamps of directories `dirs` (relative to `root`) as they are now.
pub fn dir_stamps(root: &Path, dirs: &[String]) -> Vec<DirStamp> {
    dirs.par_iter()
        .filter_map(|rel| {
            let path = root.join(rel);
            Some(DirStamp {
                rel: rel.clone(),
                mtime_ns: mtime_ns(&path)?,
                listing: listing(&path)?,
            })
        })
        .collect()
}

/// Ignore files the walk of `dirs` obeys: those in each directory (one appearing there
/// changes the directory's listing), and those that exist or may appear in the root's
/// ancestors, with the repository's `.git/info/exclude`.
pub fn ignore_stamps(root: &Path, dirs: &[String]) -> Vec<IgnoreStamp> {
    let stamp = |path: &Path| std::fs::metadata(path).ok().map(|m| Stamp::of(&m));
    let mut stamps: Vec<IgnoreStamp> = root
        .ancestors()
        .flat_map(|a| [".gitignore", ".ignore", ".git/info/exclude"].map(|n| a.join(n)))
        .map(|path| IgnoreStamp {
            stamp: stamp(&path),
            path,
        })
        .collect();
    stamps.par_extend(dirs.par_iter().flat_map_iter(|rel| {
        [".gitignore", ".ignore"]
            .into_iter()
            .filter_map(move |name| {
                let path: PathBuf = root.join(rel).join(name);
                let stamp = stamp(&path)?;
                Some(IgnoreStamp {
                    path,
                    stamp: Some(stamp),
                })
            })
    }));
    stamps
}

/// True when no walked directory lists anything new or gone and no ignore file changed.
pub fn unchanged(root: &Path, header: &Header) -> bool {
    let racy = header.created_ns.saturating_sub(super::RACY_NS);
    let dirs_same = header.dirs.par_iter().all(|dir| {
        let path = root.join(&dir.rel);
        match mtime_ns(&path) {
            Some(mtime) if mtime == dir.mtime_ns && mtime < racy => true,
            Some(_) => listing(&path) == Some(dir.listing),
            None => false,
        }
    });
    dirs_same
        && header.ignore_files.par_iter().all(|ignore| {
            std::fs::metadata(&ignore.path).ok().map(|m| Stamp::of(&m)) == ignore.stamp
        })
}
