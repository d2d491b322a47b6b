//! Imports of the old module that only the moved code read: they leave with it, so the
//! move adds no unused import (ruff's `F401`) where the code was.

use rustc_hash::FxHashSet;

use super::source::{self, Splice};
use crate::index::{ModuleId, Project};
use crate::parse;
use crate::summary::{AllChange, AllPart, FileSummary, ImportSite};

/// `after` (the old module's text once the code left) without the imports that `before`
/// read and `after` no longer does, and the names they bound. The shim's names (`kept`),
/// an import another module imports from here, one `__all__` names, and one in a
/// function, a `try` or under a condition other than `TYPE_CHECKING` stay.
pub fn drop_unused(
    project: &Project,
    target: &parse::Target,
    (old, kept): (ModuleId, &[&str]),
    before: &str,
    after: &str,
) -> (String, Vec<String>) {
    let summarize = |text| parse::summarize(text, false, target, parse::Detail::FULL);
    let (was, now) = (summarize(before), summarize(after));
    let imported_from_here = |name: &str| {
        (0..project.sites.len()).any(|s| {
            project.sites[s].node() == Some(old)
                && project
                    .import_site(s)
                    .name
                    .is_some_and(|n| n.as_str() == name)
        })
    };
    let (read_before, read_after) = (read_names(&was), read_names(&now));
    let dropping: Vec<&ImportSite> = now
        .imports
        .iter()
        .filter(|site| {
            let context = &site.context;
            !(context.function || context.try_import || context.conditional)
        })
        .filter(|site| {
            site.bound_name().is_some_and(|bound| {
                !kept.contains(&bound)
                    && read_before.contains(bound)
                    && !read_after.contains(bound)
                    && !imported_from_here(bound)
            })
        })
        .collect();
    let dropped: Vec<String> = dropping
        .iter()
        .filter_map(|site| site.bound_name().map(str::to_string))
        .collect();
    // A statement all of whose names go is removed whole, once; otherwise each name.
    let mut removed_whole: FxHashSet<crate::summary::Span> = FxHashSet::default();
    let mut edits: Vec<Splice> = Vec::new();
    for site in &dropping {
        let span = site.statement_span;
        let going = dropping.iter().filter(|s| s.statement_span == span).count();
        if going as u32 != site.names_in_statement {
            edits.push(super::dest::name_removal(after, site.alias_span));
        } else if removed_whole.insert(span) {
            edits.push(statement_removal(after, span));
        }
    }
    match source::apply(after, edits).filter(|text| parse::syntax_error(text, false).is_none()) {
        Some(text) => (text, dropped),
        // Removing them would leave a body empty (the only import of an `if
        // TYPE_CHECKING:`): they stay.
        None => (after.to_string(), Vec::new()),
    }
}

/// `text` with every `__all__` entry naming one of `names` removed (the whole
/// `__all__.append("name")` statement).
pub fn drop_from_all(text: &str, names: &[&str]) -> String {
    let edits: Vec<Splice> = names
        .iter()
        .flat_map(|name| parse::all_entries(text, name))
        .map(|entry| match entry.statement {
            Some(statement) => statement_removal(text, statement),
            None => super::dest::name_removal(text, entry.literal),
        })
        .collect();
    source::apply(text, edits)
        .filter(|new| parse::syntax_error(new, false).is_none())
        .unwrap_or_else(|| text.to_string())
}

/// The names the module reads at module level or in any scope that sees them, and those
/// it lists in `__all__`.
fn read_names(summary: &FileSummary) -> FxHashSet<&str> {
    let used = summary
        .uses
        .iter()
        .filter(|u| u.import == u32::MAX)
        .map(|u| summary.use_names[u.name as usize].as_str());
    let listed = summary.all.iter().flat_map(|change| match change {
        AllChange::Set(parts) | AllChange::Extend(parts) => parts.as_slice(),
        AllChange::Remove(_) => &[],
    });
    let listed = listed.flat_map(|part| match part {
        AllPart::Names(names) => names.as_slice(),
        _ => &[],
    });
    used.chain(listed.map(String::as_str)).collect()
}

/// The splice that removes a whole statement's lines. A statement alone between blank
/// lines takes one gap with it, the one above (the one below at the top of the file),
/// so the code around keeps its spacing.
fn statement_removal(text: &str, span: crate::summary::Span) -> Splice {
    let mut start = source::line_start(text, span.start as usize);
    let end = source::line_end(text, span.end as usize);
    let rest = &text[end..];
    let newline = match (rest.starts_with("\r\n"), rest.starts_with('\n')) {
        (true, _) => 2,
        (false, true) => 1,
        (false, false) => 0,
    };
    let mut end = end + newline;
    let above = &text[..start];
    let below = &text[end..];
    let gap_below = below.len() - below.trim_start_matches(['\r', '\n']).len();
    let blank_above = start == 0 || above.ends_with("\n\n") || above.ends_with("\n\r\n");
    if blank_above && (gap_below > 0 || below.is_empty()) {
        if start == 0 {
            end += gap_below;
        } else {
            let code_end = above.trim_end_matches(['\r', '\n']).len();
            start = code_end
                + if text[code_end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
        }
    }
    Splice {
        start,
        end,
        text: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::Span;

    fn remove(text: &str, statement: &str) -> String {
        let start = text.find(statement).unwrap() as u32;
        let span = Span {
            start,
            end: start + statement.len() as u32,
        };
        source::apply(text, vec![statement_removal(text, span)]).unwrap()
    }

    #[test]
    fn a_removed_import_leaves_the_spacing_around_it_as_it_was() {
        // The first of a block: the docstring's gap stays.
        assert_eq!(
            remove("\"\"\"Doc.\"\"\"\n\nimport a\nimport b\n", "import a"),
            "\"\"\"Doc.\"\"\"\n\nimport b\n"
        );
        // Alone in its section: one gap goes, the one below (two lines before a def) stays.
        assert_eq!(
            remove("import a\n\nimport b\n\n\ndef f():\n    pass\n", "import b"),
            "import a\n\n\ndef f():\n    pass\n"
        );
        // At the top of the file: the gap below goes.
        assert_eq!(
            remove("import a\r\n\r\n\r\nX = 1\r\n", "import a"),
            "X = 1\r\n"
        );
        assert_eq!(
            remove("X = 1\r\n\r\nimport a\r\n\r\nY = 2\r\n", "import a"),
            "X = 1\r\n\r\nY = 2\r\n"
        );
    }
}
