//! `broken-import` (built in): imports a staged deletion or rename, or a changed file, leaves unresolved.

use rustc_hash::FxHashSet;

use super::evaluate::{Evaluator, Finding};
use super::{BROKEN_IMPORT, Severity};
use crate::index::ModuleId;
use crate::resolve::Resolution;
use crate::view;

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
                findings.extend(self.broken_uses(site));
            }
        }
        findings.extend(self.broken_strings(deleted));
        findings
    }

    /// The reads of the name a broken import binds, in its file: each fails too.
    fn broken_uses(&self, site: usize) -> Vec<Finding> {
        let project = self.project;
        let record = &project.sites[site];
        let summary = project.summary(record.file as usize);
        let import = &summary.imports[record.import as usize];
        let Some(bound) = import.bound_name() else {
            return Vec::new();
        };
        let path = &project.files[record.file as usize].rel;
        summary
            .uses
            .iter()
            .filter(|used| {
                summary.use_names[used.name as usize] == bound
                    && match used.import {
                        u32::MAX => !import.context.function,
                        index => index == record.import,
                    }
            })
            .map(|used| {
                let mut finding = self.use_finding(path, used.position, bound, "is read here");
                finding.target = format!("{} (use of `{bound}`)", view::import_text(import));
                finding
            })
            .collect()
    }

    /// String targets (`mock.patch("…")`, `import_module("…")`) naming a deleted module
    /// or something in it.
    fn broken_strings(&self, deleted: &[String]) -> Vec<Finding> {
        let project = self.project;
        let mut findings = Vec::new();
        if deleted.is_empty() {
            return findings;
        }
        // A deleted module breaks string targets anywhere, as it breaks imports anywhere;
        // strings that start at a name of their own module break with the import of that
        // name, reported as a use.
        let deleted: Vec<&str> = deleted.iter().map(String::as_str).collect();
        for (file, string) in project.strings_naming(&deleted) {
            let mut finding = self.use_finding(
                &project.files[file].rel,
                string.position,
                &string.path,
                "is a string target of a module this change deletes",
            );
            finding.target = format!("{} \"{}\"", string.kind.as_str(), string.path);
            findings.push(finding);
        }
        findings
    }

    fn use_finding(
        &self,
        path: &str,
        position: crate::summary::Position,
        name: &str,
        what: &str,
    ) -> Finding {
        Finding {
            rule: BROKEN_IMPORT.to_string(),
            severity: Severity::Error,
            path: path.to_string(),
            line: position.line,
            col: position.col,
            message: format!("`{name}` {what}, and no longer resolves"),
            chain: Vec::new(),
            fixable: false,
            target: String::new(),
            site: None,
            replacement: None,
            same_object: false,
            why_not_fixable: Some("a use, not an import".to_string()),
        }
    }
}
