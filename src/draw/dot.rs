//! Graphviz: the diagram as graphviz-rust's DOT model, printed, or laid out by `dot`.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Result, bail};
use graphviz_rust::cmd::{CommandArg, Format};
use graphviz_rust::dot_structures::{
    Attribute, Edge as DotEdge, EdgeTy, Graph, Id, Node as DotNode, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::{Diagram, Frame, Marks, Node};

/// A quoted DOT identifier or string: any text is safe inside it.
fn quoted(text: &str) -> Id {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    Id::Escaped(format!("\"{escaped}\""))
}

fn attr(name: &str, value: &str) -> Attribute {
    Attribute(Id::Plain(name.to_string()), quoted(value))
}

fn node_attributes(node: &Node) -> Vec<Attribute> {
    let mut attributes = vec![attr("label", &node.label)];
    if let Some(tooltip) = &node.tooltip {
        attributes.push(attr("tooltip", tooltip));
    }
    let Marks {
        external,
        deprecated,
        duplicate,
        definition,
        collapsed,
        cycle,
    } = node.marks;
    let mut styles = vec!["filled"];
    let mut fill = "#ffffff";
    if external {
        fill = "#eeeeee";
        styles.push("dashed");
        attributes.push(attr("fontcolor", "#555555"));
    }
    if collapsed {
        attributes.push(attr("shape", "box3d"));
    }
    if cycle {
        fill = "#fff3e0";
        attributes.push(attr("shape", "box3d"));
        attributes.push(attr("color", "#e65100"));
        attributes.push(attr("penwidth", "2"));
    }
    if duplicate {
        fill = "#ffe0b2";
        attributes.push(attr("color", "#e65100"));
        attributes.push(attr("penwidth", "2"));
    }
    if deprecated {
        fill = "#ffcdd2";
        attributes.push(attr("color", "#b71c1c"));
        attributes.push(attr("fontcolor", "#b71c1c"));
        styles.push("dashed");
    }
    if definition {
        fill = "#c8e6c9";
        attributes.push(attr("color", "#1b5e20"));
        attributes.push(attr("penwidth", "2.5"));
        styles.push("bold");
    }
    attributes.push(attr("style", &styles.join(",")));
    attributes.push(attr("fillcolor", fill));
    attributes
}

/// The diagram as a DOT graph: one `cluster_` subgraph per package box.
pub fn graph(diagram: &Diagram) -> Graph {
    let mut stmts: Vec<Stmt> = vec![
        Stmt::Attribute(Attribute(Id::Plain("label".to_string()), title(diagram))),
        Stmt::Attribute(attr("labelloc", "t")),
        // Ranks the whole graph at once: dot's per-cluster ranking fails ("trouble in
        // init_rank") on large drawings with package boxes.
        Stmt::Attribute(attr("newrank", "true")),
        Stmt::Attribute(attr(
            "rankdir",
            if diagram.left_to_right { "LR" } else { "TB" },
        )),
        Stmt::Attribute(attr("fontname", "Helvetica")),
        Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Node(vec![
            attr("shape", "box"),
            attr("fontname", "Helvetica"),
            attr("fontsize", "11"),
        ])),
        Stmt::GAttribute(graphviz_rust::dot_structures::GraphAttributes::Edge(vec![
            attr("fontname", "Helvetica"),
            attr("fontsize", "9"),
        ])),
    ];
    let mut clusters: BTreeMap<Frame, Vec<Stmt>> = BTreeMap::new();
    let legend = super::legend(diagram);
    for node in diagram.nodes.iter().chain(&legend) {
        let stmt = Stmt::Node(DotNode::new(
            NodeId(quoted(&node.id), None),
            node_attributes(node),
        ));
        match super::frame(diagram, node) {
            Some(cluster) => clusters.entry(cluster).or_default().push(stmt),
            None => stmts.push(stmt),
        }
    }
    for (index, (cluster, mut nodes)) in clusters.into_iter().enumerate() {
        let color = match cluster {
            Frame::Layer(_) => "#1565c0",
            Frame::Package(_) => "#90a4ae",
        };
        let label = cluster.label(diagram);
        let mut inner = vec![
            Stmt::Attribute(attr("label", &label)),
            Stmt::Attribute(attr("style", "rounded")),
            Stmt::Attribute(attr("color", color)),
        ];
        inner.append(&mut nodes);
        stmts.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain(format!("cluster_{index}")),
            stmts: inner,
        }));
    }
    // Top to bottom, the legend's samples stack in one column instead of widening a row.
    if !diagram.left_to_right {
        for pair in legend.windows(2) {
            stmts.push(Stmt::Edge(DotEdge {
                ty: EdgeTy::Pair(
                    Vertex::N(NodeId(quoted(&pair[0].id), None)),
                    Vertex::N(NodeId(quoted(&pair[1].id), None)),
                ),
                attributes: vec![attr("style", "invis")],
            }));
        }
    }
    stmts.extend(layer_order(diagram));
    let heaviest = diagram.heaviest();
    let staggered = staggered(diagram);
    for edge in &diagram.edges {
        let mut attributes = Vec::new();
        if edge.deferred {
            attributes.push(attr("style", "dashed"));
        }
        if let Some(weight) = edge.weight {
            let width = super::weight::stroke(weight, heaviest);
            attributes.push(attr("penwidth", &width.to_string()));
            attributes.push(attr("arrowsize", &format!("{:.1}", 0.5 + width / 6.0)));
            if !edge.upward {
                attributes.push(attr(
                    "color",
                    if width < 2.0 { "#78909c" } else { "#37474f" },
                ));
            }
        }
        if edge.upward {
            attributes.push(attr("color", "#c62828"));
            attributes.push(attr("fontcolor", "#c62828"));
            attributes.push(attr("constraint", "false"));
        }
        if let Some(&minlen) = staggered.get(&(edge.from.as_str(), edge.to.as_str())) {
            attributes.push(attr("minlen", &minlen.to_string()));
        }
        if let Some(label) = &edge.label {
            attributes.push(attr("label", label));
        }
        if let Some(tooltip) = &edge.tooltip {
            attributes.push(attr("tooltip", tooltip));
        }
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(quoted(&edge.from), None)),
                Vertex::N(NodeId(quoted(&edge.to), None)),
            ),
            attributes,
        }));
    }
    Graph::DiGraph {
        id: quoted("ssot-graph"),
        strict: false,
        stmts,
    }
}

