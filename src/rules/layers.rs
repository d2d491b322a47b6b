//! `layers`: highest first, a lower layer must not import a higher one, directly or
//! through a chain of modules outside the other layers (a chain through another layer
//! is that layer's own dependency, reported at its pair). On one line, `a | b` are
//! siblings that must not import each other, `a : b` siblings that may; `(a)` may be
//! missing. With `containers`, the layers are children of each container, checked apart.

use anyhow::Result;
use rustc_hash::FxHashSet;

use super::Rule;
use super::contracts::Package;
use super::evaluate::{Evaluator, Finding};
use crate::index::ModuleId;

/// One line of `layers`.
struct Line {
    names: Vec<(String, bool)>,
    independent: bool,
}

fn lines(layers: &[String]) -> Vec<Line> {
    layers
        .iter()
        .map(|line| Line {
            names: names(line),
            independent: line.contains('|'),
        })
        .collect()
}

/// The module names on one line of `layers`, each with whether it may be missing.
pub fn names(line: &str) -> Vec<(String, bool)> {
    line.split(['|', ':'])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(
            |name| match name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
                Some(optional) => (optional.trim().to_string(), true),
                None => (name.to_string(), false),
            },
        )
        .collect()
}

impl<'p> Evaluator<'p> {
    pub(super) fn layers(
        &mut self,
        rule: &Rule,
        layers: &[String],
        containers: &[String],
        exhaustive: bool,
        exhaustive_ignores: &[String],
    ) -> Result<Vec<Finding>> {
        let graph = self.contract_graph(rule)?;
        let lines = lines(layers);
        // A container may be a glob (`app.*`): each package it matches is one.
        let mut expanded: Vec<String> = Vec::new();
        for container in containers {
            match container.contains('*') {
                true => expanded.extend(
                    self.packages(rule, "containers", std::slice::from_ref(container), &graph)?
                        .into_iter()
                        .map(|p| p.name),
                ),
                false => expanded.push(container.clone()),
            }
        }
        let containers: Vec<Option<&str>> = match expanded.is_empty() {
            true => vec![None],
            false => expanded.iter().map(|c| Some(c.as_str())).collect(),
        };
        let mut findings = Vec::new();
        for container in containers {
            if let Some(container) = container
                && graph.below(container).is_empty()
                && !rule.allow_empty()
            {
                return Err(self.no_such_module(rule, "container", container));
            }
            // Each line's packages, in order, highest first.
            let mut placed: Vec<Vec<Package>> = Vec::new();
            for line in &lines {
                let mut packages = Vec::new();
                for (name, optional) in &line.names {
                    let full = match container {
                        Some(container) => format!("{container}.{name}"),
                        None => name.clone(),
                    };
                    let modules = graph.below(&full);
                    if modules.is_empty() {
                        if *optional || rule.allow_empty() {
                            continue;
                        }
                        return Err(self.no_such_module(rule, "layer", &full));
                    }
                    packages.push(Package {
                        name: full,
                        modules,
                    });
                }
                placed.push(packages);
            }
            let every: Vec<&Package> = placed.iter().flatten().collect();
            let others = |pair: [&str; 2]| -> FxHashSet<ModuleId> {
                every
                    .iter()
                    .filter(|p| !pair.contains(&p.name.as_str()))
                    .flat_map(|p| p.modules.iter().copied())
                    .collect()
            };
            for (high, higher) in placed.iter().enumerate() {
                for lower in &placed[high + 1..] {
                    for importer in lower {
                        for imported in higher {
                            let avoid = others([&importer.name, &imported.name]);
                            findings.extend(
                                self.dependency(rule, &graph, importer, imported, &avoid, false),
                            );
                        }
                    }
                }
                if lines[high].independent {
                    for importer in higher {
                        for imported in higher {
                            if importer.name != imported.name {
                                let avoid = others([&importer.name, &imported.name]);
                                findings.extend(
                                    self.dependency(
                                        rule, &graph, importer, imported, &avoid, false,
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            if exhaustive && let Some(container) = container {
                findings.extend(self.unlisted_children(
                    rule,
                    container,
                    &lines,
                    exhaustive_ignores,
                ));
            }
        }
        Ok(findings)
    }

    /// `exhaustive`: each child of `container` that is no layer and not ignored.
    fn unlisted_children(
        &self,
        rule: &Rule,
        container: &str,
        lines: &[Line],
        ignores: &[String],
    ) -> Vec<Finding> {
        self.child_names(container)
            .into_iter()
            .filter(|child| {
                !lines
                    .iter()
                    .flat_map(|l| &l.names)
                    .any(|(name, _)| name == child)
                    && !ignores.iter().any(|ignored| ignored == child)
            })
            .map(|child| {
                self.rule_finding(
                    rule,
                    format!("{container}.{child}"),
                    format!(
                        "`{container}.{child}` is in no layer: `exhaustive` wants every child \
                         of `{container}` listed (or in `exhaustive-ignores`)"
                    ),
                )
            })
            .collect()
    }
}
