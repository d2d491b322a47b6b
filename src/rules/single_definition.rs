//! `single-definition`: names that must have one true definition.

use globset::GlobSet;

use super::Severity;
use super::evaluate::{Evaluator, Finding};
use crate::graph::EdgeFilter;
use crate::index::ModuleId;
use crate::query::{self, DefinitionKind};
use crate::view;

impl<'p> Evaluator<'p> {
    pub(super) fn single_definition(
        &mut self,
        id: &str,
        severity: Severity,
        message: Option<String>,
        names: &GlobSet,
        paths: &GlobSet,
    ) -> Vec<Finding> {
        let project = self.project;
        let in_paths = |module: ModuleId| {
            paths.is_empty()
                || project.modules[module as usize]
                    .path
                    .as_deref()
                    .is_some_and(|p| paths.is_match(p))
        };
        let among = self.scope_modules();
        let mut duplicates: Vec<_> = query::duplicate_definitions(
            &mut self.resolver,
            DefinitionKind::Any,
            &|name| names.is_match(name),
            &EdgeFilter::default(),
            among.as_deref(),
        )
        .into_iter()
        .collect();
        duplicates.sort_unstable_by_key(|(name, _)| *name);
        let path = |module: ModuleId| project.modules[module as usize].path.as_deref();
        let mut findings = Vec::new();
        for (name, mut found) in duplicates {
            found.sort_by_key(|&(module, _)| path(module));
            let definitions: Vec<(ModuleId, u32)> = found
                .into_iter()
                .filter(|&(module, _)| in_paths(module))
                .collect();
            if definitions.len() < 2 {
                continue;
            }
            let places: Vec<String> = definitions
                .iter()
                .map(|&(module, binding)| {
                    let line = view::binding(project, module, binding).position.line;
                    format!("{}:{line}", path(module).unwrap_or_default())
                })
                .collect();
            for (index, &(module, binding)) in definitions.iter().enumerate() {
                let in_scope = project.modules[module as usize]
                    .file
                    .is_some_and(|f| self.in_scope_file(f));
                if !in_scope {
                    continue;
                }
                let binding = view::binding(project, module, binding);
                let others: Vec<&str> = places
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != index)
                    .map(|(_, p)| p.as_str())
                    .collect();
                let head = message
                    .clone()
                    .unwrap_or_else(|| format!("`{}` must have one definition", name));
                findings.push(Finding {
                    rule: id.to_string(),
                    severity,
                    path: path(module).unwrap_or_default().to_string(),
                    line: binding.position.line,
                    col: binding.position.col,
                    message: format!(
                        "{head} ({} definitions; also at {})",
                        definitions.len(),
                        others.join(", ")
                    ),
                    chain: Vec::new(),
                    fixable: false,
                    target: format!("{} {}", view::binding_kind(binding), name),
                    site: None,
                    replacement: None,
                    same_object: false,
                    why_not_fixable: Some(
                        "a definition to merge or remove: not an import rewrite".to_string(),
                    ),
                });
            }
        }
        findings
    }
}
