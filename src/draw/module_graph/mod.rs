//! The module graph, or the neighbourhood of some modules, as a diagram: one box per
//! package, edges as wide as the imports they carry, dashed for imports that never run
//! at import time, ranked by layers when there are any; a whole repository collapsed to
//! the finest level that fits one screen.

mod cycles;
mod group;
mod layers;
mod model;
mod node;
mod select;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap, FxHashSet};

pub use group::{External, Grouping};
pub use layers::Layers;
pub use model::Options;
use model::{Drawn, Group, Load};

use super::weight::{Weight, thousands};
use super::{Diagram, Edge};
use crate::graph::Graph;
use crate::index::{ModuleId, Project};
use crate::view::count;

/// A drawing of the whole repository with no `--collapse` is collapsed to the finest
/// level that draws at most this many nodes: what reads on one screen.
pub const FITS_ONE_SCREEN: usize = 60;

/// An overview keeps its heaviest edges, at most about this many per node.
const EDGES_PER_NODE: usize = 2;

/// The least weight an overview's edges need so that at most `EDGES_PER_NODE` per node
/// (and at least 30) remain: the heaviest dependencies, not a hairball.
fn lightest_that_fits(drawn: &Drawn) -> usize {
    let room = (EDGES_PER_NODE * drawn.groups.len()).max(30);
    let mut weights: Vec<usize> = drawn.edges.values().map(|load| load.weight).collect();
    if weights.len() <= room {
        return 0;
    }
    weights.sort_unstable_by(|a, b| b.cmp(a));
    // Edges as heavy as the last one kept stay too: one more than the next lighter.
    weights[room - 1].max(weights[room] + 1)
}

pub fn build(project: &Project, options: &Options) -> Result<Diagram> {
    let graph = Graph::new(project, options.filter);
    let selection = select::select(project, &graph, options);
    let (grouping, chosen) = grouping(project, &selection.modules, options)?;
    let mut drawn = group(project, &selection, grouping, options);
    let mut notes = Vec::new();
    if let Some(budget) = chosen.filter(|_| grouping.level.is_some()) {
        notes.push(format!(
            "{}: the finest that fits {budget} nodes (--collapse N draws another)",
            count(grouping.level.unwrap_or_default(), "level")
        ));
    }
    if grouping.external == External::Grouped && options.external.is_none() {
        // The flag that draws each package is named only when that drawing can be made.
        let each = Grouping {
            external: External::ThirdParty,
            ..grouping
        };
        let flags = each.flags();
        notes.push(
            match each.count(project, &selection.modules) <= options.max_nodes {
                true => format!("third-party packages drawn as one node ({flags} draws each)"),
                false => {
                    "third-party packages drawn as one node (too many to draw each)".to_string()
                }
            },
        );
    }
    if options.reduce {
        drawn = cycles::condense(drawn);
        let implied = cycles::reduce(&mut drawn);
        if implied > 0 {
            notes.push(format!(
                "{} that longer paths imply left out (--reduce)",
                count(implied, "edge")
            ));
        }
        for group in drawn.groups.iter().filter(|g| !g.parts.is_empty()) {
            notes.push(format!(
                "{} ({}): ssot-graph graph {} --depth 0{} draws it",
                group.name,
                count(group.parts.len(), "node"),
                group.parts.join(" "),
                match grouping.level {
                    Some(level) => format!(" --collapse {level}"),
                    None => String::new(),
                }
            ));
        }
    }
    let min_weight = match (options.min_weight, chosen) {
        (Some(weight), _) => weight,
        (None, Some(_)) => lightest_that_fits(&drawn),
        (None, None) => 0,
    };
    if min_weight > 1 {
        let before = drawn.edges.len();
        drawn.edges.retain(|_, load| load.weight >= min_weight);
        let hidden = before - drawn.edges.len();
        if hidden > 0 {
            let flag = match options.min_weight {
                Some(_) => "--min-weight".to_string(),
                None => "--min-weight 1 draws every edge".to_string(),
            };
            notes.push(format!(
                "{} carrying fewer than {} hidden ({flag})",
                count(hidden, "edge"),
                count(min_weight, options.weight.noun()),
            ));
        }
    }
    let duplicates = match drawn.groups.iter().any(|g| g.members.len() == 1) {
        true => node::duplicated_names(project, &*options.called_out),
        false => FxHashMap::default(),
    };
    let mut diagram = Diagram {
        title: title(project, options, grouping),
        left_to_right: wide(project, &selection, grouping),
        ..Diagram::default()
    };
    for group in &drawn.groups {
        let mut node = node::node(project, group, &duplicates);
        node.layer = options.layers.as_ref().and_then(|l| l.of(&node.id));
        diagram.nodes.push(node);
    }
    if let Some(layers) = &options.layers {
        diagram.layers = layers.labels();
        notes.push(format!("layers from {}, highest first", layers.source));
        let empty: Vec<&str> = (0..layers.lines.len())
            .filter(|&i| !diagram.nodes.iter().any(|n| n.layer == Some(i)))
            .map(|i| layers.lines[i].0.as_str())
            .collect();
        if !empty.is_empty() {
            notes.push(format!(
                "no node drawn in layer {}: drawn inside a collapsed package or not selected",
                empty.join(", ")
            ));
        }
    }
    let noun = options.weight.noun();
    for (&(from, to), load) in &drawn.edges {
        let (a, b) = (&diagram.nodes[from], &diagram.nodes[to]);
        let upward = matches!((a.layer, b.layer), (Some(x), Some(y)) if x > y);
        let mut tooltip = format!("{} → {}: {}", a.id, b.id, count(load.weight, noun));
        if options.weight == Weight::References {
            tooltip.push_str(&format!(" ({})", count(load.sites, "import site")));
        }
        if upward {
            tooltip.push_str(", from a lower layer to a higher one");
        }
        diagram.edges.push(Edge {
            from: a.id.clone(),
            to: b.id.clone(),
            deferred: load.deferred,
            // An edge without a count carries one (the legend's note says so).
            label: (load.weight > 1).then(|| thousands(load.weight)),
            tooltip: Some(tooltip),
            weight: Some(load.weight),
            upward,
        });
    }
    diagram.notes = notes;
    diagram.weighed = Some(options.weight.noun());
    diagram.sort();
    Ok(diagram)
}

