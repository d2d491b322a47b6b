//! `duplicates`: names with more than one true definition in the repository.

use std::io::Write;

use anyhow::Result;
use globset::Glob;
use serde::Serialize;

use crate::cli::DuplicateKind;
use crate::commands::count;
use crate::graph::EdgeFilter;
use crate::index::Project;
use crate::query::{self, DefinitionKind, DuplicateOptions};
use crate::references::ReferenceCounts;
use crate::resolve::{Resolution, Resolver};
use crate::view::{self, ResolvedView};

#[derive(Serialize)]
pub struct Duplicates {
    pub schema: &'static str,
    /// Most referenced first (then most imported).
    pub duplicates: Vec<DuplicateView>,
    /// Names defined in many modules that (nearly) nothing imports: plugin hooks found by
    /// a loader, listed once each instead of as duplicates.
    pub conventions: Vec<ConventionView>,
}

#[derive(Serialize)]
pub struct DuplicateView {
    pub name: String,
    /// Import sites reaching any of the definitions.
    pub import_sites: usize,
    /// References to any of the definitions (imports, uses, attributes, strings), as
    /// `refs` counts them: what the list is ranked by.
    pub references: usize,
    pub definitions: Vec<DefinitionView>,
}

#[derive(Serialize)]
pub struct ConventionView {
    pub name: String,
    pub kinds: Vec<&'static str>,
    pub definitions: usize,
    pub import_sites: usize,
    /// Where the definitions are, as path patterns with one part replaced by `*`, most
    /// common first (at most three).
    pub patterns: Vec<PathPattern>,
}

#[derive(Serialize)]
pub struct PathPattern {
    pub pattern: String,
    pub definitions: usize,
}

#[derive(Serialize)]
pub struct DefinitionView {
    #[serde(flatten)]
    pub definition: ResolvedView,
    /// Import sites that resolve to this definition, through any path.
    pub import_sites: usize,
    pub references: usize,
}

pub fn compute(
    project: &Project,
    kind: DuplicateKind,
    name: Option<&str>,
    include_tests: bool,
    options: DuplicateOptions,
) -> Result<Duplicates> {
    let glob = match name {
        Some(pattern) => Some(
            Glob::new(pattern)
                .map_err(|e| anyhow::anyhow!("--name {pattern:?}: {e}"))?
                .compile_matcher(),
        ),
        None => None,
    };
    let kind = match kind {
        DuplicateKind::Class => DefinitionKind::Class,
        DuplicateKind::Function => DefinitionKind::Function,
        DuplicateKind::Any => DefinitionKind::Any,
        DuplicateKind::Variable => DefinitionKind::Variable,
    };
    let filter = EdgeFilter {
        tests: include_tests,
        ..EdgeFilter::default()
    };
    let mut resolver = Resolver::new(project);
    let listing = query::duplicates(
        &mut resolver,
        kind,
        &|name| glob.as_ref().is_none_or(|g| g.is_match(name)),
        &filter,
        options,
    );
    let definition = |d: &query::Definition| {
        view::resolved(
            project,
            &Resolution::Definition {
                module: d.module,
                binding: d.binding,
            },
        )
    };
    let references = ReferenceCounts::new(&mut resolver, include_tests);
    let mut duplicates: Vec<DuplicateView> = listing
        .duplicates
        .iter()
        .map(|duplicate| {
            let definitions: Vec<DefinitionView> = duplicate
                .definitions
                .iter()
                .map(|d| DefinitionView {
                    definition: definition(d),
                    import_sites: d.sites,
                    references: references.of(
                        project,
                        &Resolution::Definition {
                            module: d.module,
                            binding: d.binding,
                        },
                    ),
                })
                .collect();
            DuplicateView {
                name: duplicate.name.clone(),
                import_sites: duplicate.importers(),
                references: definitions.iter().map(|d| d.references).sum(),
                definitions,
            }
        })
        .collect();
    // Most referenced first; the listing's order (most imported) breaks ties.
    duplicates.sort_by_key(|d| std::cmp::Reverse(d.references));
    let conventions = listing
        .conventions
        .iter()
        .map(|convention| {
            let views: Vec<ResolvedView> = convention.definitions.iter().map(definition).collect();
            let mut kinds: Vec<&'static str> = views.iter().map(|v| v.kind).collect();
            kinds.sort_unstable();
            kinds.dedup();
            let paths: Vec<&str> = views.iter().filter_map(|v| v.path.as_deref()).collect();
            ConventionView {
                name: convention.name.clone(),
                kinds,
                definitions: convention.definitions.len(),
                import_sites: convention.importers(),
                patterns: patterns(&paths),
            }
        })
        .collect();
    Ok(Duplicates {
        schema: "ssot-graph/duplicates/v1",
        duplicates,
        conventions,
    })
}

