//! The files the editor has open: their text as typed, and the copies the project is read
//! from while that text differs from the file on disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{TextDocumentContentChangeEvent, Uri};
use rustc_hash::FxHashMap;

use super::text::{Encoding, LineIndex};
use crate::staged::SubstituteTree;

pub struct Document {
    pub uri: Uri,
    /// Where the file is, as the editor names it.
    pub path: PathBuf,
    pub version: i32,
    pub text: Arc<str>,
}

pub struct Documents {
    open: FxHashMap<String, Document>,
    /// Where the copies of documents that differ from their files are written.
    copies: tempfile::TempDir,
}

/// The file a `file:` URI names; `None` for any other scheme.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

/// The file a `file:` URI names, through links as the root is (a document opened by a
/// linked path is the project's file all the same); as named when it is not on disk.
pub fn file_of(uri: &Uri) -> Option<PathBuf> {
    let path = path_of(uri)?;
    Some(path.canonicalize().unwrap_or(path))
}

/// The `file:` URI of `path`.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

impl Documents {
    pub fn new() -> std::io::Result<Documents> {
        Ok(Documents {
            open: FxHashMap::default(),
            copies: tempfile::Builder::new()
                .prefix("ssot-graph-server")
                .tempdir()?,
        })
    }

    /// Opens a document; `None` when its URI names no file.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> Option<&Document> {
        let path = file_of(&uri)?;
        let key = uri.as_str().to_string();
        let document = Document {
            uri,
            path,
            version,
            text: text.into(),
        };
        self.open.insert(key.clone(), document);
        self.open.get(&key)
    }

    /// Applies the editor's changes in order. An unknown document is an error.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> Result<(), String> {
        let Some(document) = self.open.get_mut(uri.as_str()) else {
            return Err(format!("didChange for {} which is not open", uri.as_str()));
        };
        let mut text = document.text.to_string();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let index = LineIndex::new(&text, encoding);
                    let (start, end) = (index.offset(range.start), index.offset(range.end));
                    text.replace_range(start..end.max(start), &change.text);
                }
            }
        }
        document.text = text.into();
        document.version = version;
        Ok(())
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    /// The tree under `root` with each open document whose text is not its file's read
    /// from a copy of it; `None` when every one is as saved.
    pub fn substitutes(&self, root: &Path) -> Option<Arc<SubstituteTree>> {
        let mut copies = FxHashMap::default();
        for document in self.open.values() {
            let Some(rel) = crate::files::relative(root, &document.path) else {
                continue;
            };
            // In the encoding the text declares, as the file on disk is.
            let bytes = crate::parse::encode_as_declared(&document.text)
                .unwrap_or_else(|| document.text.as_bytes().to_vec());
            // Only a regular file is read (a FIFO opened in the editor would block).
            let max = crate::parse::MAX_FILE_BYTES as u64;
            let saved = crate::read::small_bytes(&document.path, max).ok();
            if saved.as_deref() == Some(&bytes[..]) {
                continue;
            }
            let copy = self.copies.path().join(&rel);
            let written = copy
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&copy, &bytes));
            match written {
                Ok(()) => {
                    copies.insert(rel, copy);
                }
                Err(error) => eprintln!(
                    "ssot-graph server: {}: cannot keep a copy of the unsaved text ({error}); the saved file is read",
                    document.path.display()
                ),
            }
        }
        (!copies.is_empty()).then(|| Arc::new(SubstituteTree::with_copies(copies)))
    }
}
