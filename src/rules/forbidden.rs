//! `forbidden`: modules that must not import others, directly or through a chain.

use anyhow::Result;
use rustc_hash::FxHashSet;

use super::Rule;
use super::evaluate::{Evaluator, Finding};
use super::pattern::{ModulePattern, any_matches};
use crate::index::ModuleId;
use crate::view;

impl<'p> Evaluator<'p> {
    pub(super) fn forbidden(
        &mut self,
        rule: &Rule,
        from: &[ModulePattern],
        to: &[ModulePattern],
        transitive: bool,
    ) -> Result<Vec<Finding>> {
        let options = rule.graph_options().expect("a contract");
        let include_type_checking = options.include_type_checking;
        // Direct imports alone, none ignored: the sites say it (a hook run reads no more).
        let graph = match transitive || !options.ignore.is_empty() {
            true => Some(self.contract_graph(rule)?),
            false => None,
        };
        let project = self.project;
        let (id, severity) = (rule.id(), rule.severity());
        let name = |m: ModuleId| project.modules[m as usize].name.as_str();
        let mut findings = Vec::new();
        for &site in &self.in_scope {
            let record = &project.sites[site];
            let Some(node) = record.node() else { continue };
            let importer = project.importer_of(record);
            let ignored = record.context.type_checking && !include_type_checking
                || graph
                    .as_ref()
                    .is_some_and(|g| g.site(importer, node).is_none());
            if node != importer
                && !ignored
                && any_matches(from, name(importer))
                && any_matches(to, name(node))
            {
                let text = rule.message().map(str::to_string).unwrap_or_else(|| {
                    format!("`{}` must not import `{}`", name(importer), name(node))
                });
                findings.push(self.site_finding(id, severity, site, text, Vec::new(), None));
            }
        }
        let Some(graph) = graph.filter(|_| transitive) else {
            return Ok(findings);
        };
        // The importers a transitive finding can start from: those in scope, or any.
        let in_scope: Option<FxHashSet<ModuleId>> = self
            .scope_modules()
            .map(|modules| modules.into_iter().collect());
        let targets: FxHashSet<ModuleId> = (0..project.modules.len() as ModuleId)
            .filter(|&m| !project.modules[m as usize].external && any_matches(to, name(m)))
            .collect();
        let wanted = |m: ModuleId| {
            any_matches(from, name(m)) && in_scope.as_ref().is_none_or(|s| s.contains(&m))
        };
        for chain in graph.chains_into(&targets, wanted) {
            // Direct imports are reported above, at their own site.
            if chain.len() < 3 {
                continue;
            }
            let Some(first) = graph.site(chain[0], chain[1]) else {
                continue;
            };
            if !self.in_scope_file(project.sites[first].file as usize) {
                continue;
            }
            let modules: Vec<String> = chain.iter().map(|&m| name(m).to_string()).collect();
            let last = modules.last().cloned().unwrap_or_default();
            let text = rule
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("`{}` must not depend on `{last}`", modules[0]));
            let mut finding = self.site_finding(id, severity, first, text, modules.clone(), None);
            finding.target = view::arrows(&modules);
            findings.push(finding);
        }
        Ok(findings)
    }
}
