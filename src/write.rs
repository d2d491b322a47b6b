//! Writing files: all of a change or none of it, never through a half-written state,
//! never turning a device or a link into a regular file, keeping each replaced file's
//! mode, owner and group.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context as _, Result, anyhow, bail};

/// One file of a change: its new bytes, and whether it is created (then it must not
/// exist when the change is written).
pub struct NewFile<'a> {
    pub path: &'a Path,
    pub bytes: &'a [u8],
    pub create: bool,
}

/// Puts `bytes` at `path`: a regular file (or a new one) is replaced whole, as by
/// `replace_all`; a link to a regular file writes its target; a device, FIFO or other
/// special file is opened and written through (`-o /dev/stdout` stays a device).
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Ok(target) = std::fs::metadata(path)
        && !target.is_file()
        && !target.is_dir()
    {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        return file
            .write_all(bytes)
            .with_context(|| format!("{}: cannot write", path.display()));
    }
    replace_all(&[NewFile {
        path,
        bytes,
        create: false,
    }])
}

/// Set while a change is being written: Ctrl-C then waits for a safe point.
static WRITING: AtomicBool = AtomicBool::new(false);
/// Ctrl-C came while a change was being written.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C came while a change was being written: the command says what it wrote
/// and exits 130.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// From the first change written on, Ctrl-C outside a write ends the run at once (as it
/// would without a handler) and during one is kept for the next safe point: no
/// temporary file is left in the repository and no change is left half done.
fn handle_interrupts() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if WRITING.load(Ordering::SeqCst) {
                INTERRUPTED.store(true, Ordering::SeqCst);
            } else {
                std::process::exit(130);
            }
        });
    });
}

/// Writes every file or none. Each file's new content goes first to a temporary file
/// beside its target (created exclusively, never through a link); only when all of them
/// are written whole are they renamed into place. A failure before that removes the
/// temporaries and the folders made for them and changes nothing, and so does Ctrl-C
/// (`interrupted`); a rename that fails says which files were already replaced. Once the
/// renames begin they all happen, Ctrl-C or not.
pub fn replace_all(files: &[NewFile]) -> Result<()> {
    handle_interrupts();
    WRITING.store(true, Ordering::SeqCst);
    let written = write_all_or_none(files);
    WRITING.store(false, Ordering::SeqCst);
    written
}

fn write_all_or_none(files: &[NewFile]) -> Result<()> {
    let mut made_dirs = Vec::new();
    let staged = stage_all(files, &mut made_dirs);
    let staged = match staged {
        Ok(staged) => staged,
        Err(error) => {
            remove_dirs(&made_dirs);
            return Err(match files.len() {
                1 => error,
                _ => error.context("nothing was written"),
            });
        }
    };
    let mut replaced: Vec<String> = Vec::new();
    for file in staged {
        let shown = file.target.display().to_string();
        let placed = if file.create {
            file.temp.persist_noclobber(&file.target).map(drop)
        } else {
            file.temp.persist(&file.target).map(drop)
        };
        if let Err(error) = placed {
            // The temporaries not yet renamed are removed as `staged` drops.
            let done = match replaced.is_empty() {
                true => "no file was replaced".to_string(),
                false => format!("already replaced: {}", replaced.join(", ")),
            };
            return Err(anyhow!(
                "{shown}: cannot put in place: {}; {done}",
                error.error
            ));
        }
        replaced.push(shown);
    }
    Ok(())
}

/// A file's new content, written whole to a temporary file beside its target.
struct Staged {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
    create: bool,
}

fn stage_all(files: &[NewFile], made_dirs: &mut Vec<PathBuf>) -> Result<Vec<Staged>> {
    files
        .iter()
        .map(|file| match interrupted() {
            true => Err(anyhow!("interrupted")),
            false => stage(file, made_dirs),
        })
        .collect()
}

fn stage(file: &NewFile, made_dirs: &mut Vec<PathBuf>) -> Result<Staged> {
    let cannot = || format!("{}: cannot write", file.path.display());
    let (target, existing) = target_of(file)?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if file.create {
        make_dirs(&dir, made_dirs).with_context(cannot)?;
    } else if !dir.is_dir() {
        bail!(
            "{}: cannot write: {} does not exist",
            file.path.display(),
            dir.display()
        );
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".ssot-graph-tmp")
        .tempfile_in(&dir)
        .with_context(cannot)?;
    temp.write_all(file.bytes).with_context(cannot)?;
    // A full disk or a quota can stay unreported until the data reaches the disk.
    temp.as_file().sync_all().with_context(cannot)?;
    keep_metadata(temp.as_file(), existing.as_ref()).with_context(cannot)?;
    Ok(Staged {
        target,
        temp,
        create: file.create,
    })
}

