//! The snapshot of an indexed repository in `.ssot-graph-cache/`: its file format
//! (`snapshot`) and the stamps that tell, without walking, whether the set of files can
//! have changed (`tree`). How a run uses the snapshot is `load`'s job.

pub mod folder;
pub mod kept;
pub mod snapshot;
pub mod tables;
pub mod tree;

/// Files modified this close to (or after) the snapshot may have changed again within
/// the clock's resolution: their content is hashed even when the stamp matches.
pub const RACY_NS: u64 = 2_000_000_000;

/// The snapshot's name in the cache folder.
pub const FILE_NAME: &str = "snapshot.bin";

/// Where the snapshot of the repository at `root` is, with the configured cache folder.
pub fn snapshot_path(root: &std::path::Path, cache_dir: &str) -> std::path::PathBuf {
    root.join(cache_dir).join(FILE_NAME)
}

/// The string edges `affected` keeps beside the snapshot (`affected::stored`).
pub const AFFECTED_FILE_NAME: &str = "affected.bin";
