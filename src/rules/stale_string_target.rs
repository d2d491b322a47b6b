//! `stale-string-target` (built in): a `mock.patch("…")`, `mock.patch.object(m, "…")`,
//! `import_module("…")` or `resolve_name("…")` string, or an entry point of
//! `pyproject.toml` / `setup.cfg`, under one of the repository's packages that names
//! nothing — typically a target left behind when a definition moved.

use super::evaluate::{Evaluator, Finding};
use super::{STALE_STRING_TARGET, Severity};
use crate::resolve::Resolution;
use crate::summary::{StringKind, StringTarget};

impl<'p> Evaluator<'p> {
    pub fn stale_string_targets(&mut self, severity: Severity) -> Vec<Finding> {
        let project = self.project;
        let mut findings = Vec::new();
        for file in 0..project.files.len() {
            if !self.in_scope_file(file) || project.files[file].companion {
                continue;
            }
            for string in &project.summary(file).strings {
                let path = project.string_path(file, string).unwrap_or_default();
                let top = path.split('.').next().unwrap_or_default();
                // An `__all__` entry naming nothing is ruff's F822.
                let checked = match string.kind {
                    StringKind::Literal | StringKind::All => false,
                    _ => project.internal(top).is_some(),
                };
                if !checked {
                    continue;
                }
                let Some(reason) = stale(&self.resolver().resolve_string(file, string)) else {
                    continue;
                };
                let path = &project.files[file].rel;
                findings.push(finding(severity, path, string, &reason));
            }
        }
        if self.scope.is_none() {
            let (entry_points, _) = crate::entry_points::read(project);
            for entry in entry_points {
                let top = entry.target.path.split('.').next().unwrap_or_default();
                if project.internal(top).is_none() {
                    continue;
                }
                if let Some(reason) = stale(&self.resolver().resolve_steps(&entry.target.path)) {
                    findings.push(finding(severity, &entry.rel, &entry.target, &reason));
                }
            }
        }
        findings
    }
}

/// Why a string's steps name nothing: a module lacks the attribute the path reads next.
/// An attribute of a class or a value may be inherited or set at run time: no verdict.
fn stale(steps: &[(Resolution, Vec<crate::resolve::Hop>)]) -> Option<String> {
    match steps {
        [
            ..,
            (Resolution::Module(_), _),
            (Resolution::Unresolved(reason), _),
        ] => Some(reason.clone()),
        _ => None,
    }
}

fn finding(severity: Severity, path: &str, string: &StringTarget, reason: &str) -> Finding {
    let kind = string.kind.as_str();
    Finding {
        rule: STALE_STRING_TARGET.to_string(),
        severity,
        path: path.to_string(),
        line: string.position.line,
        col: string.position.col,
        message: format!("{kind} target \"{}\" names nothing: {reason}", string.path),
        chain: Vec::new(),
        fixable: false,
        target: format!("{kind} \"{}\"", string.path),
        site: None,
        replacement: None,
        same_object: false,
        why_not_fixable: Some("a string, not an import".to_string()),
    }
}
