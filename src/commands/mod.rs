//! One file per command: each computes a serializable result and renders it as text.

pub mod export;
pub mod stats;
pub mod why;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::Format;

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
    }
    Ok(())
}
