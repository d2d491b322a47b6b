//! Inline suppressions: `# ssot-graph: ignore[ID, ...]` (or a bare `# ssot-graph: ignore`)
//! on the line a finding points at.

use std::collections::BTreeMap;
use std::path::Path;

use crate::rules::evaluate::Finding;

const MARKER: &str = "ssot-graph: ignore";

/// Whether `line` carries a suppression covering `rule`.
pub fn covers(line: &str, rule: &str) -> bool {
    let Some(comment) = line.find('#').map(|at| &line[at..]) else {
        return false;
    };
    let Some(at) = comment.find(MARKER) else {
        return false;
    };
    let rest = &comment[at + MARKER.len()..];
    match rest.strip_prefix('[') {
        None => true,
        Some(list) => list
            .split(']')
            .next()
            .unwrap_or_default()
            .split(',')
            .any(|id| id.trim() == rule),
    }
}

/// Removes the findings their line suppresses; returns how many.
pub fn apply(root: &Path, findings: &mut Vec<Finding>) -> usize {
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in findings.iter() {
        if !files.contains_key(&finding.path) {
            let text = std::fs::read(root.join(&finding.path))
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default();
            files.insert(
                finding.path.clone(),
                text.lines().map(str::to_string).collect(),
            );
        }
    }
    let before = findings.len();
    findings.retain(|f| {
        let lines = &files[&f.path];
        let line = lines.get(f.line.saturating_sub(1) as usize);
        !line.is_some_and(|l| covers(l, &f.rule))
    });
    before - findings.len()
}

#[cfg(test)]
mod tests {
    use super::covers;

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
