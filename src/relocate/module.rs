//! `move pkg.old_module --to pkg.new.place`: the module's file moves whole (its relative
//! imports counted again from the new place), or a package's whole folder (relative
//! imports within it kept), the old path keeps working through a shim that is the new module
//! (`sys.modules[__name__] = ...`), and every importer is taken to the new path:
//! `from old import X`, `from pkg import old`, `import pkg.old [as m]` with its
//! `pkg.old.X` reads, and strings that spell the path.

use anyhow::{Result, anyhow, bail};

use super::dest::Destination;
use super::importers::spelled_like;
use super::moving::Moving;
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
    let Some(old_file) = module.file else {
        bail!(
            "`{old_name}` is a namespace package (a folder without `__init__.py`): move its \
             modules one at a time"
        );
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
    if dest_name
        .strip_prefix(old_name.as_str())
        .is_some_and(|rest| rest.starts_with('.'))
    {
        bail!("--to {dest_name}: inside `{old_name}` itself");
    }
    let dest = Destination::find(project, dest_name, old)?;
    if dest.file.is_some() || project.internal(dest_name).is_some() {
        bail!("--to {dest_name}: exists already; a module moves to a new path");
    }
    let dest = match module.is_package {
        true => dest.into_package(project)?,
        false => dest,
    };
    let moving = Moving::new(project, old_file, &old_name, &dest)?;
    let mut resolver = Resolver::new(project);
    let mut created_files = dest.created_files(project, old_file);
    created_files.pop();
    let parents = created_files.len();
    created_files.extend(moving.files.iter().map(|(_, file)| file.clone()));
    let rewriting = fix::Rewriting {
        project,
        style: crate::isort::Style::read(&project.root, &project.environment)
            .creating(created_files.iter().map(|f| f.path.clone()).collect()),
        unsafe_fixes: true,
    };
    let Rewritten {
        count: rewritten,
        mut fixes,
        settings,
        left,
        warnings,
    } = rewrite(&mut resolver, &rewriting, &moving)?;
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
    // Each carried file at its old place (the shim, or nothing) and its new one.
    let mut carried = Vec::new();
    for (index, (file, new)) in moving.files.iter().enumerate() {
        let (bom, text) = fix::read_utf8(project, *file)
            .map_err(|reason| anyhow!("{}: {reason}", project.files[*file].rel))?;
        let text = source::with_bom(bom, &text);
        let moved_text = fixes.remove(file).map_or_else(|| text.clone(), |f| f.new);
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let left_behind = match (index, request.shim) {
            (0, Shim::None) | (1.., _) => String::new(),
            (0, shim) => shim_text(shim, &moving, newline),
        };
        carried.push(FileFix {
            path: project.files[*file].rel.to_string(),
            real: project.files[*file].path.clone(),
            old: text,
            new: left_behind,
            fixed: 0,
            renamed: 0,
        });
        carried.push(FileFix {
            path: new.rel.to_string(),
            real: new.path.clone(),
            old: String::new(),
            new: moved_text,
            fixed: 0,
            renamed: 0,
        });
    }
    let importers: Vec<FileFix> = fixes.into_values().chain(settings).collect();
    let mut rest = carried.split_off(2);
    let mut files = carried;
    files.extend(dest.package_files(project));
    files.extend(importers.iter().cloned());
    let package_files: Vec<String> = rest.iter().map(|f| f.path.clone()).collect();
    let mut removed: Vec<String> = rest.iter().step_by(2).map(|f| f.path.clone()).collect();
    if request.shim == Shim::None {
        removed.insert(0, files[0].path.clone());
    }
    files.append(&mut rest);
    let python: Vec<FileFix> = files
        .iter()
        .filter(|f| f.path.ends_with(".py") || f.path.ends_with(".pyi"))
        .cloned()
        .collect();
    let after = verify::after(project, target, &python, &created_files, &removed)
        .map_err(|e| anyhow!(e))?;
    let mut modules = verify::modules_of(project, &importers);
    modules.extend(
        moving
            .files
            .iter()
            .filter(|(file, _)| !project.files[*file].companion)
            .map(|(file, new)| {
                (
                    project.files[*file].module.to_string(),
                    new.module.to_string(),
                )
            }),
    );
    same_bindings(project, &after, &modules, &moving)
        .map_err(|reason| anyhow!("the move would change what modules bind: {reason}"))?;
    let package = moving.is_package();
    let what = if package { "package" } else { "module" };
    let kept = match request.shim {
        Shim::Deprecate => format!("a {what} that warns and is the new one"),
        Shim::Alias if moving.is_package() => format!(
            "a package that is `{dest_name}` (sys.modules), its modules found at the new place"
        ),
        Shim::Alias => format!("a module that is `{dest_name}` (sys.modules)"),
        Shim::None if moving.is_package() => "nothing: the folder is removed".to_string(),
        Shim::None => "nothing: the file is removed".to_string(),
    };
    let (old_path, dest_path) = match moving.is_package() {
        true => (folder_of(&old_source.rel), folder_of(&dest.rel)),
        false => (old_source.rel.to_string(), dest.rel.clone()),
    };
    Ok(Plan {
        old_module: old_name.clone(),
        old_path,
        dest_module: dest_name.to_string(),
        dest_path,
        moved: vec![Moved {
            name: old_name.clone(),
            kind: what,
            line: 1,
        }],
        carried: Vec::new(),
        dropped: Vec::new(),
        kept,
        created: created_files[..parents]
            .iter()
            .map(|f| f.rel.to_string())
            .chain(moving.files.iter().map(|(_, f)| f.rel.to_string()))
            .collect(),
        removed,
        renamed: moving.others,
        folders: moving.folders,
        package_files,
        files,
        rewritten,
        left,
        warnings: std::iter::once(match package {
            true => format!(
                "`__name__` and `__file__` of the package's modules become `{dest_name}`'s and \
                 their new paths"
            ),
            false => format!(
                "`__name__` and `__file__` of the module become `{dest_name}` and its new path"
            ),
        })
        .chain(warnings)
        .collect(),
    })
}

