//! `report --history`: the SSOT score and what makes it at each sampled commit of a
//! range, read from git's object store. Each commit parses only the files whose blobs
//! the commit before it did not have.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use crate::commands::report::{self, Report, Score};
use crate::commands::table;
use crate::config::Config;
use crate::git::Commit;
use crate::load::revision::CommitReader;

#[derive(Serialize)]
pub struct History {
    pub schema: &'static str,
    pub range: String,
    /// Commits in the range (first parents); `points` holds those sampled.
    pub commits: usize,
    /// Oldest first.
    pub points: Vec<Point>,
}

#[derive(Serialize)]
pub struct Point {
    #[serde(flatten)]
    pub commit: Commit,
    /// Why the commit has no figures (a rule names what it does not define yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<Figures>,
}

#[derive(Serialize)]
pub struct Figures {
    pub score: Score,
    /// Per protected symbol, the share of its import sites on the canonical path.
    pub symbols: Vec<Share>,
    /// References through deprecated layers (imports, the uses that follow them, strings).
    pub deprecated_references: usize,
    /// Class and function names with more than one definition.
    pub duplicates: usize,
    pub files: usize,
}

#[derive(Serialize)]
pub struct Share {
    pub symbol: String,
    pub canonical_sites: usize,
    pub sites: usize,
    pub percent: f64,
}

/// How commits of the range are sampled.
#[derive(Clone, Copy, Debug)]
pub struct Sampling {
    /// Every Nth commit, counting from the newest (which is always taken).
    pub every: usize,
    /// At most this many commits, the newest.
    pub max_count: usize,
}

impl Sampling {
    /// From `--every` and `--max-count`: every commit, all of them, when not given.
    pub fn of(args: &crate::cli::ReportArgs) -> Sampling {
        Sampling {
            every: args.every.unwrap_or(1) as usize,
            max_count: args.max_count.map_or(usize::MAX, |n| n as usize),
        }
    }
}

