//! Places in the project's files as the client names them: a URI and a range counted in
//! the agreed encoding, from the text as the project read it (an open document's, else
//! the file's).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{Location, Range, Uri};
use rustc_hash::FxHashMap;

use super::documents::uri_of;
use super::text::{Encoding, LineIndex};
use crate::summary;

/// The texts of the open documents, by path.
pub type OpenTexts = Arc<FxHashMap<PathBuf, Arc<str>>>;

pub struct Places {
    root: PathBuf,
    open: OpenTexts,
    pub encoding: Encoding,
    read: FxHashMap<String, Option<Arc<str>>>,
}

impl Places {
    pub fn new(root: &Path, open: OpenTexts, encoding: Encoding) -> Places {
        Places {
            root: root.to_path_buf(),
            open,
            encoding,
            read: FxHashMap::default(),
        }
    }

    /// The text of root-relative `rel` as the project read it.
    pub fn text(&mut self, rel: &str) -> Option<Arc<str>> {
        let path = self.root.join(rel);
        if let Some(text) = self.open.get(&path) {
            return Some(text.clone());
        }
        self.read
            .entry(rel.to_string())
            .or_insert_with(|| {
                // Only a regular file (a FIFO would block), as the parser reads them.
                let max = crate::parse::MAX_FILE_BYTES as u64;
                let bytes = crate::read::small_bytes(&path, max).ok()?;
                let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
                // Decoded as the parser decoded it: its offsets are into that text.
                let text = match crate::parse::declares_other_encoding(bytes) {
                    true => crate::parse::decode(bytes).ok()?,
                    false => String::from_utf8_lossy(bytes),
                };
                Some(text.into())
            })
            .clone()
    }

    pub fn uri(&self, rel: &str) -> Option<Uri> {
        uri_of(&self.root.join(rel))
    }

    /// The range of the identifier (with `dotted`, the dotted name) at a summary's place
    /// in `rel`.
    pub fn word(&mut self, rel: &str, at: summary::Position, dotted: bool) -> Option<Location> {
        let text = self.text(rel)?;
        let index = LineIndex::new(&text, self.encoding);
        let start = index.offset_of(at)?;
        let (_, end) = index.word_at(start, dotted);
        Some(Location::new(self.uri(rel)?, index.range(start, end)))
    }

    /// The range of `name` where the statement at `at` names it (`class Name`, `def
    /// name`, `from m import name`): its first whole word after the place, within a few
    /// lines; else of the word at the place.
    pub fn named(&mut self, rel: &str, at: summary::Position, name: &str) -> Option<Location> {
        let text = self.text(rel)?;
        let index = LineIndex::new(&text, self.encoding);
        let start = index.offset_of(at)?;
        let range = match index.name_after(start, name) {
            Some(found) => index.range(found, found + name.len()),
            None => index.range(start, index.word_at(start, false).1),
        };
        Some(Location::new(self.uri(rel)?, range))
    }

    /// The start of `rel`.
    pub fn start(&self, rel: &str) -> Option<Location> {
        Some(Location::new(self.uri(rel)?, Range::default()))
    }

    /// The range of bytes `start..end` of `rel`.
    pub fn span(&mut self, rel: &str, start: usize, end: usize) -> Option<Range> {
        let text = self.text(rel)?;
        Some(LineIndex::new(&text, self.encoding).range(start, end))
    }
}
