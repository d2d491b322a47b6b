//! The cache file: one immutable snapshot of an indexed repository, written whole and
//! atomically. The header is read whole; summaries are read one by one when needed, by
//! position (not through a memory map: a file truncated in place while a run reads it is
//! a short read and a rebuild, never a SIGBUS).
//!
//! Layout: `MAGIC`, header length (u64 LE), header checksum (u64 LE), every file's
//! summary (bincode, zstd-compressed, each with its own checksum), then the header
//! (bincode, in parts, see `encode_header`) at the end: the summaries are written as
//! they are encoded, and the header, which says where each one is, after them. Checksums cover the
//! compressed bytes, so nothing is decompressed before it checks out.
//! Checksums are keyed by this build of the tool (its version and executable): a snapshot
//! that another build wrote, or that was edited and checksummed again, does not check
//! out. Anything that does not check out is not trusted: the snapshot (or that one
//! summary) is rebuilt.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use crate::discover::{FileDiagnostic, SourceFile};
use crate::exact::{self, exact};
use crate::fingerprint::Stamp;
use crate::index::GraphFigures;
use crate::outcome::SiteOutcome;
use crate::rows::Rows;
use crate::shared::Shared;
use crate::summary::FileSummary;

/// The checksum of `bytes` under this build's key.
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    static KEY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let key = *KEY.get_or_init(|| {
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
        // The executable's size and time stand for the build: a rebuilt tool trusts no
        // snapshot of the old one.
        if let Ok(metadata) = std::env::current_exe().and_then(std::fs::metadata) {
            let stamp = Stamp::of(&metadata);
            hasher.write_u64(stamp.size);
            hasher.write_u64(stamp.mtime_ns);
        }
        hasher.finish()
    });
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write_u64(key);
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// The last byte is the layout version: a snapshot of another layout is rebuilt.
const MAGIC: &[u8; 8] = b"SSOTG\x00\x00\x13";
const PREFIX: usize = 24;

/// A directory the walk entered: its modification time and what it listed, so a
/// changed time can be told apart from a changed listing.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DirStamp {
    pub rel: String,
    pub mtime_ns: u64,
    /// Moves when an entry is added or removed, even when the modification time is put
    /// back.
    pub ctime_ns: u64,
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
    pub rel: Shared,
    /// The real root-relative path, as bytes, when `rel` (its printable form) is not it.
    pub path: Vec<u8>,
    pub module: Shared,
    pub is_package: bool,
    pub is_stub: bool,
    pub is_test: bool,
    pub compiled: bool,
    pub companion: bool,
    pub stamp: Stamp,
    pub hash: u64,
    /// The summary's bytes in the blob area, and their checksum.
    pub blob: BlobRef,
}

impl StoredFile {
    /// Where the file is under `root`.
    pub fn path_under(&self, root: &Path) -> PathBuf {
        match self.path.as_slice() {
            [] => root.join(&*self.rel),
            path => root.join(crate::discover::path_from_bytes(path)),
        }
    }

