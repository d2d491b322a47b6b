//! `forbidden`: modules that must not import others, directly or through a chain.

use petgraph::Direction;

use super::Severity;
use super::evaluate::{Evaluator, Finding};
use super::pattern::{ModulePattern, any_matches};
use crate::graph::{EdgeFilter, Graph};
use crate::index::ModuleId;
use crate::view;

impl<'p> Evaluator<'p> {
    pub(super) fn forbidden(
        &self,
        id: &str,
        severity: Severity,
        message: Option<String>,
        from: &[ModulePattern],
        to: &[ModulePattern],
        transitive: bool,
    ) -> Vec<Finding> {
        let project = self.project;
        let name = |m: ModuleId| project.modules[m as usize].name.as_str();
        let mut findings = Vec::new();
        for &site in &self.in_scope {
            let record = &project.sites[site];
            let Some(node) = record.node() else { continue };
            let importer = project.importer_of(record);
            if node != importer && any_matches(from, name(importer)) && any_matches(to, name(node))
            {
                let text = message.clone().unwrap_or_else(|| {
                    format!("`{}` must not import `{}`", name(importer), name(node))
                });
                findings.push(self.site_finding(id, severity, site, text, Vec::new(), None));
            }
        }
        // The importers a transitive finding can start from: those in scope, or any.
        let importers: Option<Vec<ModuleId>> = self.scope_modules().map(|modules| {
            modules
                .into_iter()
                .filter(|&m| any_matches(from, name(m)))
                .collect()
        });
        if transitive && importers.as_ref().is_none_or(|m| !m.is_empty()) {
            let graph = Graph::new(project, EdgeFilter::default());
            let targets: Vec<ModuleId> = (0..project.modules.len() as ModuleId)
                .filter(|&m| !project.modules[m as usize].external && any_matches(to, name(m)))
                .collect();
            for chain in graph.reach_only(&targets, Direction::Incoming, importers.as_deref()) {
                // Direct imports are reported above, at their own site.
                if chain.len() < 3 || !any_matches(from, name(chain[0])) {
                    continue;
                }
                let Some(first) = graph.link(chain[0], chain[1]) else {
                    continue;
                };
                if !self.in_scope_file(project.sites[first.site].file as usize) {
                    continue;
                }
                let modules: Vec<String> = chain.iter().map(|&m| name(m).to_string()).collect();
                let last = modules.last().cloned().unwrap_or_default();
                let text = message
                    .clone()
                    .unwrap_or_else(|| format!("`{}` must not depend on `{last}`", modules[0]));
                let mut finding =
                    self.site_finding(id, severity, first.site, text, modules.clone(), None);
                finding.target = view::arrows(&modules);
                findings.push(finding);
            }
        }
        findings
    }
}
