//! Code actions: `fix`'s rewrite of the findings under the cursor (`quickfix`), and of
//! every fixable finding of the file (`source.fixAll.ssot-graph`).

use std::collections::HashMap;

use anyhow::Result;
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Uri, WorkspaceEdit};
use rustc_hash::FxHashSet;

use super::places::Places;
use super::text::LineIndex;
use crate::commands::check::{Only, unsuppressed_in};
use crate::config::Config;
use crate::fix;
use crate::index::Project;

/// The kind of the action that fixes the whole file.
pub const FIX_ALL: &str = "source.fixAll.ssot-graph";

/// The actions for `range` of the file `rel`, of the kinds asked for (all when `None`).
pub fn for_range(
    project: &Project,
    config: &Config,
    places: &mut Places,
    rel: &str,
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> Result<Vec<CodeAction>> {
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter()
                .any(|asked| kind.as_str().starts_with(asked.as_str()))
        })
    };
    let Some(file) = project.files.iter().position(|f| f.rel.as_str() == rel) else {
        return Ok(Vec::new());
    };
    let (findings, mut evaluator) = unsuppressed_in(
        project,
        config,
        Only::Every,
        Some(FxHashSet::from_iter([file])),
    )?;
    let fixable: Vec<_> = findings.into_iter().filter(|f| f.fixable).collect();
    let mut actions = Vec::new();
    let fix_all = CodeActionKind::from(FIX_ALL);
    if wants(&CodeActionKind::QUICKFIX) {
        for finding in &fixable {
            let Some(diagnostic) =
                super::diagnostics::of_finding(evaluator.resolver(), finding, places)
            else {
                continue;
            };
            if !overlaps(diagnostic.range, range) {
                continue;
            }
            let plan = fix::plan(&mut evaluator, std::slice::from_ref(finding), false);
            let Some(edit) = workspace_edit(&plan.files, places) else {
                continue;
            };
            let title = match &finding.replacement {
                Some(replacement) => format!("Import `{replacement}` instead"),
                None => format!("Fix `{}`", finding.rule),
            };
            actions.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(edit),
                is_preferred: Some(true),
                ..CodeAction::default()
            });
        }
    }
    if wants(&fix_all) && !fixable.is_empty() {
        let plan = fix::plan(&mut evaluator, &fixable, false);
        if let Some(edit) = workspace_edit(&plan.files, places) {
            actions.push(CodeAction {
                title: "Fix every ssot-graph finding in the file".to_string(),
                kind: Some(fix_all),
                edit: Some(edit),
                ..CodeAction::default()
            });
        }
    }
    Ok(actions)
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The new texts of `files` as one edit per file: the part that changed, replaced.
// `Uri` is the key `WorkspaceEdit::changes` has; its cell caches a parse, not its value.
#[allow(clippy::mutable_key_type)]
pub fn workspace_edit(files: &[fix::FileFix], places: &mut Places) -> Option<WorkspaceEdit> {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for file in files {
        let uri = places.uri(&file.path)?;
        changes
            .entry(uri)
            .or_default()
            .push(changed_part(&file.old, &file.new, places));
    }
    (!changes.is_empty()).then(|| WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

/// The one edit that turns `old` into `new`: what lies between their common start and
/// their common end.
fn changed_part(old: &str, new: &str, places: &Places) -> TextEdit {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let mut common_end = old[start..]
        .bytes()
        .rev()
        .zip(new[start..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - common_end)
        || !new.is_char_boundary(new.len() - common_end)
    {
        common_end -= 1;
    }
    let index = LineIndex::new(old, places.encoding);
    TextEdit {
        range: index.range(start, old.len() - common_end),
        new_text: new[start..new.len() - common_end].to_string(),
    }
}