    /// The file as the walk under `root` found it.
    pub fn source_file(&self, root: &Path) -> SourceFile {
        SourceFile {
            path: self.path_under(root),
            rel: self.rel.clone(),
            module: self.module.clone(),
            is_package: self.is_package,
            is_stub: self.is_stub,
            is_test: self.is_test,
            compiled: self.compiled,
            companion: self.companion,
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct BlobRef {
    pub offset: u64,
    pub len: u64,
    pub checksum: u64,
}

pub use crate::cache::tables::sites::{StoredNode, StoredSite};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
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
    /// The graph as indexed, which a run with the same files restores (and consumes).
    /// Stored apart from the rest, so the two decode side by side.
    #[serde(skip)]
    pub index: StoredIndex,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoredIndex {
    /// Stored apart from the rest of the index, so the two decode side by side.
    #[serde(skip)]
    pub table: StoredSites,
    /// Per site, the parent packages its import runs first.
    pub implicit: Rows,
    /// Per internal module, the sites whose chain passes through it.
    pub chains: Rows,
    /// Which modules define which names (see `index::Binders`), written as a part of
    /// its own...
    #[serde(skip)]
    pub binders: Vec<(u64, u32)>,
    /// ...and read as its compressed bytes: only a rule or query about duplicate
    /// definitions decodes them (`Project::binders`).
    #[serde(skip)]
    pub later_binders: LaterPart,
    /// What the whole-repository resolution found, written as a part of its own...
    #[serde(skip)]
    pub results: StoredResults,
    /// ...and read as its compressed bytes: decoded only when no file changed (a run
    /// after a change works them out again).
    #[serde(skip)]
    pub later_results: LaterPart,
}

/// What the whole-repository resolution of the snapshot's sites found.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoredResults {
    /// Per site, what it resolved to, in the environment of this fingerprint.
    #[serde(with = "crate::cache::tables::outcomes")]
    pub outcomes: Vec<SiteOutcome>,
    pub environment: u64,
    /// Per file, how many definitions it binds.
    #[serde(deserialize_with = "exact")]
    pub definitions: Vec<u32>,
    /// The graph of these sites in figures.
    pub graph: GraphFigures,
}

/// A part of the header kept compressed until something asks for it.
#[derive(Clone, Debug, Default)]
pub struct LaterPart(Vec<u8>);

/// Binders as stored (see `index::Binders`), no longer than their bytes allow.
#[derive(Deserialize)]
#[serde(transparent)]
struct BinderList(#[serde(deserialize_with = "exact")] Vec<(u64, u32)>);

impl LaterPart {
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        decode_part(&self.0)
    }

    /// The binders this part holds.
    pub fn binders(&self) -> Result<Vec<(u64, u32)>> {
        self.decode::<BinderList>().map(|stored| stored.0)
    }
}

/// Every import site, in file order.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoredSites {
    #[serde(deserialize_with = "exact")]
    pub strings: Vec<String>,
    /// Sites per file: file `f` owns `sites[offsets[f]..offsets[f + 1]]`.
    #[serde(with = "crate::packed::numbers")]
    pub offsets: Vec<u32>,
    /// `packed::sites`, as many as the last offset says (checked when read).
    #[serde(with = "crate::cache::tables::sites")]
    pub sites: Vec<u8>,
}

/// A snapshot read from disk: its header, and the file its summaries are read from.
pub struct Snapshot {
    pub header: Header,
    file: std::fs::File,
    blobs_start: u64,
}

/// Summaries decoded, by their blob's content (a long-lived process reads the project
/// again at each edit).
static SUMMARIES: super::kept::KeptBlobs<FileSummary> = super::kept::KeptBlobs::new();

/// The header last decoded, with where its blobs start.
static KEPT: super::kept::Kept<(Header, u64)> = super::kept::Kept::new();

impl Snapshot {
    /// Reads `path`; `Ok(None)` when there is none, an error saying why it is unusable.
    pub fn read(path: &Path, key: u64) -> Result<Option<Snapshot>> {
        let Some(file) = open_existing(path)? else {
            return Ok(None);
        };
        if let Some(kept) = KEPT.get(path, &file)
            && kept.0.key == key
        {
            return Ok(Some(Snapshot {
                header: kept.0.clone(),
                file,
                blobs_start: kept.1,
            }));
        }
        let snapshot = Self::decode(Container::read(file, MAGIC, true)?, key)?;
        KEPT.put(path, &snapshot.file, || {
            std::sync::Arc::new((snapshot.header.clone(), snapshot.blobs_start))
        });
        Ok(Some(snapshot))
    }

    /// The snapshot of `container`, unless it was written by another version or under
    /// other settings, or is cut short.
    fn decode(container: Container, key: u64) -> Result<Snapshot> {
        let header = decode_header(&container.header)?;
        if header.tool != env!("CARGO_PKG_VERSION") {
            bail!("written by ssot-graph {}", header.tool);
        }
        if header.key != key {
            bail!("settings changed");
        }
        if container.blobs_len != header.blobs_len {
            bail!("truncated");
        }
        Ok(Snapshot {
            header,
            file: container.file,
            blobs_start: container.blobs_start,
        })
    }

    /// The raw bytes of a stored summary, if they are intact (a file cut short since it
    /// was opened reads short: `None`).
    pub fn blob(&self, blob: BlobRef) -> Option<Vec<u8>> {
        read_blob(&self.file, self.blobs_start, self.header.blobs_len, blob)
    }

    pub fn summary(&self, blob: BlobRef) -> Option<std::sync::Arc<FileSummary>> {
        SUMMARIES.get_or(blob.len, blob.checksum, || {
            let bytes = decompress(&self.blob(blob)?).ok()?;
            exact::within(bytes.len(), || bincode::deserialize(&bytes)).ok()
        })
    }
}

/// A cache file opened: its header's bytes (checksum verified), and its blob area.
pub struct Container {
    pub header: Vec<u8>,
    pub file: std::fs::File,
    pub blobs_start: u64,
    pub blobs_len: u64,
}

impl Container {
    /// Opens `path` if it is a cache file starting with `magic`: `Ok(None)` when there is
    /// none, an error saying why it is unusable.
    pub fn open(path: &Path, magic: &[u8; 8]) -> Result<Option<Container>> {
        let Some(file) = open_existing(path)? else {
            return Ok(None);
        };
        Container::read(file, magic, true).map(Some)
    }

