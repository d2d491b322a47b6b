//! Inline suppressions: `# ssot-graph: ignore[ID, ...]` (or a bare `# ssot-graph: ignore`)
//! on the line a finding points at.

use std::collections::BTreeMap;

use crate::discover::SourceFile;
use crate::index::Project;
use crate::rules::evaluate::Finding;

const MARKER: &str = "ssot-graph: ignore";

/// The rule ids a suppression on `line` names: `None` without one, an empty list for a
/// bare marker (every rule).
fn listed(line: &str) -> Option<Vec<&str>> {
    let comment = &line[line.find('#')?..];
    let rest = &comment[comment.find(MARKER)? + MARKER.len()..];
    Some(match rest.strip_prefix('[') {
        None => Vec::new(),
        Some(list) => list
            .split(']')
            .next()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .collect(),
    })
}

/// Whether `line` carries a suppression covering `rule`.
pub fn covers(line: &str, rule: &str) -> bool {
    listed(line).is_some_and(|ids| ids.is_empty() || ids.contains(&rule))
}

/// `path:line: ...` for every suppression in `files` naming a rule that is not one of
/// `known`.
pub fn unknown_ids(files: &[&SourceFile], known: &[&str]) -> Vec<String> {
    use rayon::prelude::*;
    let mut warnings: Vec<String> = files
        .par_iter()
        .flat_map_iter(|file| {
            let path = &file.rel;
            let bytes = std::fs::read(&file.path).unwrap_or_default();
            let mut found = Vec::new();
            if !bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()) {
                return found;
            }
            let text = String::from_utf8_lossy(&bytes);
            for (number, line) in text.lines().enumerate() {
                for id in listed(line).unwrap_or_default() {
                    if !known.contains(&id) {
                        found.push(format!(
                            "{path}:{}: ignore[{id}]: no rule `{id}`{}",
                            number + 1,
                            crate::suggest::did_you_mean(id, known.iter().copied())
                        ));
                    }
                }
            }
            found
        })
        .collect();
    warnings.sort();
    warnings
}

/// Removes the findings their line suppresses; returns how many. Files are read where
/// the project read them (with `--staged`, the index's copy; a commit's blob).
pub fn apply(project: &Project, findings: &mut Vec<Finding>) -> usize {
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in findings.iter() {
        if !files.contains_key(&finding.path) {
            let text = project
                .read_file(&finding.path)
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
