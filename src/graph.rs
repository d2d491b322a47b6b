//! Module-level questions answered on the import graph alone: who reaches whom, by which
//! shortest chain, and where the graph loops.

use std::collections::VecDeque;

use petgraph::Direction;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef, NodeFiltered};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::index::{GraphFigures, ModuleId, Project};

/// Enumerating every shortest chain stops here: dense graphs have millions.
pub const MAX_CHAINS: usize = 1000;

/// Which import sites make edges of the graph a query walks.
#[derive(Clone, Copy, Debug)]
pub struct EdgeFilter {
    /// Sites in files matching the `tests` globs.
    pub tests: bool,
    /// Sites inside `if TYPE_CHECKING:`.
    pub type_checking: bool,
    /// The implicit edges to parent packages that Python runs first.
    pub parents: bool,
}

impl Default for EdgeFilter {
    fn default() -> Self {
        EdgeFilter {
            tests: true,
            type_checking: true,
            parents: false,
        }
    }
}

impl EdgeFilter {
    pub fn keeps_site(&self, project: &Project, site: usize) -> bool {
        let record = &project.sites[site];
        (self.tests || !project.files[record.file as usize].is_test)
            && (self.type_checking || !project.sites[site].context.type_checking)
    }
}

/// One edge of a chain: `from` imports `to`, shown by one of its sites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub from: ModuleId,
    pub to: ModuleId,
    pub site: usize,
    /// The site imports a submodule of `to`: `to` only runs as its parent package.
    pub implicit: bool,
}

/// A strongly connected component of the graph and one concrete cycle in it.
#[derive(Debug)]
pub struct Cycle {
    /// Every module of the component, sorted by name.
    pub members: Vec<ModuleId>,
    /// The cycle, closed: the first module is repeated at the end.
    pub chain: Vec<ModuleId>,
    /// Every cycle of the component passes through a `TYPE_CHECKING` or function-level
    /// import: it cannot fail while modules are being imported.
    pub deferred: bool,
}

/// The whole graph's figures, computed on first call and kept on the project.
pub fn figures(project: &Project) -> &GraphFigures {
    project.graph_figures.get_or_init(|| {
        let cycles = Graph::new(project, EdgeFilter::default()).cycles();
        let graph = project.graph();
        let direct = graph
            .edge_indices()
            .filter(|&e| !graph.sites(e).is_empty())
            .count();
        GraphFigures {
            direct_edges: direct as u32,
            implicit_edges: (graph.edge_count() - direct) as u32,
            cycles: cycles
                .iter()
                .map(|c| (c.members.len() as u32, c.deferred))
                .collect(),
        }
    })
}

/// The import graph as seen through one filter.
pub struct Graph<'p> {
    project: &'p Project,
    filter: EdgeFilter,
    /// Only edges between these modules, when set.
    within: Option<FxHashSet<ModuleId>>,
}

impl<'p> Graph<'p> {
    pub fn new(project: &'p Project, filter: EdgeFilter) -> Self {
        Graph {
            project,
            filter,
            within: None,
        }
    }

    /// The same graph restricted to the edges between `modules`.
    pub fn within(mut self, modules: FxHashSet<ModuleId>) -> Self {
        self.within = Some(modules);
        self
    }

