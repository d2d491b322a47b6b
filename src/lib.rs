//! ssot-graph: the import graph of a Python repository, with every re-export chain
//! followed to the one place a name is really defined.

pub mod baseline;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discover;
pub mod draw;
pub mod entry_points;
pub mod environment;
pub mod exact;
pub mod files;
pub mod fingerprint;
pub mod fix;
pub mod git;
pub mod graph;
pub mod index;
pub mod load;
pub mod name;
pub mod nesting;
pub mod outcome;
pub mod owners;
pub mod packed;
pub mod parse;
pub mod purge;
pub mod query;
pub mod read;
pub mod references;
pub mod relocate;
pub mod resolve;
pub mod rows;
pub mod rules;
pub mod schema;
pub mod shared;
pub mod staged;
pub mod suggest;
pub mod summaries;
pub mod summary;
pub mod suppress;
pub mod target;
pub mod view;
pub mod write;

use std::io::{IsTerminal, Write};

use anyhow::{Context as _, Result};

use cli::{Cli, Command, Format};
use config::Config;
use index::Project;

/// Runs one command line; returns the process exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<i32> {
    match &cli.output {
        None => run_to(&cli, out),
        Some(path) => {
            let mut buffer = Vec::new();
            let code = run_to(&cli, &mut buffer)?;
            write::replace(path, &buffer)?;
            Ok(code)
        }
    }
}

fn run_to(cli: &Cli, out: &mut dyn Write) -> Result<i32> {
    if let Some(refusal) = cli.command.refuses(cli.format) {
        anyhow::bail!(refusal);
    }
    if let Command::Completions { shell } = &cli.command {
        use clap::CommandFactory as _;
        // Written whole: `generate` panics on a write error (a closed pipe).
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut Cli::command(), "ssot-graph", &mut script);
        out.write_all(&script)?;
        return Ok(0);
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let (root, why_root) = match &cli.root {
        Some(root) => {
            let root = cwd.join(root);
            if !root.is_dir() {
                let why = match root.exists() {
                    true => "not a directory",
                    false => "no such directory",
                };
                anyhow::bail!("--root {}: {why}", root.display());
            }
            (root.canonicalize().unwrap_or(root), "given with --root")
        }
        None => discover::find_root(&cwd),
    };
    if cli.verbose {
        eprintln!("root: {} ({why_root})", root.display());
    }
    discover::refuse_system_root(&root)?;
    // A root that is only a guess gets no cache folder written into it.
    let no_cache = cli.no_cache || why_root == discover::GUESSED_ROOT;
    let config = Config::load(&root, cli.config.as_deref())?;
    if !no_cache {
        cache::folder::check(&root, config.cache_dir())?;
    }
    let snapshot = cache::snapshot_path(&root, config.cache_dir());
    purge::set_for(if no_cache || !snapshot.is_file() {
        purge::Run::Cold
    } else if cli.command.reads_few_files() {
        purge::Run::CheckFew
    } else {
        purge::Run::Warm
    });
    // Workers parse and summarize: nesting up to `nesting`'s limits recurses deeper than
    // the default 2 MiB stack allows.
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
    if let Some(jobs) = cli.jobs {
        pool = pool.num_threads(jobs.max(1));
    }
    pool.build_global()
        .context("cannot configure the worker threads")?;
    if let Command::Init { hook } = &cli.command {
        return commands::init::run(&root, *hook, out).map(|()| 0);
    }
    if let Command::Report {
        history: Some(range),
        every,
        max_count,
    } = &cli.command
        && cli.format != Format::Html
    {
        let sampling = commands::history::Sampling::new(*every, *max_count);
        let history = commands::history::compute(&root, &config, range, sampling, cli.verbose)?;
        match cli.format {
            Format::Json => serde_json::to_writer_pretty(&mut *out, &history)?,
            _ => commands::history::markdown(out, &history)?,
        }
        if cli.format == Format::Json {
            writeln!(out)?;
        }
        return Ok(0);
    }
    if let Command::Diff {
        base,
        head: Some(head),
    } = &cli.command
    {
        let mut reader = load::revision::CommitReader::open(root.clone(), &config)?;
        let mut side = |rev: &str| -> Result<commands::diff::Side> {
            let commit = reader.repository.commit(rev)?;
            let project = reader.read(&commit)?;
            let side = commands::diff::Side::of(&project, &config, commit.label(rev))?;
            reader.keep(&project);
            Ok(side)
        };
        let (before, after) = (side(base)?, side(head)?);
        commands::diff::print(out, cli.format, &root, &before, &after)?;
        return Ok(0);
    }
    let staged = match &cli.command {
        Command::Check { staged: true, .. } => {
            let staged = staged::StagedTree::read(&root)?;
            if staged.nothing_staged && cli.format == Format::Text {
                writeln!(out, "Nothing staged: no files checked.")?;
                return Ok(0);
            }
            Some(std::sync::Arc::new(staged))
        }
        _ => None,
    };
    let mut options = load::OpenOptions {
        progress: !cli.quiet && std::io::stderr().is_terminal(),
        cache: !no_cache,
        verbose: cli.verbose,
        staged: staged.clone(),
        hash_all: matches!(cli.command, Command::Fix { .. }),
        compare_only: compare_only(&cli.command, &cwd),
        detail: cli.command.summary_detail(),
    };
    match open_and_dispatch(cli, &config, root.clone(), why_root, &options, out) {
        Err(error) if options.compare_only.is_some() && error.is::<commands::check::Recheck>() => {
            if cli.verbose {
                eprintln!("cache: {error}: every file is compared");
            }
            options.compare_only = None;
            open_and_dispatch(cli, &config, root, why_root, &options, out)
        }
        result => result,
    }
}

