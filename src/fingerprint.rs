//! How a file is known again: its stamp (size and modification time) and a hash of its
//! bytes.

use crate::parse::SourceBytes;

/// A file's size and modification time: unchanged stamps mean unchanged content (unless
/// the file changed within the clock's resolution of being read, which the cache checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: u64,
}

impl Stamp {
    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        let mtime = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        Stamp {
            size: metadata.len(),
            mtime_ns: mtime,
        }
    }

    /// The stamp of the file at `path`, `None` when it cannot be read.
    pub fn read(path: &std::path::Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp::of(&m))
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
