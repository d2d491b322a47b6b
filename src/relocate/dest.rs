//! The destination module: found or made, and its text with the moved code, the
//! imports it needs, and without its own imports of the moved names.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use rustc_hash::FxHashSet;

use crate::discover::SourceFile;
use crate::fix::{FileFix, LineStarts, Skipped};
use crate::index::{ModuleId, Project};
use crate::parse::{self, Layout, StatementKind};
use crate::relocate::needs::{Carried, Needs};
use crate::relocate::source::{self, Splice, rel_of};
use crate::resolve::Resolver;

/// Where the moved code goes.
pub struct Destination {
    pub name: String,
    pub module: Option<ModuleId>,
    pub file: Option<usize>,
    pub rel: String,
    pub path: PathBuf,
    /// `__init__.py` files to create for missing packages, outermost first.
    pub packages: Vec<PathBuf>,
}

/// The destination's new text, and the references in it left as they are.
pub struct DestChange {
    pub fix: FileFix,
    /// The import lines written (or names added to an import there).
    pub carried: Vec<String>,
    pub left: Vec<Skipped>,
}

impl Destination {
    pub fn find(project: &Project, dest: &str, old: ModuleId) -> Result<Destination> {
        if dest.split('.').any(|p| {
            p.is_empty()
                || !p.chars().all(|c| c.is_alphanumeric() || c == '_')
                || p.starts_with(|c: char| c.is_ascii_digit())
        }) {
            bail!("--to {dest:?}: not a dotted module name");
        }
        if project.modules[old as usize].name == dest {
            bail!("--to {dest}: the definitions are there already");
        }
        if let Some(id) = project.internal(dest) {
            let module = &project.modules[id as usize];
            let Some(file) = module.file else {
                bail!("--to {dest}: a namespace package (a folder); name a module in it");
            };
            let source = &project.files[file];
            if source.compiled || source.is_stub {
                bail!("--to {dest}: not a Python source file ({})", source.rel);
            }
            return Ok(Destination {
                name: dest.to_string(),
                module: Some(id),
                file: Some(file),
                rel: source.rel.to_string(),
                path: source.path.clone(),
                packages: Vec::new(),
            });
        }
        let parts: Vec<&str> = dest.split('.').collect();
        if !project.is_internal_name(dest) {
            return Self::new_top_level(project, dest, &parts, old);
        }
        for split in (1..parts.len()).rev() {
            let parent = parts[..split].join(".");
            let Some(id) = project.internal(&parent) else {
                continue;
            };
            let module = &project.modules[id as usize];
            if !module.is_package {
                bail!("--to {dest}: `{parent}` is a module, not a package");
            }
            let dir = match module.file {
                Some(file) => project.files[file]
                    .path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
                None => project
                    .root
                    .join(module.path.as_deref().unwrap_or_default()),
            };
            let mut folder = dir;
            let mut packages = Vec::new();
            for part in &parts[split..parts.len() - 1] {
                folder = folder.join(part);
                packages.push(folder.join("__init__.py"));
            }
            let path = folder.join(format!("{}.py", parts[parts.len() - 1]));
            if path.exists() {
                bail!(
                    "--to {dest}: {} exists but is not part of the project (excluded?)",
                    rel_of(project, &path)
                );
            }
            return Ok(Destination::new_file(project, dest, path, packages));
        }
        bail!("--to {dest}: no package of it exists")
    }

