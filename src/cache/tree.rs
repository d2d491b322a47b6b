//! Whether the set of files a walk would find can have changed, without walking: every
//! walked directory's modification time (and, when that moved, what it lists now) and
//! every ignore file the walk obeys.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::snapshot::{DirStamp, Header, IgnoreStamp};
use crate::fingerprint::{Stamp, Stamps, content_hash};

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
    Some(content_hash(names.join("\n").as_bytes()))
}

fn is_ignore_file(name: &str) -> bool {
    name == ".gitignore" || name == ".ignore"
}

/// The stamps of directories `dirs` (relative to `root`) as they are now. A directory
/// that changed after the walk began (`walked_ns`, within the clock's resolution) may
/// list what the walk did not see: its listing is stored as 0, which never matches, so
/// the next run walks it again.
pub fn dir_stamps(root: &Path, dirs: &[String], walked_ns: u64) -> Vec<DirStamp> {
    let racy = walked_ns.saturating_sub(crate::cache::RACY_NS);
    let stamps = Stamps::under(root);
    dirs.par_iter()
        .filter_map(|rel| {
            let path = root.join(rel);
            let stamp = stamps.read(&path)?;
            let listing = if stamp.mtime_ns >= racy {
                0
            } else {
                listing(&path)?
            };
            Some(DirStamp {
                rel: rel.clone(),
                mtime_ns: stamp.mtime_ns,
                ctime_ns: stamp.ctime_ns,
                listing,
            })
        })
        .collect()
}

/// Ignore files the walk of `dirs` obeys: those in each directory (one appearing there
/// changes the directory's listing), and those that exist or may appear in the root's
/// ancestors, with the repository's `.git/info/exclude`.
/// One changed after the walk began (`walked_ns`) is stored as absent, which it is not,
/// so the next run walks again.
pub fn ignore_stamps(root: &Path, dirs: &[String], walked_ns: u64) -> Vec<IgnoreStamp> {
    let racy = walked_ns.saturating_sub(crate::cache::RACY_NS);
    // `None`: no such file; `Some(None)`: there is one, too new to trust.
    let stamp = |path: &Path| {
        std::fs::metadata(path)
            .ok()
            .map(|m| Some(Stamp::of(&m)).filter(|s| s.mtime_ns < racy))
    };
    // Each is kept relative to the root (an ancestor's as `../`): the snapshot holds no
    // absolute path, so another clone at another path checks its own ignore files.
    let ups = root.ancestors().count();
    let mut stamps: Vec<IgnoreStamp> = (0..ups)
        .flat_map(|up| {
            [".gitignore", ".ignore", ".git/info/exclude"].map(|name| {
                std::iter::repeat_n("..", up)
                    .collect::<PathBuf>()
                    .join(name)
            })
        })
        .map(|path| IgnoreStamp {
            stamp: stamp(&under(root, &path)).flatten(),
            path,
        })
        .collect();
    stamps.par_extend(dirs.par_iter().flat_map_iter(|rel| {
        [".gitignore", ".ignore"]
            .into_iter()
            .filter_map(move |name| {
                let path: PathBuf = Path::new(rel).join(name);
                Some(IgnoreStamp {
                    stamp: stamp(&root.join(&path))?,
                    path,
                })
            })
    }));
    stamps
}

/// `relative` (leading `..` taken as the root's ancestors, as written) under `root`.
fn under(root: &Path, relative: &Path) -> PathBuf {
    let mut base = root;
    let mut rest = relative;
    while let Ok(inner) = rest.strip_prefix("..") {
        rest = inner;
        base = base.parent().unwrap_or(base);
    }
    base.join(rest)
}

/// True when no walked directory lists anything new or gone and no ignore file changed.
pub fn unchanged(root: &Path, header: &Header) -> bool {
    let racy = header.created_ns.saturating_sub(crate::cache::RACY_NS);
    let stamps = Stamps::under(root);
    let dirs_same = header
        .dirs
        .par_iter()
        .all(|dir| match stamps.read_below(&dir.rel) {
            Some(now)
                if (now.mtime_ns, now.ctime_ns) == (dir.mtime_ns, dir.ctime_ns)
                    && now.mtime_ns < racy =>
            {
                true
            }
            Some(_) => listing(&root.join(&dir.rel)) == Some(dir.listing),
            None => false,
        });
    dirs_same
        && header.ignore_files.par_iter().all(|ignore| {
            let path = under(root, &ignore.path);
            std::fs::metadata(path).ok().map(|m| Stamp::of(&m)) == ignore.stamp
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now_ns() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    }

    fn header(dirs: Vec<DirStamp>, ignore_files: Vec<IgnoreStamp>, created_ns: u64) -> Header {
        Header {
            dirs,
            ignore_files,
            created_ns,
            ..Header::default()
        }
    }

    #[test]
    fn a_folder_or_ignore_file_changed_after_the_walk_began_is_walked_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.py"), "").unwrap();
        std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
        // The walk began before this folder last changed: a file may have been created
        // after the walk listed it and before these stamps were taken.
        let walked = now_ns() - 1_000_000_000;
        let stamps = dir_stamps(&root, &[String::new()], walked);
        assert_eq!(stamps[0].listing, 0);
        let ignores = ignore_stamps(&root, &[String::new()], walked);
        let own = ignores
            .iter()
            .find(|i| i.path == Path::new(".gitignore"))
            .unwrap();
        assert_eq!(own.stamp, None, "kept, but as untrusted");
        let parent = ignores
            .iter()
            .find(|i| i.path == Path::new("../.gitignore"));
        assert!(
            parent.is_some(),
            "the root's ancestors' are kept relative to it"
        );
        assert!(ignores.iter().all(|i| i.path.is_relative()));
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        for path in [root.clone(), root.join(".gitignore")] {
            std::fs::File::open(&path)
                .unwrap()
                .set_modified(past)
                .unwrap();
        }
        assert!(!unchanged(&root, &header(stamps, Vec::new(), walked)));
        assert!(!unchanged(&root, &header(Vec::new(), ignores, walked)));
        // Stamps of a tree quiet since before the walk are trusted.
        let walked = now_ns();
        let stamps = dir_stamps(&root, &[String::new()], walked);
        let ignores = ignore_stamps(&root, &[String::new()], walked);
        assert_ne!(stamps[0].listing, 0);
        assert!(unchanged(&root, &header(stamps, ignores, walked)));
    }
}
