//! `graph [TARGETS...]`: the module graph, or the neighbourhood of some modules, drawn.

use std::io::Write;

use anyhow::Result;

use crate::cli::{Format, GraphArgs};
use crate::draw::module_graph;
use crate::resolve::Resolver;
use crate::target;

pub fn run(ctx: &super::Context, args: &GraphArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    let mut resolver = Resolver::new(project);
    let targets = args
        .targets
        .iter()
        .map(|t| target::resolve_module(&mut resolver, t))
        .collect::<Result<Vec<_>>>()?;
    let options = module_graph::Options {
        targets,
        depth: args.depth,
        reverse: args.reverse,
        collapse: args.collapse.map(usize::from),
        exclude_external: args.exclude_external,
        max_nodes: args.max_nodes,
        filter: super::edge_filter(&args.filter, false),
    };
    let diagram = module_graph::build(project, &options)?;
    // The text form of a graph is its DOT source.
    let format = match ctx.format {
        Format::Text => Format::Dot,
        format => format,
    };
    super::draw(out, format, &diagram, project).map(|()| 0)
}
