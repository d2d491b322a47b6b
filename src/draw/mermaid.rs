//! Mermaid `flowchart` text, which GitHub renders inside Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Result, bail};

use super::Diagram;

/// GitHub's renderer fails past about this many edges.
pub const MAX_EDGES: usize = 500;

/// Mermaid labels are quoted strings: quotes become `#quot;`, and the few characters
/// Mermaid reads as markup are written as entities.
fn label(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('\n', "<br/>")
}

pub fn print(diagram: &Diagram) -> Result<String> {
    if diagram.edges.len() > MAX_EDGES {
        bail!(
            "the drawing has {} edges; Mermaid renderers fail past {MAX_EDGES}: use --format \
             dot or svg, --collapse, or a TARGET with --depth",
            diagram.edges.len()
        );
    }
    let legend = super::legend(diagram);
    let nodes: Vec<&super::Node> = diagram.nodes.iter().chain(&legend).collect();
    let ids: BTreeMap<&str, String> = nodes
        .iter()
        .enumerate()
        .map(|(index, node)| (node.id.as_str(), format!("n{index}")))
        .collect();
    let mut text = String::new();
    let _ = writeln!(text, "---\ntitle: {}\n---", label(&diagram.title));
    let direction = if diagram.left_to_right { "LR" } else { "TB" };
    let _ = writeln!(text, "flowchart {direction}");
    let mut clusters: BTreeMap<super::Frame, Vec<usize>> = BTreeMap::new();
    let mut loose = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        match super::frame(diagram, node) {
            Some(cluster) => clusters.entry(cluster).or_default().push(index),
            None => loose.push(index),
        }
    }
    let node_line = |text: &mut String, indent: &str, index: usize| {
        let node = nodes[index];
        let _ = writeln!(
            text,
            "{indent}{}[\"{}\"]",
            ids[&*node.id],
            label(&node.label)
        );
    };
    for (number, (cluster, members)) in clusters.iter().enumerate() {
        let _ = writeln!(
            text,
            "  subgraph c{number}[\"{}\"]",
            label(&cluster.label(diagram))
        );
        for &index in members {
            node_line(&mut text, "    ", index);
        }
        let _ = writeln!(text, "  end");
    }
    for index in loose {
        node_line(&mut text, "  ", index);
    }
    let heaviest = diagram.heaviest();
    let mut styles = Vec::new();
    for (number, edge) in diagram.edges.iter().enumerate() {
        let mut style = Vec::new();
        if let Some(weight) = edge.weight {
            style.push(format!(
                "stroke-width:{}px",
                super::weight::stroke(weight, heaviest)
            ));
        }
        if edge.upward {
            style.push("stroke:#c62828".to_string());
        }
        if !style.is_empty() {
            styles.push(format!("  linkStyle {number} {}", style.join(",")));
        }
        let arrow = if edge.deferred { "-.->" } else { "-->" };
        let (from, to) = (&ids[&*edge.from], &ids[&*edge.to]);
        match &edge.label {
            Some(text_label) => {
                let _ = writeln!(text, "  {from} {arrow}|\"{}\"| {to}", label(text_label));
            }
            None => {
                let _ = writeln!(text, "  {from} {arrow} {to}");
            }
        }
    }
    for style in styles {
        let _ = writeln!(text, "{style}");
    }
    for note in &diagram.notes {
        let _ = writeln!(text, "  %% {note}");
    }
    let classes = [
        (
            "external",
            "fill:#eeeeee,stroke:#999999,stroke-dasharray:4 2,color:#555555",
        ),
        (
            "deprecated",
            "fill:#ffcdd2,stroke:#b71c1c,stroke-dasharray:4 2,color:#b71c1c",
        ),
        ("duplicate", "fill:#ffe0b2,stroke:#e65100,stroke-width:2px"),
        ("definition", "fill:#c8e6c9,stroke:#1b5e20,stroke-width:3px"),
        ("cycle", "fill:#fff3e0,stroke:#e65100,stroke-width:2px"),
    ];
    for (class, style) in classes {
        let members: Vec<&str> = nodes
            .iter()
            .filter(|n| match class {
                "external" => n.marks.external,
                "deprecated" => n.marks.deprecated,
                "duplicate" => n.marks.duplicate,
                "cycle" => n.marks.cycle,
                _ => n.marks.definition,
            })
            .map(|n| ids[&*n.id].as_str())
            .collect();
        if !members.is_empty() {
            let _ = writeln!(text, "  classDef {class} {style}");
            let _ = writeln!(text, "  class {} {class}", members.join(","));
        }
    }
    Ok(text)
}
