//! `why TARGET`: the true definition, the chain of hops to it, and the import paths used.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::index::Project;
use crate::resolve::{Candidate, Hop, Resolution, Resolver};
use crate::rules::{Rule, RuleKind};
use crate::summary::BranchRule;
use crate::target::resolve_target;
use crate::view::{self, HopView, ResolvedView};

#[derive(Serialize)]
pub struct Why {
    pub schema: &'static str,
    pub target: String,
    pub resolved: ResolvedView,
    pub chain: Vec<HopView>,
    /// The module a `canonical` rule names for the definition, else the defining module.
    pub canonical: Option<String>,
    /// The id of the `canonical` rule that names it.
    pub canonical_rule: Option<String>,
    pub sites_by_module: BTreeMap<String, usize>,
    /// Other ways Python could bind a name along the chain (`try`/`except`, `if`/`else`).
    pub alternatives: Vec<Alternative>,
    /// Deprecation markers met along the chain: deprecated modules and `@deprecated` names.
    pub deprecations: Vec<Deprecation>,
    /// Every reference to what the target resolves to (see `refs`), counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<super::refs::Counts>,
    /// `if`s along the chain that the run time decides, and why the branch was chosen.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decided_at_run_time: Vec<String>,
}

#[derive(Serialize)]
pub struct Deprecation {
    /// A module, or `module.Name`.
    pub target: String,
    pub message: String,
}

#[derive(Serialize)]
pub struct Alternative {
    pub module: String,
    pub name: String,
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub statement: crate::summary::Text,
    pub why_not: &'static str,
}

pub fn compute(project: &Project, rules: &[Rule], target: &str) -> Result<Why> {
    compute_with(project, rules, target, true)
}

/// `compute`; without `sites_by_module`, the import sites are not counted per module
/// path (a resolution of every site of the repository: what the editor's hover skips).
pub fn compute_with(
    project: &Project,
    rules: &[Rule],
    target: &str,
    sites_by_module: bool,
) -> Result<Why> {
    let mut resolver = Resolver::new(project);
    let (resolution, hops) = resolve_target(&mut resolver, target)?;
    let mut canonical = match &resolution {
        Resolution::Definition { module, .. } | Resolution::Module(module) => {
            Some(project.modules[*module as usize].name.to_string())
        }
        _ => None,
    };
    let mut canonical_rule = None;
    if let Resolution::Definition { .. } = resolution {
        for rule in rules {
            if let RuleKind::Canonical {
                id,
                symbol,
                canonical: module,
                ..
            } = &rule.kind
                && resolver.resolve_path(symbol).0 == resolution
            {
                if let Some(module) = module {
                    canonical = Some(module.clone());
                }
                canonical_rule = Some(id.clone());
                break;
            }
        }
    }
    let mut counted = BTreeMap::new();
    if canonical.is_some() && sites_by_module {
        for site in 0..project.sites.len() {
            if resolver.resolve_site(site).0 == resolution {
                let module = project.sites[site].target.unwrap_or_default();
                *counted.entry(module.to_string()).or_insert(0) += 1;
            }
        }
    }
    let alternatives = alternatives(&mut resolver, &hops, &resolution);
    let decided_at_run_time = decisions(&mut resolver, &hops, &resolution);
    let references = crate::references::has_references(&resolution).then(|| {
        let found = crate::references::collect(
            &mut resolver,
            &resolution,
            crate::references::Reach::Names,
            true,
        );
        let references: Vec<_> = found.into_iter().map(|(_, r)| r).collect();
        super::refs::counts(&references)
    });
    let deprecations = deprecations(project, &hops, &resolution);
    Ok(Why {
        schema: "ssot-graph/why/v1",
        target: target.to_string(),
        resolved: view::resolved(project, &resolution),
        chain: view::chain(project, &hops),
        canonical,
        canonical_rule,
        sites_by_module: counted,
        alternatives,
        deprecations,
        references,
        decided_at_run_time,
    })
}

/// Deprecated modules the chain passes through, and a deprecated definition at its end.
fn deprecations(project: &Project, hops: &[Hop], resolution: &Resolution) -> Vec<Deprecation> {
    let mut modules: Vec<u32> = hops.iter().map(|h| h.module).collect();
    let mut found = Vec::new();
    match resolution {
        Resolution::Definition { module, binding } => {
            modules.push(*module);
            let binding = view::binding(project, *module, *binding);
            if let Some(message) = binding.deprecated() {
                found.push(Deprecation {
                    target: format!(
                        "{}.{}",
                        project.modules[*module as usize].name, binding.name
                    ),
                    message: message.to_string(),
                });
            }
        }
        Resolution::Module(module) => modules.push(*module),
        _ => {}
    }
    modules.dedup();
    for module in modules {
        let module = &project.modules[module as usize];
        let summary = module.file.map(|f| project.summary(f));
        if let Some(message) = summary.and_then(|s| s.deprecated.as_ref()) {
            found.insert(
                0,
                Deprecation {
                    target: module.name.to_string(),
                    message: message.clone(),
                },
            );
        }
    }
    found
}

