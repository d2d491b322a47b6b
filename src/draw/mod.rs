//! Drawings: a small diagram model that the module graph and `why` chains are turned
//! into, and its renderers (Graphviz DOT, SVG through `dot`, Mermaid).

pub mod chain;
pub mod dot;
pub mod mermaid;
pub mod module_graph;

use serde::Serialize;

/// A drawing, independent of the output format. Nodes and edges are kept sorted so the
/// same graph always prints the same text.
#[derive(Debug, Default, Serialize)]
pub struct Diagram {
    pub title: String,
    /// Left to right (chains) rather than top to bottom (module graphs).
    pub left_to_right: bool,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Unique within the diagram: a module name, or a hop's `module:line`.
    pub id: String,
    pub label: String,
    /// The package box the node is drawn in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(flatten)]
    pub marks: Marks,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tooltip: Option<String>,
}

/// How a node stands out.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Marks {
    pub external: bool,
    pub deprecated: bool,
    /// Defines a name that is also defined elsewhere.
    pub duplicate: bool,
    /// The true definition a chain ends at.
    pub definition: bool,
    /// Stands for several modules (`--collapse`).
    pub collapsed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// Only `TYPE_CHECKING` or function-level imports: drawn dashed.
    pub deferred: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tooltip: Option<String>,
}

impl Diagram {
    pub fn sort(&mut self) {
        self.nodes.sort_by(|a, b| a.id.cmp(&b.id));
        self.nodes.dedup_by(|a, b| a.id == b.id);
        self.edges
            .sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        self.edges.dedup_by(|a, b| a.from == b.from && a.to == b.to);
    }
}

/// Shortens display text to `max` characters, keeping its end (where an import
/// statement names what it imports) behind an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let length = text.chars().count();
    if length <= max {
        return text.to_string();
    }
    let kept: String = text.chars().skip(length + 1 - max).collect();
    // Start at a name boundary rather than in the middle of a word.
    let start = kept
        .char_indices()
        .take(20)
        .find(|(_, c)| *c == '.' || *c == ' ')
        .map_or(0, |(at, c)| at + c.len_utf8());
    format!("…{}", &kept[start..])
}
