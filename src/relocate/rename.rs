//! `rename SYMBOL NEW`: the definition and every reference `refs` finds take the new
//! name — imports through any chain, uses, attribute reads, strings, `__all__` — while an
//! alias a file gave it (`import X as Y`) stays; judged like a move before anything is
//! written.

use anyhow::{Result, anyhow, bail};
use rustc_hash::FxHashMap;

use super::source::{self, Splice};
use super::verify;
use crate::fix::{self, FileFix};
use crate::index::{ModuleId, Project};
use crate::parse;
use crate::references::{self, NOT_A_SOURCE_FILE, Reference};
use crate::resolve::{Resolution, Resolver};
use crate::summary::BindingKind;
use crate::target::resolve_target;

pub struct Renaming {
    pub module: String,
    pub old: String,
    pub new: String,
    pub files: Vec<FileFix>,
    /// Name tokens and string parts changed.
    pub renamed: usize,
    /// References left as they are, with why (`path:line:col: reason`).
    pub left: Vec<String>,
    pub warnings: Vec<String>,
}

/// Python's keywords: never a name.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !KEYWORDS.contains(&text)
}

pub fn plan(
    project: &Project,
    target: &parse::Target,
    symbol: &str,
    new: &str,
    keep_alias: bool,
) -> Result<Renaming> {
    if !is_name(new) {
        bail!("`{new}` is not a Python name");
    }
    let mut resolver = Resolver::new(project);
    let (resolution, _) = resolve_target(&mut resolver, symbol).map_err(|error| {
        let text = error.to_string();
        anyhow!(
            "{}",
            text.strip_prefix(&format!("{symbol}: ")).unwrap_or(&text)
        )
    })?;
    let Resolution::Definition { module, binding } = resolution else {
        let what = crate::view::describe(&crate::view::resolved(project, &resolution));
        bail!("`{symbol}` is not a definition of the repository ({what})");
    };
    let definition = crate::view::binding(project, module, binding);
    let old = definition.name.to_string();
    let module_name = project.modules[module as usize].name.to_string();
    // The symbol must name the definition where it is, not a name importing it.
    let named = match symbol.rsplit_once(':') {
        Some((path, name)) if path.ends_with(".py") || path.ends_with(".pyi") => project
            .files
            .iter()
            .find(|f| f.rel == path)
            .map(|f| (f.module.to_string(), name.to_string())),
        _ => symbol
            .rsplit_once('.')
            .map(|(m, n)| (m.to_string(), n.to_string())),
    };
    if named != Some((module_name.clone(), old.clone())) {
        bail!("`{symbol}` is an import: rename what it imports (`{module_name}.{old}`)");
    }
    if old == new {
        bail!("`{symbol}` is named `{new}` already");
    }
    let bound = |m: ModuleId, name: &str| project.names(m).get(name).map_or(0, |b| b.len());
    if bound(module, &old) > 1 {
        bail!(
            "`{module_name}` binds `{old}` {} times: rename them by hand",
            bound(module, &old)
        );
    }
    if bound(module, new) > 0 {
        bail!("`{module_name}` binds `{new}` already");
    }
    let mut found = references::collect(
        &mut resolver,
        &resolution,
        crate::references::Reach::Names,
        true,
    );
    let mut by_file: FxHashMap<usize, Vec<Reference>> = FxHashMap::default();
    let mut left = Vec::new();
    for (file, reference) in found.drain(..) {
        match (file != NOT_A_SOURCE_FILE).then_some(file) {
            Some(file) => by_file.entry(file).or_default().push(reference),
            None => left.push(format!(
                "{}:{}:{}: an entry point: rename it by hand",
                reference.path, reference.line, reference.col
            )),
        }
    }
    let def_file = project.modules[module as usize]
        .file
        .ok_or_else(|| anyhow!("`{module_name}` has no file"))?;
    by_file.entry(def_file).or_default();
    let mut files = Vec::new();
    let mut renamed = 0;
    let style = crate::isort::Style::read(&project.root, &project.environment);
    let mut ordered: Vec<usize> = by_file.keys().copied().collect();
    ordered.sort_unstable();
    for file in ordered {
        let (bom, text) = fix::read_utf8(project, file)
            .map_err(|reason| anyhow!("{}: {reason}", project.files[file].rel))?;
        let lines = fix::LineStarts::new(&text);
        let mut splices = Vec::new();
        for reference in &by_file[&file] {
            match edit((&text, &lines), reference, &old, new) {
                Ok(mut edits) => splices.append(&mut edits),
                Err(reason) => left.push(format!(
                    "{}:{}:{}: {reason}",
                    reference.path, reference.line, reference.col
                )),
            }
        }
        let importer = project.internal(&project.files[file].module);
        let binds_old = splices.iter().any(|s| s.text == new) && file != def_file;
        if binds_old && importer.is_some_and(|m| bound(m, new) > 0) {
            bail!(
                "`{}` binds `{new}` already: the renamed import would replace it",
                project.files[file].module
            );
        }
        if file == def_file {
            splices.push(definition_token(
                &text,
                definition.position.line,
                &old,
                new,
            )?);
            if keep_alias {
                let line_end = statement_end(&text, project, module, &old);
                let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
                splices.push(Splice {
                    start: line_end,
                    end: line_end,
                    text: format!("{newline}{newline}{newline}{old} = {new}"),
                });
            }
        }
        renamed += splices.len();
        let Some(changed) = source::apply(&text, splices) else {
            bail!("{}: two renames overlap", project.files[file].rel);
        };
        let is_stub = project.files[file].is_stub;
        let changed = style.keep_sorted(&project.files[file].path, &text, &changed, is_stub);
        if changed != text {
            files.push(FileFix {
                path: project.files[file].rel.to_string(),
                real: project.files[file].path.clone(),
                old: source::with_bom(bom, &text),
                new: source::with_bom(bom, &changed),
                fixed: 0,
                renamed: 0,
            });
        }
    }
    let after = verify::after(project, target, &files, &[], &[]).map_err(|e| anyhow!(e))?;
    check_after(project, &after, &files, (&module_name, &old, new))
        .map_err(|reason| anyhow!("the rename would change what modules bind: {reason}"))?;
    let warnings = match definition.kind {
        BindingKind::Class | BindingKind::Function => vec![format!(
            "`{new}.__name__` is `{new}` now: reprs, pickles and text that spell `{old}` \
             change"
        )],
        _ => Vec::new(),
    };
    Ok(Renaming {
        warnings,
        module: module_name,
        old,
        new: new.to_string(),
        files,
        renamed,
        left,
    })
}

