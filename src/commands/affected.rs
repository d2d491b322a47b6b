//! `affected [FILES... | --since REV | --staged]`: the test files a change can reach, one
//! per line for `pytest $(ssot-graph affected ...)`, or as JSON with the chain that
//! selected each.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;

use crate::affected::changes::{self, Source};
use crate::affected::test_files::TestFilePatterns;
use crate::affected::{self, Change, Origin, Reason, Selected, Via};
use crate::cli::{AffectedArgs, Format};
use crate::index::{ModuleId, Project};

#[derive(Serialize)]
pub struct Affected {
    pub schema: &'static str,
    /// The commit compared with (`--since`: where HEAD left REV).
    pub base: Option<String>,
    pub changes: Vec<Change>,
    /// In path order.
    pub selected: Vec<SelectedView>,
    /// The other test files, in path order: what a run of the selection leaves out.
    pub not_selected: Vec<String>,
    pub summary: Summary,
}

#[derive(Serialize)]
pub struct SelectedView {
    pub path: String,
    pub reason: Reason,
    /// The change that reaches it.
    pub change: Change,
    /// Where the change is named: the import of a removed module, the string naming a
    /// changed file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Why it is selected: the chain from the test to the module the change touched,
    /// each link a module depending on the next.
    pub why: Vec<LinkView>,
    /// With `--symbols`: the test functions and classes reached, when not the whole file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<String>>,
}

#[derive(Serialize)]
pub struct LinkView {
    pub from: String,
    pub to: String,
    /// `import`, `parent-package`, `string`, `conftest`, `package` or `reference`.
    pub via: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

#[derive(Serialize)]
pub struct Summary {
    pub selected: usize,
    /// Every test file pytest collects among the project's files.
    pub tests: usize,
    pub by_reason: BTreeMap<&'static str, usize>,
}

pub fn run(ctx: &super::Context, args: &AffectedArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    let started = std::time::Instant::now();
    let files = || project.files.iter().map(|f| f.rel.as_str());
    let read = match ctx.early.affected_changes {
        Some(pending) => pending.finish(&project.root, files())?,
        None => {
            changes::Pending::start(&project.root, source(args)).finish(&project.root, files())?
        }
    };
    let asked_git = started.elapsed();
    for warning in &read.warnings {
        eprintln!("warning: {warning}");
    }
    let patterns = TestFilePatterns::read(&project.root)?;
    let always = always_globs(ctx.config, &patterns)?;
    let lines = match (args.symbols, args.staged, &read.base) {
        (false, _, _) => None,
        (true, true, _) => Some(changes::changed_lines(&project.root, None)?),
        (true, false, Some(base)) => Some(changes::changed_lines(&project.root, Some(base))?),
        (true, false, None) => {
            eprintln!(
                "warning: --symbols: named files say no lines; their whole modules are taken"
            );
            None
        }
    };
    let options = affected::Options {
        type_checking: args.include_type_checking,
        always: &always,
        patterns: &patterns,
        symbols: lines.as_ref(),
    };
    let selection = affected::select(project, &read.changes, &options);
    if ctx.verbose {
        eprintln!(
            "affected: changes {:.1} ms, selection {:.1} ms",
            asked_git.as_secs_f64() * 1000.0,
            (started.elapsed() - asked_git).as_secs_f64() * 1000.0
        );
    }
    if selection.tests.is_empty() {
        eprintln!(
            "warning: no test files among the project's files (pytest collects {}); \
             are the tests under the source roots?",
            patterns.patterns.join(" ")
        );
    }
    let summary = summary(&selection.selected, selection.tests.len());
    eprintln!("{}", summary_line(&summary, read.changes.len()));
    match ctx.format {
        Format::Json => {
            let value = Affected {
                schema: "ssot-graph/affected/v1",
                base: read.base.clone(),
                selected: selection
                    .selected
                    .iter()
                    .map(|s| view(project, &read.changes, s))
                    .collect(),
                not_selected: not_selected(project, &selection),
                changes: read.changes,
                summary,
            };
            super::write_json(out, &value, project)?;
        }
        format => {
            let cwd = std::env::current_dir()?;
            for selected in &selection.selected {
                let rel = &project.files[selected.file].rel;
                let path = from_cwd(&cwd, &project.root, rel);
                match (&selected.nodes, format) {
                    (Some(nodes), Format::PytestArgs) => {
                        for node in nodes {
                            writeln!(out, "{}::{node}", path.display())?;
                        }
                    }
                    _ => writeln!(out, "{}", path.display())?,
                }
            }
        }
    }
    Ok(0)
}

/// Where the command's changes come from: FILES, `--since`, `--staged`, else the
/// working tree against HEAD.
pub fn source(args: &AffectedArgs) -> Source<'_> {
    if args.staged {
        Source::Staged
    } else if let Some(rev) = &args.since {
        Source::Since(Some(rev))
    } else if !args.files.is_empty() {
        Source::Paths(&args.files)
    } else {
        Source::Since(None)
    }
}

