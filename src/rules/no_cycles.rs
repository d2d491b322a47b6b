//! `no-cycles`: import cycles among a set of modules.

use rustc_hash::FxHashSet;

use super::Severity;
use super::evaluate::{Evaluator, Finding};
use super::pattern::{ModulePattern, any_matches};
use crate::graph::{EdgeFilter, Graph};
use crate::index::ModuleId;
use crate::view;

impl<'p> Evaluator<'p> {
    pub(super) fn no_cycles(
        &self,
        id: &str,
        severity: Severity,
        message: Option<String>,
        within: &[ModulePattern],
    ) -> Vec<Finding> {
        let project = self.project;
        let modules: FxHashSet<ModuleId> = (0..project.modules.len() as ModuleId)
            .filter(|&m| {
                let module = &project.modules[m as usize];
                !module.external && any_matches(within, &module.name)
            })
            .collect();
        if !self.scope_has(|m| modules.contains(&m)) {
            return Vec::new();
        }
        let graph = Graph::new(project, EdgeFilter::default()).within(modules);
        let mut findings = Vec::new();
        for cycle in graph.cycles() {
            let links = graph.links(&cycle.chain);
            // The import that closes the cycle; with `every_cycle_link`, in each file the
            // one that carries it on (the editor shows it in every file of the cycle).
            let reported: Vec<usize> = match self.every_cycle_link {
                true => links.iter().map(|link| link.site).collect(),
                false => links.first().map(|link| link.site).into_iter().collect(),
            };
            let reported: Vec<usize> = reported
                .into_iter()
                .filter(|&site| self.in_scope_file(project.sites[site].file as usize))
                .collect();
            if reported.is_empty() {
                continue;
            }
            let modules: Vec<String> = cycle
                .chain
                .iter()
                .map(|&m| project.modules[m as usize].name.to_string())
                .collect();
            let deferred = if cycle.deferred {
                " (deferred: TYPE_CHECKING or function-level)"
            } else {
                ""
            };
            let head = message
                .clone()
                .unwrap_or_else(|| format!("import cycle through `{}`", modules[0]));
            let text = format!("{head}{deferred}");
            for site in reported {
                let mut finding =
                    self.site_finding(id, severity, site, text.clone(), modules.clone(), None);
                finding.target = view::arrows(&modules);
                findings.push(finding);
            }
        }
        findings
    }
}
