//! `move SYMBOL... --to MODULE`: plans the move (see `relocate`), then shows it as one
//! patch, says whether anything would change, or writes it.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use crate::cli::{Format, MoveArgs};
use crate::commands::count;
use crate::fix::{self, FileFix};
use crate::index::Project;
use crate::relocate::{self, Plan, Renamed, Request};
use crate::write;

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    old: &'a str,
    dest: &'a str,
    moved: &'a [relocate::Moved],
    shim: relocate::Shim,
    carried: &'a [String],
    files: Vec<FileReport<'a>>,
    rewritten: usize,
    left: Vec<Left<'a>>,
    warnings: &'a [String],
    written: bool,
}

#[derive(Serialize)]
struct FileReport<'a> {
    path: &'a str,
    created: bool,
}

#[derive(Serialize)]
struct Left<'a> {
    path: &'a str,
    line: u32,
    col: u32,
    kind: &'a str,
    reason: &'a str,
}

/// Returns the exit code: 1 with `--check` when something would change.
pub fn run(ctx: &super::Context, options: &MoveArgs, out: &mut dyn Write) -> Result<i32> {
    let (project, config, format) = (ctx.project, ctx.config, ctx.format);
    if !matches!(format, Format::Text | Format::Json) {
        bail!("--format {}: move prints text or json", format.name());
    }
    let request = &Request {
        symbols: options.symbols.clone(),
        with: options.with.clone(),
        dest: options.to.clone(),
        shim: options.shim,
    };
    project.summaries.load_all();
    let plan = relocate::plan(project, &config.target()?, request).map_err(|error| {
        let names = request.symbols.join(" ");
        anyhow::anyhow!("cannot move {names}: {error:#}")
    })?;
    let write = !(options.diff || options.check);
    if options.diff {
        patch(
            out,
            &plan.files,
            (&plan.created, &plan.removed),
            &plan.renamed,
        )?;
    }
    if write
        && let Err(error) = write_all(
            project,
            &plan.files,
            (&plan.created, &plan.removed),
            (&plan.renamed, &plan.folders),
            "move",
        )
    {
        if crate::write::interrupted() {
            writeln!(out, "Interrupted: nothing was written.")?;
            return Ok(crate::commands::fix::INTERRUPTED);
        }
        return Err(error);
    }
    if format == Format::Json {
        let report = Report {
            schema: "ssot-graph/move/v1",
            old: &plan.old_module,
            dest: &plan.dest_module,
            moved: &plan.moved,
            shim: request.shim,
            carried: &plan.carried,
            files: plan
                .files
                .iter()
                .map(|f| FileReport {
                    path: &f.path,
                    created: is_created(&plan, f),
                })
                .collect(),
            rewritten: plan.rewritten,
            left: plan
                .left
                .iter()
                .map(|l| Left {
                    path: &l.path,
                    line: l.line,
                    col: l.col,
                    kind: &l.rule,
                    reason: &l.reason,
                })
                .collect(),
            warnings: &plan.warnings,
            written: write,
        };
        crate::commands::write_json(out, &report, project)?;
    } else if !options.diff {
        text(out, &plan, write)?;
    }
    if crate::write::interrupted() {
        return Ok(crate::commands::fix::INTERRUPTED);
    }
    Ok(i32::from(options.check))
}

fn is_created(plan: &Plan, file: &FileFix) -> bool {
    plan.created.contains(&file.path)
}

/// The change as one git patch (`git apply` takes it whole): a created package's empty
/// `__init__.py` is a file of the change too, with no line to show; a file moved as it
/// is, a rename.
pub(crate) fn patch(
    out: &mut dyn Write,
    files: &[FileFix],
    (created, removed): (&[String], &[String]),
    renamed: &[Renamed],
) -> Result<()> {
    for file in files {
        let is_created = created.contains(&file.path);
        let is_removed = removed.contains(&file.path);
        let diff = similar::TextDiff::from_lines(&file.old, &file.new);
        let old_header = match is_created {
            true => "/dev/null".to_string(),
            false => format!("a/{}", file.path),
        };
        let new_header = match is_removed {
            true => "/dev/null".to_string(),
            false => format!("b/{}", file.path),
        };
        writeln!(out, "diff --git a/{0} b/{0}", file.path)?;
        if is_created {
            writeln!(out, "new file mode 100644")?;
        }
        if is_removed {
            writeln!(out, "deleted file mode 100644")?;
        }
        write!(
            out,
            "{}",
            diff.unified_diff().header(&old_header, &new_header)
        )?;
    }
    for file in renamed {
        writeln!(
            out,
            "diff --git a/{0} b/{1}\nsimilarity index 100%\nrename from {0}\nrename to {1}",
            file.from, file.to
        )?;
    }
    Ok(())
}

