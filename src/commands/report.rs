//! `report`: the migration dashboard. Per protected symbol, how many import sites use
//! each module path and the share on the canonical one; deprecated-layer usage; names
//! defined twice; one repository-wide SSOT compliance score.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde::Serialize;

use crate::commands::check::{Only, unsuppressed};
use crate::commands::count;
use crate::commands::table::{Cell, Row, Table, code, escape, text};
use crate::config::Config;
use crate::draw;
use crate::graph::EdgeFilter;
use crate::index::Project;
use crate::query::{self, DefinitionKind, DuplicateOptions};
use crate::references;
use crate::resolve::Resolver;
use crate::rules::{self, RuleKind};

pub const SCORE_DEFINITION: &str = "SSOT compliance = import sites that reach a protected \
    symbol (a `canonical` rule) through its canonical module, divided by all import sites \
    that reach a protected symbol or a `deprecated` rule's target; every import of a \
    deprecated target counts against it. Re-export plumbing between a canonical module \
    and its definition is not counted. 100% when nothing is governed.";

#[derive(Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub score: Score,
    pub definition: &'static str,
    pub canonical: Vec<Protected>,
    pub deprecated: Vec<DeprecatedUse>,
    /// The files with the most references still on a non-canonical path or through a
    /// deprecated layer (imports and the uses that follow them), most first.
    pub files_to_migrate: Vec<FileToMigrate>,
    /// With a CODEOWNERS file: the same references per owner, most first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<OwnersWork>,
    pub duplicates: Duplicates,
    /// Why-chain drawings (SVG) per protected symbol, for the HTML form.
    #[serde(skip)]
    pub drawings: Vec<(String, String)>,
    /// The dependency matrix of the repository's packages (SVG), for the HTML form.
    #[serde(skip)]
    pub matrix: Option<String>,
    /// Every rule's findings, suppressed ones removed, the baseline not applied.
    #[serde(skip)]
    pub findings: Vec<crate::rules::evaluate::Finding>,
}

