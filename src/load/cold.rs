//! A run without a usable snapshot: every file walked, parsed and indexed.

use std::time::Instant;

use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;

use super::layout::{Layout, OpenOptions};
use crate::discover::{self, SourceFile};
use crate::fingerprint::{Stamp, source_hash};
use crate::index::Project;
use crate::parse;
use crate::summaries::Summaries;
use crate::summary::FileSummary;

/// Walks, parses and indexes everything; also returns each file's stamp and content
/// hash (with `options.cache`) and the walk, its files moved into the project.
pub fn read(
    layout: Layout,
    options: &OpenOptions,
) -> (Project, Vec<(Option<Stamp>, u64)>, discover::Walk) {
    let started = Instant::now();
    let mut walk = layout.walk();
    let discovered = started.elapsed();
    let started = Instant::now();
    let parsed = summarize_all(&walk.files, &layout.target, options);
    let fingerprints = parsed.iter().map(|p| (p.stamp, p.hash)).collect();
    let summaries = parsed.into_iter().map(|p| p.summary).collect();
    let parsing = started.elapsed();
    let mut project = Project::build(
        layout.root,
        layout.source_roots,
        std::mem::take(&mut walk.files),
        Summaries::parsed(summaries),
        walk.diagnostics.clone(),
    );
    project
        .timings
        .splice(0..0, [("discover", discovered), ("parse", parsing)]);
    (project, fingerprints, walk)
}

/// A file as parsed: its summary, and what the cache needs to know it again.
pub struct Parsed {
    pub summary: FileSummary,
    stamp: Option<Stamp>,
    hash: u64,
}

/// Reads and summarizes one file; with `fingerprint`, also takes its stamp and hash
/// for the cache.
pub fn parse_file(
    file: &SourceFile,
    target: &parse::Target,
    fingerprint: bool,
    detail: parse::Detail,
) -> Parsed {
    thread_local! {
        /// The thread's last file's bytes: the next file is read into them.
        static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }
    let stamp = fingerprint.then(|| Stamp::read(&file.path)).flatten();
    match open_in_folder(&file.path).and_then(|opened| parse::read_file_into(opened, BUFFER.take()))
    {
        Ok(source) => {
            let parsed = Parsed {
                hash: if fingerprint { source_hash(&source) } else { 0 },
                summary: summarize(file, &source, target, detail),
                stamp,
            };
            BUFFER.set(source.into_buffer());
            parsed
        }
        Err(error) => Parsed {
            summary: read_error(error),
            stamp: None,
            hash: 0,
        },
    }
}

/// Opens the file at `path` by its name in its folder, kept open from the thread's last
/// file: the walk lists a folder's files one after another, and the system then walks
/// the folder's path once rather than once a file.
#[cfg(unix)]
fn open_in_folder(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    thread_local! {
        static FOLDER: std::cell::RefCell<Option<(std::path::PathBuf, rustix::fd::OwnedFd)>> =
            const { std::cell::RefCell::new(None) };
    }
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return std::fs::File::open(path);
    };
    FOLDER.with_borrow_mut(|open| {
        let fd = match open {
            Some((open_path, fd)) if open_path == folder => fd,
            _ => {
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                let fd = rustix::fs::open(folder, flags, Mode::empty())?;
                &open.insert((folder.to_path_buf(), fd)).1
            }
        };
        let file = rustix::fs::openat(fd, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
        Ok(std::fs::File::from(file))
    })
}

#[cfg(not(unix))]
fn open_in_folder(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The summary of a file as read; an extension module's bytes are not Python.
pub fn summarize(
    file: &SourceFile,
    source: &parse::SourceBytes,
    target: &parse::Target,
    detail: parse::Detail,
) -> FileSummary {
    if file.compiled {
        return FileSummary::default();
    }
    source.summarize(file.is_stub, target, detail)
}

pub fn read_error(error: std::io::Error) -> FileSummary {
    FileSummary {
        diagnostics: thin_vec::thin_vec![crate::summary::Diagnostic {
            line: 0,
            message: format!("cannot read: {error}"),
        }],
        ..FileSummary::default()
    }
}

/// The most files a parallel part of the parse takes before it can be split.
const PARSE_PART: usize = 16;

/// Every file's summary, parsed in parallel, with a progress bar on big trees.
fn summarize_all(
    files: &[SourceFile],
    target: &parse::Target,
    options: &OpenOptions,
) -> Vec<Parsed> {
    let bar = if options.progress && files.len() >= 2000 {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} parsing {pos}/{len} files {wide_bar} {eta}")
                .expect("a valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    // A snapshot serves any later question: it holds everything.
    let detail = match options.cache {
        true => parse::Detail::FULL,
        false => options.detail,
    };
    // Small parts: a core that runs out of files takes some from the other's part, so
    // both finish together (rayon's default parts are ~an eighth of the files, which one
    // core could be left parsing alone for the last tenth of the run).
    let summaries = files
        .par_iter()
        .with_max_len(PARSE_PART)
        .progress_with(bar.clone())
        .map(|file| parse_file(file, target, options.cache, detail))
        .collect();
    bar.finish_and_clear();
    summaries
}
