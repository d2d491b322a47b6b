//! Reading the repository's own small files (settings, rules, the baseline, ignore
//! files): only a regular file, and only up to a cap, so that a link to a device, a FIFO
//! or a huge file is a one-line error, not a run that hangs or exhausts memory.

use std::io::{Error, ErrorKind, Read as _};
use std::path::Path;

/// The most a settings, rules or ignore file may hold.
pub const MAX_SETTINGS_BYTES: u64 = 8 << 20;

/// The text of `path` when it is a regular file (or a link to one) of at most `max`
/// bytes; otherwise an error of kind `InvalidInput` saying why (`NotFound` when there is
/// nothing there).
pub fn small_text(path: &Path, max: u64) -> std::io::Result<String> {
    String::from_utf8(small_bytes(path, max)?)
        .map_err(|_| Error::new(ErrorKind::InvalidData, "stream did not contain valid UTF-8"))
}

/// `small_text`'s bytes, whatever they encode.
pub fn small_bytes(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    if let Some(reason) = refuses(path, max) {
        return Err(Error::new(ErrorKind::InvalidInput, reason));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Error::new(ErrorKind::InvalidInput, too_large(max)));
    }
    Ok(bytes)
}

/// `small_text` of a file that may be absent: `None` when it is, and when it cannot be
/// read (then a warning says why).
pub fn optional_text(path: &Path) -> Option<String> {
    match small_text(path, MAX_SETTINGS_BYTES) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == ErrorKind::NotFound => None,
        Err(error) => {
            eprintln!("warning: {}: {error}; not read", path.display());
            None
        }
    }
}

/// Why `path` is not to be opened: not a regular file or larger than `max` bytes.
/// `None` when it may be read, or when it does not exist (opening it says so).
pub fn refuses(path: &Path, max: u64) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    let kind = metadata.file_type();
    if kind.is_file() {
        return (metadata.len() > max).then(|| too_large(max));
    }
    if kind.is_dir() {
        return Some("is a directory".to_string());
    }
    Some(format!("not a regular file ({})", special_kind(&kind)))
}

fn too_large(max: u64) -> String {
    format!("larger than {} MiB", max >> 20)
}

fn special_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = kind;
    "a special file"
}
