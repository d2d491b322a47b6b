//! A dependency structure matrix: one row and one column per node, in the same order;
//! the cell in row A, column B counts what A imports from B. Nodes are ordered by layer,
//! else so that importers come before what they import: every cell then sits above the
//! diagonal except those of an import cycle (orange, its block outlined) and those going
//! up the layers (red). What a node-link drawing of fifty packages cannot show.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt::Write as _;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::Diagram;
use super::weight::stroke;
use crate::view::escape;

const FONT: f64 = 12.0;
/// Roughly the width of one character of the font, in pixels.
const CHAR: f64 = 7.0;
const MARGIN: f64 = 16.0;
const CYCLE: &str = "#ffe0b2";
/// An import of a cycle that points back up the order: one that closes the cycle.
const CYCLE_BACK: &str = "#fb8c00";
const UPWARD: &str = "#ef9a9a";

/// The node order: by layer when there are layers, then importers before what they
/// import (an import cycle's members together), then by name.
pub fn order(diagram: &Diagram) -> (Vec<usize>, Vec<usize>) {
    let index: BTreeMap<&str, usize> = (diagram.nodes.iter().enumerate())
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut graph: DiGraph<(), ()> = DiGraph::new();
    for _ in &diagram.nodes {
        graph.add_node(());
    }
    for edge in &diagram.edges {
        graph.add_edge(
            NodeIndex::new(index[edge.from.as_str()]),
            NodeIndex::new(index[edge.to.as_str()]),
            (),
        );
    }
    let mut component = vec![0; diagram.nodes.len()];
    let mut components = tarjan_scc(&graph);
    for (number, members) in components.iter_mut().enumerate() {
        members.sort();
        for node in members.iter() {
            component[node.index()] = number;
        }
    }
    // An import cycle's members in the order that leaves least weight pointing back.
    for members in components.iter_mut().filter(|m| m.len() > 1) {
        let at: BTreeMap<usize, usize> = (members.iter().enumerate())
            .map(|(i, node)| (node.index(), i))
            .collect();
        let mut weight = vec![vec![0; members.len()]; members.len()];
        for edge in &diagram.edges {
            let (a, b) = (index[edge.from.as_str()], index[edge.to.as_str()]);
            if let (Some(&a), Some(&b)) = (at.get(&a), at.get(&b)) {
                weight[a][b] += edge.weight.unwrap_or(1);
            }
        }
        let order = crate::graph::eades_lin_smyth(&weight);
        *members = order.into_iter().map(|i| members[i]).collect();
    }
    // Kahn's order over the components, the one whose first member sorts first when
    // several are ready.
    let mut waiting = vec![0usize; components.len()];
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    for edge in graph.edge_indices() {
        let (a, b) = graph.edge_endpoints(edge).expect("an edge of the graph");
        let (a, b) = (component[a.index()], component[b.index()]);
        if a != b {
            after[a].push(b);
            waiting[b] += 1;
        }
    }
    let first = |c: usize| diagram.nodes[components[c][0].index()].id.as_str();
    let mut ready: BinaryHeap<Reverse<(&str, usize)>> = (0..components.len())
        .filter(|&c| waiting[c] == 0)
        .map(|c| Reverse((first(c), c)))
        .collect();
    let mut position = vec![0; diagram.nodes.len()];
    let mut placed = 0;
    while let Some(Reverse((_, c))) = ready.pop() {
        for node in &components[c] {
            position[node.index()] = placed;
            placed += 1;
        }
        for &next in &after[c] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(Reverse((first(next), next)));
            }
        }
    }
    let mut order: Vec<usize> = (0..diagram.nodes.len()).collect();
    order.sort_by_key(|&i| (diagram.nodes[i].layer.unwrap_or(usize::MAX), position[i]));
    (order, component)
}

/// A cell's count in at most four characters: `12k` for 12,436 (the tooltip has it all).
fn short(n: usize) -> String {
    match n {
        0..1000 => n.to_string(),
        1000..9950 => format!("{:.1}k", n as f64 / 1000.0),
        _ => format!("{}k", (n as f64 / 1000.0).round()),
    }
}

