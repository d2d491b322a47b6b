//! Import cycles drawn as one node each, and transitive reduction: an edge that a longer
//! path already implies is left out (`--reduce`).

use std::collections::BTreeMap;

use petgraph::algo::tred::{dag_to_toposorted_adjacency_list, dag_transitive_reduction_closure};
use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};

use super::model::{Drawn, Group, Load};

fn petgraph_of(drawn: &Drawn) -> DiGraph<(), ()> {
    let mut graph = DiGraph::new();
    for _ in &drawn.groups {
        graph.add_node(());
    }
    for &(from, to) in drawn.edges.keys() {
        graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
    }
    graph
}

/// Each import cycle (a strongly connected component of more than one node) merged into
/// one node, numbered in the order of its first member's name.
pub fn condense(drawn: Drawn) -> Drawn {
    let mut components = tarjan_scc(&petgraph_of(&drawn));
    for component in &mut components {
        component.sort();
    }
    components.sort();
    let mut old_groups: Vec<Option<Group>> = drawn.groups.into_iter().map(Some).collect();
    let mut moved = vec![0; old_groups.len()];
    let mut groups = Vec::new();
    let mut cycles = 0;
    for component in components {
        for &node in &component {
            moved[node.index()] = groups.len();
        }
        let mut parts: Vec<Group> = component
            .iter()
            .filter_map(|node| old_groups[node.index()].take())
            .collect();
        if parts.len() == 1 {
            groups.extend(parts);
            continue;
        }
        cycles += 1;
        groups.push(Group {
            name: format!("cycle {cycles}"),
            members: parts.iter_mut().flat_map(|p| p.members.drain(..)).collect(),
            parts: parts.into_iter().map(|p| p.name).collect(),
        });
    }
    let mut edges: BTreeMap<(usize, usize), Load> = BTreeMap::new();
    for ((from, to), load) in drawn.edges {
        let (from, to) = (moved[from], moved[to]);
        if from != to {
            edges.entry((from, to)).or_default().add(load);
        }
    }
    Drawn { groups, edges }
}

/// Leaves out every edge a longer path implies; `drawn` must have no cycle (see
/// `condense`). Returns how many edges were left out.
pub fn reduce(drawn: &mut Drawn) -> usize {
    let graph = petgraph_of(drawn);
    let Ok(order) = toposort(&graph, None) else {
        return 0;
    };
    let (adjacency, position) = dag_to_toposorted_adjacency_list::<_, u32>(&graph, &order);
    let (reduction, _) = dag_transitive_reduction_closure::<(), u32>(&adjacency);
    let before = drawn.edges.len();
    drawn
        .edges
        .retain(|&(from, to), _| reduction.contains_edge(position[from], position[to]));
    before - drawn.edges.len()
}
