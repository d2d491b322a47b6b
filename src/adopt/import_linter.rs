//! import-linter's contracts: read from `.importlinter` or `setup.cfg` (INI) or
//! `[tool.importlinter]` in `pyproject.toml`, as `lint-imports` reads them.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::{RuleText, rule_id};

/// One contract as written: its option values as lists (an INI value's lines, a TOML
/// string or array).
pub struct Contract {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub options: Vec<(String, Vec<String>)>,
}

impl Contract {
    fn list(&self, key: &str) -> Vec<String> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn flag(&self, key: &str, default: bool) -> bool {
        match self.list(key).first().map(|v| v.to_ascii_lowercase()) {
            Some(v) => matches!(v.as_str(), "true" | "yes" | "1" | "on"),
            None => default,
        }
    }
}

pub struct Config {
    pub file: PathBuf,
    pub root_packages: Vec<String>,
    pub include_external_packages: bool,
    pub exclude_type_checking_imports: bool,
    pub contracts: Vec<Contract>,
}

/// The configuration `lint-imports` would read in `root` (or the file `given`).
pub fn find(root: &Path, given: Option<&Path>) -> Result<Config> {
    let candidates: Vec<PathBuf> = match given {
        Some(path) => vec![root.join(path)],
        None => ["setup.cfg", ".importlinter", "pyproject.toml"]
            .iter()
            .map(|name| root.join(name))
            .collect(),
    };
    for path in &candidates {
        if path.is_dir() {
            bail!(
                "{}: is a folder, not import-linter's configuration file",
                path.display()
            );
        }
        let Some(text) = crate::read::optional_text(path) else {
            if given.is_some() {
                bail!("{}: no such file", path.display());
            }
            continue;
        };
        let read = match path.extension().is_some_and(|e| e == "toml") {
            true => read_toml(path, &text)?,
            false => read_ini(path, &text)?,
        };
        match read {
            Some(config) if config.contracts.is_empty() => {
                bail!("{}: no contracts: nothing to carry over", path.display())
            }
            Some(config) => return Ok(config),
            None if given.is_some() => {
                bail!("{}: holds no import-linter configuration", path.display())
            }
            None => {}
        }
    }
    bail!(
        "no import-linter configuration in {} (looked in setup.cfg, .importlinter, \
         pyproject.toml [tool.importlinter])",
        root.display()
    )
}