/// A neighbourhood with more nodes at one distance from its targets than a row of a page
/// holds: drawn left to right, those nodes in a column.
fn wide(project: &Project, selection: &select::Selection, grouping: Grouping) -> bool {
    const ROW: usize = 8;
    let mut at: BTreeMap<usize, FxHashSet<&str>> = BTreeMap::new();
    for (&module, &steps) in &selection.distance {
        if let Some(node) = grouping.node(project, module) {
            at.entry(steps).or_default().insert(node);
        }
    }
    at.values().any(|nodes| nodes.len() > ROW)
}

/// The grouping asked for, or for a whole repository with no `--collapse`, the finest
/// that fits one screen (with the number of nodes it was chosen to fit); an error with
/// the flags that would fit when the drawing is too large.
fn grouping(
    project: &Project,
    selected: &[ModuleId],
    options: &Options,
) -> Result<(Grouping, Option<usize>)> {
    if options.targets.is_empty() && options.collapse.is_none() {
        let budget = options.max_nodes.min(FITS_ONE_SCREEN);
        if let Some(grouping) = Grouping::fitting(project, selected, budget, options.external) {
            return Ok((grouping, Some(budget)));
        }
    }
    let asked = External::tried(options.external)
        .into_iter()
        .map(|external| Grouping {
            level: options.collapse,
            external,
        });
    let mut nodes = 0;
    for grouping in asked {
        nodes = grouping.count(project, selected);
        if nodes <= options.max_nodes {
            return Ok((grouping, None));
        }
    }
    let hint = match Grouping::fitting(project, selected, options.max_nodes, None) {
        Some(fits) => format!("{} draws {}; ", fits.flags(), fits.count(project, selected)),
        None => String::new(),
    };
    bail!(
        "the drawing would have {nodes} nodes, more than --max-nodes {} can show readably: \
         {hint}a TARGET with --depth draws a neighbourhood; --max-nodes N raises the limit",
        options.max_nodes,
    )
}

/// The selected modules as nodes, and the import sites between them as weighed edges.
fn group(
    project: &Project,
    selection: &select::Selection,
    grouping: Grouping,
    options: &Options,
) -> Drawn {
    let mut members: BTreeMap<&str, Vec<ModuleId>> = BTreeMap::new();
    for &module in &selection.modules {
        if let Some(name) = grouping.node(project, module) {
            members.entry(name).or_default().push(module);
        }
    }
    let index: FxHashMap<&str, usize> = members
        .keys()
        .enumerate()
        .map(|(i, &name)| (name, i))
        .collect();
    let chosen: FxHashSet<ModuleId> = selection.modules.iter().copied().collect();
    let node_of = |m: ModuleId| -> Option<usize> {
        match chosen.contains(&m) {
            true => grouping.node(project, m).map(|name| index[name]),
            false => None,
        }
    };
    let mut edges: BTreeMap<(usize, usize), Load> = BTreeMap::new();
    for edge in project.graph().edge_references() {
        let (importer, imported) = (
            edge.source().index() as ModuleId,
            edge.target().index() as ModuleId,
        );
        let (Some(from), Some(to)) = (node_of(importer), node_of(imported)) else {
            continue;
        };
        if !selection.shows(importer, imported, options) {
            continue;
        }
        if from == to {
            continue;
        }
        for &site in project.graph().sites(edge.id()) {
            let site = site as usize;
            if !options.filter.keeps_site(project, site) {
                continue;
            }
            let context = project.sites[site].context;
            edges.entry((from, to)).or_default().add(Load {
                weight: options.weight.of_site(project, site),
                sites: 1,
                deferred: context.type_checking || context.function,
            });
        }
    }
    Drawn {
        groups: members
            .into_iter()
            .map(|(name, members)| Group {
                name: name.to_string(),
                members,
                parts: Vec::new(),
            })
            .collect(),
        edges,
    }
}

fn title(project: &Project, options: &Options, grouping: Grouping) -> String {
    let names: BTreeSet<&str> = options
        .targets
        .iter()
        .map(|&t| project.modules[t as usize].name.as_str())
        .collect();
    let mut title = if names.is_empty() {
        "import graph".to_string()
    } else {
        let what = if options.reverse {
            "importers"
        } else {
            "imports"
        };
        format!(
            "{} and its {what} (depth {})",
            names.into_iter().collect::<Vec<_>>().join(", "),
            options.depth
        )
    };
    if let Some(level) = grouping.level {
        title.push_str(&format!(", collapsed to {}", count(level, "level")));
    }
    if options.weight == Weight::References {
        title.push_str(", edges weighed by references");
    }
    title
}
