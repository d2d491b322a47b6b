//! Rewrites import statements so fixable findings import the same object from the
//! canonical module (or a deprecated name's replacement). Every edit is a byte range of
//! one file; a rewritten file must still parse or it is left alone.

pub(crate) mod rename;

pub(crate) use rename::LineStarts;

use std::collections::BTreeMap;

use crate::graph::{EdgeFilter, Graph};
use crate::index::Project;
use crate::parse;
use crate::resolve::Resolution;
use crate::rules::evaluate::{Evaluator, Finding};
use crate::summary::Span;

/// The outcome for one file.
#[derive(Clone, Debug)]
pub struct FileFix {
    /// The file as shown (root-relative, `/`-separated, escaped).
    pub path: String,
    /// Where it is.
    pub real: std::path::PathBuf,
    pub old: String,
    pub new: String,
    /// Findings the new text fixes.
    pub fixed: usize,
    /// Uses of deprecated names renamed to their replacement's name.
    pub renamed: usize,
}

/// A finding `fix` did not apply, and why.
#[derive(Debug)]
pub struct Skipped {
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub rule: String,
    pub reason: String,
}

impl Skipped {
    /// `path:line:col: rule`.
    pub fn at(&self) -> String {
        format!("{}:{}:{}: {}", self.path, self.line, self.col, self.rule)
    }
}

#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<FileFix>,
    pub skipped: Vec<Skipped>,
    /// Fixes that import the replacement under the old name (`New as Old`), and why its
    /// uses were not renamed.
    pub aliased: Vec<Skipped>,
}

pub(crate) struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One imported name to take from another module: the import site, and the module and
/// name it imports from instead.
pub(crate) struct Retarget {
    pub site: usize,
    pub module: String,
    pub name: String,
    pub line: u32,
    pub col: u32,
    pub rule: String,
}

impl Retarget {
    fn left(&self, path: &str, reason: &str) -> Skipped {
        Skipped {
            path: path.to_string(),
            line: self.line,
            col: self.col,
            rule: self.rule.clone(),
            reason: reason.to_string(),
        }
    }
}