    /// The kept sites of an edge, explicit ones first, each with whether it is implicit.
    fn sites(&self, edge: EdgeIndex) -> impl Iterator<Item = (usize, bool)> + '_ {
        let graph = self.project.graph();
        let implicit = if self.filter.parents {
            graph.implicit_sites(edge)
        } else {
            &[]
        };
        let explicit = graph.sites(edge).iter().map(|&s| (s as usize, false));
        explicit
            .chain(implicit.iter().map(|&s| (s as usize, true)))
            .filter(|&(s, _)| self.filter.keeps_site(self.project, s))
    }

    fn is_deferred(&self, site: usize) -> bool {
        let context = self.project.sites[site].context;
        context.type_checking || context.function
    }

    fn keeps(&self, edge: EdgeIndex) -> bool {
        self.inside(edge) && self.sites(edge).next().is_some()
    }

    fn inside(&self, edge: EdgeIndex) -> bool {
        match &self.within {
            None => true,
            Some(modules) => {
                let (a, b) = self
                    .project
                    .graph()
                    .edge_endpoints(edge)
                    .expect("edge exists");
                modules.contains(&(a.index() as ModuleId))
                    && modules.contains(&(b.index() as ModuleId))
            }
        }
    }

    fn keeps_eager(&self, edge: EdgeIndex) -> bool {
        self.inside(edge) && self.sites(edge).any(|(s, _)| !self.is_deferred(s))
    }

    fn name(&self, module: ModuleId) -> &'p str {
        &self.project.modules[module as usize].name
    }

    /// Modules `module` imports (`Outgoing`) or is imported by (`Incoming`), by name.
    pub fn neighbors(&self, module: ModuleId, direction: Direction) -> Vec<ModuleId> {
        let node = NodeIndex::new(module as usize);
        let mut found: Vec<ModuleId> = self
            .project
            .graph()
            .edges_directed(node, direction)
            .filter(|e| self.keeps(e.id()))
            .map(|e| match direction {
                Direction::Outgoing => e.target().index() as ModuleId,
                Direction::Incoming => e.source().index() as ModuleId,
            })
            .filter(|&m| m != module)
            .collect();
        found.sort_by_key(|&m| self.project.name_rank(m));
        found
    }

    /// The modules `module` imports while it is itself imported (not under
    /// `TYPE_CHECKING`, not in a function), parents included when the filter has them.
    pub fn imported_during_import(&self, module: ModuleId) -> Vec<ModuleId> {
        let node = NodeIndex::new(module as usize);
        self.project
            .graph()
            .edges_directed(node, Direction::Outgoing)
            .filter(|e| self.keeps_eager(e.id()))
            .map(|e| e.target().index() as ModuleId)
            .filter(|&m| m != module)
            .collect()
    }

    /// The site that best shows `from` importing `to`: the first one executed at import
    /// time, else the first one.
    pub fn link(&self, from: ModuleId, to: ModuleId) -> Option<Link> {
        let edge = self
            .project
            .graph()
            .find_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize))?;
        let (site, implicit) = self
            .sites(edge)
            .find(|&(s, _)| !self.is_deferred(s))
            .or_else(|| self.sites(edge).next())?;
        Some(Link {
            from,
            to,
            site,
            implicit,
        })
    }

    /// The links along a chain of modules.
    pub fn links(&self, chain: &[ModuleId]) -> Vec<Link> {
        chain
            .windows(2)
            .filter_map(|pair| self.link(pair[0], pair[1]))
            .collect()
    }

    /// Breadth-first from `starts`: each reached module with the one it was reached from.
    /// With `until`, the walk stops once all of those are reached (their chains are final).
    fn bfs(
        &self,
        starts: &[ModuleId],
        direction: Direction,
        allowed: impl Fn(EdgeIndex) -> bool,
        until: Option<&[ModuleId]>,
    ) -> FxHashMap<ModuleId, Option<ModuleId>> {
        let done = |parent: &FxHashMap<ModuleId, Option<ModuleId>>| {
            until.is_some_and(|wanted| wanted.iter().all(|m| parent.contains_key(m)))
        };
        let mut parent: FxHashMap<ModuleId, Option<ModuleId>> = FxHashMap::default();
        let mut queue = VecDeque::new();
        for &start in starts {
            if parent.insert(start, None).is_none() {
                queue.push_back(start);
            }
        }
        while let Some(module) = queue.pop_front() {
            let node = NodeIndex::new(module as usize);
            let mut next: Vec<ModuleId> = self
                .project
                .graph()
                .edges_directed(node, direction)
                .filter(|e| allowed(e.id()))
                .map(|e| match direction {
                    Direction::Outgoing => e.target().index() as ModuleId,
                    Direction::Incoming => e.source().index() as ModuleId,
                })
                .collect();
            next.sort_by_key(|&m| self.project.name_rank(m));
            for found in next {
                if let std::collections::hash_map::Entry::Vacant(entry) = parent.entry(found) {
                    entry.insert(Some(module));
                    queue.push_back(found);
                }
            }
            if done(&parent) {
                break;
            }
        }
        parent
    }

    /// Every module reachable from `starts` (importers with `Incoming`, imported modules
    /// with `Outgoing`) that is not a start, sorted by name, each with one shortest chain
    /// written in import order (importer first).
    pub fn reach(&self, starts: &[ModuleId], direction: Direction) -> Vec<Vec<ModuleId>> {
        self.reach_only(starts, direction, None)
    }

    /// `reach`, for the modules `only` alone when given (the walk ends once they are
    /// reached: the chains are those a full walk finds).
    pub fn reach_only(
        &self,
        starts: &[ModuleId],
        direction: Direction,
        only: Option<&[ModuleId]>,
    ) -> Vec<Vec<ModuleId>> {
        let parent = self.bfs(starts, direction, |e| self.keeps(e), only);
        let mut reached: Vec<ModuleId> = parent
            .iter()
            .filter(|&(&m, from)| from.is_some() && only.is_none_or(|o| o.contains(&m)))
            .map(|(&m, _)| m)
            .collect();
        reached.sort_by_key(|&m| self.project.name_rank(m));
        reached
            .into_iter()
            .map(|module| {
                let mut chain = vec![module];
                let mut at = module;
                while let Some(Some(up)) = parent.get(&at) {
                    chain.push(*up);
                    at = *up;
                }
                if direction == Direction::Outgoing {
                    chain.reverse();
                }
                chain
            })
            .collect()
    }

    /// The modules that run while `module` is first imported (through imports made at
    /// import time, not under `TYPE_CHECKING` or in functions), `module` included: each of
    /// them runs before `module` has bound its names.
    pub fn runs_during_import(&self, module: ModuleId) -> FxHashSet<ModuleId> {
        self.bfs(
            &[module],
            Direction::Outgoing,
            |e| self.keeps_eager(e),
            None,
        )
        .into_keys()
        .collect()
    }

    /// The shortest chains `from` → … → `to`: one, or with `all` every chain of the
    /// shortest length (at most `MAX_CHAINS`), in name order.
    pub fn shortest_chains(&self, from: ModuleId, to: ModuleId, all: bool) -> Vec<Vec<ModuleId>> {
        // Distances from `from`, then walk back from `to` through every predecessor one
        // step closer.
        let mut distance: FxHashMap<ModuleId, usize> = FxHashMap::default();
        distance.insert(from, 0);
        let mut queue = VecDeque::from([from]);
        while let Some(module) = queue.pop_front() {
            if module == to {
                break;
            }
            let d = distance[&module];
            for next in self.neighbors(module, Direction::Outgoing) {
                distance.entry(next).or_insert_with(|| {
                    queue.push_back(next);
                    d + 1
                });
            }
        }
        if !distance.contains_key(&to) {
            return Vec::new();
        }
        let limit = if all { MAX_CHAINS } else { 1 };
        let mut chains = Vec::new();
        let mut partial = vec![to];
        self.walk_back(&distance, from, &mut partial, &mut chains, limit);
        chains
    }

    fn walk_back(
        &self,
        distance: &FxHashMap<ModuleId, usize>,
        from: ModuleId,
        partial: &mut Vec<ModuleId>,
        chains: &mut Vec<Vec<ModuleId>>,
        limit: usize,
    ) {
        let at = *partial.last().expect("never empty");
        if at == from {
            chains.push(partial.iter().rev().copied().collect());
            return;
        }
        let d = distance[&at];
        for previous in self.neighbors(at, Direction::Incoming) {
            if chains.len() >= limit {
                return;
            }
            if distance.get(&previous) == Some(&(d - 1)) {
                partial.push(previous);
                self.walk_back(distance, from, partial, chains, limit);
                partial.pop();
            }
        }
    }

    /// Strongly connected components of more than one module, each with one shortest
    /// concrete cycle (an import-time one when the component has any), sorted by name.
    pub fn cycles(&self) -> Vec<Cycle> {
        // Only the modules `within` are visited: a rule's cycles are found without a walk
        // of the whole graph.
        let graph = NodeFiltered::from_fn(&**self.project.graph(), |n: NodeIndex| {
            self.within
                .as_ref()
                .is_none_or(|w| w.contains(&(n.index() as ModuleId)))
        });
        let all = tarjan_scc(&EdgeFiltered::from_fn(&graph, |e| self.keeps(e.id())));
        let eager = tarjan_scc(&EdgeFiltered::from_fn(&graph, |e| self.keeps_eager(e.id())));
        let mut eager_component: FxHashMap<ModuleId, usize> = FxHashMap::default();
        for (index, component) in eager.iter().enumerate() {
            if component.len() > 1 {
                for node in component {
                    eager_component.insert(node.index() as ModuleId, index);
                }
            }
        }
        let mut cycles: Vec<Cycle> = all
            .into_iter()
            .filter(|component| component.len() > 1)
            .map(|component| {
                let mut members: Vec<ModuleId> =
                    component.iter().map(|n| n.index() as ModuleId).collect();
                members.sort_by_key(|&m| self.project.name_rank(m));
                // The eager sub-component holding the first member in name order.
                let eager_start = members
                    .iter()
                    .find(|m| eager_component.contains_key(m))
                    .copied();
                let chain = match eager_start {
                    Some(start) => {
                        let inside = eager_component[&start];
                        self.shortest_cycle(
                            start,
                            |m| eager_component.get(&m) == Some(&inside),
                            |e| self.keeps_eager(e),
                        )
                    }
                    None => self.shortest_cycle(
                        members[0],
                        |m| {
                            members
                                .binary_search_by_key(&self.name(m), |&x| self.name(x))
                                .is_ok()
                        },
                        |e| self.keeps(e),
                    ),
                };
                Cycle {
                    members,
                    chain,
                    deferred: eager_start.is_none(),
                }
            })
            .collect();
        cycles.sort_by(|a, b| self.name(a.members[0]).cmp(self.name(b.members[0])));
        cycles
    }

    /// The shortest cycle through `start` using modules `inside` and edges `allowed`.
    fn shortest_cycle(
        &self,
        start: ModuleId,
        inside: impl Fn(ModuleId) -> bool,
        allowed: impl Fn(EdgeIndex) -> bool,
    ) -> Vec<ModuleId> {
        let graph = &self.project.graph();
        let within = |e: EdgeIndex| {
            let (a, b) = graph.edge_endpoints(e).expect("edge exists");
            allowed(e) && inside(a.index() as ModuleId) && inside(b.index() as ModuleId)
        };
        let parent = self.bfs(&[start], Direction::Outgoing, within, None);
        let depth = |mut m: ModuleId| {
            let mut d = 0;
            while let Some(Some(up)) = parent.get(&m) {
                d += 1;
                m = *up;
            }
            d
        };
        let closing = graph
            .edges_directed(NodeIndex::new(start as usize), Direction::Incoming)
            .filter(|e| within(e.id()) && e.source().index() as ModuleId != start)
            .map(|e| e.source().index() as ModuleId)
            .filter(|m| parent.contains_key(m))
            .min_by_key(|&m| (depth(m), self.name(m)))
            .expect("a strongly connected module lies on a cycle");
        let mut chain = vec![start, closing];
        let mut at = closing;
        while let Some(Some(up)) = parent.get(&at) {
            chain.push(*up);
            at = *up;
        }
        chain.reverse();
        chain
    }
}