/// The commonest ways to write `paths` with one part replaced by `*` (the file stem for
/// the last part): `pkg/components/*/sensor.py`, `app/migrations/*.py`. Each path counts
/// towards its commonest pattern only.
pub fn patterns(paths: &[&str]) -> Vec<PathPattern> {
    let generalised = |path: &str| -> Vec<String> {
        let parts: Vec<&str> = path.split('/').collect();
        (0..parts.len())
            .map(|i| {
                let mut parts: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
                parts[i] = match parts[i].rsplit_once('.') {
                    Some((_, extension)) if i + 1 == parts.len() => format!("*.{extension}"),
                    _ => "*".to_string(),
                };
                parts.join("/")
            })
            .collect()
    };
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for path in paths {
        for pattern in generalised(path) {
            *counts.entry(pattern).or_default() += 1;
        }
    }
    let mut taken: std::collections::BTreeMap<String, usize> = Default::default();
    for path in paths {
        let best = generalised(path)
            .into_iter()
            .max_by(|a, b| counts[a].cmp(&counts[b]).then_with(|| b.cmp(a)))
            .filter(|pattern| counts[pattern] > 1)
            .unwrap_or_else(|| path.to_string());
        *taken.entry(best).or_default() += 1;
    }
    let mut found: Vec<PathPattern> = taken
        .into_iter()
        .map(|(pattern, definitions)| PathPattern {
            pattern,
            definitions,
        })
        .collect();
    found.sort_by(|a, b| {
        b.definitions
            .cmp(&a.definitions)
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    found.truncate(3);
    found
}

pub fn text(out: &mut dyn Write, duplicates: &Duplicates) -> std::io::Result<()> {
    for duplicate in &duplicates.duplicates {
        let mut kinds: Vec<&str> = duplicate
            .definitions
            .iter()
            .map(|d| d.definition.kind)
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        writeln!(
            out,
            "{}  ({}, {}, {}, {})",
            duplicate.name,
            kinds.join(" and "),
            count(duplicate.definitions.len(), "definition"),
            count(duplicate.references, "reference"),
            count(duplicate.import_sites, "import site")
        )?;
        for d in &duplicate.definitions {
            let r = &d.definition;
            writeln!(
                out,
                "  {}:{}:{}: {}  ({}, {})",
                r.path.as_deref().unwrap_or_default(),
                r.line.unwrap_or(1),
                r.col.unwrap_or(1),
                r.statement.as_deref().unwrap_or_default(),
                count(d.references, "reference"),
                count(d.import_sites, "import site"),
            )?;
        }
        writeln!(out)?;
    }
    if !duplicates.conventions.is_empty() {
        writeln!(
            out,
            "conventions (one name defined in many modules that nothing imports: found by a \
             loader, not duplication):"
        )?;
        for convention in &duplicates.conventions {
            let places: Vec<String> = convention
                .patterns
                .iter()
                .map(|p| format!("{} ({})", p.pattern, p.definitions))
                .collect();
            writeln!(
                out,
                "  {}  {} in {}, {}: {}",
                convention.name,
                convention.kinds.join(" and "),
                count(convention.definitions, "module"),
                count(convention.import_sites, "import site"),
                places.join(", ")
            )?;
        }
        writeln!(out)?;
    }
    let definitions: usize = duplicates
        .duplicates
        .iter()
        .map(|d| d.definitions.len())
        .sum();
    let conventions = match duplicates.conventions.len() {
        0 => String::new(),
        n => format!("; {} set apart", count(n, "convention")),
    };
    match duplicates.duplicates.len() {
        0 => writeln!(out, "no name has more than one definition{conventions}"),
        n => writeln!(
            out,
            "{} defined more than once ({}){conventions}",
            count(n, "name"),
            count(definitions, "definition")
        ),
    }
}

pub fn run(
    ctx: &super::Context,
    args: &crate::cli::DuplicatesArgs,
    out: &mut dyn Write,
) -> Result<i32> {
    let options = crate::query::DuplicateOptions {
        include_private: args.include_private,
        min_importers: args.min_importers,
    };
    let duplicates = compute(
        ctx.project,
        args.kind,
        args.name.as_deref(),
        args.include_tests,
        options,
    )?;
    ctx.emit(out, &duplicates, text)
}
