//! `acyclic-siblings`: the children of a package (each with everything below it) must
//! not import each other in a cycle; nor, to `depth` levels, the children of those. A
//! broken one names the fewest imports found whose removal breaks every cycle (the
//! backward edges of an Eades–Lin–Smyth order, as import-linter nominates them).

use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};

use super::Rule;
use super::contract_graph::ContractGraph;
use super::contracts::Package;
use super::evaluate::{Evaluator, Finding};

impl<'p> Evaluator<'p> {
    pub(super) fn acyclic_siblings(
        &mut self,
        rule: &Rule,
        ancestors: &[String],
        depth: u32,
        skip_descendants: &[String],
    ) -> Result<Vec<Finding>> {
        let graph = self.contract_graph(rule)?;
        let ancestors = self.packages(rule, "ancestors", ancestors, &graph)?;
        let skipped: FxHashSet<String> = self
            .packages(rule, "skip-descendants", skip_descendants, &graph)?
            .into_iter()
            .map(|p| p.name)
            .collect();
        let mut findings = Vec::new();
        let mut pending: Vec<(String, u32)> =
            ancestors.into_iter().map(|p| (p.name, depth)).collect();
        while let Some((ancestor, left)) = pending.pop() {
            let children = self.children(&ancestor, &graph);
            if children.len() >= 2 {
                findings.extend(self.cycle_breakers(rule, &graph, &ancestor, &children));
            }
            if left > 0 {
                for child in children.iter().rev() {
                    if !skipped.contains(&child.name) {
                        pending.push((child.name.clone(), left - 1));
                    }
                }
            }
        }
        Ok(findings)
    }

    /// The children of `package`, each with what is below it, in name order.
    fn children(&self, package: &str, graph: &ContractGraph) -> Vec<Package> {
        self.child_names(package)
            .into_iter()
            .map(|child| {
                let name = format!("{package}.{child}");
                let modules = graph.below(&name);
                Package { name, modules }
            })
            .collect()
    }

    /// The imports between `children` that point backwards in an Eades–Lin–Smyth
    /// order of them, each a finding.
    fn cycle_breakers(
        &self,
        rule: &Rule,
        graph: &ContractGraph,
        ancestor: &str,
        children: &[Package],
    ) -> Vec<Finding> {
        let count = children.len();
        // weight[a][b]: how many module imports child a makes of child b.
        let mut weight = vec![vec![0usize; count]; count];
        for (a, from) in children.iter().enumerate() {
            for (b, to) in children.iter().enumerate() {
                if a != b {
                    weight[a][b] = graph.direct(&from.modules, &to.modules).len();
                }
            }
        }
        let order = crate::graph::eades_lin_smyth(&weight);
        let place: FxHashMap<usize, usize> = order
            .iter()
            .enumerate()
            .map(|(at, &node)| (node, at))
            .collect();
        let short = |name: &str| name[ancestor.len()..].to_string();
        let mut findings = Vec::new();
        for (a, from) in children.iter().enumerate() {
            for (b, to) in children.iter().enumerate() {
                if weight[a][b] == 0 || place[&b] > place[&a] {
                    continue;
                }
                let imports = weight[a][b];
                let message = rule.message().map(str::to_string).unwrap_or_else(|| {
                    format!(
                        "`{}` must not import `{}`: no cycles among the children of \
                         `{ancestor}` (removing `{} -> {}`, {} import{}, breaks them)",
                        from.name,
                        to.name,
                        short(&from.name),
                        short(&to.name),
                        imports,
                        if imports == 1 { "" } else { "s" }
                    )
                });
                for (importer, imported) in graph.direct(&from.modules, &to.modules) {
                    findings.extend(self.chain_finding(
                        rule,
                        graph,
                        &[importer, imported],
                        message.clone(),
                    ));
                }
            }
        }
        findings
    }
}
