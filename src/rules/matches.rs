//! A rule must match something: a target, name or glob that matches nothing in the
//! repository is a typo that would pass forever, so it is an error naming the rule, with
//! the nearest thing it could have meant (unless the rule says `allow-empty = true`).
//! When the change being checked removed what it matched, that is a finding at the rule.

use anyhow::{Result, anyhow};

use super::evaluate::{Evaluator, Finding};
use super::pattern::ModulePattern;
use super::{Rule, RuleKind};
use crate::index::ModuleId;
use crate::suggest;

impl<'p> Evaluator<'p> {
    /// Refuses a rule one of whose module globs, name globs or path globs matches
    /// nothing (a deprecated target is judged where it is resolved); the finding at the
    /// rule when the change being checked removed what it matched.
    pub(super) fn require_matches(&self, rule: &Rule) -> Result<Option<Finding>> {
        if rule.allow_empty() {
            return Ok(None);
        }
        let unmatched = match &rule.kind {
            RuleKind::Deprecated { allow, .. } => self.paths_match(rule, "allow", allow),
            RuleKind::Canonical { .. } => Ok(()),
            RuleKind::SingleDefinition { names, paths, .. } => self
                .names_match(rule, names)
                .and_then(|()| self.paths_match(rule, "paths", paths)),
            RuleKind::Forbidden { from, to, .. } => self
                .modules_match("from", from)
                .and_then(|()| self.modules_match("to", to)),
            RuleKind::NoCycles { within, .. } => self.modules_match("within", within),
            // Contracts name modules, each said where the contract runs.
            RuleKind::Layers { .. }
            | RuleKind::Independence { .. }
            | RuleKind::Protected { .. }
            | RuleKind::AcyclicSiblings { .. }
            | RuleKind::Modules { .. }
            | RuleKind::Interface { .. }
            | RuleKind::External { .. } => Ok(()),
        };
        match unmatched {
            Ok(()) => Ok(None),
            Err(Unmatched { key, pattern, hint }) => {
                self.unmatched(rule, key, &pattern, &hint).map(Some)
            }
        }
    }