    /// The cache file `file`, its header checked and read only with `with_header` (a
    /// reader that kept its decoded header needs only the blobs).
    pub fn read(file: std::fs::File, magic: &[u8; 8], with_header: bool) -> Result<Container> {
        let size = file.metadata().context("cannot open")?.len();
        let mut prefix = [0u8; PREFIX];
        if size < PREFIX as u64 || read_at(&file, &mut prefix, 0).is_err() || &prefix[..8] != magic
        {
            bail!("not a cache file of this format");
        }
        let header_len = u64::from_le_bytes(prefix[8..16].try_into()?);
        let stored_checksum = u64::from_le_bytes(prefix[16..24].try_into()?);
        // Lengths are bounded by the file before anything is allocated for them.
        if header_len > size - PREFIX as u64 {
            bail!("truncated");
        }
        let blobs_len = size - PREFIX as u64 - header_len;
        let mut header = Vec::new();
        if with_header {
            header = vec![0u8; header_len as usize];
            read_at(&file, &mut header, PREFIX as u64 + blobs_len).context("truncated")?;
            if checksum(&header) != stored_checksum {
                bail!("checksum mismatch (damaged, or written by another build)");
            }
        }
        Ok(Container {
            header,
            file,
            blobs_start: PREFIX as u64,
            blobs_len,
        })
    }

    pub fn blob(&self, blob: BlobRef) -> Option<Vec<u8>> {
        read_blob(&self.file, self.blobs_start, self.blobs_len, blob)
    }
}

/// The file at `path`; `None` when there is none.
pub fn open_existing(path: &Path) -> Result<Option<std::fs::File>> {
    match std::fs::File::open(path) {
        Ok(file) => Ok(Some(file)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).context("cannot open"),
    }
}

/// The bytes of `blob`, if they are intact.
fn read_blob(file: &std::fs::File, start: u64, len: u64, blob: BlobRef) -> Option<Vec<u8>> {
    if blob.len > len || blob.offset > len - blob.len {
        return None;
    }
    let mut bytes = vec![0u8; blob.len as usize];
    read_at(file, &mut bytes, start + blob.offset).ok()?;
    (checksum(&bytes) == blob.checksum).then_some(bytes)
}

/// Fills `buffer` from `offset` of `file`; a file that ends first is an error.
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buffer.len() {
            let n = std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buffer[done..],
                offset + done as u64,
            )?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
}

pub fn encode(summary: &FileSummary) -> Vec<u8> {
    compress(&bincode::serialize(summary).unwrap_or_default())
}

/// Summaries are mostly names and statement text said many times over: zstd's fastest
/// level makes the snapshot a quarter of its size and decodes at memory speed. Each
/// thread keeps one context and one worst-case buffer (a context per call is a fresh
/// workspace, page-faulted in, for every file), and the result is allocated at its size.
fn compress(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<(Option<zstd::bulk::Compressor<'static>>, Vec<u8>)> =
            const { std::cell::RefCell::new((None, Vec::new())) };
    }
    COMPRESSOR
        .with_borrow_mut(|(compressor, buffer)| {
            if compressor.is_none() {
                *compressor = zstd::bulk::Compressor::new(1).ok();
            }
            let compressor = compressor.as_mut()?;
            buffer.clear();
            buffer.reserve(zstd::zstd_safe::compress_bound(bytes.len()));
            compressor.compress_to_buffer(bytes, buffer).ok()?;
            Some(buffer.as_slice().to_vec())
        })
        .unwrap_or_default()
}

/// Bytes that checked out are decompressed into a buffer of the size their frame states,
/// up to a bound set by their own length (a frame that claims more, or states nothing, is
/// decoded as a stream, growing only as far as it really goes).
fn decompress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    const MAX_RATIO: u64 = 64;
    thread_local! {
        static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let size = zstd::zstd_safe::get_frame_content_size(bytes)
        .ok()
        .flatten();
    match size {
        Some(size) if size <= (bytes.len() as u64).saturating_mul(MAX_RATIO) + 4096 => DECOMPRESSOR
            .with_borrow_mut(|decompressor| {
                if decompressor.is_none() {
                    *decompressor = Some(zstd::bulk::Decompressor::new()?);
                }
                let decompressor = decompressor.as_mut().expect("made above");
                let out = decompressor.decompress(bytes, size as usize)?;
                if out.len() as u64 != size {
                    return Err(std::io::ErrorKind::InvalidData.into());
                }
                Ok(out)
            }),
        _ => zstd::stream::decode_all(bytes),
    }
}