    /// A destination under a top-level name the repository does not have yet: made in
    /// the source folder of the moved module, unless the name is the standard
    /// library's or an installed package's (the new one would hide it).
    fn new_top_level(
        project: &Project,
        dest: &str,
        parts: &[&str],
        old: ModuleId,
    ) -> Result<Destination> {
        let top = parts[0];
        if project.environment.in_stdlib(top) {
            bail!("--to {dest}: `{top}` is a module of the standard library, which it would hide");
        }
        let imported = project.sites.iter().any(|site| {
            site.target
                .as_deref()
                .is_some_and(|t| t.split('.').next() == Some(top))
        });
        if imported {
            bail!("--to {dest}: the project imports `{top}` from outside it, which it would hide");
        }
        if project.environment.may_import(top) && project.environment.location.is_some() {
            bail!("--to {dest}: `{top}` is an installed package, which it would hide");
        }
        let module = &project.modules[old as usize];
        let Some(file) = module.file else {
            bail!("--to {dest}: no package of it exists");
        };
        let depth = module.name.split('.').count() - usize::from(!module.is_package);
        let Some(mut folder) = project.files[file]
            .path
            .ancestors()
            .nth(depth + 1)
            .map(Path::to_path_buf)
        else {
            bail!("--to {dest}: no source folder for it");
        };
        let mut packages = Vec::new();
        for part in &parts[..parts.len() - 1] {
            folder = folder.join(part);
            packages.push(folder.join("__init__.py"));
        }
        let path = folder.join(format!("{}.py", parts[parts.len() - 1]));
        if let Some(taken) = std::iter::once(&path)
            .chain(&packages)
            .chain(std::iter::once(&path.with_extension("")))
            .find(|p| std::fs::symlink_metadata(p).is_ok())
        {
            bail!(
                "--to {dest}: {} exists but is not part of the project (excluded?)",
                rel_of(project, taken)
            );
        }
        Ok(Destination::new_file(project, dest, path, packages))
    }

    /// A module the move creates at `path`, with the packages made for it.
    fn new_file(project: &Project, dest: &str, path: PathBuf, packages: Vec<PathBuf>) -> Self {
        Destination {
            name: dest.to_string(),
            module: None,
            file: None,
            rel: rel_of(project, &path),
            path,
            packages,
        }
    }

    /// The destination of a whole package: a folder with its `__init__.py` where `find`
    /// placed a module's file.
    pub fn into_package(mut self, project: &Project) -> Result<Destination> {
        let folder = self.path.with_extension("");
        if std::fs::symlink_metadata(&folder).is_ok() {
            bail!(
                "--to {}: {} exists but is not part of the project (excluded?)",
                self.name,
                rel_of(project, &folder)
            );
        }
        self.path = folder.join("__init__.py");
        self.rel = rel_of(project, &self.path);
        Ok(self)
    }

    /// The files the move creates, as the project would list them.
    /// The `__init__.py` files of the packages made for it, empty.
    pub fn package_files(&self, project: &Project) -> Vec<FileFix> {
        self.packages
            .iter()
            .map(|package| FileFix {
                path: rel_of(project, package),
                real: package.clone(),
                old: String::new(),
                new: String::new(),
                fixed: 0,
                renamed: 0,
            })
            .collect()
    }

    pub fn created_files(&self, project: &Project, old_file: usize) -> Vec<SourceFile> {
        if self.file.is_some() {
            return Vec::new();
        }
        let is_test = project.files[old_file].is_test;
        let parts: Vec<&str> = self.name.split('.').collect();
        // The packages made are those of the last parts but one.
        let first = parts.len() - 1 - self.packages.len();
        let file = |path: &Path, module: String, is_package: bool| SourceFile {
            path: path.to_path_buf(),
            rel: rel_of(project, path).into(),
            module: module.into(),
            is_package,
            is_stub: false,
            is_test,
            compiled: false,
            companion: false,
        };
        let mut files: Vec<SourceFile> = self
            .packages
            .iter()
            .enumerate()
            .map(|(index, package)| file(package, parts[..=first + index].join("."), true))
            .collect();
        files.push(file(&self.path, self.name.clone(), false));
        files
    }
}

/// What arrives in the destination.
pub struct Arriving<'a> {
    pub old_module: &'a str,
    pub old_text: &'a str,
    pub old_layout: &'a Layout,
    /// The moved blocks, joined.
    pub blocks: &'a str,
    pub carried: &'a [Carried],
    pub needs: &'a Needs,
    pub moved: &'a FxHashSet<&'a str>,
}

