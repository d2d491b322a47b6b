//! tach's module boundaries: read from `tach.toml` or `[tool.tach]` in `pyproject.toml`,
//! written as one `modules` rule.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::{RuleText, quoted};

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

/// How a domain file's paths read: relative to its folder's module, `//x.y` from the
/// source root, `<domain_root>` the folder's module itself.
struct Domain {
    /// The module of the folder holding `tach.domain.toml`; empty for `tach.toml`.
    module: String,
}

impl Domain {
    fn path(&self, path: &str) -> String {
        match self.module.as_str() {
            "" => path.to_string(),
            domain => format!("{domain}.{path}"),
        }
    }

    /// A path naming another module: `depends_on`, `cannot_depend_on`, `visibility`.
    fn reference(&self, path: &str) -> String {
        if self.module.is_empty() {
            return path.to_string();
        }
        match path {
            "<domain_root>" => self.module.clone(),
            _ => match path.strip_prefix("//") {
                Some(absolute) => absolute.to_string(),
                None => self.path(path),
            },
        }
    }

    /// An interface's `from`.
    fn interface(&self, path: &str) -> String {
        match path {
            "<domain_root>" if !self.module.is_empty() => self.module.clone(),
            _ => self.path(path),
        }
    }
}

/// One `[[modules]]` entry (or a domain's `[root]`, at `path`) as the rule's inline tables.
fn module_entries(module: &toml::Table, paths: Vec<String>, domain: &Domain) -> Vec<String> {
    let mut written = Vec::new();
    for path in paths.into_iter().filter(|p| p != "<root>") {
        let mut fields = vec![format!("path = {}", quoted(&path))];
        let unchecked = module.get("unchecked").and_then(|v| v.as_bool()) == Some(true);
        if let Some(depends) = module.get("depends_on").filter(|_| !unchecked) {
            let items: Vec<String> = depends
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| match d {
                    toml::Value::String(s) if s != "<root>" => Some(quoted(&domain.reference(s))),
                    toml::Value::Table(t) => {
                        let path = quoted(&domain.reference(t.get("path")?.as_str()?));
                        Some(match t.get("deprecated").and_then(|v| v.as_bool()) {
                            Some(true) => format!("{{ path = {path}, deprecated = true }}"),
                            _ => path,
                        })
                    }
                    _ => None,
                })
                .collect();
            fields.push(format!("depends-on = [{}]", items.join(", ")));
        }
        let cannot: Vec<String> = strings(module.get("cannot_depend_on"))
            .iter()
            .map(|c| domain.reference(c))
            .collect();
        if !cannot.is_empty() {
            fields.push(format!("cannot-depend-on = {}", toml::Value::from(cannot)));
        }
        if let Some(layer) = module.get("layer").and_then(|l| l.as_str()) {
            fields.push(format!("layer = {}", quoted(layer)));
        }
        if module.get("utility").and_then(|v| v.as_bool()) == Some(true) {
            fields.push("utility = true".to_string());
        }
        if module.get("visibility").is_some() {
            let visibility: Vec<String> = strings(module.get("visibility"))
                .iter()
                .map(|v| domain.reference(v))
                .collect();
            fields.push(format!("visibility = {}", toml::Value::from(visibility)));
        }
        written.push(format!("    {{ {} }},", fields.join(", ")));
    }
    written
}

/// The modules and interfaces of `tach.toml` or of a domain file (its `[root]` the
/// domain's own module), paths read as the domain reads them.
fn read_modules(
    table: &toml::Table,
    domain: &Domain,
    origin: &str,
    written: &mut Vec<String>,
    interfaces: &mut Vec<(String, toml::Table, Vec<String>)>,
) {
    let root_module = table.get("root").and_then(|r| r.as_table());
    if let Some(root_module) = root_module.filter(|_| !domain.module.is_empty()) {
        written.extend(module_entries(
            root_module,
            vec![domain.module.clone()],
            domain,
        ));
    }
    for module in tables(table, "modules") {
        let mut paths = strings(module.get("path"));
        paths.extend(strings(module.get("paths")));
        let paths = paths.iter().map(|p| domain.path(p)).collect();
        written.extend(module_entries(module, paths, domain));
    }
    for interface in tables(table, "interfaces") {
        let from = strings(interface.get("from"))
            .iter()
            .map(|f| domain.interface(f))
            .collect();
        interfaces.push((origin.to_string(), interface.clone(), from));
    }
}

/// The tables of the array `key` (`[[modules]]`).
fn tables<'t>(table: &'t toml::Table, key: &str) -> impl Iterator<Item = &'t toml::Table> {
    table
        .get(key)
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_table())
}

