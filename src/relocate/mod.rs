//! `move`: takes top-level definitions out of their module into another, byte for byte,
//! with the imports they need; leaves a shim so old paths keep working; takes every
//! importer to the new module. The whole change is planned in memory and judged by
//! indexing the project again with it (`verify`): a move that would bind any name to
//! another thing, or close an import-time cycle, is refused with the reason.

mod dest;
mod guards;
mod importers;
mod module;
mod moving;
mod needs;
mod plan;
pub mod rename;
mod shim;
mod source;
mod unused;
mod verify;

pub use shim::Shim;

use anyhow::{Result, anyhow, bail};
use rustc_hash::FxHashSet;

use crate::fix::FileFix;
use crate::index::{ModuleId, Project};
use crate::parse::{self, Layout};
use crate::resolve::Resolver;
use crate::summary::BindingKind;
use needs::Carried;
use source::{Block, Splice};

pub use plan::{Moved, Plan, Renamed, Request};

pub fn plan(project: &Project, target: &parse::Target, request: &Request) -> Result<Plan> {
    // One SYMBOL naming a module of the repository: the whole module moves.
    if let [symbol] = request.symbols.as_slice()
        && let Some(module) = project
            .internal(symbol)
            .or_else(|| module_at_path(project, symbol))
        && project.modules[module as usize].in_repository()
    {
        return module::plan(project, target, module, request);
    }
    let mut resolver = Resolver::new(project);
    let (old, names) = symbols(project, request)?;
    let old_module = project.modules[old as usize].name.to_string();
    let Some(old_file) = project.modules[old as usize].file else {
        bail!("`{old_module}` is a namespace package: it defines nothing");
    };
    let old_source = &project.files[old_file];
    if old_source.compiled || old_source.is_stub {
        bail!(
            "`{old_module}` is not a Python source file: {}",
            old_source.rel
        );
    }
    let (old_bom, old_text, layout) = source::read_module(project, old_file, target)?;
    let mut blocks = Vec::new();
    let mut moved = Vec::new();
    for name in &names {
        let (block, kind, line) = definition(project, old, &old_text, &layout, name)?;
        blocks.push(block);
        moved.push(Moved {
            name: name.clone(),
            kind,
            line,
        });
    }
    blocks.sort_by_key(|b| b.start);
    moved.sort_by_key(|m| m.line);
    let moved_names: Vec<&str> = blocks.iter().map(|b| b.name.as_str()).collect();
    let moved_set: FxHashSet<&str> = moved_names.iter().copied().collect();
    if let Some((name, offset)) = needs::global_inside(&layout, &blocks) {
        bail!(
            "the moved code declares `global {name}` (line {}): it would rebind the new \
             module's `{name}`, not `{old_module}`'s",
            source::line_number(&old_text, offset)
        );
    }
    let dest = dest::Destination::find(project, &request.dest, old)?;
    guards::reads_globals(&old_text, &blocks, &old_module)?;
    guards::answered_by_getattr(project, &dest, &moved_names)?;
    guards::written_from_outside(&mut resolver, (old, old_file), &moved_names, &request.dest)?;
    let reads = needs::reads(project, old_file, &old_text, &blocks, &moved_set);
    let needs = needs::needs(&mut resolver, old, dest.module, &reads)?;
    if request.shim == Shim::Alias && !needs.from_old.is_empty() {
        let (first, line) = &needs.from_old[0];
        let helpers = helpers_to_move(
            project,
            &mut resolver,
            (old, old_file),
            (&old_text, &layout),
            &names,
            dest.module,
        );
        let with: Vec<String> = helpers.iter().map(|h| format!("--with {h}")).collect();
        bail!(
            "the moved code needs `{first}`, defined in `{old_module}` (line {line}){}: the new \
             module would import it from `{old_module}` while `{old_module}` imports the new \
             module for the shim, an import-time cycle {}; move {} too with {}",
            match helpers.len() {
                1 => String::new(),
                n => format!(" and {} more of its names", n - 1),
            },
            crate::view::arrows(&[old_module.clone(), request.dest.clone(), old_module.clone()]),
            if helpers.len() == 1 { "it" } else { "them" },
            with.join(" ")
        );
    }
    if request.shim != Shim::Alias
        && let Some((name, line)) =
            needs::read_outside(project, old_file, &old_text, &blocks, &moved_set)
    {
        bail!(
            "`{old_module}` itself reads `{name}` (line {line}): it needs the name bound; \
             use --shim alias"
        );
    }
    if request.shim == Shim::Deprecate
        && let Some(line) = project.summary(old_file).getattr
    {
        bail!(
            "`{old_module}` has a module `__getattr__` already (line {line}): --shim deprecate \
             would replace it; use --shim alias"
        );
    }
    let mut carried = needs.carried.clone();
    for (name, _) in &needs.from_old {
        carried.push(Carried {
            module: old_module.clone(),
            name: Some(name.clone()),
            alias: None,
            type_checking: false,
        });
    }
    let blocks_text = joined_blocks(&old_text, &blocks);
    let all: Vec<String> = resolver.all(old).map(|a| a.to_vec()).unwrap_or_default();
    let old_new = old_text_after(
        &old_text,
        &blocks,
        request,
        (&old_module, &moved_names),
        &all,
    )?;
    let kept = match request.shim {
        Shim::Alias => format!(
            "`from {} import {}`",
            request.dest,
            shim::reexported(&moved_names, &all).join(", ")
        ),
        Shim::Deprecate => "a module `__getattr__` that warns".to_string(),
        Shim::None => "nothing".to_string(),
    };
    let (old_new, dropped) =
        unused::drop_unused(project, target, (old, &moved_names), &old_text, &old_new);
    // Nothing binds the names in the old module any more: `__all__` stops listing them
    // (`from old import *` would raise).
    let old_new = match request.shim {
        Shim::None => unused::drop_from_all(&old_new, &moved_names),
        Shim::Alias | Shim::Deprecate => old_new,
    };
    let dest_change = dest.text_after(
        project,
        &mut resolver,
        target,
        &dest::Arriving {
            old_module: &old_module,
            old_text: &old_text,
            old_layout: &layout,
            blocks: &blocks_text,
            carried: &carried,
            needs: &needs,
            moved: &moved_set,
        },
    )?;
    let mut files = vec![FileFix {
        path: old_source.rel.to_string(),
        real: old_source.path.clone(),
        old: source::with_bom(old_bom, &old_text),
        new: source::with_bom(old_bom, &old_new),
        fixed: 0,
        renamed: 0,
    }];
    let carried_lines = dest_change.carried;
    files.push(dest_change.fix);
    let created_files = dest.created_files(project, old_file);
    files.extend(dest.package_files(project));
    let moved_resolutions: Vec<importers::MovedName> = blocks
        .iter()
        .map(|b| importers::MovedName {
            name: &b.name,
            resolution: resolver.resolve_name(old, &b.name),
        })
        .collect();
    let mut skip = vec![old_file];
    skip.extend(dest.file);
    // The carried imports, the shim and the rewritten importers join sorted blocks
    // where ruff would put them, the files this change creates counted as there.
    let created: Vec<std::path::PathBuf> = (files.iter())
        .filter(|f| f.old.is_empty())
        .map(|f| f.real.clone())
        .collect();
    let sorting = crate::isort::Style::read(&project.root, &project.environment).creating(created);
    for file in &mut files[..2] {
        let bom = file.new.starts_with('\u{feff}');
        let (old, new) = (
            source::without_bom(&file.old),
            source::without_bom(&file.new),
        );
        let sorted = sorting.keep_sorted(&file.real, old, new, false);
        file.new = source::with_bom(bom, &sorted);
    }
    let rewrites = importers::rewrite(
        &mut resolver,
        (old, &request.dest, dest.module),
        &moved_resolutions,
        &skip,
        sorting,
    );
    let touched: Vec<String> = std::iter::once(old_module.clone())
        .chain(std::iter::once(request.dest.clone()))
        .chain(
            rewrites
                .files
                .iter()
                .filter_map(|f| project.files.iter().find(|s| s.rel == f.path))
                .map(|s| s.module.to_string()),
        )
        .collect();
    files.extend(rewrites.files);
    let mut left = rewrites.left;
    left.extend(dest_change.left);
    if request.shim == Shim::None
        && let Some(first) = left.first()
    {
        bail!(
            "--shim none: {}:{}:{} still needs the old path ({} {} not rewritten); rewrite it \
             first or keep a shim",
            first.path,
            first.line,
            first.col,
            if first.rule.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            },
            first.rule
        );
    }
    let after =
        verify::after(project, target, &files, &created_files, &[]).map_err(|e| anyhow!(e))?;
    verify::check(
        project,
        &after,
        &touched,
        &verify::Moving {
            old: &old_module,
            dest: &request.dest,
            names: &moved_names,
            unbound_in_old: request.shim == Shim::None,
            dropped: &dropped,
        },
    )
    .map_err(|reason| anyhow!("the move would change what modules bind: {reason}"))?;
    let warnings = moved
        .iter()
        .filter(|m| m.kind == "class" || m.kind == "function")
        .map(|m| {
            format!(
                "`{}.__module__` becomes `{}` (pickles and reprs name the module)",
                m.name, request.dest
            )
        })
        .collect();
    Ok(Plan {
        old_module,
        old_path: old_source.rel.to_string(),
        dest_module: request.dest.clone(),
        dest_path: dest.rel.clone(),
        moved,
        carried: carried_lines,
        dropped,
        kept,
        created: created_files.iter().map(|f| f.rel.to_string()).collect(),
        removed: Vec::new(),
        renamed: Vec::new(),
        folders: Vec::new(),
        package_files: Vec::new(),
        files,
        rewritten: rewrites.rewritten,
        left,
        warnings,
    })
}

