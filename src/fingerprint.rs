//! How a file is known again: its stamp (size, modification and change times, inode)
//! and a hash of its bytes.

use crate::parse::SourceBytes;

/// A file's size, modification time, change time and inode, as git compares them: an
/// unchanged stamp means unchanged content (unless the file changed within the clock's
/// resolution of being read, which the cache checks by the modification time, set with
/// the change time by every write). The modification time alone is not enough: `cp -a`,
/// `rsync -a`, `tar` and a rename over the file put it back, but the change time (which
/// no program can set) and the inode move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: u64,
    pub ctime_ns: u64,
    pub ino: u64,
}

impl Stamp {
    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        let mtime = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            let ctime = u64::try_from(metadata.ctime()).map_or(0, |secs| {
                secs * 1_000_000_000 + metadata.ctime_nsec() as u64
            });
            (ctime, metadata.ino())
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (mtime, 0);
        Stamp {
            size: metadata.len(),
            mtime_ns: mtime,
            ctime_ns,
            ino,
        }
    }

    /// The stamp of the file at `path`, `None` when it cannot be read.
    pub fn read(path: &std::path::Path) -> Option<Stamp> {
        match std::fs::metadata(path) {
            Ok(metadata) => Some(Stamp::of(&metadata)),
            #[cfg(unix)]
            Err(error)
                if error.raw_os_error() == Some(rustix::io::Errno::NAMETOOLONG.raw_os_error()) =>
            {
                Self::read_in_folder(path)
            }
            Err(_) => None,
        }
    }

    /// The stamp of a file whose path is too long for the system to look up whole (a
    /// package path thousands of folders deep), from its folder, as the walk reads it.
    #[cfg(unix)]
    fn read_in_folder(path: &std::path::Path) -> Option<Stamp> {
        use rustix::fs::{Mode, OFlags, openat};
        let folder = std::fs::File::open(path.parent()?).ok()?;
        let file = openat(
            &folder,
            path.file_name()?,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        let metadata = std::fs::File::from(file).metadata().ok()?;
        Some(Stamp::of(&metadata))
    }
}

/// Reads the stamps of files under one root, each looked up from the root's directory
/// rather than from `/`: every component of a path is a lookup, and a repository's files
/// share all of their root's (a quarter of a warm run's stamp time on a deep checkout).
pub struct Stamps {
    root: std::path::PathBuf,
    #[cfg(unix)]
    dir: Option<std::fs::File>,
}

impl Stamps {
    pub fn under(root: &std::path::Path) -> Stamps {
        Stamps {
            root: root.to_path_buf(),
            #[cfg(unix)]
            dir: std::fs::File::open(root).ok(),
        }
    }

    /// `path` below the root, found by comparing bytes: `Path::strip_prefix` parses every
    /// component of both, a tenth of a warm run on a large tree. A path it misses (one
    /// spelled with `.` or doubled separators) is read from `/` instead.
    #[cfg(unix)]
    fn relative<'p>(&self, path: &'p std::path::Path) -> Option<&'p std::path::Path> {
        use std::os::unix::ffi::OsStrExt;
        let rest = path
            .as_os_str()
            .as_bytes()
            .strip_prefix(self.root.as_os_str().as_bytes())?
            .strip_prefix(b"/")?;
        (!rest.is_empty()).then(|| std::path::Path::new(std::ffi::OsStr::from_bytes(rest)))
    }

    /// The stamp of the file at `path` (under the root or not), as `Stamp::read` says it.
    pub fn read(&self, path: &std::path::Path) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(stamp) = self
            .relative(path)
            .and_then(|relative| self.statx(relative))
        {
            return Some(stamp);
        }
        Stamp::read(path)
    }

    /// The stamp of `rel` below the root (`""`: the root), without making its path.
    pub fn read_below(&self, rel: &str) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(stamp) = Some(rel)
            .filter(|rel| !rel.is_empty())
            .and_then(|rel| self.statx(std::path::Path::new(rel)))
        {
            return Some(stamp);
        }
        Stamp::read(&self.root.join(rel))
    }

    /// `relative`'s stamp, looked up from the root's directory; `None` on any failure
    /// (the plain read then decides).
    #[cfg(unix)]
    fn statx(&self, relative: &std::path::Path) -> Option<Stamp> {
        use rustix::fs::{AtFlags, StatxFlags, statx};
        let wanted = StatxFlags::SIZE | StatxFlags::MTIME | StatxFlags::CTIME | StatxFlags::INO;
        // What `std::fs::metadata` reads (it follows symbolic links too); on a kernel
        // without statx, the plain read decides.
        let stat = statx(self.dir.as_ref()?, relative, AtFlags::empty(), wanted).ok()?;
        if stat.stx_mask & wanted.bits() != wanted.bits() {
            return None;
        }
        let ns = |time: rustix::fs::StatxTimestamp| {
            u64::try_from(time.tv_sec)
                .map_or(0, |secs| secs * 1_000_000_000 + u64::from(time.tv_nsec))
        };
        Some(Stamp {
            size: stat.stx_size,
            mtime_ns: ns(stat.stx_mtime),
            ctime_ns: ns(stat.stx_ctime),
            ino: stat.stx_ino,
        })
    }
}

/// Content hash of bytes (stable within one build of the tool).
pub fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// The hash of a file as read (an oversize file by its size alone).
pub fn source_hash(source: &SourceBytes) -> u64 {
    match source {
        SourceBytes::Bytes(bytes) => content_hash(bytes),
        SourceBytes::Oversize(size) => !size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_read_from_the_root_are_those_read_from_slash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        std::fs::write(root.join("pkg/mod.py"), "x = 1\n").unwrap();
        let outside = dir.path().join("outside.py");
        std::fs::write(&outside, "y = 22\n").unwrap();
        let stamps = Stamps::under(&root);
        let mut paths = vec![
            root.join("pkg/mod.py"),
            outside,
            root.join("pkg/missing.py"),
            root.join("./pkg/mod.py"),
            root.join("pkg"),
            root.clone(),
        ];
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("pkg/mod.py"), root.join("pkg/link.py")).unwrap();
            paths.push(root.join("pkg/link.py"));
        }
        for path in &paths {
            assert_eq!(stamps.read(path), Stamp::read(path), "{}", path.display());
        }
        assert!(stamps.read(&paths[0]).is_some());
        assert!(stamps.read(&paths[2]).is_none());
    }
}
