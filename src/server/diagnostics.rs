//! The findings `check FILES` reports about the open documents, as the client shows them:
//! on the imported name, with the re-export chain as related places.

use std::path::PathBuf;

use anyhow::Result;
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, NumberOrString,
};
use rustc_hash::FxHashMap;

use super::places::Places;
use super::text::LineIndex;
use crate::commands::check;
use crate::config::Config;
use crate::index::Project;
use crate::resolve::Resolver;
use crate::rules::Severity;
use crate::rules::evaluate::Finding;
use crate::summary::Position;

/// What the diagnostics say they come from.
pub const SOURCE: &str = "ssot-graph";

/// The diagnostics of each of `paths` (open documents) that is a file of the project, by
/// root-relative path; the baseline and suppressions apply as they do to `check FILES`.
pub fn of_files(
    project: &Project,
    config: &Config,
    paths: Vec<PathBuf>,
    places: &mut Places,
) -> Result<FxHashMap<String, Vec<Diagnostic>>> {
    let options = check::Options {
        files: paths,
        staged: false,
        baseline: None,
        update_baseline: false,
        force_exclude: true,
        since: None,
        index_changes: None,
        every_cycle_link: true,
    };
    let checked = check::compute(project, config, &options)?;
    let mut resolver = Resolver::new(project);
    let mut by_file: FxHashMap<String, Vec<Diagnostic>> = FxHashMap::default();
    for finding in &checked.findings {
        if let Some(diagnostic) = of_finding(&mut resolver, finding, places) {
            by_file
                .entry(finding.path.clone())
                .or_default()
                .push(diagnostic);
        }
    }
    for problem in &checked.unreadable {
        let at = Position {
            line: problem.line.max(1),
            col: 1,
        };
        let Some(range) = places.word(&problem.path, at, false).map(|l| l.range) else {
            continue;
        };
        by_file
            .entry(problem.path.clone())
            .or_default()
            .push(Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::WARNING),
                source: Some(SOURCE.to_string()),
                message: format!(
                    "{}; the findings of this file may be incomplete",
                    problem.message
                ),
                ..Diagnostic::default()
            });
    }
    Ok(by_file)
}

/// A finding on the imported name it is about (else the word at its place), with the
/// chain that explains it.
pub fn of_finding(
    resolver: &mut Resolver,
    finding: &Finding,
    places: &mut Places,
) -> Option<Diagnostic> {
    let project = resolver.project();
    let at = Position {
        line: finding.line,
        col: finding.col,
    };
    let range = match finding.site {
        Some(site) => {
            let span = project.import_site(site).alias_span;
            places.span(&finding.path, span.start as usize, span.end as usize)?
        }
        None => {
            let text = places.text(&finding.path)?;
            let index = LineIndex::new(&text, places.encoding);
            let start = index.offset_of(at).unwrap_or(0);
            let (_, end) = index.word_at(start, true);
            index.range(start, end)
        }
    };
    let related = related(resolver, finding, places);
    let deprecated = finding.rule.contains("deprecated");
    Some(Diagnostic {
        range,
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(finding.rule.clone())),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: deprecated.then(|| vec![DiagnosticTag::DEPRECATED]),
        data: Some(serde_json::json!({ "fixable": finding.fixable })),
        ..Diagnostic::default()
    })
}

/// The hops of the re-export chain a site follows, each where it is made; else the
/// modules of the chain the finding names (an import cycle's), each at its start.
fn related(
    resolver: &mut Resolver,
    finding: &Finding,
    places: &mut Places,
) -> Vec<DiagnosticRelatedInformation> {
    let project = resolver.project();
    if let Some(site) = finding.site {
        let (_, hops) = resolver.resolve_site(site);
        let chain = crate::view::chain(project, &hops);
        return chain
            .iter()
            .filter_map(|hop| {
                let at = Position {
                    line: hop.line.max(1),
                    col: hop.col.max(1),
                };
                let name = hop.name.rsplit('.').next().unwrap_or(&hop.name);
                let location = places.named(&hop.path, at, name)?;
                Some(DiagnosticRelatedInformation {
                    location,
                    message: format!("{}.{} ({})", hop.module, hop.name, hop.via),
                })
            })
            .collect();
    }
    finding
        .chain
        .iter()
        .filter_map(|module| {
            let id = *project.by_name.get(module.as_str())?;
            let file = project.modules[id as usize].file?;
            let rel = project.files[file].rel.to_string();
            let location = places.start(&rel)?;
            Some(DiagnosticRelatedInformation {
                location,
                message: module.clone(),
            })
        })
        .collect()
}