/// The globs of changed files that select every test: the configured ones and the file
/// holding pytest's settings.
fn always_globs(config: &crate::config::Config, patterns: &TestFilePatterns) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for glob in &config.affected.always {
        let parsed = Glob::new(glob)
            .map_err(|e| anyhow!("{}: [affected] always: {e}", config.source_name()))?;
        builder.add(parsed);
    }
    for settings in patterns
        .source
        .iter()
        .map(String::as_str)
        .chain(["pytest.ini"])
    {
        builder.add(Glob::new(&globset::escape(settings))?);
    }
    Ok(builder.build()?)
}

fn not_selected(project: &Project, selection: &affected::Selection) -> Vec<String> {
    let chosen: rustc_hash::FxHashSet<usize> = selection.selected.iter().map(|s| s.file).collect();
    selection
        .tests
        .iter()
        .filter(|file| !chosen.contains(file))
        .map(|&file| project.files[file].rel.to_string())
        .collect()
}

fn summary(selected: &[Selected], tests: usize) -> Summary {
    let mut by_reason = BTreeMap::new();
    for s in selected {
        *by_reason.entry(s.reason.name()).or_insert(0) += 1;
    }
    Summary {
        selected: selected.len(),
        tests,
        by_reason,
    }
}

/// `Selected 3 of 120 test files (import 2, conftest 1) for 2 changed files.`
fn summary_line(summary: &Summary, changes: usize) -> String {
    let reasons: Vec<String> = summary
        .by_reason
        .iter()
        .map(|(reason, n)| format!("{reason} {n}"))
        .collect();
    let reasons = match reasons.is_empty() {
        true => String::new(),
        false => format!(" ({})", reasons.join(", ")),
    };
    format!(
        "Selected {} of {}{reasons} for {}.",
        summary.selected,
        crate::view::count(summary.tests, "test file"),
        crate::view::count(changes, "changed file")
    )
}

fn view(project: &Project, changes: &[Change], selected: &Selected) -> SelectedView {
    SelectedView {
        path: project.files[selected.file].rel.to_string(),
        reason: selected.reason,
        change: changes[selected.origin.change].clone(),
        at: place(project, selected.origin),
        why: selected
            .chain
            .iter()
            .map(|&(from, to, via)| link(project, from, to, via))
            .collect(),
        nodes: selected.nodes.clone(),
    }
}

fn place(project: &Project, origin: Origin) -> Option<String> {
    let (file, line) = origin.at?;
    Some(format!("{}:{line}", project.files[file].rel))
}

fn link(project: &Project, from: ModuleId, to: ModuleId, via: Via) -> LinkView {
    let name = |m: ModuleId| project.modules[m as usize].name.to_string();
    let at = match via {
        Via::Import(site) | Via::Parent(site) | Via::Folder(site) => {
            let file = project.sites[site].file as usize;
            let line = project.import_site(site).position.line;
            Some(format!("{}:{line}", project.files[file].rel))
        }
        Via::String { line } | Via::Reference { line } => project.modules[from as usize]
            .file
            .map(|file| format!("{}:{line}", project.files[file].rel)),
        Via::Conftest | Via::Package => None,
    };
    LinkView {
        from: name(from),
        to: name(to),
        via: via.name(),
        at,
    }
}

/// A root-relative path as seen from the current directory: relative when the current
/// directory is the root, above it or inside it, else absolute.
fn from_cwd(cwd: &Path, root: &Path, rel: &str) -> PathBuf {
    let path = root.join(rel);
    if let Ok(below) = path.strip_prefix(cwd) {
        return below.to_path_buf();
    }
    let Ok(inside) = cwd.strip_prefix(root) else {
        return path;
    };
    let mut up = PathBuf::new();
    for _ in inside.components() {
        up.push("..");
    }
    up.join(rel)
}