/// A package's folder as shown: `pkg/old/` for `pkg/old/__init__.py`.
fn folder_of(init: &str) -> String {
    match init.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/"),
        None => "./".to_string(),
    }
}

/// The site's import taken to `module`, the same name imported.
fn retarget(project: &Project, site: usize, module: String) -> Option<Retarget> {
    let import = project.import_site(site);
    Some(Retarget {
        site,
        module,
        name: import.name?.to_string(),
        line: import.position.line,
        col: import.position.col,
        rule: "import".to_string(),
    })
}

/// The package a carried file's relative imports count from at its new place.
fn new_package(file: usize, moving: &Moving) -> String {
    let Some((_, new)) = moving.files.iter().find(|(f, _)| *f == file) else {
        return String::new();
    };
    match (new.is_package, new.module.rsplit_once('.')) {
        (true, _) => new.module.to_string(),
        (false, Some((parent, _))) => parent.to_string(),
        (false, None) => String::new(),
    }
}

/// `target` spelled relative to `package` (`...util` for `pkg.util` from
/// `pkg.sub.old`); `None` when the two share no top-level package.
fn relative_from(package: &str, target: &str) -> Option<String> {
    let from: Vec<&str> = package.split('.').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = target.split('.').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let dots = ".".repeat(from.len() - common + 1);
    Some(format!("{dots}{}", to[common..].join(".")))
}

/// Whether a relative import of a carried file means at the new place what it meant at
/// the old one: `from . import sub` inside a moved package, or `from ..json import x` in
/// `json/tag.py` moved to `serial/json/tag.py`.
fn stays_relative(project: &Project, site: usize, moving: &Moving) -> bool {
    let import = project.import_site(site);
    let file = project.sites[site].file as usize;
    let Some(target) = project.sites[site].target.as_deref() else {
        return false;
    };
    let mut base = new_package(file, moving);
    for _ in 1..import.level {
        base = base
            .rsplit_once('.')
            .map_or(String::new(), |(p, _)| p.to_string());
    }
    let spelled = match import.module {
        Some(module) if base.is_empty() => module.to_string(),
        Some(module) => format!("{base}.{module}"),
        None => base,
    };
    spelled == moving.renamed(target).unwrap_or_else(|| target.to_string())
}

