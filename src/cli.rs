//! Command-line flags and commands, nothing else.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "ssot-graph",
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (",
        env!("SSOT_GRAPH_COMMIT"),
        " ",
        env!("SSOT_GRAPH_COMMIT_DATE"),
        ")"
    ),
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

    /// Output format (each command's --help lists those it prints)
    #[arg(long, global = true, value_enum, default_value_t = Format::Text, hide_possible_values = true)]
    pub format: Format,

    /// Write the output to FILE (replaced atomically) instead of standard output
    #[arg(long, short = 'o', global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Colour findings: auto (when standard output is a terminal and NO_COLOR is unset),
    /// always or never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// No progress bar on stderr
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    /// Print the time of each phase, and how the cache was used, on stderr
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,

    /// Neither read nor write the cache (`.ssot-graph-cache/`, or the `cache-dir` setting)
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Worker threads for parsing (default: one per core)
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<usize>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// Graphviz source (`graph`, `why`)
    Dot,
    /// Drawn by Graphviz's `dot` (`graph`, `why`)
    Svg,
    /// Mermaid flowchart for Markdown (`graph`, `why`)
    Mermaid,
    /// Dependency structure matrix as SVG (`graph`)
    Dsm,
    /// SARIF 2.1.0 for code scanning (`check`, `query`)
    Sarif,
    /// GitHub Actions annotations (`check`, `query`)
    Github,
    /// One line per finding, no chains (`check`, `query`)
    Concise,
    /// Each finding with its source line, a caret and the chain (`check`, `query`)
    Full,
    /// One JSON object per finding per line (`check`, `query`)
    JsonLines,
    /// GitLab Code Quality report (`check`, `query`)
    Gitlab,
    /// JUnit XML, one test case per file (`check`, `query`)
    Junit,
    /// Markdown (`report`)
    Md,
    /// One self-contained page (`report`)
    Html,
    /// Arguments for pytest, one per line (`affected`)
    PytestArgs,
}

impl Format {
    pub fn is_drawing(self) -> bool {
        matches!(
            self,
            Format::Dot | Format::Svg | Format::Mermaid | Format::Dsm
        )
    }