/// The (module, name) each hop and the definition bind.
fn places(project: &Project, hops: &[Hop], resolution: &Resolution) -> Vec<(u32, String)> {
    let mut places: Vec<(u32, String)> = hops.iter().map(|h| (h.module, h.name.clone())).collect();
    if let Resolution::Definition { module, binding } = resolution {
        places.push((
            *module,
            view::binding(project, *module, *binding).name.to_string(),
        ));
    }
    places
}

/// For each binding along the chain that sits in an `if` the run time decides: where,
/// and why that branch is the one taken.
fn decisions(resolver: &mut Resolver, hops: &[Hop], resolution: &Resolution) -> Vec<String> {
    let project = resolver.project();
    let mut found = Vec::new();
    for (module, name) in places(project, hops, resolution) {
        let Some(Candidate::Binding(index)) = resolver.chosen(module, &name) else {
            continue;
        };
        let Some(summary) = project.module_summary(module) else {
            continue;
        };
        let Some(place) = summary.bindings[index as usize].branch() else {
            continue;
        };
        let decision = &summary.decisions[place.decision as usize];
        let chosen = resolver.branch_taken(module, place.decision);
        let flag = match decision.branches.get(chosen as usize) {
            Some(&BranchRule::Flag { flag, .. }) => Some(resolver.flag_value(module, flag)),
            Some(&BranchRule::ImportedFlag { binding, .. }) => {
                resolver.imported_flag(module, binding)
            }
            _ => None,
        };
        let reason = match decision.branches.get(chosen as usize) {
            Some(BranchRule::ImportedFlag { .. }) => {
                if flag == Some(true) {
                    "the flag it imports is true in the module that sets it"
                } else {
                    "the flag it imports is false in the module that sets it"
                }
            }
            Some(BranchRule::Flag { flag: rule, .. }) if rule.in_function => {
                if flag == Some(true) {
                    "decided from the environment: the imports its probe function tries resolve"
                } else {
                    "decided from the environment: the imports its probe function tries do not resolve"
                }
            }
            Some(BranchRule::Flag { .. }) => {
                if flag == Some(true) {
                    "its flag is true: a `try:` of imports sets it, and they resolve"
                } else {
                    "its flag is false: a `try:` of imports sets it, and they fail"
                }
            }
            Some(BranchRule::EnvTest { .. }) => {
                "decided from the environment: environment variables unset take their defaults, and optional imports resolve or not"
            }
            Some(BranchRule::ImportedValue { .. }) => {
                "decided from the environment: the value it imports is read from environment variables (unset: their defaults) and from which optional imports resolve"
            }
            Some(BranchRule::OwnImportsResolve { .. }) => {
                "only the run time can tell; this branch's imports resolve in the repository and its environment"
            }
            Some(BranchRule::Always) | None
                if decision.branches[..chosen as usize].iter().any(|rule| {
                    matches!(
                        rule,
                        BranchRule::ImportedValue { .. } | BranchRule::EnvTest { .. }
                    ) || matches!(rule, BranchRule::Flag { flag, .. } if flag.in_function)
                }) =>
            {
                "decided from the environment: the tests before it are false, reading environment variables unset (their defaults) and optional imports that do not resolve as absent"
            }
            Some(BranchRule::Always) | None => {
                "the branches before it are not taken: their flags are false, or their imports do not resolve"
            }
        };
        let path = project.modules[module as usize]
            .path
            .as_deref()
            .unwrap_or_default();
        found.push(format!(
            "{path}:{}: {} ({reason})",
            decision.line, decision.test
        ));
    }
    found
}

/// Candidates that lost to the binding each hop (and the definition) took.
fn alternatives(
    resolver: &mut Resolver,
    hops: &[Hop],
    resolution: &Resolution,
) -> Vec<Alternative> {
    let project = resolver.project();
    let mut found = Vec::new();
    for (module, name) in places(project, hops, resolution) {
        let winner = resolver.chosen(module, &name);
        let file = match project.modules[module as usize].file {
            Some(file) => file,
            None => continue,
        };
        let summary = project.summary(file);
        let candidates = resolver.candidates(module, &name);
        let chosen_at = candidates.iter().position(|&c| Some(c) == winner);
        for (at, candidate) in candidates.into_iter().enumerate() {
            if Some(candidate) == winner {
                continue;
            }
            let later = chosen_at.is_some_and(|chosen| at > chosen);
            let taken = resolver.taken(module, candidate);
            let (position, statement, decided, type_checking, missing) = match candidate {
                Candidate::Binding(i) => {
                    let b = &summary.bindings[i as usize];
                    let missing = resolver.imports_missing_module(module, &b.kind);
                    let decided = b.branch().is_some();
                    (b.position, &b.statement, decided, b.type_checking, missing)
                }
                Candidate::Star(i) => {
                    let s = &summary.stars[i as usize];
                    (s.position, &s.statement, s.branch.is_some(), false, false)
                }
            };
            found.push(Alternative {
                module: project.modules[module as usize].name.to_string(),
                name: name.clone(),
                path: project.files[file].rel.to_string(),
                line: position.line,
                col: position.col,
                statement: *statement,
                why_not: if missing {
                    "imports a module the repository does not have"
                } else if type_checking {
                    "only under TYPE_CHECKING"
                } else if !taken && decided {
                    "in a branch the run time does not take"
                } else if !taken {
                    "in a branch not taken by default"
                } else if later {
                    "comes back to this module through a circular import: Python keeps the binding before it"
                } else {
                    "overridden by a later binding"
                },
            });
        }
    }
    found
}

