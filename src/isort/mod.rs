//! Import blocks kept as the project's import sorter wants them: a rewrite of a file
//! whose imports were sorted (as ruff's `I001` sorts them, with the project's ruff
//! settings) leaves them sorted, the rewritten statement merged into the one that already
//! imports from its new module.

mod block;
mod key;
mod settings;
mod sorter;

use std::path::{Path, PathBuf};

pub use settings::Settings;

use crate::environment::Environment;
use crate::parse::{ImportLayout, import_blocks};
use sorter::Sorter;

/// The project's import style: its ruff settings and the standard library of its Python.
pub struct Style<'a> {
    settings: Settings,
    environment: &'a Environment,
    /// Files the change being written creates: they count as there (first-party).
    created: Vec<PathBuf>,
}

impl<'a> Style<'a> {
    pub fn read(root: &Path, environment: &'a Environment) -> Style<'a> {
        Style {
            settings: Settings::read(root),
            environment,
            created: Vec::new(),
        }
    }

    /// The style for a change that creates `files`.
    pub fn creating(mut self, files: Vec<PathBuf>) -> Self {
        self.created = files;
        self
    }

    /// The style as it applies to the file at `path`.
    fn sorter(&self, path: &Path, layout: &ImportLayout) -> Sorter<'_> {
        let mut package = None;
        let mut dir = path.parent();
        while let Some(folder) = dir.filter(|d| d.join("__init__.py").is_file()) {
            package = Some(folder.to_path_buf());
            dir = folder.parent();
        }
        Sorter {
            settings: &self.settings,
            environment: self.environment,
            created: &self.created,
            package,
            indentation: layout
                .indentation
                .clone()
                .unwrap_or_else(|| "    ".to_string()),
        }
    }

    /// Whether blocks of `source` are sorted here: not with settings this does not model,
    /// nor in a file that tells isort what to skip (`# isort: skip`, `off`, `split`).
    fn applies(&self, source: &str) -> bool {
        let exempt_file = source.lines().any(|line| {
            let line = line.trim();
            ["# ruff: noqa", "# flake8: noqa"]
                .iter()
                .any(|p| line.strip_prefix(p).is_some_and(silences_sorting))
        });
        self.settings.unsupported.is_none() && !source.contains("isort:") && !exempt_file
    }

    /// `new` (a rewrite of `old`, the file at `path`) with each import block that was
    /// sorted in `old` sorted again. When the rewrite added or removed blocks (a move
    /// brings imports to a file that had none), every block is sorted if every block of
    /// `old` was (a new file's too). A block that was not sorted, a file with an
    /// `isort:` directive, or settings not modelled here leave `new` as it is.
    pub fn keep_sorted(&self, path: &Path, old: &str, new: &str, is_stub: bool) -> String {
        if !self.applies(old) || !self.applies(new) {
            return new.to_string();
        }
        let old_layout = import_blocks(old, is_stub);
        let new_layout = import_blocks(new, is_stub);
        let before = self.sorter(path, &old_layout);
        let after = self.sorter(path, &new_layout);
        let sorted: Vec<bool> = old_layout
            .blocks
            .iter()
            .map(|block| {
                // Sorted as ruff judges it: the lines after a top-level block too.
                !silenced(old, block)
                    && block::format(&before, old, block, None).is_some_and(|(range, text)| {
                        let mut spaced = old.to_string();
                        if old[range.start..].starts_with(|c: char| !c.is_whitespace()) {
                            self.space_after(&mut spaced, range.end, is_stub);
                        }
                        old[range] == text && spaced == old
                    })
            })
            .collect();
        let texts: Vec<&str> = old_layout
            .blocks
            .iter()
            .flat_map(|b| &b.statements)
            .map(|s| &old[s.start..s.end])
            .collect();
        let same_blocks = old_layout.blocks.len() == new_layout.blocks.len();
        if !same_blocks && sorted.contains(&false) {
            return new.to_string();
        }
        let mut out = new.to_string();
        for (index, block) in new_layout.blocks.iter().enumerate().rev() {
            if same_blocks && !sorted[index] {
                continue;
            }
            if let Some((range, text)) = block::format(&after, new, block, Some(&texts)) {
                let end = range.start + text.len();
                let top_level = new[range.start..].starts_with(|c: char| !c.is_whitespace());
                out.replace_range(range, &text);
                if top_level {
                    self.space_after(&mut out, end, is_stub);
                }
            }
        }
        out
    }
}