    /// As `--format` spells it.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

const TEXT_JSON: &[Format] = &[Format::Text, Format::Json];
const DRAWINGS: &[Format] = &[
    Format::Text,
    Format::Json,
    Format::Dot,
    Format::Svg,
    Format::Mermaid,
];
const FINDINGS: &[Format] = &[
    Format::Text,
    Format::Concise,
    Format::Full,
    Format::Json,
    Format::JsonLines,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];

impl Cli {
    /// Parses the command line; each command's `--help` ends with the formats it prints.
    pub fn parse_args() -> Cli {
        use clap::{CommandFactory as _, FromArgMatches as _};
        use std::io::IsTerminal as _;
        // Help wraps at the terminal's width (at most 100 columns), at 80 in a pipe or a
        // file.
        let mut command = match std::io::stdout().is_terminal() {
            true => Cli::command().max_term_width(100),
            false => Cli::command().term_width(80),
        };
        let names: Vec<String> = command
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        for name in names {
            let formats = Command::formats_of(&name);
            if formats.len() > 1 {
                let list: Vec<String> = formats.iter().map(|f| f.name()).collect();
                command = command.mut_subcommand(&name, |c| {
                    c.after_help(format!("Formats (--format): {}", list.join(", ")))
                });
            }
        }
        Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|error| error.exit())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Files, modules, import sites, edges, definitions, chains, diagnostics and timings
    Stats,
    /// The true definition of a symbol or module and the chain of hops that reaches it
    /// (drawn with --format dot, svg or mermaid)
    Why(WhyArgs),
    /// Every import site that reaches a symbol's definition or a module, through any
    /// re-export path
    Importers(ImportersArgs),
    /// Every reference to a definition or module: imports through any chain, re-exports,
    /// uses of the names they bind, attribute accesses
    Refs(RefsArgs),
    /// What a module imports, each name resolved to its true definition
    Imports(ImportsArgs),
    /// The shortest import chain from one module to another, each hop with its site
    Path(PathArgs),
    /// Import cycles: strongly connected groups of modules, each with one concrete cycle
    Cycles(CyclesArgs),
    /// Names with more than one true definition (re-exports of one object do not count)
    Duplicates(DuplicatesArgs),
    /// Draw the module graph or the neighbourhood of modules (DOT by default; --format
    /// svg, mermaid or json)
    Graph(GraphArgs),
    /// Run the rules of the queries folder; with FILES, report only findings in them
    /// (resolution still covers the whole repository)
    Check(CheckArgs),
    /// Rewrite imports of fixable findings to the canonical path (or a deprecated name's
    /// replacement); every rewritten file must still parse
    Fix(FixArgs),
    /// Move top-level definitions to another module byte for byte, with the imports
    /// they need; leave a shim so old paths keep working; rewrite every importer
    #[command(name = "move")]
    Move(MoveArgs),
    /// Rename a definition and every reference to it (imports through any chain, uses,
    /// attribute reads, strings, `__all__`); aliases a file gave it stay
    Rename(RenameArgs),
    /// The migration dashboard: share of import sites on each protected symbol's
    /// canonical path, deprecated-layer usage, duplicates, and one compliance score
    /// (--format md, json or html)
    Report(ReportArgs),
    /// What a change does to the architecture between commit BASE and HEAD (default: the
    /// working tree): package edges, import paths to protected symbols, deprecated uses,
    /// cycles, duplicate definitions, and findings added and fixed (--format text, json
    /// or md)
    Diff(DiffArgs),
    /// Every finding of one saved rule over the whole repository, ignoring the baseline
    Query(QueryArgs),
    /// The test files a change can break: those reaching a changed module through
    /// imports, `mock.patch`/importlib strings or `conftest.py` files (default: the
    /// working tree's changes against HEAD)
    Affected(AffectedArgs),
    /// Write a starter ssot-graph.toml, an example rule file and the pre-commit config,
    /// never overwriting existing files
    Init(InitArgs),
    /// The whole graph as JSON (schema ssot-graph/export/v1)
    Export,
    /// Print a shell completion script: `ssot-graph completions bash >
    /// ~/.local/share/bash-completion/completions/ssot-graph`
    Completions(CompletionsArgs),
    /// A language server on stdin/stdout: the rules' findings as you type, hover with the
    /// re-export chain, go to the true definition, every reference, fixes as code actions
    Server,
}

impl Command {
    /// The formats the command named `name` prints, the default first.
    pub fn formats_of(name: &str) -> &'static [Format] {
        match name {
            "why" => DRAWINGS,
            "graph" => &[
                Format::Text,
                Format::Json,
                Format::Dot,
                Format::Svg,
                Format::Mermaid,
                Format::Dsm,
            ],
            "check" | "query" => FINDINGS,
            "report" => &[Format::Md, Format::Json, Format::Html],
            "diff" => &[Format::Text, Format::Json, Format::Md],
            "fix" | "init" | "completions" | "server" => &[Format::Text],
            "affected" => &[Format::Text, Format::Json, Format::PytestArgs],
            "export" => &[Format::Json],
            _ => TEXT_JSON,
        }
    }

    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Stats => "stats",
            Command::Why(_) => "why",
            Command::Importers(_) => "importers",
            Command::Refs(_) => "refs",
            Command::Imports(_) => "imports",
            Command::Path(_) => "path",
            Command::Cycles(_) => "cycles",
            Command::Duplicates(_) => "duplicates",
            Command::Graph(_) => "graph",
            Command::Check(_) => "check",
            Command::Fix(_) => "fix",
            Command::Move(_) => "move",
            Command::Rename(_) => "rename",
            Command::Report(_) => "report",
            Command::Diff(_) => "diff",
            Command::Query(_) => "query",
            Command::Affected(_) => "affected",
            Command::Init(_) => "init",
            Command::Export => "export",
            Command::Completions(_) => "completions",
            Command::Server => "server",
        }
    }

    /// Why `format` is refused, unless the command prints it (`text` stands for a
    /// command's default: `md` for `report`, `json` for `export`).
    pub fn refuses(&self, format: Format) -> Option<String> {
        let formats = Command::formats_of(self.name());
        if format == Format::Text || formats.contains(&format) {
            return None;
        }
        let names: Vec<String> = formats.iter().map(|f| f.name()).collect();
        let list = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        let drawings = if format.is_drawing() && !formats.contains(&Format::Dot) {
            "drawings are made by `graph` and `why`; "
        } else {
            ""
        };
        Some(format!(
            "--format {}: {drawings}`{}` prints {list}",
            format.name(),
            self.name()
        ))
    }

    /// A `check` of the files named or staged: a hook's run, which reads few files.
    pub fn reads_few_files(&self) -> bool {
        matches!(self, Command::Check(CheckArgs { files, staged, .. }) if !files.is_empty() || *staged)
    }

    /// What of each file the command reads: the commands about imports and the module
    /// graph read no uses of names (references), and `stats` shows no statement either.
    pub fn summary_detail(&self) -> crate::parse::Detail {
        use crate::parse::Detail;
        match self {
            Command::Stats => Detail {
                uses: false,
                statements: false,
            },
            Command::Imports(_) | Command::Path(_) | Command::Cycles(_) => Detail {
                uses: false,
                statements: true,
            },
            _ => Detail::FULL,
        }
    }

    /// Whether the command reads (nearly) every file's summary, so they are decoded up
    /// front in parallel; `stats` reads them only to resolve what the snapshot does not
    /// already know (`outcomes_known`: every site's outcome is known).
    pub fn reads_every_file(&self, outcomes_known: bool) -> bool {
        match self {
            Command::Check(CheckArgs { files, staged, .. }) => files.is_empty() && !staged,
            Command::Stats => !outcomes_known,
            Command::Imports(_)
            | Command::Path(_)
            | Command::Cycles(_)
            | Command::Refs(_)
            | Command::Why(_)
            | Command::Affected(_)
            | Command::Init(_)
            | Command::Completions(_)
            | Command::Server => false,
            _ => true,
        }
    }
}