/// The `tach.domain.toml` files below the source roots (git-ignored folders skipped),
/// each with the module its folder is, in path order.
fn domain_files(config: &Config, root: &Path) -> Vec<(PathBuf, String)> {
    let base = config.file.parent().unwrap_or(root);
    let mut roots = config.source_roots();
    if roots.is_empty() {
        roots.push(".".to_string());
    }
    let mut found = Vec::new();
    for source_root in roots {
        let source_root = base.join(source_root);
        for entry in ignore::WalkBuilder::new(&source_root)
            .hidden(false)
            .build()
            .flatten()
        {
            if entry.file_name() != "tach.domain.toml" {
                continue;
            }
            let Some(folder) = entry.path().parent() else {
                continue;
            };
            let Ok(relative) = folder.strip_prefix(&source_root) else {
                continue;
            };
            let module: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            found.push((entry.path().to_path_buf(), module.join(".")));
        }
    }
    found.sort();
    found
}

/// The `modules` rule tach's configuration becomes (its domain files' modules included),
/// and a line for each setting not carried over.
pub fn convert(config: &Config, root: &Path) -> (Vec<RuleText>, Vec<String>) {
    let file = super::shown(&config.file, root);
    let table = &config.table;
    let mut notes = Vec::new();
    let mut rule = RuleText::new(
        format!("tach's modules, layers and dependencies in {file}"),
        "tach",
        "modules",
    );
    let mut layers = Vec::new();
    let mut closed = Vec::new();
    for item in table
        .get("layers")
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
    {
        match item {
            toml::Value::String(name) => layers.push(name.clone()),
            toml::Value::Table(t) => {
                let Some(name) = t.get("name").and_then(|n| n.as_str()) else {
                    continue;
                };
                layers.push(name.to_string());
                if t.get("closed").and_then(|v| v.as_bool()) == Some(true) {
                    closed.push(name.to_string());
                }
            }
            _ => {}
        }
    }
    if !layers.is_empty() {
        rule.list("layers", &layers);
    }
    if !closed.is_empty() {
        rule.list("closed-layers", &closed);
    }
    for (key, ours) in [
        ("layers_explicit_depends_on", "layers-explicit-depends-on"),
        ("exact", "exact"),
        (
            "forbid_circular_dependencies",
            "forbid-circular-dependencies",
        ),
    ] {
        if table.get(key).and_then(|v| v.as_bool()) == Some(true) {
            rule.flag(ours, true);
        }
    }
    let mut written = Vec::new();
    let mut interfaces: Vec<(String, toml::Table, Vec<String>)> = Vec::new();
    let top = Domain {
        module: String::new(),
    };
    read_modules(table, &top, &file, &mut written, &mut interfaces);
    for (path, module) in domain_files(config, root) {
        let shown = super::shown(&path, root);
        let domain = Domain { module };
        let parsed = crate::read::optional_text(&path)
            .ok_or_else(|| "cannot be read".to_string())
            .and_then(|text| {
                toml::from_str::<toml::Table>(&text)
                    .map_err(|e| crate::config::located(&text, &e, ""))
            });
        match parsed {
            Ok(_) if domain.module.is_empty() => notes.push(format!(
                "{shown}: not carried over: a domain file cannot sit in a source root"
            )),
            Ok(document) => read_modules(&document, &domain, &shown, &mut written, &mut interfaces),
            Err(error) => notes.push(format!("{shown}:{error}: not carried over")),
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
    for (index, (origin, interface, from)) in interfaces.into_iter().enumerate() {
        let mut rule = RuleText::new(
            format!("tach's interface #{} in {origin}", index + 1),
            &format!("tach-interface-{}", index + 1),
            "interface",
        );
        rule.list("modules", &from);
        rule.list("expose", &strings(interface.get("expose")));
        for key in interface.keys() {
            if !["from", "expose"].contains(&key.as_str()) {
                notes.push(format!(
                    "{origin}: interface #{}: `{key}` not carried over: ssot-graph has no equivalent",
                    index + 1
                ));
            }
        }
        rules.push(rule);
    }
    // `tach check-external`'s settings: the declared dependencies of each package.
    if let Some(external) = table.get("external").and_then(|e| e.as_table()) {
        let mut rule = RuleText::new(
            format!("tach check-external's declared dependencies ([external] in {file})"),
            "tach-external",
            "external",
        );
        let exclude = strings(external.get("exclude"));
        if !exclude.is_empty() {
            rule.list("exclude", &exclude);
        }
        let rename = strings(external.get("rename"));
        if !rename.is_empty() {
            rule.list("rename", &rename);
        }
        rule.flag("include-type-checking", !ignore_type_checking);
        for key in external.keys() {
            if !["exclude", "rename"].contains(&key.as_str()) {
                notes.push(format!(
                    "{file}: external: `{key}` not carried over: ssot-graph has no equivalent"
                ));
            }
        }
        rules.push(rule);
    }
    let carried = [
        "external",
        "interfaces",
        "modules",
        "layers",
        "layers_explicit_depends_on",
        "exact",
        "forbid_circular_dependencies",
        "ignore_type_checking_imports",
        "source_roots",
        "exclude",
    ];
    for key in table.keys() {
        if !carried.contains(&key.as_str()) {
            let why = match key.as_str() {
                "root_module" => {
                    "files outside every declared module are not judged, as with tach's default `ignore`"
                }
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
