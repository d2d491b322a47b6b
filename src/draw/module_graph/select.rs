//! The modules a drawing shows: the whole repository, or a neighbourhood of some.

use petgraph::Direction;
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;

use super::group::External;
use super::model::Options;
use crate::graph::Graph;
use crate::index::{ModuleId, Project};

/// The modules a drawing shows, and for a neighbourhood how many import steps each lies
/// from the targets.
pub struct Selection {
    /// Sorted by name.
    pub modules: Vec<ModuleId>,
    /// Empty for the whole repository.
    pub distance: FxHashMap<ModuleId, usize>,
}

impl Selection {
    /// Whether the drawing shows the import from `importer` of `imported`: in a
    /// neighbourhood, only the steps taken from the targets outwards (an import between
    /// two modules at its rim is another neighbourhood's).
    pub fn shows(&self, importer: ModuleId, imported: ModuleId, options: &Options) -> bool {
        if self.distance.is_empty() {
            return true;
        }
        let inner = if options.reverse { imported } else { importer };
        self.distance
            .get(&inner)
            .is_some_and(|&steps| steps < options.depth || steps == 0)
    }
}

/// The modules to draw: everything, or the targets (and their submodules) plus what lies
/// within `depth` import steps of them.
pub fn select(project: &Project, graph: &Graph, options: &Options) -> Selection {
    let keep = |m: ModuleId| {
        !(options.external == Some(External::Hidden) && project.modules[m as usize].external)
    };
    let mut distance: FxHashMap<ModuleId, usize> = FxHashMap::default();
    let mut modules: Vec<ModuleId> = if options.targets.is_empty() {
        (0..project.modules.len() as ModuleId)
            .filter(|&m| keep(m) && worth_drawing(project, m))
            .collect()
    } else {
        for &target in &options.targets {
            let prefix = format!("{}.", project.modules[target as usize].name);
            distance.insert(target, 0);
            let below = (project.modules.iter().enumerate())
                .filter(|(_, m)| !m.external && m.name.starts_with(&prefix))
                .map(|(id, _)| id as ModuleId);
            for module in below {
                distance.insert(module, 0);
            }
        }
        let direction = if options.reverse {
            Direction::Incoming
        } else {
            Direction::Outgoing
        };
        let mut frontier: Vec<ModuleId> = distance.keys().copied().collect();
        for steps in 1..=options.depth {
            let mut next = Vec::new();
            for module in frontier {
                for found in graph.neighbors(module, direction) {
                    if keep(found) && !distance.contains_key(&found) {
                        distance.insert(found, steps);
                        next.push(found);
                    }
                }
            }
            frontier = next;
        }
        distance.keys().copied().collect()
    };
    modules.sort_by(|a, b| {
        project.modules[*a as usize]
            .name
            .cmp(&project.modules[*b as usize].name)
    });
    Selection { modules, distance }
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