fn lines(value: &str) -> Vec<String> {
    value
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn read_ini(path: &Path, text: &str) -> Result<Option<Config>> {
    let mut ini = configparser::ini::Ini::new_cs();
    ini.set_multiline(true);
    let sections = ini
        .read(text.to_string())
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let Some(session) = sections.get("importlinter") else {
        return Ok(None);
    };
    let value = |key: &str| -> Vec<String> {
        session
            .get(key)
            .cloned()
            .flatten()
            .map(|v| lines(&v))
            .unwrap_or_default()
    };
    let mut root_packages = value("root_packages");
    root_packages.extend(value("root_package"));
    let flag = |key: &str| {
        value(key)
            .first()
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    let mut contracts = Vec::new();
    let mut names: Vec<&String> = sections.keys().collect();
    names.sort();
    // Any `importlinter:...` section is a contract, its id the last part (or its `id`).
    let contract_sections: Vec<&String> = names
        .into_iter()
        .filter(|name| name.starts_with("importlinter:"))
        .collect();
    let last = |name: &str| name.rsplit(':').next().unwrap_or_default().to_string();
    for section in &contract_sections {
        let section: &str = section;
        let shared = contract_sections
            .iter()
            .filter(|other| last(other) == last(section))
            .count()
            > 1;
        let id = match sections[section].get("id").cloned().flatten() {
            Some(id) => id,
            // Ids must be unique: two sections ending alike keep their whole names.
            None if shared => section["importlinter:".len()..].replace(':', "-"),
            None => last(section),
        };
        let options: Vec<(String, Vec<String>)> = sections[section]
            .iter()
            .map(|(k, v)| (k.clone(), v.as_deref().map(lines).unwrap_or_default()))
            .collect();
        let one = |key: &str| {
            options
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.first().cloned())
                .unwrap_or_default()
        };
        contracts.push((
            text.find(&format!("[{section}]")),
            Contract {
                id,
                name: one("name"),
                kind: one("type"),
                options,
            },
        ));
    }
    // configparser keeps no order: the file's order is the order of the headers.
    contracts.sort_by_key(|(at, _)| *at);
    let contracts: Vec<Contract> = contracts.into_iter().map(|(_, c)| c).collect();
    Ok(Some(Config {
        file: path.to_path_buf(),
        root_packages,
        include_external_packages: flag("include_external_packages"),
        exclude_type_checking_imports: flag("exclude_type_checking_imports"),
        contracts,
    }))
}

fn toml_list(value: &toml::Value) -> Vec<String> {
    match value {
        toml::Value::String(s) => lines(s),
        toml::Value::Array(items) => items.iter().flat_map(toml_list).collect(),
        toml::Value::Boolean(b) => vec![b.to_string()],
        other => vec![other.to_string()],
    }
}

fn read_toml(path: &Path, text: &str) -> Result<Option<Config>> {
    let document: toml::Table = text
        .parse()
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let Some(table) = document
        .get("tool")
        .and_then(|t| t.get("importlinter"))
        .and_then(|t| t.as_table())
    else {
        return Ok(None);
    };
    let list = |key: &str| table.get(key).map(toml_list).unwrap_or_default();
    let flag = |key: &str| table.get(key).and_then(|v| v.as_bool()).unwrap_or(false);
    let mut root_packages = list("root_packages");
    root_packages.extend(list("root_package"));
    let mut contracts = Vec::new();
    for (index, contract) in table
        .get("contracts")
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(fields) = contract.as_table() else {
            continue;
        };
        let one = |key: &str| {
            fields
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let options = fields
            .iter()
            .map(|(k, v)| (k.clone(), toml_list(v)))
            .collect();
        let id = match one("id") {
            id if id.is_empty() => format!("contract-{}", index + 1),
            id => id,
        };
        contracts.push(Contract {
            id,
            name: one("name"),
            kind: one("type"),
            options,
        });
    }
    Ok(Some(Config {
        file: path.to_path_buf(),
        root_packages,
        include_external_packages: flag("include_external_packages"),
        exclude_type_checking_imports: flag("exclude_type_checking_imports"),
        contracts,
    }))
}

/// The options each kind reads; others are said not to be carried over.
fn known(kind: &str) -> &'static [&'static str] {
    match kind {
        "forbidden" => &[
            "source_modules",
            "forbidden_modules",
            "allow_indirect_imports",
            "as_packages",
        ],
        "layers" => &["layers", "containers", "exhaustive", "exhaustive_ignores"],
        "independence" => &["modules"],
        "protected" => &["protected_modules", "allowed_importers", "as_packages"],
        "acyclic_siblings" => &["ancestors", "depth", "skip_descendants"],
        _ => &[],
    }
}

