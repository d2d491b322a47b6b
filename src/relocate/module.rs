//! `move pkg.old_module --to pkg.new.place`: the module's file moves whole (its relative
//! imports made absolute), the old path keeps working through a shim that is the new
//! module (`sys.modules[__name__] = ...`), and every importer is taken to the new path:
//! `from old import X`, `from pkg import old`, `import pkg.old [as m]` with its
//! `pkg.old.X` reads, and strings that spell the path.

use anyhow::{Result, anyhow, bail};

use super::dest::Destination;
use super::importers::spelled_like;
use super::plan::{Moved, Plan, Request};
use super::shim::Shim;
use super::source;
use super::verify;
use crate::fix::{self, Edit, FileFix, Retarget, Skipped};
use crate::index::{ModuleId, Project};
use crate::parse;
use crate::references;
use crate::resolve::{Resolution, Resolver};
use crate::summary::Position;

pub fn plan(
    project: &Project,
    target: &parse::Target,
    old: ModuleId,
    request: &Request,
) -> Result<Plan> {
    let module = &project.modules[old as usize];
    let old_name = module.name.to_string();
    let dest_name = request.dest.as_str();
    if module.is_package {
        bail!("`{old_name}` is a package: move its modules one at a time");
    }
    let Some(old_file) = module.file else {
        bail!("`{old_name}` is a namespace package: it has no file to move");
    };
    let old_source = &project.files[old_file];
    if old_source.compiled || old_source.is_stub {
        bail!(
            "`{old_name}` is not a Python source file: {}",
            old_source.rel
        );
    }
    if !request.with.is_empty() {
        bail!("--with names definitions to move along; a whole module moves with all of them");
    }
    let dest = Destination::find(project, dest_name, old)?;
    if dest.file.is_some() || project.internal(dest_name).is_some() {
        bail!("--to {dest_name}: exists already; a module moves to a new path");
    }
    let mut resolver = Resolver::new(project);
    let rewriting = fix::Rewriting {
        project,
        style: crate::isort::Style::read(&project.root, &project.environment),
        unsafe_fixes: true,
    };
    // The moved text, its relative imports written absolute (their dots would count from
    // the new place).
    let (bom, old_text) = fix::read_utf8(project, old_file).map_err(|e| anyhow!(e))?;
    let relative: Vec<Retarget> = sites_of(project, old_file)
        .filter(|&s| project.import_site(s).level > 0)
        .filter_map(|s| retarget(project, s, project.sites[s].target.as_deref()?.to_string()))
        .collect();
    let mut skipped = Vec::new();
    let moved_text = match fix::fix_file(
        &rewriting,
        old_file,
        &relative,
        Vec::new(),
        &mut skipped,
        &mut Vec::new(),
    ) {
        Ok(Some(fixed)) => fixed.new,
        Ok(None) => source::with_bom(bom, &old_text),
        Err(reason) => bail!("{}: {reason}", old_source.rel),
    };
    if let Some(left) = skipped.first() {
        bail!(
            "{}:{}:{}: a relative import that cannot be written absolute ({})",
            left.path,
            left.line,
            left.col,
            left.reason
        );
    }
    let newline = if old_text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    // With `--shim none` the old file goes (written as nothing here, removed at the end).
    let shim = match request.shim {
        Shim::None => String::new(),
        shim => shim_text(shim, &old_name, dest_name, newline),
    };
    let mut files = vec![
        FileFix {
            path: old_source.rel.to_string(),
            real: old_source.path.clone(),
            old: source::with_bom(bom, &old_text),
            new: shim,
            fixed: 0,
            renamed: 0,
        },
        FileFix {
            path: dest.rel.clone(),
            real: dest.path.clone(),
            old: String::new(),
            new: moved_text,
            fixed: 0,
            renamed: 0,
        },
    ];
    files.extend(dest.package_files(project));
    let created_files = dest.created_files(project, old_file);
    let created: Vec<std::path::PathBuf> = created_files.iter().map(|f| f.path.clone()).collect();
    let rewriting = fix::Rewriting {
        style: rewriting.style.creating(created),
        ..rewriting
    };
    let (rewritten, mut importers, left) = rewrite_importers(
        &mut resolver,
        &rewriting,
        (old, old_file),
        &old_name,
        dest_name,
    )?;
    files.append(&mut importers);
    if request.shim == Shim::None
        && let Some(first) = left.first()
    {
        bail!(
            "--shim none: {}:{}:{} still needs the old path ({}); rewrite it first or keep a \
             shim",
            first.path,
            first.line,
            first.col,
            first.reason
        );
    }
    let python: Vec<FileFix> = files
        .iter()
        .filter(|f| f.path.ends_with(".py") || f.path.ends_with(".pyi"))
        .map(|f| FileFix {
            path: f.path.clone(),
            real: f.real.clone(),
            old: f.old.clone(),
            new: f.new.clone(),
            fixed: 0,
            renamed: 0,
        })
        .collect();
    let after = verify::after(project, target, &python, &created_files).map_err(|e| anyhow!(e))?;
    same_bindings(project, &after, &python, (&old_name, dest_name))
        .map_err(|reason| anyhow!("the move would change what modules bind: {reason}"))?;
    let kept = match request.shim {
        Shim::Deprecate => "a module that warns and is the new one".to_string(),
        Shim::Alias => format!("a module that is `{dest_name}` (sys.modules)"),
        Shim::None => "nothing: the file is removed".to_string(),
    };
    Ok(Plan {
        old_module: old_name.clone(),
        old_path: old_source.rel.to_string(),
        dest_module: dest_name.to_string(),
        dest_path: dest.rel.clone(),
        moved: vec![Moved {
            name: old_name.clone(),
            kind: "module",
            line: 1,
        }],
        carried: Vec::new(),
        dropped: Vec::new(),
        kept,
        created: created_files.iter().map(|f| f.rel.to_string()).collect(),
        removed: match request.shim {
            Shim::None => vec![old_source.rel.to_string()],
            _ => Vec::new(),
        },
        files,
        rewritten,
        left,
        warnings: vec![format!(
            "`__name__` and `__file__` of the module become `{dest_name}` and its new path"
        )],
    })
}

