//! Rules ("saved queries") from `queries/*.toml`, and the findings they produce.

mod acyclic_siblings;
mod boundaries;
mod broken_import;
mod canonical;
mod contract_graph;
mod contracts;
mod deprecated;
mod deprecated_auto;
pub mod evaluate;
mod external;
mod forbidden;
mod interface;
pub mod layers;
mod matches;
mod no_cycles;
pub mod pattern;
mod single_definition;
mod stale_string_target;

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::config::{Config, line_of, located};
use crate::suggest;

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
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

/// One `[[rule]]` table as written (its `kind` key picks the variant).
// Written as a table whose `kind` key names the variant (see `read`): the schema says so.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(tag = "kind")]
pub enum RuleKind {
    /// A module, `module.Name` or module glob that new code must not import, directly or
    /// through any re-export.
    Deprecated {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
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
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
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
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
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
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        from: Vec<String>,
        to: Vec<String>,
        /// Also through chains of other modules.
        #[serde(default)]
        transitive: bool,
        /// Imports left out before checking: `importer -> imported`, `*` one part, `**`
        /// one or more.
        #[serde(default)]
        ignore: Vec<String>,
        /// What an `ignore` entry that matches no import is.
        #[serde(default, rename = "unmatched-ignores")]
        unmatched_ignores: Alert,
        /// Count imports under `if TYPE_CHECKING:`.
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// Layers, highest first: a module of a lower layer must not import one of a higher
    /// layer, directly or through any chain of other modules. `"a | b"`: siblings that
    /// must not import each other; `"a : b"`: siblings that may; `"(a)"`: may be missing.
    Layers {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        layers: Vec<String>,
        /// Packages whose children the layers name (each checked on its own).
        #[serde(default)]
        containers: Vec<String>,
        /// Every child of each container must be a layer (or in `exhaustive-ignores`).
        #[serde(default)]
        exhaustive: bool,
        #[serde(default, rename = "exhaustive-ignores")]
        exhaustive_ignores: Vec<String>,
        #[serde(default)]
        ignore: Vec<String>,
        #[serde(default, rename = "unmatched-ignores")]
        unmatched_ignores: Alert,
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// Modules that must not import each other, directly or through any chain.
    Independence {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        modules: Vec<String>,
        /// Only direct imports count.
        #[serde(default, rename = "allow-indirect")]
        allow_indirect: bool,
        #[serde(default)]
        ignore: Vec<String>,
        #[serde(default, rename = "unmatched-ignores")]
        unmatched_ignores: Alert,
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// No cycle among the children of each package `ancestors` names (each child with
    /// everything below it), nor, to `depth` levels, among the children of those.
    AcyclicSiblings {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        ancestors: Vec<String>,
        #[serde(default = "ten")]
        depth: u32,
        /// Packages whose own children are not looked into.
        #[serde(default, rename = "skip-descendants")]
        skip_descendants: Vec<String>,
        #[serde(default)]
        ignore: Vec<String>,
        #[serde(default, rename = "unmatched-ignores")]
        unmatched_ignores: Alert,
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// Module boundaries (tach's modules): an import from one declared module of another
    /// must be one of its `depends-on` (a `deprecated` one is a warning), unless the other
    /// is a `utility` or sits in a lower layer; a higher layer may not be imported at all,
    /// and a module with `visibility` only by the modules it names.
    Modules {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        /// Layer names, highest first.
        #[serde(default)]
        layers: Vec<String>,
        /// A higher layer's imports of a lower one must be declared too.
        #[serde(default, rename = "layers-explicit-depends-on")]
        layers_explicit_depends_on: bool,
        /// Layers no higher layer may import past: above one, only it may be imported, not
        /// what lies below it (tach's `closed = true`).
        #[serde(default, rename = "closed-layers")]
        closed_layers: Vec<String>,
        /// Every `depends-on` entry must be used: one no import needs is a finding (tach's
        /// `exact`), reported by a check of the whole repository.
        #[serde(default)]
        exact: bool,
        /// The declared dependencies may not form a cycle (tach's
        /// `forbid_circular_dependencies`).
        #[serde(default, rename = "forbid-circular-dependencies")]
        forbid_circular_dependencies: bool,
        modules: Vec<BoundaryModule>,
        #[serde(default)]
        ignore: Vec<String>,
        #[serde(default, rename = "unmatched-ignores")]
        unmatched_ignores: Alert,
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// A package imported from outside only through its public names: `expose`
    /// (regular expressions over the path below it), else its `__all__`.
    Interface {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        modules: Vec<String>,
        #[serde(default)]
        expose: Vec<String>,
        #[serde(default)]
        ignore: Vec<String>,
        #[serde(default, rename = "unmatched-ignores")]
        unmatched_ignores: Alert,
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// Each package's third-party imports against the distributions it declares
    /// (`pyproject.toml`, `setup.cfg`, `requirements.txt`): an undeclared one at the
    /// import, an unused declaration at its line (tach's `check-external`).
    External {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        /// Imports or distributions never reported (tach's `external.exclude`).
        #[serde(default)]
        exclude: Vec<String>,
        /// `module:distribution` for an import whose distribution has another name and
        /// is not installed where the environment's metadata would say so (`bs4:beautifulsoup4`).
        #[serde(default)]
        rename: Vec<String>,
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// Modules (and what is below them) only `allowed-importers` may import directly.
    Protected {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        modules: Vec<String>,
        #[serde(default, rename = "allowed-importers")]
        allowed_importers: Vec<String>,
        #[serde(default)]
        ignore: Vec<String>,
        #[serde(default, rename = "unmatched-ignores")]
        unmatched_ignores: Alert,
        #[serde(default = "yes", rename = "include-type-checking")]
        include_type_checking: bool,
    },
    /// No import cycle among the modules matching `within`.
    NoCycles {
        id: String,
        #[serde(default)]
        severity: Severity,
        message: Option<String>,
        /// A rule whose patterns may match nothing yet, by design (otherwise an error).
        #[serde(default, rename = "allow-empty")]
        allow_empty: bool,
        within: Vec<String>,
    },
}

fn yes() -> bool {
    true
}

fn ten() -> u32 {
    10
}

/// One module of a `modules` rule.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BoundaryModule {
    pub path: String,
    /// What it may import; unset: anything.
    pub depends_on: Option<Vec<Dependency>>,
    #[serde(default)]
    pub cannot_depend_on: Vec<String>,
    pub layer: Option<String>,
    /// Every module may import it.
    #[serde(default)]
    pub utility: bool,
    /// Module globs of the only modules that may import it.
    pub visibility: Option<Vec<String>>,
}

/// A `modules` rule's settings.
pub struct Boundaries<'r> {
    /// Highest first.
    pub layers: &'r [String],
    pub closed_layers: &'r [String],
    /// A higher layer's imports of a lower one must be declared too.
    pub explicit: bool,
    pub exact: bool,
    /// No cycle among the declared dependencies.
    pub acyclic: bool,
    pub modules: &'r [BoundaryModule],
}

/// An `external` rule's settings.
pub struct ExternalSettings<'r> {
    /// Imports or distributions never reported.
    pub exclude: &'r [String],
    /// `module:distribution`: the distribution an import comes from.
    pub rename: &'r [String],
    pub include_type_checking: bool,
}

/// A declared dependency: a module path, or `{ path, deprecated = true }` (its uses are
/// warnings).
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Dependency {
    Path(String),
    Marked {
        path: String,
        #[serde(default)]
        deprecated: bool,
    },
}

impl Dependency {
    pub fn path(&self) -> &str {
        match self {
            Dependency::Path(path) | Dependency::Marked { path, .. } => path,
        }
    }

    pub fn deprecated(&self) -> bool {
        matches!(
            self,
            Dependency::Marked {
                deprecated: true,
                ..
            }
        )
    }
}

/// What a contract's `ignore` entry that matches no import is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Alert {
    #[default]
    Error,
    Warning,
    Off,
}

/// How a contract reads the import graph.
pub struct GraphOptions<'r> {
    pub ignore: &'r [String],
    pub unmatched_ignores: Alert,
    pub include_type_checking: bool,
}

/// A rule and the file it was read from.
#[derive(Clone, Debug)]
pub struct Rule {
    pub kind: RuleKind,
    pub file: PathBuf,
    /// The line its `[[rule]]` table starts on.
    pub line: usize,
}

impl Rule {
    /// `FILE:LINE: rule `ID``: where messages about the rule point.
    pub fn at(&self) -> String {
        format!(
            "{}:{}: rule `{}`",
            self.file.display(),
            self.line,
            self.id()
        )
    }

    pub fn id(&self) -> &str {
        self.common().0
    }

    pub fn severity(&self) -> Severity {
        self.common().1
    }

    pub fn message(&self) -> Option<&str> {
        self.common().2
    }

    pub fn allow_empty(&self) -> bool {
        self.common().3
    }

    fn common(&self) -> (&str, Severity, Option<&str>, bool) {
        match &self.kind {
            RuleKind::Deprecated {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::Canonical {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::SingleDefinition {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::Forbidden {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::NoCycles {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::Layers {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::Independence {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::Protected {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::AcyclicSiblings {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::Modules {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::Interface {
                id,
                severity,
                message,
                allow_empty,
                ..
            }
            | RuleKind::External {
                id,
                severity,
                message,
                allow_empty,
                ..
            } => (id, *severity, message.as_deref(), *allow_empty),
        }
    }

    /// A contract's reading of the graph; `None` for rules about sites.
    pub fn graph_options(&self) -> Option<GraphOptions<'_>> {
        match &self.kind {
            RuleKind::Forbidden {
                ignore,
                unmatched_ignores,
                include_type_checking,
                ..
            }
            | RuleKind::Layers {
                ignore,
                unmatched_ignores,
                include_type_checking,
                ..
            }
            | RuleKind::Independence {
                ignore,
                unmatched_ignores,
                include_type_checking,
                ..
            }
            | RuleKind::Protected {
                ignore,
                unmatched_ignores,
                include_type_checking,
                ..
            }
            | RuleKind::AcyclicSiblings {
                ignore,
                unmatched_ignores,
                include_type_checking,
                ..
            }
            | RuleKind::Modules {
                ignore,
                unmatched_ignores,
                include_type_checking,
                ..
            }
            | RuleKind::Interface {
                ignore,
                unmatched_ignores,
                include_type_checking,
                ..
            } => Some(GraphOptions {
                ignore,
                unmatched_ignores: *unmatched_ignores,
                include_type_checking: *include_type_checking,
            }),
            _ => None,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            RuleKind::Deprecated { .. } => "deprecated",
            RuleKind::Canonical { .. } => "canonical",
            RuleKind::SingleDefinition { .. } => "single-definition",
            RuleKind::Forbidden { .. } => "forbidden",
            RuleKind::NoCycles { .. } => "no-cycles",
            RuleKind::Layers { .. } => "layers",
            RuleKind::Independence { .. } => "independence",
            RuleKind::Protected { .. } => "protected",
            RuleKind::AcyclicSiblings { .. } => "acyclic-siblings",
            RuleKind::Modules { .. } => "modules",
            RuleKind::Interface { .. } => "interface",
            RuleKind::External { .. } => "external",
        }
    }
}

/// The kinds that are architecture contracts: kept or broken as a whole.
pub const CONTRACT_KINDS: &[&str] = &[
    "forbidden",
    "no-cycles",
    "layers",
    "independence",
    "protected",
    "acyclic-siblings",
    "modules",
    "interface",
    "external",
];

/// Built-in rule ids: no saved rule may take them.
pub const DEPRECATED_AUTO: &str = "deprecated-auto";
pub const BROKEN_IMPORT: &str = "broken-import";
pub const STALE_STRING_TARGET: &str = "stale-string-target";

const KINDS: &[&str] = &[
    "deprecated",
    "canonical",
    "single-definition",
    "forbidden",
    "no-cycles",
    "layers",
    "independence",
    "protected",
    "acyclic-siblings",
    "modules",
    "interface",
    "external",
];

/// The rules of the configured folder; no folder means no rules, unless the config
/// names one.
pub fn load_configured(root: &Path, config: &Config) -> Result<Vec<Rule>> {
    let dir = root.join(config.queries_dir());
    if config.queries.is_some() && !dir.is_dir() {
        bail!(
            "{}: queries = {:?}: no such folder under {}",
            config.source_name(),
            config.queries_dir(),
            root.display()
        );
    }
    load(&dir)
}

/// Whether the configured rules read the whole import graph (a contract about chains
/// of imports): then a check of some files reads every file anyway. Rules that cannot
/// be read say so later, where they run.
pub fn reads_the_whole_graph(root: &Path, config: &Config) -> bool {
    load_configured(root, config).is_ok_and(|rules| {
        rules.iter().any(|rule| match &rule.kind {
            RuleKind::Forbidden {
                transitive, ignore, ..
            } => *transitive || !ignore.is_empty(),
            RuleKind::Modules { ignore, .. } => !ignore.is_empty(),
            RuleKind::Layers { .. }
            | RuleKind::Independence { .. }
            | RuleKind::Protected { .. }
            | RuleKind::AcyclicSiblings { .. }
            | RuleKind::Interface { .. } => true,
            _ => false,
        })
    })
}

/// Every rule in `dir/*.toml`, in file then table order; no folder means no rules.
pub fn load(dir: &Path) -> Result<Vec<Rule>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let (mut files, others): (Vec<PathBuf>, Vec<PathBuf>) = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.is_dir())
        .partition(|p| p.extension().is_some_and(|e| e == "toml"));
    for other in others {
        let name = other
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        // Editor backups, hidden files and a folder's notes are nobody's rules.
        let notes = name.starts_with("README") || name.ends_with(".md");
        if !name.starts_with('.') && !name.ends_with('~') && !notes {
            eprintln!(
                "warning: {}: not read: rule files end in .toml",
                other.display()
            );
        }
    }
    files.sort();
    let mut rules: Vec<Rule> = Vec::new();
    for file in files {
        let text = crate::read::small_text(&file, crate::read::MAX_SETTINGS_BYTES)
            .map_err(|e| anyhow!("{}: cannot read: {e}", file.display()))?;
        let parsed = parse_rules(&text).map_err(|e| anyhow!("{}:{e}", file.display()))?;
        for (kind, line) in parsed {
            let rule = Rule {
                kind,
                file: file.clone(),
                line,
            };
            let id = rule.id();
            let at = rule.at();
            if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == ',' || c == ']') {
                bail!(
                    "{}:{line}: rule id {id:?}: use letters, digits and dashes",
                    file.display()
                );
            }
            if [DEPRECATED_AUTO, BROKEN_IMPORT, STALE_STRING_TARGET].contains(&id) {
                bail!("{at}: the id is a built-in rule's");
            }
            if let Some(other) = rules.iter().find(|r| r.id() == id) {
                bail!("{at}: the id is already used in {}", other.file.display());
            }
            rules.push(rule);
        }
    }
    Ok(rules)
}

/// The `[[rule]]` tables of one file with the line each starts on; an error reads
/// `LINE: [rule `ID`: ]message` for the key or value at fault.
fn parse_rules(text: &str) -> std::result::Result<Vec<(RuleKind, usize)>, String> {
    use toml::de::{DeTable, DeValue, ValueDeserializer};
    let at = |span: std::ops::Range<usize>| line_of(text, span.start);
    let document = DeTable::parse(text).map_err(|e| {
        let error = located(text, &e, "");
        // `[rule]` twice: TOML's own word for it says nothing about the fix.
        match error.ends_with(": duplicate key") && text.lines().any(|l| l.trim() == "[rule]") {
            true => format!("{error} `rule`: use [[rule]] for each rule"),
            false => error,
        }
    })?;
    let mut rules = Vec::new();
    for (key, value) in document.get_ref().iter() {
        if key.get_ref() != "rule" {
            return Err(format!(
                "{}: unknown key `{}`: a rule file holds [[rule]] tables{}",
                at(key.span()),
                key.get_ref(),
                suggest::did_you_mean(key.get_ref(), ["rule"])
            ));
        }
        let Some(tables) = value.get_ref().as_array() else {
            return Err(format!(
                "{}: `rule` must be [[rule]] tables: use [[rule]] for each rule",
                at(value.span())
            ));
        };
        for table in tables.iter() {
            let span = table.span();
            let Some(fields) = table.get_ref().as_table() else {
                return Err(format!("{}: a rule must be a table", at(span)));
            };
            let id = fields
                .get("id")
                .and_then(|v| v.get_ref().as_str())
                .unwrap_or("");
            let context = if id.is_empty() {
                String::new()
            } else {
                format!("rule `{id}`: ")
            };
            let kinds = KINDS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>();
            let Some(kind) = fields.get("kind") else {
                return Err(format!(
                    "{}: {context}no `kind` (one of {})",
                    at(span),
                    kinds.join(", ")
                ));
            };
            let Some(kind_name) = kind.get_ref().as_str().filter(|k| KINDS.contains(k)) else {
                let written = kind.get_ref().as_str().unwrap_or_default();
                return Err(format!(
                    "{}: {context}unknown kind {written:?} (one of {}){}",
                    at(kind.span()),
                    kinds.join(", "),
                    suggest::did_you_mean(written, KINDS.iter().copied())
                ));
            };
            // The kind names the enum variant: deserialize `{kind = {other keys}}`, which
            // keeps every key's position for the error messages.
            let mut rest = fields.clone();
            rest.remove("kind");
            let mut tagged = DeTable::new();
            tagged.insert(
                toml::Spanned::new(kind.span(), kind_name.to_string().into()),
                toml::Spanned::new(span.clone(), DeValue::Table(rest)),
            );
            let value = toml::Spanned::new(span.clone(), DeValue::Table(tagged));
            let rule = RuleKind::deserialize(ValueDeserializer::from(value))
                .map_err(|e| located(text, &e, &context))?;
            // Point at the rule's id (its table's span may take in the comments above).
            let line = fields.get("id").map_or(span.clone(), |id| id.span());
            rules.push((rule, at(line)));
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
    fn a_key_of_another_kind_is_an_error_naming_its_line_and_the_rule() {
        let error = load_text(
            "[[rule]]\nid = \"c\"\nkind = \"canonical\"\nsymbol = \"a.B\"\ntarget = \"x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "/rules.toml:5: rule `c`: unknown key `target`, expected one of `id`, `severity`, \
             `message`, `allow-empty`, `symbol`, `canonical`"
        );
    }

    #[test]
    fn a_typo_several_lines_down_points_at_its_line_with_the_nearest_key() {
        let error = load_text(
            "[[rule]]\nid = \"a\"\nkind = \"no-cycles\"\nwithin = [\"x\"]\n\n\
             [[rule]]\nid = \"old\"\nkind = \"deprecated\"\ntarget = \"pkg.old\"\n\
             # why\nreplacment = \"pkg.new.X\"\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "/rules.toml:11: rule `old`: unknown key `replacment`, expected one of `id`, \
             `severity`, `message`, `allow-empty`, `target`, `replacement`, `allow`; did you \
             mean `replacement`?"
        );
    }

    #[test]
    fn bad_kinds_severities_and_repeated_ids_are_errors() {
        let kind = load_text("[[rule]]\nid = \"x\"\nkind = \"no-cycle\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            kind,
            "/rules.toml:3: rule `x`: unknown kind \"no-cycle\" (one of `deprecated`, \
             `canonical`, `single-definition`, `forbidden`, `no-cycles`, `layers`, \
             `independence`, `protected`, `acyclic-siblings`, `modules`, `interface`, \
             `external`); did \
             you mean `no-cycles`?"
        );
        let missing = load_text("[[rule]]\nid = \"x\"\n").unwrap_err().to_string();
        assert!(
            missing.starts_with("/rules.toml:1: rule `x`: no `kind`"),
            "{missing}"
        );
        let severity = load_text(
            "[[rule]]\nid = \"x\"\nkind = \"no-cycles\"\nwithin = [\"a\"]\nseverity = \"fatal\"\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            severity,
            "/rules.toml:5: rule `x`: unknown variant `fatal`, expected `error` or `warning`"
        );
        let twice = load_text(
            "[[rule]]\nid = \"x\"\nkind = \"no-cycles\"\nwithin = [\"a\"]\n\
             [[rule]]\nid = \"x\"\nkind = \"no-cycles\"\nwithin = [\"b\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            twice,
            "/rules.toml:6: rule `x`: the id is already used in /rules.toml"
        );
        let stray = load_text("[[rules]]\nid = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            stray,
            "/rules.toml:1: unknown key `rules`: a rule file holds [[rule]] tables; did you \
             mean `rule`?"
        );
    }
}
