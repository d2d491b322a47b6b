//! `deprecated-auto` (built in): imports of what the code itself marks deprecated.

use super::evaluate::{Evaluator, Finding};
use super::{DEPRECATED_AUTO, Severity};
use crate::index::ModuleId;
use crate::query::{self};
use crate::resolve::Resolution;
use crate::summary::BindingKind;
use crate::view;

impl<'p> Evaluator<'p> {
    /// The built-in rule: imports of modules that warn `DeprecationWarning` at import,
    /// of names a module's `__getattr__` deprecates, and of `@deprecated` definitions.
    pub fn deprecated_auto(&self, severity: Severity) -> Vec<Finding> {
        let project = self.project;
        let mut findings = Vec::new();
        for &site in &self.in_scope {
            let record = &project.sites[site];
            let import = project.import_site(site);
            let resolved = self.resolved(site);
            let mut reached: Vec<ModuleId> = record.node().into_iter().collect();
            reached.extend(query::resolution_module(&resolved.resolution));
            reached.extend(resolved.hops.iter().copied());
            reached.sort_unstable();
            reached.dedup();
            // (message, chain) of each reason the site is deprecated.
            let mut found: Vec<(String, Vec<String>)> = Vec::new();
            let importer = project.importer_of(record);
            for &module in reached.iter().filter(|&&m| m != importer) {
                let Some(warning) = project
                    .module_summary(module)
                    .and_then(|s| s.deprecated.as_ref())
                else {
                    continue;
                };
                let module_name = &project.modules[module as usize].name;
                // The module's own words usually name it: not a second and third time.
                let named = warning.contains(module_name.as_str());
                let text = match (import.name.as_deref(), named) {
                    (Some(name), true) if name != "*" => format!("`{name}`: {warning}"),
                    (Some(name), false) if name != "*" => {
                        format!("`{name}` comes from deprecated `{module_name}`: {warning}")
                    }
                    (_, true) => warning.to_string(),
                    (_, false) => format!("`{module_name}` is deprecated: {warning}"),
                };
                let direct = record.node() == Some(module);
                found.push((text, if direct { Vec::new() } else { self.via(site) }));
            }
            if let (Some(target), Some(name)) = (&record.target, &import.name)
                && let Some(module) = project.internal(target)
                && project
                    .module_summary(module)
                    .is_some_and(|s| s.deprecated_names.iter().any(|n| *n == *name))
            {
                found.push((format!("`{target}.{name}` is deprecated"), Vec::new()));
            }
            if let Resolution::Definition { module, binding } = resolved.resolution {
                let definition = view::binding(project, module, binding);
                if let Some(warning) = definition.deprecated()
                    && matches!(definition.kind, BindingKind::Class | BindingKind::Function)
                {
                    let module_name = &project.modules[module as usize].name;
                    let text = format!(
                        "`{module_name}.{}` is deprecated: {warning}",
                        definition.name
                    );
                    found.push((text, self.via(site)));
                }
            }
            findings.extend(found.into_iter().map(|(text, via)| {
                self.site_finding(DEPRECATED_AUTO, severity, site, text, via, None)
            }));
        }
        findings
    }
}
