//! What the architecture contracts share — a broken one lists each illegal dependency
//! with its chain, hop by hop, the way import-linter does — and the `independence` and
//! `protected` kinds.

use anyhow::{Result, anyhow};
use rustc_hash::FxHashSet;

use super::contract_graph::ContractGraph;
use super::evaluate::{Evaluator, Finding};
use super::pattern::ModulePattern;
use super::{Alert, Rule};
use crate::index::ModuleId;
use crate::suggest;
use crate::view;

/// A package a contract names, with the modules it holds.
pub(super) struct Package {
    pub name: String,
    pub modules: FxHashSet<ModuleId>,
}

impl<'p> Evaluator<'p> {
    /// The contract's graph, with a warning or an error for `ignore` entries that
    /// matched no import (as `unmatched-ignores` says).
    pub(super) fn contract_graph(&mut self, rule: &Rule) -> Result<ContractGraph<'p>> {
        let options = rule.graph_options().expect("a contract");
        let graph = ContractGraph::new(self.project, &options)
            .map_err(|e| anyhow!("{}: {e}", rule.at()))?;
        for unmatched in &graph.unmatched {
            let text = format!("{}: ignore `{unmatched}` matches no import", rule.at());
            match options.unmatched_ignores {
                Alert::Error => return Err(anyhow!(text)),
                Alert::Warning => self.warnings.push(text),
                Alert::Off => {}
            }
        }
        Ok(graph)
    }

    /// The packages `patterns` name (a glob names each module it matches); an error
    /// with the nearest module when one names nothing.
    pub(super) fn packages(
        &self,
        rule: &Rule,
        key: &str,
        patterns: &[String],
        graph: &ContractGraph,
    ) -> Result<Vec<Package>> {
        let mut packages = Vec::new();
        for text in patterns {
            let names: Vec<String> = if text.contains('*') {
                let pattern =
                    ModulePattern::new(text).map_err(|e| anyhow!("{}: {e}", rule.at()))?;
                self.project
                    .modules
                    .iter()
                    .filter(|m| m.in_repository() && pattern.matches(&m.name))
                    .map(|m| m.name.to_string())
                    .collect()
            } else {
                vec![text.clone()]
            };
            let before = packages.len();
            for name in names {
                let modules = graph.below(&name);
                if !modules.is_empty() {
                    packages.push(Package { name, modules });
                }
            }
            if packages.len() == before && !rule.allow_empty() {
                return Err(self.no_such_module(rule, key, text));
            }
        }
        Ok(packages)
    }

    /// The names of the children of `package` (modules and packages right below it),
    /// in order.
    pub(super) fn child_names(&self, package: &str) -> Vec<&'p str> {
        let prefix = format!("{package}.");
        let mut names: Vec<&str> = self
            .project
            .modules
            .iter()
            .filter(|m| m.in_repository())
            .filter_map(|m| m.name.strip_prefix(&prefix))
            .map(|rest| rest.split('.').next().unwrap_or(rest))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// `KEY `NAME` matches no module`, with the nearest module name.
    pub(super) fn no_such_module(&self, rule: &Rule, key: &str, name: &str) -> anyhow::Error {
        let names = self
            .project
            .modules
            .iter()
            .filter(|m| m.in_repository())
            .map(|m| m.name.as_str());
        anyhow!(
            "{}: {key} `{name}` matches no module of the repository{}",
            rule.at(),
            suggest::did_you_mean(name, names)
        )
    }

    /// The findings of `importer` depending on `imported` (each a package): every direct
    /// import, else one shortest chain through modules outside `avoid` — or none with
    /// `direct_only`.
    pub(super) fn dependency(
        &self,
        rule: &Rule,
        graph: &ContractGraph,
        importer: &Package,
        imported: &Package,
        avoid: &FxHashSet<ModuleId>,
        direct_only: bool,
    ) -> Vec<Finding> {
        let message = |detail: &str| {
            rule.message().map(str::to_string).unwrap_or_else(|| {
                format!(
                    "`{}` must not import `{}`{detail}",
                    importer.name, imported.name
                )
            })
        };
        let direct = graph.direct(&importer.modules, &imported.modules);
        let chains: Vec<Vec<ModuleId>> = if !direct.is_empty() {
            direct.into_iter().map(|(a, b)| vec![a, b]).collect()
        } else if direct_only {
            Vec::new()
        } else {
            graph
                .chain(&importer.modules, &imported.modules, avoid)
                .into_iter()
                .collect()
        };
        chains
            .into_iter()
            .filter_map(|chain| {
                let detail = match chain.len() {
                    2 => String::new(),
                    3 => " (through 1 other module)".to_string(),
                    hops => format!(" (through {} other modules)", hops - 2),
                };
                self.chain_finding(rule, graph, &chain, message(&detail))
            })
            .collect()
    }

    /// A finding at the first import of `chain`, which it lists module by module.
    pub(super) fn chain_finding(
        &self,
        rule: &Rule,
        graph: &ContractGraph,
        chain: &[ModuleId],
        message: String,
    ) -> Option<Finding> {
        let site = graph.site(chain[0], chain[1])?;
        if !self.in_scope_file(self.project.sites[site].file as usize) {
            return None;
        }
        let modules: Vec<String> = chain
            .iter()
            .map(|&m| self.project.modules[m as usize].name.to_string())
            .collect();
        let mut finding =
            self.site_finding(rule.id(), rule.severity(), site, message, Vec::new(), None);
        if modules.len() > 2 {
            finding.chain = modules.clone();
        }
        finding.target = view::arrows(&modules);
        Some(finding)
    }

    /// `independence`: no module may import another, directly or (unless
    /// `allow_indirect`) through any chain.
    pub(super) fn independence(
        &mut self,
        rule: &Rule,
        modules: &[String],
        allow_indirect: bool,
    ) -> Result<Vec<Finding>> {
        let graph = self.contract_graph(rule)?;
        let packages = self.packages(rule, "modules", modules, &graph)?;
        let mut findings = Vec::new();
        for importer in &packages {
            for imported in &packages {
                if importer.name != imported.name {
                    // A chain through another of the modules is that module's own.
                    let avoid: FxHashSet<ModuleId> = packages
                        .iter()
                        .filter(|p| p.name != importer.name && p.name != imported.name)
                        .flat_map(|p| p.modules.iter().copied())
                        .collect();
                    findings.extend(self.dependency(
                        rule,
                        &graph,
                        importer,
                        imported,
                        &avoid,
                        allow_indirect,
                    ));
                }
            }
        }
        Ok(findings)
    }

    /// `protected`: only `allowed` (and the protected packages themselves) may import a
    /// protected module directly.
    pub(super) fn protected(
        &mut self,
        rule: &Rule,
        modules: &[String],
        allowed: &[String],
    ) -> Result<Vec<Finding>> {
        let graph = self.contract_graph(rule)?;
        let packages = self.packages(rule, "modules", modules, &graph)?;
        let allowed: FxHashSet<ModuleId> = self
            .packages(rule, "allowed-importers", allowed, &graph)?
            .into_iter()
            .flat_map(|p| p.modules)
            .collect();
        let mut findings = Vec::new();
        for package in &packages {
            let outside: FxHashSet<ModuleId> = (0..self.project.modules.len() as ModuleId)
                .filter(|m| !package.modules.contains(m) && !allowed.contains(m))
                .collect();
            for (importer, imported) in graph.direct(&outside, &package.modules) {
                let name = |m: ModuleId| self.project.modules[m as usize].name.as_str();
                let message = rule.message().map(str::to_string).unwrap_or_else(|| {
                    format!(
                        "`{}` must not import `{}`: it is protected",
                        name(importer),
                        package.name
                    )
                });
                findings.extend(self.chain_finding(rule, &graph, &[importer, imported], message));
            }
        }
        Ok(findings)
    }
}