/// The old module's text: it is the new one, for code that still imports the old path.
/// A package's also finds its modules at the new place, each one module under both
/// names (`sys.meta_path`).
fn shim_text(shim: Shim, moving: &Moving, newline: &str) -> String {
    let (old, dest) = (moving.old.as_str(), moving.dest.as_str());
    let deprecate = shim == Shim::Deprecate;
    let package = moving.is_package();
    let mut lines = vec![match package {
        true => format!(
            "\"\"\"`{old}` moved to `{dest}`: this package and its modules are those.\"\"\""
        ),
        false => format!("\"\"\"`{old}` moved to `{dest}`: this module is that one.\"\"\""),
    }];
    if package {
        lines.extend(
            [
                "import importlib",
                "import importlib.abc",
                "import importlib.util",
            ]
            .map(String::from),
        );
    }
    if !package {
        lines.push("import runpy".to_string());
    }
    lines.push("import sys".to_string());
    if deprecate || !package {
        lines.push("import warnings".to_string());
    }
    lines.extend([String::new(), format!("import {dest}"), String::new()]);
    if package {
        let warn = match deprecate {
            true => {
                "        warnings.warn(f\"{spec.name} has moved to {new}\", DeprecationWarning, stacklevel=2)\n"
            }
            false => "",
        };
        lines.push(format!(
            "
class _Moved(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    \"\"\"Imports `{old}.X` as `{dest}.X`: one module under both names.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.startswith(\"{old}.\"):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        new = \"{dest}\" + spec.name[{length}:]
{warn}        module = importlib.import_module(new)
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state

    def get_code(self, name):
        new = \"{dest}\" + name[{length}:]
        return importlib.util.find_spec(new).loader.get_code(new)


sys.meta_path.insert(0, _Moved())",
            length = old.len()
        ));
    }
    if deprecate {
        lines.push(format!(
            "warnings.warn(\"{old} has moved to {dest}\", DeprecationWarning, stacklevel=2)"
        ));
    }
    if !package {
        // `python -m old` runs the module under its new name.
        lines.extend([
            "if __name__ == \"__main__\":".to_string(),
            "    with warnings.catch_warnings():  # it is imported already, as the shim"
                .to_string(),
            "        warnings.simplefilter(\"ignore\", RuntimeWarning)".to_string(),
            format!("        runpy.run_module(\"{dest}\", run_name=\"__main__\")"),
        ]);
    }
    lines.push(format!("sys.modules[__name__] = {dest}"));
    lines.push(String::new());
    lines.join("\n").replace('\n', newline)
}

/// What happens to the name a plain `import old.path` binds (`pkg` of `import pkg.mod4`)
/// when the move gives the path another first name (`import mod4`).
enum TopName {
    /// Another binding of the file keeps it, or no import of a moved path binds it.
    Stays,
    /// Every read of it goes through a moved path; the bare reads of it (a moved
    /// package read whole: `print(pkg)`) are at these positions.
    Goes(Vec<Position>),
    /// A read at this position needs it for something the move does not take.
    Needed(Position),
}

fn top_name(project: &Project, file: usize, top: &str, moving: &Moving) -> TopName {
    let summary = project.summary(file);
    let changes_top = |import: &crate::summary::ImportSite| {
        import.name.is_none()
            && import.alias.is_none()
            && import
                .module
                .and_then(|m| moving.renamed(m.as_str()))
                .is_some_and(|new| new.split('.').next() != Some(top))
    };
    let binders: Vec<_> = summary
        .imports
        .iter()
        .filter(|i| i.bound_name() == Some(top))
        .collect();
    let other_binding = summary.bindings.iter().any(|b| {
        b.name.as_str() == top && !matches!(b.kind, crate::summary::BindingKind::Import { .. })
    });
    if binders.is_empty() || other_binding || !binders.iter().all(|i| changes_top(i)) {
        return TopName::Stays;
    }
    let mut bare = Vec::new();
    for (used, attributes) in summary.uses_with_attributes() {
        if summary.use_names[used.name as usize].as_str() != top {
            continue;
        }
        let path = std::iter::once(top)
            .chain(
                attributes
                    .iter()
                    .map(|a| summary.use_names[a.name as usize].as_str()),
            )
            .collect::<Vec<_>>()
            .join(".");
        // The read's path, as far as a moved module spells it.
        let through = (1..=attributes.len() + 1).any(|n| {
            let prefix: Vec<&str> = path.split('.').take(n).collect();
            moving.renamed(&prefix.join(".")).is_some()
        });
        match (through, attributes.is_empty()) {
            (false, _) => return TopName::Needed(used.position),
            (true, true) => bare.push(used.position),
            (true, false) => {}
        }
    }
    TopName::Goes(bare)
}

/// Whether `file` binds `name` once the move is written: an import of it, or a plain
/// import of a moved path that the move spells from `name`.
fn binds_after(project: &Project, file: usize, name: &str, moving: &Moving) -> bool {
    project.summary(file).imports.iter().any(|import| {
        import.bound_name() == Some(name)
            || (import.name.is_none()
                && import.alias.is_none()
                && import
                    .module
                    .and_then(|m| moving.renamed(m.as_str()))
                    .is_some_and(|new| new.split('.').next() == Some(name)))
    })
}

/// What the importers' rewrite found and made.
struct Rewritten {
    /// References in files the move does not carry.
    count: usize,
    /// Each source file's change, by file.
    fixes: std::collections::BTreeMap<usize, FileFix>,
    /// The settings files' (entry points).
    settings: Vec<FileFix>,
    left: Vec<Skipped>,
    warnings: Vec<String>,
}

/// Every import of a moved module, and every read and string that spells its path, taken
/// to the new place; in the carried files, the relative imports whose dots would count
/// from the new place counted again from there.
fn rewrite(
    resolver: &mut Resolver,
    rewriting: &fix::Rewriting,
    moving: &Moving,
) -> Result<Rewritten> {
    let project = rewriting.project;
    let (old_name, dest_name) = (moving.old.as_str(), moving.dest.as_str());
    let mut retargets: std::collections::BTreeMap<usize, Vec<Retarget>> = Default::default();
    let mut extras: std::collections::BTreeMap<usize, Vec<Edit>> = Default::default();
    let mut left = Vec::new();
    let mut warnings = Vec::new();
    // Names a plain import left as it is keeps bound: their reads are left too.
    let mut kept_names: rustc_hash::FxHashSet<(usize, String)> = Default::default();
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
        let import = project.import_site(site);
        let imported_from = project.sites[site].target.as_deref();
        if import.level > 0 && moving.carries(file) {
            if stays_relative(project, site, moving) {
                continue;
            }
            // The dots would count from the new place: counted again from there (written
            // absolute when the target lies under another top-level package).
            let Some(module) = imported_from.map(|m| {
                let target = moving.renamed(m).unwrap_or(m.to_string());
                relative_from(&new_package(file, moving), &target).unwrap_or(target)
            }) else {
                let at = skipped(project, site, "");
                bail!(
                    "{}:{}:{}: a relative import that cannot be written absolute",
                    at.path,
                    at.line,
                    at.col
                );
            };
            retargets
                .entry(file)
                .or_default()
                .extend(retarget(project, site, module));
            continue;
        }
        if let Some(new) = imported_from.and_then(|m| moving.renamed(m))
            && import.name.is_some()
        {
            // `from old import X`: the same name from the new module.
            let old = imported_from.unwrap_or_default();
            retargets.entry(file).or_default().extend(retarget(
                project,
                site,
                spelled_like(import, old, &new),
            ));
        } else if import.name.is_some()
            && let Resolution::Module(module) = resolver.resolve_site(site).0
            && let Some(new) = moving.renamed(&project.modules[module as usize].name)
        {
            let Some((parent, last)) = new.rsplit_once('.') else {
                // `from pkg import old` of a module moved to the top level: `import new`,
                // under the name the file used.
                let local = import.bound_name().unwrap_or(new.as_str());
                if import.names_in_statement != 1 {
                    left.push(skipped(
                        project,
                        site,
                        &format!("imports more names: write `import {new}` for this one by hand"),
                    ));
                    continue;
                }
                let text = match local == new {
                    true => format!("import {new}"),
                    false => format!("import {new} as {local}"),
                };
                extras
                    .entry(file)
                    .or_default()
                    .push(whole_statement(import, text));
                continue;
            };
            // `from pkg import old`: the new module under the name the file used.
            let parent = match imported_from {
                Some(from) => spelled_like(import, from, parent),
                None => parent.to_string(),
            };
            let mut r = retarget(project, site, parent)
                .ok_or_else(|| anyhow!("an import of the module without a name"))?;
            if import.alias == import.name && import.name.is_some_and(|n| n.as_str() != last) {
                let at = skipped(project, site, "");
                warnings.push(format!(
                    "{}:{}:{}: `{name} as {name}` re-exported the module; `{last} as {name}` \
                     is taken as unused by linters (F401): list `{name}` in `__all__`",
                    at.path,
                    at.line,
                    at.col,
                    name = r.name
                ));
            }
            r.name = last.to_string();
            retargets.entry(file).or_default().push(r);
        } else if import.name.is_none()
            && let Some(written) = import.module
            && let Some(new) = moving.renamed(written.as_str())
        {
            // `import pkg.old [as m]`: the statement names the new path.
            let text = text_of(file)?;
            let top = written.as_str().split('.').next().unwrap_or_default();
            if let Some((parent, last)) = new.rsplit_once('.')
                && written.as_str() == top
                && import.alias.is_none()
                && import.names_in_statement == 1
            {
                // `import old` of a top-level module: `from new import place [as old]`
                // keeps the name it bound, so its reads stay, and it works while the
                // module imports itself (a `from` import falls back to `sys.modules`).
                let text = match last == top {
                    true => format!("from {parent} import {last}"),
                    false => format!("from {parent} import {last} as {top}"),
                };
                extras
                    .entry(file)
                    .or_default()
                    .push(whole_statement(import, text));
                kept_names.insert((file, top.to_string()));
                continue;
            }
            if import.alias.is_none() && new.split('.').next() != Some(top) {
                match top_name(project, file, top, moving) {
                    TopName::Stays => {}
                    TopName::Goes(bare) => {
                        let lines = fix::LineStarts::new(&text);
                        for position in bare {
                            if let Some(start) = lines.offset(&text, position) {
                                extras.entry(file).or_default().push(Edit {
                                    start,
                                    end: start + top.len(),
                                    text: moving.renamed(top).unwrap_or_default(),
                                });
                            }
                        }
                    }
                    TopName::Needed(position) => {
                        left.push(skipped(
                            project,
                            site,
                            &format!(
                                "`{top}` is read for more than the moved module (line {}): \
                                 rewrite it by hand",
                                position.line
                            ),
                        ));
                        kept_names.insert((file, top.to_string()));
                        continue;
                    }
                }
            }
            let span = import.statement_span;
            let statement = &text[span.start as usize..span.end as usize];
            let Some(at) = whole_path(statement, written.as_str()) else {
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
                end: start + written.len(),
                text: new,
            });
        }
    }
    // Reads of `pkg.old.X` and strings spelling the path.
    // Settings files with entry points: their text, and the edits of it.
    let mut settings_files: std::collections::BTreeMap<String, (String, Vec<Edit>)> =
        Default::default();
    for (file, reference) in references::collect(
        resolver,
        &Resolution::Module(project.file_module[moving.files[0].0]),
        crate::references::Reach::NamesWithin,
        true,
    ) {
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
        let top = reference
            .via
            .as_deref()
            .and_then(|via| via.split('.').next());
        if reference.kind == "attribute"
            && top.is_some_and(|top| kept_names.contains(&(file, top.to_string())))
        {
            continue;
        }
        // `pkg.old.f()` read through `import pkg` becomes `newtop.f()`: only where
        // the file binds `newtop`.
        let new_top = dest_name.split('.').next().unwrap_or_default();
        if reference.kind == "attribute"
            && top.is_some_and(|top| top != new_top)
            && !binds_after(project, file, new_top, moving)
        {
            left.push(Skipped {
                path: reference.path.clone(),
                line: reference.line,
                col: reference.col,
                rule: reference.kind.to_string(),
                reason: format!(
                    "reads the old path through `{}`, and nothing here binds `{new_top}`: \
                     import it and rewrite the read by hand",
                    top.unwrap_or_default()
                ),
            });
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
    let mut fixes = std::collections::BTreeMap::new();
    let mut settings = Vec::new();
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
                if !moving.carries(file) {
                    rewritten += count - skipped.len();
                }
                fixes.insert(file, fix);
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
        settings.push(FileFix {
            real: project.root.join(&path),
            path,
            old: text,
            new,
            fixed: 0,
            renamed: 0,
        });
    }
    Ok(Rewritten {
        count: rewritten,
        fixes,
        settings,
        left,
        warnings,
    })
}