#[derive(Clone, Serialize)]
pub struct Score {
    pub compliant: usize,
    pub governed: usize,
    pub percent: f64,
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

#[derive(Serialize)]
pub struct Protected {
    pub rule: String,
    pub symbol: String,
    pub canonical: String,
    pub sites: usize,
    pub canonical_sites: usize,
    pub percent: f64,
    /// Every reference to the symbol (imports, uses, attributes, strings), as `refs`
    /// counts them, and the files they are in.
    pub references: usize,
    pub reference_files: usize,
    /// Imports on a non-canonical module path and the uses that follow them.
    pub off_canonical_references: usize,
    /// Sites and files per module path used, most sites first.
    pub paths: Vec<PathUse>,
}

#[derive(Serialize)]
pub struct FileToMigrate {
    pub path: String,
    pub references: usize,
}

#[derive(Serialize)]
pub struct OwnersWork {
    /// The CODEOWNERS file read, relative to the root.
    pub file: String,
    pub owners: Vec<OwnerWork>,
}

#[derive(Serialize)]
pub struct OwnerWork {
    pub owner: String,
    pub references: usize,
    pub files: usize,
}

#[derive(Clone, Serialize)]
pub struct PathUse {
    pub module: String,
    pub sites: usize,
    pub files: usize,
}

#[derive(Serialize)]
pub struct DeprecatedUse {
    pub rule: String,
    pub target: String,
    pub direct: usize,
    pub through_reexport: usize,
    pub files: usize,
    /// The flagged imports, the uses that follow them, and string targets (`mock.patch`,
    /// `import_module`, …) naming the target.
    pub references: usize,
}

#[derive(Serialize)]
pub struct Duplicates {
    /// Classes and functions with more than one true definition.
    pub names: usize,
    pub definitions: usize,
    /// The names reached by the most import sites, with their definitions.
    pub top: Vec<Duplicate>,
    /// Every duplicated name, with the modules defining it (sorted).
    #[serde(skip)]
    pub modules: BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
pub struct Duplicate {
    pub name: String,
    pub definitions: Vec<String>,
    pub sites: usize,
}

/// How much of a report is worked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// What the score and its history need: the `canonical` and `deprecated` rules'
    /// counts, the references they leave, how many names are defined twice. Other
    /// rules' findings, each symbol's reference count, owners and drawings are left out.
    Figures,
    /// Everything, with the chain drawings or without.
    Full { drawings: bool },
}

pub fn compute(project: &Project, config: &Config, depth: Depth) -> Result<Report> {
    let rules = rules::load_configured(&project.root, config)?;
    let full = depth != Depth::Figures;
    let only = if full { Only::Every } else { Only::Deprecated };
    let (findings, mut evaluator) = unsuppressed(project, config, only)?;
    let mut canonical = Vec::new();
    let mut deprecated = Vec::new();
    let mut drawings = Vec::new();
    let mut to_migrate: BTreeMap<usize, usize> = BTreeMap::new();
    let follow = |site: usize, to_migrate: &mut BTreeMap<usize, usize>| {
        let n = 1 + references::uses_of_site(project, site);
        *to_migrate
            .entry(project.sites[site].file as usize)
            .or_default() += n;
        n
    };
    for rule in &rules {
        match &rule.kind {
            RuleKind::Canonical {
                symbol,
                canonical: module,
                ..
            } => {
                let scope = evaluator.canonical_scope(rule, symbol, module.as_deref())?;
                let mut paths: BTreeMap<String, (usize, BTreeSet<usize>)> = BTreeMap::new();
                for &site in &scope.sites {
                    let record = &project.sites[site];
                    let entry = paths
                        .entry(record.target.as_deref().unwrap_or_default().to_string())
                        .or_default();
                    entry.0 += 1;
                    entry.1.insert(record.file as usize);
                }
                let canonical_sites = paths.get(&scope.canonical).map_or(0, |p| p.0);
                let off_canonical_references = scope
                    .sites
                    .iter()
                    .filter(|&&site| {
                        project.sites[site].target.as_deref() != Some(scope.canonical.as_str())
                    })
                    .map(|&site| follow(site, &mut to_migrate))
                    .sum();
                let found = if full {
                    let (definition, _) = evaluator.resolver().resolve_path(symbol);
                    references::collect(
                        evaluator.resolver(),
                        &definition,
                        crate::references::Reach::Names,
                        true,
                    )
                } else {
                    Vec::new()
                };
                let reference_files: BTreeSet<&str> =
                    found.iter().map(|(_, r)| r.path.as_str()).collect();
                let mut paths: Vec<PathUse> = paths
                    .into_iter()
                    .map(|(module, (sites, files))| PathUse {
                        module,
                        sites,
                        files: files.len(),
                    })
                    .collect();
                paths.sort_by(|a, b| b.sites.cmp(&a.sites).then_with(|| a.module.cmp(&b.module)));
                if depth == (Depth::Full { drawings: true }) {
                    let diagram = draw::chain::build(project, symbol, Some(&scope.sites))?;
                    let svg = match draw::dot::svg(&diagram) {
                        Ok(svg) => String::from_utf8_lossy(&svg).into_owned(),
                        Err(error) => format!(
                            "<p>{}</p><pre>{}</pre>",
                            crate::view::inline_markdown(&error.to_string()),
                            escape(&draw::dot::print(&diagram))
                        ),
                    };
                    drawings.push((symbol.clone(), svg));
                }
                canonical.push(Protected {
                    rule: rule.id().to_string(),
                    symbol: symbol.clone(),
                    canonical: scope.canonical,
                    sites: scope.sites.len(),
                    canonical_sites,
                    percent: percent(canonical_sites, scope.sites.len()),
                    references: found.len(),
                    reference_files: reference_files.len(),
                    off_canonical_references,
                    paths,
                });
            }
            RuleKind::Deprecated { target, .. } => {
                let own: Vec<_> = findings.iter().filter(|f| f.rule == rule.id()).collect();
                let files: BTreeSet<&str> = own.iter().map(|f| f.path.as_str()).collect();
                let followed: usize = own
                    .iter()
                    .filter_map(|f| f.site)
                    .map(|site| follow(site, &mut to_migrate))
                    .sum();
                deprecated.push(DeprecatedUse {
                    rule: rule.id().to_string(),
                    target: target.clone(),
                    direct: own.iter().filter(|f| f.chain.is_empty()).count(),
                    through_reexport: own.iter().filter(|f| !f.chain.is_empty()).count(),
                    files: files.len(),
                    references: followed + project.strings_naming(&[target.as_str()]).count(),
                });
            }
            _ => {}
        }
    }
    let compliant: usize = canonical.iter().map(|p| p.canonical_sites).sum();
    let governed: usize = canonical.iter().map(|p| p.sites).sum::<usize>()
        + deprecated
            .iter()
            .map(|d| d.direct + d.through_reexport)
            .sum::<usize>();
    Ok(Report {
        schema: "ssot-graph/report/v1",
        score: Score {
            compliant,
            governed,
            percent: percent(compliant, governed),
        },
        definition: SCORE_DEFINITION,
        canonical,
        deprecated,
        owners: match full {
            true => crate::owners::Owners::find(&project.root)?
                .map(|owners| owners_work(project, &owners, &to_migrate)),
            false => None,
        },
        files_to_migrate: files_to_migrate(project, to_migrate),
        duplicates: duplicates(project, evaluator.resolver()),
        matrix: match depth == (Depth::Full { drawings: true }) {
            true => Some(matrix(project, &rules)?),
            false => None,
        },
        drawings,
        findings,
    })
}

/// The repository's packages at the finest level that fits a screen, as a dependency
/// matrix, ranked by the rules' layers when there are any.
fn matrix(project: &Project, rules: &[crate::rules::Rule]) -> Result<String> {
    use draw::module_graph::{External, Layers, Options};
    let options = Options {
        external: Some(External::Hidden),
        min_weight: Some(0),
        layers: Layers::from_rules(rules),
        ..Options::whole(crate::graph::EdgeFilter::default())
    };
    Ok(draw::dsm::svg(&draw::module_graph::build(
        project, &options,
    )?))
}

fn owners_work(
    project: &Project,
    owners: &crate::owners::Owners,
    counts: &BTreeMap<usize, usize>,
) -> OwnersWork {
    let mut by_owner: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (&file, &references) in counts {
        for owner in owners.groups_of(&project.files[file].rel) {
            let entry = by_owner.entry(owner).or_default();
            entry.0 += references;
            entry.1 += 1;
        }
    }
    let mut owners_work: Vec<OwnerWork> = by_owner
        .into_iter()
        .map(|(owner, (references, files))| OwnerWork {
            owner,
            references,
            files,
        })
        .collect();
    owners_work.sort_by(|a, b| {
        b.references
            .cmp(&a.references)
            .then_with(|| a.owner.cmp(&b.owner))
    });
    OwnersWork {
        file: owners.file.clone(),
        owners: owners_work,
    }
}

fn files_to_migrate(project: &Project, counts: BTreeMap<usize, usize>) -> Vec<FileToMigrate> {
    let mut files: Vec<FileToMigrate> = counts
        .into_iter()
        .map(|(file, references)| FileToMigrate {
            path: project.files[file].rel.to_string(),
            references,
        })
        .collect();
    files.sort_by(|a, b| {
        b.references
            .cmp(&a.references)
            .then_with(|| a.path.cmp(&b.path))
    });
    files.truncate(20);
    files
}

fn duplicates(project: &Project, resolver: &mut Resolver) -> Duplicates {
    let found = query::duplicates(
        resolver,
        DefinitionKind::Any,
        &|_| true,
        &EdgeFilter::default(),
        DuplicateOptions::default(),
    )
    .duplicates;
    let definitions = found.iter().map(|d| d.definitions.len()).sum();
    let top: Vec<Duplicate> = found
        .iter()
        .map(|d| Duplicate {
            name: d.name.clone(),
            definitions: d
                .definitions
                .iter()
                .map(|def| {
                    let module = &project.modules[def.module as usize];
                    let line = crate::view::binding(project, def.module, def.binding)
                        .position
                        .line;
                    format!("{}:{line}", module.path.as_deref().unwrap_or_default())
                })
                .collect(),
            sites: d.importers(),
        })
        .take(20)
        .collect();
    let modules = found
        .iter()
        .map(|d| {
            let mut modules: Vec<String> = d
                .definitions
                .iter()
                .map(|def| project.modules[def.module as usize].name.to_string())
                .collect();
            modules.sort();
            (d.name.clone(), modules)
        })
        .collect();
    Duplicates {
        names: found.len(),
        definitions,
        top,
        modules,
    }
}

/// The report as Markdown (`report`'s text form).
pub fn markdown(report: &Report) -> String {
    let mut md = String::new();
    let s = &report.score;
    md.push_str("# SSOT report\n\n");
    match s.governed {
        0 => md.push_str(&format!(
            "**SSOT compliance: nothing governed** (no import site reaches a protected \
             symbol or a deprecated target; add `canonical` or `deprecated` rules to \
             queries/)\n\n> {}\n\n",
            report.definition
        )),
        _ => md.push_str(&format!(
            "**SSOT compliance: {:.1}%** ({} of {} governed import sites)\n\n> {}\n\n",
            s.percent, s.compliant, s.governed, report.definition
        )),
    }
    md.push_str("## Protected symbols\n\n");
    if report.canonical.is_empty() {
        md.push_str("No `canonical` rules.\n\n");
    }
    for p in &report.canonical {
        md.push_str(&format!(
            "### {} ({})\n\ncanonical module {}: {} of {} import sites ({:.1}%); {} in {}, {} still on a non-canonical path\n\n",
            code(&p.symbol),
            text(&p.rule),
            code(&p.canonical),
            p.canonical_sites,
            p.sites,
            p.percent,
            count(p.references, "reference"),
            count(p.reference_files, "file"),
            p.off_canonical_references,
        ));
        md.push_str(&paths_table(p).markdown());
        md.push('\n');
    }
    md.push_str("## Deprecated layers\n\n");
    if report.deprecated.is_empty() {
        md.push_str("No `deprecated` rules.\n\n");
    } else {
        md.push_str(&deprecated_table(&report.deprecated).markdown());
        md.push('\n');
    }
    if !report.files_to_migrate.is_empty() {
        md.push_str(
            "## Files to migrate\n\nReferences still on a non-canonical path or a deprecated \
             layer (imports and the uses that follow them).\n\n",
        );
        md.push_str(&files_table(&report.files_to_migrate).markdown());
        md.push('\n');
    }
    if let Some(work) = &report.owners {
        md.push_str(&format!(
            "## Remaining work by owner\n\nThe references above per owner in {}.\n\n",
            code(&work.file)
        ));
        md.push_str(&owners_table(work).markdown());
        md.push('\n');
    }
    let d = &report.duplicates;
    md.push_str(&format!(
        "## Duplicates\n\n{} with more than one definition ({}).\n\n",
        count(d.names, "class or function name"),
        count(d.definitions, "definition")
    ));
    if !d.top.is_empty() {
        md.push_str(&duplicates_table(d).markdown());
    }
    md
}

pub(crate) fn paths_table(p: &Protected) -> Table {
    Table {
        columns: vec![("module path", false), ("sites", true), ("files", true)],
        rows: p
            .paths
            .iter()
            .map(|path| Row {
                cells: vec![
                    Cell::Code(path.module.clone()),
                    Cell::Count(path.sites),
                    Cell::Count(path.files),
                ],
                mark: (path.module == p.canonical).then_some("canonical"),
            })
            .collect(),
    }
}

pub(crate) fn deprecated_table(deprecated: &[DeprecatedUse]) -> Table {
    Table {
        columns: vec![
            ("rule", false),
            ("target", false),
            ("direct imports", true),
            ("through re-exports", true),
            ("references", true),
            ("files", true),
        ],
        rows: deprecated
            .iter()
            .map(|d| {
                Row::of(vec![
                    Cell::Text(d.rule.clone()),
                    Cell::Code(d.target.clone()),
                    Cell::Count(d.direct),
                    Cell::Count(d.through_reexport),
                    Cell::Count(d.references),
                    Cell::Count(d.files),
                ])
            })
            .collect(),
    }
}

pub(crate) fn files_table(files: &[FileToMigrate]) -> Table {
    Table {
        columns: vec![("file", false), ("references", true)],
        rows: files
            .iter()
            .map(|f| Row::of(vec![Cell::Code(f.path.clone()), Cell::Count(f.references)]))
            .collect(),
    }
}

/// With a bar per owner (HTML), as long as the most references any owner has left.
pub(crate) fn owners_table(work: &OwnersWork) -> Table {
    let most = work.owners.first().map_or(1, |o| o.references.max(1));
    Table {
        columns: vec![
            ("owner", false),
            ("references", true),
            ("files", true),
            ("", false),
        ],
        rows: work
            .owners
            .iter()
            .map(|o| {
                Row::of(vec![
                    Cell::Text(o.owner.clone()),
                    Cell::Count(o.references),
                    Cell::Count(o.files),
                    Cell::Bar(o.references as f64 * 100.0 / most as f64),
                ])
            })
            .collect(),
    }
}

pub(crate) fn duplicates_table(d: &Duplicates) -> Table {
    Table {
        columns: vec![
            ("name", false),
            ("import sites", true),
            ("definitions", false),
        ],
        rows: d
            .top
            .iter()
            .map(|dup| {
                Row::of(vec![
                    Cell::Code(dup.name.clone()),
                    Cell::Count(dup.sites),
                    Cell::Codes(dup.definitions.clone()),
                ])
            })
            .collect(),
    }
}
