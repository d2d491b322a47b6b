//! `diff BASE [HEAD]`: what a change does to the architecture. Both sides are measured
//! by the working tree's configuration and rules, so what differs is the code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::baseline::{Baseline, Entry};
use crate::commands::report::{self, Report};
use crate::commands::{count, cycles, table};
use crate::config::Config;
use crate::graph::EdgeFilter;
use crate::index::Project;
use crate::owners::Owners;
use crate::rules::evaluate::Finding;

#[derive(Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub base: String,
    pub head: String,
    pub score: Change,
    /// Package-level import edges (a module's package, a package itself), within the
    /// repository: `from` imports `to`.
    pub edges_added: Vec<PackageEdge>,
    pub edges_removed: Vec<PackageEdge>,
    pub protected: Vec<SymbolChange>,
    pub deprecated: Vec<DeprecatedChange>,
    /// Groups of modules that import each other, by their members.
    pub cycles_added: Vec<Vec<String>>,
    pub cycles_removed: Vec<Vec<String>>,
    /// Names defined in more places than before, with the modules defining them now.
    pub duplicates_added: BTreeMap<String, Vec<String>>,
    /// Names no longer defined twice.
    pub duplicates_removed: Vec<String>,
    /// Findings of HEAD that BASE did not have (by rule, file and target, as the
    /// baseline counts them).
    pub findings_added: Vec<Finding>,
    /// Findings of BASE that HEAD no longer has, with how many.
    pub findings_fixed: Vec<Entry>,
    /// With a CODEOWNERS file: findings added and fixed per owner of their files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<BTreeMap<String, OwnerChange>>,
}

#[derive(Default, Serialize)]
pub struct OwnerChange {
    pub added: usize,
    pub fixed: usize,
}

