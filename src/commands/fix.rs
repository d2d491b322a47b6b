//! `fix [FILES...]`: rewrite fixable findings' imports to the canonical path (or a
//! deprecated name's replacement), or show the diff, or only say whether anything would
//! change.

use std::io::Write;

use anyhow::Result;

use crate::cli::FixArgs;
use crate::commands::check::{Only, unsuppressed};
use crate::commands::count;
use crate::files::{self, Strictness};
use crate::fix;
use crate::write;

/// Returns the exit code: 1 with `--check` when something would change, and when a file
/// could not be written.
pub fn run(ctx: &super::Context, options: &FixArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    let (mut findings, mut evaluator) =
        unsuppressed(project, ctx.config, Only::of(options.rule.as_deref()))?;
    if !options.files.is_empty() {
        let wanted = files::select(project, &options.files, Strictness::User)?;
        for skipped in &wanted.skipped {
            eprintln!("warning: {skipped}");
        }
        findings.retain(|f| wanted.rels.contains(&f.path));
    }
    let plan = fix::plan(&mut evaluator, &findings, options.unsafe_fixes);
    let mut fixed: usize = plan.files.iter().map(|f| f.fixed).sum();
    let mut unwritten = 0;
    let mut files_done = plan.files.len();
    if options.diff {
        for file in &plan.files {
            let diff = similar::TextDiff::from_lines(&file.old, &file.new);
            let header = (format!("a/{}", file.path), format!("b/{}", file.path));
            write!(out, "{}", diff.unified_diff().header(&header.0, &header.1))?;
        }
    } else if options.check {
        for file in &plan.files {
            writeln!(
                out,
                "would fix {} in {}{}",
                count(file.fixed, "import"),
                file.path,
                renamed(file)
            )?;
        }
    } else {
        // A file that may not be written is left alone and said; the others are written
        // together or, when one of them cannot be, not at all.
        let mut writable = Vec::new();
        for file in &plan.files {
            match fix::refuses(&project.root, file) {
                Some(reason) => {
                    unwritten += file.fixed;
                    files_done -= 1;
                    writeln!(out, "{}: not fixed: {reason}", file.path)?;
                }
                None => writable.push(file),
            }
        }
        let new_files: Vec<write::NewFile> = writable
            .iter()
            .map(|file| write::NewFile {
                path: &file.real,
                bytes: file.new.as_bytes(),
                create: false,
            })
            .collect();
        if let Err(error) = write::replace_all(&new_files) {
            if write::interrupted() {
                writeln!(out, "Interrupted: nothing was written.")?;
                return Ok(INTERRUPTED);
            }
            return Err(error.context("fix"));
        }
        for file in writable {
            writeln!(
                out,
                "fixed {} in {}{}",
                count(file.fixed, "import"),
                file.path,
                renamed(file)
            )?;
        }
    }
    for aliased in &plan.aliased {
        writeln!(out, "{} {}", aliased.at(), aliased.reason)?;
    }
    let mut left: Vec<fix::Skipped> = findings
        .iter()
        .filter(|f| !f.fixable)
        .map(|f| fix::Skipped {
            path: f.path.clone(),
            line: f.line,
            col: f.col,
            rule: f.rule.clone(),
            reason: f
                .why_not_fixable
                .clone()
                .unwrap_or_else(|| "no rewrite of the import fixes it".to_string()),
        })
        .chain(plan.skipped)
        .collect();
    left.sort_by(|a, b| (&a.path, a.line, a.col, &a.rule).cmp(&(&b.path, b.line, b.col, &b.rule)));
    for skipped in &left {
        writeln!(out, "{} not fixed: {}", skipped.at(), skipped.reason)?;
    }
    fixed -= unwritten;
    let verb = if options.diff || options.check {
        "Would fix"
    } else {
        "Fixed"
    };
    writeln!(
        out,
        "{verb} {} in {}; {} left for a person.",
        count(fixed, "finding"),
        count(files_done, "file"),
        left.len() + unwritten
    )?;
    if write::interrupted() {
        // Ctrl-C once the files were being put in place: all of them were.
        return Ok(INTERRUPTED);
    }
    Ok(i32::from((options.check && fixed > 0) || unwritten > 0))
}

/// The exit code after Ctrl-C, as a shell reports a command it interrupted.
pub const INTERRUPTED: i32 = 130;

/// `, renamed 3 uses` when the fix renamed uses of a deprecated name.
fn renamed(file: &fix::FileFix) -> String {
    match file.renamed {
        0 => String::new(),
        n => format!(", renamed {}", count(n, "use")),
    }
}
