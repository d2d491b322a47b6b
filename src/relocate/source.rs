//! The text `move` cuts and places: a definition with its decorators and the comment
//! block directly above it, and where a block goes in a file.

use std::path::Path;

use crate::index::Project;
use crate::parse::{Layout, StatementKind, TopStatement};

/// A top-level definition as text: `start..end` of its file, from the first line of the
/// comment block above it to the end of its last line (the newline left out).
#[derive(Clone, Debug)]
pub struct Block {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

impl Block {
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        &source[self.start..self.end]
    }
}

/// A file to edit, read as the graph saw it: whether it starts with a BOM, its text, and
/// its top-level layout; refused when it changed since the graph was read or does not
/// parse.
pub fn read_module(
    project: &Project,
    file: usize,
    target: &crate::parse::Target,
) -> anyhow::Result<(bool, String, Layout)> {
    let rel = &project.files[file].rel;
    let (bom, text) =
        crate::fix::read_utf8(project, file).map_err(|r| anyhow::anyhow!("{rel}: {r}"))?;
    if crate::parse::summarize(&text, false, target, crate::parse::Detail::FULL)
        != *project.summary(file)
    {
        anyhow::bail!("{rel}: changed since the graph was read; run move again");
    }
    let layout = crate::parse::layout(&text, false);
    if layout.syntax_error {
        anyhow::bail!("{rel}: does not parse");
    }
    Ok((bom, text, layout))
}

/// `text` as written back: with the BOM it was read with.
/// `text` without its byte order mark.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

pub fn with_bom(bom: bool, text: &str) -> String {
    match bom {
        true => format!("\u{feff}{text}"),
        false => text.to_string(),
    }
}

/// A path of the project as shown: relative to the root, `/`-separated.
pub fn rel_of(project: &Project, path: &Path) -> String {
    path.strip_prefix(&project.root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The start of the line holding `offset`.
pub fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |at| at + 1)
}

/// The end of the line holding `offset`, before its newline (`\r\n` or `\n`).
pub fn line_end(source: &str, offset: usize) -> usize {
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |at| offset + at);
    if end > offset && source[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// The block of statement `index`, or why it cannot be cut out alone.
pub fn block(source: &str, layout: &Layout, index: usize, name: &str) -> Result<Block, String> {
    let statement = &layout.statements[index];
    let (start, end) = (statement.span.start as usize, statement.span.end as usize);
    let after = &source[end..line_end(source, end)];
    let after = after.trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with('#')) {
        return Err("shares its last line with another statement".to_string());
    }
    let before = &source[line_start(source, start)..start];
    if !before.trim().is_empty() {
        return Err("shares its first line with another statement".to_string());
    }
    let previous_end = index
        .checked_sub(1)
        .map_or(0, |i| layout.statements[i].span.end as usize);
    Ok(Block {
        name: name.to_string(),
        start: comment_block_start(source, line_start(source, start), previous_end),
        end: line_end(source, end),
    })
}

/// Where the comment lines directly above `line` begin (no blank line between), not
/// reaching back into the previous statement nor taking a `#!` or coding line.
fn comment_block_start(source: &str, line: usize, floor: usize) -> usize {
    let mut start = line;
    while start > floor && start > 0 {
        let above = line_start(source, start - 1);
        if above < floor {
            break;
        }
        let text = source[above..start].trim();
        let header = above == 0 && text.starts_with("#!")
            || line_number(source, above) <= 2 && text.starts_with('#') && text.contains("coding");
        if !text.starts_with('#') || header {
            break;
        }
        start = above;
    }
    start
}

/// The 1-based line holding `offset`.
pub fn line_number(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

/// The index after the docstring and `__future__` imports: where the first import of a
/// file without imports goes.
pub fn after_header(statements: &[TopStatement]) -> Option<usize> {
    statements.iter().rposition(|s| {
        matches!(
            s.kind,
            StatementKind::Docstring | StatementKind::FutureImport
        )
    })
}

/// One replacement of a file's text.
#[derive(Clone, Debug)]
pub struct Splice {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies non-overlapping splices (in any order); `None` when two overlap.
pub fn apply(source: &str, mut splices: Vec<Splice>) -> Option<String> {
    splices.sort_by_key(|s| (s.start, s.end));
    if splices.windows(2).any(|pair| pair[0].end > pair[1].start) {
        return None;
    }
    let mut text = source.to_string();
    for splice in splices.iter().rev() {
        text.replace_range(splice.start..splice.end, &splice.text);
    }
    Some(text)
}

/// The splice that removes `start..end` (whole lines) and the blank lines above it, so
/// the code around closes up as it was before the lines were added.
pub fn removal(source: &str, start: usize, end: usize) -> Splice {
    let mut from = start;
    while from > 0 {
        let above = line_start(source, from - 1);
        if !source[above..from].trim().is_empty() {
            break;
        }
        from = above;
    }
    // Keep the newline that ends the code above; take the one that ends the removed text
    // when nothing is above.
    let (from, end) = match from {
        0 => (0, skip_newline(source, end)),
        _ => (from.saturating_sub(newline_before(source, from)), end),
    };
    Splice {
        start: from,
        end,
        text: String::new(),
    }
}

fn newline_before(source: &str, at: usize) -> usize {
    if source[..at].ends_with("\r\n") {
        2
    } else if source[..at].ends_with('\n') {
        1
    } else {
        0
    }
}

fn skip_newline(source: &str, at: usize) -> usize {
    let rest = &source[at..];
    if rest.starts_with("\r\n") {
        at + 2
    } else if rest.starts_with('\n') {
        at + 1
    } else {
        at
    }
}

/// The blank lines between the end of the code before `at` (a line start) and `at`.
pub fn blank_lines_before(source: &str, at: usize) -> usize {
    let mut count = 0;
    let mut line = at;
    while line > 0 {
        let above = line_start(source, line - 1);
        if !source[above..line].trim().is_empty() {
            break;
        }
        count += 1;
        line = above;
    }
    count
}

/// The blank lines between `at` (a line's end) and the code after it.
pub fn blank_lines_after(source: &str, at: usize) -> usize {
    source[at..]
        .split('\n')
        .skip(1)
        .take_while(|line| line.trim().is_empty())
        .count()
}
