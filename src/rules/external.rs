//! `external`: each package's third-party imports against the distributions it declares
//! (`crate::dependencies`), as tach's `check-external` judges them: an import of a
//! distribution the nearest declaring folder above the file does not declare is a finding
//! at the import; a declared distribution no module of the package imports is a finding
//! at its declaration (a check of the whole repository only). An import names its
//! distribution through the environment's installed metadata (`yaml` is `PyYAML`), a
//! `rename` entry, or else its own name.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rustc_hash::{FxHashMap, FxHashSet};

use super::evaluate::{Evaluator, Finding};
use super::{ExternalSettings, Rule};
use crate::dependencies::{Declared, declared_in, key};

/// Modules every environment is taken to have, as tach takes them (`typing_extensions`
/// comes with nearly every install): never undeclared, and an import of one still uses
/// its declaration.
const ALWAYS_THERE: &[&str] = &["__future__", "typing_extensions"];

/// The declaring folder of each folder, found once.
struct Packages {
    root: PathBuf,
    found: Vec<Declared>,
    of_folder: FxHashMap<PathBuf, Option<usize>>,
    warnings: Vec<String>,
}

impl Packages {
    /// The package declaring the dependencies of the files in `folder`: the nearest folder
    /// at or above it (within the repository) that declares any.
    fn of(&mut self, folder: &Path) -> Option<usize> {
        if let Some(&known) = self.of_folder.get(folder) {
            return known;
        }
        let shown = crate::discover::slash_path(folder.strip_prefix(&self.root).unwrap_or(folder));
        let shown = if shown.is_empty() { "." } else { &shown };
        let here = match declared_in(folder, shown) {
            Some(Ok(declared)) => {
                self.found.push(declared);
                Some(self.found.len() - 1)
            }
            Some(Err(error)) => {
                self.warnings.push(format!("{error:#}"));
                None
            }
            None => None,
        };
        let package = match here {
            Some(index) => Some(index),
            None if folder == self.root => None,
            None => match folder.parent().filter(|p| p.starts_with(&self.root)) {
                Some(parent) => self.of(parent),
                None => None,
            },
        };
        self.of_folder.insert(folder.to_path_buf(), package);
        package
    }
}

