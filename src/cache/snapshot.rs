//! The cache file: one immutable snapshot of an indexed repository, written whole and
//! atomically, read through a memory map.
//!
//! Layout: `MAGIC`, header length (u64 LE), header checksum (u64 LE), the header
//! (bincode), then every file's summary (bincode), each with its own checksum. Anything
//! that does not check out is not trusted: the snapshot (or that one summary) is rebuilt.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use memmap2::Mmap;
use serde::{Deserialize, Serialize};

use super::exact::exact;
use crate::discover::FileDiagnostic;
use crate::index::{Dependents, Stamp, content_hash};
use crate::summary::{Context, FileSummary};

/// The last byte is the layout version: a snapshot of another layout is rebuilt.
const MAGIC: &[u8; 8] = b"SSOTG\x00\x00\x02";
const PREFIX: usize = 24;

/// A directory the walk entered: its modification time and what it listed, so a
/// changed time can be told apart from a changed listing.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DirStamp {
    pub rel: String,
    pub mtime_ns: u64,
    pub listing: u64,
}

/// A file the walk depends on without parsing it (`.gitignore`, `.ignore`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IgnoreStamp {
    pub path: PathBuf,
    pub stamp: Option<Stamp>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredFile {
    pub rel: String,
    pub module: String,
    pub is_package: bool,
    pub is_stub: bool,
    pub is_test: bool,
    pub stamp: Stamp,
    pub hash: u64,
    /// The summary's bytes in the blob area, and their checksum.
    pub blob: BlobRef,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct BlobRef {
    pub offset: u64,
    pub len: u64,
    pub checksum: u64,
}

/// An import site without its text: enough to rebuild the graph.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct StoredSite {
    pub import: u32,
    /// Index into `Header::strings`, `u32::MAX` when the import climbs above the top.
    pub target: u32,
    pub node: StoredNode,
    pub context: Context,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub enum StoredNode {
    None,
    Internal(u32),
    /// A top-level package outside the repository (index into `Header::strings`):
    /// external modules are numbered again in the order sites name them.
    External(u32),
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Header {
    pub tool: String,
    /// Fingerprint of the settings that decide which files are read and how.
    pub key: u64,
    /// When the snapshot was taken: files modified since then are hashed again.
    pub created_ns: u64,
    /// Bytes of summaries after the header: a shorter file was cut short.
    pub blobs_len: u64,
    #[serde(deserialize_with = "exact")]
    pub dirs: Vec<DirStamp>,
    pub ignore_files: Vec<IgnoreStamp>,
    /// In path order, as the walk returns them.
    #[serde(deserialize_with = "exact")]
    pub files: Vec<StoredFile>,
    /// Problems the walk found (a shadowed module, an unreadable directory).
    pub walk_diagnostics: Vec<FileDiagnostic>,
    /// Parse problems, so they are known without decoding any summary.
    pub parse_diagnostics: Vec<FileDiagnostic>,
    #[serde(deserialize_with = "exact")]
    pub strings: Vec<String>,
    /// Sites per file: file `f` owns `sites[site_offsets[f]..site_offsets[f + 1]]`.
    #[serde(deserialize_with = "exact")]
    pub site_offsets: Vec<u32>,
    #[serde(deserialize_with = "exact")]
    pub sites: Vec<StoredSite>,
    /// How many edges the graph had, to allocate it once.
    pub edges: u32,
    /// Per site, the parent packages its import runs first.
    pub implicit: Dependents,
    /// Per internal module, the sites whose chain passes through it.
    pub chains: Dependents,
    /// Which modules define which names (see `index::Binders`).
    #[serde(deserialize_with = "exact")]
    pub binders: crate::index::Binders,
}

/// A snapshot read from disk: its header, and the map its summaries are decoded from.
pub struct Snapshot {
    pub header: Header,
    map: Mmap,
    blobs_start: usize,
}

impl Snapshot {
    /// Reads `path`; `Ok(None)` when there is none, an error saying why it is unusable.
    pub fn read(path: &Path, key: u64) -> Result<Option<Snapshot>> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error).context("cannot open"),
        };
        // Safety: snapshots are never modified in place (a new one replaces the file by
        // rename), so the mapped bytes cannot change under us.
        let map = unsafe { Mmap::map(&file) }.context("cannot map")?;
        if map.len() < PREFIX || &map[..8] != MAGIC {
            bail!("not a cache file of this format");
        }
        let header_len = u64::from_le_bytes(map[8..16].try_into()?) as usize;
        let checksum = u64::from_le_bytes(map[16..24].try_into()?);
        let Some(header_bytes) = map.get(PREFIX..PREFIX.saturating_add(header_len)) else {
            bail!("truncated");
        };
        if content_hash(header_bytes) != checksum {
            bail!("checksum mismatch");
        }
        let header: Header = bincode::deserialize(header_bytes).context("cannot decode")?;
        if header.tool != env!("CARGO_PKG_VERSION") {
            bail!("written by ssot-graph {}", header.tool);
        }
        if header.key != key {
            bail!("settings changed");
        }
        if (map.len() - PREFIX - header_len) as u64 != header.blobs_len {
            bail!("truncated");
        }
        Ok(Some(Snapshot {
            header,
            map,
            blobs_start: PREFIX + header_len,
        }))
    }

    /// The raw bytes of a stored summary, if they are intact.
    pub fn blob(&self, blob: BlobRef) -> Option<&[u8]> {
        let start = self.blobs_start.checked_add(blob.offset as usize)?;
        let bytes = self.map.get(start..start.checked_add(blob.len as usize)?)?;
        (content_hash(bytes) == blob.checksum).then_some(bytes)
    }

    pub fn summary(&self, blob: BlobRef) -> Option<FileSummary> {
        bincode::deserialize(self.blob(blob)?).ok()
    }
}

/// Summary bytes for a new snapshot: copied from the old one, or encoded anew.
pub enum Blob<'a> {
    Raw(&'a [u8]),
    Encoded(Vec<u8>),
}

impl Blob<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Blob::Raw(bytes) => bytes,
            Blob::Encoded(bytes) => bytes,
        }
    }
}

pub fn encode(summary: &FileSummary) -> Vec<u8> {
    bincode::serialize(summary).unwrap_or_default()
}

/// Writes a snapshot to `path` atomically; `header.files[i].blob` is filled in from
/// `blobs[i]`. Concurrent writers each replace the file whole.
pub fn write(path: &Path, mut header: Header, blobs: &[Blob]) -> Result<()> {
    let mut offset = 0u64;
    for (file, blob) in header.files.iter_mut().zip(blobs) {
        let bytes = blob.bytes();
        file.blob = BlobRef {
            offset,
            len: bytes.len() as u64,
            checksum: content_hash(bytes),
        };
        offset += bytes.len() as u64;
    }
    header.blobs_len = offset;
    let header_bytes = bincode::serialize(&header)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# Written by ssot-graph: the cache is not source.\n*\n",
        )?;
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 20, tempfile::NamedTempFile::new_in(dir)?);
    use std::io::Write;
    out.write_all(MAGIC)?;
    out.write_all(&(header_bytes.len() as u64).to_le_bytes())?;
    out.write_all(&content_hash(&header_bytes).to_le_bytes())?;
    out.write_all(&header_bytes)?;
    for blob in blobs {
        out.write_all(blob.bytes())?;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.persist(path)?;
    Ok(())
}
