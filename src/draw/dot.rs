//! Graphviz: the diagram as graphviz-rust's DOT model, printed, or laid out by `dot`.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use graphviz_rust::cmd::{CommandArg, Format};
use graphviz_rust::dot_structures::{
    Attribute, Edge as DotEdge, EdgeTy, Graph, Id, Node as DotNode, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::{Diagram, Marks, Node};

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
        Stmt::Attribute(attr("label", &diagram.title)),
        Stmt::Attribute(attr("labelloc", "t")),
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
    let mut clusters: BTreeMap<&str, Vec<Stmt>> = BTreeMap::new();
    let legend = super::legend(diagram);
    for node in diagram.nodes.iter().chain(&legend) {
        let stmt = Stmt::Node(DotNode::new(
            NodeId(quoted(&node.id), None),
            node_attributes(node),
        ));
        match &node.cluster {
            Some(cluster) => clusters.entry(cluster).or_default().push(stmt),
            None => stmts.push(stmt),
        }
    }
    for (index, (cluster, mut nodes)) in clusters.into_iter().enumerate() {
        let mut inner = vec![
            Stmt::Attribute(attr("label", cluster)),
            Stmt::Attribute(attr("style", "rounded")),
            Stmt::Attribute(attr("color", "#90a4ae")),
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
    for edge in &diagram.edges {
        let mut attributes = Vec::new();
        if edge.deferred {
            attributes.push(attr("style", "dashed"));
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
        Err(error) => bail!("dot failed: {}", error.to_string().trim()),
    }
}
