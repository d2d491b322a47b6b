//! Runs rules against the resolved repository and turns every violation into a `Finding`
//! located at the import site or definition that causes it.

use globset::{Glob, GlobSet, GlobSetBuilder};
use petgraph::Direction;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use anyhow::{Result, anyhow};

use super::pattern::{ModulePattern, any_matches};
use super::{BROKEN_IMPORT, DEPRECATED_AUTO, Rule, RuleKind, Severity};
use crate::graph::{EdgeFilter, Graph};
use crate::index::{ModuleId, Project};
use crate::query::{self, DefinitionKind};
use crate::resolve::{Resolution, Resolver};
use crate::summary::BindingKind;
use crate::view;

/// One violation, where it is and why.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub message: String,
    /// Modules that explain it: the re-export chain a site follows, or an import chain.
    pub chain: Vec<String>,
    /// `fix` can rewrite it.
    pub fixable: bool,
    /// What it is about, independent of line numbers: the import written as a statement
    /// of its own, a definition, or a chain. Baseline entries are keyed by it.
    pub target: String,
    /// The import site, for findings about one.
    #[serde(skip)]
    pub site: Option<usize>,
    /// The `module.Name` a fix would import instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// The replacement must bind the very object the import binds now (canonical
    /// paths, a deprecated module's names in its replacement module). Otherwise it is a
    /// successor a rule names for a deprecated name: an unsafe fix unless it happens to
    /// be the same object.
    #[serde(skip)]
    pub same_object: bool,
    /// Why `fix` cannot rewrite it, when it cannot.
    #[serde(skip)]
    pub why_not_fixable: Option<String>,
}

/// The import sites a canonical rule governs.
pub struct CanonicalScope {
    /// The definition's name.
    pub name: String,
    pub canonical: String,
    pub sites: Vec<usize>,
}

/// Each site's resolution and the modules its re-export chain passes through.
struct Resolved {
    resolution: Resolution,
    hops: Vec<ModuleId>,
}

pub struct Evaluator<'p> {
    project: &'p Project,
    resolver: Resolver<'p>,
    /// Every site in scope, and others resolved on demand.
    sites: FxHashMap<usize, Resolved>,
    /// The sites findings may be about: every site, or those of the files a check is
    /// limited to.
    in_scope: Vec<usize>,
    /// The files a check is limited to; `None` for the whole repository.
    scope: Option<FxHashSet<usize>>,
    /// Problems with rules that do not stop the run (a target that matches nothing).
    pub warnings: Vec<String>,
}

fn path_globs(rule: &Rule, key: &str, patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            Glob::new(pattern).map_err(|e| anyhow!("{}: {key} {pattern:?}: {e}", rule.at()))?;
        builder.add(glob);
    }
    Ok(builder.build()?)
}

fn module_patterns(rule: &Rule, key: &str, patterns: &[String]) -> Result<Vec<ModulePattern>> {
    patterns
        .iter()
        .map(|p| ModulePattern::new(p).map_err(|e| anyhow!("{}: {key}: {e}", rule.at())))
        .collect()
}

impl<'p> Evaluator<'p> {
    /// An evaluator for findings about the files `scope` (file indices), or the whole
    /// repository; only the sites in scope are resolved up front.
    pub fn new(project: &'p Project, scope: Option<FxHashSet<usize>>) -> Self {
        let in_scope: Vec<usize> = match &scope {
            Some(files) => (0..project.sites.len())
                .filter(|&s| files.contains(&project.sites[s].file))
                .collect(),
            None => (0..project.sites.len()).collect(),
        };
        let mut evaluator = Evaluator {
            project,
            resolver: Resolver::new(project),
            sites: FxHashMap::default(),
            in_scope,
            scope,
            warnings: Vec::new(),
        };
        for index in 0..evaluator.in_scope.len() {
            evaluator.ensure_resolved(evaluator.in_scope[index]);
        }
        evaluator
    }

    fn ensure_resolved(&mut self, site: usize) {
        if !self.sites.contains_key(&site) {
            let (resolution, hops) = self.resolver.resolve_site(site);
            let hops = hops.iter().map(|h| h.module).collect();
            self.sites.insert(site, Resolved { resolution, hops });
        }
    }