/// The edits one reference needs: its name token, or the name inside a string.
fn edit(
    (text, lines): (&str, &fix::LineStarts),
    reference: &Reference,
    old: &str,
    new: &str,
) -> Result<Vec<Splice>, String> {
    let at = match reference.offset {
        Some(offset) => offset as usize,
        None => lines
            .offset(
                text,
                crate::summary::Position {
                    line: reference.line,
                    col: reference.col,
                },
            )
            .ok_or_else(|| "not found in the file as it is now".to_string())?,
    };
    if reference.kind == "string" {
        return string_edits(text, at, old, new);
    }
    if text[at..].starts_with(old) && !text[at + old.len()..].starts_with(is_word) {
        return Ok(vec![Splice {
            start: at,
            end: at + old.len(),
            text: new.to_string(),
        }]);
    }
    // A use of an alias (`import X as Y` then `Y`): the alias stays.
    Ok(Vec::new())
}

fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// `old` as a dotted part of the string literal starting at `at` (`"pkg.mod.old"`,
/// `"old"` in `__all__`, `"pkg.mod:old"`).
fn string_edits(text: &str, at: usize, old: &str, new: &str) -> Result<Vec<Splice>, String> {
    let rest = &text[at..];
    // Placed at the name inside the literal already.
    if rest.starts_with(old) && !rest[old.len()..].starts_with(is_word) {
        return Ok(vec![Splice {
            start: at,
            end: at + old.len(),
            text: new.to_string(),
        }]);
    }
    // At a dotted path inside the literal (`"list[pkg.mod.old]"` in an annotation).
    let run = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == ':'))
        .unwrap_or(rest.len());
    let at_prefix = run <= 3 && rest[run..].starts_with(['"', '\'']);
    if run > 0 && !at_prefix {
        return dotted_parts(&rest[..run], at, old, new);
    }
    // At the literal (its prefix or quote), or at its first character.
    let (quote, body_start) = match text[..at].chars().next_back() {
        Some(q @ ('"' | '\'')) => (q, at),
        _ => {
            let prefix = rest.find(['"', '\'']).filter(|&p| p <= 3);
            let prefix = prefix.ok_or("not a string literal")?;
            (
                rest[prefix..].chars().next().unwrap_or('"'),
                at + prefix + 1,
            )
        }
    };
    let body_len = text[body_start..]
        .find([quote, '\n'])
        .ok_or("an unterminated string")?;
    let body = &text[body_start..body_start + body_len];
    dotted_parts(body, body_start, old, new)
}

