//! The module graph, or the neighbourhood of some modules, as a diagram: one box per
//! package, dashed edges for imports that never run at import time, deprecated modules
//! and modules defining duplicated names marked.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use petgraph::Direction;
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Diagram, Edge, Marks, Node};
use crate::graph::{EdgeFilter, Graph};
use crate::index::{ModuleId, Project};
use crate::query::{self, DefinitionKind, DuplicateOptions};
use crate::resolve::Resolver;

pub struct Options {
    /// Modules (with everything below them) to draw around; empty: the whole repository.
    pub targets: Vec<ModuleId>,
    /// Import steps followed out of the targets.
    pub depth: usize,
    /// Follow importers instead of imports.
    pub reverse: bool,
    /// Draw modules deeper than this many name components as their ancestor.
    pub collapse: Option<usize>,
    pub exclude_external: bool,
    /// Refuse drawings with more nodes than this.
    pub max_nodes: usize,
    pub filter: EdgeFilter,
}

/// `a.b.c.d` collapsed to 2 components is `a.b`.
fn collapsed(name: &str, level: Option<usize>) -> &str {
    match level {
        Some(level) => match name.match_indices('.').nth(level.max(1) - 1) {
            Some((at, _)) => &name[..at],
            None => name,
        },
        None => name,
    }
}

pub fn build(project: &Project, options: &Options) -> Result<Diagram> {
    let graph = Graph::new(project, options.filter);
    let selected = select(project, &graph, options);
    let count_at = |level: Option<usize>, external: bool| -> usize {
        selected
            .iter()
            .filter(|&&m| external || !project.modules[m as usize].external)
            .map(|&m| collapsed(&project.modules[m as usize].name, level))
            .collect::<FxHashSet<_>>()
            .len()
    };
    let nodes = count_at(options.collapse, true);
    if nodes > options.max_nodes {
        bail!(
            "the drawing would have {nodes} nodes, more than --max-nodes {} can show readably: \
             {}a TARGET with --depth draws a neighbourhood; --max-nodes N raises the limit",
            options.max_nodes,
            smaller(project, &selected, options, count_at)
        );
    }
    let duplicates = duplicated_names(project);
    let mut diagram = Diagram {
        title: title(project, options),
        left_to_right: false,
        ..Diagram::default()
    };
    let mut members: BTreeMap<&str, Vec<ModuleId>> = BTreeMap::new();
    for &module in &selected {
        let name = collapsed(&project.modules[module as usize].name, options.collapse);
        members.entry(name).or_default().push(module);
    }
    for (name, modules) in &members {
        diagram
            .nodes
            .push(node(project, name, modules, &duplicates));
    }
    let chosen: FxHashSet<ModuleId> = selected.iter().copied().collect();
    let mut edges: BTreeMap<(&str, &str), (usize, bool)> = BTreeMap::new();
    for edge in project.graph().edge_references() {
        let (from, to) = (
            edge.source().index() as ModuleId,
            edge.target().index() as ModuleId,
        );
        if !chosen.contains(&from) || !chosen.contains(&to) {
            continue;
        }
        let sites: Vec<usize> = (project.graph().sites(edge.id()).iter())
            .map(|&s| s as usize)
            .filter(|&s| options.filter.keeps_site(project, s))
            .collect();
        if sites.is_empty() {
            continue;
        }
        let a = collapsed(&project.modules[from as usize].name, options.collapse);
        let b = collapsed(&project.modules[to as usize].name, options.collapse);
        if a == b {
            continue;
        }
        let deferred = sites.iter().all(|&s| {
            let context = project.sites[s].context;
            context.type_checking || context.function
        });
        let entry = edges.entry((a, b)).or_insert((0, true));
        entry.0 += sites.len();
        entry.1 &= deferred;
    }
    for ((from, to), (sites, deferred)) in edges {
        diagram.edges.push(Edge {
            from: from.to_string(),
            to: to.to_string(),
            deferred,
            label: None,
            tooltip: Some(crate::view::count(sites, "import site")),
        });
    }
    diagram.sort();
    Ok(diagram)
}

/// A flag combination that would fit, as a hint: the finest `--collapse` level (with
/// `--exclude-external` when only that fits) whose node count is within the limit.
fn smaller(
    project: &Project,
    selected: &[ModuleId],
    options: &Options,
    count_at: impl Fn(Option<usize>, bool) -> usize,
) -> String {
    let deepest = selected
        .iter()
        .map(|&m| project.modules[m as usize].name.split('.').count())
        .max()
        .unwrap_or(1);
    let externals = selected
        .iter()
        .any(|&m| project.modules[m as usize].external);
    let mut tries = vec![true];
    if externals {
        tries.push(false);
    }
    for external in tries {
        let fits = (1..deepest)
            .rev()
            .map(|level| (level, count_at(Some(level), external)))
            .find(|&(_, n)| n <= options.max_nodes);
        if let Some((level, n)) = fits {
            let flag = if external { "" } else { " --exclude-external" };
            return format!("--collapse {level}{flag} draws {n}; ");
        }
    }
    String::new()
}

