//! FILES arguments: the paths a user (or a hook) names, as the project's files they mean.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rustc_hash::FxHashSet;

use crate::index::Project;

/// The project files that FILES name, and why some named paths mean none.
#[derive(Debug, Default)]
pub struct Selection {
    /// Root-relative `/` paths of project files.
    pub rels: FxHashSet<String>,
    /// One line each: a named path that is not checked, and why.
    pub skipped: Vec<String>,
}

/// How to treat a path that names no project file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strictness {
    /// A person named it: a missing path or one outside the root is an error; an excluded
    /// or non-Python file is skipped with a warning.
    User,
    /// A hook passes every staged file of a monorepo: whatever is not a project file is
    /// skipped in silence (ruff's `--force-exclude`).
    Hook,
}

/// Each of `paths` (relative to the current directory) as project files: a file names
/// itself, a directory every project file below it.
pub fn select(project: &Project, paths: &[PathBuf], strictness: Strictness) -> Result<Selection> {
    let cwd = std::env::current_dir()?;
    // A few paths against every file: a pass each, not a set of every path.
    let known = || project.files.iter().map(|f| f.rel.as_str());
    let mut selection = Selection::default();
    for path in paths {
        let absolute = cwd.join(path);
        // A file the project holds but the disk does not yet (an editor's unsaved new
        // buffer, read from its copy) is found by its folder.
        let unsaved = || {
            let real = absolute
                .parent()?
                .canonicalize()
                .ok()?
                .join(absolute.file_name()?);
            let rel = relative(&project.root, &real)?;
            known().any(|known| known == rel).then_some(real)
        };
        let Some(real) = absolute.canonicalize().ok().or_else(unsaved) else {
            if strictness == Strictness::User {
                bail!("{}: no such file or directory", path.display());
            }
            continue;
        };
        let Some(rel) = relative(&project.root, &real) else {
            if strictness == Strictness::User {
                bail!(
                    "{}: outside the root {} (pass --root to check another repository)",
                    path.display(),
                    project.root.display()
                );
            }
            continue;
        };
        let mut skip = |reason: &str| {
            if strictness == Strictness::User {
                selection
                    .skipped
                    .push(format!("{}: {reason}; not checked", path.display()));
            }
        };
        if real.is_dir() {
            let prefix = if rel.is_empty() {
                String::new()
            } else {
                format!("{rel}/")
            };
            let below: Vec<String> = known()
                .filter(|r| r.starts_with(&prefix))
                .map(|r| r.to_string())
                .collect();
            if below.is_empty() {
                skip("no Python files of the project under it");
            }
            selection.rels.extend(below);
        } else if known().any(|known| known == rel) {
            selection.rels.insert(rel);
        } else if !(rel.ends_with(".py") || rel.ends_with(".pyi")) {
            skip("not a Python file (.py or .pyi)");
        } else {
            skip(
                "not part of the project (excluded, ignored, outside the source roots, or a stub beside its .py)",
            );
        }
    }
    Ok(selection)
}

/// `real` (canonical) relative to `root` with `/` separators; `None` outside it.
pub fn relative(root: &Path, real: &Path) -> Option<String> {
    let rel = real.strip_prefix(root).ok()?;
    Some(crate::discover::slash_path(rel))
}