/// Where a file's content goes, with what is there now (nothing for a new file): a link
/// to a regular file is followed (the link stays a link); a link to nothing, a folder,
/// a special file or a read-only file is refused.
fn target_of(file: &NewFile) -> Result<(PathBuf, Option<std::fs::Metadata>)> {
    let path = file.path;
    let link = std::fs::symlink_metadata(path).ok();
    if file.create {
        return match link {
            Some(_) => Err(anyhow!("{}: already exists", path.display())),
            None => Ok((path.to_path_buf(), None)),
        };
    }
    let Some(link) = link else {
        return Ok((path.to_path_buf(), None));
    };
    let target = match std::fs::metadata(path) {
        Ok(target) => target,
        Err(_) => bail!(
            "{}: a link to a file that does not exist: not written",
            path.display()
        ),
    };
    if target.is_dir() {
        bail!("{}: is a directory", path.display());
    }
    if !target.is_file() {
        bail!("{}: not a regular file: not written", path.display());
    }
    if target.permissions().readonly() {
        bail!("{}: read-only: not replaced", path.display());
    }
    let real = match link.file_type().is_symlink() {
        true => path
            .canonicalize()
            .with_context(|| format!("{}: cannot write", path.display()))?,
        false => path.to_path_buf(),
    };
    Ok((real, Some(target)))
}

/// The replaced file's mode, owner and group on its replacement (a new file gets the
/// usual 0644 instead of a temporary file's private 0600). Changing the owner takes
/// privileges a user may not have: then the replacement is the user's, as any editor's
/// save would leave it.
fn keep_metadata(temp: &std::fs::File, existing: Option<&std::fs::Metadata>) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mode = existing.map_or(0o644, |m| m.permissions().mode() & 0o7777);
        temp.set_permissions(std::fs::Permissions::from_mode(mode))?;
        if let Some(existing) = existing {
            let ours = temp.metadata()?;
            if (ours.uid(), ours.gid()) != (existing.uid(), existing.gid()) {
                let owner = rustix::fs::Uid::from_raw(existing.uid());
                let group = rustix::fs::Gid::from_raw(existing.gid());
                if rustix::fs::fchown(temp, Some(owner), Some(group)).is_ok() {
                    // A change of owner clears the set-id bits: put the mode back.
                    temp.set_permissions(std::fs::Permissions::from_mode(mode))?;
                }
            }
        }
    }
    #[cfg(not(unix))]
    if let Some(existing) = existing {
        temp.set_permissions(existing.permissions())?;
    }
    Ok(())
}

/// Makes `dir` and the folders above it that are missing, remembering each one made.
fn make_dirs(dir: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
        .collect();
    for dir in missing.into_iter().rev() {
        std::fs::create_dir(dir)?;
        made.push(dir.to_path_buf());
    }
    Ok(())
}

/// Removes the folders a failed change made, deepest first (only while empty).
fn remove_dirs(made: &[PathBuf]) {
    for dir in made.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Whether `path` (which may not exist yet) would be inside `root`: its nearest existing
/// folder, links followed, is.
pub fn inside(path: &Path, root: &Path) -> bool {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    path.ancestors()
        .skip(1)
        .find_map(|folder| folder.canonicalize().ok())
        .is_some_and(|real| real.starts_with(root))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_c_before_the_renames_leaves_every_file_as_it_was_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.py"), dir.path().join("b.py"));
        std::fs::write(&a, "old a\n").unwrap();
        std::fs::write(&b, "old b\n").unwrap();
        INTERRUPTED.store(true, Ordering::SeqCst);
        let written = write_all_or_none(&[
            NewFile {
                path: &a,
                bytes: b"new a\n",
                create: false,
            },
            NewFile {
                path: &b,
                bytes: b"new b\n",
                create: false,
            },
        ]);
        INTERRUPTED.store(false, Ordering::SeqCst);
        assert_eq!(written.unwrap_err().to_string(), "nothing was written");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
