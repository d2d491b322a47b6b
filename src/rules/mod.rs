//! Rules ("saved queries") from `queries/*.toml`, and the findings they produce.

pub mod evaluate;
pub mod pattern;

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::config::one_line;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One `[[rule]]` table as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RuleKind {
    /// A module, `module.Name` or module glob that new code must not import, directly or
    /// through any re-export.
    Deprecated {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        target: String,
        /// `module.Name` to import instead (used by `fix`).
        replacement: Option<String>,
        /// Path globs where importing it is allowed.
        #[serde(default)]
        allow: Vec<String>,
    },
    /// A symbol that must be imported from exactly one module path.
    Canonical {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        symbol: String,
        /// Default: the module that defines it.
        canonical: Option<String>,
    },
    /// Class and function name globs that must have one true definition.
    SingleDefinition {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        names: Vec<String>,
        /// Path globs the definitions are looked for in (default: everywhere).
        #[serde(default)]
        paths: Vec<String>,
    },
    /// Modules matching `from` must not import modules matching `to`.
    Forbidden {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        from: Vec<String>,
        to: Vec<String>,
        /// Also through chains of other modules.
        #[serde(default)]
        transitive: bool,
    },
    /// No import cycle among the modules matching `within`.
    NoCycles {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        within: Vec<String>,
    },
}

/// A rule and the file it was read from.
#[derive(Clone, Debug)]
pub struct Rule {
    pub kind: RuleKind,
    pub file: PathBuf,
}

impl Rule {
    pub fn id(&self) -> &str {
        self.common().0
    }

    pub fn severity(&self) -> Severity {
        self.common().1
    }

    pub fn message(&self) -> Option<&str> {
        self.common().2
    }

    fn common(&self) -> (&str, Severity, Option<&str>) {
        match &self.kind {
            RuleKind::Deprecated {
                id,
                severity,
                message,
                ..
            }
            | RuleKind::Canonical {
                id,
                severity,
                message,
                ..
            }
            | RuleKind::SingleDefinition {
                id,
                severity,
                message,
                ..
            }
            | RuleKind::Forbidden {
                id,
                severity,
                message,
                ..
            }
            | RuleKind::NoCycles {
                id,
                severity,
                message,
                ..
            } => (id, *severity, message.as_deref()),
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            RuleKind::Deprecated { .. } => "deprecated",
            RuleKind::Canonical { .. } => "canonical",
            RuleKind::SingleDefinition { .. } => "single-definition",
            RuleKind::Forbidden { .. } => "forbidden",
            RuleKind::NoCycles { .. } => "no-cycles",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleKind>,
}

/// Built-in rule ids: no saved rule may take them.
pub const DEPRECATED_AUTO: &str = "deprecated-auto";
pub const BROKEN_IMPORT: &str = "broken-import";

/// Every rule in `dir/*.toml`, in file then table order; no folder means no rules.
pub fn load(dir: &Path) -> Result<Vec<Rule>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut rules: Vec<Rule> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| anyhow!("{}: cannot read: {e}", file.display()))?;
        let parsed: RuleFile =
            toml::from_str(&text).map_err(|e| anyhow!("{}: {}", file.display(), one_line(&e)))?;
        for kind in parsed.rule {
            let rule = Rule {
                kind,
                file: file.clone(),
            };
            let id = rule.id();
            if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == ',' || c == ']') {
                bail!(
                    "{}: rule id {id:?}: use letters, digits and dashes",
                    file.display()
                );
            }
            if id == DEPRECATED_AUTO || id == BROKEN_IMPORT {
                bail!("{}: rule id `{id}` is a built-in rule's", file.display());
            }
            if let Some(other) = rules.iter().find(|r| r.id() == id) {
                bail!(
                    "{}: rule id `{id}` is already used in {}",
                    file.display(),
                    other.file.display()
                );
            }
            rules.push(rule);
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Vec<Rule>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.toml"), text).unwrap();
        load(dir.path())
            .map_err(|e| anyhow!(e.to_string().replace(&*dir.path().to_string_lossy(), "")))
    }

    #[test]
    fn every_kind_is_read_with_its_defaults() {
        let rules = load_text(
            r#"
[[rule]]
id = "old"
kind = "deprecated"
target = "pkg.old"

[[rule]]
id = "one"
kind = "single-definition"
severity = "warning"
names = ["Thing"]
"#,
        )
        .unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].severity(), Severity::Error);
        assert_eq!(rules[1].severity(), Severity::Warning);
        assert_eq!(rules[1].kind_name(), "single-definition");
    }

    #[test]
    fn a_key_of_another_kind_is_an_error_naming_the_file_and_key() {
        let error = load_text(
            "[[rule]]\nid = \"c\"\nkind = \"canonical\"\nsymbol = \"a.B\"\ntarget = \"x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("/rules.toml: "), "{error}");
        assert!(error.contains("unknown field `target`"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }

    #[test]
    fn bad_kinds_severities_and_repeated_ids_are_errors() {
        let kind = load_text("[[rule]]\nid = \"x\"\nkind = \"banned\"\n")
            .unwrap_err()
            .to_string();
        assert!(kind.contains("unknown variant `banned`"), "{kind}");
        let severity = load_text(
            "[[rule]]\nid = \"x\"\nkind = \"no-cycles\"\nwithin = [\"a\"]\nseverity = \"fatal\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(severity.contains("unknown variant `fatal`"), "{severity}");
        let twice = load_text(
            "[[rule]]\nid = \"x\"\nkind = \"no-cycles\"\nwithin = [\"a\"]\n\
             [[rule]]\nid = \"x\"\nkind = \"no-cycles\"\nwithin = [\"b\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(twice.contains("rule id `x` is already used"), "{twice}");
    }
}
