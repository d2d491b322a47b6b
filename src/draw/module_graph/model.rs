//! What the module graph's drawing is made from: the options, and the graph of groups
//! of modules that becomes the diagram.

use std::collections::BTreeMap;

use super::group::External;
use super::layers::Layers;
use crate::draw::weight::Weight;
use crate::graph::EdgeFilter;
use crate::index::ModuleId;

pub struct Options {
    /// Modules (with everything below them) to draw around; empty: the whole repository.
    pub targets: Vec<ModuleId>,
    /// Import steps followed out of the targets.
    pub depth: usize,
    /// Follow importers instead of imports.
    pub reverse: bool,
    /// Draw modules deeper than this many name components as their ancestor.
    pub collapse: Option<usize>,
    /// How modules outside the repository are drawn; `None`: each third-party package,
    /// or chosen with the level that fits.
    pub external: Option<External>,
    /// Refuse drawings with more nodes than this.
    pub max_nodes: usize,
    pub filter: EdgeFilter,
    pub weight: Weight,
    /// Leave out edges carrying less than this; `None`: every edge, except in a whole
    /// repository's overview, where the lightest give way until the rest fit.
    pub min_weight: Option<usize>,
    /// Draw each import cycle as one node and leave out the edges longer paths imply.
    pub reduce: bool,
    pub layers: Option<Layers>,
    /// Names whose duplicates are marked wherever they are (a `single-definition`
    /// rule's), beside those the `duplicates` ranking shows.
    pub called_out: Box<dyn Fn(&str) -> bool>,
}

impl Options {
    /// The whole repository, each option at its default.
    pub fn whole(filter: EdgeFilter) -> Options {
        Options {
            targets: Vec::new(),
            depth: 1,
            reverse: false,
            collapse: None,
            external: None,
            max_nodes: 300,
            filter,
            weight: Weight::Sites,
            min_weight: None,
            reduce: false,
            layers: None,
            called_out: Box::new(|_| false),
        }
    }
}

/// A node before it is drawn: the modules it stands for.
pub struct Group {
    pub name: String,
    pub members: Vec<ModuleId>,
    /// The nodes an import cycle merged (`--reduce`); empty for any other node.
    pub parts: Vec<String>,
}

/// What an edge carries.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub weight: usize,
    pub sites: usize,
    /// Every site only runs late (`TYPE_CHECKING` or inside a function).
    pub deferred: bool,
}

impl Default for Load {
    fn default() -> Load {
        Load {
            weight: 0,
            sites: 0,
            deferred: true,
        }
    }
}

impl Load {
    pub fn add(&mut self, other: Load) {
        self.weight += other.weight;
        self.sites += other.sites;
        self.deferred &= other.deferred;
    }
}

/// The graph a drawing shows, before it is a diagram.
pub struct Drawn {
    pub groups: Vec<Group>,
    pub edges: BTreeMap<(usize, usize), Load>,
}