/// The `__future__` features a module's text turns on.
fn futures(layout: &Layout) -> Vec<String> {
    let mut found: Vec<String> = layout
        .statements
        .iter()
        .filter(|s| s.kind == StatementKind::FutureImport)
        .flat_map(|s| s.names.clone())
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The carried imports as lines, names from one module in one statement: plain ones,
/// then those only type checkers run.
fn import_lines(carried: &[Carried], has_type_checking: bool, newline: &str) -> Vec<String> {
    let statements = |type_checking: bool| -> Vec<String> {
        let mut lines: Vec<(String, Vec<String>)> = Vec::new();
        for import in carried.iter().filter(|c| c.type_checking == type_checking) {
            let Some(name) = &import.name else {
                lines.push((import.text(), Vec::new()));
                continue;
            };
            let written = match &import.alias {
                Some(alias) => format!("{name} as {alias}"),
                None => name.clone(),
            };
            let head = format!("from {} import", import.module);
            match lines
                .iter_mut()
                .find(|(h, names)| *h == head && !names.is_empty())
            {
                Some((_, names)) => names.push(written),
                None => lines.push((head, vec![written])),
            }
        }
        lines
            .into_iter()
            .map(|(head, names)| match names.is_empty() {
                true => head,
                false => {
                    let module = head.trim_start_matches("from ").trim_end_matches(" import");
                    crate::relocate::shim::from_import(module, &names, newline)
                }
            })
            .collect()
    };
    let mut lines = statements(false);
    let checking = statements(true);
    if !checking.is_empty() {
        if !has_type_checking {
            lines.push("from typing import TYPE_CHECKING".to_string());
        }
        lines.push("if TYPE_CHECKING:".to_string());
        lines.extend(
            checking
                .iter()
                .map(|line| format!("    {}", line.replace(newline, &format!("{newline}    ")))),
        );
    }
    lines
}

impl Destination {
    pub fn text_after(
        &self,
        project: &Project,
        resolver: &mut Resolver,
        target: &parse::Target,
        arriving: &Arriving,
    ) -> Result<DestChange> {
        let newline = if arriving.old_text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let Some(file) = self.file else {
            return Ok(DestChange {
                fix: FileFix {
                    path: self.rel.clone(),
                    real: self.path.clone(),
                    old: String::new(),
                    new: self.new_text(arriving, newline),
                    fixed: 0,
                    renamed: 0,
                },
                carried: import_lines(arriving.carried, false, newline),
                left: Vec::new(),
            });
        };
        let (bom, text, layout) = source::read_module(project, file, target)?;
        // The destination's own line endings, for everything written into it.
        let newline = match (text.contains("\r\n"), text.contains('\n')) {
            (true, _) => "\r\n",
            (false, true) => "\n",
            (false, false) => newline,
        };
        let blocks = arriving.blocks.replace("\r\n", "\n").replace('\n', newline);
        let arriving = &Arriving {
            blocks: &blocks,
            ..*arriving
        };
        let theirs = futures(&layout);
        // Of the `__future__` features Python 3 still has, only `annotations` changes
        // what code does, and only code with annotations.
        if let Some(missing) = futures(arriving.old_layout)
            .into_iter()
            .find(|f| !theirs.contains(f))
            .filter(|f| f != "annotations" || crate::parse::has_annotations(arriving.blocks))
        {
            bail!(
                "`{}` has `from __future__ import {missing}` and `{}` has not: the moved code \
                 would run differently there; add it to the destination first",
                arriving.old_module,
                self.name
            );
        }
        if theirs.iter().any(|f| f == "annotations")
            && !futures(arriving.old_layout)
                .iter()
                .any(|f| f == "annotations")
            && crate::parse::has_annotations(arriving.blocks)
        {
            bail!(
                "`{}` has `from __future__ import annotations` and `{}` has not: the moved \
                 code's annotations would no longer be evaluated where they are written",
                self.name,
                arriving.old_module
            );
        }
        let (mut splices, left, removed) =
            self.own_imports(project, file, &text, &layout, arriving)?;
        let dest = self.module.expect("an existing destination is a module");
        let has_type_checking = !matches!(
            resolver.resolve_name(dest, "TYPE_CHECKING"),
            crate::resolve::Resolution::Unresolved(_)
        );
        let kept = |index: usize| !removed.contains(&index);
        let mut lines = Vec::new();
        let merged = merge_into_statements(project, file, &text, arriving.carried, &mut splices);
        let remaining: Vec<Carried> = arriving
            .carried
            .iter()
            .filter(|c| !merged.contains(c))
            .cloned()
            .collect();
        lines.extend(import_lines(&remaining, has_type_checking, newline));
        let mut carried = lines.clone();
        carried.extend(
            merged
                .iter()
                .map(|c| format!("{} (added to the import there)", c.text())),
        );
        let statements = &layout.statements;
        let last_import = statements
            .iter()
            .enumerate()
            .filter(|&(i, _)| kept(i))
            .filter(|(_, s)| {
                matches!(
                    s.kind,
                    StatementKind::Import
                        | StatementKind::FutureImport
                        | StatementKind::ImportBlock
                )
            })
            .map(|(i, _)| i)
            .next_back();
        let header = source::after_header(statements);
        let needed = statements
            .iter()
            .enumerate()
            .filter(|&(i, s)| {
                kept(i)
                    && s.names
                        .iter()
                        .any(|n| arriving.needs.in_dest.iter().any(|d| d == n))
            })
            .map(|(i, _)| i)
            .next_back();
        let anchor = last_import.max(needed).or(header);
        // The imports go after the last import (else after the docstring), the moved code
        // after the anchor.
        let import_at = last_import.or(header);
        if !lines.is_empty() {
            let joined = lines.join(newline);
            match import_at {
                Some(i) => {
                    let at = source::line_end(&text, statements[i].span.end as usize);
                    splices.push(Splice {
                        start: at,
                        end: at,
                        text: format!("{newline}{joined}"),
                    });
                }
                None => splices.push(Splice {
                    start: 0,
                    end: 0,
                    text: format!("{joined}{newline}{newline}{newline}"),
                }),
            }
        }
        // The moved code takes the place of the destination's one import of it when
        // nothing it needs comes later: a move back restores the bytes.
        let in_place = match removed[..] {
            [k] => {
                needed.is_none_or(|n| n < k)
                    && (lines.is_empty() || import_at.is_some_and(|i| i < k))
            }
            _ => false,
        };
        for &index in &removed {
            let span = statements[index].span;
            let start = source::line_start(&text, span.start as usize);
            let end = source::line_end(&text, span.end as usize);
            if !in_place {
                splices.push(source::removal(&text, start, end));
                continue;
            }
            let pad = |blank: usize, code: bool| match code {
                true => newline.repeat(2usize.saturating_sub(blank)),
                false => String::new(),
            };
            let before = pad(source::blank_lines_before(&text, start), index > 0);
            let after = pad(
                source::blank_lines_after(&text, end),
                index + 1 < statements.len(),
            );
            splices.push(Splice {
                start,
                end,
                text: format!("{before}{}{after}", arriving.blocks),
            });
            if let Some((name, line)) = read_before(
                project,
                file,
                &text,
                &layout,
                arriving.moved,
                start,
                &removed,
            ) {
                bail!(
                    "`{}` reads `{name}` at import time (line {line}), above its import of it",
                    self.name
                );
            }
        }
        if !in_place {
            self.place_blocks(
                project,
                file,
                &text,
                &layout,
                arriving,
                anchor,
                &removed,
                newline,
                &mut splices,
            )?;
        }
        let new = source::apply(&text, splices)
            .ok_or_else(|| anyhow!("{}: overlapping edits", self.rel))?;
        Ok(DestChange {
            fix: FileFix {
                path: self.rel.clone(),
                real: self.path.clone(),
                old: source::with_bom(bom, &text),
                new: source::with_bom(bom, &new),
                fixed: 0,
                renamed: 0,
            },
            carried,
            left,
        })
    }

    /// The moved code after the anchor statement (before the next one, its comments
    /// included), or at the end.
    #[allow(clippy::too_many_arguments)]
    fn place_blocks(
        &self,
        project: &Project,
        file: usize,
        text: &str,
        layout: &Layout,
        arriving: &Arriving,
        anchor: Option<usize>,
        removed: &[usize],
        newline: &str,
        splices: &mut Vec<Splice>,
    ) -> Result<()> {
        let statements = &layout.statements;
        let kept = |index: usize| !removed.contains(&index);
        let next = match anchor {
            Some(i) => (i + 1..statements.len()).find(|&j| kept(j)),
            None => (0..statements.len()).find(|&j| kept(j)),
        };
        let at = match next {
            Some(j) => {
                let block = source::block(text, layout, j, "")
                    .map_err(|r| anyhow!("{}: the statement after the imports {r}", self.rel))?;
                splices.push(Splice {
                    start: block.start,
                    end: block.start,
                    text: format!("{}{newline}{newline}{newline}", arriving.blocks),
                });
                block.start
            }
            None => {
                let ends_with_newline = text.ends_with('\n');
                let lead = if ends_with_newline {
                    format!("{newline}{newline}")
                } else if text.is_empty() {
                    String::new()
                } else {
                    format!("{newline}{newline}{newline}")
                };
                splices.push(Splice {
                    start: text.len(),
                    end: text.len(),
                    text: format!("{lead}{}{newline}", arriving.blocks),
                });
                text.len()
            }
        };
        if let Some((name, line)) =
            read_before(project, file, text, layout, arriving.moved, at, removed)
        {
            bail!(
                "`{}` reads `{name}` at import time (line {line}), above where the moved code \
                 must go (after what it needs)",
                self.name
            );
        }
        Ok(())
    }

    /// A new module: the old one's `__future__` imports, the carried imports, the code.
    fn new_text(&self, arriving: &Arriving, newline: &str) -> String {
        let mut sections = Vec::new();
        let futures = futures(arriving.old_layout);
        if !futures.is_empty() {
            sections.push(format!("from __future__ import {}", futures.join(", ")));
        }
        let lines = import_lines(arriving.carried, false, newline);
        if !lines.is_empty() {
            sections.push(lines.join(newline));
        }
        let blank = format!("{newline}{newline}");
        let mut text = sections.join(&blank);
        if !text.is_empty() {
            text.push_str(&format!("{newline}{newline}{newline}"));
        }
        text.push_str(arriving.blocks);
        text.push_str(newline);
        text
    }

    /// The destination's imports of the moved names from the old module, removed (they
    /// are local now; kept, they would close a cycle through the shim); the function-level
    /// ones left, listed; the indices of the statements removed whole.
    fn own_imports(
        &self,
        project: &Project,
        file: usize,
        text: &str,
        layout: &Layout,
        arriving: &Arriving,
    ) -> Result<(Vec<Splice>, Vec<Skipped>, Vec<usize>)> {
        let summary = project.summary(file);
        let mut splices = Vec::new();
        let mut left = Vec::new();
        let mut by_statement: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
        let mut allowed = Vec::new();
        for (index, import) in summary.imports.iter().enumerate() {
            let Some(site) = project.site_of(file, index) else {
                continue;
            };
            let Some(name) = import.name.as_deref() else {
                continue;
            };
            if project.sites[site].target.as_deref() != Some(arriving.old_module)
                || !arriving.moved.contains(name)
            {
                continue;
            }
            let line = import.position.line;
            if import.context.function {
                left.push(Skipped {
                    path: self.rel.clone(),
                    line,
                    col: import.position.col,
                    rule: "import".to_string(),
                    reason: "the new module's own function-level import: it keeps working through the shim".to_string(),
                });
                continue;
            }
            let context = import.context;
            if context.type_checking || context.conditional || context.try_import {
                bail!(
                    "`{}` imports `{name}` from `{}` under `if`/`try` (line {line}): remove \
                     that import by hand first",
                    self.name,
                    arriving.old_module
                );
            }
            if import.alias.as_deref().is_some_and(|a| a != name) {
                bail!(
                    "`{}` imports `{name}` as `{}` (line {line}): after the move nothing would \
                     bind that name",
                    self.name,
                    import.alias.as_deref().unwrap_or_default()
                );
            }
            allowed.push(import.position);
            by_statement
                .entry(import.statement_span.start)
                .or_default()
                .push(index);
        }
        for binding in summary
            .bindings
            .iter()
            .filter(|b| arriving.moved.contains(b.name.as_str()))
        {
            if !allowed.contains(&binding.position) {
                bail!(
                    "`{}` binds `{}` already (line {}): a name clash",
                    self.name,
                    binding.name,
                    binding.position.line
                );
            }
        }
        let mut removed = Vec::new();
        for (start, imports) in by_statement {
            let first = &summary.imports[imports[0]];
            let statement = layout
                .statements
                .iter()
                .position(|s| s.span.start == start)
                .ok_or_else(|| anyhow!("{}: an import not at the top level", self.rel))?;
            if imports.len() as u32 == first.names_in_statement {
                removed.push(statement);
                continue;
            }
            for &index in &imports {
                splices.push(name_removal(text, summary.imports[index].alias_span));
            }
        }
        Ok((splices, left, removed))
    }
}

/// Removes `name [as alias]` and one comma beside it from an import statement.
pub(super) fn name_removal(text: &str, span: crate::summary::Span) -> Splice {
    let (start, end) = (span.start as usize, span.end as usize);
    let after = &text[end..];
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    if after[spaces..].starts_with(',') {
        let rest = &after[spaces + 1..];
        let gap = rest.len() - rest.trim_start().len();
        return Splice {
            start,
            end: end + spaces + 1 + gap,
            text: String::new(),
        };
    }
    let before = &text[..start];
    let comma = before.trim_end().len();
    let start = if before[..comma].ends_with(',') {
        comma - 1
    } else {
        start
    };
    Splice {
        start,
        end,
        text: String::new(),
    }
}

/// Carried `from m import n` added to a one-line `from m import …` of the file; the
/// carried imports so merged.
fn merge_into_statements(
    project: &Project,
    file: usize,
    text: &str,
    carried: &[Carried],
    splices: &mut Vec<Splice>,
) -> Vec<Carried> {
    let summary = project.summary(file);
    let mut merged = Vec::new();
    let mut added: std::collections::BTreeMap<usize, String> = Default::default();
    for import in carried
        .iter()
        .filter(|c| c.name.is_some() && !c.type_checking)
    {
        let host = (0..summary.imports.len()).find(|&i| {
            let site = &summary.imports[i];
            let plain = site.context == Default::default();
            let span = site.statement_span;
            let written = &text[span.start as usize..span.end as usize];
            let one_line = !written.contains(['\n', '(', '\\', '#']);
            let after = &text[span.end as usize..source::line_end(text, span.end as usize)];
            plain
                && one_line
                && after.trim().is_empty()
                && site.name.as_deref().is_some_and(|n| n != "*")
                && project
                    .site_of(file, i)
                    .and_then(|s| project.sites[s].target.as_deref())
                    == Some(import.module.as_str())
        });
        if let Some(host) = host {
            let end = summary.imports[host].statement_span.end as usize;
            let name = import.text();
            let name = name.rsplit(" import ").next().unwrap_or_default();
            added.entry(end).or_default().push_str(&format!(", {name}"));
            merged.push(import.clone());
        }
    }
    for (at, text) in added {
        splices.push(Splice {
            start: at,
            end: at,
            text,
        });
    }
    merged
}

/// The first import-time read of a moved name in the destination before `at` (outside
/// the statements removed).
fn read_before(
    project: &Project,
    file: usize,
    text: &str,
    layout: &Layout,
    moved: &FxHashSet<&str>,
    at: usize,
    removed: &[usize],
) -> Option<(String, u32)> {
    let summary = project.summary(file);
    let lines = LineStarts::new(text);
    summary
        .uses
        .iter()
        .filter(|u| {
            u.import == u32::MAX && moved.contains(summary.use_names[u.name as usize].as_str())
        })
        .find(|u| {
            lines.offset(text, u.position).is_some_and(|offset| {
                let in_removed = removed.iter().any(|&i| {
                    let span = layout.statements[i].span;
                    span.start as usize <= offset && offset < span.end as usize
                });
                offset < at && layout.runs_at_import(offset as u32) && !in_removed
            })
        })
        .map(|u| {
            (
                summary.use_names[u.name as usize].to_string(),
                u.position.line,
            )
        })
}