fn sites_of(project: &Project, file: usize) -> impl Iterator<Item = usize> + '_ {
    (0..project.sites.len()).filter(move |&s| project.sites[s].file as usize == file)
}

/// The site's import taken to `module`, the same name imported.
fn retarget(project: &Project, site: usize, module: String) -> Option<Retarget> {
    let import = project.import_site(site);
    let name = import.name?;
    (name.as_str() != "*").then(|| Retarget {
        site,
        module,
        name: name.to_string(),
        line: import.position.line,
        col: import.position.col,
        rule: "import".to_string(),
    })
}

/// The old module's text: it is the new one, for code that still imports the old path.
fn shim_text(shim: Shim, old: &str, dest: &str, newline: &str) -> String {
    let mut lines = vec![
        format!("\"\"\"`{old}` moved to `{dest}`: this module is that one.\"\"\""),
        "import sys".to_string(),
    ];
    if shim == Shim::Deprecate {
        lines.push("import warnings".to_string());
    }
    lines.extend([String::new(), format!("import {dest}"), String::new()]);
    if shim == Shim::Deprecate {
        lines.push(format!(
            "warnings.warn(\"{old} has moved to {dest}\", DeprecationWarning, stacklevel=2)"
        ));
    }
    lines.push(format!("sys.modules[__name__] = {dest}"));
    lines.push(String::new());
    lines.join(newline)
}

type Rewritten = (usize, Vec<FileFix>, Vec<Skipped>);

