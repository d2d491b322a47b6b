//! The baseline: accepted existing findings, keyed by rule, file and target with a count,
//! never by line, so unrelated edits do not disturb it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::rules::evaluate::Finding;

const SCHEMA: &str = "ssot-graph/baseline/v1";

/// The most a baseline may hold (about 400,000 entries).
const MAX_BYTES: u64 = 64 << 20;

/// Whether `text`, which is no baseline now, was one: it names a baseline schema (a
/// merge left conflict markers in it, an edit broke its JSON). Only such a file, or none,
/// is replaced by `--update-baseline`.
fn is_damaged(text: &str) -> bool {
    text.contains("\"ssot-graph/baseline/")
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema: String,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub target: String,
    pub count: usize,
}

type Key = (String, String, String);

fn key(finding: &Finding) -> Key {
    (
        finding.rule.clone(),
        finding.path.clone(),
        finding.target.clone(),
    )
}

impl Baseline {
    /// The baseline at `path`; `None` when there is none. A file that is not a baseline is
    /// an error naming it.
    pub fn load(path: &Path) -> Result<Option<Baseline>> {
        let text = match crate::read::small_text(path, MAX_BYTES) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow!("{}: cannot read baseline: {e}", path.display())),
        };
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|e| match is_damaged(&text) {
                true => anyhow!(
                    "{}: a damaged ssot-graph baseline ({e}); --update-baseline rewrites it",
                    path.display()
                ),
                false => anyhow!(
                    "{}: not a ssot-graph baseline ({e}); set `baseline` to the baseline's path",
                    path.display()
                ),
            })?;
        if baseline.schema != SCHEMA {
            return Err(anyhow!(
                "{}: baseline schema {:?}, expected {SCHEMA:?}",
                path.display(),
                baseline.schema
            ));
        }
        Ok(Some(baseline))
    }

    /// A baseline accepting exactly `findings`, sorted.
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
        for finding in findings {
            *counts.entry(key(finding)).or_default() += 1;
        }
        Baseline {
            schema: SCHEMA.to_string(),
            entries: counts
                .into_iter()
                .map(|((rule, path, target), count)| Entry {
                    rule,
                    path,
                    target,
                    count,
                })
                .collect(),
        }
    }

    /// This baseline with the entries of `files` replaced by `findings` (found in those
    /// files), and entries of files that `exists` no longer knows dropped.
    pub fn replace_files(
        self,
        files: &rustc_hash::FxHashSet<String>,
        findings: &[Finding],
        exists: impl Fn(&str) -> bool,
    ) -> Baseline {
        let mut entries: Vec<Entry> = self
            .entries
            .into_iter()
            .filter(|e| !files.contains(&e.path) && exists(&e.path))
            .collect();
        entries.extend(Baseline::of(findings).entries);
        entries.sort();
        Baseline {
            schema: SCHEMA.to_string(),
            entries,
        }
    }

    /// This baseline with the entries of each renamed file (old path, new path) moved to
    /// its new path.
    pub fn renamed(mut self, renames: &[(String, String)]) -> Baseline {
        for entry in &mut self.entries {
            if let Some((_, new)) = renames.iter().find(|(old, _)| *old == entry.path) {
                entry.path = new.clone();
            }
        }
        self
    }

    /// How many findings the entries accept.
    pub fn accepted(&self) -> usize {
        self.entries.iter().map(|e| e.count).sum()
    }

    /// Writes the baseline at `path`, over a baseline or nothing: any other file there
    /// (a `baseline` setting naming a source file by mistake) is refused.
    pub fn save(&self, path: &Path) -> Result<()> {
        match crate::read::small_text(path, MAX_BYTES) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Ok(text) if text.trim().is_empty() || is_damaged(&text) => {}
            Ok(_) => bail!(
                "{}: not a ssot-graph baseline: refusing to overwrite it; set `baseline` to \
                 another path",
                path.display()
            ),
            Err(e) => bail!("{}: cannot write baseline: {e}", path.display()),
        }
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        crate::write::replace(path, text.as_bytes())
    }

    /// Splits `findings` (in report order) into new ones and those the baseline accepts:
    /// for each key, the first `count` findings are accepted. Also returns the entries
    /// that accept more than exists now (fixed findings), with how many are left.
    pub fn apply(&self, findings: Vec<Finding>) -> (Vec<Finding>, usize, Vec<Entry>) {
        let mut allowed: BTreeMap<Key, usize> = self
            .entries
            .iter()
            .map(|e| ((e.rule.clone(), e.path.clone(), e.target.clone()), e.count))
            .collect();
        let mut used: BTreeMap<Key, usize> = BTreeMap::new();
        let mut new = Vec::new();
        let mut accepted = 0;
        for finding in findings {
            let key = key(&finding);
            match allowed.get_mut(&key) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    *used.entry(key).or_default() += 1;
                    accepted += 1;
                }
                _ => new.push(finding),
            }
        }
        let stale = self
            .entries
            .iter()
            .filter_map(|e| {
                let key = (e.rule.clone(), e.path.clone(), e.target.clone());
                let now = used.get(&key).copied().unwrap_or(0);
                (now < e.count).then(|| Entry {
                    count: now,
                    ..e.clone()
                })
            })
            .collect();
        (new, accepted, stale)
    }
}