    /// A site's resolution; sites outside the scope must have been resolved first.
    fn resolved(&self, site: usize) -> &Resolved {
        &self.sites[&site]
    }

    /// The modules of the files in scope, sorted; `None` for the whole repository.
    fn scope_modules(&self) -> Option<Vec<ModuleId>> {
        let project = self.project;
        self.scope.as_ref().map(|files| {
            let mut modules: Vec<ModuleId> = files
                .iter()
                .filter_map(|&f| project.internal(&project.files[f].module))
                .collect();
            modules.sort_unstable();
            modules
        })
    }

    /// Whether some module in scope is accepted by `wanted` (always, for the whole
    /// repository): rules about other modules only need not run.
    fn scope_has(&self, wanted: impl Fn(ModuleId) -> bool) -> bool {
        self.scope_modules()
            .is_none_or(|modules| modules.into_iter().any(wanted))
    }

    /// Whether findings about file `file` are wanted.
    fn in_scope_file(&self, file: usize) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|files| files.contains(&file))
    }

    /// Modules that some import's re-export chain passes through: re-export layers.
    /// Modules the chains of the resolved sites pass through, leaving out `moved` sites.
    pub fn reexport_modules(&self, moved: &FxHashSet<usize>) -> FxHashSet<ModuleId> {
        self.sites
            .iter()
            .filter(|(site, _)| !moved.contains(site))
            .flat_map(|(_, resolved)| resolved.hops.iter().copied())
            .collect()
    }

    pub fn resolver(&mut self) -> &mut Resolver<'p> {
        &mut self.resolver
    }

    pub fn run(&mut self, rule: &Rule) -> Result<Vec<Finding>> {
        let id = rule.id().to_string();
        let severity = rule.severity();
        let message = rule.message().map(str::to_string);
        match &rule.kind {
            RuleKind::Deprecated {
                target,
                replacement,
                allow,
                ..
            } => {
                let allow = path_globs(rule, "allow", allow)?;
                if let Some(replacement) = replacement {
                    crate::target::resolve_target(&mut self.resolver, replacement)
                        .map_err(|e| anyhow!("{}: replacement {e}", rule.at()))?;
                }
                let pattern = ModulePattern::new(target)
                    .map_err(|e| anyhow!("{}: target: {e}", rule.at()))?;
                let found = self.deprecated(&pattern, &allow);
                if found.is_none() {
                    self.warnings.push(format!(
                        "{}: target `{target}` matches nothing in the repository",
                        rule.at()
                    ));
                }
                let default = format!("`{target}` is deprecated");
                // A deprecated name's replacement is a declared mapping (applied only as an
                // unsafe fix unless it is the very same object); a deprecated module's is
                // advice, unless it is a module: then each name moves to the same name
                // there, when that is the same object.
                let symbol_level = !pattern.is_glob()
                    && matches!(
                        self.resolver.resolve_path(target).0,
                        Resolution::Definition { .. }
                    );
                let to_module = replacement.as_ref().is_some_and(|r| {
                    matches!(self.resolver.resolve_path(r).0, Resolution::Module(_))
                });
                Ok(found
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(site, via)| {
                        let mut text = message.clone().unwrap_or_else(|| default.clone());
                        if let Some(replacement) = replacement {
                            text.push_str(&format!("; import `{replacement}` instead"));
                        }
                        let name = self.project.import_site(site).name.clone();
                        let (edit, same_object) = match (replacement, name) {
                            (Some(r), _) if symbol_level => (Some(r.clone()), false),
                            (Some(r), Some(name)) if to_module => {
                                (Some(format!("{r}.{name}")), true)
                            }
                            _ => (None, false),
                        };
                        let advice = edit.is_none() && replacement.is_some();
                        let mut finding = self.site_finding(&id, severity, site, text, via, edit);
                        finding.same_object = same_object;
                        if advice {
                            finding.why_not_fixable = Some(
                                "the replacement stands for the whole deprecated module, not \
                                 this name: a different object, to choose by hand"
                                    .to_string(),
                            );
                        }
                        finding
                    })
                    .collect())
            }
            RuleKind::Canonical {
                symbol, canonical, ..
            } => self.canonical(rule, symbol, canonical.as_deref()),
            RuleKind::SingleDefinition { names, paths, .. } => {
                let names = path_globs(rule, "names", names)?;
                let paths = path_globs(rule, "paths", paths)?;
                Ok(self.single_definition(&id, severity, message, &names, &paths))
            }
            RuleKind::Forbidden {
                from,
                to,
                transitive,
                ..
            } => {
                let from = module_patterns(rule, "from", from)?;
                let to = module_patterns(rule, "to", to)?;
                Ok(self.forbidden(&id, severity, message, &from, &to, *transitive))
            }
            RuleKind::NoCycles { within, .. } => {
                let within = module_patterns(rule, "within", within)?;
                Ok(self.no_cycles(&id, severity, message, &within))
            }
        }
    }

    fn site_finding(
        &self,
        rule: &str,
        severity: Severity,
        site: usize,
        message: String,
        chain: Vec<String>,
        replacement: Option<String>,
    ) -> Finding {
        let project = self.project;
        let import = project.import_site(site);
        let is_name_import = import.name.as_deref().is_some_and(|n| n != "*");
        Finding {
            rule: rule.to_string(),
            severity,
            path: project.files[project.sites[site].file].rel.clone(),
            line: import.position.line,
            col: import.position.col,
            message,
            chain,
            fixable: is_name_import && replacement.is_some() && !import.context.try_import,
            target: view::import_text(import),
            site: Some(site),
            why_not_fixable: if replacement.is_none() {
                Some("the rule names nothing to import instead".to_string())
            } else if !is_name_import {
                Some("a star import or `import a.b`: its uses would have to change".to_string())
            } else {
                (import.context.try_import)
                    .then(|| "inside a try/except ImportError fallback".to_string())
            },
            replacement,
            same_object: false,
        }
    }

    /// The modules a site's chain passes through down to what it resolves to, when it
    /// goes through a re-export (empty for a direct import).
    fn via(&self, site: usize) -> Vec<String> {
        let resolved = self.resolved(site);
        if resolved.hops.is_empty() {
            return Vec::new();
        }
        let mut modules: Vec<ModuleId> = resolved.hops.clone();
        modules.extend(query::resolution_module(&resolved.resolution));
        modules.dedup();
        modules
            .iter()
            .map(|&m| self.project.modules[m as usize].name.clone())
            .collect()
    }

    /// Sites that depend on the deprecated modules or symbol; `None` when the target
    /// names nothing in the repository.
    fn deprecated(
        &mut self,
        pattern: &ModulePattern,
        allow: &GlobSet,
    ) -> Option<Vec<(usize, Vec<String>)>> {
        let project = self.project;
        let modules: FxHashSet<ModuleId> = if pattern.is_glob() {
            (0..project.modules.len() as ModuleId)
                .filter(|&m| {
                    !project.modules[m as usize].external
                        && pattern.matches(&project.modules[m as usize].name)
                })
                .collect()
        } else {
            match self.resolver.resolve_path(pattern.text()).0 {
                Resolution::Module(m) => FxHashSet::from_iter([m]),
                symbol @ Resolution::Definition { .. } => {
                    return Some(self.sites_resolving_to(&symbol, allow));
                }
                _ => FxHashSet::default(),
            }
        };
        if modules.is_empty() {
            return None;
        }
        Some(self.sites_reaching(&modules, allow))
    }

    fn sites_resolving_to(
        &self,
        symbol: &Resolution,
        allow: &GlobSet,
    ) -> Vec<(usize, Vec<String>)> {
        let project = self.project;
        self.in_scope
            .iter()
            .copied()
            .filter(|&s| self.resolved(s).resolution == *symbol)
            .filter(|&s| !allow.is_match(&project.files[project.sites[s].file].rel))
            .map(|s| (s, self.via(s)))
            .collect()
    }

    /// Sites outside `modules` (and outside `allow`) that depend on one of them.
    fn sites_reaching(
        &self,
        modules: &FxHashSet<ModuleId>,
        allow: &GlobSet,
    ) -> Vec<(usize, Vec<String>)> {
        let project = self.project;
        self.in_scope
            .iter()
            .copied()
            .filter(|&s| !modules.contains(&project.sites[s].importer))
            .filter(|&s| !allow.is_match(&project.files[project.sites[s].file].rel))
            .filter(|&s| {
                let resolved = self.resolved(s);
                query::reaches_module(
                    project,
                    s,
                    &resolved.resolution,
                    resolved.hops.iter().copied(),
                    |m| modules.contains(&m),
                )
            })
            .map(|s| {
                // A direct import needs no chain; one through a re-export shows it.
                let direct = project.sites[s].node.is_some_and(|n| modules.contains(&n));
                (s, if direct { Vec::new() } else { self.via(s) })
            })
            .collect()
    }

    /// What a canonical rule governs: its definition, the canonical module, and every
    /// import site that reaches the definition outside the re-export plumbing between
    /// the canonical module and the definition.
    pub fn canonical_scope(
        &mut self,
        rule: &Rule,
        symbol: &str,
        canonical: Option<&str>,
    ) -> Result<CanonicalScope> {
        let project = self.project;
        let (definition, _) = self.resolver.resolve_path(symbol);
        let Resolution::Definition { module, binding } = definition else {
            let what = view::describe(&view::resolved(project, &definition));
            return Err(anyhow!(
                "{}: symbol `{symbol}` is not a definition in the repository ({what})",
                rule.at()
            ));
        };
        let name = view::binding(project, module, binding).name.clone();
        let canonical_name = canonical
            .unwrap_or(&project.modules[module as usize].name)
            .to_string();
        let Some(canonical_id) = project.internal(&canonical_name) else {
            return Err(anyhow!(
                "{}: canonical module `{canonical_name}` is not in the repository",
                rule.at()
            ));
        };
        // The re-export plumbing between the canonical module and the definition (the
        // chain the canonical import follows) may import it from wherever it must.
        let mut plumbing: FxHashSet<ModuleId> = FxHashSet::from_iter([canonical_id, module]);
        let (reached, chain) = self.resolver.resolve_attributes(canonical_id, &[&name]);
        if reached == definition {
            plumbing.extend(chain.iter().map(|hop| hop.module));
        }
        let sites = self
            .in_scope
            .iter()
            .copied()
            .filter(|&s| self.resolved(s).resolution == definition)
            .filter(|&s| !plumbing.contains(&project.sites[s].importer))
            .collect();
        Ok(CanonicalScope {
            name,
            canonical: canonical_name,
            sites,
        })
    }

    fn canonical(
        &mut self,
        rule: &Rule,
        symbol: &str,
        canonical: Option<&str>,
    ) -> Result<Vec<Finding>> {
        let project = self.project;
        let scope = self.canonical_scope(rule, symbol, canonical)?;
        let (name, canonical_name) = (&scope.name, &scope.canonical);
        let canonical_id = project.internal(canonical_name);
        let definition = self.resolver.resolve_path(symbol).0;
        let default = format!("import `{name}` from `{canonical_name}`");
        let message = rule.message().unwrap_or(&default).to_string();
        Ok(scope
            .sites
            .iter()
            .copied()
            .filter(|&s| project.sites[s].target.as_deref() != Some(canonical_name.as_str()))
            .map(|s| {
                let used = project.sites[s].target.clone().unwrap_or_default();
                let text = format!("{message} (imported from `{used}`)");
                let via = self.via(s);
                let imported = project.import_site(s).name.clone();
                let bound = canonical_id.and_then(|module| {
                    self.canonical_binding(module, imported.as_deref(), name, &definition)
                });
                let replacement = bound.as_ref().map(|n| format!("{canonical_name}.{n}"));
                let mut finding =
                    self.site_finding(rule.id(), rule.severity(), s, text, via, replacement);
                finding.same_object = true;
                if bound.is_none() {
                    finding.why_not_fixable = Some(format!(
                        "`{canonical_name}` binds the object under no name a new import could \
                         use (only a private one, or one it deletes)"
                    ));
                }
                finding
            })
            .collect())
    }

    /// The name to import `definition` by from `canonical`: the one the site imports,
    /// when the canonical module binds it to the same object; else the definition's
    /// own; else another public name bound to it there. Never a private name the site
    /// does not use already.
    fn canonical_binding(
        &mut self,
        canonical: ModuleId,
        imported: Option<&str>,
        defined: &str,
        definition: &Resolution,
    ) -> Option<String> {
        let exported = self.resolver.exports(canonical);
        let mut others: Vec<String> = self
            .project
            .names(canonical)
            .keys()
            .map(|k| k.to_string())
            .chain(exported.iter().cloned())
            .collect();
        others.sort();
        others.dedup();
        let candidates = imported
            .filter(|n| *n != "*")
            .map(str::to_string)
            .into_iter()
            .chain([defined.to_string()])
            .chain(others);
        for candidate in candidates {
            let private = candidate.starts_with('_') && Some(candidate.as_str()) != imported;
            if !private
                && self.resolver.resolve_attributes(canonical, &[&candidate]).0 == *definition
            {
                return Some(candidate);
            }
        }
        None
    }

    fn single_definition(
        &mut self,
        id: &str,
        severity: Severity,
        message: Option<String>,
        names: &GlobSet,
        paths: &GlobSet,
    ) -> Vec<Finding> {
        let project = self.project;
        let in_paths = |module: ModuleId| {
            paths.is_empty()
                || project.modules[module as usize]
                    .path
                    .as_deref()
                    .is_some_and(|p| paths.is_match(p))
        };
        let among = self.scope_modules();
        let mut duplicates: Vec<_> = query::duplicate_definitions(
            &mut self.resolver,
            DefinitionKind::Any,
            &|name| names.is_match(name),
            &EdgeFilter::default(),
            among.as_deref(),
        )
        .into_iter()
        .collect();
        duplicates.sort_unstable_by_key(|(name, _)| *name);
        let path = |module: ModuleId| project.modules[module as usize].path.as_deref();
        let mut findings = Vec::new();
        for (name, mut found) in duplicates {
            found.sort_by_key(|&(module, _)| path(module));
            let definitions: Vec<(ModuleId, u32)> = found
                .into_iter()
                .filter(|&(module, _)| in_paths(module))
                .collect();
            if definitions.len() < 2 {
                continue;
            }
            let places: Vec<String> = definitions
                .iter()
                .map(|&(module, binding)| {
                    let line = view::binding(project, module, binding).position.line;
                    format!("{}:{line}", path(module).unwrap_or_default())
                })
                .collect();
            for (index, &(module, binding)) in definitions.iter().enumerate() {
                let in_scope = project.modules[module as usize]
                    .file
                    .is_some_and(|f| self.in_scope_file(f));
                if !in_scope {
                    continue;
                }
                let binding = view::binding(project, module, binding);
                let others: Vec<&str> = places
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != index)
                    .map(|(_, p)| p.as_str())
                    .collect();
                let head = message
                    .clone()
                    .unwrap_or_else(|| format!("`{}` must have one definition", name));
                findings.push(Finding {
                    rule: id.to_string(),
                    severity,
                    path: path(module).unwrap_or_default().to_string(),
                    line: binding.position.line,
                    col: binding.position.col,
                    message: format!(
                        "{head} ({} definitions; also at {})",
                        definitions.len(),
                        others.join(", ")
                    ),
                    chain: Vec::new(),
                    fixable: false,
                    target: format!("{} {}", view::binding_kind(binding), name),
                    site: None,
                    replacement: None,
                    same_object: false,
                    why_not_fixable: Some(
                        "a definition to merge or remove: not an import rewrite".to_string(),
                    ),
                });
            }
        }
        findings
    }

    fn forbidden(
        &self,
        id: &str,
        severity: Severity,
        message: Option<String>,
        from: &[ModulePattern],
        to: &[ModulePattern],
        transitive: bool,
    ) -> Vec<Finding> {
        let project = self.project;
        let name = |m: ModuleId| project.modules[m as usize].name.as_str();
        let mut findings = Vec::new();
        for &site in &self.in_scope {
            let record = &project.sites[site];
            let Some(node) = record.node else { continue };
            if node != record.importer
                && any_matches(from, name(record.importer))
                && any_matches(to, name(node))
            {
                let text = message.clone().unwrap_or_else(|| {
                    format!(
                        "`{}` must not import `{}`",
                        name(record.importer),
                        name(node)
                    )
                });
                findings.push(self.site_finding(id, severity, site, text, Vec::new(), None));
            }
        }
        // The importers a transitive finding can start from: those in scope, or any.
        let importers: Option<Vec<ModuleId>> = self.scope_modules().map(|modules| {
            modules
                .into_iter()
                .filter(|&m| any_matches(from, name(m)))
                .collect()
        });
        if transitive && importers.as_ref().is_none_or(|m| !m.is_empty()) {
            let graph = Graph::new(project, EdgeFilter::default());
            let targets: Vec<ModuleId> = (0..project.modules.len() as ModuleId)
                .filter(|&m| !project.modules[m as usize].external && any_matches(to, name(m)))
                .collect();
            for chain in graph.reach_only(&targets, Direction::Incoming, importers.as_deref()) {
                // Direct imports are reported above, at their own site.
                if chain.len() < 3 || !any_matches(from, name(chain[0])) {
                    continue;
                }
                let Some(first) = graph.link(chain[0], chain[1]) else {
                    continue;
                };
                if !self.in_scope_file(project.sites[first.site].file) {
                    continue;
                }
                let modules: Vec<String> = chain.iter().map(|&m| name(m).to_string()).collect();
                let last = modules.last().cloned().unwrap_or_default();
                let text = message
                    .clone()
                    .unwrap_or_else(|| format!("`{}` must not depend on `{last}`", modules[0]));
                let mut finding =
                    self.site_finding(id, severity, first.site, text, modules.clone(), None);
                finding.target = view::arrows(&modules);
                findings.push(finding);
            }
        }
        findings
    }

    fn no_cycles(
        &self,
        id: &str,
        severity: Severity,
        message: Option<String>,
        within: &[ModulePattern],
    ) -> Vec<Finding> {
        let project = self.project;
        let modules: FxHashSet<ModuleId> = (0..project.modules.len() as ModuleId)
            .filter(|&m| {
                let module = &project.modules[m as usize];
                !module.external && any_matches(within, &module.name)
            })
            .collect();
        if !self.scope_has(|m| modules.contains(&m)) {
            return Vec::new();
        }
        let graph = Graph::new(project, EdgeFilter::default()).within(modules);
        let mut findings = Vec::new();
        for cycle in graph.cycles() {
            let Some(first) = graph.links(&cycle.chain).first().copied() else {
                continue;
            };
            if !self.in_scope_file(project.sites[first.site].file) {
                continue;
            }
            let modules: Vec<String> = cycle
                .chain
                .iter()
                .map(|&m| project.modules[m as usize].name.clone())
                .collect();
            let deferred = if cycle.deferred {
                " (deferred: TYPE_CHECKING or function-level)"
            } else {
                ""
            };
            let head = message
                .clone()
                .unwrap_or_else(|| format!("import cycle through `{}`", modules[0]));
            let text = format!("{head}{deferred}");
            let mut finding =
                self.site_finding(id, severity, first.site, text, modules.clone(), None);
            finding.target = view::arrows(&modules);
            findings.push(finding);
        }
        findings
    }

    /// The built-in rule: imports of modules that warn `DeprecationWarning` at import,
    /// of names a module's `__getattr__` deprecates, and of `@deprecated` definitions.
    pub fn deprecated_auto(&self, severity: Severity) -> Vec<Finding> {
        let project = self.project;
        let mut findings = Vec::new();
        for &site in &self.in_scope {
            let record = &project.sites[site];
            let import = project.import_site(site);
            let resolved = self.resolved(site);
            let mut reached: Vec<ModuleId> = record.node.into_iter().collect();
            reached.extend(query::resolution_module(&resolved.resolution));
            reached.extend(resolved.hops.iter().copied());
            reached.sort_unstable();
            reached.dedup();
            // (message, chain) of each reason the site is deprecated.
            let mut found: Vec<(String, Vec<String>)> = Vec::new();
            for &module in reached.iter().filter(|&&m| m != record.importer) {
                let Some(warning) = project
                    .module_summary(module)
                    .and_then(|s| s.deprecated.as_ref())
                else {
                    continue;
                };
                let module_name = &project.modules[module as usize].name;
                let text = match import.name.as_deref() {
                    Some(name) if name != "*" => {
                        format!("`{name}` comes from deprecated `{module_name}`: {warning}")
                    }
                    _ => format!("`{module_name}` is deprecated: {warning}"),
                };
                let direct = record.node == Some(module);
                found.push((text, if direct { Vec::new() } else { self.via(site) }));
            }
            if let (Some(target), Some(name)) = (&record.target, &import.name)
                && let Some(module) = project.internal(target)
                && project
                    .module_summary(module)
                    .is_some_and(|s| s.deprecated_names.contains(name))
            {
                found.push((format!("`{target}.{name}` is deprecated"), Vec::new()));
            }
            if let Resolution::Definition { module, binding } = resolved.resolution {
                let definition = view::binding(project, module, binding);
                if let Some(warning) = &definition.deprecated
                    && matches!(definition.kind, BindingKind::Class | BindingKind::Function)
                {
                    let module_name = &project.modules[module as usize].name;
                    let text = format!(
                        "`{module_name}.{}` is deprecated: {warning}",
                        definition.name
                    );
                    found.push((text, self.via(site)));
                }
            }
            findings.extend(found.into_iter().map(|(text, via)| {
                self.site_finding(DEPRECATED_AUTO, severity, site, text, via, None)
            }));
        }
        findings
    }

    /// Imports left unresolved by a change to `touched` files or the removal of
    /// `deleted` modules: what a commit that deletes or renames a module, or drops a
    /// re-export, breaks elsewhere.
    pub fn broken_imports(
        &mut self,
        touched: &FxHashSet<String>,
        deleted: &[String],
    ) -> Vec<Finding> {
        let project = self.project;
        let file_of = |m: ModuleId| project.modules[m as usize].path.as_deref();
        let touched_modules: FxHashSet<ModuleId> = (0..project.modules.len() as ModuleId)
            .filter(|&m| file_of(m).is_some_and(|p| touched.contains(p)))
            .collect();
        let names_deleted = |site: usize| {
            let named = project.sites[site].target.as_deref().unwrap_or_default();
            deleted
                .iter()
                .any(|d| named == d || named.starts_with(&format!("{d}.")))
        };
        // With the cache's record of which sites' chains pass through which modules,
        // only those sites can break; without it, every site is resolved.
        let candidates: Vec<usize> = match (&self.scope, project.dependents(&touched_modules)) {
            (Some(_), Some(dependents)) => {
                let mut candidates = dependents;
                candidates.extend(self.in_scope.iter().copied());
                if !deleted.is_empty() {
                    candidates.extend((0..project.sites.len()).filter(|&s| names_deleted(s)));
                }
                candidates.sort_unstable();
                candidates.dedup();
                candidates
            }
            _ => (0..project.sites.len()).collect(),
        };
        let mut findings = Vec::new();
        for site in candidates {
            self.ensure_resolved(site);
            let resolved = self.resolved(site);
            let Resolution::Unresolved(reason) = &resolved.resolution else {
                continue;
            };
            let record = &project.sites[site];
            let changed = record
                .target
                .as_deref()
                .and_then(|t| project.internal(t))
                .into_iter()
                .chain(resolved.hops.iter().copied())
                .any(|m| touched_modules.contains(&m));
            if names_deleted(site) || changed {
                let text = format!("import no longer resolves: {reason}");
                findings.push(self.site_finding(
                    BROKEN_IMPORT,
                    Severity::Error,
                    site,
                    text,
                    self.via(site),
                    None,
                ));
            }
        }
        findings
    }
}