pub fn plan(evaluator: &mut Evaluator, findings: &[Finding], unsafe_fixes: bool) -> Plan {
    let layers = settled_layers(evaluator, findings);
    let resolver = evaluator.resolver();
    let project = resolver.project();
    let graph = Graph::new(
        project,
        EdgeFilter {
            parents: true,
            ..EdgeFilter::default()
        },
    );
    let mut running: rustc_hash::FxHashMap<crate::index::ModuleId, rustc_hash::FxHashSet<_>> =
        Default::default();
    let mut plan = Plan::default();
    let mut by_file: BTreeMap<usize, Vec<Retarget>> = BTreeMap::new();
    // Per file: the functions that run while it is imported (read and parsed once).
    let mut running_functions: rustc_hash::FxHashMap<usize, Vec<Span>> = Default::default();
    for finding in findings.iter().filter(|f| f.fixable) {
        let (Some(site), Some(replacement)) = (finding.site, &finding.replacement) else {
            continue;
        };
        let skip = |reason: &str| Skipped {
            path: finding.path.clone(),
            line: finding.line,
            col: finding.col,
            rule: finding.rule.clone(),
            reason: reason.to_string(),
        };
        if layers.contains(&project.importer(site)) {
            plan.skipped.push(skip(
                "a re-export module: other modules import through it, also after this fix",
            ));
            continue;
        }
        let Some((module, name)) = replacement.rsplit_once('.') else {
            plan.skipped
                .push(skip("the replacement is not `module.Name`"));
            continue;
        };
        let (now, _) = resolver.resolve_site(site);
        let (then, _) = resolver.resolve_path(replacement);
        let same_object = now == then;
        let exists = matches!(then, Resolution::Definition { .. } | Resolution::Module(_));
        if !same_object && finding.same_object {
            plan.skipped
                .push(skip("the new import would not bind the same object"));
            continue;
        }
        if !same_object && !exists {
            plan.skipped
                .push(skip(&format!("`{replacement}` is not in the repository")));
            continue;
        }
        if !same_object && !unsafe_fixes {
            plan.skipped.push(skip(&format!(
                "`{replacement}` is another object than the import binds now (the rule's \
                 declared successor): an unsafe fix, applied with --unsafe-fixes"
            )));
            continue;
        }
        let Some(target) = project.internal(module) else {
            plan.skipped.push(skip(&format!(
                "`{module}` is not a module of the repository"
            )));
            continue;
        };
        let stub_only = project.modules[target as usize].file.is_some_and(|file| {
            project.files[file].is_stub && !project.modules[target as usize].compiled
        });
        if stub_only {
            plan.skipped.push(skip(&format!(
                "`{module}` exists only as a stub (.pyi): the new import would fail at run time"
            )));
            continue;
        }
        if !resolver.bound_at_run_time(target, name) {
            plan.skipped.push(skip(&format!(
                "`{module}` binds `{name}` only under TYPE_CHECKING or in a branch not taken: \
                 the new import would fail at run time"
            )));
            continue;
        }
        let import = project.import_site(site);
        // A function-level import runs at import time too when its function does (a
        // decorator, a function the module calls while it loads).
        let file = project.sites[site].file as usize;
        let offset = import.statement_span.start;
        let eager = !import.context.type_checking
            && (!import.context.function
                || running_functions
                    .entry(file)
                    .or_insert_with(|| match read_utf8(project, file) {
                        Ok((_, text)) => {
                            parse::functions_run_at_import(&text, project.files[file].is_stub)
                        }
                        Err(_) => Vec::new(),
                    })
                    .iter()
                    .any(|f| f.start <= offset && offset < f.end));
        let importer = project.importer(site);
        if eager
            && running
                .entry(target)
                .or_insert_with(|| graph.runs_during_import(target))
                .contains(&importer)
        {
            plan.skipped.push(skip(&format!(
                "this module runs while `{module}` is first imported: importing from it here \
                 would be an import-time cycle"
            )));
            continue;
        }
        by_file
            .entry(project.sites[site].file as usize)
            .or_default()
            .push(Retarget {
                site,
                module: module.to_string(),
                name: name.to_string(),
                line: finding.line,
                col: finding.col,
                rule: finding.rule.clone(),
            });
    }
    let rewriting = Rewriting::new(project, unsafe_fixes);
    for (file, moves) in by_file {
        let mut aliased = Vec::new();
        match fix_file(
            &rewriting,
            file,
            &moves,
            Vec::new(),
            &mut plan.skipped,
            &mut aliased,
        ) {
            Ok(Some(fix)) => {
                plan.files.push(fix);
                plan.aliased.extend(aliased);
            }
            Ok(None) => {}
            Err(reason) => plan.skipped.extend(
                moves
                    .iter()
                    .map(|m| m.left(&project.files[file].rel, &reason)),
            ),
        }
    }
    plan
}

/// Modules other modules import names through are re-export layers, left alone. Which
/// ones those are *after* the fix decides: a layer whose importers all move to the
/// canonical module stops being one and is fixed in the same run (or a second run would
/// find it), and a module the moved imports newly pass through becomes one. Found by
/// moving every fixable site outside the layers until nothing changes.
fn settled_layers(
    evaluator: &mut Evaluator,
    findings: &[Finding],
) -> rustc_hash::FxHashSet<crate::index::ModuleId> {
    let candidates: Vec<(usize, &str)> = findings
        .iter()
        .filter(|f| f.fixable)
        .filter_map(|f| Some((f.site?, f.replacement.as_deref()?)))
        .collect();
    let new_hops: Vec<Vec<crate::index::ModuleId>> = candidates
        .iter()
        .map(|(_, replacement)| {
            let (_, hops) = evaluator.resolver().resolve_path(replacement);
            hops.iter().map(|h| h.module).collect()
        })
        .collect();
    let project = evaluator.resolver().project();
    let mut moving = rustc_hash::FxHashSet::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for _ in 0..16 {
        let mut layers = evaluator.reexport_modules(&moving);
        for (index, (site, _)) in candidates.iter().enumerate() {
            if moving.contains(site) {
                layers.extend(new_hops[index].iter().copied());
            }
        }
        let next: rustc_hash::FxHashSet<usize> = candidates
            .iter()
            .map(|(site, _)| *site)
            .filter(|&site| !layers.contains(&project.importer(site)))
            .collect();
        if next == moving {
            return layers;
        }
        seen.extend(layers);
        moving = next;
    }
    // No settling (moves that create layers that stop other moves): every module that was
    // a layer on the way stays one.
    seen
}

