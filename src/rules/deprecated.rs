//! `deprecated`: imports of a deprecated module or name, direct or through any re-export.

use anyhow::{Result, anyhow};
use globset::GlobSet;
use rustc_hash::FxHashSet;

use super::Rule;
use super::evaluate::{Evaluator, Finding};
use super::pattern::ModulePattern;
use super::pattern::path_globs;
use crate::index::ModuleId;
use crate::query::{self};
use crate::resolve::Resolution;

impl<'p> Evaluator<'p> {
    /// A `deprecated` rule's findings: imports of its target, direct or through any
    /// re-export, each with the replacement as advice or as a fix.
    pub(super) fn deprecated_rule(
        &mut self,
        rule: &Rule,
        target: &str,
        replacement: Option<&str>,
        allow: &[String],
    ) -> Result<Vec<Finding>> {
        let id = rule.id().to_string();
        let severity = rule.severity();
        let message = rule.message().map(str::to_string);
        let allow = path_globs(rule, "allow", allow)?;
        if let Some(replacement) = replacement
            && let Err(e) = crate::target::resolve_target(&mut self.resolver, replacement)
        {
            // A replacement outside the repository (`unittest.mock` for `mock`) is advice
            // when the environment can import it; one under a package of the repository
            // must resolve.
            let top = replacement.split('.').next().unwrap_or(replacement);
            let repository_package = matches!(
                self.resolver.resolve_path(top).0,
                Resolution::Module(m) if self.project.modules[m as usize].in_repository()
            );
            if repository_package || !self.project.environment.may_import(replacement) {
                return Err(anyhow!("{}: replacement {e}", rule.at()));
            }
        }
        let pattern =
            ModulePattern::new(target).map_err(|e| anyhow!("{}: target: {e}", rule.at()))?;
        let found = self.deprecated(&pattern, &allow);
        if found.is_none() && !rule.allow_empty() {
            // Why it names nothing, with the nearest name, as `why` says it.
            let hint = match pattern.is_glob() {
                true => String::new(),
                false => crate::target::resolve_target(&mut self.resolver, target)
                    .err()
                    .and_then(|e| {
                        let e = e.to_string();
                        e.find("; did you mean").map(|at| e[at..].to_string())
                    })
                    .unwrap_or_default(),
            };
            return self
                .unmatched(rule, "target", target, &hint)
                .map(|f| vec![f]);
        }
        let default = format!("`{target}` is deprecated");
        // A deprecated name's replacement is a declared mapping (applied only as an
        // unsafe fix unless it is the very same object); a deprecated module's is
        // advice, unless it is a module: then each name moves to the same name
        // there, when that is the same object.
        let symbol_level = !pattern.is_glob()
            && matches!(
                self.resolver.resolve_path(target).0,
                Resolution::Definition { .. }
            );
        let to_module = replacement
            .is_some_and(|r| matches!(self.resolver.resolve_path(r).0, Resolution::Module(_)));
        Ok(found
            .unwrap_or_default()
            .into_iter()
            .map(|(site, via)| {
                let mut text = message.clone().unwrap_or_else(|| default.clone());
                if let Some(replacement) = replacement {
                    text.push_str(&format!("; import `{replacement}` instead"));
                }
                let name = self.project.import_site(site).name;
                let (edit, same_object) = match (replacement, name) {
                    (Some(r), _) if symbol_level => (Some(r.to_string()), false),
                    (Some(r), Some(name)) if to_module => (Some(format!("{r}.{name}")), true),
                    _ => (None, false),
                };
                let advice = edit.is_none() && replacement.is_some();
                let mut finding = self.site_finding(&id, severity, site, text, via, edit);
                finding.same_object = same_object;
                if advice {
                    finding.why_not_fixable = Some(
                        "the replacement stands for the whole deprecated module, not \
                         this name: a different object, to choose by hand"
                            .to_string(),
                    );
                }
                finding
            })
            .collect())
    }

    /// Sites that depend on the deprecated modules or symbol; `None` when the target
    /// names nothing in the repository.
    fn deprecated(
        &mut self,
        pattern: &ModulePattern,
        allow: &GlobSet,
    ) -> Option<Vec<(usize, Vec<String>)>> {
        let project = self.project;
        // A third-party module the code imports may be deprecated too (`six`, `mock`):
        // the target names it and its submodules.
        let third_party = |m: ModuleId, within: &dyn Fn(&str) -> bool| {
            let module = &project.modules[m as usize];
            module.external && within(module.name.as_str())
        };
        let modules: FxHashSet<ModuleId> = if pattern.is_glob() {
            (0..project.modules.len() as ModuleId)
                .filter(|&m| {
                    let name = project.modules[m as usize].name.as_str();
                    (project.modules[m as usize].in_repository() && pattern.matches(name))
                        || third_party(m, &|name| pattern.matches(name))
                })
                .collect()
        } else {
            match self.resolver.resolve_path(pattern.text()).0 {
                Resolution::Module(m) if project.modules[m as usize].in_repository() => {
                    FxHashSet::from_iter([m])
                }
                symbol @ Resolution::Definition { .. } => {
                    return Some(self.sites_resolving_to(&symbol, allow));
                }
                _ => {
                    let target = pattern.text();
                    let under = |name: &str| {
                        name.strip_prefix(target)
                            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
                    };
                    (0..project.modules.len() as ModuleId)
                        .filter(|&m| third_party(m, &under))
                        .collect()
                }
            }
        };
        if modules.is_empty() {
            return None;
        }
        Some(self.sites_reaching(&modules, allow))
    }

    /// The sites in scope outside the `allow` path globs.
    fn not_allowed<'a>(&'a self, allow: &'a GlobSet) -> impl Iterator<Item = usize> + 'a {
        let project = self.project;
        self.in_scope
            .iter()
            .copied()
            .filter(move |&s| !allow.is_match(&project.files[project.sites[s].file as usize].rel))
    }

    fn sites_resolving_to(
        &self,
        symbol: &Resolution,
        allow: &GlobSet,
    ) -> Vec<(usize, Vec<String>)> {
        self.not_allowed(allow)
            .filter(|&s| self.resolved(s).resolution == *symbol)
            .map(|s| (s, self.via(s)))
            .collect()
    }

    /// Sites outside `modules` (and outside `allow`) that depend on one of them.
    fn sites_reaching(
        &self,
        modules: &FxHashSet<ModuleId>,
        allow: &GlobSet,
    ) -> Vec<(usize, Vec<String>)> {
        let project = self.project;
        self.not_allowed(allow)
            .filter(|&s| !modules.contains(&project.importer(s)))
            .filter(|&s| {
                let resolved = self.resolved(s);
                query::reaches_module(
                    project,
                    s,
                    &resolved.resolution,
                    resolved.hops.iter().copied(),
                    |m| modules.contains(&m),
                )
            })
            .map(|s| {
                // A direct import needs no chain; one through a re-export shows it.
                let direct = project.sites[s]
                    .node()
                    .is_some_and(|n| modules.contains(&n));
                (s, if direct { Vec::new() } else { self.via(s) })
            })
            .collect()
    }
}
