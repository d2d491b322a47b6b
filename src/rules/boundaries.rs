//! `modules`: module boundaries as tach declares them. Each import is judged between
//! the declared module holding the importer and the one holding what it imports (the
//! longest declared path that contains each): a higher layer may import a lower one,
//! never the reverse; otherwise the imported module must be among the importer's
//! `depends-on` (unset: anything goes) or a `utility`, within its `visibility`, and not
//! among the importer's `cannot-depend-on`. A higher layer may not import past a closed
//! one; with `exact`, a declared dependency no import needs is a finding, and with
//! `forbid-circular-dependencies` so is a cycle among the declared dependencies.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow};
use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;

use super::evaluate::{Evaluator, Finding};
use super::pattern::ModulePattern;
use super::{Boundaries, BoundaryModule, Rule, Severity};

fn contains(path: &str, name: &str) -> bool {
    name == path
        || name
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// A declared dependency names one declared module (or a glob of them).
fn names(path: &str, wanted: &str) -> bool {
    match path.contains('*') {
        true => ModulePattern::new(path).is_ok_and(|p| p.matches(wanted)),
        false => path == wanted,
    }
}

impl<'p> Evaluator<'p> {
    pub(super) fn boundaries(
        &mut self,
        rule: &Rule,
        settings: &Boundaries,
    ) -> Result<Vec<Finding>> {
        let Boundaries {
            layers,
            closed_layers,
            explicit,
            modules,
            ..
        } = *settings;
        if let Some(closed) = closed_layers.iter().find(|l| !layers.contains(l)) {
            return Err(anyhow!(
                "{}: closed layer `{closed}` is not one of `layers`",
                rule.at()
            ));
        }
        // Only ignored imports need the graph: a hook run on a few files reads no more.
        let ignores = rule.graph_options().is_some_and(|o| !o.ignore.is_empty());
        let graph = match ignores {
            true => Some(self.contract_graph(rule)?),
            false => None,
        };
        // A path may be a glob (`pkg.*`, `pkg.**.tests`): each module it matches is
        // declared with its settings.
        let mut declared: Vec<(String, &BoundaryModule)> = Vec::new();
        for module in modules {
            let before = declared.len();
            match module.path.contains('*') {
                true => {
                    let pattern = ModulePattern::new(&module.path)
                        .map_err(|e| anyhow!("{}: {e}", rule.at()))?;
                    declared.extend(
                        self.project
                            .modules
                            .iter()
                            .filter(|m| m.in_repository() && pattern.matches(&m.name))
                            .map(|m| (m.name.to_string(), module)),
                    );
                }
                false => {
                    let exists = self
                        .project
                        .modules
                        .iter()
                        .any(|m| !m.external && contains(&module.path, &m.name));
                    if exists {
                        declared.push((module.path.clone(), module));
                    }
                }
            }
            if declared.len() == before && !rule.allow_empty() {
                return Err(self.no_such_module(rule, "module", &module.path));
            }
            if let Some(layer) = module.layer.as_ref().filter(|l| !layers.contains(l)) {
                return Err(anyhow!(
                    "{}: module `{}`: layer `{layer}` is not one of `layers`",
                    rule.at(),
                    module.path
                ));
            }
        }
        let visibility: Vec<Option<Vec<ModulePattern>>> = declared
            .iter()
            .map(|(_, m)| {
                m.visibility.as_ref().map(|globs| {
                    globs
                        .iter()
                        .filter_map(|g| ModulePattern::new(g).ok())
                        .collect()
                })
            })
            .collect();
        let nearest = |name: &str| -> Option<usize> {
            (0..declared.len())
                .filter(|&i| contains(&declared[i].0, name))
                .max_by_key(|&i| declared[i].0.len())
        };
        let include_type_checking = rule
            .graph_options()
            .is_some_and(|o| o.include_type_checking);
        let project = self.project;
        let mut findings = match settings.acyclic {
            true => self.declared_cycles(rule, modules),
            false => Vec::new(),
        };
        // With `exact`, the dependencies imports need, by declared module (a whole
        // repository's check only: a few files' imports do not say what is unused).
        let exact = settings.exact && self.scope.is_none();
        let mut used: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for &site in &self.in_scope {
            let record = &project.sites[site];
            let Some(node) = record.node() else { continue };
            let importer = project.importer_of(record);
            if project.modules[node as usize].external
                || record.context.type_checking && !include_type_checking
                || graph
                    .as_ref()
                    .is_some_and(|g| g.site(importer, node).is_none())
            {
                continue;
            }
            let name = |m| project.modules[m as usize].name.as_str();
            let (Some(from), Some(to)) = (nearest(name(importer)), nearest(name(node))) else {
                continue;
            };
            if from == to {
                continue;
            }
            let ((a_path, a), (b_path, b)) = (&declared[from], &declared[to]);
            let place = |m: &BoundaryModule| {
                m.layer
                    .as_ref()
                    .and_then(|l| layers.iter().position(|x| x == l))
            };
            let closed_between = match (place(a), place(b)) {
                (Some(high), Some(low)) if high < low => closed_layers
                    .iter()
                    .find(|c| layers[high + 1..low].contains(c)),
                _ => None,
            };
            // What tach counts as a dependency the import needs: one it would judge
            // against `depends-on`, `cannot-depend-on` or the layers.
            let needed = !b.utility
                && closed_between.is_none()
                && !matches!((place(a), place(b)), (Some(high), Some(low)) if high < low && !explicit);
            if exact
                && needed
                && a.depends_on.is_some()
                && !used.get(&from).is_some_and(|u| u.contains(&to))
                && !self.tach_ignored(site)
            {
                used.entry(from).or_default().insert(to);
            }
            let verdict: Option<(Severity, String)> = match (place(a), place(b)) {
                _ if closed_between.is_some() => Some((
                    rule.severity(),
                    format!(
                        "layer `{}` is closed between layer `{}` and layer `{}`",
                        closed_between.map(String::as_str).unwrap_or_default(),
                        a.layer.as_deref().unwrap_or_default(),
                        b.layer.as_deref().unwrap_or_default()
                    ),
                )),
                (Some(high), Some(low)) if high < low && !explicit => None,
                (Some(low), Some(high)) if low > high => Some((
                    rule.severity(),
                    format!(
                        "layer `{}` is below layer `{}`",
                        a.layer.as_deref().unwrap_or_default(),
                        b.layer.as_deref().unwrap_or_default()
                    ),
                )),
                _ if a.cannot_depend_on.iter().any(|c| names(c, b_path)) => Some((
                    rule.severity(),
                    "it is among its cannot-depend-on".to_string(),
                )),
                _ if visibility[to]
                    .as_ref()
                    .is_some_and(|v| !v.iter().any(|p| p.matches(&a.path))) =>
                {
                    Some((
                        rule.severity(),
                        format!("`{b_path}` is visible only to its visibility list"),
                    ))
                }
                _ => match &a.depends_on {
                    None => None,
                    Some(_) if b.utility => None,
                    Some(list) => match list.iter().find(|d| names(d.path(), b_path)) {
                        Some(d) if d.deprecated() => Some((
                            Severity::Warning,
                            "a dependency marked deprecated".to_string(),
                        )),
                        Some(_) => None,
                        None => Some((rule.severity(), "not among its depends-on".to_string())),
                    },
                },
            };
            // The comment is read only for an import that would be a finding.
            let Some((severity, why)) = verdict.filter(|_| !self.tach_ignored(site)) else {
                continue;
            };
            let message = rule
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("`{a_path}` must not import `{b_path}`: {why}"));
            let mut finding = self.import_finding(rule, severity, site, message);
            finding.target = crate::view::arrows(&[a_path.clone(), b_path.clone()]);
            findings.push(finding);
        }
        if exact {
            findings.extend(self.unused_dependencies(rule, &declared, &used));
        }
        Ok(findings)
    }

    /// With `exact`: for each declared module (not a glob) with `depends-on`, the entries
    /// no import needs.
    fn unused_dependencies(
        &self,
        rule: &Rule,
        declared: &[(String, &BoundaryModule)],
        used: &BTreeMap<usize, BTreeSet<usize>>,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, (path, module)) in declared.iter().enumerate() {
            let Some(list) = module
                .depends_on
                .as_ref()
                .filter(|_| !module.path.contains('*'))
            else {
                continue;
            };
            let needed: Vec<&str> = used
                .get(&index)
                .into_iter()
                .flatten()
                .map(|&to| declared[to].0.as_str())
                .collect();
            let unused: Vec<String> = list
                .iter()
                .filter(|d| !needed.iter().any(|n| names(d.path(), n)))
                .map(|d| format!("`{}`", d.path()))
                .collect();
            if !unused.is_empty() {
                findings.push(self.rule_finding(
                    rule,
                    path.clone(),
                    format!(
                        "`{path}` does not depend on {}: declared in depends-on, needed by no import (exact)",
                        unused.join(", ")
                    ),
                ));
            }
        }
        findings
    }

    /// With `forbid-circular-dependencies`: a finding for each cycle among the declared
    /// dependencies, as written (globs not expanded, deprecated ones included).
    fn declared_cycles(&self, rule: &Rule, modules: &[BoundaryModule]) -> Vec<Finding> {
        let mut graph: DiGraphMap<&str, ()> = DiGraphMap::new();
        for module in modules {
            for dependency in module.depends_on.iter().flatten() {
                graph.add_edge(module.path.as_str(), dependency.path(), ());
            }
        }
        let mut cycles: Vec<Vec<&str>> = tarjan_scc(&graph)
            .into_iter()
            .filter(|component| component.len() > 1)
            .map(|mut component| {
                component.sort_unstable();
                component
            })
            .collect();
        cycles.sort();
        cycles
            .into_iter()
            .map(|members| {
                let listed: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
                self.rule_finding(
                    rule,
                    members.join(", "),
                    format!(
                        "the declared dependencies of {} form a cycle (forbid-circular-dependencies)",
                        listed.join(", ")
                    ),
                )
            })
            .collect()
    }

    /// The import carries a `# tach-ignore` comment (on its own lines, or alone on the
    /// line above), which tach honours.
    pub(super) fn tach_ignored(&self, site: usize) -> bool {
        let project = self.project;
        let file = project.sites[site].file as usize;
        let import = project.import_site(site);
        let Ok(text) = std::fs::read_to_string(&project.files[file].path) else {
            return false;
        };
        let lines: Vec<&str> = text.lines().collect();
        let first = import.position.line as usize;
        let span = import.statement_span.start as usize..import.statement_span.end as usize;
        let last = first + text.get(span).map_or(0, |s| s.matches('\n').count());
        // The line above counts when it is a comment of its own, not another statement's.
        let above = first
            .checked_sub(2)
            .and_then(|index| lines.get(index))
            .is_some_and(|line| line.trim_start().starts_with('#') && line.contains("tach-ignore"));
        above
            || (first..=last)
                .filter_map(|line| lines.get(line - 1))
                .any(|line| line.contains("# tach-ignore"))
    }
}