/// Writes every file, or none: each is checked first (unchanged since planned, not
/// read-only, inside the root), then all are created or replaced together; then the
/// files moved as they are, the files removed, and the folders left empty.
pub(crate) fn write_all(
    project: &Project,
    files: &[FileFix],
    (created, removed): (&[String], &[String]),
    (renamed, folders): (&[Renamed], &[PathBuf]),
    what: &str,
) -> Result<()> {
    for file in renamed {
        if std::fs::symlink_metadata(&file.from_real).is_err() {
            bail!("{}: gone while {what} ran; nothing written", file.from);
        }
        if std::fs::symlink_metadata(&file.to_real).is_ok() {
            bail!("{}: appeared while {what} ran; nothing written", file.to);
        }
        if !write::inside(&file.to_real, &project.root) {
            bail!("{}: outside the repository; nothing written", file.to);
        }
    }
    for file in files {
        if created.contains(&file.path) {
            if std::fs::symlink_metadata(&file.real).is_ok() {
                bail!("{}: appeared while {what} ran; nothing written", file.path);
            }
        } else if let Some(reason) = fix::refuses(&project.root, file) {
            bail!("{}: {reason}; nothing written", file.path);
        }
    }
    let new_files: Vec<write::NewFile> = files
        .iter()
        .filter(|file| !removed.contains(&file.path))
        .map(|file| write::NewFile {
            path: &file.real,
            bytes: file.new.as_bytes(),
            create: created.contains(&file.path),
        })
        .collect();
    write::replace_all(&new_files).context(what.to_string())?;
    for file in renamed {
        let moved = match file.to_real.parent() {
            Some(folder) => std::fs::create_dir_all(folder),
            None => Ok(()),
        }
        .and_then(|()| std::fs::rename(&file.from_real, &file.to_real));
        moved.with_context(|| {
            format!(
                "{}: cannot move to {} (the new files are written)",
                file.from, file.to
            )
        })?;
    }
    // Last, once everything new is in place: a file the change removes.
    for file in files.iter().filter(|f| removed.contains(&f.path)) {
        std::fs::remove_file(&file.real).with_context(|| {
            format!("{}: cannot remove (everything else is written)", file.path)
        })?;
    }
    // A folder left with only bytecode of the old place goes; one with anything else
    // (a shim, a file the move did not know) stays.
    for folder in folders {
        let pycache = folder.join("__pycache__");
        let only_bytecode = std::fs::read_dir(folder)
            .is_ok_and(|entries| entries.flatten().all(|entry| entry.path() == pycache));
        if only_bytecode && !pycache.is_symlink() {
            let _ = std::fs::remove_dir_all(&pycache);
            let _ = std::fs::remove_dir(folder);
        }
    }
    Ok(())
}

fn text(out: &mut dyn Write, plan: &Plan, written: bool) -> Result<()> {
    let verb = |done: &str, planned: &str| if written { done } else { planned }.to_string();
    for moved in &plan.moved {
        let carried = match moved.kind {
            "package" => format!(
                " ({}, {})",
                count(plan.package_files.len() / 2 + 1, "source file"),
                count(plan.renamed.len(), "other file")
            ),
            _ => format!(":{}", moved.line),
        };
        writeln!(
            out,
            "{} {} {} from {}{carried} to {}",
            verb("moved", "would move"),
            moved.kind,
            moved.name,
            plan.old_path,
            plan.dest_path
        )?;
    }
    for import in &plan.carried {
        writeln!(out, "  carried into {}: {import}", plan.dest_path)?;
    }
    if !plan.dropped.is_empty() {
        writeln!(
            out,
            "  {} no longer imports {} (only the moved code read {})",
            plan.old_path,
            plan.dropped.join(", "),
            if plan.dropped.len() == 1 {
                "it"
            } else {
                "them"
            }
        )?;
    }
    writeln!(out, "  {} keeps {}", plan.old_path, plan.kept)?;
    for file in plan
        .files
        .iter()
        .skip(2)
        .filter(|f| !plan.package_files.contains(&f.path))
    {
        let (done, planned) = match is_created(plan, file) {
            true => ("created", "would create"),
            false => ("rewrote", "would rewrite"),
        };
        writeln!(out, "  {} {}", verb(done, planned), file.path)?;
    }
    for left in &plan.left {
        writeln!(out, "{} not rewritten: {}", left.at(), left.reason)?;
    }
    for warning in &plan.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    writeln!(
        out,
        "{} {}; {} {}, {} {}, {}.",
        verb("Moved", "Would move"),
        count(
            plan.moved.len(),
            match plan.moved.first().map(|m| m.kind) {
                Some(kind @ ("module" | "package")) => kind,
                _ => "definition",
            },
        ),
        verb("changed", "would change"),
        count(plan.files.len(), "file"),
        verb("rewrote", "would rewrite"),
        count(plan.rewritten, "reference"),
        super::left_as_they_are(plan.left.len())
    )?;
    Ok(())
}
