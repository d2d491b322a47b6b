//! Every other file's use of the old path, taken to the destination with `fix`'s
//! machinery: `from old import NAME` statements, and `old.NAME` where the file binds the
//! destination module. What cannot be rewritten is listed with the reason.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use crate::fix::{self, Edit, FileFix, LineStarts, Retarget, Skipped};
use crate::index::ModuleId;
use crate::references;
use crate::resolve::{Resolution, Resolver};

#[derive(Debug, Default)]
pub struct Rewrites {
    pub files: Vec<FileFix>,
    /// Import names and attribute reads taken to the destination.
    pub rewritten: usize,
    pub left: Vec<Skipped>,
}

/// A moved definition: its name and its resolution before the move.
pub struct MovedName<'a> {
    pub name: &'a str,
    pub resolution: Resolution,
}

pub fn rewrite(
    resolver: &mut Resolver,
    (old, dest_name, dest): (ModuleId, &str, Option<ModuleId>),
    moved: &[MovedName],
    skip_files: &[usize],
    style: crate::isort::Style,
) -> Rewrites {
    let project = resolver.project();
    let old_name = project.modules[old as usize].name.clone();
    let mut rewrites = Rewrites::default();
    let mut retargets: BTreeMap<usize, Vec<Retarget>> = BTreeMap::new();
    let mut extras: BTreeMap<usize, Vec<Edit>> = BTreeMap::new();
    let left = |path: &str, line: u32, col: u32, kind: &str, reason: String| Skipped {
        path: path.to_string(),
        line,
        col,
        rule: kind.to_string(),
        reason,
    };
    for (site, record) in project.sites.iter().enumerate() {
        if record.target.as_deref() != Some(old_name.as_str())
            || skip_files.contains(&(record.file as usize))
        {
            continue;
        }
        let import = project.import_site(site);
        let path = &project.files[record.file as usize].rel;
        match import.name.as_deref() {
            Some("*") => {
                if let Some(public) = moved.iter().find(|m| !m.name.starts_with('_')) {
                    rewrites.left.push(left(
                        path,
                        import.position.line,
                        import.position.col,
                        "import",
                        format!("a star import: it gets `{}` through the shim", public.name),
                    ));
                }
            }
            Some(name) if moved.iter().any(|m| m.name == name) => {
                retargets
                    .entry(record.file as usize)
                    .or_default()
                    .push(Retarget {
                        site,
                        module: spelled_like(import, &old_name, dest_name),
                        name: name.to_string(),
                        line: import.position.line,
                        col: import.position.col,
                        rule: "import".to_string(),
                    });
            }
            _ => {}
        }
    }
    // A class and its alias are one definition: its references are collected once.
    let mut collected: Vec<&Resolution> = Vec::new();
    // Each file's text, read once for all its attribute reads.
    let mut sources: BTreeMap<usize, Result<String, String>> = BTreeMap::new();
    // Files given an `import dest` for their attribute reads.
    let mut imported: FxHashSet<usize> = FxHashSet::default();
    for moved_name in moved {
        if collected.contains(&&moved_name.resolution) {
            continue;
        }
        collected.push(&moved_name.resolution);
        for (file, reference) in references::collect(
            resolver,
            &moved_name.resolution,
            crate::references::Reach::Names,
            true,
        ) {
            if skip_files.contains(&file) {
                continue;
            }
            let old_path = format!("{old_name}.{}", moved_name.name);
            match reference.kind {
                "attribute" => {
                    let chain = reference.via.clone().unwrap_or_default();
                    let source = sources.entry(file).or_insert_with(|| {
                        fix::read_utf8(resolver.project(), file).map(|(_, text)| text)
                    });
                    let edit = match source {
                        Ok(text) => attribute_edit(
                            resolver,
                            (file, text),
                            &reference,
                            &chain,
                            (old, dest_name, dest),
                            &mut imported,
                        ),
                        Err(reason) => Err(reason.clone()),
                    };
                    match edit {
                        Ok(edits) => extras.entry(file).or_default().extend(edits),
                        Err(reason) => rewrites.left.push(left(
                            &reference.path,
                            reference.line,
                            reference.col,
                            "attribute",
                            reason,
                        )),
                    }
                }
                "string"
                    if reference.via.as_deref().is_some_and(|p| {
                        p == old_path || p.starts_with(&format!("{old_path}."))
                    }) =>
                {
                    rewrites.left.push(left(
                        &reference.path,
                        reference.line,
                        reference.col,
                        "string",
                        format!(
                            "a string naming `{old_path}`: it keeps working through the shim \
                             (check what it patches)"
                        ),
                    ));
                }
                _ => {}
            }
        }
    }
    let files: Vec<usize> = retargets.keys().chain(extras.keys()).copied().collect();
    let rewriting = fix::Rewriting {
        project,
        style,
        unsafe_fixes: true,
    };
    let mut done = rustc_hash::FxHashSet::default();
    for file in files {
        if !done.insert(file) {
            continue;
        }
        let moves = retargets.remove(&file).unwrap_or_default();
        let extra = extras.remove(&file).unwrap_or_default();
        let count = moves.len() + extra.len();
        let mut skipped = Vec::new();
        let mut aliased = Vec::new();
        match fix::fix_file(&rewriting, file, &moves, extra, &mut skipped, &mut aliased) {
            Ok(Some(fix)) => {
                rewrites.rewritten += count - skipped.len();
                rewrites.files.push(fix);
            }
            Ok(None) => {}
            Err(reason) => {
                let path = &project.files[file].rel;
                rewrites.left.extend(
                    moves
                        .iter()
                        .map(|m| left(path, m.line, m.col, "import", reason.clone())),
                );
            }
        }
        rewrites.left.extend(skipped);
    }
    rewrites
        .left
        .sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    rewrites
}

