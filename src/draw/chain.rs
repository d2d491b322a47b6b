//! `why TARGET` as a drawing: from each module path that import sites use, one node per
//! hop (`module:line`) down to the true definition, which is highlighted.

use std::collections::BTreeMap;

use anyhow::Result;

use super::{Diagram, Edge, LABEL_LINES, LABEL_WIDTH, Marks, Node, wrap};
use crate::index::Project;
use crate::resolve::{Hop, Resolution, Resolver};
use crate::target::resolve_target;
use crate::view::{self, HopView};

/// Chains with more nodes than this are drawn top to bottom: left to right they would not
/// fit a 1,400-pixel-wide page at 100%.
const MAX_ACROSS: usize = 4;

/// A node's first line: a module name (or `module:line`), wrapped at its dots.
fn heading(text: &str) -> String {
    wrap(text, None, LABEL_WIDTH, 3)
}

/// A statement under a node's heading, wrapped, never cut before `focus`.
fn statement(text: &str, focus: Option<&str>) -> String {
    wrap(text, focus, LABEL_WIDTH, LABEL_LINES)
}

/// The chain behind `target`, from each module path that import sites use: every site of
/// the repository, or only those of `counted` (a report's, so that its drawing and its
/// table count the same sites).
pub fn build(project: &Project, target: &str, counted: Option<&[usize]>) -> Result<Diagram> {
    let mut resolver = Resolver::new(project);
    let (resolution, hops) = resolve_target(&mut resolver, target)?;
    // One representative chain per module path the repository's import sites name.
    let mut paths: BTreeMap<String, (usize, Vec<Hop>)> = BTreeMap::new();
    if matches!(resolution, Resolution::Definition { .. }) {
        let every: Vec<usize>;
        let sites = match counted {
            Some(sites) => sites,
            None => {
                every = (0..project.sites.len()).collect();
                &every
            }
        };
        for &site in sites {
            let (found, site_hops) = resolver.resolve_site(site);
            if found == resolution {
                let module = project.sites[site].target.unwrap_or_default();
                let entry = paths.entry(module.to_string()).or_insert((0, site_hops));
                entry.0 += 1;
            }
        }
    }
    let end = view::resolved(project, &resolution);
    let end_id = match (&end.module, end.line) {
        (Some(module), Some(line)) if end.kind != "module" => format!("{module}:{line}"),
        (Some(module), _) => module.clone(),
        _ => "unresolved".to_string(),
    };
    let mut diagram = Diagram {
        title: format!("why {target}"),
        left_to_right: true,
        ..Diagram::default()
    };
    let end_label = match (&end.statement, end.kind) {
        (Some(text), _) => format!(
            "{}\n{}",
            heading(&end_id),
            statement(text, end.name.as_deref())
        ),
        (None, "module" | "external") => format!("{}\n({})", heading(&end_id), end.kind),
        (None, _) => format!("{}\n{}", end.kind, end.reason.clone().unwrap_or_default()),
    };
    diagram.nodes.push(Node {
        id: end_id.clone(),
        label: end_label,
        cluster: None,
        marks: Marks {
            definition: matches!(resolution, Resolution::Definition { .. }),
            external: end.kind == "external",
            ..Marks::default()
        },
        tooltip: end.path.clone(),
        layer: None,
    });
    let mut chains: Vec<(String, Option<usize>, Vec<HopView>)> = paths
        .into_iter()
        .map(|(module, (sites, hops))| (module, Some(sites), view::chain(project, &hops)))
        .collect();
    // The target's own chain, unless a module path above already starts the same way.
    let target_chain = view::chain(project, &hops);
    if let Some(first) = target_chain.first()
        && !chains.iter().any(|(module, _, _)| *module == first.module)
    {
        chains.push((target.to_string(), None, target_chain));
    }
    let longest = chains
        .iter()
        .map(|(_, _, c)| c.len() + 2)
        .max()
        .unwrap_or(1);
    diagram.left_to_right = longest <= MAX_ACROSS;
    for (start, sites, chain) in chains {
        let start_id = format!("path:{start}");
        let label = match sites {
            Some(sites) => format!(
                "{}\n{}",
                heading(&start),
                crate::view::count(sites, "import site")
            ),
            None => format!("{}\n(the target)", heading(&start)),
        };
        diagram.nodes.push(Node {
            id: start_id.clone(),
            label,
            cluster: None,
            marks: Marks::default(),
            tooltip: None,
            layer: None,
        });
        let mut previous = start_id;
        let mut via = None;
        for hop in &chain {
            let id = format!("{}:{}", hop.module, hop.line);
            let deprecated = is_deprecated(project, &hop.module);
            let mut label = format!(
                "{}\n{}",
                heading(&id),
                statement(&hop.statement, Some(&hop.name))
            );
            if deprecated {
                label.push_str("\n(deprecated module)");
            }
            diagram.nodes.push(Node {
                id: id.clone(),
                label,
                cluster: None,
                marks: Marks {
                    deprecated,
                    ..Marks::default()
                },
                tooltip: Some(format!("{}:{}:{}", hop.path, hop.line, hop.col)),
                layer: None,
            });
            diagram.edges.push(edge(&previous, &id, via));
            previous = id;
            via = Some(hop.via);
        }
        diagram.edges.push(edge(&previous, &end_id, via));
    }
    diagram.sort();
    Ok(diagram)
}

fn edge(from: &str, to: &str, via: Option<&str>) -> Edge {
    Edge {
        from: from.to_string(),
        to: to.to_string(),
        deferred: false,
        label: via.map(str::to_string),
        tooltip: None,
        weight: None,
        upward: false,
    }
}

fn is_deprecated(project: &Project, module: &str) -> bool {
    project
        .by_name
        .get(module)
        .and_then(|&id| project.modules[id as usize].file)
        .is_some_and(|file| project.summary(file).deprecated.is_some())
}