/// Writes a snapshot to `path` atomically; `header.files[i].blob` is filled in from
/// `blobs[i]`. Concurrent writers each replace the file whole.
/// Writes a snapshot: `blobs` are the files' summary bytes in file order (copied from
/// the old snapshot, or encoded anew), each written as it comes.
pub fn write(path: &Path, mut header: Header, blobs: impl Iterator<Item = Vec<u8>>) -> Result<()> {
    write_container(path, MAGIC, blobs, |refs| {
        for (file, blob) in header.files.iter_mut().zip(&refs) {
            file.blob = *blob;
        }
        header.blobs_len = refs.last().map_or(0, |b| b.offset + b.len);
        encode_header(&header)
    })
}

fn decode_part<T: serde::de::DeserializeOwned>(part: &[u8]) -> Result<T> {
    let part = decompress(part).context("cannot decompress")?;
    decode_plain(&part)
}

fn decode_plain<T: serde::de::DeserializeOwned>(part: &[u8]) -> Result<T> {
    exact::within(part.len(), || bincode::deserialize(part)).context("cannot decode")
}

/// The header's bytes: the lengths of all parts but the last (u64 LE each), then the
/// parts: the header without its index, the index's sites, the binders, the resolution's
/// results, and the rest of the index. The first two, which every warm run decodes, are
/// stored plain (reading their bytes costs less than decompressing them: a 15x Home
/// Assistant check spent 8 of its 35 ms there, for 24 MB more on disk); the others are
/// compressed.
fn encode_header(header: &Header) -> Result<Vec<u8>> {
    /// Compressed as it is serialized: a part's plain bytes (megabytes on a big tree,
    /// three parts at once) are never all held.
    fn encode<T: Serialize>(part: &T) -> Result<Vec<u8>> {
        use std::io::Write as _;
        let mut encoder = zstd::stream::Encoder::new(Vec::new(), 1)?;
        // The frame says its plain size: the reader allocates once.
        encoder.set_pledged_src_size(Some(bincode::serialized_size(part)?))?;
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut encoder);
        bincode::serialize_into(&mut buffered, part)?;
        buffered.flush()?;
        drop(buffered);
        Ok(encoder.finish()?)
    }
    let index = &header.index;
    let (binders, (results, rest_of_index)) = rayon::join(
        || encode(&index.binders),
        || rayon::join(|| encode(&index.results), || encode(index)),
    );
    let compressed = [binders?, results?, rest_of_index?];
    // The plain parts are serialized straight into the header's bytes, allocated once.
    let plain = [
        bincode::serialized_size(header)?,
        bincode::serialized_size(&index.table)?,
    ];
    let lengths = [
        plain[0],
        plain[1],
        compressed[0].len() as u64,
        compressed[1].len() as u64,
    ];
    let total =
        32 + plain.iter().sum::<u64>() as usize + compressed.iter().map(Vec::len).sum::<usize>();
    let mut bytes = Vec::with_capacity(total);
    bytes.extend(lengths.iter().flat_map(|len| len.to_le_bytes()));
    bincode::serialize_into(&mut bytes, header)?;
    bincode::serialize_into(&mut bytes, &index.table)?;
    for part in compressed {
        bytes.extend_from_slice(&part);
    }
    Ok(bytes)
}

fn decode_header(bytes: &[u8]) -> Result<Header> {
    fn split<'b>(bytes: &'b [u8], len: &[u8]) -> Result<(&'b [u8], &'b [u8])> {
        let len = u64::from_le_bytes(len.try_into()?);
        bytes
            .split_at_checked(usize::try_from(len)?)
            .context("truncated")
    }
    let (lengths, parts) = bytes.split_at_checked(32).context("truncated")?;
    let (rest, parts) = split(parts, &lengths[..8])?;
    let (table, parts) = split(parts, &lengths[8..16])?;
    let (binders, parts) = split(parts, &lengths[16..24])?;
    let (results, index) = split(parts, &lengths[24..])?;
    let (header, (table, index)) = rayon::join(
        || decode_plain::<Header>(rest),
        || {
            rayon::join(
                || {
                    let table = decode_plain::<StoredSites>(table)?;
                    let count = table.offsets.last().copied().unwrap_or(0) as usize;
                    let sorted = table.offsets.is_sorted();
                    if !sorted
                        || !crate::cache::tables::sites::valid(
                            &table.sites,
                            count,
                            table.strings.len(),
                        )
                    {
                        bail!("damaged packed sites");
                    }
                    Ok(table)
                },
                || decode_part::<StoredIndex>(index),
            )
        },
    );
    let mut header = header?;
    header.index = index?;
    header.index.table = table?;
    header.index.later_binders = LaterPart(binders.to_vec());
    header.index.later_results = LaterPart(results.to_vec());
    Ok(header)
}

