//! `interface`: a package is imported from outside only through its public names — the
//! `expose` patterns (regular expressions over the path below the package, as tach
//! writes them), or else the package's `__all__` (its names not starting with `_`
//! without one). Judged on what each import really binds: a public name of the package
//! that aliases a private definition is fine; a public name imported through a private
//! module is the finding, with the public path to use instead.

use anyhow::{Result, anyhow};
use regex::Regex;

use super::Rule;
use super::evaluate::{Evaluator, Finding};
use crate::resolve::Resolution;

impl<'p> Evaluator<'p> {
    pub(super) fn interface(
        &mut self,
        rule: &Rule,
        modules: &[String],
        expose: &[String],
    ) -> Result<Vec<Finding>> {
        let graph = self.contract_graph(rule)?;
        let packages = self.packages(rule, "modules", modules, &graph)?;
        let patterns: Vec<Regex> = expose
            .iter()
            .map(|p| {
                Regex::new(&format!("^(?:{p})$"))
                    .map_err(|e| anyhow!("{}: expose {p:?}: {e}", rule.at()))
            })
            .collect::<Result<_>>()?;
        let project = self.project;
        let mut findings = Vec::new();
        for package in &packages {
            let Some(id) = project.internal(&package.name) else {
                continue;
            };
            let all = self.resolver.all(id);
            let public = |member: &str| match (patterns.is_empty(), &all) {
                (false, _) => patterns.iter().any(|p| p.is_match(member)),
                (true, Some(all)) => all.iter().any(|n| n == member),
                (true, None) => !member.contains('.') && !member.starts_with('_'),
            };
            for index in 0..self.in_scope.len() {
                let site = self.in_scope[index];
                let record = &project.sites[site];
                if package.modules.contains(&project.importer_of(record)) {
                    continue;
                }
                let Some(target) = record.target.as_deref() else {
                    continue;
                };
                let inside = target == package.name
                    || target
                        .strip_prefix(package.name.as_str())
                        .is_some_and(|r| r.starts_with('.'));
                if !inside {
                    continue;
                }
                let import = project.import_site(site);
                let name = import.name.as_deref().filter(|n| *n != "*");
                // The member path below the package: `service.get_user`, or the module.
                let full = match name {
                    Some(name) => format!("{target}.{name}"),
                    None => target.to_string(),
                };
                if full == package.name {
                    continue;
                }
                let member = &full[package.name.len() + 1..];
                if public(member) {
                    continue;
                }
                self.ensure_resolved(site);
                let binds = self.resolved(site).resolution.clone();
                // The same object under a public name of the package: that is the way in.
                let public_name = name.filter(|n| {
                    public(n)
                        && self.resolver.resolve_name(id, n) == binds
                        && !matches!(binds, Resolution::Unresolved(_))
                });
                let message = rule.message().map(str::to_string).unwrap_or_else(|| match public_name {
                    Some(n) => format!(
                        "`{full}` is not part of the public interface of `{}`: import `{n}` from `{}`",
                        package.name, package.name
                    ),
                    None => format!(
                        "`{full}` is not part of the public interface of `{}`",
                        package.name
                    ),
                });
                findings.push(self.import_finding(rule, rule.severity(), site, message));
            }
        }
        Ok(findings)
    }
}