pub fn text(out: &mut dyn Write, why: &Why) -> std::io::Result<()> {
    let r = &why.resolved;
    writeln!(out, "{}", why.target)?;
    match r.kind {
        "class" | "function" | "variable" => {
            writeln!(
                out,
                "  is {} {} defined in {}",
                r.kind,
                r.name.as_deref().unwrap_or_default(),
                r.module.as_deref().unwrap_or_default()
            )?;
        }
        "module" => writeln!(
            out,
            "  is module {}",
            r.module.as_deref().unwrap_or_default()
        )?,
        "compiled" => {
            let what = match &r.name {
                Some(name) => format!("{name} of compiled module"),
                None => "compiled module".to_string(),
            };
            writeln!(
                out,
                "  is {what} {} ({}): defined in compiled code",
                r.module.as_deref().unwrap_or_default(),
                r.path.as_deref().unwrap_or_default()
            )?;
        }
        "external" => {
            let name = r.name.as_ref().map(|n| format!(".{n}")).unwrap_or_default();
            writeln!(
                out,
                "  leaves the repository: {}{name}",
                r.module.as_deref().unwrap_or_default()
            )?;
        }
        _ => writeln!(
            out,
            "  {}: {}",
            r.kind,
            r.reason.as_deref().unwrap_or_default()
        )?,
    }
    if !why.chain.is_empty() || r.statement.is_some() {
        let hops = why.chain.len();
        writeln!(out)?;
        match hops {
            0 => writeln!(out, "defined at:")?,
            1 => writeln!(out, "chain (1 hop):")?,
            _ => writeln!(out, "chain ({hops} hops):")?,
        }
        for hop in &why.chain {
            writeln!(
                out,
                "  {}:{}:{}: {}",
                hop.path, hop.line, hop.col, hop.statement
            )?;
        }
        if let (Some(path), Some(line), Some(statement)) = (&r.path, r.line, &r.statement) {
            writeln!(out, "  {path}:{line}:{}: {statement}", r.col.unwrap_or(1))?;
        }
    }
    if !why.alternatives.is_empty() {
        writeln!(out)?;
        writeln!(out, "alternatives:")?;
        for alt in &why.alternatives {
            writeln!(
                out,
                "  {}:{}:{}: {}  ({})",
                alt.path, alt.line, alt.col, alt.statement, alt.why_not
            )?;
        }
    }
    if !why.decided_at_run_time.is_empty() {
        writeln!(out)?;
        writeln!(out, "decided at run time:")?;
        for note in &why.decided_at_run_time {
            writeln!(out, "  {note}")?;
        }
    }
    if !why.deprecations.is_empty() {
        writeln!(out)?;
        writeln!(out, "deprecated:")?;
        for deprecation in &why.deprecations {
            writeln!(out, "  {}: {}", deprecation.target, deprecation.message)?;
        }
    }
    if let Some(canonical) = &why.canonical {
        writeln!(out)?;
        match &why.canonical_rule {
            Some(rule) => writeln!(out, "canonical: {canonical} (rule `{rule}`)")?,
            None => writeln!(out, "canonical: {canonical}")?,
        }
        let total: usize = why.sites_by_module.values().sum();
        let paths = why.sites_by_module.len();
        match paths {
            0 => writeln!(out, "import sites: none")?,
            1 => writeln!(out, "import sites: {total} through 1 module path")?,
            _ => writeln!(out, "import sites: {total} through {paths} module paths")?,
        }
        let mut by_count: Vec<(&String, &usize)> = why.sites_by_module.iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (module, count) in by_count {
            writeln!(out, "  {count:>5}  {module}")?;
        }
    }
    if let Some(references) = &why.references {
        writeln!(out, "references: {}", references.line(false))?;
    }
    Ok(())
}

pub fn run(ctx: &super::Context, args: &crate::cli::WhyArgs, out: &mut dyn Write) -> Result<i32> {
    let project = ctx.project;
    if ctx.format.is_drawing() {
        let diagram = crate::draw::chain::build(project, &args.target, None)?;
        return super::draw(out, ctx.format, &diagram, project).map(|()| 0);
    }
    let rules = crate::rules::load_configured(&project.root, ctx.config).unwrap_or_else(|error| {
        eprintln!("warning: rules not read: {error:#}");
        Vec::new()
    });
    ctx.emit(out, &compute(project, &rules, &args.target)?, text)
}