/// Each dotted part of `body` (which starts at `start`) spelled `old`, replaced.
fn dotted_parts(body: &str, start: usize, old: &str, new: &str) -> Result<Vec<Splice>, String> {
    let edits: Vec<Splice> = body
        .match_indices(old)
        .filter(|(i, _)| {
            let before = body[..*i].chars().next_back();
            let after = body[i + old.len()..].chars().next();
            before.is_none_or(|c| c == '.' || c == ':')
                && after.is_none_or(|c| c == '.' || c == ':')
        })
        .map(|(i, _)| Splice {
            start: start + i,
            end: start + i + old.len(),
            text: new.to_string(),
        })
        .collect();
    if edits.is_empty() {
        return Err("a string that does not spell the name: rename it by hand".to_string());
    }
    Ok(edits)
}

/// The definition's own name token on its line: after `def`, `async def` or `class`, or
/// first on the line (`old = ...`, `old: T = ...`).
fn definition_token(text: &str, line: u32, old: &str, new: &str) -> Result<Splice> {
    let position = crate::summary::Position { line, col: 1 };
    let start = fix::LineStarts::new(text)
        .offset(text, position)
        .ok_or_else(|| anyhow!("the definition moved"))?;
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let line_text = &text[start..end];
    let found = line_text.match_indices(old).find(|(i, _)| {
        let before = line_text[..*i].trim_end();
        let whole =
            !line_text[..*i].ends_with(is_word) && !line_text[i + old.len()..].starts_with(is_word);
        whole && (before.is_empty() || before.ends_with("def") || before.ends_with("class"))
    });
    let Some((i, _)) = found else {
        bail!("the definition of `{old}` is not on its line as expected: rename it by hand");
    };
    Ok(Splice {
        start: start + i,
        end: start + i + old.len(),
        text: new.to_string(),
    })
}

/// Where the definition's statement ends (for the alias that keeps the old name).
fn statement_end(text: &str, project: &Project, module: ModuleId, old: &str) -> usize {
    let file = project.modules[module as usize].file;
    let is_stub = file.is_some_and(|f| project.files[f].is_stub);
    let layout = parse::layout(text, is_stub);
    layout
        .statements
        .iter()
        .find(|s| s.names.iter().any(|n| n == old))
        .map_or(text.len(), |s| s.span.end as usize)
}

/// Every touched module binds what it bound, the renamed definition under its new name
/// (a name that was `old` because it imported it is `new`, unless an alias kept it).
fn check_after(
    before: &Project,
    after: &Project,
    files: &[FileFix],
    (module, old, new): (&str, &str, &str),
) -> Result<(), String> {
    let renamed = format!("{module}.{old}");
    verify::bindings_follow(
        before,
        after,
        &verify::modules_of(before, files),
        |_, binding, then| {
            Some(match then == renamed {
                true => {
                    let as_now = if binding == old { new } else { binding };
                    (as_now.to_string(), format!("{module}.{new}"))
                }
                false => (binding.to_string(), then),
            })
        },
    )
}
