//! `importers TARGET`: every import site that reaches a definition or a module, whatever
//! module path it names, and optionally the modules that reach it through others.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::Result;
use petgraph::Direction;
use serde::Serialize;

use crate::cli::GroupBy;
use crate::commands::count;
use crate::graph::{EdgeFilter, Graph};
use crate::index::{ModuleId, Project};
use crate::query;
use crate::resolve::{Resolution, Resolver};
use crate::target::resolve_target;
use crate::view::{self, LinkView, ResolvedView, SiteView};

#[derive(Serialize)]
pub struct Importers {
    pub schema: &'static str,
    pub target: String,
    pub resolved: ResolvedView,
    pub summary: Summary,
    /// Sites and files per module path the imports name, most sites first.
    pub by_module: Vec<Group>,
    /// Sites per importing file, most sites first.
    pub by_file: Vec<Group>,
    /// Sorted by path, line, column.
    pub sites: Vec<ImporterSite>,
    /// With `--transitive`: modules that reach the target only through other modules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitive: Option<Vec<TransitiveImporter>>,
    #[serde(skip)]
    pub group_by: Option<GroupBy>,
}

#[derive(Serialize)]
pub struct Summary {
    pub sites: usize,
    pub files: usize,
    pub module_paths: usize,
    /// Reads of the names the sites bind.
    pub uses: usize,
}

#[derive(Serialize)]
pub struct ImporterSite {
    #[serde(flatten)]
    pub site: SiteView,
    /// Reads of the name this import binds, in its file.
    pub uses: usize,
}

#[derive(Serialize)]
pub struct Group {
    pub key: String,
    pub sites: usize,
    pub files: usize,
}

#[derive(Serialize)]
pub struct TransitiveImporter {
    pub module: String,
    /// From this module to a direct importer of the target, importer first.
    pub chain: Vec<String>,
    pub links: Vec<LinkView>,
}

fn group_key(site: &SiteView, by: GroupBy) -> &str {
    match by {
        GroupBy::Module => site.module.as_deref().unwrap_or_default(),
        GroupBy::Path => &site.path,
    }
}

/// Site and file counts per key, most sites first.
fn groups(sites: &[ImporterSite], by: GroupBy) -> Vec<Group> {
    let mut grouped: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for ImporterSite { site, .. } in sites {
        let entry = grouped.entry(group_key(site, by)).or_default();
        entry.0 += 1;
        entry.1.insert(&site.path);
    }
    let mut groups: Vec<Group> = grouped
        .into_iter()
        .map(|(key, (sites, files))| Group {
            key: key.to_string(),
            sites,
            files: files.len(),
        })
        .collect();
    groups.sort_by(|a, b| b.sites.cmp(&a.sites).then_with(|| a.key.cmp(&b.key)));
    groups
}

pub fn compute(
    project: &Project,
    target: &str,
    filter: EdgeFilter,
    transitive: bool,
    group_by: Option<GroupBy>,
) -> Result<Importers> {
    let mut resolver = Resolver::new(project);
    let (resolution, _) = resolve_target(&mut resolver, target)?;
    if !matches!(
        resolution,
        Resolution::Definition { .. } | Resolution::Module(_)
    ) {
        let what = view::describe(&view::resolved(project, &resolution));
        anyhow::bail!("{target}: no definition or module to find importers of ({what})");
    }
    let found = query::importers(&mut resolver, &resolution, &filter);
    let mut sites: Vec<ImporterSite> = found
        .iter()
        .map(|&site| ImporterSite {
            site: view::site(&mut resolver, site).0,
            uses: crate::references::uses_of_site(project, site),
        })
        .collect();
    sites.sort_by(|a, b| {
        let (a, b) = (&a.site, &b.site);
        (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col))
    });
    let by_module = groups(&sites, GroupBy::Module);
    let by_file = groups(&sites, GroupBy::Path);
    let summary = Summary {
        sites: sites.len(),
        files: by_file.len(),
        module_paths: by_module.len(),
        uses: sites.iter().map(|s| s.uses).sum(),
    };
    let transitive = transitive.then(|| transitive_importers(project, &resolution, &found, filter));
    Ok(Importers {
        schema: "ssot-graph/importers/v1",
        target: target.to_string(),
        resolved: view::resolved(project, &resolution),
        summary,
        by_module,
        by_file,
        sites,
        transitive,
        group_by,
    })
}

