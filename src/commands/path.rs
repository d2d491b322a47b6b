//! `path FROM TO`: the shortest import chain(s) between two modules, each hop with its site.

use std::io::Write;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::commands::count;
use crate::graph::{EdgeFilter, Graph, MAX_CHAINS};
use crate::index::Project;
use crate::resolve::Resolver;
use crate::target::resolve_module;
use crate::view::{self, LinkView};

#[derive(Serialize)]
pub struct Path {
    pub schema: &'static str,
    pub from: String,
    pub to: String,
    /// Empty when no chain exists.
    pub chains: Vec<Chain>,
    /// `--all` stopped at the limit of chains.
    pub truncated: bool,
}

#[derive(Serialize)]
pub struct Chain {
    pub modules: Vec<String>,
    pub links: Vec<LinkView>,
}

pub fn compute(
    project: &Project,
    from: &str,
    to: &str,
    filter: EdgeFilter,
    all: bool,
) -> Result<Path> {
    let mut resolver = Resolver::new(project);
    let from_id = resolve_module(&mut resolver, from)?;
    let to_id = resolve_module(&mut resolver, to)?;
    if from_id == to_id {
        bail!("{from} and {to} are the same module; `cycles` lists the chains that return to it");
    }
    let graph = Graph::new(project, filter);
    let found = graph.shortest_chains(from_id, to_id, all);
    let chains: Vec<Chain> = found
        .iter()
        .map(|modules| Chain {
            modules: modules
                .iter()
                .map(|&m| project.modules[m as usize].name.to_string())
                .collect(),
            links: graph
                .links(modules)
                .iter()
                .map(|l| view::link(project, l))
                .collect(),
        })
        .collect();
    Ok(Path {
        schema: "ssot-graph/path/v1",
        from: project.modules[from_id as usize].name.to_string(),
        to: project.modules[to_id as usize].name.to_string(),
        truncated: chains.len() >= MAX_CHAINS,
        chains,
    })
}

pub fn text(out: &mut dyn Write, path: &Path) -> std::io::Result<()> {
    for (index, chain) in path.chains.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", view::arrows(&chain.modules))?;
        for link in &chain.links {
            writeln!(out, "  {}", link.text())?;
        }
    }
    match path.chains.first() {
        None => writeln!(out, "no import chain from {} to {}", path.from, path.to),
        Some(first) => {
            let hops = count(first.links.len(), "hop");
            let more = if path.truncated {
                " (stopped at the limit)"
            } else {
                ""
            };
            let chains = count(path.chains.len(), "shortest chain");
            writeln!(out)?;
            writeln!(out, "{chains} of {hops}{more}")
        }
    }
}

pub fn run(ctx: &super::Context, args: &crate::cli::PathArgs, out: &mut dyn Write) -> Result<i32> {
    let filter = super::edge_filter(&args.filter, args.parents.include_parents);
    let path = compute(ctx.project, &args.from, &args.to, filter, args.all)?;
    ctx.emit(out, &path, text)?;
    // No chain is an answer, as grep's no match is: exit 1.
    Ok(i32::from(path.chains.is_empty()))
}