/// The edit that reads `NAME` from the destination instead of the old module in
/// `chain` (`old.NAME`, `pkg.old.NAME`), or why there is none.
/// The destination as the import spelled the old module: relative (same number of
/// dots) when the destination lies under the package the dots reach, so a move and its
/// move back leave a relative import relative; absolute otherwise.
pub(super) fn spelled_like(
    import: &crate::summary::ImportSite,
    old_name: &str,
    dest_name: &str,
) -> String {
    if import.level == 0 {
        return dest_name.to_string();
    }
    let written = import.module.as_deref().unwrap_or_default();
    let base = match written {
        "" => Some(old_name),
        written => old_name.strip_suffix(&format!(".{written}")),
    };
    let dots = ".".repeat(import.level as usize);
    match base {
        Some(base) if base == dest_name => dots,
        Some(base) => match dest_name.strip_prefix(&format!("{base}.")) {
            Some(rest) => format!("{dots}{rest}"),
            None => dest_name.to_string(),
        },
        None => dest_name.to_string(),
    }
}

fn attribute_edit(
    resolver: &mut Resolver,
    (file, source): (usize, &str),
    reference: &references::Reference,
    chain: &str,
    (old, dest_name, dest): (ModuleId, &str, Option<ModuleId>),
    imported: &mut FxHashSet<usize>,
) -> Result<Vec<Edit>, String> {
    let project = resolver.project();
    let module = project.file_module[file];
    let Some((prefix, name)) = chain.rsplit_once('.') else {
        return Err("not an attribute read".to_string());
    };
    let parts: Vec<&str> = prefix.split('.').collect();
    if resolver.resolve_attributes(module, &parts).0 != Resolution::Module(old) {
        return Err(format!(
            "`{chain}` is read through a function's own import: left as it is"
        ));
    }
    let keeps = format!("`{chain}` keeps working through the shim");
    let summary = project.summary(file);
    let binding = dest.and_then(|dest| {
        summary
            .bindings
            .iter()
            .filter(|b| !b.conditional)
            .map(|b| b.name.to_string())
            .find(|b| resolver.resolve_name(module, b) == Resolution::Module(dest))
    });
    let at = LineStarts::new(source)
        .offset(
            source,
            crate::summary::Position {
                line: reference.line,
                col: reference.col,
            },
        )
        .ok_or("a reference out of place")?;
    let start = at
        .checked_sub(prefix.len() + 1)
        .ok_or("a reference out of place")?;
    if source.get(start..at + name.len()) != Some(chain) {
        return Err(format!("`{chain}` is spread over lines: {keeps}"));
    }
    let mut edits = Vec::new();
    // No name of the file binds the new module: `import dest` binds its top package,
    // unless the file binds that name to something else.
    let binding = match binding {
        Some(binding) => binding,
        None => {
            let top = dest_name.split('.').next().unwrap_or(dest_name);
            let bound = resolver.resolve_name(module, top);
            let top_module = project.internal(top).map(Resolution::Module);
            if !matches!(bound, Resolution::Unresolved(_)) && Some(&bound) != top_module.as_ref() {
                return Err(format!(
                    "this file binds `{top}` to something else than the package: {keeps}"
                ));
            }
            if imported.insert(file) {
                edits.push(import_edit(project, file, source, dest_name));
            }
            dest_name.to_string()
        }
    };
    edits.push(Edit {
        start,
        end: at + name.len(),
        text: format!("{binding}.{name}"),
    });
    Ok(edits)
}

/// `import dest` after the file's last top-level import (after its docstring when it has
/// none); a sorted block takes it to its place.
fn import_edit(
    project: &crate::index::Project,
    file: usize,
    source: &str,
    dest_name: &str,
) -> Edit {
    let summary = project.summary(file);
    let last = summary
        .imports
        .iter()
        .filter(|i| !(i.context.function || i.context.conditional || i.context.try_import))
        .filter(|i| !i.context.type_checking)
        .map(|i| i.statement_span.end as usize)
        .max();
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    match last {
        Some(end) => {
            let at = super::source::line_end(source, end);
            Edit {
                start: at,
                end: at,
                text: format!("{newline}import {dest_name}"),
            }
        }
        None => {
            let layout = crate::parse::layout(source, project.files[file].is_stub);
            let at = super::source::after_header(&layout.statements).map_or(0, |i| {
                super::source::line_end(source, layout.statements[i].span.end as usize)
            });
            match at {
                0 => Edit {
                    start: 0,
                    end: 0,
                    text: format!("import {dest_name}{newline}{newline}"),
                },
                at => Edit {
                    start: at,
                    end: at,
                    text: format!("{newline}{newline}import {dest_name}"),
                },
            }
        }
    }
}