/// Invisible heavy edges from each layer's first node to the next layer's, so layers
/// stack top to bottom in their order whatever the imports between them.
fn layer_order(diagram: &Diagram) -> Vec<Stmt> {
    let mut first: BTreeMap<usize, &str> = BTreeMap::new();
    for node in &diagram.nodes {
        if let Some(layer) = node.layer {
            first.entry(layer).or_insert(&node.id);
        }
    }
    let firsts: Vec<&str> = first.into_values().collect();
    firsts
        .windows(2)
        .map(|pair| {
            Stmt::Edge(DotEdge {
                ty: EdgeTy::Pair(
                    Vertex::N(NodeId(quoted(pair[0]), None)),
                    Vertex::N(NodeId(quoted(pair[1]), None)),
                ),
                attributes: vec![attr("style", "invis"), attr("weight", "100")],
            })
        })
        .collect()
}

/// Edges to leaves given growing lengths, as Graphviz's `unflatten -l 3` does: a drawing
/// whose bottom row would hold thirty modules nothing else is drawn below draws them over
/// three rows instead of one very wide one.
fn staggered(diagram: &Diagram) -> HashMap<(&str, &str), usize> {
    const ROWS: usize = 3;
    if diagram.left_to_right {
        return HashMap::new();
    }
    let importers: std::collections::HashSet<&str> =
        diagram.edges.iter().map(|e| e.from.as_str()).collect();
    let leaves: std::collections::BTreeSet<&str> = (diagram.edges.iter())
        .map(|e| e.to.as_str())
        .filter(|to| !importers.contains(to))
        .collect();
    if leaves.len() <= 2 * ROWS {
        return HashMap::new();
    }
    let row: HashMap<&str, usize> = (leaves.iter().enumerate())
        .map(|(k, &leaf)| (leaf, 1 + k % ROWS))
        .collect();
    (diagram.edges.iter())
        .filter(|e| !e.upward)
        .filter_map(|e| Some(((e.from.as_str(), e.to.as_str()), *row.get(e.to.as_str())?)))
        .collect()
}

/// The graph's label: its title, and its notes in smaller type beneath.
fn title(diagram: &Diagram) -> Id {
    let mut notes = diagram.notes.clone();
    if let Some(noun) = diagram.weighed
        && diagram.edges.iter().any(|e| e.label.is_none())
    {
        notes.push(format!(
            "edge width: {noun}s; an edge with no count carries one"
        ));
    }
    if notes.is_empty() {
        return quoted(&diagram.title);
    }
    let html = |text: &str| crate::view::escape(text).replace('"', "&quot;");
    let mut label = format!("<<B>{}</B>", html(&diagram.title));
    for note in &notes {
        label.push_str(&format!(
            "<BR/><FONT POINT-SIZE=\"10\" COLOR=\"#455a64\">{}</FONT>",
            html(note)
        ));
    }
    label.push('>');
    Id::Html(label)
}

/// DOT source text.
pub fn print(diagram: &Diagram) -> String {
    let mut text = graph(diagram).print(&mut PrinterContext::default());
    text.push('\n');
    text
}

/// SVG laid out by Graphviz's `dot`, which must be installed.
pub fn svg(diagram: &Diagram) -> Result<Vec<u8>> {
    let source = print(diagram);
    match graphviz_rust::exec_dot(source, vec![CommandArg::Format(Format::Svg)]) {
        Ok(svg) => Ok(svg),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "--format svg needs Graphviz's `dot` on PATH (apt install graphviz, brew install \
             graphviz, or https://graphviz.org/download/); --format dot prints the source"
        ),
        Err(error) => {
            let message = error.to_string();
            let mut lines = message.trim().lines();
            let first = lines.next().unwrap_or_default();
            match lines.count() {
                0 => bail!("dot failed: {first}"),
                more => bail!(
                    "dot failed: {first} (and {more} more lines; --format dot prints the source)"
                ),
            }
        }
    }
}