/// Writes a cache file atomically in the cache folder (created, with a `.gitignore`,
/// when missing): `magic`, the blobs in order as they come, then the header that
/// `header` makes of where each blob went; the header's length and checksum, which
/// follow `magic`, are filled in last.
pub fn write_container(
    path: &Path,
    magic: &[u8; 8],
    blobs: impl Iterator<Item = Vec<u8>>,
    header: impl FnOnce(Vec<BlobRef>) -> Result<Vec<u8>>,
) -> Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        // Created, never opened through a link that appeared since the folder's check;
        // another write of the same run (the snapshot beside the reference index) may
        // have just made it.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&ignore)
        {
            Ok(mut file) => {
                file.write_all(b"# Written by ssot-graph: the cache is not source.\n*\n")?
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error.into()),
        }
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 20, tempfile::NamedTempFile::new_in(dir)?);
    out.write_all(magic)?;
    out.write_all(&[0u8; PREFIX - 8])?;
    let mut refs = Vec::new();
    let mut offset = 0u64;
    for bytes in blobs {
        out.write_all(&bytes)?;
        refs.push(BlobRef {
            offset,
            len: bytes.len() as u64,
            checksum: checksum(&bytes),
        });
        offset += bytes.len() as u64;
    }
    let header = header(refs)?;
    out.write_all(&header)?;
    let mut file = out.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(8))?;
    file.write_all(&(header.len() as u64).to_le_bytes())?;
    file.write_all(&checksum(&header).to_le_bytes())?;
    file.persist(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(dir: &Path) -> PathBuf {
        let path = dir.join("snapshot.bin");
        let header = Header {
            tool: env!("CARGO_PKG_VERSION").to_string(),
            key: 7,
            files: vec![StoredFile {
                rel: "pkg/mod.py".into(),
                path: b"pkg/mod.py".to_vec(),
                module: "pkg.mod".into(),
                is_package: false,
                is_stub: false,
                is_test: false,
                compiled: false,
                companion: false,
                stamp: Stamp {
                    size: 1,
                    mtime_ns: 1,
                    ctime_ns: 1,
                    ino: 1,
                },
                hash: 1,
                blob: BlobRef {
                    offset: 0,
                    len: 0,
                    checksum: 0,
                },
            }],
            ..Header::default()
        };
        let summary = FileSummary {
            getattr: Some(3),
            ..FileSummary::default()
        };
        write(&path, header, std::iter::once(encode(&summary))).unwrap();
        path
    }

    #[test]
    fn a_snapshot_cut_short_while_it_is_read_is_a_miss_not_a_signal() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        let snapshot = Snapshot::read(&path, 7).unwrap().unwrap();
        let blob = snapshot.header.files[0].blob;
        assert_eq!(snapshot.summary(blob).unwrap().getattr, Some(3));
        // `: > snapshot.bin` while a run holds it open.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        assert!(snapshot.summary(blob).is_none());
        assert!(Snapshot::read(&path, 7).is_err());
    }

    #[test]
    fn an_edit_checksummed_again_by_another_hand_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        let bytes = std::fs::read(&path).unwrap();
        let header_len = u64::from_le_bytes(bytes[8..16].try_into().unwrap()) as usize;
        let blobs_end = bytes.len() - header_len;
        let mut header = decode_header(&bytes[blobs_end..]).unwrap();
        header.files[0].module = "pkg.bad".into();
        let edited = encode_header(&header).unwrap();
        // The checksum as a plain content hash would be: no key.
        let plain = crate::fingerprint::content_hash(&edited);
        let bytes = [
            &bytes[..8],
            &(edited.len() as u64).to_le_bytes(),
            &plain.to_le_bytes(),
            &bytes[PREFIX..blobs_end],
            &edited,
        ]
        .concat();
        std::fs::write(&path, &bytes).unwrap();
        let error = Snapshot::read(&path, 7)
            .err()
            .expect("not trusted")
            .to_string();
        assert!(error.starts_with("checksum mismatch"), "{error}");
    }
}