#[derive(Serialize)]
pub struct Change {
    pub before: f64,
    pub after: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PackageEdge {
    pub from: String,
    pub to: String,
}

#[derive(Serialize)]
pub struct SymbolChange {
    pub symbol: String,
    pub canonical: String,
    /// Share of import sites on the canonical path, before and after.
    pub before: f64,
    pub after: f64,
    /// Module paths HEAD imports the symbol through that BASE did not, with site counts.
    pub new_paths: Vec<report::PathUse>,
    /// Module paths BASE used that HEAD no longer does.
    pub gone_paths: Vec<String>,
}

#[derive(Serialize)]
pub struct DeprecatedChange {
    pub rule: String,
    pub target: String,
    /// References through the layer, before and after.
    pub before: usize,
    pub after: usize,
}

/// What `diff` compares of one side.
pub struct Side {
    /// The revision as the user named it, with its short hash.
    pub name: String,
    report: Report,
    edges: BTreeSet<PackageEdge>,
    cycles: BTreeSet<Vec<String>>,
}

impl Side {
    pub fn of(project: &Project, config: &Config, name: String) -> Result<Side> {
        let report = report::compute(project, config, report::Depth::Full { drawings: false })?;
        let cycles = cycles::compute(project, EdgeFilter::default())
            .cycles
            .into_iter()
            .map(|c| c.members)
            .collect();
        Ok(Side {
            name,
            report,
            edges: package_edges(project),
            cycles,
        })
    }
}

/// The package a module belongs to: itself for a package, its parent otherwise (a
/// top-level module is its own).
fn package_of(project: &Project, module: usize) -> &str {
    let module = &project.modules[module];
    if module.is_package {
        return &module.name;
    }
    module
        .name
        .rsplit_once('.')
        .map_or(&module.name, |(parent, _)| parent)
}

fn package_edges(project: &Project) -> BTreeSet<PackageEdge> {
    let graph = project.graph();
    let internal = |m: usize| !project.modules[m].external && project.modules[m].path.is_some();
    let mut edges = BTreeSet::new();
    for edge in graph.edge_indices() {
        if graph.sites(edge).is_empty() {
            continue;
        }
        let (a, b) = graph.edge_endpoints(edge).expect("edge exists");
        let (a, b) = (a.index(), b.index());
        if !internal(a) || !internal(b) {
            continue;
        }
        let (from, to) = (package_of(project, a), package_of(project, b));
        if from != to {
            edges.insert(PackageEdge {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
    }
    edges
}

pub fn compute(base: &Side, head: &Side, owners: Option<&Owners>) -> Diff {
    let protected = head
        .report
        .canonical
        .iter()
        .map(|now| {
            let before = base
                .report
                .canonical
                .iter()
                .find(|b| b.symbol == now.symbol);
            let old_paths: BTreeSet<&str> = before
                .map(|b| b.paths.iter().map(|p| p.module.as_str()).collect())
                .unwrap_or_default();
            let new_paths: BTreeSet<&str> = now.paths.iter().map(|p| p.module.as_str()).collect();
            SymbolChange {
                symbol: now.symbol.clone(),
                canonical: now.canonical.clone(),
                before: before.map_or(100.0, |b| b.percent),
                after: now.percent,
                new_paths: now
                    .paths
                    .iter()
                    .filter(|p| !old_paths.contains(p.module.as_str()))
                    .cloned()
                    .collect(),
                gone_paths: old_paths
                    .difference(&new_paths)
                    .map(|p| p.to_string())
                    .collect(),
            }
        })
        .collect();
    let deprecated = head
        .report
        .deprecated
        .iter()
        .map(|now| DeprecatedChange {
            rule: now.rule.clone(),
            target: now.target.clone(),
            before: base
                .report
                .deprecated
                .iter()
                .find(|b| b.rule == now.rule)
                .map_or(0, |b| b.references),
            after: now.references,
        })
        .collect();
    let old_duplicates = &base.report.duplicates.modules;
    let new_duplicates = &head.report.duplicates.modules;
    let accepted = Baseline::of(&base.report.findings);
    let (findings_added, _, left) = accepted.apply(head.report.findings.clone());
    let findings_fixed: Vec<Entry> = left
        .into_iter()
        .map(|left| {
            let before = accepted
                .entries
                .iter()
                .find(|e| (&e.rule, &e.path, &e.target) == (&left.rule, &left.path, &left.target))
                .map_or(left.count, |e| e.count);
            Entry {
                count: before - left.count,
                ..left
            }
        })
        .collect();
    let owners = owners.map(|owners| {
        let mut by_owner: BTreeMap<String, OwnerChange> = BTreeMap::new();
        for f in &findings_added {
            for owner in owners.groups_of(&f.path) {
                by_owner.entry(owner).or_default().added += 1;
            }
        }
        for e in &findings_fixed {
            for owner in owners.groups_of(&e.path) {
                by_owner.entry(owner).or_default().fixed += e.count;
            }
        }
        by_owner
    });
    Diff {
        schema: "ssot-graph/diff/v1",
        base: base.name.clone(),
        head: head.name.clone(),
        score: Change {
            before: base.report.score.percent,
            after: head.report.score.percent,
        },
        edges_added: head.edges.difference(&base.edges).cloned().collect(),
        edges_removed: base.edges.difference(&head.edges).cloned().collect(),
        protected,
        deprecated,
        cycles_added: head.cycles.difference(&base.cycles).cloned().collect(),
        cycles_removed: base.cycles.difference(&head.cycles).cloned().collect(),
        duplicates_added: new_duplicates
            .iter()
            .filter(|(name, modules)| {
                old_duplicates
                    .get(*name)
                    .is_none_or(|old| modules.iter().any(|m| !old.contains(m)))
            })
            .map(|(name, modules)| (name.clone(), modules.clone()))
            .collect(),
        duplicates_removed: old_duplicates
            .keys()
            .filter(|name| !new_duplicates.contains_key(*name))
            .cloned()
            .collect(),
        findings_added,
        findings_fixed,
        owners,
    }
}

impl Diff {
    /// Nothing the diff looks at changed.
    pub fn is_empty(&self) -> bool {
        self.score.before == self.score.after
            && self.edges_added.is_empty()
            && self.edges_removed.is_empty()
            && self
                .protected
                .iter()
                .all(|p| p.new_paths.is_empty() && p.gone_paths.is_empty())
            && self.deprecated.iter().all(|d| d.before == d.after)
            && self.cycles_added.is_empty()
            && self.cycles_removed.is_empty()
            && self.duplicates_added.is_empty()
            && self.duplicates_removed.is_empty()
            && self.findings_added.is_empty()
            && self.findings_fixed.is_empty()
    }
}

/// The diff as Markdown (`md`, for a pull-request comment: additions and removals in
/// `diff` blocks) or plain text.
pub fn write(out: &mut dyn Write, diff: &Diff, markdown: bool) -> std::io::Result<()> {
    let arrow = if markdown { "→" } else { "->" };
    if markdown {
        writeln!(
            out,
            "## Architecture diff: {} {arrow} {}\n\n**SSOT compliance {:.1}% {arrow} {:.1}%**",
            table::code(&diff.base),
            table::code(&diff.head),
            diff.score.before,
            diff.score.after
        )?;
    } else {
        writeln!(
            out,
            "{} -> {}\nSSOT compliance {:.1}% -> {:.1}%",
            diff.base, diff.head, diff.score.before, diff.score.after
        )?;
    }
    if diff.is_empty() {
        writeln!(out, "\nNo architectural change.")?;
        return Ok(());
    }
    let signed = |out: &mut dyn Write, title: &str, lines: Vec<String>| -> std::io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        if markdown {
            // Longer than any run of backticks a line holds: no name can close the block.
            let fence = table::fence(&lines);
            writeln!(out, "\n### {title}\n\n{fence}diff")?;
            for line in lines {
                writeln!(out, "{}", table::one_line(&line))?;
            }
            writeln!(out, "{fence}")
        } else {
            writeln!(out, "\n{title}:")?;
            for line in lines {
                writeln!(out, "  {line}")?;
            }
            Ok(())
        }
    };
    let edges = diff
        .edges_added
        .iter()
        .map(|e| format!("+ {} -> {}", e.from, e.to))
        .chain(
            diff.edges_removed
                .iter()
                .map(|e| format!("- {} -> {}", e.from, e.to)),
        )
        .collect();
    signed(out, "Package edges", edges)?;
    let moved: Vec<&SymbolChange> = diff
        .protected
        .iter()
        .filter(|p| p.before != p.after || !p.new_paths.is_empty() || !p.gone_paths.is_empty())
        .collect();
    let (item, sub) = if markdown {
        ("- ", "  - ")
    } else {
        ("  ", "    ")
    };
    let code = |s: &str| {
        if markdown {
            table::code(s)
        } else {
            s.to_string()
        }
    };
    if !moved.is_empty() {
        if markdown {
            writeln!(out, "\n### Protected symbols\n")?;
        } else {
            writeln!(out, "\nProtected symbols:")?;
        }
        for p in moved {
            writeln!(
                out,
                "{item}{}: {:.1}% {arrow} {:.1}% on {}",
                code(&p.symbol),
                p.before,
                p.after,
                code(&p.canonical)
            )?;
            for path in &p.new_paths {
                writeln!(
                    out,
                    "{sub}new path {} ({} in {})",
                    code(&path.module),
                    count(path.sites, "site"),
                    count(path.files, "file")
                )?;
            }
            for path in &p.gone_paths {
                writeln!(out, "{sub}no longer through {}", code(path))?;
            }
        }
    }
    let layers = diff
        .deprecated
        .iter()
        .filter(|d| d.before != d.after)
        .map(|d| {
            let sign = if d.after > d.before { '+' } else { '-' };
            format!(
                "{sign} {} ({}): {} -> {} references",
                d.target, d.rule, d.before, d.after
            )
        })
        .collect();
    signed(out, "Deprecated layers", layers)?;
    let cycles = diff
        .cycles_added
        .iter()
        .map(|m| format!("+ {}", m.join(", ")))
        .chain(
            diff.cycles_removed
                .iter()
                .map(|m| format!("- {}", m.join(", "))),
        )
        .collect();
    signed(out, "Cycles", cycles)?;
    let duplicates = diff
        .duplicates_added
        .iter()
        .map(|(name, modules)| format!("+ {name} in {}", modules.join(", ")))
        .chain(
            diff.duplicates_removed
                .iter()
                .map(|name| format!("- {name}")),
        )
        .collect();
    signed(out, "Duplicate definitions", duplicates)?;
    let findings = diff
        .findings_added
        .iter()
        .map(|f| format!("+ {}:{}:{} {} {}", f.path, f.line, f.col, f.rule, f.message))
        .chain(diff.findings_fixed.iter().map(|e| {
            let times = if e.count > 1 {
                format!(" (x{})", e.count)
            } else {
                String::new()
            };
            format!("- {} {} {}{times}", e.path, e.rule, e.target)
        }))
        .collect();
    signed(out, "Findings", findings)?;
    if let Some(owners) = diff.owners.as_ref().filter(|o| !o.is_empty()) {
        if markdown {
            writeln!(
                out,
                "\n### By owner\n\n| owner | findings added | findings fixed |\n| --- | ---: | ---: |"
            )?;
            for (owner, change) in owners {
                writeln!(
                    out,
                    "| {} | {} | {} |",
                    table::text(owner),
                    change.added,
                    change.fixed
                )?;
            }
        } else {
            writeln!(out, "\nBy owner:")?;
            for (owner, change) in owners {
                writeln!(
                    out,
                    "  {owner}: {} added, {} fixed",
                    change.added, change.fixed
                )?;
            }
        }
    }
    Ok(())
}

/// The diff of two sides, per owner with the CODEOWNERS of the repository at `root`.
pub fn print(
    out: &mut dyn Write,
    format: crate::cli::Format,
    root: &std::path::Path,
    base: &Side,
    head: &Side,
) -> Result<()> {
    use crate::cli::Format;
    let owners = Owners::find(root)?;
    let diff = compute(base, head, owners.as_ref());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &diff)?;
            writeln!(out)?;
        }
        Format::Md => write(out, &diff, true)?,
        _ => write(out, &diff, false)?,
    }
    Ok(())
}

/// `diff BASE`: the commit against the working tree.
pub fn run(ctx: &super::Context, args: &crate::cli::DiffArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    let (base_project, commit) =
        crate::load::revision::at(project.root.clone(), ctx.config, &args.base)?;
    let before = Side::of(&base_project, ctx.config, commit.label(&args.base))?;
    let after = Side::of(project, ctx.config, "working tree".to_string())?;
    print(out, ctx.format, &project.root, &before, &after)?;
    Ok(0)
}

/// `diff BASE HEAD`: two commits, both read from git's object store (no working tree).
pub fn run_commits(
    root: &std::path::Path,
    config: &Config,
    (base, head): (&str, &str),
    format: crate::cli::Format,
    out: &mut dyn Write,
) -> Result<i32> {
    let mut reader = crate::load::revision::CommitReader::open(root.to_path_buf(), config)?;
    let mut side = |rev: &str| -> Result<Side> {
        let commit = reader.repository.commit(rev)?;
        let project = reader.read(&commit)?;
        let side = Side::of(&project, config, commit.label(rev))?;
        reader.keep(&project);
        Ok(side)
    };
    let (before, after) = (side(base)?, side(head)?);
    print(out, format, root, &before, &after)?;
    Ok(0)
}