/// Clears `fixable` on the findings in files `fix` leaves alone whatever the rewrite
/// (one that is not UTF-8 or declares another encoding, one that does not parse now), so
/// that `[*]` marks only what `fix` will rewrite.
pub fn mark_unrewritable(project: &Project, findings: &mut [Finding]) {
    let wanted: rustc_hash::FxHashSet<&str> = findings
        .iter()
        .filter(|f| f.fixable)
        .map(|f| f.path.as_str())
        .collect();
    if wanted.is_empty() {
        return;
    }
    let mut why_not: rustc_hash::FxHashMap<String, Option<String>> = Default::default();
    for (file, source) in project.files.iter().enumerate() {
        if !wanted.contains(source.rel.as_str()) {
            continue;
        }
        let problem = project
            .diagnostics
            .iter()
            .find(|d| d.path == source.rel.as_str())
            .map(|d| format!("{}: left alone", d.message));
        let reason = problem.or_else(|| read_utf8(project, file).err());
        why_not.insert(source.rel.to_string(), reason);
    }
    for finding in findings.iter_mut().filter(|f| f.fixable) {
        if let Some(Some(reason)) = why_not.get(&finding.path) {
            finding.fixable = false;
            finding.why_not_fixable = Some(reason.clone());
        }
    }
}

/// The source of a file as the parser saw it (without a BOM); `None` unless it is UTF-8.
pub(crate) fn read_utf8(project: &Project, file: usize) -> Result<(bool, String), String> {
    let bytes =
        std::fs::read(&project.files[file].path).map_err(|e| format!("cannot read: {e}"))?;
    let (bom, body) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(body) => (true, body.to_vec()),
        None => (false, bytes),
    };
    let text = String::from_utf8(body).map_err(|_| "not UTF-8: left alone".to_string())?;
    let declares_other = text.lines().take(2).any(|l| {
        l.trim_start().starts_with('#')
            && l.contains("coding")
            && !l.to_ascii_lowercase().contains("utf-8")
            && !l.to_ascii_lowercase().contains("utf8")
    });
    if declares_other {
        return Err("declares a non-UTF-8 encoding: left alone".to_string());
    }
    Ok((bom, text))
}

/// What every file's rewrite of one run shares.
pub(crate) struct Rewriting<'a> {
    pub project: &'a Project,
    /// Sorted import blocks stay sorted.
    pub style: crate::isort::Style<'a>,
    /// Splitting a statement may move its comments.
    pub unsafe_fixes: bool,
}

