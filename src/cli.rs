//! Command-line flags and commands, nothing else.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "ssot-graph",
    version,
    about = "Import graph and single-source-of-truth checks for Python repositories",
    long_about = "Builds the import graph of a whole Python repository, follows every \
                  re-export chain to the one place a name is really defined, and answers \
                  where things live and who imports them."
)]
pub struct Cli {
    /// Repository root (default: nearest directory upwards with ssot-graph.toml,
    /// a [tool.ssot-graph] pyproject.toml, or .git)
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Config file to use instead of ROOT/ssot-graph.toml or ROOT/pyproject.toml
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Worker threads for parsing (default: one per core)
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<usize>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Files, modules, import sites, edges, definitions, chains, diagnostics and timings
    Stats,
    /// The true definition of a symbol or module and the chain of hops that reaches it
    Why {
        /// `pkg.mod.Name`, `pkg.mod`, `path/to/file.py[:Name]`, or a bare `Name`
        target: String,
    },
    /// The whole graph as JSON (schema ssot-graph/export/v1)
    Export,
}
