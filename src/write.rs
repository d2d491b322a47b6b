//! Writing files: whole or not at all, never through a half-written state, and never
//! turning a device or a link into a regular file.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};

/// Puts `bytes` at `path`. A regular file (or a new one) is replaced through a temporary
/// file in the same folder and a rename, so a reader never sees half a file, keeping
/// the replaced file's permissions (a new one gets 0644). A link is followed and its
/// target written; a device, FIFO or other special file is opened and written through
/// (`-o /dev/stdout` stays a device).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if path.is_dir() {
        bail!("{}: is a directory", path.display());
    }
    if !dir.is_dir() {
        bail!(
            "{}: cannot write: {} does not exist",
            path.display(),
            dir.display()
        );
    }
    let cannot = || format!("{}: cannot write", path.display());
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match std::fs::metadata(path) {
        Ok(target) if link && target.is_file() => {
            let real = path.canonicalize().with_context(cannot)?;
            return replace(&real, bytes);
        }
        Ok(target) if !target.is_file() => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(cannot)?;
            return file.write_all(bytes).with_context(cannot);
        }
        _ => {}
    }
    let mut file = tempfile::NamedTempFile::new_in(dir).with_context(cannot)?;
    file.write_all(bytes).with_context(cannot)?;
    // Keep the permissions of the file being replaced; a new file gets the usual 0644
    // instead of the temporary file's private 0600.
    let permissions = match std::fs::metadata(path) {
        Ok(existing) => existing.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                file.as_file().metadata()?.permissions()
            }
        }
    };
    file.as_file()
        .set_permissions(permissions)
        .with_context(cannot)?;
    file.persist(path).with_context(cannot)?;
    Ok(())
}

/// Why a source file may not be rewritten: a read-only file, or a link whose target is
/// outside `root`.
pub fn refuses(path: &Path, root: &Path) -> Option<String> {
    let real = path.canonicalize().ok()?;
    if !real.starts_with(root) {
        return Some(format!(
            "a link to {}, outside the repository: left alone",
            real.display()
        ));
    }
    let metadata = std::fs::metadata(&real).ok()?;
    metadata
        .permissions()
        .readonly()
        .then(|| "read-only: left alone".to_string())
}
