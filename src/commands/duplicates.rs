//! `duplicates`: names with more than one true definition in the repository.

use std::io::Write;

use anyhow::Result;
use globset::Glob;
use serde::Serialize;

use crate::cli::DuplicateKind;
use crate::commands::count;
use crate::graph::EdgeFilter;
use crate::index::Project;
use crate::query::{self, DefinitionKind};
use crate::resolve::{Resolution, Resolver};
use crate::view::{self, ResolvedView};

#[derive(Serialize)]
pub struct Duplicates {
    pub schema: &'static str,
    pub duplicates: Vec<DuplicateView>,
}

#[derive(Serialize)]
pub struct DuplicateView {
    pub name: String,
    pub definitions: Vec<DefinitionView>,
}

#[derive(Serialize)]
pub struct DefinitionView {
    #[serde(flatten)]
    pub definition: ResolvedView,
    /// Import sites that resolve to this definition, through any path.
    pub import_sites: usize,
}

pub fn compute(
    project: &Project,
    kind: DuplicateKind,
    name: Option<&str>,
    include_tests: bool,
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
    let duplicates = query::duplicates(
        &mut resolver,
        kind,
        &|name| glob.as_ref().is_none_or(|g| g.is_match(name)),
        &filter,
    )
    .into_iter()
    .map(|duplicate| DuplicateView {
        name: duplicate.name,
        definitions: duplicate
            .definitions
            .iter()
            .map(|d| DefinitionView {
                definition: view::resolved(
                    project,
                    &Resolution::Definition {
                        module: d.module,
                        binding: d.binding,
                    },
                ),
                import_sites: d.sites,
            })
            .collect(),
    })
    .collect();
    Ok(Duplicates {
        schema: "ssot-graph/duplicates/v1",
        duplicates,
    })
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
            "{}  ({}, {})",
            duplicate.name,
            kinds.join(" and "),
            count(duplicate.definitions.len(), "definition")
        )?;
        for d in &duplicate.definitions {
            let r = &d.definition;
            writeln!(
                out,
                "  {}:{}:{}: {}  ({})",
                r.path.as_deref().unwrap_or_default(),
                r.line.unwrap_or(1),
                r.col.unwrap_or(1),
                r.statement.as_deref().unwrap_or_default(),
                count(d.import_sites, "import site"),
            )?;
        }
        writeln!(out)?;
    }
    let definitions: usize = duplicates
        .duplicates
        .iter()
        .map(|d| d.definitions.len())
        .sum();
    match duplicates.duplicates.len() {
        0 => writeln!(out, "no name has more than one definition"),
        n => writeln!(
            out,
            "{} defined more than once ({})",
            count(n, "name"),
            count(definitions, "definition")
        ),
    }
}