impl Style<'_> {
    /// The blank lines after a top-level block at `end` of `text`, as ruff wants them:
    /// one before a statement, two before a `def` or `class` (one in a stub), unless
    /// `lines-after-imports` says how many; none are added at the end of the file.
    fn space_after(&self, text: &mut String, end: usize, is_stub: bool) {
        let rest = &text[end..];
        let blank: usize = rest
            .split_inclusive('\n')
            .take_while(|line| line.trim().is_empty() && line.ends_with('\n'))
            .map(str::len)
            .sum();
        if rest[blank..].trim().is_empty() {
            return;
        }
        // A comment directly above a definition belongs to it; comments followed by a
        // blank line stand alone, as a statement would.
        let code = rest[blank..]
            .lines()
            .map(str::trim)
            .find(|line| !line.starts_with('#'))
            .filter(|line| !line.is_empty());
        let definition = code.is_some_and(|l| {
            ["def ", "async def ", "class ", "@"]
                .iter()
                .any(|p| l.starts_with(p))
        });
        let wanted = match self.settings.lines_after_imports {
            n if n >= 0 => n as usize,
            _ if definition && !is_stub => 2,
            _ => 1,
        };
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        text.replace_range(end..end + blank, &newline.repeat(wanted));
    }
}

/// What the style makes of each import block of a file: `Sorted`, `Unsorted` with the
/// block as it would be written, or `NotModelled`.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Sorted,
    Unsorted(std::ops::Range<usize>, String),
    NotModelled,
}

impl Style<'_> {
    /// Each import block of `source` (the file at `path`) judged (`bench/isort_agreement.py`
    /// compares the verdicts with ruff's `I001`).
    pub fn judge(&self, path: &Path, source: &str, is_stub: bool) -> Vec<Verdict> {
        let layout = import_blocks(source, is_stub);
        if !self.applies(source) {
            return layout.blocks.iter().map(|_| Verdict::NotModelled).collect();
        }
        let sorter = self.sorter(path, &layout);
        layout
            .blocks
            .iter()
            .map(|b| {
                match block::format(&sorter, source, b, None).filter(|_| !silenced(source, b)) {
                    Some((range, text)) if source[range.clone()] == text => Verdict::Sorted,
                    Some((range, text)) => Verdict::Unsorted(range, text),
                    None => Verdict::NotModelled,
                }
            })
            .collect()
    }
}

/// Whether a `# noqa` on the block's first line silences ruff's `I001` there (ruff
/// reports an unsorted block at its first line, and neither reports nor fixes it then).
fn silenced(source: &str, block: &crate::parse::ImportBlock) -> bool {
    let Some(first) = block.statements.first() else {
        return false;
    };
    let line_end = source[first.start..]
        .find('\n')
        .map_or(source.len(), |at| first.start + at);
    let line = &source[first.start..line_end];
    line.match_indices('#').any(|(at, _)| {
        let comment = line[at + 1..].trim_start();
        comment
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("noqa"))
            && silences_sorting(&comment[4..])
    })
}

/// What follows `noqa` silences `I001`: nothing (every rule), or a list naming it.
fn silences_sorting(rest: &str) -> bool {
    let rest = rest.trim_start();
    match rest.strip_prefix(':') {
        Some(codes) => codes
            .split(|c: char| c == ',' || c.is_whitespace())
            .take_while(|code| !code.starts_with('#'))
            .any(|code| code == "I001"),
        None => {
            rest.is_empty() || rest.starts_with('#') || !rest.starts_with(char::is_alphanumeric)
        }
    }
}

#[cfg(test)]
mod tests;