/// An order of the nodes with few edges pointing backwards (`weight[a][b]`: what `a`
/// imports from `b`): sinks to the end and
/// sources to the front as they appear, else the node with the most weight out over
/// weight in (the first in name order on a tie).
pub fn eades_lin_smyth(weight: &[Vec<usize>]) -> Vec<usize> {
    let count = weight.len();
    let mut left = Vec::new();
    let mut right = Vec::new();
    let mut remaining: Vec<usize> = (0..count).collect();
    let out =
        |n: usize, remaining: &[usize]| remaining.iter().map(|&m| weight[n][m]).sum::<usize>();
    let into =
        |n: usize, remaining: &[usize]| remaining.iter().map(|&m| weight[m][n]).sum::<usize>();
    while !remaining.is_empty() {
        let mut changed = true;
        while changed {
            changed = false;
            if let Some(at) = remaining.iter().position(|&n| out(n, &remaining) == 0) {
                right.push(remaining.remove(at));
                changed = true;
            } else if let Some(at) = remaining.iter().position(|&n| into(n, &remaining) == 0) {
                left.push(remaining.remove(at));
                changed = true;
            }
        }
        if remaining.is_empty() {
            break;
        }
        let best = (0..remaining.len())
            .max_by_key(|&at| {
                let n = remaining[at];
                let delta = out(n, &remaining) as i64 - into(n, &remaining) as i64;
                (delta, std::cmp::Reverse(at))
            })
            .expect("not empty");
        left.push(remaining.remove(best));
    }
    right.reverse();
    left.extend(right);
    left
}
