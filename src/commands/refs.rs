//! `refs TARGET`: every reference to the definition (or module) TARGET resolves to —
//! imports through any chain, re-exports, uses of the names they bind, attribute
//! accesses through modules — with counts per kind, per file and per import path.

use std::collections::BTreeMap;
use std::io::Write;

use rayon::prelude::*;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{RefKind, RefsGroupBy};
use crate::commands::count;
use crate::index::Project;
use crate::references::{self, Reference};
use crate::resolve::Resolver;
use crate::target::resolve_target;
use crate::view::{self, ResolvedView};

#[derive(Serialize)]
pub struct Refs {
    pub schema: &'static str,
    pub target: String,
    pub definition: ResolvedView,
    /// Sorted by path, line, column.
    pub references: Vec<Reference>,
    pub counts: Counts,
    #[serde(skip)]
    pub group_by: Option<RefsGroupBy>,
}

#[derive(Serialize)]
pub struct Counts {
    pub references: usize,
    pub files: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    /// References per file, most first.
    pub by_file: Vec<(String, usize)>,
    /// Import sites per module path they name, most first.
    pub by_module_path: Vec<(String, usize)>,
}

pub struct Options {
    pub kinds: Vec<RefKind>,
    pub group_by: Option<RefsGroupBy>,
    pub include_tests: bool,
    pub if_deleted: bool,
}

pub fn compute(project: &Project, target: &str, options: &Options) -> Result<Refs> {
    let mut resolver = Resolver::new(project);
    let (resolution, _) = resolve_target(&mut resolver, target)?;
    if !references::has_references(&resolution) {
        let what = view::describe(&view::resolved(project, &resolution));
        anyhow::bail!("{target}: nothing in the repository to find references of ({what})");
    }
    let reach = match options.if_deleted {
        true => references::Reach::IfDeleted,
        false => references::Reach::Names,
    };
    let mut found = references::collect(&mut resolver, &resolution, reach, options.include_tests);
    found.retain(|(_, r)| {
        options.kinds.is_empty() || options.kinds.iter().any(|k| k.name() == r.kind)
    });
    fill_text(project, &mut found);
    found.sort_by(|a, b| (&a.1.path, a.1.line, a.1.col).cmp(&(&b.1.path, b.1.line, b.1.col)));
    let references: Vec<Reference> = found.into_iter().map(|(_, r)| r).collect();
    let counts = counts(&references);
    Ok(Refs {
        schema: "ssot-graph/refs/v1",
        target: target.to_string(),
        definition: view::resolved(project, &resolution),
        references,
        counts,
        group_by: options.group_by,
    })
}

/// Each reference's source line (and an import's exact place), the file read once and
/// only as far as its last reference.
fn fill_text(project: &Project, found: &mut [(usize, Reference)]) {
    // References come file by file: files in parallel, each thread reading into one buffer.
    found
        .par_chunk_by_mut(|a, b| a.0 == b.0)
        .for_each_init(Vec::new, |buffer, references| {
            let file = references[0].0;
            if file == references::NOT_A_SOURCE_FILE {
                return;
            }
            buffer.clear();
            if read_into(&project.files[file].path, buffer).is_err() {
                return;
            }
            let bom = if buffer.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            if crate::parse::declares_other_encoding(&buffer[bom..]) {
                let Ok(text) = crate::parse::decode(buffer) else {
                    return;
                };
                place_all(references, text.as_bytes());
            } else {
                place_all(references, &buffer[bom..]);
            }
        });
}

/// Reads the file into `buffer`, up to the parser's limit (through `take`, which reads
/// into the buffer's spare room without asking the file's size first).
fn read_into(path: &std::path::Path, buffer: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    buffer.reserve(64 * 1024);
    file.take(crate::parse::MAX_FILE_BYTES as u64)
        .read_to_end(buffer)
        .map(|_| ())
}

