//! Hover, go to definition and declaration, and find references: the answers of `why`
//! and `refs` about what is under the cursor.

use lsp_types::{
    Hover, HoverContents, Location, MarkupContent, MarkupKind, Position as LspPosition, Range,
};

use super::cursor::{self, Declaration, Subject};
use super::places::Places;
use super::text::LineIndex;
use crate::commands::{refs, why};
use crate::config::Config;
use crate::index::Project;
use crate::resolve::Resolver;
use crate::summary::Position;
use crate::target::resolve_target;
use crate::view::{self, ResolvedView};

/// The file `rel` of the project and what is at `position` in it.
pub fn subject(
    project: &Project,
    places: &mut Places,
    rel: &str,
    position: LspPosition,
) -> Option<(usize, Subject)> {
    let file = project.files.iter().position(|f| f.rel.as_str() == rel)?;
    let text = places.text(rel)?;
    let index = LineIndex::new(&text, places.encoding);
    let offset = index.offset(position);
    Some((file, cursor::at(project, file, &index, offset)?))
}

pub fn hover(
    project: &Project,
    config: &Config,
    places: &mut Places,
    rel: &str,
    position: LspPosition,
) -> Option<Hover> {
    let (_, subject) = subject(project, places, rel, position)?;
    let rules = crate::rules::load_configured(&project.root, config).unwrap_or_default();
    let why = why::compute_with(project, &rules, &subject.target, false).ok()?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown(&why),
        }),
        range: places.span(rel, subject.start, subject.end),
    })
}

/// `why`'s answer as the hover shows it.
pub fn markdown(why: &why::Why) -> String {
    let mut text = format!("**`{}`** → {}\n", why.target, view::describe(&why.resolved));
    if !why.chain.is_empty() {
        text.push_str("\nChain:\n");
        for (step, hop) in why.chain.iter().enumerate() {
            text.push_str(&format!(
                "{}. `{}.{}` ({}, `{}:{}`)\n",
                step + 1,
                hop.module,
                hop.name,
                hop.via,
                hop.path,
                hop.line
            ));
        }
    }
    if let (Some(canonical), Some(name)) = (&why.canonical, &why.resolved.name) {
        let rule = why
            .canonical_rule
            .as_ref()
            .map(|id| format!(" (rule `{id}`)"))
            .unwrap_or_default();
        text.push_str(&format!(
            "\nCanonical import: `from {canonical} import {}`{rule}\n",
            name.split('.').next().unwrap_or(name)
        ));
    }
    for deprecation in &why.deprecations {
        text.push_str(&format!(
            "\n**Deprecated**: `{}`: {}\n",
            deprecation.target, deprecation.message
        ));
    }
    if let Some(counts) = &why.references {
        text.push_str(&format!(
            "\nReferences: {} in {} {}\n",
            counts.references,
            counts.files,
            if counts.files == 1 { "file" } else { "files" }
        ));
    }
    for decided in &why.decided_at_run_time {
        text.push_str(&format!("\nDecided at run time: {decided}\n"));
    }
    text
}

/// Where what is under the cursor is really defined, through every re-export.
pub fn definition(
    project: &Project,
    places: &mut Places,
    rel: &str,
    position: LspPosition,
) -> Option<Location> {
    let (_, subject) = subject(project, places, rel, position)?;
    let mut resolver = Resolver::new(project);
    let (resolution, _) = resolve_target(&mut resolver, &subject.target).ok()?;
    located(places, &view::resolved(project, &resolution))
}

/// Where the file binds what is under the cursor: its import, or its definition.
pub fn declaration(
    project: &Project,
    places: &mut Places,
    rel: &str,
    position: LspPosition,
) -> Option<Location> {
    let (_, subject) = subject(project, places, rel, position)?;
    match subject.declaration? {
        Declaration::Import { start, end } => Some(Location::new(
            places.uri(rel)?,
            places.span(rel, start, end)?,
        )),
        Declaration::Binding { at, name } => places.named(rel, at, &name),
    }
}

fn located(places: &mut Places, resolved: &ResolvedView) -> Option<Location> {
    let path = resolved.path.as_deref()?;
    // A namespace package is a folder: there is nothing to open.
    if !(path.ends_with(".py") || path.ends_with(".pyi")) {
        return None;
    }
    match (resolved.line, &resolved.name) {
        (Some(line), Some(name)) => {
            let at = Position {
                line,
                col: resolved.col.unwrap_or(1),
            };
            places.named(path, at, name.rsplit('.').next().unwrap_or(name))
        }
        _ => places.start(path),
    }
}

/// Every reference `refs` finds to what is under the cursor, strings included, file by
/// file; with the definition itself when asked.
pub fn references(
    project: &Project,
    places: &mut Places,
    rel: &str,
    position: LspPosition,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (_, subject) = subject(project, places, rel, position)?;
    let options = refs::Options {
        kinds: Vec::new(),
        group_by: None,
        include_tests: true,
        if_deleted: false,
    };
    let found = refs::compute(project, &subject.target, &options).ok()?;
    let mut locations = Vec::new();
    if include_declaration && let Some(location) = located(places, &found.definition) {
        locations.push(location);
    }
    for reference in &found.references {
        let at = Position {
            line: reference.line,
            col: reference.col,
        };
        // An ASCII line counts the same in every encoding: its file need not be read.
        let direct = (reference.text.is_ascii() && reference.width > 0).then(|| {
            let start = LspPosition::new(at.line - 1, at.col - 1);
            let end = LspPosition::new(at.line - 1, at.col - 1 + reference.width);
            Some(Location::new(
                places.uri(&reference.path)?,
                Range::new(start, end),
            ))
        });
        let location = match direct {
            Some(location) => location,
            None => places.word(&reference.path, at, reference.kind == "string"),
        };
        if let Some(location) = location {
            locations.push(location);
        }
    }
    Some(locations)
}