/// The edit that writes `text` for the whole statement of `import`.
fn whole_statement(import: &crate::summary::ImportSite, text: String) -> Edit {
    Edit {
        start: import.statement_span.start as usize,
        end: import.statement_span.end as usize,
        text,
    }
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

/// Every module of `modules` (named before and after) binds what it bound, with the
/// moved paths read at their new place.
fn same_bindings(
    before: &Project,
    after: &Project,
    modules: &[(String, String)],
    moving: &Moving,
) -> Result<(), String> {
    let renamed = |text: String| {
        let (prefix, path) = match text.strip_prefix("module ") {
            Some(path) => ("module ", path),
            None => ("", text.as_str()),
        };
        match moving.renamed(path) {
            Some(path) => format!("{prefix}{path}"),
            // An unresolved name says where (`deleted by del at old/path.py:75`).
            None => moving.files.iter().fold(text, |text, (file, new)| {
                text.replace(&*before.files[*file].rel, &new.rel)
            }),
        }
    };
    verify::bindings_follow(before, after, modules, |module, binding, then| {
        // `import old.mod` bound `old`; `import new.place.mod` binds `new` instead, and
        // the reads of `old.mod.X` follow. The name goes, unless another module imports
        // it from this one.
        let goes = before
            .internal(module)
            .and_then(|m| before.modules[m as usize].file)
            .is_some_and(|file| {
                matches!(top_name(before, file, binding, moving), TopName::Goes(_))
            });
        let read_elsewhere = || {
            (0..before.sites.len()).any(|site| {
                before.sites[site].target.as_deref() == Some(module)
                    && before
                        .import_site(site)
                        .name
                        .is_some_and(|name| name.as_str() == binding)
            })
        };
        if goes && !read_elsewhere() {
            return None;
        }
        // `from pkg import old` became `from pkg import new` and its uses were renamed.
        if let Some(path) = then.strip_prefix("module ")
            && let Some(new) = moving.renamed(path)
            && let (Some(old_last), Some(new_last)) =
                (path.rsplit('.').next(), new.rsplit('.').next())
            && binding == old_last
            && old_last != new_last
            && !read_elsewhere()
            && after
                .internal(module)
                .is_some_and(|m| !after.names(m).contains_key(binding))
        {
            return Some((new_last.to_string(), format!("module {new}")));
        }
        Some((binding.to_string(), renamed(then)))
    })
}
