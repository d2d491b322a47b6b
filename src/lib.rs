//! ssot-graph: the import graph of a Python repository, with every re-export chain
//! followed to the one place a name is really defined.

pub mod cli;
pub mod commands;
pub mod config;
pub mod discover;
pub mod graph;
pub mod index;
pub mod parse;
pub mod query;
pub mod resolve;
pub mod summary;
pub mod target;
pub mod view;

use std::io::Write;

use anyhow::{Context as _, Result};

use cli::{Cli, Command};
use config::Config;
use index::Project;

/// Runs one command line; returns the process exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<i32> {
    if let Some(jobs) = cli.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("cannot configure the worker threads")?;
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = match &cli.root {
        Some(root) => {
            let root = cwd.join(root);
            if !root.is_dir() {
                anyhow::bail!("--root {}: not a directory", root.display());
            }
            root.canonicalize().unwrap_or(root)
        }
        None => discover::find_root(&cwd),
    };
    let config = Config::load(&root, cli.config.as_deref())?;
    let project = Project::open(root, &config)?;
    match &cli.command {
        Command::Stats => {
            let stats = commands::stats::compute(&project);
            commands::emit(out, cli.format, &stats, commands::stats::text)?;
        }
        Command::Why { target } => {
            let why = commands::why::compute(&project, target)?;
            commands::emit(out, cli.format, &why, commands::why::text)?;
        }
        Command::Importers {
            target,
            transitive,
            group_by,
            filter,
        } => {
            let filter = commands::edge_filter(filter, false);
            let importers =
                commands::importers::compute(&project, target, filter, *transitive, *group_by)?;
            commands::emit(out, cli.format, &importers, commands::importers::text)?;
        }
        Command::Imports {
            module,
            transitive,
            filter,
        } => {
            let filter = commands::edge_filter(filter, false);
            let imports = commands::imports::compute(&project, module, filter, *transitive)?;
            commands::emit(out, cli.format, &imports, commands::imports::text)?;
        }
        Command::Path {
            from,
            to,
            all,
            filter,
            parents,
        } => {
            let filter = commands::edge_filter(filter, parents.include_parents);
            let path = commands::path::compute(&project, from, to, filter, *all)?;
            commands::emit(out, cli.format, &path, commands::path::text)?;
        }
        Command::Cycles { filter, parents } => {
            let filter = commands::edge_filter(filter, parents.include_parents);
            let cycles = commands::cycles::compute(&project, filter);
            commands::emit(out, cli.format, &cycles, commands::cycles::text)?;
        }
        Command::Duplicates {
            kind,
            name,
            include_tests,
        } => {
            let duplicates =
                commands::duplicates::compute(&project, *kind, name.as_deref(), *include_tests)?;
            commands::emit(out, cli.format, &duplicates, commands::duplicates::text)?;
        }
        Command::Export => {
            let export = commands::export::compute(&project);
            serde_json::to_writer_pretty(&mut *out, &export)?;
            writeln!(out)?;
        }
    }
    // The graph is large and the process ends here: skip freeing it piece by piece.
    std::mem::forget(project);
    Ok(0)
}
