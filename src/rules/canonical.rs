//! `canonical`: imports of a protected symbol through another module path than its canonical one.

use anyhow::{Result, anyhow};
use rustc_hash::FxHashSet;

use super::Rule;
use super::evaluate::{Evaluator, Finding};
use crate::index::ModuleId;
use crate::resolve::Resolution;
use crate::view;

/// The import sites a canonical rule governs.
pub struct CanonicalScope {
    /// The definition's name.
    pub name: String,
    pub canonical: String,
    pub sites: Vec<usize>,
}

impl<'p> Evaluator<'p> {
    /// What a canonical rule governs: its definition, the canonical module, and every
    /// import site that reaches the definition outside the re-export plumbing between
    /// the canonical module and the definition.
    pub fn canonical_scope(
        &mut self,
        rule: &Rule,
        symbol: &str,
        canonical: Option<&str>,
    ) -> Result<CanonicalScope> {
        let project = self.project;
        let (definition, _) = self.resolver.resolve_path(symbol);
        // A value that is a class's member (an enum member, a sentinel kept on a class)
        // is protected under the name and module the rule gives it.
        let (module, name, home) = match (&definition, symbol.rsplit_once('.')) {
            (Resolution::Definition { module, binding }, _) => {
                let name = view::binding(project, *module, *binding).name.to_string();
                (
                    *module,
                    name,
                    project.modules[*module as usize].name.to_string(),
                )
            }
            (Resolution::Member { module, .. }, Some((home, name))) => {
                (*module, name.to_string(), home.to_string())
            }
            _ => {
                let what = view::describe(&view::resolved(project, &definition));
                return Err(anyhow!(
                    "{}: symbol `{symbol}` is not a definition in the repository ({what})",
                    rule.at()
                ));
            }
        };
        let canonical_name = canonical.unwrap_or(&home).to_string();
        let Some(canonical_id) = project.internal(&canonical_name) else {
            return Err(anyhow!(
                "{}: canonical module `{canonical_name}` is not in the repository",
                rule.at()
            ));
        };
        // The re-export plumbing between the canonical module and the definition (the
        // chain the canonical import follows) may import it from wherever it must.
        let mut plumbing: FxHashSet<ModuleId> = FxHashSet::from_iter([canonical_id, module]);
        let (reached, chain) = self.resolver.resolve_attributes(canonical_id, &[&name]);
        if reached == definition {
            plumbing.extend(chain.iter().map(|hop| hop.module));
        }
        let sites = self
            .in_scope
            .iter()
            .copied()
            .filter(|&s| self.resolved(s).resolution == definition)
            .filter(|&s| !plumbing.contains(&project.importer(s)))
            .collect();
        Ok(CanonicalScope {
            name,
            canonical: canonical_name,
            sites,
        })
    }

    pub(super) fn canonical(
        &mut self,
        rule: &Rule,
        symbol: &str,
        canonical: Option<&str>,
    ) -> Result<Vec<Finding>> {
        let project = self.project;
        let scope = match self.canonical_scope(rule, symbol, canonical) {
            Ok(scope) => scope,
            Err(error) => return self.unresolved_symbol(rule, symbol, error),
        };
        let (name, canonical_name) = (&scope.name, &scope.canonical);
        let canonical_id = project.internal(canonical_name);
        let definition = self.resolver.resolve_path(symbol).0;
        let default = format!("import `{name}` from `{canonical_name}`");
        let message = rule.message().unwrap_or(&default).to_string();
        Ok(scope
            .sites
            .iter()
            .copied()
            .filter(|&s| project.sites[s].target.as_deref() != Some(canonical_name.as_str()))
            .map(|s| {
                let used = project.sites[s].target.unwrap_or_default();
                let text = format!("{message} (imported from `{used}`)");
                let via = self.via(s);
                let imported = project.import_site(s).name;
                let bound = canonical_id.and_then(|module| {
                    self.canonical_binding(module, imported.as_deref(), name, &definition)
                });
                let replacement = bound.as_ref().map(|n| format!("{canonical_name}.{n}"));
                let mut finding =
                    self.site_finding(rule.id(), rule.severity(), s, text, via, replacement);
                finding.same_object = true;
                if bound.is_none() {
                    finding.why_not_fixable = Some(format!(
                        "`{canonical_name}` binds the object under no name a new import could \
                         use (only a private one, or one it deletes)"
                    ));
                }
                finding
            })
            .collect())
    }

    /// The name to import `definition` by from `canonical`: the one the site imports,
    /// when the canonical module binds it to the same object; else the definition's
    /// own; else another public name bound to it there. Never a private name the site
    /// does not use already.
    pub(super) fn canonical_binding(
        &mut self,
        canonical: ModuleId,
        imported: Option<&str>,
        defined: &str,
        definition: &Resolution,
    ) -> Option<String> {
        let exported = self.resolver.exports(canonical);
        let mut others: Vec<String> = self
            .project
            .names(canonical)
            .keys()
            .map(|k| k.to_string())
            .chain(exported.iter().cloned())
            .collect();
        others.sort();
        others.dedup();
        let candidates = imported
            .filter(|n| *n != "*")
            .map(str::to_string)
            .into_iter()
            .chain([defined.to_string()])
            .chain(others);
        for candidate in candidates {
            let private = candidate.starts_with('_') && Some(candidate.as_str()) != imported;
            if !private
                && self.resolver.resolve_attributes(canonical, &[&candidate]).0 == *definition
            {
                return Some(candidate);
            }
        }
        None
    }
}