pub fn compute(
    root: &Path,
    config: &Config,
    range: &str,
    sampling: Sampling,
    verbose: bool,
) -> Result<History> {
    let mut reader = CommitReader::open(root.to_path_buf(), config)?;
    let commits = reader.repository.history(range)?;
    let total = commits.len();
    let mut sampled: Vec<Commit> = commits
        .into_iter()
        .step_by(sampling.every)
        .take(sampling.max_count)
        .collect();
    sampled.reverse();
    if sampled.len() < total.div_ceil(sampling.every) {
        eprintln!(
            "note: the newest {} of {total} commits sampled; --max-count to take more",
            sampled.len()
        );
    }
    let mut points = Vec::with_capacity(sampled.len());
    // A batch of commits (one per core) is measured side by side while the next batch is
    // read, commit after commit, each parsing only what the one before did not have.
    let batch = rayon::current_num_threads().max(1);
    let mut sampled = sampled.into_iter();
    let read = |sampled: &mut std::vec::IntoIter<Commit>,
                reader: &mut CommitReader|
     -> Result<Vec<Read>> {
        let mut projects: Vec<Read> = Vec::with_capacity(batch);
        for commit in sampled.by_ref().take(batch) {
            if let Some(before) = projects.last() {
                reader.keep(&before.project);
            }
            let project = reader.read(&commit)?;
            projects.push(Read {
                commit,
                project,
                parsed: reader.parsed,
            });
        }
        Ok(projects)
    };
    let mut current = read(&mut sampled, &mut reader)?;
    while !current.is_empty() {
        let started = std::time::Instant::now();
        if let Some(last) = current.last() {
            reader.keep(&last.project);
        }
        let (measured, next) = rayon::join(
            || {
                current
                    .par_iter()
                    .map(|read| measure(read, config))
                    .collect::<Vec<_>>()
            },
            || read(&mut sampled, &mut reader),
        );
        if verbose {
            for read in &current {
                let phases: Vec<String> = read
                    .project
                    .timings
                    .iter()
                    .map(|(phase, time)| format!("{phase} {:.0}", time.as_secs_f64() * 1000.0))
                    .collect();
                eprintln!(
                    "{}: {} files parsed ({} ms)",
                    read.commit.short,
                    read.parsed,
                    phases.join(", ")
                );
            }
            eprintln!(
                "{} commits measured (and the next read) in {:.1} ms",
                current.len(),
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        for (read, (figures, error)) in current.into_iter().zip(measured) {
            points.push(Point {
                commit: read.commit,
                error,
                figures,
            });
        }
        current = next?;
    }
    Ok(History {
        schema: "ssot-graph/history/v1",
        range: range.to_string(),
        commits: total,
        points,
    })
}

/// A commit read from the object store, waiting to be measured.
struct Read {
    commit: Commit,
    project: crate::index::Project,
    /// Files its reading parsed (the rest were known from the commit before).
    parsed: usize,
}

fn measure(read: &Read, config: &Config) -> (Option<Figures>, Option<String>) {
    match report::compute(&read.project, config, report::Depth::Figures) {
        Ok(report) => (Some(figures(&report, read.project.files.len())), None),
        Err(error) => {
            eprintln!("warning: {}: {error:#}", read.commit.short);
            (None, Some(format!("{error:#}")))
        }
    }
}

pub(crate) fn figures(report: &Report, files: usize) -> Figures {
    Figures {
        score: report.score.clone(),
        symbols: report
            .canonical
            .iter()
            .map(|p| Share {
                symbol: p.symbol.clone(),
                canonical_sites: p.canonical_sites,
                sites: p.sites,
                percent: p.percent,
            })
            .collect(),
        deprecated_references: report.deprecated.iter().map(|d| d.references).sum(),
        duplicates: report.duplicates.names,
        files,
    }
}

/// The history as a Markdown table, oldest first.
pub fn markdown(out: &mut dyn Write, history: &History) -> std::io::Result<()> {
    writeln!(out, "# SSOT compliance over {}\n", history.range)?;
    let symbols: Vec<&str> = history
        .points
        .iter()
        .filter_map(|p| p.figures.as_ref())
        .flat_map(|f| f.symbols.iter().map(|s| s.symbol.as_str()))
        .fold(Vec::new(), |mut seen, symbol| {
            if !seen.contains(&symbol) {
                seen.push(symbol);
            }
            seen
        });
    write!(out, "| date | commit | score | governed sites |")?;
    for symbol in &symbols {
        write!(out, " {} |", table::code(symbol))?;
    }
    writeln!(out, " deprecated references | duplicates | subject |")?;
    write!(out, "| --- | --- | ---: | ---: |")?;
    for _ in &symbols {
        write!(out, " ---: |")?;
    }
    writeln!(out, " ---: | ---: | --- |")?;
    for point in &history.points {
        let c = &point.commit;
        write!(out, "| {} | `{}` |", c.date, c.short)?;
        match &point.figures {
            Some(f) => {
                write!(
                    out,
                    " {:.1}% | {} of {} |",
                    f.score.percent, f.score.compliant, f.score.governed
                )?;
                for symbol in &symbols {
                    match f.symbols.iter().find(|s| s.symbol == *symbol) {
                        Some(s) => write!(out, " {:.1}% |", s.percent)?,
                        None => write!(out, " |")?,
                    }
                }
                write!(out, " {} | {} |", f.deprecated_references, f.duplicates)?;
            }
            None => {
                write!(out, " | |")?;
                for _ in &symbols {
                    write!(out, " |")?;
                }
                write!(out, " | |")?;
            }
        }
        writeln!(out, " {} |", table::text(&c.subject))?;
    }
    let errors: Vec<&Point> = history
        .points
        .iter()
        .filter(|p| p.error.is_some())
        .collect();
    if !errors.is_empty() {
        writeln!(out)?;
        for point in errors {
            writeln!(
                out,
                "- `{}`: {}",
                point.commit.short,
                table::text(point.error.as_deref().unwrap_or_default())
            )?;
        }
    }
    Ok(())
}

/// `report --history` in any format but html: read from git alone, before (and without)
/// the working tree.
pub fn run(
    root: &Path,
    config: &Config,
    args: &crate::cli::ReportArgs,
    range: &str,
    format: crate::cli::Format,
    verbose: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let history = compute(root, config, range, Sampling::of(args), verbose)?;
    match format {
        crate::cli::Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &history)?;
            writeln!(out)?;
        }
        _ => markdown(out, &history)?,
    }
    Ok(0)
}