    /// The finding at `rule` when `pattern` (of `key`) matches nothing because the
    /// change being checked removes the module it named; otherwise the rule's error.
    pub(super) fn unmatched(
        &self,
        rule: &Rule,
        key: &str,
        pattern: &str,
        hint: &str,
    ) -> Result<Finding> {
        let removed = self.removed.iter().find(|module| {
            pattern
                .strip_prefix(module.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        });
        let Some(removed) = removed else {
            return Err(nothing(rule, key, pattern, hint));
        };
        Ok(self.rule_finding(
            rule,
            format!("{key} {pattern}"),
            format!("{key} `{pattern}` no longer matches anything: the change removes `{removed}`"),
        ))
    }

    /// A protected symbol that no longer resolves to a definition: a finding at the rule
    /// when the change being checked removes modules (the symbol, or a module its chain
    /// went through, among them); otherwise the rule's error, `error`.
    pub(super) fn unresolved_symbol(
        &self,
        rule: &Rule,
        symbol: &str,
        error: anyhow::Error,
    ) -> Result<Vec<Finding>> {
        if self.removed.is_empty() {
            return Err(error);
        }
        let removed: Vec<String> = self.removed.iter().map(|m| format!("`{m}`")).collect();
        Ok(vec![self.rule_finding(
            rule,
            format!("symbol {symbol}"),
            format!(
                "symbol `{symbol}` no longer resolves to a definition: the change removes {}",
                removed.join(", ")
            ),
        )])
    }

    /// A finding at the rule itself (its file and line), about what the rule names.
    pub(super) fn rule_finding(&self, rule: &Rule, target: String, message: String) -> Finding {
        let root = &self.project.root;
        Finding {
            rule: rule.id().to_string(),
            severity: rule.severity(),
            path: crate::discover::slash_path(rule.file.strip_prefix(root).unwrap_or(&rule.file)),
            line: rule.line as u32,
            col: 1,
            message,
            chain: Vec::new(),
            fixable: false,
            target,
            site: None,
            replacement: None,
            same_object: false,
            why_not_fixable: Some("the rule itself must change".to_string()),
        }
    }

    /// Each pattern matches a module of the repository, or for `to` (what may not be
    /// imported), also a third-party module the repository imports.
    fn modules_match(&self, key: &'static str, patterns: &[String]) -> Checked {
        let modules = || {
            self.project
                .modules
                .iter()
                .filter(|m| m.in_repository() || (key == "to" && m.external))
                .map(|m| m.name.as_str())
        };
        for text in patterns {
            // A malformed pattern is said where the rule runs.
            let Ok(pattern) = ModulePattern::new(text) else {
                continue;
            };
            // What may not be imported may be a third-party package nothing imports
            // (yet): nothing of the repository has its first name.
            let top = text.split('.').next().unwrap_or_default();
            let third_party = key == "to"
                && !top.contains(['*', '?', '['])
                && !self
                    .project
                    .modules
                    .iter()
                    .any(|m| m.in_repository() && m.name.split('.').next() == Some(top));
            if !third_party && !modules().any(|m| pattern.matches(m)) {
                let hint = nearest_prefix(text, '.', modules());
                return Err(Unmatched::new(key, text, hint));
            }
        }
        Ok(())
    }

    fn names_match(&self, rule: &Rule, globs: &[String]) -> Checked {
        let project = self.project;
        let names = || (0..project.modules.len() as ModuleId).flat_map(|m| project.names(m).keys());
        for text in globs {
            let Ok(glob) = super::pattern::path_globs(rule, "names", std::slice::from_ref(text))
            else {
                continue;
            };
            // A plain name is looked up by its hash; only a glob reads every module's names.
            let found = match is_glob(text) {
                false => project.binders(text).next().is_some(),
                true => names().any(|name| glob.is_match(name)),
            };
            if !found {
                let hint = match is_glob(text) {
                    true => String::new(),
                    false => suggest::did_you_mean(text, names()),
                };
                return Err(Unmatched::new("names", text, hint));
            }
        }
        Ok(())
    }

    fn paths_match(&self, rule: &Rule, key: &'static str, globs: &[String]) -> Checked {
        let files = || self.project.files.iter().map(|f| f.rel.as_str());
        for text in globs {
            let Ok(glob) = super::pattern::path_globs(rule, key, std::slice::from_ref(text)) else {
                continue;
            };
            if !files().any(|rel| glob.is_match(rel)) {
                let hint = nearest_prefix(text, '/', files());
                return Err(Unmatched::new(key, text, hint));
            }
        }
        Ok(())
    }
}

/// A pattern of a rule that matches nothing, under its key, with a "did you mean".
struct Unmatched {
    key: &'static str,
    pattern: String,
    hint: String,
}

impl Unmatched {
    fn new(key: &'static str, pattern: &str, hint: String) -> Unmatched {
        Unmatched {
            key,
            pattern: pattern.to_string(),
            hint,
        }
    }
}

type Checked = std::result::Result<(), Unmatched>;

/// The error for a pattern that matches nothing: with the nearest thing it could mean
/// (`hint`), or with how to say that nothing is expected yet.
pub(super) fn nothing(rule: &Rule, key: &str, pattern: &str, hint: &str) -> anyhow::Error {
    let hint = match hint {
        "" => " (allow-empty = true accepts a rule that matches nothing yet)",
        hint => hint,
    };
    anyhow!(
        "{}: {key} `{pattern}` matches nothing in the repository{hint}",
        rule.at()
    )
}

fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

/// "did you mean" for a pattern whose literal leading part (the parts before the first
/// glob, split at `separator`) names nothing: the pattern with the first part that names
/// nothing corrected to the nearest name at that place (`pkg.agnts.**` to
/// `pkg.agents.**`), when one is near enough.
fn nearest_prefix<'a>(
    pattern: &str,
    separator: char,
    candidates: impl Iterator<Item = &'a str>,
) -> String {
    let parts: Vec<&str> = pattern.split(separator).collect();
    let literal = parts.iter().take_while(|p| !is_glob(p)).count();
    let candidates: Vec<Vec<&str>> = candidates.map(|c| c.split(separator).collect()).collect();
    // The first part at which no candidate goes on as the pattern does.
    let Some(wrong) = (0..literal).find(|&at| {
        !candidates
            .iter()
            .any(|c| c.len() > at && c[..=at] == parts[..=at])
    }) else {
        return String::new();
    };
    let mut here: Vec<&str> = candidates
        .iter()
        .filter(|c| c.len() > wrong && c[..wrong] == parts[..wrong])
        .map(|c| c[wrong])
        .collect();
    here.sort_unstable();
    here.dedup();
    match suggest::nearest(parts[wrong], here) {
        Some(near) => {
            let mut fixed = parts.clone();
            fixed[wrong] = near;
            format!("; did you mean `{}`?", fixed.join(&separator.to_string()))
        }
        None => String::new(),
    }
}
