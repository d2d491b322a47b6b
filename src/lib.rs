//! ssot-graph: the import graph of a Python repository, with every re-export chain
//! followed to the one place a name is really defined.

pub mod adopt;
pub mod affected;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dependencies;
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
pub mod isort;
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
pub mod server;
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
    if let Command::Completions(cli::CompletionsArgs { shell }) = &cli.command {
        use clap::CommandFactory as _;
        // Written whole: `generate` panics on a write error (a closed pipe).
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut Cli::command(), "ssot-graph", &mut script);
        out.write_all(&script)?;
        return Ok(0);
    }
    if let Command::Server = &cli.command {
        // The root comes from the editor unless given: the server finds it itself.
        return server::run(server::Settings::of(cli));
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = match &cli.root {
        Some(root) => {
            let root = cwd.join(root);
            if !root.is_dir() {
                let why = match root.exists() {
                    true => "not a directory",
                    false => "no such directory",
                };
                anyhow::bail!("--root {}: {why}", root.display());
            }
            discover::Root {
                path: root.canonicalize().unwrap_or(root),
                why: "given with --root",
                guessed: false,
            }
        }
        None => discover::find_root(&cwd),
    };
    if cli.verbose {
        eprintln!("root: {} ({})", root.path.display(), root.why);
    }
    discover::refuse_system_root(&root.path)?;
    // A root that is only a guess gets no cache folder written into it.
    let no_cache = cli.no_cache || root.guessed;
    let config = Config::load(&root.path, cli.config.as_deref())?;
    if !no_cache {
        cache::folder::check(&root.path, config.cache_dir())?;
    }
    let snapshot = cache::snapshot_path(&root.path, config.cache_dir());
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
    if let Some(code) = run_without_project(cli, &root.path, &config, out)? {
        return Ok(code);
    }
    // A check of files or of the index asks git what the index changes: git answers on
    // the other core while the project is read.
    let index_changes = match &cli.command {
        Command::Check(args)
            if (args.staged || !args.files.is_empty()) && staged::in_repository(&root.path) =>
        {
            Some(staged::Running::start(&root.path, staged::INDEX_CHANGES))
        }
        _ => None,
    };
    let affected_changes = match &cli.command {
        Command::Affected(args) => Some(affected::changes::Pending::start(
            &root.path,
            commands::affected::source(args),
        )),
        _ => None,
    };
    let staged = match &cli.command {
        Command::Check(args) if args.staged => {
            let Some(changes) = &index_changes else {
                anyhow::bail!(
                    "--staged: {} is not in a git repository",
                    root.path.display()
                );
            };
            let staged = staged::SubstituteTree::read(&root.path, changes)?;
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
        hash_all: matches!(cli.command, Command::Fix(_)),
        compare_only: compare_only(&cli.command, &cwd)
            .filter(|_| !rules::reads_the_whole_graph(&root.path, &config)),
        detail: cli.command.summary_detail(),
        whole_index: false,
    };
    let open = |options: &load::OpenOptions, out: &mut dyn Write| {
        let early = commands::EarlyGit {
            index_changes: index_changes.as_ref(),
            affected_changes: affected_changes.as_ref(),
        };
        open_and_dispatch(cli, &config, &root, options, early, out)
    };
    match open(&options, out) {
        Err(error) if options.compare_only.is_some() && error.is::<commands::check::Recheck>() => {
            if cli.verbose {
                eprintln!("cache: {error}: every file is compared");
            }
            options.compare_only = None;
            open(&options, out)
        }
        result => result,
    }
}

/// The commands that need no project read from the working tree: `init`, and those
/// that read commits from git alone. `None` for every other command.
fn run_without_project(
    cli: &Cli,
    root: &std::path::Path,
    config: &Config,
    out: &mut dyn Write,
) -> Result<Option<i32>> {
    let code = match &cli.command {
        Command::Init(args) => match args.from {
            Some(tool) => commands::init::adopt(root, tool, args.tool_config.as_deref(), out)?,
            None => commands::init::run(root, args.hook, out).map(|()| 0)?,
        },
        Command::Report(args) if cli.format != Format::Html => match &args.history {
            Some(range) => {
                commands::history::run(root, config, args, range, cli.format, cli.verbose, out)?
            }
            None => return Ok(None),
        },
        Command::Diff(cli::DiffArgs {
            base,
            head: Some(head),
        }) => commands::diff::run_commits(root, config, (base, head), cli.format, out)?,
        _ => return Ok(None),
    };
    Ok(Some(code))
}

/// `check FILES` (not staged, not writing a baseline): the files and folders named, which
/// alone are compared with the cache snapshot up front. `None` when one cannot be found
/// (the check says so).
fn compare_only(command: &Command, cwd: &std::path::Path) -> Option<Vec<std::path::PathBuf>> {
    let Command::Check(cli::CheckArgs {
        files,
        staged: false,
        update_baseline: false,
        ..
    }) = command
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
    root: &discover::Root,
    options: &load::OpenOptions,
    early: commands::EarlyGit,
    out: &mut dyn Write,
) -> Result<i32> {
    let staged = &options.staged;
    let (mut project, mut pending_save) = load::open_deferred(root.path.clone(), config, options)?;
    if staged.as_ref().is_some_and(|s| s.differs()) {
        // The files read were the commit's, not the working tree's: keep the snapshot.
        pending_save = None;
    }
    if project.files.is_empty() {
        let hint = if cli.root.is_none() {
            format!(" (root {}); pass --root to choose another", root.why)
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
        let ctx = commands::Context {
            project: &project,
            config,
            format: cli.format,
            paint: paint(cli),
            verbose: cli.verbose,
            early,
        };
        dispatch(&cli.command, &ctx, out)
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

fn paint(cli: &Cli) -> commands::Paint {
    commands::Paint(match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            cli.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    })
}

/// Runs a command on the project read: each command's own entry.
fn dispatch(command: &Command, ctx: &commands::Context, out: &mut dyn Write) -> Result<i32> {
    match command {
        Command::Stats => commands::stats::run(ctx, out),
        Command::Why(args) => commands::why::run(ctx, args, out),
        Command::Importers(args) => commands::importers::run(ctx, args, out),
        Command::Refs(args) => commands::refs::run(ctx, args, out),
        Command::Imports(args) => commands::imports::run(ctx, args, out),
        Command::Path(args) => commands::path::run(ctx, args, out),
        Command::Cycles(args) => commands::cycles::run(ctx, args, out),
        Command::Duplicates(args) => commands::duplicates::run(ctx, args, out),
        Command::Graph(args) => commands::graph::run(ctx, args, out),
        Command::Check(args) => commands::check::run(ctx, args, out),
        Command::Fix(args) => commands::fix::run(ctx, args, out),
        Command::Move(args) => commands::relocate::run(ctx, args, out),
        Command::Rename(args) => commands::rename::run(ctx, args, out),
        Command::Report(args) => commands::dashboard::run(ctx, args, out),
        Command::Diff(args) => commands::diff::run(ctx, args, out),
        Command::Query(args) => commands::check::run_query(ctx, args, out),
        Command::Affected(args) => commands::affected::run(ctx, args, out),
        Command::Export => commands::export::run(ctx, out),
        Command::Init(_) | Command::Completions(_) | Command::Server => {
            unreachable!("handled before the project is opened")
        }
    }
}