impl<'a> Rewriting<'a> {
    pub fn new(project: &'a Project, unsafe_fixes: bool) -> Rewriting<'a> {
        Rewriting {
            project,
            style: crate::isort::Style::read(&project.root, &project.environment),
            unsafe_fixes,
        }
    }
}

pub(crate) fn fix_file(
    rewriting: &Rewriting,
    file: usize,
    moves: &[Retarget],
    extra: Vec<Edit>,
    skipped: &mut Vec<Skipped>,
    aliased: &mut Vec<Skipped>,
) -> Result<Option<FileFix>, String> {
    let project = rewriting.project;
    let (bom, old) = read_utf8(project, file)?;
    // The spans below come from the project's summary (maybe the cache's): edit only
    // the text they were taken from.
    if !same_imports(
        &parse::summarize(
            &old,
            project.files[file].is_stub,
            &Default::default(),
            parse::Detail::FULL,
        ),
        project.summary(file),
    ) {
        return Err("changed since the graph was read: left alone, run fix again".to_string());
    }
    let newline = if old.contains("\r\n") { "\r\n" } else { "\n" };
    let path = project.files[file].rel.to_string();
    // Every site of the file, grouped by statement.
    let mut statements: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
    for (site, record) in project.sites.iter().enumerate() {
        if record.file == (file as u32) {
            let span = project.import_site(site).statement_span;
            statements
                .entry((span.start, span.end))
                .or_default()
                .push(site);
        }
    }
    let mut edits = extra;
    let mut fixed = 0;
    let mut renamed = 0;
    for (&(start, end), sites) in &statements {
        let moving: Vec<&Retarget> = moves.iter().filter(|m| sites.contains(&m.site)).collect();
        if moving.is_empty() {
            continue;
        }
        let statement = Span { start, end };
        let first = &moving[0];
        let all_move = moving.len() == sites.len();
        let one_module = moving.iter().all(|m| m.module == first.module);
        if all_move && one_module {
            let Some(module_span) = module_span(&old, statement) else {
                skipped.extend(
                    moving
                        .iter()
                        .map(|m| m.left(&path, "unusual spelling of the module: left alone")),
                );
                continue;
            };
            edits.push(Edit {
                start: module_span.0,
                end: module_span.1,
                text: first.module.clone(),
            });
            for m in &moving {
                let import = project.import_site(m.site);
                let old_name = import.name.as_deref().unwrap_or_default();
                if m.name != old_name {
                    let bound = import.alias.as_deref().unwrap_or(old_name);
                    let aliased_text = format!("{} as {bound}", m.name);
                    let text = if bound == m.name {
                        m.name.clone()
                    } else if import.alias.is_some() {
                        aliased_text
                    } else {
                        match rename::uses_to_rename(project, file, &old, m.site, &m.name) {
                            Ok(offsets) => {
                                renamed += offsets.len();
                                edits.extend(offsets.into_iter().map(|at| Edit {
                                    start: at,
                                    end: at + bound.len(),
                                    text: m.name.clone(),
                                }));
                                m.name.clone()
                            }
                            Err(reason) => {
                                let kept = format!("kept `{aliased_text}`: {reason}");
                                aliased.push(m.left(&path, &kept));
                                aliased_text
                            }
                        }
                    };
                    edits.push(Edit {
                        start: import.alias_span.start as usize,
                        end: import.alias_span.end as usize,
                        text,
                    });
                }
            }
            fixed += moving.len();
        } else if !starts_its_line(&old, statement) {
            skipped.extend(
                moving
                    .iter()
                    .map(|m| m.left(&path, "shares its line with other code: left alone")),
            );
        } else if !rewriting.unsafe_fixes && has_comment(&old, statement) {
            skipped.extend(moving.iter().map(|m| {
                m.left(
                    &path,
                    "splits a statement with comments in it: needs --unsafe-fixes",
                )
            }));
        } else {
            edits.push(split(project, &old, statement, sites, &moving, newline));
            fixed += moving.len();
        }
    }
    if edits.is_empty() {
        return Ok(None);
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    if edits.windows(2).any(|pair| pair[1].end > pair[0].start) {
        return Err("overlapping edits: left alone".to_string());
    }
    let mut new = old.clone();
    for edit in &edits {
        new.replace_range(edit.start..edit.end, &edit.text);
    }
    let is_stub = project.files[file].is_stub;
    let new = rewriting
        .style
        .keep_sorted(&project.files[file].path, &old, &new, is_stub);
    if let Some((line, error)) = parse::syntax_error(&new, is_stub) {
        return Err(format!(
            "the rewritten file would not parse (line {line}: {error}): left alone"
        ));
    }
    let (old, new) = if bom {
        (format!("\u{feff}{old}"), format!("\u{feff}{new}"))
    } else {
        (old, new)
    };
    Ok(Some(FileFix {
        path,
        real: project.files[file].path.clone(),
        old,
        new,
        fixed,
        renamed,
    }))
}

/// Why a planned rewrite may not be written, as it could lose someone's work or leave
/// the repository: only the very bytes it was planned from are replaced (an editor's
/// save, a formatter or a checkout in between leaves the file alone), never a read-only
/// file, never through a link out of `root`.
pub fn refuses(root: &std::path::Path, file: &FileFix) -> Option<String> {
    let path = &file.real;
    if let Some(reason) = crate::write::refuses(path, root) {
        return Some(reason);
    }
    (std::fs::read(path).ok().as_deref() != Some(file.old.as_bytes()))
        .then(|| "changed since it was read: left alone, run again".to_string())
}

/// Whether two summaries of a file place the same imports at the same bytes.
fn same_imports(a: &crate::summary::FileSummary, b: &crate::summary::FileSummary) -> bool {
    let key = |s: &crate::summary::FileSummary| -> Vec<_> {
        s.imports
            .iter()
            .map(|i| {
                (
                    i.statement_span,
                    i.alias_span,
                    i.module,
                    i.level,
                    i.name,
                    i.alias,
                )
            })
            .collect()
    };
    key(a) == key(b)
}

/// Whether only indentation precedes the statement on its line (a split statement
/// continues on new lines at that indentation).
/// Whether a comment is inside the statement or after it on its last line (import
/// statements hold no strings: a `#` starts a comment).
fn has_comment(source: &str, statement: Span) -> bool {
    let end = source[statement.end as usize..]
        .find('\n')
        .map_or(source.len(), |at| statement.end as usize + at);
    source[statement.start as usize..end].contains('#')
}

fn starts_its_line(source: &str, statement: Span) -> bool {
    let before = &source[..statement.start as usize];
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    before[line_start..].chars().all(|c| c == ' ' || c == '\t')
}

/// The byte range of the module in `from <module> import …` (dots included).
fn module_span(source: &str, statement: Span) -> Option<(usize, usize)> {
    let text = &source[statement.start as usize..statement.end as usize];
    let rest = text.strip_prefix("from")?;
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\\', '\r', '\n']).len();
    let start = statement.start as usize + 4 + skipped;
    let module: &str = &source[start..];
    let length = module
        .find(|c: char| !(c == '.' || c == '_' || c.is_alphanumeric()))
        .unwrap_or(module.len());
    let after = module[length..].trim_start_matches([' ', '\t', '\\', '\r', '\n']);
    (length > 0 && after.starts_with("import")).then_some((start, start + length))
}

/// A statement whose names go to different places, written anew: the names that stay
/// keep the original module, each new module gets a statement of its own below it.
fn split(
    project: &Project,
    source: &str,
    statement: Span,
    sites: &[usize],
    moving: &[&Retarget],
    newline: &str,
) -> Edit {
    let line_start = source[..statement.start as usize]
        .rfind('\n')
        .map_or(0, |at| at + 1);
    let indent: String = source[line_start..statement.start as usize]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    // The statement's line ends after its trailing comment: that comment is taken in, to
    // be carried to every new line.
    let end = source[statement.end as usize..]
        .find(['\r', '\n'])
        .map_or(source.len(), |at| statement.end as usize + at);
    let comments = Comments::of(project, source, statement.start as usize, end, sites);
    let first = project.import_site(sites[0]);
    let written = format!(
        "{}{}",
        ".".repeat(first.level as usize),
        first.module.as_deref().unwrap_or_default()
    );
    let name_text = |name: &str, alias: Option<&str>| match alias {
        Some(alias) if alias != name => format!("{name} as {alias}"),
        _ => name.to_string(),
    };
    let staying: Vec<(String, usize)> = sites
        .iter()
        .filter(|s| !moving.iter().any(|m| m.site == **s))
        .map(|&s| {
            let import = project.import_site(s);
            let text = name_text(
                import.name.as_deref().unwrap_or_default(),
                import.alias.as_deref(),
            );
            (text, s)
        })
        .collect();
    let mut groups: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
    for m in moving {
        let import = project.import_site(m.site);
        let bound = import
            .alias
            .as_deref()
            .or(import.name.as_deref())
            .unwrap_or_default();
        groups
            .entry(&m.module)
            .or_default()
            .push((name_text(&m.name, Some(bound)), m.site));
    }
    let mut lines = Vec::new();
    if !staying.is_empty() {
        lines.push(comments.line(&format!("from {written} import"), &staying));
    }
    for (module, names) in groups {
        lines.push(comments.line(&format!("from {module} import"), &names));
    }
    Edit {
        start: statement.start as usize,
        end,
        text: lines.join(&format!("{newline}{indent}")),
    }
}

/// The comments of a statement being split: each one after a name goes with that name;
/// the others (the trailing `# noqa` or `# type: ignore[...]`, one after the opening
/// parenthesis) concern the whole statement and go on every new line.
struct Comments {
    by_site: BTreeMap<usize, Vec<String>>,
    statement: Vec<String>,
}

impl Comments {
    fn of(project: &Project, source: &str, start: usize, end: usize, sites: &[usize]) -> Comments {
        let mut found = Comments {
            by_site: BTreeMap::new(),
            statement: Vec::new(),
        };
        // A comment after the statement's end is its trailing one.
        let statement_end = project.import_site(sites[0]).statement_span.end as usize;
        let mut at = start;
        // Import statements hold no strings: every `#` starts a comment.
        while let Some(offset) = source[at..end].find('#') {
            let comment_start = at + offset;
            let comment_end = source[comment_start..end]
                .find(['\r', '\n'])
                .map_or(end, |n| comment_start + n);
            let line_start = source[..comment_start].rfind('\n').map_or(0, |n| n + 1);
            let text = source[comment_start..comment_end].trim_end().to_string();
            // The last name that ends on the comment's line, before it.
            let owner = sites
                .iter()
                .copied()
                .filter(|&s| {
                    let span = project.import_site(s).alias_span;
                    (span.end as usize) <= comment_start && (span.end as usize) > line_start
                })
                .max_by_key(|&s| project.import_site(s).alias_span.end);
            let trailing = comment_start >= statement_end;
            match owner {
                Some(site) if !trailing => found.by_site.entry(site).or_default().push(text),
                _ => found.statement.push(text),
            }
            at = comment_end;
        }
        found
    }

    /// `head name, name  # comments`: the statement's comments first (a type checker
    /// reads `# type: ignore` only as a line's first comment), then those of the names.
    fn line(&self, head: &str, names: &[(String, usize)]) -> String {
        let written: Vec<&str> = names.iter().map(|(text, _)| text.as_str()).collect();
        let mut line = format!("{head} {}", written.join(", "));
        let own = names
            .iter()
            .flat_map(|(_, site)| self.by_site.get(site).into_iter().flatten());
        for comment in self.statement.iter().chain(own) {
            line.push_str("  ");
            line.push_str(comment);
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_edited_between_planning_and_writing_is_left_as_it_is_now() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.py"), "from pkg import Engine\n").unwrap();
        let planned = FileFix {
            path: "a.py".to_string(),
            real: root.join("a.py"),
            old: "from pkg import Engine\n".to_string(),
            new: "from pkg.core import Engine\n".to_string(),
            fixed: 1,
            renamed: 0,
        };
        // An editor saves in between: `from os import path` must not become anything else.
        std::fs::write(root.join("a.py"), "from os import path\n").unwrap();
        assert_eq!(
            refuses(&root, &planned),
            Some("changed since it was read: left alone, run again".to_string())
        );
        std::fs::write(root.join("a.py"), "from pkg import Engine\n").unwrap();
        assert_eq!(refuses(&root, &planned), None);
    }
}
