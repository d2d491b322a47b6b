//! `stale-string-target` (built in): a `mock.patch("…")`, `import_module("…")` or
//! `resolve_name("…")` string under one of the repository's packages that names
//! nothing — typically a patch target left behind when a definition moved.

use super::evaluate::{Evaluator, Finding};
use super::{STALE_STRING_TARGET, Severity};
use crate::resolve::Resolution;
use crate::summary::StringKind;

impl<'p> Evaluator<'p> {
    pub fn stale_string_targets(&mut self, severity: Severity) -> Vec<Finding> {
        let project = self.project;
        let mut findings = Vec::new();
        for file in 0..project.files.len() {
            if !self.in_scope_file(file) || project.files[file].companion {
                continue;
            }
            for string in &project.summary(file).strings {
                let top = string.path.split('.').next().unwrap_or_default();
                if string.kind == StringKind::Literal || project.internal(top).is_none() {
                    continue;
                }
                let Resolution::Unresolved(reason) = self.resolver().resolve_path(&string.path).0
                else {
                    continue;
                };
                findings.push(Finding {
                    rule: STALE_STRING_TARGET.to_string(),
                    severity,
                    path: project.files[file].rel.clone(),
                    line: string.position.line,
                    col: string.position.col,
                    message: format!(
                        "{} target \"{}\" names nothing: {reason}",
                        string.kind.as_str(),
                        string.path
                    ),
                    chain: Vec::new(),
                    fixable: false,
                    target: format!("{} \"{}\"", string.kind.as_str(), string.path),
                    site: None,
                    replacement: None,
                    same_object: false,
                    why_not_fixable: Some("a string, not an import".to_string()),
                });
            }
        }
        findings
    }
}
