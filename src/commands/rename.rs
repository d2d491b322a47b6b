//! `rename SYMBOL NEW_NAME [--keep-alias] [--diff] [--check]`.

use std::io::Write;

use anyhow::{Result, anyhow};
use serde::Serialize;

use crate::cli::{Format, RenameArgs};
use crate::commands::count;
use crate::commands::relocate::{patch, write_all};
use crate::relocate::rename::{self, Renaming};

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    module: &'a str,
    old: &'a str,
    new: &'a str,
    files: Vec<&'a str>,
    renamed: usize,
    left: &'a [String],
    warnings: &'a [String],
    written: bool,
}

pub fn run(ctx: &super::Context, args: &RenameArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    project.summaries.load_all();
    let target = ctx.config.target()?;
    let plan = rename::plan(
        project,
        &target,
        &args.symbol,
        &args.new_name,
        args.keep_alias,
    )
    .map_err(|error| anyhow!("cannot rename {}: {error:#}", args.symbol))?;
    let write = !(args.diff || args.check);
    if args.diff {
        patch(out, &plan.files, (&[], &[]), &[])?;
    }
    if write && let Err(error) = write_all(project, &plan.files, (&[], &[]), (&[], &[]), "rename") {
        if crate::write::interrupted() {
            writeln!(out, "Interrupted: nothing was written.")?;
            return Ok(super::fix::INTERRUPTED);
        }
        return Err(error);
    }
    match ctx.format {
        Format::Json => {
            let report = Report {
                schema: "ssot-graph/rename/v1",
                module: &plan.module,
                old: &plan.old,
                new: &plan.new,
                files: plan.files.iter().map(|f| f.path.as_str()).collect(),
                renamed: plan.renamed,
                left: &plan.left,
                warnings: &plan.warnings,
                written: write,
            };
            super::write_json(out, &report, project)?;
        }
        _ if !args.diff => text(out, &plan, write)?,
        _ => {}
    }
    Ok(i32::from(args.check && !plan.files.is_empty()))
}

fn text(out: &mut dyn Write, plan: &Renaming, written: bool) -> Result<()> {
    for file in &plan.files {
        let verb = if written { "rewrote" } else { "would rewrite" };
        writeln!(out, "  {verb} {}", file.path)?;
    }
    for left in &plan.left {
        writeln!(out, "{left}")?;
    }
    for warning in &plan.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    writeln!(
        out,
        "{} `{}.{}` to `{}`; {} in {}, {}.",
        if written { "Renamed" } else { "Would rename" },
        plan.module,
        plan.old,
        plan.new,
        count(plan.renamed, "name"),
        count(plan.files.len(), "file"),
        super::left_as_they_are(plan.left.len())
    )?;
    Ok(())
}
