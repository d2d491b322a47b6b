//! Rename (`textDocument/prepareRename`, `textDocument/rename`): what `rename` does to
//! the definition under the cursor and every reference to it, as one workspace edit.

use lsp_types::{Position, PrepareRenameResponse, WorkspaceEdit};

use super::actions::workspace_edit;
use super::answers::subject;
use super::places::Places;
use super::text::LineIndex;
use crate::config::Config;
use crate::index::Project;
use crate::relocate::rename;
use crate::resolve::{Resolution, Resolver};
use crate::target::resolve_target;

/// The name under the cursor when it stands for a definition of the repository, which
/// `rename` can rename; why not otherwise.
pub fn prepare(
    project: &Project,
    places: &mut Places,
    rel: &str,
    position: Position,
) -> Result<PrepareRenameResponse, String> {
    let (_, start, end) = renamed_here(project, places, rel, position)?;
    let range = places
        .span(rel, start, end)
        .ok_or("the file cannot be read")?;
    let text = places.text(rel).unwrap_or_default();
    Ok(PrepareRenameResponse::RangeWithPlaceholder {
        range,
        placeholder: text[start..end].to_string(),
    })
}

/// The edit `rename SYMBOL NEW_NAME` makes, SYMBOL being what is under the cursor.
pub fn edit(
    project: &Project,
    config: &Config,
    places: &mut Places,
    rel: &str,
    position: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let (symbol, _, _) = renamed_here(project, places, rel, position)?;
    let target = config.target().map_err(|e| format!("{e:#}"))?;
    project.summaries.load_all();
    let plan = rename::plan(project, &target, &symbol, new_name, false)
        .map_err(|e| format!("cannot rename {symbol}: {e:#}"))?;
    for left in &plan.left {
        eprintln!("ssot-graph server: rename left {left}");
    }
    Ok(workspace_edit(&plan.files, places))
}

/// The definition renamed from the cursor, and the bytes of its name there: the name
/// must be the definition's own (a local alias is not it), the last part of a dotted
/// string.
fn renamed_here(
    project: &Project,
    places: &mut Places,
    rel: &str,
    position: Position,
) -> Result<(String, usize, usize), String> {
    let (_, subject) =
        subject(project, places, rel, position).ok_or("no name of the repository here")?;
    let symbol = definition(project, &subject.target)?;
    // The word under the cursor (in `A as B`, `A` or `B`; in a dotted string, its part).
    let text = places.text(rel).ok_or("the file cannot be read")?;
    let index = LineIndex::new(&text, places.encoding);
    let (start, end) = index.word_at(index.offset(position), false);
    let name = &text[start..end];
    let defined = symbol.rsplit('.').next().unwrap_or_default();
    if name != defined {
        return Err(format!(
            "`{name}` is this file's name for `{symbol}`: rename `{defined}` where it is \
             defined or used under its own name"
        ));
    }
    Ok((symbol, start, end))
}

/// The dotted path of the definition `target` resolves to, when it is one of the
/// repository's.
fn definition(project: &Project, target: &str) -> Result<String, String> {
    let mut resolver = Resolver::new(project);
    let (resolution, _) = resolve_target(&mut resolver, target).map_err(|e| e.to_string())?;
    let resolved = crate::view::resolved(project, &resolution);
    match (&resolution, &resolved.module, &resolved.name) {
        (Resolution::Definition { .. }, Some(module), Some(name)) => Ok(format!("{module}.{name}")),
        _ => Err(format!(
            "only a definition of the repository is renamed here ({})",
            crate::view::describe(&resolved)
        )),
    }
}