/// The rules the contracts become, and a line for each setting not carried over.
pub fn convert(config: &Config, root: &Path) -> (Vec<RuleText>, Vec<String>) {
    let file = super::shown(&config.file, root);
    let mut rules = Vec::new();
    let mut notes = Vec::new();
    for contract in &config.contracts {
        let origin = format!(
            "import-linter contract `{}` ({}) in {file}",
            contract.id, contract.name
        );
        let id = rule_id(&contract.id);
        let as_packages = contract.flag("as_packages", true);
        let packages = |key: &str| -> Vec<String> {
            contract
                .list(key)
                .into_iter()
                .map(|m| match as_packages && !m.ends_with(".**") {
                    true => format!("{m}.**"),
                    false => m,
                })
                .collect()
        };
        let mut rule = match contract.kind.as_str() {
            "forbidden" => {
                let mut rule = RuleText::new(origin, &id, "forbidden");
                rule.list("from", &packages("source_modules"));
                rule.list("to", &packages("forbidden_modules"));
                rule.flag(
                    "transitive",
                    !contract.flag("allow_indirect_imports", false),
                );
                rule
            }
            "layers" => {
                let mut rule = RuleText::new(origin, &id, "layers");
                rule.list("layers", &contract.list("layers"));
                let containers = contract.list("containers");
                if !containers.is_empty() {
                    rule.list("containers", &containers);
                }
                if contract.flag("exhaustive", false) {
                    rule.flag("exhaustive", true);
                    let ignores = contract.list("exhaustive_ignores");
                    if !ignores.is_empty() {
                        rule.list("exhaustive-ignores", &ignores);
                    }
                }
                rule
            }
            "independence" => {
                let mut rule = RuleText::new(origin, &id, "independence");
                rule.list("modules", &contract.list("modules"));
                rule
            }
            "protected" => {
                let mut rule = RuleText::new(origin, &id, "protected");
                rule.list("modules", &packages("protected_modules"));
                rule.list("allowed-importers", &packages("allowed_importers"));
                rule
            }
            "acyclic_siblings" => {
                let mut rule = RuleText::new(origin, &id, "acyclic-siblings");
                rule.list("ancestors", &contract.list("ancestors"));
                if let Some(depth) = contract.list("depth").first() {
                    rule.lines.push(format!("depth = {}", depth.trim()));
                }
                let skip = contract.list("skip_descendants");
                if !skip.is_empty() {
                    rule.list("skip-descendants", &skip);
                }
                rule
            }
            other => {
                let why = match other {
                    "" => "it has no `type`",
                    custom if custom.contains('.') => {
                        "a custom contract type (Python code) cannot be converted"
                    }
                    _ => "an unknown contract type",
                };
                notes.push(format!(
                    "{file}: contract `{}` (type `{other}`) not carried over: {why}",
                    contract.id
                ));
                continue;
            }
        };
        let ignores = contract.list("ignore_imports");
        if !ignores.is_empty() {
            rule.list("ignore", &ignores);
        }
        match contract
            .list("unmatched_ignore_imports_alerting")
            .first()
            .map(String::as_str)
        {
            Some("warn") => rule.text("unmatched-ignores", "warning"),
            Some("none") => rule.text("unmatched-ignores", "off"),
            _ => {}
        }
        if config.exclude_type_checking_imports {
            rule.flag("include-type-checking", false);
        }
        let common = [
            "name",
            "type",
            "id",
            "ignore_imports",
            "unmatched_ignore_imports_alerting",
        ];
        for (key, _) in &contract.options {
            if !common.contains(&key.as_str()) && !known(&contract.kind).contains(&key.as_str()) {
                notes.push(format!(
                    "{file}: contract `{}`: option `{key}` not carried over: ssot-graph has no \
                     equivalent",
                    contract.id
                ));
            }
        }
        rules.push(rule);
    }
    (rules, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_importlinter_section_is_a_contract_named_by_its_last_part_or_its_id() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".importlinter"),
            "[importlinter]\nroot_packages =\n    app\n\n\
             [importlinter:streaming:layers]\nname = S\ntype = layers\nlayers =\n    app.a\n    app.b\n\n\
             [importlinter:openapi:layers]\nname = O\ntype = layers\nlayers =\n    app.c\n\n\
             [importlinter:contract:plain]\nname = P\ntype = independence\nmodules =\n    app.a\n    app.b\n\n\
             [importlinter:contract:named]\nid = chosen\nname = N\ntype = forbidden\n",
        )
        .unwrap();
        let config = find(dir.path(), None).unwrap();
        let ids: Vec<&str> = config.contracts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["streaming-layers", "openapi-layers", "plain", "chosen"]
        );
        assert_eq!(config.root_packages, ["app"]);
        assert_eq!(config.contracts[0].list("layers"), ["app.a", "app.b"]);
    }
}