/// The modules to draw: everything, or the targets (and their submodules) plus what lies
/// within `depth` import steps of them.
fn select(project: &Project, graph: &Graph, options: &Options) -> Vec<ModuleId> {
    let keep = |m: ModuleId| !(options.exclude_external && project.modules[m as usize].external);
    let mut chosen: FxHashSet<ModuleId> = FxHashSet::default();
    if options.targets.is_empty() {
        chosen.extend(
            (0..project.modules.len() as ModuleId)
                .filter(|&m| keep(m) && worth_drawing(project, m)),
        );
    } else {
        for &target in &options.targets {
            let prefix = format!("{}.", project.modules[target as usize].name);
            chosen.insert(target);
            chosen.extend(
                project
                    .modules
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !m.external && m.name.starts_with(&prefix))
                    .map(|(id, _)| id as ModuleId),
            );
        }
        let direction = if options.reverse {
            Direction::Incoming
        } else {
            Direction::Outgoing
        };
        let mut frontier: Vec<ModuleId> = chosen.iter().copied().collect();
        for _ in 0..options.depth {
            let mut next = Vec::new();
            for module in frontier {
                for found in graph.neighbors(module, direction) {
                    if keep(found) && chosen.insert(found) {
                        next.push(found);
                    }
                }
            }
            frontier = next;
        }
    }
    let mut chosen: Vec<ModuleId> = chosen.into_iter().collect();
    chosen.sort_by(|a, b| {
        project.modules[*a as usize]
            .name
            .cmp(&project.modules[*b as usize].name)
    });
    chosen
}

/// In a whole-repository drawing: modules with code, and packages some import touches
/// (an empty `__init__` nothing imports only takes room).
fn worth_drawing(project: &Project, module: ModuleId) -> bool {
    let node = petgraph::graph::NodeIndex::new(module as usize);
    let m = &project.modules[module as usize];
    let imported = |direction| {
        let graph = project.graph();
        graph
            .edges_directed(node, direction)
            .any(|e| !graph.sites(e.id()).is_empty())
    };
    (m.file.is_some() && !m.is_package)
        || imported(Direction::Incoming)
        || imported(Direction::Outgoing)
}

/// For each module, the names it defines that are also defined elsewhere.
fn duplicated_names(project: &Project) -> FxHashMap<ModuleId, Vec<String>> {
    let mut resolver = Resolver::new(project);
    let mut found: FxHashMap<ModuleId, Vec<String>> = FxHashMap::default();
    let filter = EdgeFilter::default();
    let listing = query::duplicates(
        &mut resolver,
        DefinitionKind::Any,
        &|_| true,
        &filter,
        DuplicateOptions::default(),
    );
    for duplicate in listing.duplicates {
        for definition in duplicate.definitions {
            found
                .entry(definition.module)
                .or_default()
                .push(duplicate.name.clone());
        }
    }
    found
}

fn node(
    project: &Project,
    name: &str,
    members: &[ModuleId],
    duplicates: &FxHashMap<ModuleId, Vec<String>>,
) -> Node {
    let own = project.by_name.get(name).copied();
    let module = own.map(|id| &project.modules[id as usize]);
    let external = module.is_some_and(|m| m.external);
    let is_collapsed = members.len() > 1 || own.is_none_or(|id| members != [id]);
    let deprecated = module
        .and_then(|m| m.file)
        .and_then(|f| project.summary(f).deprecated.clone());
    let duplicated = own
        .and_then(|id| duplicates.get(&id))
        .filter(|_| !is_collapsed);
    let is_package = module.is_some_and(|m| m.is_package);
    let last = name.rsplit('.').next().unwrap_or(name);
    let mut label = if is_collapsed {
        format!(
            "{last}.*\n({})",
            crate::view::count(members.len(), "module")
        )
    } else if is_package && !external {
        format!("{last}/__init__")
    } else {
        last.to_string()
    };
    let mut tooltip = vec![name.to_string()];
    if let Some(message) = &deprecated {
        label.push_str("\n(deprecated)");
        tooltip.push(format!("deprecated: {message}"));
    }
    if let Some(names) = duplicated {
        // Most imported first (the `duplicates` ranking); a few, then how many more.
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        let more = match names.len().saturating_sub(shown.len()) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let text = format!("also defined elsewhere: {}{more}", shown.join(", "));
        label.push('\n');
        label.push_str(&super::wrap(
            &text,
            None,
            super::LABEL_WIDTH,
            super::LABEL_LINES,
        ));
    }
    // A package's own `__init__` sits in its box; every other module in its parent's.
    let cluster = if external {
        None
    } else if is_package && !is_collapsed {
        Some(name.to_string())
    } else {
        name.rsplit_once('.').map(|(parent, _)| parent.to_string())
    };
    Node {
        id: name.to_string(),
        label,
        cluster,
        marks: Marks {
            external,
            deprecated: deprecated.is_some(),
            duplicate: duplicated.is_some(),
            definition: false,
            collapsed: is_collapsed,
        },
        tooltip: Some(tooltip.join("\n")),
    }
}

fn title(project: &Project, options: &Options) -> String {
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
    if let Some(level) = options.collapse {
        title.push_str(&format!(", collapsed to {level} levels"));
    }
    title
}
