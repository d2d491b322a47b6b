//! Drawings: a small diagram model that the module graph and `why` chains are turned
//! into, and its renderers (Graphviz DOT, SVG through `dot`, Mermaid).

pub mod chain;
pub mod dot;
pub mod dsm;
pub mod mermaid;
pub mod module_graph;
pub mod weight;

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
    /// Layers, highest first: a node's `layer` indexes this list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
    /// Lines printed under the drawing: what was left out, how to expand a box.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What an edge's weight counts (`import site`), when edges are weighed.
    #[serde(skip)]
    pub weighed: Option<&'static str>,
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
    /// The layer the node belongs to (an index into `Diagram::layers`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
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
    /// Stands for the modules of an import cycle (`--reduce`).
    pub cycle: bool,
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
    /// How much the edge carries (import sites, or references): drawn as its width.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<usize>,
    /// From a lower layer to a higher one: drawn red.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub upward: bool,
}

impl Diagram {
    /// The largest weight an edge carries (1 when none is weighed): the scale of widths.
    pub fn heaviest(&self) -> usize {
        self.edges
            .iter()
            .filter_map(|e| e.weight)
            .max()
            .unwrap_or(1)
    }

    pub fn sort(&mut self) {
        self.nodes.sort_by(|a, b| a.id.cmp(&b.id));
        self.nodes.dedup_by(|a, b| a.id == b.id);
        self.edges
            .sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        self.edges.dedup_by(|a, b| a.from == b.from && a.to == b.to);
    }
}

/// The box a node is drawn in: its layer's in a layered drawing, else its package's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Frame<'d> {
    Layer(usize),
    Package(&'d str),
}

impl Frame<'_> {
    pub fn label(&self, diagram: &Diagram) -> String {
        match *self {
            Frame::Layer(layer) => format!("layer {}: {}", layer + 1, diagram.layers[layer]),
            Frame::Package(name) => name.to_string(),
        }
    }
}

pub fn frame<'d>(diagram: &Diagram, node: &'d Node) -> Option<Frame<'d>> {
    match (node.layer, &node.cluster) {
        (Some(layer), _) if !diagram.layers.is_empty() => Some(Frame::Layer(layer)),
        (_, Some(cluster)) if diagram.layers.is_empty() || cluster == LEGEND => {
            Some(Frame::Package(cluster))
        }
        _ => None,
    }
}

/// Characters per line of a statement in a drawing's node.
pub const LABEL_WIDTH: usize = 44;
/// Lines of a statement in a node, at most.
pub const LABEL_LINES: usize = 4;

/// `text` wrapped over lines of about `width` characters (at spaces, else after dots and
/// commas). Past `max_lines` lines, the middle gives way to `…`: the first line (the
/// statement's head) and the line naming `focus` (the name the chain follows) are always
/// kept, so a label is never cut before the name that matters.
pub fn wrap(text: &str, focus: Option<&str>, width: usize, max_lines: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in pieces(text, width) {
        if !line.is_empty() && line.chars().count() + word.chars().count() > width {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
        }
        line.push_str(&word);
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    if lines.len() <= max_lines.max(2) {
        return lines.join("\n");
    }
    let names_focus = |l: &String| {
        focus.is_some_and(|f| {
            l.match_indices(f).any(|(at, _)| {
                let before = l[..at].chars().next_back();
                let after = l[at + f.len()..].chars().next();
                let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !word(before) && !word(after)
            })
        })
    };
    let focus_line = lines
        .iter()
        .position(names_focus)
        .unwrap_or(lines.len() - 1);
    // Keep the head, then as many lines ending at the focus line as fit.
    let room = max_lines.max(2) - 1;
    let end = (focus_line + 1).max(room + 1).min(lines.len());
    let start = end - room;
    let mut kept = vec![lines[0].clone()];
    if start > 1 {
        kept.push("…".to_string());
    }
    kept.extend(lines[start.max(1)..end].iter().cloned());
    if end < lines.len() {
        kept.push("…".to_string());
    }
    kept.join("\n")
}

/// `text` split into the pieces a line may break after: words with their trailing space,
/// and words longer than `width` split after their dots, commas, `=` and `(` (a name is
/// never broken).
fn pieces(text: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    for word in text.split_inclusive(' ') {
        if word.chars().count() <= width {
            pieces.push(word.to_string());
            continue;
        }
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if matches!(c, '.' | ',' | '=' | '(') {
                pieces.push(std::mem::take(&mut piece));
            }
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
    }
    pieces
}

/// The legend of the marks a drawing uses: one sample node per mark.
pub fn legend(diagram: &Diagram) -> Vec<Node> {
    let only = Marks::default();
    let samples = [
        (
            "true definition",
            Marks {
                definition: true,
                ..only
            },
        ),
        (
            "deprecated module",
            Marks {
                deprecated: true,
                ..only
            },
        ),
        (
            "defines a name also defined elsewhere",
            Marks {
                duplicate: true,
                ..only
            },
        ),
        (
            "outside the repository",
            Marks {
                external: true,
                ..only
            },
        ),
        (
            "several modules drawn as one",
            Marks {
                collapsed: true,
                ..only
            },
        ),
        (
            "an import cycle drawn as one",
            Marks {
                cycle: true,
                ..only
            },
        ),
    ];
    samples
        .into_iter()
        .filter(|(_, sample)| diagram.nodes.iter().any(|n| n.marks.shares(sample)))
        .map(|(label, marks)| Node {
            id: format!("legend:{label}"),
            label: label.to_string(),
            cluster: Some(LEGEND.to_string()),
            marks,
            tooltip: None,
            layer: None,
        })
        .collect()
}

impl Marks {
    /// Whether any mark is set on both.
    fn shares(&self, other: &Marks) -> bool {
        (self.external && other.external)
            || (self.deprecated && other.deprecated)
            || (self.duplicate && other.duplicate)
            || (self.definition && other.definition)
            || (self.collapsed && other.collapsed)
            || (self.cycle && other.cycle)
    }
}

/// The box the legend is drawn in.
pub const LEGEND: &str = "legend";

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn a_long_statement_wraps_and_keeps_the_name_the_chain_follows() {
        let statement = "from netra_backend.app.websocket_core.unified_manager import (UnifiedWebSocketManager, WebSocketConnection, WebSocketManagerMode, _serialize_message_safely, _UnifiedWebSocketManagerImplementation,)";
        let label = wrap(
            statement,
            Some("_UnifiedWebSocketManagerImplementation"),
            44,
            4,
        );
        assert_eq!(
            label,
            "from netra_backend.app.websocket_core.\n…\nWebSocketConnection, WebSocketManagerMode,\n\
             _serialize_message_safely,\n_UnifiedWebSocketManagerImplementation,)"
        );
        let class = "class SensorEntity(Entity, cached_properties=CACHED_PROPERTIES_WITH_ATTR_):";
        assert_eq!(
            wrap(class, Some("SensorEntity"), 44, 4),
            "class SensorEntity(Entity,\ncached_properties=\nCACHED_PROPERTIES_WITH_ATTR_):"
        );
        assert_eq!(wrap("import os", None, 44, 4), "import os");
    }
}
