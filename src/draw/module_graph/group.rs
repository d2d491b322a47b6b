//! Which node a module is drawn as: its name collapsed to a level, and a module outside
//! the repository as its top-level package (the standard library's left out unless
//! asked for), as one "third party" node, or not at all.

use rustc_hash::FxHashSet;

use crate::index::{ModuleId, Project};

/// How modules outside the repository are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum External {
    /// One node per top-level package (`aiohttp.web` is drawn as `aiohttp`), the
    /// standard library's too
    Packages,
    /// One node per third-party package; the standard library not drawn
    ThirdParty,
    /// One node for third-party packages; the standard library not drawn
    Grouped,
    /// Not drawn
    Hidden,
}

impl External {
    /// The modes to try, finest first: the one asked for, else third-party packages one
    /// node each when they fit and as one node when they do not.
    pub fn tried(asked: Option<External>) -> Vec<External> {
        match asked {
            Some(mode) => vec![mode],
            None => vec![External::ThirdParty, External::Grouped],
        }
    }
}

pub const THIRD_PARTY: &str = "third party";

/// How modules become nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grouping {
    /// Modules deeper than this many name components are drawn as their ancestor.
    pub level: Option<usize>,
    pub external: External,
}

/// `a.b.c.d` collapsed to 2 components is `a.b`.
pub fn collapsed(name: &str, level: Option<usize>) -> &str {
    match level {
        Some(level) => match name.match_indices('.').nth(level.max(1) - 1) {
            Some((at, _)) => &name[..at],
            None => name,
        },
        None => name,
    }
}

impl Grouping {
    /// The node `module` is drawn as; `None` when it is not drawn.
    pub fn node<'p>(&self, project: &'p Project, module: ModuleId) -> Option<&'p str> {
        let m = &project.modules[module as usize];
        if !m.external {
            return Some(collapsed(&m.name, self.level));
        }
        let top = m.name.as_str();
        match self.external {
            External::Hidden => None,
            // The index keeps an outside module as its top-level package already.
            External::Packages => Some(top),
            External::ThirdParty => (!project.environment.in_stdlib(top)).then_some(top),
            External::Grouped => (!project.environment.in_stdlib(top)).then_some(THIRD_PARTY),
        }
    }

    /// How many nodes the modules make.
    pub fn count(&self, project: &Project, modules: &[ModuleId]) -> usize {
        modules
            .iter()
            .filter_map(|&m| self.node(project, m))
            .collect::<FxHashSet<_>>()
            .len()
    }

    /// The command-line flags that ask for this grouping.
    pub fn flags(&self) -> String {
        let mut flags = Vec::new();
        if let Some(level) = self.level {
            flags.push(format!("--collapse {level}"));
        }
        if self.external != External::ThirdParty {
            let name = clap::ValueEnum::to_possible_value(&self.external)
                .map(|v| v.get_name().to_string())
                .unwrap_or_default();
            flags.push(format!("--external {name}"));
        }
        flags.join(" ")
    }

    /// The finest grouping that draws `modules` in at most `budget` nodes: the
    /// repository's modules at the deepest level that fits, with the outside ones by
    /// package when they fit beside them, else as one node (`external`, when given, is
    /// kept as it is).
    pub fn fitting(
        project: &Project,
        modules: &[ModuleId],
        budget: usize,
        external: Option<External>,
    ) -> Option<Grouping> {
        let deepest = modules
            .iter()
            .filter(|&&m| !project.modules[m as usize].external)
            .map(|&m| project.modules[m as usize].name.split('.').count())
            .max()
            .unwrap_or(1);
        let modes = External::tried(external);
        let levels = std::iter::once(None).chain((1..deepest).rev().map(Some));
        for level in levels {
            for &external in &modes {
                let grouping = Grouping { level, external };
                if grouping.count(project, modules) <= budget {
                    return Some(grouping);
                }
            }
        }
        None
    }
}