/// Which import sites a query counts.
#[derive(Clone, Copy, Debug, Args)]
pub struct SiteFilterArgs {
    /// Count import sites in test files (the `tests` globs)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true")]
    pub include_tests: bool,
    /// Count imports made only under `if TYPE_CHECKING:`
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true")]
    pub include_type_checking: bool,
}

#[derive(Clone, Copy, Debug, Args)]
pub struct ParentsArg {
    /// Also follow the edges to parent packages that Python runs first (`import a.b.c`
    /// runs `a/__init__.py` and `a/b/__init__.py`): the graph as the runtime sees it
    #[arg(long)]
    pub include_parents: bool,
}

/// A kind of reference `refs` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RefKind {
    /// An import statement that binds the name (through any re-export chain)
    Import,
    /// An import other references go through
    Reexport,
    /// A read of a name an import or definition bound
    Use,
    /// `module.Name` read through a module binding
    Attribute,
    /// A string naming it: `mock.patch("…")`, `import_module("…")`, any other dotted
    /// literal that names it exactly
    String,
}

impl RefKind {
    pub fn name(self) -> &'static str {
        match self {
            RefKind::Import => "import",
            RefKind::Reexport => "reexport",
            RefKind::Use => "use",
            RefKind::Attribute => "attribute",
            RefKind::String => "string",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RefsGroupBy {
    /// The file the reference is in
    File,
    /// The module path an import names
    ModulePath,
    /// import, reexport, use, attribute, string
    Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// The module path the import names
    Module,
    /// The importing file
    Path,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DuplicateKind {
    Class,
    Function,
    /// Classes and functions
    Any,
    /// Module-level values
    Variable,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// `pkg.mod.Name`, `pkg.mod`, `path/to/file.py[:Name]`, or a bare `Name`
    pub target: String,
}

#[derive(Debug, Args)]
pub struct ImportersArgs {
    /// A symbol (`pkg.mod.Name`, `path.py:Name`, bare `Name`) or a module
    pub target: String,
    /// Also list modules that reach TARGET through other modules, with one shortest
    /// chain each
    #[arg(long)]
    pub transitive: bool,
    /// List the sites under one heading per imported module path or per file
    #[arg(long, value_enum, value_name = "KEY")]
    pub group_by: Option<GroupBy>,
    #[command(flatten)]
    pub filter: SiteFilterArgs,
}

#[derive(Debug, Args)]
pub struct RefsArgs {
    /// A symbol (`pkg.mod.Name`, `path.py:Name`, bare `Name`) or a module
    pub target: String,
    /// Only these kinds of reference (comma-separated)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub kind: Vec<RefKind>,
    /// List the references under one heading per file, module path or kind
    #[arg(long, value_enum, value_name = "KEY")]
    pub group_by: Option<RefsGroupBy>,
    /// Count references in test files (the `tests` globs)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true")]
    pub include_tests: bool,
    /// For a module: also every use of what it defines (`from m import f`, then `f()`),
    /// and strings through other modules — what breaks if it is deleted
    #[arg(long)]
    pub if_deleted: bool,
}

#[derive(Debug, Args)]
pub struct ImportsArgs {
    /// `pkg.mod` or `path/to/mod.py`
    pub module: String,
    /// Every module reached through other modules, with one shortest chain each
    #[arg(long)]
    pub transitive: bool,
    #[command(flatten)]
    pub filter: SiteFilterArgs,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// The importing module
    pub from: String,
    /// The imported module
    pub to: String,
    /// Every chain of the shortest length (at most 1000)
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub filter: SiteFilterArgs,
    #[command(flatten)]
    pub parents: ParentsArg,
}

#[derive(Debug, Args)]
pub struct CyclesArgs {
    #[command(flatten)]
    pub filter: SiteFilterArgs,
    #[command(flatten)]
    pub parents: ParentsArg,
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// Which definitions to compare (`any`: classes and functions)
    #[arg(long, value_enum, default_value_t = DuplicateKind::Any)]
    pub kind: DuplicateKind,
    /// Only names matching this glob (`*Manager`)
    #[arg(long, value_name = "GLOB")]
    pub name: Option<String>,
    /// Count definitions and import sites in test files (the `tests` globs)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set,
          num_args = 0..=1, default_missing_value = "true")]
    pub include_tests: bool,
    /// Also names starting with `_`
    #[arg(long)]
    pub include_private: bool,
    /// Only names whose definitions at least N import sites reach
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub min_importers: usize,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Modules or packages to draw around (a package brings its submodules);
    /// none: the whole repository
    pub targets: Vec<String>,
    /// Import steps followed out of the targets
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub depth: usize,
    /// Follow importers instead of imports
    #[arg(long)]
    pub reverse: bool,
    /// Draw modules deeper than LEVEL name components as one node (`a.b.*`)
    #[arg(long, value_name = "LEVEL", value_parser = clap::value_parser!(u16).range(1..))]
    pub collapse: Option<u16>,
    /// Leave out modules outside the repository (`--external hidden`)
    #[arg(long, conflicts_with = "external")]
    pub exclude_external: bool,
    /// How modules outside the repository are drawn (default: each third-party package,
    /// or all as one node when a whole repository would not fit otherwise)
    #[arg(long, value_enum, value_name = "MODE")]
    pub external: Option<crate::draw::module_graph::External>,
    /// Refuse drawings with more nodes than this
    #[arg(long, default_value_t = 300, value_name = "N")]
    pub max_nodes: usize,
    /// What an edge's width and label count
    #[arg(long, value_enum, default_value_t = crate::draw::weight::Weight::Sites)]
    pub weight: crate::draw::weight::Weight,
    /// Hide edges carrying less than N (a note says how many); default: every edge,
    /// except in a whole repository's overview, which keeps its heaviest
    #[arg(long, value_name = "N")]
    pub min_weight: Option<usize>,
    /// Draw each import cycle as one node and leave out every edge a longer path implies
    #[arg(long)]
    pub reduce: bool,
    /// Rank nodes by layers, highest first, `|` between siblings (`app.api,app.core`);
    /// default: the first `layers` rule of the queries folder. Edges going up are red
    #[arg(long, value_name = "LAYERS")]
    pub layers: Option<String>,
    /// Ignore the rules' layers
    #[arg(long, conflicts_with = "layers")]
    pub no_layers: bool,
    #[command(flatten)]
    pub filter: SiteFilterArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to report on (as pre-commit passes staged files)
    pub files: Vec<PathBuf>,
    /// Judge what is staged in git: the staged Python files as the index holds them,
    /// and the imports that staged deletions and renames break
    #[arg(long, conflicts_with = "files")]
    pub staged: bool,
    /// Skip FILES outside the root or not part of the project without a word (for
    /// hooks that pass every staged file of a monorepo)
    #[arg(long)]
    pub force_exclude: bool,
    /// Baseline file (default: the config's `baseline`, ssot-graph-baseline.json)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Accept every current finding: rewrite the baseline and exit 0
    #[arg(long)]
    pub update_baseline: bool,
    /// Report only findings that are new since the commit REV (`main`, `HEAD~1`,
    /// `origin/main`): a ratchet with no baseline file
    #[arg(long, value_name = "REV", conflicts_with_all = ["baseline", "update_baseline"])]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct AffectedArgs {
    /// Changed files or folders (a path that no longer exists is a deleted file)
    pub files: Vec<PathBuf>,
    /// The changes since REV (`origin/main`): the working tree (with the project's
    /// Python files git does not track yet) against the commit where HEAD's history
    /// left REV
    #[arg(long, value_name = "REV", conflicts_with_all = ["files", "staged"])]
    pub since: Option<String>,
    /// The changes staged in git
    #[arg(long, conflicts_with = "files")]
    pub staged: bool,
    /// Also follow imports made only under `if TYPE_CHECKING:`
    #[arg(long)]
    pub include_type_checking: bool,
    /// Narrow a change to the definitions whose bodies it touches (git says which
    /// lines changed): only the tests that read them, through any chain of references,
    /// are selected, with their test functions for `--format pytest-args`
    #[arg(long)]
    pub symbols: bool,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Only findings in these files
    pub files: Vec<PathBuf>,
    /// Only this rule's findings
    #[arg(long, value_name = "ID")]
    pub rule: Option<String>,
    /// Print a unified diff and write nothing
    #[arg(long)]
    pub diff: bool,
    /// Write nothing; exit 1 when something would change
    #[arg(long)]
    pub check: bool,
    /// Also apply fixes that split a statement (comments inside it are lost)
    #[arg(long)]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Definitions of one module: `pkg.mod.Name` or `path/mod.py:Name`
    #[arg(required = true, value_name = "SYMBOL")]
    pub symbols: Vec<String>,
    /// The module they go to (created, with its packages, when missing)
    #[arg(long, value_name = "MODULE")]
    pub to: String,
    /// What stays at the old path
    #[arg(long, value_enum, default_value_t = crate::relocate::Shim::Alias)]
    pub shim: crate::relocate::Shim,
    /// Another name of the same module to move along (a helper the code needs)
    #[arg(long = "with", value_name = "NAME")]
    pub with: Vec<String>,
    /// Print the whole change as one patch and write nothing
    #[arg(long)]
    pub diff: bool,
    /// Write nothing; exit 1 when something would change
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The score at each commit of RANGE (`A..B`, or a revision for all its history;
    /// default HEAD), read from git's object store, oldest first; first parents only
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "HEAD")]
    pub history: Option<String>,
    /// With --history: every Nth commit, counting from the newest
    #[arg(long, value_name = "N", requires = "history", value_parser = clap::value_parser!(u32).range(1..))]
    pub every: Option<u32>,
    /// With --history: at most N commits, the newest
    #[arg(long, value_name = "N", requires = "history", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_count: Option<u32>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The commit to compare with (`main`, `origin/main`, `HEAD~3`)
    pub base: String,
    /// The commit to compare (default: the files as they are now)
    pub head: Option<String>,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A rule id from the queries folder, or `deprecated-auto`
    pub name: String,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Also install the plain git pre-commit hook into .git/hooks
    #[arg(long)]
    pub hook: bool,
    /// Carry over another tool's architecture contracts into queries/TOOL.toml
    #[arg(long, value_enum, value_name = "TOOL")]
    pub from: Option<AdoptFrom>,
    /// The tool's configuration file (default: where the tool looks for it)
    #[arg(value_name = "CONFIG", requires = "from")]
    pub tool_config: Option<PathBuf>,
}

/// A tool whose contracts `init --from` carries over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AdoptFrom {
    ImportLinter,
    Tach,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The definition: `pkg.mod.Name` or `path/mod.py:Name`
    #[arg(value_name = "SYMBOL")]
    pub symbol: String,
    /// Its new name
    #[arg(value_name = "NEW_NAME")]
    pub new_name: String,
    /// Also bind the old name to it where it is defined (`Old = New`), for code outside
    /// the repository
    #[arg(long)]
    pub keep_alias: bool,
    /// Print the whole change as one patch and write nothing
    #[arg(long)]
    pub diff: bool,
    /// Write nothing; exit 1 when something would change
    #[arg(long)]
    pub check: bool,
}