/// Every import of the old module, and every read and string that spells its path,
/// taken to the new one.
fn rewrite_importers(
    resolver: &mut Resolver,
    rewriting: &fix::Rewriting,
    (old, old_file): (ModuleId, usize),
    old_name: &str,
    dest_name: &str,
) -> Result<Rewritten> {
    let project = rewriting.project;
    let (dest_parent, dest_last) = dest_name.rsplit_once('.').unwrap_or(("", dest_name));
    let mut retargets: std::collections::BTreeMap<usize, Vec<Retarget>> = Default::default();
    let mut extras: std::collections::BTreeMap<usize, Vec<Edit>> = Default::default();
    let mut left = Vec::new();
    let mut texts: std::collections::BTreeMap<usize, String> = Default::default();
    let mut text_of = |file: usize| -> Result<String> {
        if let Some(text) = texts.get(&file) {
            return Ok(text.clone());
        }
        let (_, text) = fix::read_utf8(project, file)
            .map_err(|reason| anyhow!("{}: {reason}", project.files[file].rel))?;
        texts.insert(file, text.clone());
        Ok(text)
    };
    for site in 0..project.sites.len() {
        let file = project.sites[site].file as usize;
        if file == old_file {
            continue;
        }
        let import = project.import_site(site);
        let imported_from = project.sites[site].target.as_deref();
        if imported_from == Some(old_name) && import.name.is_some() {
            // `from old import X`: the same name from the new module.
            match retarget(project, site, spelled_like(import, old_name, dest_name)) {
                Some(r) => retargets.entry(file).or_default().push(r),
                None => left.push(skipped(
                    project,
                    site,
                    "a star import: it works through the shim",
                )),
            }
        } else if import.name.is_some() && resolver.resolve_site(site).0 == Resolution::Module(old)
        {
            // `from pkg import old`: the new module under the name the file used.
            let mut r = retarget(project, site, dest_parent.to_string())
                .ok_or_else(|| anyhow!("an import of the module without a name"))?;
            r.name = dest_last.to_string();
            retargets.entry(file).or_default().push(r);
        } else if import.name.is_none() && import.module.is_some_and(|m| m.as_str() == old_name) {
            // `import pkg.old [as m]`: the statement names the new path.
            let text = text_of(file)?;
            let span = import.statement_span;
            let statement = &text[span.start as usize..span.end as usize];
            let Some(at) = whole_path(statement, old_name) else {
                left.push(skipped(
                    project,
                    site,
                    "an import spelled over lines: rewrite it by hand",
                ));
                continue;
            };
            let start = span.start as usize + at;
            extras.entry(file).or_default().push(Edit {
                start,
                end: start + old_name.len(),
                text: dest_name.to_string(),
            });
        }
    }
    // Reads of `pkg.old.X` and strings spelling the path.
    // Settings files with entry points: their text, and the edits of it.
    let mut settings_files: std::collections::BTreeMap<String, (String, Vec<Edit>)> =
        Default::default();
    for (file, reference) in references::collect(
        resolver,
        &Resolution::Module(old),
        crate::references::Reach::Names,
        true,
    ) {
        if file == old_file {
            continue;
        }
        let in_settings = file == references::NOT_A_SOURCE_FILE;
        let through_path = reference
            .via
            .as_deref()
            .is_some_and(|via| via == old_name || via.starts_with(&format!("{old_name}.")));
        // An entry point of pyproject.toml or setup.cfg (`cli = "pkg.old:main"`), or a
        // read of `pkg.old.X` or a string that spells the path.
        if !in_settings && (!through_path || !matches!(reference.kind, "attribute" | "string")) {
            continue;
        }
        let edit = match in_settings {
            true => {
                let entry = match settings_files.entry(reference.path.clone()) {
                    std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::btree_map::Entry::Vacant(entry) => {
                        let path = project.root.join(&reference.path);
                        let text = crate::read::small_text(&path, crate::read::MAX_SETTINGS_BYTES)
                            .map_err(|e| anyhow!("{}: {e}", reference.path))?;
                        entry.insert((text, Vec::new()))
                    }
                };
                path_edit(&entry.0, reference.line, (old_name, dest_name))
                    .map(|edit| entry.1.push(edit))
            }
            false => path_edit(&text_of(file)?, reference.line, (old_name, dest_name))
                .map(|edit| extras.entry(file).or_default().push(edit)),
        };
        if edit.is_none() {
            left.push(Skipped {
                path: reference.path.clone(),
                line: reference.line,
                col: reference.col,
                rule: reference.kind.to_string(),
                reason: match in_settings {
                    true => "an entry point that does not spell the path: rewrite it by hand",
                    false => "does not spell the path on its line: rewrite it by hand",
                }
                .to_string(),
            });
        }
    }
    let mut files: Vec<usize> = retargets.keys().chain(extras.keys()).copied().collect();
    files.sort_unstable();
    files.dedup();
    let mut fixes = Vec::new();
    let mut rewritten = 0;
    for file in files {
        let moves = retargets.remove(&file).unwrap_or_default();
        let extra = extras.remove(&file).unwrap_or_default();
        let mut edits: Vec<Edit> = Vec::new();
        for edit in extra {
            if !edits.iter().any(|e| e.start == edit.start) {
                edits.push(edit);
            }
        }
        let count = moves.len() + edits.len();
        let mut skipped = Vec::new();
        match fix::fix_file(
            rewriting,
            file,
            &moves,
            edits,
            &mut skipped,
            &mut Vec::new(),
        ) {
            Ok(Some(fix)) => {
                rewritten += count - skipped.len();
                fixes.push(fix);
            }
            Ok(None) => {}
            Err(reason) => bail!("{}: {reason}", project.files[file].rel),
        }
        left.extend(skipped);
    }
    for (path, (text, mut edits)) in settings_files {
        edits.sort_by_key(|e| std::cmp::Reverse(e.start));
        edits.dedup_by_key(|e| e.start);
        let mut new = text.clone();
        for edit in &edits {
            new.replace_range(edit.start..edit.end, &edit.text);
        }
        rewritten += edits.len();
        fixes.push(FileFix {
            real: project.root.join(&path),
            path,
            old: text,
            new,
            fixed: 0,
            renamed: 0,
        });
    }
    Ok((rewritten, fixes, left))
}

