//! Inline suppressions: `# ssot-graph: ignore[ID, ...]` (or a bare `# ssot-graph: ignore`)
//! on the line a finding points at. The parser records them in each file's summary, so
//! no file is read again here (nor a commit's blob).

use rustc_hash::{FxHashMap, FxHashSet};

use crate::index::Project;
use crate::rules::evaluate::Finding;
use crate::summary::Suppression;

/// `path:line: ...` for every suppression in `files` (file indices) naming a rule that is
/// not one of `known`.
pub fn unknown_ids(project: &Project, files: &[usize], known: &[&str]) -> Vec<String> {
    let mut warnings = Vec::new();
    for &file in files {
        for suppression in &project.summary(file).suppressions {
            for id in &suppression.rules {
                if !known.contains(&id.as_str()) {
                    warnings.push(format!(
                        "{}:{}: ignore[{id}]: no rule `{id}`{}",
                        project.files[file].rel,
                        suppression.line,
                        crate::suggest::did_you_mean(id, known.iter().copied())
                    ));
                }
            }
        }
    }
    warnings.sort();
    warnings
}

/// Removes the findings their line suppresses; returns how many.
pub fn apply(project: &Project, findings: &mut Vec<Finding>) -> usize {
    // The files of the findings (a hook's run has few or none), found in one pass.
    let paths: FxHashSet<&str> = findings.iter().map(|f| f.path.as_str()).collect();
    let mut by_path: FxHashMap<&str, usize> = FxHashMap::default();
    if !paths.is_empty() {
        for (index, file) in project.files.iter().enumerate() {
            if paths.contains(file.rel.as_str()) {
                by_path.entry(file.rel.as_str()).or_insert(index);
            }
        }
    }
    let suppressions = |path: &str| -> &[Suppression] {
        by_path
            .get(path)
            .map_or(&[], |&file| &project.summary(file).suppressions)
    };
    let before = findings.len();
    findings.retain(|f| {
        !suppressions(&f.path)
            .iter()
            .any(|s| s.line == f.line && s.covers(&f.rule))
    });
    before - findings.len()
}

#[cfg(test)]
mod tests {
    use crate::summary::Suppression;

    fn covers(line: &str, rule: &str) -> bool {
        Suppression::in_line(line).is_some_and(|rules| Suppression { line: 1, rules }.covers(rule))
    }

    #[test]
    fn a_listed_id_or_a_bare_marker_suppresses() {
        let line = "from a import b  # noqa: F401  # ssot-graph: ignore[old-layer, other]";
        assert!(covers(line, "old-layer"));
        assert!(covers(line, "other"));
        assert!(!covers(line, "canonical-x"));
        assert!(covers("import a  # ssot-graph: ignore", "anything"));
        assert!(!covers("x = '# not ssot-graph'", "anything"));
        assert!(!covers("import a", "anything"));
    }
}
