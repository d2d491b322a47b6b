//! Renaming a deprecated name's uses in one file, when the fix imports its replacement
//! under the replacement's own name: every read of the import's binding (from the uses
//! pass), its `__all__` entries, and the import itself. Only when every occurrence of
//! the old name in the file is one of those, and nothing outside the file can read the
//! old name from it; otherwise the fix keeps `new as old`, with the reason.

use petgraph::Direction;
use petgraph::graph::NodeIndex;

use crate::index::Project;
use crate::summary::{Position, StringKind};

/// The byte offsets, in `source`, of every use of the name import site `site` binds
/// (its `__all__` entries included), to rename to `new`; or why that is not safe.
pub fn uses_to_rename(
    project: &Project,
    file: usize,
    source: &str,
    site: usize,
    new: &str,
) -> Result<Vec<usize>, String> {
    let import = project.import_site(site);
    let Some(old) = import.bound_name() else {
        return Err("not a named import".to_string());
    };
    let summary = project.summary(file);
    // A function's own import is read in that function only; a module-level one may be
    // read by anything that imports the module.
    let own = match import.context.function {
        true => project.sites[site].import,
        false => {
            module_level_checks(project, file, site, old)?;
            u32::MAX
        }
    };
    if word_offsets(source, new).next().is_some() {
        return Err(format!("`{new}` is already a name in this file"));
    }
    let lines = LineStarts::new(source);
    let mut offsets: Vec<usize> = Vec::new();
    for used in summary
        .uses
        .iter()
        .filter(|u| u.import == own && summary.use_names[u.name as usize] == old)
    {
        offsets.push(
            lines
                .offset(source, used.position)
                .ok_or("a use out of place")?,
        );
    }
    for entry in summary
        .strings
        .iter()
        .filter(|s| own == u32::MAX && s.kind == StringKind::All && s.path == old)
    {
        offsets.push(
            lines
                .offset(source, entry.position)
                .ok_or("an entry out of place")?,
        );
    }
    // The import's own name token, the uses and the `__all__` entries must be every
    // place the word occurs: anything else (an attribute, a keyword, a comment) is a use
    // this pass does not know.
    let every: Vec<usize> = word_offsets(source, old).collect();
    let known = offsets.len() + 1;
    let all_known = every.len() == known
        && offsets.iter().all(|o| every.contains(o))
        && every.contains(&(import.alias_span.start as usize));
    if !all_known {
        return Err(format!(
            "`{old}` occurs {} times in this file, only {known} of them the import and uses \
             it binds: not every use is known",
            every.len()
        ));
    }
    Ok(offsets)
}

/// A module-level import's name can be read from outside the file: only when nothing
/// can is it renamed.
fn module_level_checks(
    project: &Project,
    file: usize,
    site: usize,
    old: &str,
) -> Result<(), String> {
    let summary = project.summary(file);
    let module_bindings = summary.bindings.iter().filter(|b| b.name == old).count();
    if module_bindings != 1
        || summary.globals_update.is_some()
        || !summary.globals_exports.is_empty()
    {
        return Err(format!(
            "`{old}` is bound more than once in this module (or at run time)"
        ));
    }
    let module = project.importer(site);
    let name = &project.modules[module as usize].name;
    if project
        .graph()
        .neighbors_directed(NodeIndex::new(module as usize), Direction::Incoming)
        .next()
        .is_some()
    {
        return Err(format!(
            "other modules import `{name}`: they may read `{old}` from it"
        ));
    }
    let dotted = format!("{name}.{old}");
    let named_elsewhere = (0..project.files.len()).any(|f| {
        project.summary(f).strings.iter().any(|s| {
            !s.kind.in_own_module()
                && (s.path == dotted || s.path.starts_with(&format!("{dotted}.")))
        })
    });
    if named_elsewhere {
        return Err(format!("a string target names `{dotted}`"));
    }
    Ok(())
}

/// Where `word` occurs in `text` as a whole identifier.
fn word_offsets<'t>(text: &'t str, word: &'t str) -> impl Iterator<Item = usize> + 't {
    let is_identifier = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).filter_map(move |(at, _)| {
        let before = text[..at].chars().next_back().is_some_and(is_identifier);
        let after = text[at + word.len()..]
            .chars()
            .next()
            .is_some_and(is_identifier);
        (!before && !after).then_some(at)
    })
}

/// Line starts of a text, to turn 1-based positions into byte offsets.
pub(crate) struct LineStarts(Vec<usize>);

impl LineStarts {
    pub(crate) fn new(text: &str) -> LineStarts {
        LineStarts(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .collect(),
        )
    }

    /// Where the 1-based line `line` starts.
    pub(crate) fn start(&self, line: u32) -> Option<usize> {
        self.0.get(line.checked_sub(1)? as usize).copied()
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        self.0.partition_point(|&start| start <= offset) as u32
    }

    /// The byte offset of a 1-based line and character column.
    pub(crate) fn offset(&self, text: &str, position: Position) -> Option<usize> {
        let start = self.start(position.line)?;
        let column = position.col.checked_sub(1)? as usize;
        let line = &text[start..];
        let within = line
            .char_indices()
            .nth(column)
            .map(|(at, _)| at)
            .or_else(|| (line.chars().count() == column).then_some(line.len()))?;
        Some(start + within)
    }
}