/// Modules that import a direct importer (or the target module) through any chain.
fn transitive_importers(
    project: &Project,
    resolution: &Resolution,
    sites: &[usize],
    filter: EdgeFilter,
) -> Vec<TransitiveImporter> {
    let graph = Graph::new(project, filter);
    let mut direct: Vec<ModuleId> = sites.iter().map(|&s| project.importer(s)).collect();
    direct.sort_unstable();
    direct.dedup();
    let target = match resolution {
        Resolution::Module(module) => Some(*module),
        _ => None,
    };
    graph
        .reach(&direct, Direction::Incoming)
        .into_iter()
        .filter(|chain| Some(chain[0]) != target)
        .map(|chain| TransitiveImporter {
            module: project.modules[chain[0] as usize].name.to_string(),
            links: graph
                .links(&chain)
                .iter()
                .map(|l| view::link(project, l))
                .collect(),
            chain: chain
                .iter()
                .map(|&m| project.modules[m as usize].name.to_string())
                .collect(),
        })
        .collect()
}

pub fn text(out: &mut dyn Write, importers: &Importers) -> std::io::Result<()> {
    let site_lines = |out: &mut dyn Write, site: &ImporterSite| -> std::io::Result<()> {
        let uses = match site.uses {
            0 => String::new(),
            n => format!("  ({})", count(n, "use")),
        };
        let site = &site.site;
        writeln!(out, "{}{uses}", site.line())?;
        let via = site.via();
        if !via.is_empty() {
            writeln!(out, "    via {}", view::arrows(&via))?;
        }
        Ok(())
    };
    match importers.group_by {
        None => {
            for site in &importers.sites {
                site_lines(out, site)?;
            }
        }
        Some(by) => {
            let groups = match by {
                GroupBy::Module => &importers.by_module,
                GroupBy::Path => &importers.by_file,
            };
            for (index, group) in groups.iter().enumerate() {
                if index > 0 {
                    writeln!(out)?;
                }
                let sites = count(group.sites, "site");
                match by {
                    GroupBy::Module => {
                        let files = count(group.files, "file");
                        writeln!(out, "{}  ({sites} in {files})", group.key)?;
                    }
                    GroupBy::Path => writeln!(out, "{}  ({sites})", group.key)?,
                }
                for site in importers
                    .sites
                    .iter()
                    .filter(|s| group_key(&s.site, by) == group.key)
                {
                    site_lines(out, site)?;
                }
            }
        }
    }
    let s = &importers.summary;
    if s.sites > 0 {
        writeln!(out)?;
    }
    writeln!(
        out,
        "{}: {} in {} through {}; {} {} them",
        view::describe(&importers.resolved),
        count(s.sites, "import site"),
        count(s.files, "file"),
        count(s.module_paths, "module path"),
        count(s.uses, "use"),
        if s.uses == 1 { "follows" } else { "follow" },
    )?;
    if importers.by_module.len() > 1 {
        for group in &importers.by_module {
            writeln!(out, "  {:>5}  {}", group.sites, group.key)?;
        }
    }
    if let Some(transitive) = &importers.transitive {
        super::transitive_text(out, transitive.iter().map(|t| &t.chain[..]))?;
    }
    Ok(())
}

pub fn run(
    ctx: &super::Context,
    args: &crate::cli::ImportersArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    let filter = super::edge_filter(&args.filter, false);
    let importers = compute(
        ctx.project,
        &args.target,
        filter,
        args.transitive,
        args.group_by,
    )?;
    ctx.emit(out, &importers, text)
}
