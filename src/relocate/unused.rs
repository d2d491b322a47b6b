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
    let mut splices = Vec::new();
    let mut dropped = Vec::new();
    let mut by_statement: Vec<(&ImportSite, usize)> = Vec::new();
    for site in &now.imports {
        let context = &site.context;
        let Some(bound) = site.bound_name() else {
            continue;
        };
        if context.function || context.try_import || context.conditional {
            continue;
        }
        if kept.contains(&bound)
            || !reads(&was, bound)
            || reads(&now, bound)
            || imported_from_here(bound)
        {
            continue;
        }
        dropped.push(bound.to_string());
        let span = site.statement_span;
        match by_statement
            .iter_mut()
            .find(|(s, _)| s.statement_span == span)
        {
            Some((_, count)) => *count += 1,
            None => by_statement.push((site, 1)),
        }
        if site.names_in_statement > 1 {
            splices.push(site);
        }
    }
    let mut edits: Vec<Splice> = Vec::new();
    for (site, count) in &by_statement {
        let span = site.statement_span;
        if *count as u32 == site.names_in_statement {
            let start = source::line_start(after, span.start as usize);
            let end = source::line_end(after, span.end as usize);
            let mut removal = source::removal(after, start, end);
            if removal.start == 0 {
                // At the top of the file: the blank lines below go too.
                let rest = &after[removal.end..];
                removal.end += rest.len() - rest.trim_start_matches(['\r', '\n']).len();
            }
            edits.push(removal);
        } else {
            edits.extend(
                splices
                    .iter()
                    .filter(|s| s.statement_span == span)
                    .map(|s| super::dest::name_removal(after, s.alias_span)),
            );
        }
    }
    match source::apply(after, edits).filter(|text| parse::syntax_error(text, false).is_none()) {
        Some(text) => (text, dropped),
        // Removing them would leave a body empty (the only import of an `if
        // TYPE_CHECKING:`): they stay.
        None => (after.to_string(), Vec::new()),
    }
}

/// Whether the module reads `name` at module level or in any scope that sees it, or
/// lists it in `__all__`.
fn reads(summary: &FileSummary, name: &str) -> bool {
    let used: FxHashSet<&str> = summary
        .uses
        .iter()
        .filter(|u| u.import == u32::MAX)
        .map(|u| summary.use_names[u.name as usize].as_str())
        .collect();
    used.contains(name)
        || summary.all.iter().any(|change| match change {
            AllChange::Set(parts) | AllChange::Extend(parts) => parts
                .iter()
                .any(|p| matches!(p, AllPart::Names(names) if names.iter().any(|n| n == name))),
            AllChange::Remove(_) => false,
        })
}