/// The names of the old module the moved code needs, and those they need in turn (as
/// far as they can move): what `--with` must name for the alias shim.
fn helpers_to_move(
    project: &Project,
    resolver: &mut Resolver,
    (old, old_file): (ModuleId, usize),
    (text, layout): (&str, &Layout),
    names: &[String],
    dest: Option<ModuleId>,
) -> Vec<String> {
    let mut all: Vec<String> = names.to_vec();
    let mut helpers: Vec<String> = Vec::new();
    for _ in 0..64 {
        let Ok(blocks) = all
            .iter()
            .map(|n| definition(project, old, text, layout, n).map(|(b, _, _)| b))
            .collect::<Result<Vec<Block>>>()
        else {
            break;
        };
        let set: FxHashSet<&str> = all.iter().map(String::as_str).collect();
        let reads = needs::reads(project, old_file, text, &blocks, &set);
        let Ok(found) = needs::needs(resolver, old, dest, &reads) else {
            break;
        };
        let new: Vec<String> = found
            .from_old
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| !all.contains(n))
            .collect();
        if new.is_empty() {
            break;
        }
        helpers.extend(new.iter().cloned());
        all.extend(new);
    }
    helpers
}

/// The module the symbols live in and their names (the `--with` ones too).
fn symbols(project: &Project, request: &Request) -> Result<(ModuleId, Vec<String>)> {
    let mut module = None;
    let mut names: Vec<String> = Vec::new();
    for symbol in &request.symbols {
        let (found, name) = symbol_of(project, symbol)?;
        if module.is_some_and(|m| m != found) {
            bail!(
                "{symbol}: every SYMBOL of one move must live in one module (the others are in \
                 `{}`)",
                project.modules[module.unwrap_or_default() as usize].name
            );
        }
        module = Some(found);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let Some(module) = module else {
        bail!("name at least one SYMBOL to move");
    };
    for name in &request.with {
        if name.contains('.') || name.contains(':') {
            bail!(
                "--with {name}: a name of `{}`, without its module",
                project.modules[module as usize].name
            );
        }
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    Ok((module, names))
}

/// The module of a file path (`pkg/mod.py`), or the package of a folder (`pkg/`,
/// `pkg/__init__.py`).
fn module_at_path(project: &Project, path: &str) -> Option<ModuleId> {
    if path.ends_with(".py") || path.ends_with(".pyi") {
        return project.module_of_path(path);
    }
    let folder = path.trim_end_matches(['/', '\\']);
    project.module_of_path(&format!("{folder}/__init__.py"))
}

/// `pkg.mod.Name` or `path/mod.py:Name`: the module and the name.
fn symbol_of(project: &Project, symbol: &str) -> Result<(ModuleId, String)> {
    if let Some((path, name)) = symbol.rsplit_once(':')
        && (path.ends_with(".py") || path.ends_with(".pyi"))
    {
        let Some(module) = project.module_of_path(path) else {
            bail!("{path} is not a Python file of the project");
        };
        return Ok((module, name.to_string()));
    }
    let folder = symbol.ends_with(['/', '\\'])
        || std::path::Path::new(symbol).is_dir()
        || project.root.join(symbol).is_dir();
    if symbol.ends_with(".py") || symbol.ends_with(".pyi") {
        bail!("not a Python file of the project");
    }
    if folder {
        bail!("a folder without `__init__.py`, not a package: move its modules one at a time");
    }
    let parts: Vec<&str> = symbol.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        bail!("not a dotted name");
    }
    for split in (1..parts.len()).rev() {
        let module = parts[..split].join(".");
        if let Some(id) = project.internal(&module) {
            let rest = &parts[split..];
            if rest.len() > 1 {
                bail!(
                    "`{}` is not top-level in `{module}` (it is inside `{}`): only \
                     module-level definitions move",
                    rest.join("."),
                    rest[0]
                );
            }
            return Ok((id, rest[0].to_string()));
        }
    }
    if project.internal(symbol).is_some() {
        bail!("a module; name a definition in it (`{symbol}.Name`)");
    }
    let top = parts[0];
    let packages = project
        .modules
        .iter()
        .filter(|m| m.file.is_some())
        .map(|m| m.name.split('.').next().unwrap_or(&m.name));
    bail!(
        "no module of the repository holds it{}",
        crate::suggest::did_you_mean(top, packages)
    )
}

/// The block of one moved name, its kind and line, or why it cannot move.
fn definition(
    project: &Project,
    old: ModuleId,
    source: &str,
    layout: &Layout,
    name: &str,
) -> Result<(Block, &'static str, u32)> {
    let module = &project.modules[old as usize].name;
    let summary = project.module_summary(old).expect("a module with a file");
    let bindings: Vec<_> = summary.bindings.iter().filter(|b| b.name == name).collect();
    let Some(binding) = bindings.first() else {
        let names = summary.bindings.iter().map(|b| b.name.as_str());
        bail!(
            "`{module}` does not bind `{name}` at module level{}",
            crate::suggest::did_you_mean(name, names)
        );
    };
    if bindings.len() > 1 {
        let lines: Vec<String> = bindings
            .iter()
            .map(|b| b.position.line.to_string())
            .collect();
        bail!(
            "`{module}.{name}` is bound {} times (lines {}): which one importers get depends \
             on the order",
            bindings.len(),
            lines.join(", ")
        );
    }
    let kind = match &binding.kind {
        BindingKind::Class => "class",
        BindingKind::Function => "function",
        BindingKind::Variable => "variable",
        BindingKind::Alias(_) => "alias",
        BindingKind::FromImport { .. } | BindingKind::Import { .. } => bail!(
            "`{module}.{name}` is an import (line {}), not a definition: move what it imports",
            binding.position.line
        ),
        BindingKind::Deleted => bail!(
            "`{module}.{name}` is deleted (line {})",
            binding.position.line
        ),
    };
    if binding.conditional {
        bail!(
            "`{module}.{name}` is bound conditionally (inside `if`/`try`, line {})",
            binding.position.line
        );
    }
    if let Some(global) = layout.globals.iter().find(|g| g.name == name) {
        bail!(
            "a function of `{module}` rebinds `{name}` through `global {name}` (line {})",
            source::line_number(source, global.offset as usize)
        );
    }
    let index = layout
        .statements
        .iter()
        .position(|s| s.names.iter().any(|n| n == name))
        .ok_or_else(|| anyhow!("`{module}.{name}`: its statement was not found"))?;
    let statement = &layout.statements[index];
    if statement.names.len() > 1 || statement.other_targets {
        bail!(
            "`{module}.{name}` is bound together with other targets in one statement (line {})",
            binding.position.line
        );
    }
    let block = source::block(source, layout, index, name).map_err(|reason| {
        anyhow!(
            "`{module}.{name}` {reason} (line {})",
            binding.position.line
        )
    })?;
    Ok((block, kind, binding.position.line))
}

/// The moved blocks as one text, in source order: blocks that were apart are set two
/// blank lines apart, neighbours keep the blank lines between them.
fn joined_blocks(source: &str, blocks: &[Block]) -> String {
    let mut text = String::new();
    for (index, block) in blocks.iter().enumerate() {
        if index > 0 {
            let gap = &source[blocks[index - 1].end..block.start];
            if gap.trim().is_empty() {
                text.push_str(gap);
            } else {
                text.push_str("\n\n\n");
            }
        }
        text.push_str(block.text(source));
    }
    text
}

/// The old module with the shim where the first block was and the other blocks gone.
fn old_text_after(
    source: &str,
    blocks: &[Block],
    request: &Request,
    (old_module, names): (&str, &[&str]),
    all: &[String],
) -> Result<String> {
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let shim = shim::text(
        request.shim,
        (old_module, &request.dest),
        names,
        all,
        newline,
    );
    let mut splices = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        if index == 0 && !shim.is_empty() {
            splices.push(Splice {
                start: block.start,
                end: block.end,
                text: shim.clone(),
            });
        } else if index > 0 && source[blocks[index - 1].end..block.start].trim().is_empty() {
            // Neighbours go with the gap before them.
            splices.push(Splice {
                start: blocks[index - 1].end,
                end: block.end,
                text: String::new(),
            });
        } else {
            splices.push(source::removal(source, block.start, block.end));
        }
    }
    source::apply(source, splices).ok_or_else(|| anyhow!("overlapping edits of the old module"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_takes_its_comments_and_decorators_but_not_the_line_after() {
        let source = "import os\n# about A\n# more\n@dec\nclass A:  # trailing\n    pass\nB = 1\n";
        let layout = crate::parse::layout(source, false);
        let block = source::block(source, &layout, 1, "A").unwrap();
        assert_eq!(
            block.text(source),
            "# about A\n# more\n@dec\nclass A:  # trailing\n    pass"
        );
    }

    #[test]
    fn removing_lines_closes_up_the_blank_lines_above_them() {
        let source = "A = 1\n\n\nB = 2\n\n\nC = 3\n";
        let start = source.find("B").unwrap();
        let splice = source::removal(source, start, start + 5);
        assert_eq!(
            source::apply(source, vec![splice]).unwrap(),
            "A = 1\n\n\nC = 3\n"
        );
    }
}