/// Places `references` in `text` (UTF-8), finding line starts only as far as needed.
fn place_all(references: &mut [(usize, Reference)], text: &[u8]) {
    let last_line = references.iter().map(|(_, r)| r.line).max().unwrap_or(0) as usize;
    let last_offset = references
        .iter()
        .filter_map(|(_, r)| r.offset)
        .max()
        .map_or(0, |o| o as usize);
    let mut starts = vec![0usize];
    for newline in memchr::memchr_iter(b'\n', text) {
        if starts.len() > last_line + 1 && newline > last_offset {
            break;
        }
        starts.push(newline + 1);
    }
    let line_end = |line: usize| {
        starts.get(line + 1).copied().unwrap_or_else(|| {
            let start = starts[line];
            memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |at| start + at + 1)
        })
    };
    for (_, reference) in references.iter_mut() {
        if let Some(offset) = reference
            .offset
            .map(|o| o as usize)
            .filter(|&o| o <= text.len())
        {
            let line = starts.partition_point(|&s| s <= offset) - 1;
            reference.line = line as u32 + 1;
            reference.col = String::from_utf8_lossy(&text[starts[line]..offset])
                .chars()
                .count() as u32
                + 1;
        }
        let Some(line) = (reference.line as usize).checked_sub(1) else {
            continue;
        };
        if line < starts.len() {
            let line = String::from_utf8_lossy(&text[starts[line]..line_end(line)]);
            let dotted = reference.kind == "string";
            reference.width = (line
                .chars()
                .skip((reference.col as usize).saturating_sub(1)))
            .take_while(|&c| c.is_alphanumeric() || c == '_' || (dotted && c == '.'))
            .count() as u32;
            reference.text = line.trim().to_string();
        }
    }
}

pub fn counts(references: &[Reference]) -> Counts {
    let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_module_path: BTreeMap<&str, usize> = BTreeMap::new();
    for reference in references {
        *by_kind.entry(reference.kind).or_default() += 1;
        *by_file.entry(&reference.path).or_default() += 1;
        if matches!(reference.kind, "import" | "reexport")
            && let Some(via) = &reference.via
        {
            *by_module_path.entry(via).or_default() += 1;
        }
    }
    let ranked = |map: BTreeMap<&str, usize>| {
        let mut list: Vec<(String, usize)> =
            map.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list
    };
    Counts {
        references: references.len(),
        files: by_file.len(),
        by_kind,
        by_file: ranked(by_file),
        by_module_path: ranked(by_module_path),
    }
}

impl Counts {
    /// `22 references in 8 files (8 imports, 2 reexports, 12 uses)`; `why` leaves out
    /// the word `references` (`noun`).
    pub fn line(&self, noun: bool) -> String {
        let kinds: Vec<String> = self
            .by_kind
            .iter()
            .map(|(kind, n)| format!("{n} {kind}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        format!(
            "{} in {}{}",
            if noun {
                count(self.references, "reference")
            } else {
                self.references.to_string()
            },
            count(self.files, "file"),
            if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({})", kinds.join(", "))
            }
        )
    }
}

fn group_key(reference: &Reference, by: RefsGroupBy) -> &str {
    match by {
        RefsGroupBy::File => &reference.path,
        RefsGroupBy::Kind => reference.kind,
        RefsGroupBy::ModulePath => reference.via.as_deref().unwrap_or("(uses)"),
    }
}

pub fn text(out: &mut dyn Write, refs: &Refs) -> std::io::Result<()> {
    let line = |out: &mut dyn Write, r: &Reference| {
        writeln!(
            out,
            "{}:{}:{}: {:<9} {}",
            r.path, r.line, r.col, r.kind, r.text
        )
    };
    match refs.group_by {
        None => {
            for reference in &refs.references {
                line(out, reference)?;
            }
        }
        Some(by) => {
            let mut keys: Vec<&str> = refs.references.iter().map(|r| group_key(r, by)).collect();
            keys.sort_unstable();
            keys.dedup();
            for (index, key) in keys.iter().enumerate() {
                if index > 0 {
                    writeln!(out)?;
                }
                let members: Vec<&Reference> = refs
                    .references
                    .iter()
                    .filter(|r| group_key(r, by) == *key)
                    .collect();
                writeln!(out, "{key}  ({})", count(members.len(), "reference"))?;
                for reference in members {
                    line(out, reference)?;
                }
            }
        }
    }
    let c = &refs.counts;
    if c.references > 0 {
        writeln!(out)?;
    }
    writeln!(
        out,
        "{}: {}",
        view::describe(&refs.definition),
        c.line(true)
    )?;
    if c.by_module_path.len() > 1 {
        writeln!(out, "imports per module path:")?;
        for (module, n) in &c.by_module_path {
            writeln!(out, "  {n:>5}  {module}")?;
        }
    }
    Ok(())
}

pub fn run(ctx: &super::Context, args: &crate::cli::RefsArgs, out: &mut dyn Write) -> Result<i32> {
    let options = Options {
        kinds: args.kind.clone(),
        group_by: args.group_by,
        include_tests: args.include_tests,
        if_deleted: args.if_deleted,
    };
    ctx.emit(out, &compute(ctx.project, &args.target, &options)?, text)
}