impl<'p> Evaluator<'p> {
    pub(super) fn external(
        &mut self,
        rule: &Rule,
        settings: &ExternalSettings,
    ) -> Result<Vec<Finding>> {
        let project = self.project;
        // The environment's metadata is read only once a third-party import needs it (a
        // hook's check of a file without one reads none).
        let installed = std::cell::OnceCell::new();
        let mut renamed: FxHashMap<&str, String> = FxHashMap::default();
        for pair in settings.rename {
            match pair.split_once(':') {
                Some((module, distribution))
                    if !module.trim().is_empty() && !distribution.trim().is_empty() =>
                {
                    renamed.insert(module.trim(), key(distribution.trim()));
                }
                _ => bail!(
                    "{}: rename `{pair}`: expected `module:distribution` (`bs4:beautifulsoup4`)",
                    rule.at()
                ),
            }
        }
        let excluded: FxHashSet<String> = settings.exclude.iter().map(|e| key(e)).collect();
        let distributions_of = |module: &str| -> Vec<String> {
            if let Some(distribution) = renamed.get(module) {
                return vec![distribution.clone()];
            }
            let installed = installed.get_or_init(|| {
                (project.environment.location.as_deref())
                    .map(crate::environment::distributions)
                    .unwrap_or_default()
            });
            match installed.get(module) {
                Some(found) => found.iter().cloned().collect(),
                None => vec![key(module)],
            }
        };
        // A module the repository's files do not hold but a source root does (a generated
        // file git ignores, such as `_version.py`) is the repository's own.
        let roots: Vec<PathBuf> = project
            .source_roots
            .iter()
            .map(|r| project.root.join(r))
            .collect();
        let mut seen: FxHashMap<String, bool> = FxHashMap::default();
        let mut first_party = |name: &str| {
            *seen.entry(name.to_string()).or_insert_with(|| {
                roots.iter().any(|root| {
                    root.join(format!("{name}.py")).is_file() || root.join(name).is_dir()
                })
            })
        };
        let mut packages = Packages {
            root: project.root.clone(),
            found: Vec::new(),
            of_folder: FxHashMap::default(),
            warnings: Vec::new(),
        };
        // A whole repository's check reads every folder's declarations: one no import
        // reaches is still checked for unused dependencies.
        if self.scope.is_none() {
            let folders: FxHashSet<&Path> = project
                .files
                .iter()
                .filter_map(|f| f.path.parent())
                .collect();
            let mut folders: Vec<&Path> = folders.into_iter().collect();
            folders.sort_unstable();
            for folder in folders {
                packages.of(folder);
            }
            if packages.found.is_empty() && !rule.allow_empty() {
                let unread: String = packages.warnings.iter().map(|w| format!("; {w}")).collect();
                bail!(
                    "{}: no pyproject.toml, setup.cfg or requirements.txt in the repository declares dependencies{unread}",
                    rule.at()
                );
            }
        }
        let mut used: FxHashMap<usize, FxHashSet<String>> = FxHashMap::default();
        let mut findings = Vec::new();
        for index in 0..self.in_scope.len() {
            let site = self.in_scope[index];
            let record = &project.sites[site];
            let Some(node) = record.node() else { continue };
            let module = &project.modules[node as usize];
            if !module.external
                || project.environment.in_stdlib(&module.name)
                || record.context.type_checking && !settings.include_type_checking
                || first_party(&module.name)
            {
                continue;
            }
            let file = &project.files[record.file as usize];
            let Some(package) = file.path.parent().and_then(|f| packages.of(f)) else {
                continue;
            };
            let candidates = distributions_of(&module.name);
            if ALWAYS_THERE.contains(&module.name.as_str()) {
                used.entry(package).or_default().extend(candidates);
                continue;
            }
            if excluded.contains(&key(&module.name))
                || candidates.iter().any(|d| excluded.contains(d))
            {
                continue;
            }
            let declared = &packages.found[package];
            let matching: Vec<String> = candidates
                .into_iter()
                .filter(|d| declared.distributions.iter().any(|x| &x.key == d))
                .collect();
            if !matching.is_empty() {
                used.entry(package).or_default().extend(matching);
                continue;
            }
            if self.tach_ignored(site) {
                continue;
            }
            let message = rule.message().map(str::to_string).unwrap_or_else(|| {
                format!(
                    "`{}` is imported but not declared in {} (package `{}`)",
                    module.name,
                    shown(project, &declared.file),
                    declared.package
                )
            });
            let mut finding = self.import_finding(rule, rule.severity(), site, message);
            finding.target = format!("{} -> {}", declared.package, module.name);
            findings.push(finding);
        }
        self.warnings.append(&mut packages.warnings);
        if self.scope.is_none() {
            let named: FxHashSet<String> = (project.modules.iter())
                .filter(|m| m.external)
                .map(|m| key(&m.name))
                .chain(
                    packages
                        .found
                        .iter()
                        .flat_map(|d| d.distributions.iter().map(|x| x.key.clone())),
                )
                .chain(used.values().flatten().cloned())
                .collect();
            for exclude in settings.exclude {
                if !named.contains(&key(exclude)) {
                    self.warnings.push(format!(
                        "{}: exclude `{exclude}` names no import and no declared dependency",
                        rule.at()
                    ));
                }
            }
            for (index, declared) in packages.found.iter().enumerate() {
                for distribution in &declared.distributions {
                    let needed = used
                        .get(&index)
                        .is_some_and(|u| u.contains(&distribution.key));
                    if needed || excluded.contains(&distribution.key) {
                        continue;
                    }
                    let mut finding = self.rule_finding(
                        rule,
                        format!("{} -> {}", declared.package, distribution.key),
                        format!(
                            "`{}` is declared but no module of package `{}` imports it",
                            distribution.name, declared.package
                        ),
                    );
                    finding.path = shown(project, &declared.file);
                    finding.line = distribution.line;
                    findings.push(finding);
                }
            }
        }
        Ok(findings)
    }
}

fn shown(project: &crate::index::Project, file: &Path) -> String {
    crate::discover::slash_path(file.strip_prefix(&project.root).unwrap_or(file))
}
