//! One file per command: each computes a serializable result and renders it as text.

pub mod affected;
pub mod check;
pub mod cycles;
pub mod dashboard;
pub mod diff;
pub mod duplicates;
pub mod export;
pub mod finding_formats;
pub mod fix;
pub mod graph;
pub mod history;
pub mod importers;
pub mod imports;
pub mod init;
pub mod path;
pub mod refs;
pub mod relocate;
pub mod rename;
pub mod report;
pub mod stats;
pub mod table;
pub mod why;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, SiteFilterArgs};
use crate::draw::{Diagram, dot, mermaid};
use crate::graph::EdgeFilter;
use crate::index::Project;

/// Writes `value` as pretty JSON with the project's per-file diagnostics (every JSON
/// output lists the files that could not be read or parsed), unless it has its own.
pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T, project: &Project) -> Result<()> {
    let mut json = serde_json::to_value(value)?;
    if let serde_json::Value::Object(map) = &mut json
        && !map.contains_key("diagnostics")
    {
        map.insert(
            "diagnostics".to_string(),
            serde_json::to_value(crate::view::diagnostics(project))?,
        );
    }
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)?;
    Ok(())
}

/// Writes `value` as pretty JSON, or as text through `text`.
pub fn emit<T: Serialize>(
    out: &mut dyn Write,
    format: Format,
    value: &T,
    text: impl FnOnce(&mut dyn Write, &T) -> std::io::Result<()>,
    project: &Project,
) -> Result<()> {
    // `run` has refused the formats a command does not print (`Command::formats_of`).
    match format {
        Format::Json => write_json(out, value, project)?,
        Format::Text => text(out, value)?,
        other => anyhow::bail!(
            "--format {}: this command prints text or json",
            other.name()
        ),
    }
    Ok(())
}

/// Writes a diagram as DOT, SVG, Mermaid or JSON.
pub fn draw(
    out: &mut dyn Write,
    format: Format,
    diagram: &Diagram,
    project: &Project,
) -> Result<()> {
    match format {
        Format::Dot => out.write_all(dot::print(diagram).as_bytes())?,
        Format::Svg => out.write_all(&dot::svg(diagram)?)?,
        Format::Mermaid => out.write_all(mermaid::print(diagram)?.as_bytes())?,
        Format::Dsm => out.write_all(crate::draw::dsm::svg(diagram).as_bytes())?,
        Format::Json => write_json(out, diagram, project)?,
        other => anyhow::bail!(
            "--format {}: a drawing is dot, svg, mermaid, dsm or json",
            other.name()
        ),
    }
    Ok(())
}

pub use crate::view::count;

/// The edges a query walks, from its command-line flags.
pub fn edge_filter(args: &SiteFilterArgs, parents: bool) -> EdgeFilter {
    EdgeFilter {
        tests: args.include_tests,
        type_checking: args.include_type_checking,
        parents,
    }
}

/// The `--transitive` section: one shortest chain per module reached through others.
pub fn transitive_text<'a>(
    out: &mut dyn Write,
    chains: impl ExactSizeIterator<Item = &'a [String]>,
) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "reached through other modules: {}",
        count(chains.len(), "module")
    )?;
    for chain in chains {
        writeln!(out, "  {}", crate::view::arrows(chain))?;
    }
    Ok(())
}

/// ANSI styling for findings in a terminal; plain text when off.
#[derive(Clone, Copy, Debug)]
pub struct Paint(pub bool);

impl Paint {
    fn style(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.style("1", text)
    }

    pub fn red(self, text: &str) -> String {
        self.style("1;31", text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.style("1;33", text)
    }

    pub fn cyan(self, text: &str) -> String {
        self.style("36", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.style("2", text)
    }
}

/// What a command's entry gets besides its own arguments.
pub struct Context<'a> {
    pub project: &'a Project,
    pub config: &'a crate::config::Config,
    pub format: Format,
    pub paint: Paint,
    pub verbose: bool,
    pub early: EarlyGit<'a>,
}

/// Git commands started before the project was read, answering on the other core.
#[derive(Clone, Copy, Default)]
pub struct EarlyGit<'a> {
    /// `git diff --cached` (`check` of files or of the index, in a repository).
    pub index_changes: Option<&'a crate::staged::Running>,
    /// What `affected` compares.
    pub affected_changes: Option<&'a crate::affected::changes::Pending>,
}

impl Context<'_> {
    /// Writes `value` in the chosen format: JSON, or text through `text`.
    pub fn emit<T: Serialize>(
        &self,
        out: &mut dyn Write,
        value: &T,
        text: impl FnOnce(&mut dyn Write, &T) -> std::io::Result<()>,
    ) -> Result<i32> {
        emit(out, self.format, value, text, self.project).map(|()| 0)
    }
}

/// `N left as it is` / `N left as they are`: the references a rewrite did not change.
pub fn left_as_they_are(n: usize) -> String {
    let what = if n == 1 { "it is" } else { "they are" };
    format!("{n} left as {what}")
}
