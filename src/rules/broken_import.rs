//! `broken-import` (built in): imports a staged deletion or rename, or a changed file, leaves unresolved.

use rustc_hash::FxHashSet;

use super::evaluate::{Evaluator, Finding};
use super::{BROKEN_IMPORT, Severity};
use crate::index::ModuleId;
use crate::resolve::Resolution;

impl<'p> Evaluator<'p> {
    /// Imports left unresolved by a change to `touched` files or the removal of
    /// `deleted` modules: what a commit that deletes or renames a module, or drops a
    /// re-export, breaks elsewhere.
    pub fn broken_imports(
        &mut self,
        touched: &FxHashSet<String>,
        deleted: &[String],
    ) -> Vec<Finding> {
        let project = self.project;
        let file_of = |m: ModuleId| project.modules[m as usize].path.as_deref();
        let touched_modules: FxHashSet<ModuleId> = (0..project.modules.len() as ModuleId)
            .filter(|&m| file_of(m).is_some_and(|p| touched.contains(p)))
            .collect();
        let names_deleted = |site: usize| {
            let named = project.sites[site].target.as_deref().unwrap_or_default();
            deleted
                .iter()
                .any(|d| named == d || named.starts_with(&format!("{d}.")))
        };
        // With the cache's record of which sites' chains pass through which modules,
        // only those sites can break; without it, every site is resolved.
        let candidates: Vec<usize> = match (&self.scope, project.dependents(&touched_modules)) {
            (Some(_), Some(dependents)) => {
                let mut candidates = dependents;
                candidates.extend(self.in_scope.iter().copied());
                if !deleted.is_empty() {
                    candidates.extend((0..project.sites.len()).filter(|&s| names_deleted(s)));
                }
                candidates.sort_unstable();
                candidates.dedup();
                candidates
            }
            _ => (0..project.sites.len()).collect(),
        };
        let mut findings = Vec::new();
        for site in candidates {
            self.ensure_resolved(site);
            let resolved = self.resolved(site);
            let Resolution::Unresolved(reason) = &resolved.resolution else {
                continue;
            };
            let record = &project.sites[site];
            let changed = record
                .target
                .as_deref()
                .and_then(|t| project.internal(t))
                .into_iter()
                .chain(resolved.hops.iter().copied())
                .any(|m| touched_modules.contains(&m));
            if names_deleted(site) || changed {
                let text = format!("import no longer resolves: {reason}");
                findings.push(self.site_finding(
                    BROKEN_IMPORT,
                    Severity::Error,
                    site,
                    text,
                    self.via(site),
                    None,
                ));
            }
        }
        findings
    }
}
