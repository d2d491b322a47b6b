//! `graph [TARGETS...]`: the module graph, or the neighbourhood of some modules, drawn.

use std::io::Write;

use anyhow::Result;

use crate::cli::{Format, GraphArgs};
use crate::draw::module_graph::{self, External, Layers};
use crate::resolve::Resolver;
use crate::rules::Rule;
use crate::target;

pub fn run(ctx: &super::Context, args: &GraphArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    let mut resolver = Resolver::new(project);
    let targets = args
        .targets
        .iter()
        .map(|t| target::resolve_module(&mut resolver, t))
        .collect::<Result<Vec<_>>>()?;
    let rules = crate::rules::load_configured(&project.root, ctx.config).unwrap_or_else(|error| {
        eprintln!("warning: rules not read: {error:#}");
        Vec::new()
    });
    let layers = match (&args.layers, args.no_layers) {
        (Some(text), _) => {
            let layers = Layers::from_flag(text);
            layers.check(project)?;
            Some(layers)
        }
        (None, false) => Layers::from_rules(&rules),
        (None, true) => None,
    };
    let options = module_graph::Options {
        targets,
        depth: args.depth,
        reverse: args.reverse,
        collapse: args.collapse.map(usize::from),
        // A matrix shows the repository's own packages, and every dependency among them.
        external: match (args.exclude_external, ctx.format) {
            (true, _) => Some(External::Hidden),
            (false, Format::Dsm) => args.external.or(Some(External::Hidden)),
            (false, _) => args.external,
        },
        max_nodes: args.max_nodes,
        filter: super::edge_filter(&args.filter, false),
        weight: args.weight,
        min_weight: match ctx.format {
            Format::Dsm => args.min_weight.or(Some(0)),
            _ => args.min_weight,
        },
        reduce: args.reduce,
        layers,
        called_out: single_definition_names(&rules),
    };
    let diagram = module_graph::build(project, &options)?;
    // The text form of a graph is its DOT source.
    let format = match ctx.format {
        Format::Text => Format::Dot,
        format => format,
    };
    super::draw(out, format, &diagram, project).map(|()| 0)
}

/// Whether a name is one a `single-definition` rule keeps to one definition.
pub fn single_definition_names(rules: &[Rule]) -> Box<dyn Fn(&str) -> bool> {
    let mut builder = globset::GlobSetBuilder::new();
    for rule in rules {
        if let crate::rules::RuleKind::SingleDefinition { names, .. } = &rule.kind {
            for name in names {
                if let Ok(glob) = globset::Glob::new(name) {
                    builder.add(glob);
                }
            }
        }
    }
    let names = builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());
    Box::new(move |name| names.is_match(name))
}
