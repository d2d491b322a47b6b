//! tach's module boundaries: read from `tach.toml` or `[tool.tach]` in `pyproject.toml`,
//! written as one `modules` rule.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::RuleText;

pub struct Config {
    pub file: PathBuf,
    pub table: toml::Table,
}

impl Config {
    /// tach's `source_roots`, when they are not the default (the repository's root).
    pub fn source_roots(&self) -> Vec<String> {
        let roots = strings(self.table.get("source_roots"));
        match roots.as_slice() {
            [] => Vec::new(),
            [only] if only == "." => Vec::new(),
            _ => roots,
        }
    }
}

/// The configuration `tach check` would read in `root` (or the file `given`).
pub fn find(root: &Path, given: Option<&Path>) -> Result<Config> {
    let candidates: Vec<PathBuf> = match given {
        Some(path) => vec![root.join(path)],
        None => vec![root.join("tach.toml"), root.join("pyproject.toml")],
    };
    for path in candidates {
        if path.is_dir() {
            bail!(
                "{}: is a folder, not tach's configuration file",
                path.display()
            );
        }
        let Some(text) = crate::read::optional_text(&path) else {
            if given.is_some() {
                bail!("{}: no such file", path.display());
            }
            continue;
        };
        let document: toml::Table = text
            .parse()
            .map_err(|e| anyhow!("{}: {e}", path.display()))?;
        let table = match path.file_name().is_some_and(|n| n == "pyproject.toml") {
            true => document
                .get("tool")
                .and_then(|t| t.get("tach"))
                .and_then(|t| t.as_table())
                .cloned(),
            false => Some(document),
        };
        if let Some(table) = table {
            let modules = table.get("modules").and_then(|m| m.as_array());
            if !modules.is_some_and(|m| m.iter().any(|m| m.is_table())) {
                bail!("{}: no [[modules]]: nothing to carry over", path.display());
            }
            return Ok(Config { file: path, table });
        }
    }
    bail!(
        "no tach configuration in {} (looked in tach.toml, pyproject.toml [tool.tach])",
        root.display()
    )
}

fn strings(value: Option<&toml::Value>) -> Vec<String> {
    match value {
        Some(toml::Value::String(s)) => vec![s.clone()],
        Some(toml::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// TOML text of a value, for the rule file.
fn inline(value: &toml::Value) -> String {
    value.to_string()
}

/// The `modules` rule tach's configuration becomes, and a line for each setting not
/// carried over.
pub fn convert(config: &Config, root: &Path) -> (Vec<RuleText>, Vec<String>) {
    let file = super::shown(&config.file, root);
    let table = &config.table;
    let mut notes = Vec::new();
    let mut rule = RuleText::new(
        format!("tach's modules, layers and dependencies in {file}"),
        "tach",
        "modules",
    );
    let layers: Vec<String> = match table.get("layers") {
        Some(toml::Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Table(t) => t.get("name").and_then(|n| n.as_str()).map(str::to_string),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if !layers.is_empty() {
        rule.list("layers", &layers);
    }
    if table
        .get("layers_explicit_depends_on")
        .and_then(|v| v.as_bool())
        == Some(true)
    {
        rule.flag("layers-explicit-depends-on", true);
    }
    let mut written = Vec::new();
    for module in table
        .get("modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_table())
    {
        let mut paths = strings(module.get("path"));
        paths.extend(strings(module.get("paths")));
        for path in paths.into_iter().filter(|p| p != "<root>") {
            let mut fields = vec![format!(
                "path = {}",
                inline(&toml::Value::String(path.clone()))
            )];
            let unchecked = module.get("unchecked").and_then(|v| v.as_bool()) == Some(true);
            if let Some(depends) = module.get("depends_on").filter(|_| !unchecked) {
                let items: Vec<String> = depends
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| match d {
                        toml::Value::String(s) if s != "<root>" => {
                            Some(inline(&toml::Value::String(s.clone())))
                        }
                        toml::Value::Table(t) => {
                            let path = t.get("path")?.as_str()?;
                            let deprecated =
                                t.get("deprecated").and_then(|v| v.as_bool()) == Some(true);
                            Some(match deprecated {
                                true => format!(
                                    "{{ path = {}, deprecated = true }}",
                                    inline(&toml::Value::String(path.to_string()))
                                ),
                                false => inline(&toml::Value::String(path.to_string())),
                            })
                        }
                        _ => None,
                    })
                    .collect();
                fields.push(format!("depends-on = [{}]", items.join(", ")));
            }
            let cannot = strings(module.get("cannot_depend_on"));
            if !cannot.is_empty() {
                fields.push(format!(
                    "cannot-depend-on = {}",
                    inline(&toml::Value::from(cannot))
                ));
            }
            if let Some(layer) = module.get("layer").and_then(|l| l.as_str()) {
                fields.push(format!(
                    "layer = {}",
                    inline(&toml::Value::String(layer.to_string()))
                ));
            }
            if module.get("utility").and_then(|v| v.as_bool()) == Some(true) {
                fields.push("utility = true".to_string());
            }
            let visibility = strings(module.get("visibility"));
            if module.get("visibility").is_some() {
                fields.push(format!(
                    "visibility = {}",
                    inline(&toml::Value::from(visibility))
                ));
            }
            written.push(format!("    {{ {} }},", fields.join(", ")));
        }
    }
    rule.lines
        .push(format!("modules = [\n{}\n]", written.join("\n")));
    // tach leaves imports under `if TYPE_CHECKING:` out unless told otherwise.
    let ignore_type_checking = table
        .get("ignore_type_checking_imports")
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
    rule.flag("include-type-checking", !ignore_type_checking);
    let mut rules = vec![rule];
    for (index, interface) in table
        .get("interfaces")
        .and_then(|i| i.as_array())
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_table())
        .enumerate()
    {
        let mut rule = RuleText::new(
            format!("tach's interface #{} in {file}", index + 1),
            &format!("tach-interface-{}", index + 1),
            "interface",
        );
        rule.list("modules", &strings(interface.get("from")));
        rule.list("expose", &strings(interface.get("expose")));
        for key in interface.keys() {
            if !["from", "expose"].contains(&key.as_str()) {
                notes.push(format!(
                    "{file}: interface #{}: `{key}` not carried over: ssot-graph has no equivalent",
                    index + 1
                ));
            }
        }
        rules.push(rule);
    }
    let carried = [
        "interfaces",
        "modules",
        "layers",
        "layers_explicit_depends_on",
        "ignore_type_checking_imports",
        "source_roots",
        "exclude",
        "root_module",
    ];
    for key in table.keys() {
        if !carried.contains(&key.as_str()) {
            let why = match key.as_str() {
                "forbid_circular_dependencies" => {
                    "ssot-graph's `no-cycles` judges imports, not declared dependencies: add one by hand"
                }
                "exact" => "unused declared dependencies are not reported",
                _ => "ssot-graph has no equivalent",
            };
            notes.push(format!("{file}: `{key}` not carried over: {why}"));
        }
    }
    if !strings(table.get("exclude")).is_empty() {
        notes.push(format!(
            "{file}: `exclude` is not carried over: ssot-graph's config `exclude` takes path globs; check it"
        ));
    }
    notes.push(format!(
        "{file}: ssot-graph is stricter: it judges every import the code makes (function-level ones included), resolved to where it leads"
    ));
    (rules, notes)
}
