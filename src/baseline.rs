//! The baseline: accepted existing findings, keyed by rule, file and target with a count,
//! never by line, so unrelated edits do not disturb it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow};
use serde::{Deserialize, Serialize};

use crate::rules::evaluate::Finding;

const SCHEMA: &str = "ssot-graph/baseline/v1";

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
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow!("{}: cannot read baseline: {e}", path.display())),
        };
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            anyhow!(
                "{}: not a ssot-graph baseline ({e}); --update-baseline rewrites it",
                path.display()
            )
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

    /// How many findings the entries accept.
    pub fn accepted(&self) -> usize {
        self.entries.iter().map(|e| e.count).sum()
    }

    pub fn save(&self, path: &Path) -> Result<()> {
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