/// The matrix as a self-contained SVG.
pub fn svg(diagram: &Diagram) -> String {
    let (order, component) = order(diagram);
    let n = order.len();
    let row_of: BTreeMap<&str, usize> = (order.iter().enumerate())
        .map(|(row, &i)| (diagram.nodes[i].id.as_str(), row))
        .collect();
    let heaviest = diagram.heaviest();
    let cell = (short(heaviest).len() as f64 * CHAR + 8.0).max(24.0);
    let names: Vec<String> = order.iter().map(|&i| name(diagram, i)).collect();
    let label_width = names
        .iter()
        .enumerate()
        .map(|(row, name)| format!("{} {name}", row + 1).chars().count())
        .max()
        .unwrap_or(0) as f64
        * CHAR
        + 12.0;
    let layer_width = match diagram.layers.is_empty() {
        true => 0.0,
        false => {
            diagram
                .layers
                .iter()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0) as f64
                * CHAR
                + 16.0
        }
    };
    let left = MARGIN + layer_width + label_width;
    let top = MARGIN + 2.0 * FONT + 12.0 + cell;
    let legend = legend(diagram);
    let longest = legend.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let legend_lines = legend.len();
    // Text in the legend is about 6.2 pixels a character.
    let width = (left + n as f64 * cell + MARGIN).max(2.0 * MARGIN + longest as f64 * 6.2);
    let height = top + n as f64 * cell + MARGIN + legend_lines as f64 * (FONT + 6.0) + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"Helvetica,Arial,sans-serif\" \
         font-size=\"{FONT}\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{:.0}\" font-size=\"{}\" font-weight=\"bold\">{}</text>",
        MARGIN + FONT,
        FONT + 2.0,
        escape(&format!("dependency matrix: {}", diagram.title))
    );
    // Column numbers, and each row's number and name.
    for row in 0..n {
        let x = left + row as f64 * cell + cell / 2.0;
        let _ = writeln!(
            svg,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            top - 8.0,
            row + 1
        );
        let y = top + row as f64 * cell + cell / 2.0 + FONT / 3.0;
        let node = &diagram.nodes[order[row]];
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"end\"><title>{}</title>{} {}</text>",
            left - 8.0,
            escape(node.tooltip.as_deref().unwrap_or(&node.id)),
            row + 1,
            escape(&names[row])
        );
    }
    // Layer bands down the left, with a rule between layers across the matrix.
    let mut start = 0;
    while start < n {
        let layer = diagram.nodes[order[start]].layer;
        let end = (start..n)
            .find(|&r| diagram.nodes[order[r]].layer != layer)
            .unwrap_or(n);
        if let Some(layer) = layer {
            let y = top + start as f64 * cell;
            let h = (end - start) as f64 * cell;
            let _ = writeln!(
                svg,
                "<rect x=\"{MARGIN}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#e3f2fd\" stroke=\"#90caf9\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#0d47a1\">{}</text>",
                layer_width - 6.0,
                MARGIN + 4.0,
                y + cell / 2.0 + FONT / 3.0,
                escape(&diagram.layers[layer])
            );
        }
        start = end;
    }
    // The grid.
    let side = n as f64 * cell;
    let _ = writeln!(
        svg,
        "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{side:.1}\" height=\"{side:.1}\" fill=\"none\" stroke=\"#b0bec5\"/>"
    );
    for k in 1..n {
        let at = k as f64 * cell;
        let layer_break = !diagram.layers.is_empty()
            && diagram.nodes[order[k]].layer != diagram.nodes[order[k - 1]].layer;
        let (color, width) = match layer_break {
            true => ("#1565c0", 2.0),
            false => ("#eceff1", 1.0),
        };
        let _ = writeln!(
            svg,
            "<line x1=\"{:.1}\" y1=\"{top:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"{width}\"/>\
             <line x1=\"{left:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"{width}\"/>",
            left + at,
            left + at,
            top + side,
            top + at,
            left + side,
            top + at
        );
    }
    for row in 0..n {
        let x = left + row as f64 * cell;
        let y = top + row as f64 * cell;
        let _ = writeln!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell:.1}\" height=\"{cell:.1}\" fill=\"#cfd8dc\"/>"
        );
    }
    // One cell per edge.
    for edge in &diagram.edges {
        let (row, column) = (row_of[edge.from.as_str()], row_of[edge.to.as_str()]);
        let weight = edge.weight.unwrap_or(1);
        let in_cycle = component[order[row]] == component[order[column]];
        let (fill, opacity) = if edge.upward {
            (UPWARD, 1.0)
        } else if in_cycle && row > column {
            (CYCLE_BACK, 1.0)
        } else if in_cycle {
            (CYCLE, 1.0)
        } else {
            (
                "#1e88e5",
                0.12 + 0.5 * (stroke(weight, heaviest) - 1.0) / 5.0,
            )
        };
        let x = left + column as f64 * cell;
        let y = top + row as f64 * cell;
        let why = match (edge.upward, in_cycle) {
            (true, _) => ", from a lower layer to a higher one",
            (false, true) => ", in an import cycle",
            _ => "",
        };
        let _ = writeln!(
            svg,
            "<g><title>{}{why}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell:.1}\" \
             height=\"{cell:.1}\" fill=\"{fill}\" fill-opacity=\"{opacity:.2}\"/><text x=\"{:.1}\" \
             y=\"{:.1}\" text-anchor=\"middle\" font-size=\"{:.0}\"{}>{}</text></g>",
            escape(edge.tooltip.as_deref().unwrap_or_default()),
            x + cell / 2.0,
            y + cell / 2.0 + FONT / 3.0,
            FONT - 1.0,
            if edge.deferred {
                " font-style=\"italic\" fill=\"#546e7a\""
            } else {
                ""
            },
            short(weight)
        );
    }
    // Each import cycle's block, outlined where its rows stand together.
    let mut row = 0;
    while row < n {
        let c = component[order[row]];
        let end = (row..n).find(|&r| component[order[r]] != c).unwrap_or(n);
        if end - row > 1 {
            let at = row as f64 * cell;
            let size = (end - row) as f64 * cell;
            let _ = writeln!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{size:.1}\" height=\"{size:.1}\" fill=\"none\" stroke=\"#e65100\" stroke-width=\"2.5\"/>",
                left + at,
                top + at
            );
        }
        row = end;
    }
    let mut y = top + side + MARGIN + FONT;
    for line in &legend {
        let _ = writeln!(
            svg,
            "<text x=\"{MARGIN}\" y=\"{y:.1}\" fill=\"#444\">{}</text>",
            escape(line)
        );
        y += FONT + 6.0;
    }
    svg.push_str("</svg>\n");
    svg
}

/// What the colours mean, then the drawing's notes.
fn legend(diagram: &Diagram) -> Vec<String> {
    let counted = format!("{}s", diagram.weighed.unwrap_or("import site"));
    let mut lines = vec![
        format!(
            "Row A, column B: what A imports from B ({counted}); italic: only under \
             TYPE_CHECKING or inside functions; blue: heavier is darker."
        ),
        "Orange: an import cycle, its block outlined; darker below the diagonal: the imports \
         that close it."
            .to_string(),
    ];
    if !diagram.layers.is_empty() {
        lines.push("Red: an import from a lower layer of a higher one.".to_string());
    }
    lines.extend(diagram.notes.iter().cloned());
    lines
}

/// A node's row label: its name, `.*` when it stands for a package's modules.
fn name(diagram: &Diagram, index: usize) -> String {
    let node = &diagram.nodes[index];
    let first = node.label.lines().next().unwrap_or_default();
    if node.marks.collapsed && !node.marks.external {
        format!("{}.*", node.id)
    } else if node.marks.cycle || node.marks.external {
        first.to_string()
    } else {
        node.id.clone()
    }
}
