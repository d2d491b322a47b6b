//! `imports MODULE`: what one module imports, each name resolved; with `--transitive`
//! every module it reaches through others.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;
use petgraph::Direction;
use serde::Serialize;

use crate::commands::count;
use crate::graph::{EdgeFilter, Graph};
use crate::index::Project;
use crate::resolve::Resolver;
use crate::target::resolve_module;
use crate::view::{self, SiteView};

#[derive(Serialize)]
pub struct Imports {
    pub schema: &'static str,
    pub module: String,
    pub path: Option<String>,
    /// In source order.
    pub sites: Vec<SiteView>,
    /// Modules the sites import directly, sorted.
    pub modules: Vec<ImportedModule>,
    /// With `--transitive`: every module reached through other modules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transitive: Option<Vec<Reached>>,
}

#[derive(Serialize)]
pub struct ImportedModule {
    pub name: String,
    pub external: bool,
}

#[derive(Serialize)]
pub struct Reached {
    pub module: String,
    pub external: bool,
    /// From MODULE to this module, importer first.
    pub chain: Vec<String>,
}

pub fn compute(
    project: &Project,
    module: &str,
    filter: EdgeFilter,
    transitive: bool,
) -> Result<Imports> {
    let mut resolver = Resolver::new(project);
    let id = resolve_module(&mut resolver, module)?;
    let sites: Vec<SiteView> = (0..project.sites.len())
        .filter(|&s| project.importer(s) == id && filter.keeps_site(project, s))
        .map(|s| view::site(&mut resolver, s).0)
        .collect();
    let graph = Graph::new(project, filter);
    let name = |m: u32| project.modules[m as usize].name.to_string();
    let external = |m: u32| project.modules[m as usize].external;
    let modules = graph
        .neighbors(id, Direction::Outgoing)
        .into_iter()
        .map(|m| ImportedModule {
            name: name(m),
            external: external(m),
        })
        .collect();
    let transitive = transitive.then(|| {
        let direct: BTreeSet<u32> = graph
            .neighbors(id, Direction::Outgoing)
            .into_iter()
            .collect();
        graph
            .reach(&[id], Direction::Outgoing)
            .into_iter()
            .filter(|chain| !direct.contains(chain.last().expect("never empty")))
            .map(|chain| {
                let last = *chain.last().expect("never empty");
                Reached {
                    module: name(last),
                    external: external(last),
                    chain: chain.iter().map(|&m| name(m)).collect(),
                }
            })
            .collect()
    });
    Ok(Imports {
        schema: "ssot-graph/imports/v1",
        module: name(id),
        path: project.modules[id as usize]
            .path
            .as_deref()
            .map(String::from),
        sites,
        modules,
        transitive,
    })
}

pub fn text(out: &mut dyn Write, imports: &Imports) -> std::io::Result<()> {
    for site in &imports.sites {
        writeln!(out, "{}", site.line())?;
        writeln!(out, "    → {}", view::describe(&site.resolved))?;
    }
    if !imports.sites.is_empty() {
        writeln!(out)?;
    }
    let external = imports.modules.iter().filter(|m| m.external).count();
    writeln!(
        out,
        "{}: {} of {} ({} in the repository, {external} external)",
        imports.module,
        count(imports.sites.len(), "import site"),
        count(imports.modules.len(), "module"),
        imports.modules.len() - external,
    )?;
    if let Some(transitive) = &imports.transitive {
        super::transitive_text(out, transitive.iter().map(|t| &t.chain[..]))?;
    }
    Ok(())
}

pub fn run(
    ctx: &super::Context,
    args: &crate::cli::ImportsArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    let filter = super::edge_filter(&args.filter, false);
    let imports = compute(ctx.project, &args.module, filter, args.transitive)?;
    ctx.emit(out, &imports, text)
}
