//! What a long-lived process (the language server) keeps of the cache files it reads:
//! a file's decoded header, with the stamp of the file it came from. A cache file is
//! rewritten as a new file put in the old one's place (another stamp), so a file with
//! the same stamp holds what was decoded from it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::fingerprint::Stamp;

static ON: AtomicBool = AtomicBool::new(false);

/// From now on, what is decoded of the cache files is kept (one-shot runs keep nothing).
pub fn keep() {
    ON.store(true, Ordering::Relaxed);
}

/// The last value decoded from one kind of cache file.
pub struct Kept<T>(Mutex<Option<(PathBuf, Stamp, Arc<T>)>>);

impl<T> Default for Kept<T> {
    fn default() -> Kept<T> {
        Kept::new()
    }
}

impl<T> Kept<T> {
    pub const fn new() -> Kept<T> {
        Kept(Mutex::new(None))
    }

    /// What was kept of `file`, opened from `path`, when it is the file it came from.
    pub fn get(&self, path: &Path, file: &std::fs::File) -> Option<Arc<T>> {
        if !ON.load(Ordering::Relaxed) {
            return None;
        }
        let stamp = Stamp::of(&file.metadata().ok()?);
        let kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (kept_path, kept_stamp, value) = kept.as_ref()?;
        (kept_path == path && *kept_stamp == stamp).then(|| value.clone())
    }

    /// Keeps what `value` makes (made only when keeping), decoded from `file` opened
    /// from `path`.
    pub fn put(&self, path: &Path, file: &std::fs::File, value: impl FnOnce() -> Arc<T>) {
        if !ON.load(Ordering::Relaxed) {
            return;
        }
        let Ok(metadata) = file.metadata() else {
            return;
        };
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *kept = Some((path.to_path_buf(), Stamp::of(&metadata), value()));
    }
}

/// Decoded blobs by their content (length and checksum), while keeping: each read of the
/// project decodes only the summaries it has not met in any earlier read.
pub struct KeptBlobs<T>(Mutex<Option<ByContent<T>>>);

/// Values by the length and checksum of the bytes they were decoded from.
type ByContent<T> = rustc_hash::FxHashMap<(u64, u64), Arc<T>>;

/// Past this many, the kept blobs are dropped and kept anew (files saved again and again
/// leave their old summaries behind).
const MAX_BLOBS: usize = 200_000;

impl<T> Default for KeptBlobs<T> {
    fn default() -> KeptBlobs<T> {
        KeptBlobs::new()
    }
}

impl<T> KeptBlobs<T> {
    pub const fn new() -> KeptBlobs<T> {
        KeptBlobs(Mutex::new(None))
    }

    /// What was decoded of the blob of `len` bytes and `checksum`, else what `decode`
    /// makes (kept, when keeping).
    pub fn get_or(
        &self,
        len: u64,
        checksum: u64,
        decode: impl FnOnce() -> Option<T>,
    ) -> Option<Arc<T>> {
        if !ON.load(Ordering::Relaxed) {
            return decode().map(Arc::new);
        }
        let key = (len, checksum);
        if let Some(found) = (self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref())
            .and_then(|kept| kept.get(&key).cloned())
        {
            return Some(found);
        }
        let value = Arc::new(decode()?);
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let kept = kept.get_or_insert_with(Default::default);
        if kept.len() >= MAX_BLOBS {
            kept.clear();
        }
        kept.insert(key, value.clone());
        Some(value)
    }
}
