//! The cache folder: a real folder of the repository's own, holding only what ssot-graph
//! writes there. A cache path that is a link (committed to send the cache's writes
//! elsewhere) or a folder of the user's (a `cache-dir` naming `src`) is refused before
//! anything is read from it or written into it.

use std::path::Path;

use anyhow::{Result, bail};

/// What the cache folder may hold: the files ssot-graph writes, and the temporaries a
/// run that was stopped while writing one of them may leave.
fn is_own(name: &str) -> bool {
    matches!(
        name,
        ".gitignore" | super::FILE_NAME | super::AFFECTED_FILE_NAME | crate::references::FILE_NAME
    ) || name.starts_with(".tmp")
}

/// Refuses a cache folder (`cache_dir` under `root`) that is a link or lies behind one,
/// or that holds what ssot-graph did not write.
pub fn check(root: &Path, cache_dir: &str) -> Result<()> {
    let mut path = root.to_path_buf();
    for part in Path::new(cache_dir).components() {
        path.push(part);
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            return Ok(());
        };
        if metadata.file_type().is_symlink() {
            let to = std::fs::read_link(&path)
                .map_or_else(|_| "?".to_string(), |t| t.display().to_string());
            bail!(
                "{}: a link (to {to}): the cache is written only into a real folder inside \
                 the repository; remove the link",
                path.display()
            );
        }
        if !metadata.is_dir() {
            // A file in the way: nothing can be written there, and the run says so.
            return Ok(());
        }
    }
    for entry in std::fs::read_dir(&path)?.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_own(&name) {
            bail!(
                "{}: holds `{name}`, which ssot-graph did not write: cache-dir must name a \
                 folder of the cache's own (such as \".ssot-graph-cache\")",
                path.display()
            );
        }
        if !regular {
            bail!(
                "{}: not a regular file (a link or a folder): the cache folder holds only \
                 ssot-graph's own files; remove it",
                entry.path().display()
            );
        }
    }
    Ok(())
}