fn skipped(project: &Project, site: usize, reason: &str) -> Skipped {
    let import = project.import_site(site);
    Skipped {
        path: project.files[project.sites[site].file as usize]
            .rel
            .to_string(),
        line: import.position.line,
        col: import.position.col,
        rule: "import".to_string(),
        reason: reason.to_string(),
    }
}

/// The edit that writes `dest` for `old` where line `line` of `text` spells it whole.
fn path_edit(text: &str, line: u32, (old, dest): (&str, &str)) -> Option<Edit> {
    let start = fix::LineStarts::new(text).offset(text, Position { line, col: 1 })?;
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let at = start + whole_path(&text[start..end], old)?;
    Some(Edit {
        start: at,
        end: at + old.len(),
        text: dest.to_string(),
    })
}

/// Where `path` appears in `text` as a whole dotted path (not part of a longer name).
fn whole_path(text: &str, path: &str) -> Option<usize> {
    let word = |c: char| c == '_' || c.is_alphanumeric();
    text.match_indices(path).map(|(i, _)| i).find(|&i| {
        !text[..i].ends_with(|c: char| word(c) || c == '.')
            && !text[i + path.len()..].starts_with(word)
    })
}

/// Every changed module binds what it bound, with the old module's path read as the new
/// one's.
fn same_bindings(
    before: &Project,
    after: &Project,
    files: &[FileFix],
    (old, dest): (&str, &str),
) -> Result<(), String> {
    let renamed = |text: String| {
        let (prefix, path) = match text.strip_prefix("module ") {
            Some(path) => ("module ", path),
            None => ("", text.as_str()),
        };
        match path.strip_prefix(old) {
            Some(rest) if rest.is_empty() || rest.starts_with('.') => {
                format!("{prefix}{dest}{rest}")
            }
            _ => text,
        }
    };
    verify::bindings_follow(
        before,
        after,
        files.get(2..).unwrap_or_default(),
        |binding, then| (binding.to_string(), renamed(then)),
    )
}
