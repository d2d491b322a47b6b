//! What every rule kind shares: the `Finding` it reports, each site resolved once, the
//! scope of a `check FILES`, and the dispatch to the kind's own file (`deprecated.rs`,
//! `canonical.rs`, `single_definition.rs`, `forbidden.rs`, `no_cycles.rs`, and the
//! built-in `deprecated_auto.rs` and `broken_import.rs`).

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use anyhow::Result;

use super::pattern::{module_patterns, path_globs};
use super::{Boundaries, ExternalSettings, Rule, RuleKind, Severity};
use crate::index::{ModuleId, Project};
use crate::query;
use crate::resolve::{Resolution, Resolver};
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

/// Each site's resolution and the modules its re-export chain passes through.
pub(super) struct Resolved {
    pub(super) resolution: Resolution,
    pub(super) hops: Vec<ModuleId>,
}

pub struct Evaluator<'p> {
    pub(super) project: &'p Project,
    pub(super) resolver: Resolver<'p>,
    /// Every site in scope, and others resolved on demand.
    pub(super) sites: FxHashMap<usize, Resolved>,
    /// The sites findings may be about: every site, or those of the files a check is
    /// limited to.
    pub(super) in_scope: Vec<usize>,
    /// The files a check is limited to; `None` for the whole repository.
    pub(super) scope: Option<FxHashSet<usize>>,
    /// Problems with rules that do not stop the run (a target that matches nothing).
    pub warnings: Vec<String>,
    /// Set once a rule consulted an index of every file (the definitions by name).
    read_every_file: bool,
    /// The modules the change being checked deletes or renames away (`check --staged`):
    /// a rule that matches nothing because of them is a finding, not a typo.
    pub removed: Vec<String>,
    /// An import cycle is reported at its link in each file in scope, not only at the
    /// import that closes it (the language server's diagnostics).
    pub every_cycle_link: bool,
}

impl<'p> Evaluator<'p> {
    /// An evaluator for findings about the files `scope` (file indices), or the whole
    /// repository; only the sites in scope are resolved up front.
    pub fn new(project: &'p Project, scope: Option<FxHashSet<usize>>) -> Self {
        let in_scope: Vec<usize> = match &scope {
            Some(files) => (0..project.sites.len())
                .filter(|&s| files.contains(&(project.sites[s].file as usize)))
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
            read_every_file: false,
            removed: Vec::new(),
            every_cycle_link: false,
        };
        for index in 0..evaluator.in_scope.len() {
            evaluator.ensure_resolved(evaluator.in_scope[index]);
        }
        evaluator
    }

    pub(super) fn ensure_resolved(&mut self, site: usize) {
        if !self.sites.contains_key(&site) {
            let (resolution, hops) = self.resolver.resolve_site(site);
            let hops = hops.iter().map(|h| h.module).collect();
            self.sites.insert(site, Resolved { resolution, hops });
        }
    }

    /// A site's resolution; sites outside the scope must have been resolved first.
    pub(super) fn resolved(&self, site: usize) -> &Resolved {
        &self.sites[&site]
    }

    /// The modules of the files in scope, sorted; `None` for the whole repository.
    pub(super) fn scope_modules(&self) -> Option<Vec<ModuleId>> {
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
    pub(super) fn scope_has(&self, wanted: impl Fn(ModuleId) -> bool) -> bool {
        self.scope_modules()
            .is_none_or(|modules| modules.into_iter().any(wanted))
    }

    /// Whether findings about file `file` are wanted.
    pub(super) fn in_scope_file(&self, file: usize) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|files| files.contains(&file))
    }

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
        if let Some(unmatched) = self.require_matches(rule)? {
            return Ok(vec![unmatched]);
        }
        match &rule.kind {
            RuleKind::Deprecated {
                target,
                replacement,
                allow,
                ..
            } => self.deprecated_rule(rule, target, replacement.as_deref(), allow),
            RuleKind::Canonical {
                symbol, canonical, ..
            } => self.canonical(rule, symbol, canonical.as_deref()),
            RuleKind::SingleDefinition { names, paths, .. } => {
                self.read_every_file = true;
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
                self.forbidden(rule, &from, &to, *transitive)
            }
            RuleKind::NoCycles { within, .. } => {
                let within = module_patterns(rule, "within", within)?;
                Ok(self.no_cycles(&id, severity, message, &within))
            }
            RuleKind::Layers {
                layers,
                containers,
                exhaustive,
                exhaustive_ignores,
                ..
            } => self.layers(rule, layers, containers, *exhaustive, exhaustive_ignores),
            RuleKind::Independence {
                modules,
                allow_indirect,
                ..
            } => self.independence(rule, modules, *allow_indirect),
            RuleKind::Protected {
                modules,
                allowed_importers,
                ..
            } => self.protected(rule, modules, allowed_importers),
            RuleKind::AcyclicSiblings {
                ancestors,
                depth,
                skip_descendants,
                ..
            } => self.acyclic_siblings(rule, ancestors, *depth, skip_descendants),
            RuleKind::External {
                exclude,
                rename,
                include_type_checking,
                ..
            } => self.external(
                rule,
                &ExternalSettings {
                    exclude,
                    rename,
                    include_type_checking: *include_type_checking,
                },
            ),
            RuleKind::Modules {
                layers,
                layers_explicit_depends_on,
                closed_layers,
                exact,
                forbid_circular_dependencies,
                modules,
                ..
            } => self.boundaries(
                rule,
                &Boundaries {
                    layers,
                    closed_layers,
                    explicit: *layers_explicit_depends_on,
                    exact: *exact,
                    acyclic: *forbid_circular_dependencies,
                    modules,
                },
            ),
            RuleKind::Interface {
                modules, expose, ..
            } => self.interface(rule, modules, expose),
        }
    }

    /// Whether the findings so far depend on every file, not only on those whose summary
    /// was read: an index of every file was consulted, or the graph or every site's
    /// resolution was built.
    pub fn reads_every_file(&self) -> bool {
        self.read_every_file || self.project.walked_every_site()
    }

    /// A contract's finding about an import, placed at the imported name (where a
    /// boundary is crossed), not at the name it binds.
    pub(super) fn import_finding(
        &self,
        rule: &Rule,
        severity: Severity,
        site: usize,
        message: String,
    ) -> Finding {
        let mut finding = self.site_finding(rule.id(), severity, site, message, Vec::new(), None);
        let at = view::imported_name_position(self.project, site);
        (finding.line, finding.col) = (at.line, at.col);
        finding
    }

    pub(super) fn site_finding(
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
        let position = view::name_position(project, site);
        // One statement, several names: each finding says which it is about.
        let message = match import.name.as_deref() {
            Some(name)
                if import.names_in_statement > 1 && !message.contains(&format!("`{name}`")) =>
            {
                format!("{message} (`{name}`)")
            }
            _ => message,
        };
        Finding {
            rule: rule.to_string(),
            severity,
            path: project.files[project.sites[site].file as usize]
                .rel
                .to_string(),
            line: position.line,
            col: position.col,
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
    pub(super) fn via(&self, site: usize) -> Vec<String> {
        let resolved = self.resolved(site);
        if resolved.hops.is_empty() {
            return Vec::new();
        }
        let mut modules: Vec<ModuleId> = resolved.hops.clone();
        modules.extend(query::resolution_module(&resolved.resolution));
        modules.dedup();
        modules
            .iter()
            .map(|&m| self.project.modules[m as usize].name.to_string())
            .collect()
    }
}
