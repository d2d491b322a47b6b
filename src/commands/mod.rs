//! One file per command: each computes a serializable result and renders it as text.

pub mod check;
pub mod cycles;
pub mod duplicates;
pub mod export;
pub mod fix;
pub mod importers;
pub mod imports;
pub mod init;
pub mod path;
pub mod report;
pub mod stats;
pub mod why;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, SiteFilterArgs};
use crate::draw::{Diagram, dot, mermaid};
use crate::graph::EdgeFilter;

/// Writes `value` as pretty JSON, or as text through `text`.
pub fn emit<T: Serialize>(
    out: &mut dyn Write,
    format: Format,
    value: &T,
    text: impl FnOnce(&mut dyn Write, &T) -> std::io::Result<()>,
) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, value)?;
            writeln!(out)?;
        }
        Format::Text => text(out, value)?,
        Format::Dot | Format::Svg | Format::Mermaid => anyhow::bail!(
            "--format {}: drawings are made by `graph` and `why`; this command prints text or json",
            format_name(format)
        ),
        Format::Sarif | Format::Github | Format::Md | Format::Html => anyhow::bail!(
            "--format {}: this command prints text or json",
            format_name(format)
        ),
    }
    Ok(())
}

pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "json",
        Format::Dot => "dot",
        Format::Svg => "svg",
        Format::Mermaid => "mermaid",
        Format::Sarif => "sarif",
        Format::Github => "github",
        Format::Md => "md",
        Format::Html => "html",
    }
}

/// Writes a diagram as DOT, SVG, Mermaid or JSON.
pub fn draw(out: &mut dyn Write, format: Format, diagram: &Diagram) -> Result<()> {
    match format {
        Format::Dot => out.write_all(dot::print(diagram).as_bytes())?,
        Format::Svg => out.write_all(&dot::svg(diagram)?)?,
        Format::Mermaid => out.write_all(mermaid::print(diagram)?.as_bytes())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, diagram)?;
            writeln!(out)?;
        }
        Format::Text | Format::Sarif | Format::Github | Format::Md | Format::Html => anyhow::bail!(
            "--format {}: a drawing is dot, svg, mermaid or json",
            format_name(format)
        ),
    }
    Ok(())
}

/// `1 site`, `3 sites`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

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