/// `check FILES` (not staged, not writing a baseline): the files and folders named, which
/// alone are compared with the cache snapshot up front. `None` when one cannot be found
/// (the check says so).
fn compare_only(command: &Command, cwd: &std::path::Path) -> Option<Vec<std::path::PathBuf>> {
    let Command::Check {
        files,
        staged: false,
        update_baseline: false,
        ..
    } = command
    else {
        return None;
    };
    if files.is_empty() {
        return None;
    }
    files
        .iter()
        .map(|file| cwd.join(file).canonicalize().ok())
        .collect()
}

/// Reads the project and runs the command on it.
fn open_and_dispatch(
    cli: &Cli,
    config: &Config,
    root: std::path::PathBuf,
    why_root: &str,
    options: &load::OpenOptions,
    out: &mut dyn Write,
) -> Result<i32> {
    let staged = &options.staged;
    let (mut project, mut pending_save) = load::open_deferred(root, config, options)?;
    if staged.as_ref().is_some_and(|s| s.differs()) {
        // The files read were the commit's, not the working tree's: keep the snapshot.
        pending_save = None;
    }
    if project.files.is_empty() {
        let hint = if cli.root.is_none() {
            format!(" (root {why_root}); pass --root to choose another")
        } else {
            String::new()
        };
        eprintln!(
            "warning: no Python files found under {}{hint}",
            project.root.display()
        );
    }
    let outcomes_known = project.known.outcomes.len() == project.sites.len();
    if cli.command.reads_every_file(outcomes_known) && !project.summaries.all_loaded() {
        let started = std::time::Instant::now();
        project.summaries.load_all();
        project.timings.push(("decode", started.elapsed()));
    }
    if cli.verbose {
        for (phase, time) in &project.timings {
            eprintln!("{phase:>10} {:8.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    // A new cache snapshot is written on the other core while the command runs.
    let code = std::thread::scope(|scope| {
        if let Some(pending) = pending_save {
            let writer = std::thread::Builder::new().stack_size(STACK_BYTES);
            if let Err(error) = writer.spawn_scoped(scope, || pending.write(&project)) {
                eprintln!("warning: cache not written: {error}");
            }
        }
        dispatch(cli, config, &project, out)
    })?;

    // The graph is large and the process ends here: skip freeing it piece by piece.
    std::mem::forget(project);
    Ok(code)
}

/// Deep re-export chains and deeply nested source recurse: threads that resolve or parse
/// get this much stack.
pub const STACK_BYTES: usize = 512 * 1024 * 1024;

/// The stack of each parsing worker.
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

fn dispatch(cli: &Cli, config: &Config, project: &Project, out: &mut dyn Write) -> Result<i32> {
    let format = cli.format;
    let paint = commands::Paint(match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            cli.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    });
    let done = match &cli.command {
        Command::Stats => {
            let stats = commands::stats::compute(project);
            commands::emit(out, format, &stats, commands::stats::text, project)
        }
        Command::Why { target } if format.is_drawing() => {
            let diagram = draw::chain::build(project, target)?;
            commands::draw(out, format, &diagram, project)
        }
        Command::Why { target } => {
            let rules = rules::load_configured(&project.root, config).unwrap_or_else(|error| {
                eprintln!("warning: rules not read: {error:#}");
                Vec::new()
            });
            let why = commands::why::compute(project, &rules, target)?;
            commands::emit(out, format, &why, commands::why::text, project)
        }
        Command::Importers {
            target,
            transitive,
            group_by,
            filter,
        } => {
            let filter = commands::edge_filter(filter, false);
            let importers =
                commands::importers::compute(project, target, filter, *transitive, *group_by)?;
            commands::emit(out, format, &importers, commands::importers::text, project)
        }
        Command::Refs {
            target,
            kind,
            group_by,
            include_tests,
        } => {
            let options = commands::refs::Options {
                kinds: kind.clone(),
                group_by: *group_by,
                include_tests: *include_tests,
            };
            let refs = commands::refs::compute(project, target, &options)?;
            commands::emit(out, format, &refs, commands::refs::text, project)
        }
        Command::Imports {
            module,
            transitive,
            filter,
        } => {
            let filter = commands::edge_filter(filter, false);
            let imports = commands::imports::compute(project, module, filter, *transitive)?;
            commands::emit(out, format, &imports, commands::imports::text, project)
        }
        Command::Path {
            from,
            to,
            all,
            filter,
            parents,
        } => {
            let filter = commands::edge_filter(filter, parents.include_parents);
            let path = commands::path::compute(project, from, to, filter, *all)?;
            commands::emit(out, format, &path, commands::path::text, project)?;
            // No chain is an answer, as grep's no match is: exit 1.
            return Ok(i32::from(path.chains.is_empty()));
        }
        Command::Cycles { filter, parents } => {
            let filter = commands::edge_filter(filter, parents.include_parents);
            let cycles = commands::cycles::compute(project, filter);
            commands::emit(out, format, &cycles, commands::cycles::text, project)
        }
        Command::Duplicates {
            kind,
            name,
            include_tests,
            include_private,
            min_importers,
        } => {
            let options = query::DuplicateOptions {
                include_private: *include_private,
                min_importers: *min_importers,
            };
            let duplicates = commands::duplicates::compute(
                project,
                *kind,
                name.as_deref(),
                *include_tests,
                options,
            )?;
            commands::emit(
                out,
                format,
                &duplicates,
                commands::duplicates::text,
                project,
            )
        }
        Command::Graph {
            targets,
            depth,
            reverse,
            collapse,
            exclude_external,
            max_nodes,
            filter,
        } => {
            let mut resolver = resolve::Resolver::new(project);
            let targets = targets
                .iter()
                .map(|t| target::resolve_module(&mut resolver, t))
                .collect::<Result<Vec<_>>>()?;
            let options = draw::module_graph::Options {
                targets,
                depth: *depth,
                reverse: *reverse,
                collapse: collapse.map(usize::from),
                exclude_external: *exclude_external,
                max_nodes: *max_nodes,
                filter: commands::edge_filter(filter, false),
            };
            let diagram = draw::module_graph::build(project, &options)?;
            // The text form of a graph is its DOT source.
            let format = if format == Format::Text {
                Format::Dot
            } else {
                format
            };
            commands::draw(out, format, &diagram, project)
        }
        Command::Check {
            files,
            staged,
            baseline,
            update_baseline,
            force_exclude,
            since,
        } => {
            let since = match since {
                Some(rev) => {
                    let (at, _) = load::revision::at(project.root.clone(), config, rev)?;
                    let (findings, _) =
                        commands::check::unsuppressed(&at, config, commands::check::Only::Every)?;
                    Some((rev.clone(), baseline::Baseline::of(&findings)))
                }
                None => None,
            };
            let options = commands::check::Options {
                files: files.clone(),
                staged: *staged,
                baseline: baseline.clone(),
                update_baseline: *update_baseline,
                force_exclude: *force_exclude || *staged,
                since,
            };
            let check = commands::check::compute(project, config, &options)?;
            commands::check::write(out, format, &check, project, paint)?;
            return Ok(check.code());
        }
        Command::Fix {
            files,
            rule,
            diff,
            check,
            unsafe_fixes,
        } => {
            let options = commands::fix::Options {
                files: files.clone(),
                rule: rule.clone(),
                diff: *diff,
                check: *check,
                unsafe_fixes: *unsafe_fixes,
            };
            return commands::fix::run(project, config, &options, out);
        }
        Command::Move {
            symbols,
            to,
            shim,
            with,
            diff,
            check,
        } => {
            let request = relocate::Request {
                symbols: symbols.clone(),
                with: with.clone(),
                dest: to.clone(),
                shim: *shim,
            };
            let options = commands::relocate::Options {
                diff: *diff,
                check: *check,
            };
            return commands::relocate::run(project, config, &request, &options, format, out);
        }
        Command::Report {
            history,
            every,
            max_count,
        } => {
            let report = commands::report::compute(
                project,
                config,
                commands::report::Depth::Full {
                    drawings: format == Format::Html,
                },
            )?;
            let trend = match history {
                Some(range) => Some(commands::history::compute(
                    &project.root,
                    config,
                    range,
                    commands::history::Sampling::new(*every, *max_count),
                    cli.verbose,
                )?),
                None => None,
            };
            commands::dashboard::write(out, format, &report, trend.as_ref(), project)
        }
        Command::Diff { base, head: None } => {
            let (base_project, commit) = load::revision::at(project.root.clone(), config, base)?;
            let before = commands::diff::Side::of(&base_project, config, commit.label(base))?;
            let after = commands::diff::Side::of(project, config, "working tree".to_string())?;
            commands::diff::print(out, format, &project.root, &before, &after)
        }
        Command::Diff { head: Some(_), .. } => {
            unreachable!("read from git before the working tree")
        }
        Command::Query { name } => {
            let check = commands::check::query(project, config, name)?;
            commands::check::write(out, format, &check, project, paint)?;
            return Ok(check.code());
        }
        Command::Init { .. } | Command::Completions { .. } => {
            unreachable!("handled before the project is opened")
        }
        Command::Export => {
            let export = commands::export::compute(project);
            commands::write_json(out, &export, project)
        }
    };
    done.map(|()| 0)
}
