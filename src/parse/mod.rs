//! Turns one file's bytes into a `FileSummary`. The only module that sees the Python AST.

mod code_facts;
mod dynamic_names;
mod env_values;
mod expr;
mod import_blocks;
mod import_time;
mod layout;
mod lines;
mod uses;

pub use code_facts::{
    AllEntry, AttributeWrite, all_entries, attribute_writes, first_call, has_annotations,
};
use expr::{dotted_path, is_name, string_collection, string_value};
pub use import_blocks::{
    ImportBlock, ImportLayout, ImportStatement, ImportStatementKind, ImportedName, import_blocks,
};
pub use import_time::functions_run_at_import;
use layout::span;
pub use layout::{GlobalDeclaration, Layout, StatementKind, TopStatement, layout};
use lines::LineIndex;

use std::collections::HashMap;

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{
    CmpOp, Decorator, ExceptHandler, Expr, ExprCall, Number, PySourceType, Stmt, UnaryOp,
};
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::{Ranged, TextRange};

use crate::summary::{
    AllChange, AllPart, Binding, BindingKind, BranchRef, BranchRule, Condition, Context, Decision,
    Diagnostic, EnvValue, FileSummary, GlobalsExport, ImportFlag, ImportSite, Member, ModuleSwap,
    Name, Position, SixMove, StarImport, Text, Uncommon, Value, Wrapped, intern,
};

/// Longest statement text kept for display.
const STATEMENT_CHARS: usize = 160;

/// Files larger than this are reported, not parsed: they are generated data, not code.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// What the static evaluation of `sys.version_info` and `sys.platform` tests assumes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    pub python_version: (u32, u32),
    pub platform: String,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            python_version: (3, 12),
            platform: "linux".to_string(),
        }
    }
}

/// What a summary records beyond imports and bindings: a run that keeps no snapshot
/// records only what its answer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The uses of names (references) and string targets.
    pub uses: bool,
    /// The text of statements (of imports, bindings, the conditions of branches), to
    /// show them.
    pub statements: bool,
}

impl Detail {
    pub const FULL: Detail = Detail {
        uses: true,
        statements: true,
    };
}

impl Default for Detail {
    fn default() -> Self {
        Detail::FULL
    }
}

/// Summarizes a file's bytes; decoding and syntax problems become diagnostics.
pub fn summarize_bytes(
    bytes: &[u8],
    is_stub: bool,
    target: &Target,
    detail: Detail,
) -> FileSummary {
    if bytes.len() > MAX_FILE_BYTES {
        return oversize(bytes.len() as u64);
    }
    match decode(bytes) {
        Ok(source) => match crate::nesting::too_deep(&source) {
            Some((line, message)) => only_diagnostic(line, message),
            None => summarize(&source, is_stub, target, detail),
        },
        Err(diagnostic) => FileSummary {
            diagnostics: thin_vec::thin_vec![diagnostic],
            ..FileSummary::default()
        },
    }
}

/// The summary of a file of `size` bytes, above the limit: not read.
pub fn oversize(size: u64) -> FileSummary {
    only_diagnostic(
        0,
        format!(
            "file is {:.1} MB, above the {} MB limit; skipped",
            size as f64 / 1e6,
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// A source file as read: its bytes, or only its size when that is above the limit.
pub enum SourceBytes {
    Bytes(Vec<u8>),
    Oversize(u64),
}

impl SourceBytes {
    /// The file's summary.
    pub fn summarize(&self, is_stub: bool, target: &Target, detail: Detail) -> FileSummary {
        match self {
            SourceBytes::Bytes(bytes) => summarize_bytes(bytes, is_stub, target, detail),
            SourceBytes::Oversize(size) => oversize(*size),
        }
    }

    /// The buffer the bytes were read into, to read the next file into.
    pub fn into_buffer(self) -> Vec<u8> {
        match self {
            SourceBytes::Bytes(bytes) => bytes,
            SourceBytes::Oversize(_) => Vec::new(),
        }
    }
}

/// Reads the file at `path`: its size is checked before it is read, and no more than the
/// limit is ever read (a file may grow while it is read; a sparse one may be huge).
pub fn read_source(path: &std::path::Path) -> std::io::Result<SourceBytes> {
    read_file_into(std::fs::File::open(path)?, Vec::new())
}

/// `read_source` of a file already open, into `buffer` (emptied first): a thread reading
/// file after file reuses one buffer instead of memory the system must hand over and
/// zero for each.
pub fn read_file_into(file: std::fs::File, mut buffer: Vec<u8>) -> std::io::Result<SourceBytes> {
    use std::io::Read as _;
    let size = file.metadata()?.len();
    if size > MAX_FILE_BYTES as u64 {
        return Ok(SourceBytes::Oversize(size));
    }
    buffer.clear();
    buffer.reserve(size as usize);
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut buffer)?;
    Ok(SourceBytes::Bytes(buffer))
}

fn only_diagnostic(line: u32, message: String) -> FileSummary {
    FileSummary {
        diagnostics: thin_vec::thin_vec![Diagnostic { line, message }],
        ..FileSummary::default()
    }
}

/// The first syntax error of `source` (line and message), if any.
pub fn syntax_error(source: &str, is_stub: bool) -> Option<(u32, String)> {
    let source_type = if is_stub {
        PySourceType::Stub
    } else {
        PySourceType::Python
    };
    let parsed = parse_unchecked_source(source, source_type);
    let first = parsed.errors().first()?;
    let line = LineIndex::new(source).position(first.location.start()).line;
    Some((line, first.error.to_string()))
}

/// Decodes source as Python does: UTF-8 by default, a BOM, or a PEP 263 coding line.
pub fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
    if let Some(nul) = memchr::memchr(0, bytes) {
        return Err(Diagnostic {
            line: line_at(bytes, nul),
            message: "binary file: source contains a NUL byte".to_string(),
        });
    }
    if bytes.starts_with(b"\xef\xbb\xbf") {
        // Python: "encoding problem: utf-8" when a BOM meets another declared encoding.
        if let Some(label) = coding_declaration(&bytes[3..])
            && !is_utf8_label(&label)
        {
            return Err(Diagnostic {
                line: 1,
                message: format!(
                    "a UTF-8 byte order mark and a coding declaration of `{label}`: Python \
                     refuses the file (encoding problem)"
                ),
            });
        }
        return decode_utf8(&bytes[3..]);
    }
    match coding_declaration(bytes) {
        Some(label) if !is_utf8_label(&label) => {
            let encoding = match declared_codec(&label) {
                // Python's latin-1 maps every byte to the code point of the same value.
                Codec::Latin1 => {
                    return Ok(bytes
                        .iter()
                        .map(|&b| char::from(b))
                        .collect::<String>()
                        .into());
                }
                Codec::Other(encoding) => encoding,
                Codec::Unknown => {
                    return Err(Diagnostic {
                        line: 1,
                        message: format!("unknown encoding `{label}` in coding declaration"),
                    });
                }
            };
            let (text, _, had_errors) = encoding.decode(bytes);
            if had_errors {
                return Err(Diagnostic {
                    line: 1,
                    message: format!("bytes not valid in declared encoding `{label}`"),
                });
            }
            Ok(text.into_owned().into())
        }
        _ => decode_utf8(bytes),
    }
}

/// `text` as the bytes of a file whose coding declaration it carries: what `decode`
/// turns back into `text` (an editor's buffer of a Latin-1 file, written for the parser
/// to read). `None` when it declares UTF-8 or nothing, or cannot be encoded so.
pub fn encode_as_declared(text: &str) -> Option<Vec<u8>> {
    let label = coding_declaration(text.as_bytes()).filter(|label| !is_utf8_label(label))?;
    match declared_codec(&label) {
        Codec::Latin1 => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).ok())
            .collect(),
        Codec::Other(encoding) => {
            let (bytes, _, had_errors) = encoding.encode(text);
            (!had_errors).then(|| bytes.into_owned())
        }
        Codec::Unknown => None,
    }
}

/// What a coding declaration's label (not UTF-8) names.
enum Codec {
    /// Python's latin-1: each byte the code point of its value.
    Latin1,
    Other(&'static encoding_rs::Encoding),
    Unknown,
}

fn declared_codec(label: &str) -> Codec {
    let normalized = label.to_ascii_lowercase().replace('_', "-");
    if matches!(
        normalized.as_str(),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "cp819"
    ) {
        return Codec::Latin1;
    }
    let normalized = normalized.replace("iso8859-", "iso-8859-");
    match encoding_rs::Encoding::for_label(normalized.as_bytes()) {
        Some(encoding) => Codec::Other(encoding),
        None => Codec::Unknown,
    }
}

fn decode_utf8(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
    std::str::from_utf8(bytes).map(Into::into).map_err(|error| {
        let at = error.valid_up_to();
        Diagnostic {
            line: line_at(bytes, at),
            message: format!(
                "not valid UTF-8 (byte offset {at}) and no coding declaration says otherwise"
            ),
        }
    })
}

/// The 1-based line of byte offset `at`.
fn line_at(bytes: &[u8], at: usize) -> u32 {
    memchr::memchr_iter(b'\n', &bytes[..at]).count() as u32 + 1
}

/// The file declares an encoding other than UTF-8 (`# -*- coding: latin-1 -*-`): its
/// bytes are not its text.
pub fn declares_other_encoding(bytes: &[u8]) -> bool {
    coding_declaration(bytes).is_some_and(|label| !is_utf8_label(&label))
}

fn is_utf8_label(label: &str) -> bool {
    let label = label.to_ascii_lowercase().replace('_', "-");
    label == "utf-8" || label == "utf8" || label.starts_with("utf-8-")
}

/// The PEP 263 declaration (`coding[:=]\s*([-\w.]+)` in a comment on line 1 or 2).
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            if trimmed.is_empty() {
                continue;
            }
            return None;
        }
        if let Some(at) = trimmed.find("coding") {
            let rest = &trimmed[at + "coding".len()..];
            if let Some(rest) = rest.strip_prefix([':', '=']) {
                let label: String = rest
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !label.is_empty() {
                    return Some(label);
                }
            }
        }
    }
    None
}

/// Summarizes decoded source. Syntax errors become one diagnostic; what the recovered
/// tree shows is still summarized.
pub fn summarize(source: &str, is_stub: bool, target: &Target, detail: Detail) -> FileSummary {
    let source_type = if is_stub {
        PySourceType::Stub
    } else {
        PySourceType::Python
    };
    let parsed = parse_unchecked_source(source, source_type);
    let lines = LineIndex::new(source);
    let mut walker = Walker {
        source,
        lines: &lines,
        target,
        is_stub,
        statements: detail.statements,
        summary: FileSummary::default(),
        warnings_modules: Vec::new(),
        warn_functions: Vec::new(),
        string_collections: HashMap::new(),
        import_flags: HashMap::new(),
        static_flags: HashMap::new(),
        none_flags: HashMap::new(),
        function_imports: HashMap::new(),
        made_by: HashMap::new(),
        attribute_lists: HashMap::new(),
        env_values: HashMap::new(),
        probes: HashMap::new(),
        env_tracked: true,
        track_next_body: false,
        literal_flags: HashMap::new(),
        optional_import_module: false,
    };
    walker.visit_body(&parsed.syntax().body, Scope::module());
    walker.record_instances();
    let mut env_values: Vec<_> = walker
        .env_values
        .drain()
        .filter(|(_, traced)| traced.environment)
        .map(|(name, traced)| (name, traced.value))
        .collect();
    env_values.sort_by(|a, b| a.0.cmp(&b.0));
    walker.summary.env_values = env_values.into();
    if detail.uses {
        uses::collect(source, &parsed.syntax().body, &lines, &mut walker.summary);
    }
    walker.summary.suppressions = crate::summary::Suppression::find_all(source).into();
    if let Some(first) = parsed.errors().first() {
        let more = parsed.errors().len() - 1;
        let suffix = if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
        walker.summary.diagnostics.push(Diagnostic {
            line: lines.position(first.location.start()).line,
            message: format!("syntax error: {}{suffix}", first.error),
        });
    }
    // A repository's summaries are all held at once. Copied after the tree is freed, a
    // summary's lists are exactly as long as they are and packed together, not spread
    // among the parser's freed temporaries (which keeps those pages resident).
    let summary = std::mem::take(&mut walker.summary);
    drop(walker);
    drop(parsed);
    summary.clone()
}

/// A statement's text on one line, whitespace and line continuations collapsed, cut
/// after `STATEMENT_CHARS` bytes (an assignment may span a whole data table).
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if is_one_line(text) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len().min(STATEMENT_CHARS + 4));
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\\' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space && !out.ends_with('(') && c != ')' {
            out.push(' ');
        }
        pending_space = false;
        if out.len() >= STATEMENT_CHARS {
            out.push_str(" …");
            break;
        }
        out.push(c);
    }
    out.into()
}

/// Whether `text` is already as `one_line` writes it (most statements are): short,
/// ASCII, single spaces, none after `(` or before `)`, none at either end.
fn is_one_line(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() <= STATEMENT_CHARS
        && bytes.first().is_some_and(|&b| b != b' ')
        && bytes.last().is_some_and(|&b| b != b' ')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b'\\' || b == b' ')
        && !bytes
            .windows(2)
            .any(|pair| pair[0] == b' ' && matches!(pair[1], b' ' | b')') || pair == b"( ")
}

/// Where the walker is, relative to what runs when the module is imported.
#[derive(Clone, Copy)]
struct Scope {
    /// Statements here bind module-level names.
    top_level: bool,
    /// Runs on a normal import (not an `except` handler, not a statically false branch).
    taken: bool,
    /// Under an `if`/`try` at module level.
    conditional: bool,
    context: Context,
}

impl Scope {
    fn module() -> Self {
        Scope {
            top_level: true,
            taken: true,
            conditional: false,
            context: Context::default(),
        }
    }
}

struct Walker<'a> {
    source: &'a str,
    lines: &'a LineIndex<'a>,
    target: &'a Target,
    is_stub: bool,
    /// Statements' texts are recorded (else each is empty).
    statements: bool,
    summary: FileSummary,
    /// Names bound to the `warnings` module (`import warnings as w`).
    warnings_modules: Vec<String>,
    /// Names bound to `warnings.warn`.
    warn_functions: Vec<String>,
    /// Module-level names bound to literal collections of strings (for `__getattr__` checks).
    string_collections: HashMap<String, Vec<String>>,
    /// Module-level flags a `try:` of imports sets.
    import_flags: HashMap<String, ImportFlag>,
    /// Module-level names set to a test the target decides (`PY3 = sys.version_info[0] == 3`).
    static_flags: HashMap<String, bool>,
    /// Names a `try:` imports and its `except ImportError:` sets to `None`: `X is None`
    /// is a flag, true exactly when the imports fail.
    none_flags: HashMap<String, ImportFlag>,
    /// The import sites of each module-level function's body (a `try:` may call one).
    function_imports: HashMap<String, (u32, u32)>,
    /// The literal `True`/`False` each module-level name was last set to outside any
    /// branch (`have_greenlet = False` before the `try:` that may set it `True`).
    literal_flags: HashMap<String, bool>,
    /// The function each module-level name was last set by calling (`obj = Cls()`).
    made_by: HashMap<String, Vec<String>>,
    /// Module-level names set to the attribute names of an object
    /// (`__all__ = [x for x in dir(obj) if not x.startswith("_")]`).
    attribute_lists: HashMap<String, dynamic_names::AttributeNames>,
    /// Module-level names whose values the environment decides.
    env_values: env_values::Values,
    /// Module-level functions returning a module when their imports resolve, else `None`.
    probes: HashMap<String, Condition>,
    /// Assignments here update `env_values`.
    env_tracked: bool,
    /// The next body visited is a branch of an `if` whose tests are environment values.
    track_next_body: bool,
    /// The last module-level binding of `import_module` imports it from a module other
    /// than `importlib` (kept as bindings are made: looking it up at each assignment
    /// made a file of many assignments quadratic).
    optional_import_module: bool,
}

/// What an `if` test says about the branch, as far as the source tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Truth {
    Known(bool),
    /// A flag of a `try:` of imports in this module: `value` when the flag is true.
    Flag {
        flag: ImportFlag,
        value: bool,
    },
    /// A name this module imports (binding `binding`), maybe another module's flag.
    ImportedFlag {
        binding: u32,
        value: bool,
    },
    /// Test `test` (of `env_tests`): a tree of booleans over import flags.
    EnvTest {
        test: u32,
    },
    /// Test `test` (of `value_tests`) of a value this module imports (binding `binding`).
    ImportedValue {
        binding: u32,
        test: u32,
    },
    Unknown,
}

impl Walker<'_> {
    fn visit_body(&mut self, body: &[Stmt], scope: Scope) {
        // Module-level assignments are followed as environment values where they run
        // unconditionally, or in an `if` whose tests are such values (`visit_if`).
        let tracked = std::mem::take(&mut self.track_next_body) || !scope.conditional;
        let outer = std::mem::replace(&mut self.env_tracked, tracked);
        for stmt in body {
            self.visit_stmt(stmt, scope);
        }
        self.env_tracked = outer;
    }

    fn position(&self, range: TextRange) -> Position {
        self.lines.position(range.start())
    }

    /// The statement's text on one line (see `one_line`).
    fn statement_text(&self, range: TextRange) -> Text {
        match self.statements {
            true => intern(&one_line(&self.source[range])),
            false => Text::default(),
        }
    }

    /// The first line of a compound statement (`class Foo(Base):`), from its keyword.
    fn header_text(&self, keyword_line: u32) -> Text {
        if !self.statements {
            return Text::default();
        }
        let start = self.lines.starts[keyword_line as usize - 1];
        let line = self.source[start..]
            .lines()
            .next()
            .unwrap_or_default()
            .trim();
        intern(line)
    }

    fn bind(&mut self, scope: Scope, name: &str, kind: BindingKind, range: TextRange) {
        let position = self.position(range);
        let statement = self.statement_text(range);
        self.push_binding(scope, name, kind, position, statement, None);
    }

    fn push_binding(
        &mut self,
        scope: Scope,
        name: &str,
        kind: BindingKind,
        position: Position,
        statement: Text,
        deprecated: Option<String>,
    ) {
        let uncommon = deprecated.map(|message| {
            Box::new(Uncommon {
                deprecated: Some(intern(message.as_str())),
                ..Uncommon::default()
            })
        });
        if name == "import_module" {
            self.optional_import_module = matches!(&kind, BindingKind::FromImport { module: Some(m), .. } if m != "importlib");
        }
        self.summary.bindings.push(Binding {
            name: intern(name),
            kind,
            position,
            statement,
            uncommon,
            taken: scope.taken,
            conditional: scope.conditional,
            type_checking: scope.context.type_checking,
        });
    }

    fn visit_stmt(&mut self, stmt: &Stmt, scope: Scope) {
        match stmt {
            Stmt::Import(import) => self.visit_import(import, scope),
            Stmt::ImportFrom(import) => self.visit_import_from(import, scope),
            Stmt::ClassDef(class) => {
                if scope.top_level {
                    self.bind_definition(
                        scope,
                        &class.name,
                        BindingKind::Class,
                        &class.decorator_list,
                    );
                    self.record_members(class);
                }
                let inner = Scope {
                    top_level: false,
                    ..scope
                };
                self.visit_body(&class.body, inner);
            }
            Stmt::FunctionDef(function) => {
                if scope.top_level {
                    self.bind_definition(
                        scope,
                        &function.name,
                        BindingKind::Function,
                        &function.decorator_list,
                    );
                    if returns_first_argument(function) {
                        self.summary
                            .identity_functions
                            .push(function.name.as_str().to_string());
                    }
                    if function.name.as_str() == "__getattr__" {
                        self.summary.getattr = Some(self.position(function.name.range).line);
                        self.collect_getattr_deprecations(function);
                        self.collect_getattr_imports(&function.body);
                        self.summary.getattr_forward =
                            dynamic_names::getattr_forward(function).map(|path| names(&path));
                    }
                }
                let mut inner = Scope {
                    top_level: false,
                    ..scope
                };
                inner.context.function = true;
                let start = self.summary.imports.len() as u32;
                self.visit_body(&function.body, inner);
                if scope.top_level {
                    let end = self.summary.imports.len() as u32;
                    self.function_imports
                        .insert(function.name.as_str().to_string(), (start, end));
                    let probe = if start < end && env_values::is_probe(function) {
                        Some(Condition::Imports(ImportFlag {
                            start,
                            end,
                            in_function: true,
                            on_success: true,
                        }))
                    } else {
                        env_values::module_probe(function, &self.known_env())
                            .map(Condition::Importable)
                    };
                    if let Some(probe) = probe {
                        self.probes.insert(function.name.to_string(), probe);
                    }
                }
            }
            Stmt::Assign(assign) if scope.top_level => {
                if let ([Expr::Name(name)], Expr::BooleanLiteral(value)) =
                    (assign.targets.as_slice(), assign.value.as_ref())
                    && !scope.conditional
                {
                    self.literal_flags
                        .insert(name.id.as_str().to_string(), value.value);
                }
                // `PY3 = sys.version_info[0] == 3`: a flag the target decides.
                if let [Expr::Name(name)] = assign.targets.as_slice()
                    && !scope.conditional
                    && !matches!(assign.value.as_ref(), Expr::BooleanLiteral(_))
                    && let Some(value) = self.static_truth(&assign.value)
                {
                    self.static_flags
                        .insert(name.id.as_str().to_string(), value);
                    self.summary
                        .static_flags
                        .push((name.id.as_str().to_string(), value));
                }
                if let Expr::Call(call) = assign.value.as_ref() {
                    self.visit_lazy_loader(call, &assign.targets, assign.range);
                }
                if let [Expr::Name(name)] = assign.targets.as_slice() {
                    let called = match assign.value.as_ref() {
                        Expr::Call(call) => dotted_path(&call.func),
                        _ => None,
                    };
                    match called {
                        Some(function) => self.made_by.insert(name.id.to_string(), function),
                        None => self.made_by.remove(name.id.as_str()),
                    };
                    let value = match self.env_tracked {
                        true => env_values::traced(&assign.value, &self.known_env()),
                        false => None,
                    };
                    match value {
                        Some(value) => self.env_values.insert(name.id.to_string(), value),
                        None => self.env_values.remove(name.id.as_str()),
                    };
                    match dynamic_names::attribute_names(&assign.value, &self.attribute_lists) {
                        Some(list) => self.attribute_lists.insert(name.id.to_string(), list),
                        None => self.attribute_lists.remove(name.id.as_str()),
                    };
                }
                if let ([Expr::Name(table)], Expr::List(list)) =
                    (assign.targets.as_slice(), assign.value.as_ref())
                {
                    self.visit_six_moves(table.id.as_str(), &list.elts);
                }
                if let [Expr::Subscript(subscript)] = assign.targets.as_slice()
                    && let Expr::Call(call) = subscript.value.as_ref()
                    && is_name(&call.func, "globals")
                {
                    // `globals()[name] = value`: a name only running the module tells.
                    let line = self.position(assign.range).line;
                    self.summary.globals_update.get_or_insert(line);
                }
                if let [Expr::Subscript(subscript)] = assign.targets.as_slice()
                    && dotted_path(&subscript.value).is_some_and(|p| p == ["sys", "modules"])
                    && scope.taken
                    && let Some(path) = dotted_path(&assign.value)
                {
                    let swap = ModuleSwap {
                        path,
                        position: self.position(assign.range),
                        statement: self.statement_text(assign.range),
                    };
                    if is_name(&subscript.slice, "__name__") {
                        self.summary.replaced_by = Some(Box::new(swap));
                    } else if let Some(key) = string_value(&subscript.slice) {
                        self.summary.registers.push((key, swap));
                    }
                }
                for target in &assign.targets {
                    self.bind_assignment(scope, target, Some(&assign.value), assign.range);
                }
            }
            Stmt::AnnAssign(assign)
                if scope.top_level && (assign.value.is_some() || self.is_stub) =>
            {
                self.bind_assignment(scope, &assign.target, assign.value.as_deref(), assign.range);
            }
            Stmt::TypeAlias(alias) => {
                if scope.top_level
                    && let Expr::Name(name) = alias.name.as_ref()
                {
                    self.bind(scope, name.id.as_str(), BindingKind::Variable, alias.range);
                }
            }
            Stmt::Delete(delete) if scope.top_level => {
                for target in &delete.targets {
                    if let Expr::Name(name) = target {
                        self.bind(scope, name.id.as_str(), BindingKind::Deleted, delete.range);
                    }
                }
            }
            Stmt::AugAssign(assign) => {
                if scope.top_level
                    && is_name(&assign.target, "__all__")
                    && let Some(parts) = self.all_parts(&assign.value)
                {
                    self.summary.all.push(AllChange::Extend(parts));
                }
            }
            Stmt::Expr(expr) => {
                if scope.top_level
                    && let Expr::Call(call) = expr.value.as_ref()
                {
                    self.visit_module_call(call);
                }
            }
            Stmt::If(stmt_if) => self.visit_if(stmt_if, scope),
            Stmt::Try(stmt_try) => {
                let catches_import_error = stmt_try.handlers.iter().any(catches_import_error);
                let mut body = Scope {
                    conditional: scope.conditional || scope.top_level,
                    ..scope
                };
                body.context.try_import |= catches_import_error;
                let mut handler_scope = Scope {
                    taken: false,
                    conditional: true,
                    ..scope
                };
                handler_scope.context.conditional = true;
                let start = self.summary.imports.len() as u32;
                self.visit_body(&stmt_try.body, body);
                let end = self.summary.imports.len() as u32;
                for handler in &stmt_try.handlers {
                    let ExceptHandler::ExceptHandler(handler) = handler;
                    self.visit_body(&handler.body, handler_scope);
                }
                self.visit_body(&stmt_try.orelse, body);
                self.visit_body(&stmt_try.finalbody, scope);
                if scope.top_level && catches_import_error {
                    self.record_import_flags(stmt_try, start, end);
                }
            }
            Stmt::With(with) => self.visit_body(&with.body, scope),
            Stmt::For(stmt_for) => {
                self.visit_body(&stmt_for.body, scope);
                self.visit_body(&stmt_for.orelse, scope);
            }
            Stmt::While(stmt_while) => {
                // The body runs only if the test holds once; `while False:` never runs.
                let truth = self.runtime_truth(&stmt_while.test);
                let mut body = Scope {
                    taken: scope.taken && truth != Truth::Known(false),
                    conditional: scope.conditional || truth != Truth::Known(true),
                    ..scope
                };
                body.context.conditional |= truth != Truth::Known(true);
                self.visit_body(&stmt_while.body, body);
                self.visit_body(&stmt_while.orelse, scope);
            }
            Stmt::Match(stmt_match) => {
                for (index, case) in stmt_match.cases.iter().enumerate() {
                    let mut case_scope = Scope {
                        taken: scope.taken && index == 0,
                        conditional: true,
                        ..scope
                    };
                    case_scope.context.conditional = true;
                    self.visit_body(&case.body, case_scope);
                }
            }
            _ => {}
        }
    }

    fn visit_import(&mut self, import: &ruff_python_ast::StmtImport, scope: Scope) {
        let position = self.position(import.range);
        let statement = self.statement_text(import.range);
        for alias in &import.names {
            let module = intern(alias.name.as_str());
            let asname = alias.asname.as_ref().map(|a| intern(a.as_str()));
            if scope.top_level {
                let (bound, bound_module) = match asname {
                    Some(asname) => (asname, module),
                    None => {
                        let top = intern(module.split('.').next().unwrap_or_default());
                        (top, top)
                    }
                };
                if module == "warnings" {
                    self.warnings_modules.push(bound.to_string());
                }
                let kind = BindingKind::Import {
                    module: bound_module,
                };
                self.push_binding(scope, &bound, kind, position, statement, None);
            }
            self.summary.imports.push(ImportSite {
                position,
                module: Some(module),
                level: 0,
                name: None,
                alias: asname,
                context: scope.context,
                statement,
                statement_span: span(import.range),
                alias_span: span(alias.range),
                names_in_statement: import.names.len() as u32,
            });
        }
    }

    fn visit_import_from(&mut self, import: &ruff_python_ast::StmtImportFrom, scope: Scope) {
        let position = self.position(import.range);
        let statement = self.statement_text(import.range);
        let module = import.module.as_ref().map(|m| intern(m.as_str()));
        for alias in &import.names {
            let name = intern(alias.name.as_str());
            let asname = alias.asname.as_ref().map(|a| intern(a.as_str()));
            if scope.top_level {
                if name == "*" {
                    self.summary.stars.push(StarImport {
                        module,
                        level: import.level,
                        position,
                        taken: scope.taken,
                        statement,
                        order: self.summary.bindings.len(),
                        branch: None,
                    });
                } else {
                    let bound = asname.unwrap_or(name);
                    if bound == "__all__" {
                        self.summary
                            .all
                            .push(AllChange::Set(vec![AllPart::ImportedAll {
                                module: module.map(String::from),
                                level: import.level,
                            }]));
                    }
                    if module.as_deref() == Some("warnings") && name == "warn" {
                        self.warn_functions.push(bound.to_string());
                    }
                    let kind = BindingKind::FromImport {
                        module,
                        level: import.level,
                        name,
                    };
                    self.push_binding(scope, &bound, kind, position, statement, None);
                }
            }
            self.summary.imports.push(ImportSite {
                position,
                module,
                level: import.level,
                name: Some(name),
                alias: asname,
                context: scope.context,
                statement,
                statement_span: span(import.range),
                alias_span: span(alias.range),
                names_in_statement: import.names.len() as u32,
            });
        }
    }

    fn bind_definition(
        &mut self,
        scope: Scope,
        name: &ruff_python_ast::Identifier,
        kind: BindingKind,
        decorators: &[Decorator],
    ) {
        let mut position = self.position(name.range);
        let statement = self.header_text(position.line);
        let line_start = self.lines.starts[position.line as usize - 1];
        let indent = self.source[line_start..]
            .chars()
            .take_while(|c| c.is_whitespace())
            .count();
        position.col = indent as u32 + 1;
        let deprecated = decorators.iter().find_map(deprecated_decorator);
        self.push_binding(scope, name.as_str(), kind, position, statement, deprecated);
    }

    fn bind_assignment(
        &mut self,
        scope: Scope,
        target: &Expr,
        value: Option<&Expr>,
        range: TextRange,
    ) {
        match target {
            Expr::Name(name) => {
                let name = name.id.as_str();
                if name == "__all__" {
                    if let Some(parts) = value.and_then(|v| self.all_parts(v)) {
                        self.summary.all.push(AllChange::Set(parts));
                    }
                    return;
                }
                if let Some(strings) = value.and_then(string_collection) {
                    self.string_collections.insert(name.to_string(), strings);
                }
                let kind = match value.and_then(dotted_path) {
                    Some(path) => BindingKind::Alias(names(&path).into()),
                    None => BindingKind::Variable,
                };
                self.bind(scope, name, kind, range);
                if let Some(Expr::Call(call)) = value
                    && let (Some(function), [argument], []) = (
                        dotted_path(&call.func),
                        &call.arguments.args[..],
                        &call.arguments.keywords[..],
                    )
                    && let Some(argument) = dotted_path(argument)
                    && let Some(binding) = self.summary.bindings.last_mut()
                {
                    binding.uncommon_mut().wraps = Some(Wrapped {
                        function: names(&function),
                        argument: names(&argument),
                    });
                }
            }
            Expr::Tuple(tuple) => {
                for element in &tuple.elts {
                    self.bind_assignment(scope, element, None, range);
                }
            }
            Expr::List(list) => {
                for element in &list.elts {
                    self.bind_assignment(scope, element, None, range);
                }
            }
            Expr::Starred(starred) => self.bind_assignment(scope, &starred.value, None, range),
            _ => {}
        }
    }

    /// `lazy_loader`'s `attach_stub(__name__, __file__)` (the names the `.pyi` beside the
    /// module imports are bound on first access) and `attach(__name__, submodules,
    /// submod_attrs)` with literal arguments (each attribute is `from .sub import attr`).
    fn visit_lazy_loader(&mut self, call: &ExprCall, targets: &[Expr], range: TextRange) {
        let Some(function) = dotted_path(&call.func) else {
            return;
        };
        let binds_all = targets.iter().any(|target| match target {
            Expr::Tuple(tuple) => tuple.elts.iter().any(|e| is_name(e, "__all__")),
            other => is_name(other, "__all__"),
        });
        match function.last().map(String::as_str) {
            Some("attach_stub") => self.summary.lazy_stub = true,
            Some("attach") => {
                let argument = |position: usize, keyword: &str| {
                    call.arguments
                        .keywords
                        .iter()
                        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == keyword))
                        .map(|k| &k.value)
                        .or_else(|| call.arguments.args.get(position))
                };
                let submodules = argument(1, "submodules")
                    .and_then(string_collection)
                    .unwrap_or_default();
                let mut attributes: Vec<(String, String)> = Vec::new();
                if let Some(Expr::Dict(dict)) = argument(2, "submod_attrs") {
                    for item in &dict.items {
                        let (Some(submodule), Some(names)) = (
                            item.key.as_ref().and_then(string_value),
                            string_collection(&item.value),
                        ) else {
                            continue;
                        };
                        attributes.extend(names.into_iter().map(|n| (submodule.clone(), n)));
                    }
                }
                if submodules.is_empty() && attributes.is_empty() {
                    return;
                }
                let position = self.position(range);
                let statement = self.statement_text(range);
                let mut all = submodules;
                for (submodule, name) in attributes {
                    all.push(name.clone());
                    let kind = BindingKind::FromImport {
                        module: Some(intern(submodule.as_str())),
                        level: 1,
                        name: intern(name.as_str()),
                    };
                    self.push_lazy_import(name, kind, position, statement);
                }
                if binds_all {
                    all.sort();
                    all.dedup();
                    self.summary
                        .all
                        .push(AllChange::Set(vec![AllPart::Names(all)]));
                }
            }
            _ => {}
        }
    }

    /// A vendored `six`'s tables: `_moved_attributes = [MovedModule("http_client",
    /// "httplib", "http.client"), MovedAttribute("filter", "itertools", "builtins",
    /// "ifilter", "filter"), ...]` and the `_urllib_<part>_moved_attributes` lists.
    fn visit_six_moves(&mut self, table: &str, elements: &[Expr]) {
        let table = match table {
            "_moved_attributes" => String::new(),
            other => match other
                .strip_prefix("_urllib_")
                .and_then(|rest| rest.strip_suffix("_moved_attributes"))
            {
                Some(part) => format!("urllib.{part}"),
                None => return,
            },
        };
        for element in elements {
            let Expr::Call(call) = element else {
                continue;
            };
            let Some(kind) = dotted_path(&call.func) else {
                continue;
            };
            // Arguments are strings or `None`; anything else leaves the entry out.
            let args: Option<Vec<Option<String>>> = call
                .arguments
                .args
                .iter()
                .map(|arg| match self.folded(arg) {
                    Expr::NoneLiteral(_) => Some(None),
                    other => string_value(other).map(Some),
                })
                .collect();
            let Some(args) = args else {
                continue;
            };
            let arg = |i: usize| args.get(i).cloned().flatten();
            let Some(name) = arg(0) else {
                continue;
            };
            let (module, attr) = match kind.last().map(String::as_str) {
                Some("MovedModule") => (arg(2).unwrap_or_else(|| name.clone()), None),
                Some("MovedAttribute") => (
                    arg(2).unwrap_or_else(|| name.clone()),
                    Some(arg(4).or_else(|| arg(3)).unwrap_or_else(|| name.clone())),
                ),
                _ => continue,
            };
            self.summary.six_moves.push(SixMove {
                table: table.clone(),
                name,
                module,
                attr,
                position: self.position(call.range()),
                statement: self.statement_text(call.range()),
            });
        }
    }

    /// The parts of an `__all__` expression: literals, `mod.__all__`, a name bound by
    /// `from m import __all__ as name`, and their `+` concatenations.
    fn all_parts(&self, expr: &Expr) -> Option<Vec<AllPart>> {
        match expr {
            Expr::BinOp(binop) if binop.op == ruff_python_ast::Operator::Add => {
                let mut parts = self.all_parts(&binop.left)?;
                parts.extend(self.all_parts(&binop.right)?);
                Some(parts)
            }
            Expr::Attribute(attribute) if attribute.attr.as_str() == "__all__" => {
                Some(vec![AllPart::ModuleAll(dotted_path(&attribute.value)?)])
            }
            Expr::Call(call) if matches!(call.func.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "list" | "tuple" | "sorted")) => {
                self.all_parts(call.arguments.args.first()?)
            }
            Expr::Name(name) => {
                let binding = self
                    .summary
                    .bindings
                    .iter()
                    .rev()
                    .find(|b| b.name == name.id.as_str())?;
                match &binding.kind {
                    BindingKind::FromImport {
                        module,
                        level,
                        name,
                    } if name == "__all__" => Some(vec![AllPart::ImportedAll {
                        module: module.map(String::from),
                        level: *level,
                    }]),
                    _ => Some(vec![AllPart::Names(
                        self.string_collections.get(name.id.as_str())?.clone(),
                    )]),
                }
            }
            _ => Some(vec![AllPart::Names(string_collection(expr)?)]),
        }
    }

    /// `__all__.append/extend/remove(...)`, `warnings.warn(...)` and `globals().update(...)`
    /// at module level.
    fn visit_module_call(&mut self, call: &ExprCall) {
        if let Expr::Attribute(attribute) = call.func.as_ref()
            && attribute.attr.as_str() == "update"
            && let Expr::Call(inner) = attribute.value.as_ref()
            && is_name(&inner.func, "globals")
        {
            let update = match &call.arguments.args[..] {
                [argument] => dynamic_names::globals_update(argument, &self.attribute_lists),
                _ => None,
            };
            if let Some(update) = update {
                let export = GlobalsExport {
                    object: names(&update.object),
                    names: update.names,
                    public_only: update.public_only,
                    position: self.position(call.range()),
                    statement: self.statement_text(call.range()),
                };
                self.summary.globals_exports.push(export);
            } else {
                let line = self.position(call.range()).line;
                self.summary.globals_update.get_or_insert(line);
            }
            return;
        }
        if let Expr::Attribute(attribute) = call.func.as_ref()
            && is_name(&attribute.value, "__all__")
        {
            let first = call.arguments.args.first();
            let change = match attribute.attr.as_str() {
                "append" => first
                    .and_then(string_value)
                    .map(|name| AllChange::Extend(vec![AllPart::Names(vec![name])])),
                "extend" => first.and_then(|f| self.all_parts(f)).map(AllChange::Extend),
                "remove" => first.and_then(string_value).map(AllChange::Remove),
                _ => None,
            };
            if let Some(change) = change {
                self.summary.all.push(change);
            }
            return;
        }
        if let Some(message) = self.deprecation_warning(call) {
            self.summary.deprecated.get_or_insert(message);
        }
    }

    /// The message of `warnings.warn(msg, DeprecationWarning)` (or a sibling category).
    fn deprecation_warning(&self, call: &ExprCall) -> Option<String> {
        let is_warn = match call.func.as_ref() {
            Expr::Name(name) => self.warn_functions.iter().any(|f| f == name.id.as_str()),
            Expr::Attribute(attribute) => {
                attribute.attr.as_str() == "warn"
                    && matches!(attribute.value.as_ref(), Expr::Name(module)
                        if self.warnings_modules.iter().any(|m| m == module.id.as_str()))
            }
            _ => false,
        };
        if !is_warn {
            return None;
        }
        let category = call
            .arguments
            .keywords
            .iter()
            .find(|keyword| {
                keyword
                    .arg
                    .as_ref()
                    .is_some_and(|arg| arg.as_str() == "category")
            })
            .map(|keyword| &keyword.value)
            .or_else(|| call.arguments.args.get(1))?;
        let category = dotted_path(category)?;
        let last = category.last()?;
        if !matches!(
            last.as_str(),
            "DeprecationWarning" | "PendingDeprecationWarning" | "FutureWarning"
        ) {
            return None;
        }
        let message = call.arguments.args.first().map(|arg| match arg {
            Expr::StringLiteral(literal) => literal.value.to_str().to_string(),
            other => self.statement_text(other.range()).to_string(),
        });
        Some(message.unwrap_or_default())
    }

    /// Names a module `__getattr__` guards with a deprecation warning
    /// (`if name == "X": warnings.warn(..., DeprecationWarning)`).
    fn collect_getattr_deprecations(&mut self, function: &ruff_python_ast::StmtFunctionDef) {
        let Some(parameter) = function.parameters.args.first() else {
            return;
        };
        let parameter = parameter.parameter.name.as_str();
        // `import warnings` inside the function counts as the module's.
        let mut local = LocalWarnings(Vec::new());
        local.visit_body(&function.body);
        let outer = self.warnings_modules.len();
        self.warnings_modules.extend(local.0);
        let mut finder = GuardedWarnings {
            walker: self,
            parameter,
            guards: Vec::new(),
            names: Vec::new(),
        };
        for stmt in &function.body {
            finder.visit_stmt(stmt);
        }
        let mut names = finder.names;
        self.warnings_modules.truncate(outer);
        names.sort();
        names.dedup();
        self.summary.deprecated_names = names.into();
    }

    /// Module-level names last set by calling a class-like name (`Context()`,
    /// `_Registry()`): maybe instances, which `dir()` and `getattr` read through.
    fn record_instances(&mut self) {
        let mut instances: Vec<(Name, Vec<Name>)> = self
            .made_by
            .iter()
            .filter(|(_, function)| {
                function.last().is_some_and(|last| {
                    last.trim_start_matches('_')
                        .starts_with(|c: char| c.is_ascii_uppercase())
                })
            })
            .map(|(name, function)| (intern(name), names(function)))
            .collect();
        instances.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        self.summary.instances = instances.into();
    }

    /// The `def`s and assigned names directly in a top-level class's body (the class is
    /// the last binding), and its dotted bases.
    fn record_members(&mut self, class: &ruff_python_ast::StmtClassDef) {
        let index = self.summary.bindings.len() as u32 - 1;
        let bases: Option<thin_vec::ThinVec<Vec<Name>>> =
            class.arguments.as_deref().map(|arguments| {
                arguments
                    .args
                    .iter()
                    .filter_map(dotted_path)
                    .map(|p| names(&p))
                    .collect()
            });
        if let Some(bases) = bases.filter(|bases| !bases.is_empty()) {
            self.summary.class_bases.push((index, bases));
        }
        for stmt in &class.body {
            if let Stmt::FunctionDef(function) = stmt
                && function.name.as_str() == "__getattr__"
                && dynamic_names::makes_classes(function)
            {
                self.summary
                    .class_makers
                    .push(self.summary.members.len() as u32);
            }
            let (name, kind, range) = match stmt {
                Stmt::FunctionDef(function) => (
                    function.name.as_str(),
                    BindingKind::Function,
                    function.name.range,
                ),
                Stmt::Assign(assign) => match assign.targets.as_slice() {
                    [Expr::Name(name)] => (name.id.as_str(), BindingKind::Variable, assign.range),
                    _ => continue,
                },
                _ => continue,
            };
            let position = self.position(range);
            let statement = match kind {
                BindingKind::Function => self.header_text(position.line),
                _ => self.statement_text(range),
            };
            self.summary.members.push(Member {
                class: index,
                name: intern(name),
                kind,
                position,
                statement,
            });
        }
    }

    /// A name the module binds on first access (`__getattr__`, `lazy_loader.attach`).
    fn push_lazy_import(
        &mut self,
        name: String,
        kind: BindingKind,
        position: Position,
        statement: Text,
    ) {
        self.summary.getattr_imports.push(Binding {
            name: intern(name.as_str()),
            kind,
            position,
            statement,
            uncommon: None,
            taken: false,
            conditional: true,
            type_checking: false,
        });
    }

    /// The from-imports a lazy package's `__getattr__` performs, by imported name.
    fn collect_getattr_imports(&mut self, body: &[Stmt]) {
        for stmt in body {
            match stmt {
                Stmt::ImportFrom(import) => {
                    let position = self.position(import.range);
                    let statement = self.statement_text(import.range);
                    for alias in import.names.iter().filter(|a| a.name.as_str() != "*") {
                        let kind = BindingKind::FromImport {
                            module: import.module.as_ref().map(|m| intern(m.as_str())),
                            level: import.level,
                            name: intern(alias.name.as_str()),
                        };
                        let name = alias.name.as_str().to_string();
                        self.push_lazy_import(name, kind, position, statement);
                    }
                }
                Stmt::If(stmt_if) => {
                    self.collect_getattr_imports(&stmt_if.body);
                    for clause in &stmt_if.elif_else_clauses {
                        self.collect_getattr_imports(&clause.body);
                    }
                }
                Stmt::Try(stmt_try) => {
                    self.collect_getattr_imports(&stmt_try.body);
                    self.collect_getattr_imports(&stmt_try.orelse);
                }
                Stmt::With(with) => self.collect_getattr_imports(&with.body),
                _ => {}
            }
        }
    }

    /// `try: import x; HAVE_X = True except ImportError: HAVE_X = False` (the `True` may
    /// sit in `else:`, the `False` before the `try:`): `HAVE_X` is true exactly when the
    /// imports of the `try` succeed.
    fn record_import_flags(&mut self, stmt_try: &ruff_python_ast::StmtTry, start: u32, end: u32) {
        // No imports of its own: a call of a module-level function that imports.
        let (start, end, in_function) = match stmt_try.body.as_slice() {
            _ if start < end => (start, end, false),
            [Stmt::Expr(expr)] => {
                let called = match expr.value.as_ref() {
                    Expr::Call(call) => match call.func.as_ref() {
                        Expr::Name(name) => self.function_imports.get(name.id.as_str()),
                        _ => None,
                    },
                    _ => None,
                };
                match called {
                    Some(&(start, end)) if start < end => (start, end, true),
                    _ => return,
                }
            }
            _ => return,
        };
        fn literal_flags(body: &[Stmt]) -> Vec<(String, bool)> {
            body.iter()
                .filter_map(|stmt| match stmt {
                    Stmt::Assign(assign) => {
                        match (assign.targets.as_slice(), assign.value.as_ref()) {
                            ([Expr::Name(name)], Expr::BooleanLiteral(value)) => {
                                Some((name.id.as_str().to_string(), value.value))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                })
                .collect()
        }
        let handlers: Vec<&[Stmt]> = stmt_try
            .handlers
            .iter()
            .filter(|h| catches_import_error(h))
            .map(|h| {
                let ExceptHandler::ExceptHandler(handler) = h;
                &handler.body[..]
            })
            .collect();
        for body in &handlers {
            for stmt in body.iter() {
                if let Stmt::Assign(assign) = stmt
                    && let ([Expr::Name(name)], Expr::NoneLiteral(_)) =
                        (assign.targets.as_slice(), assign.value.as_ref())
                    && !in_function
                {
                    let imported = self.summary.imports[start as usize..end as usize]
                        .iter()
                        .any(|site| {
                            site.alias
                                .or(site.name)
                                .is_some_and(|bound| bound == name.id.as_str())
                        });
                    if imported {
                        let flag = ImportFlag {
                            start,
                            end,
                            in_function,
                            on_success: false,
                        };
                        self.none_flags.insert(name.id.as_str().to_string(), flag);
                    }
                }
            }
        }
        let mut on_success = literal_flags(&stmt_try.body);
        on_success.extend(literal_flags(&stmt_try.orelse));
        let on_failure: Vec<(String, bool)> = stmt_try
            .handlers
            .iter()
            .filter(|h| catches_import_error(h))
            .flat_map(|h| {
                let ExceptHandler::ExceptHandler(handler) = h;
                literal_flags(&handler.body)
            })
            .collect();
        for (name, value) in on_success {
            let set_on_failure = on_failure.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
            let before = self.literal_flags.get(&name).copied();
            if set_on_failure.or(before) == Some(!value) {
                let flag = ImportFlag {
                    start,
                    end,
                    in_function,
                    on_success: value,
                };
                self.summary.import_flags.push((name.clone(), flag));
                self.import_flags.insert(name, flag);
            }
        }
    }

    /// What a test says at run time beyond `static_truth`: `TYPE_CHECKING` is false, a
    /// flag of a `try:` of imports is known once those imports are.
    fn runtime_truth(&mut self, test: &Expr) -> Truth {
        if let Some(value) = self.static_truth(test) {
            return Truth::Known(value);
        }
        if let Some(checking) = type_checking_test(test) {
            return Truth::Known(!checking);
        }
        let env_value = env_values::env_value(test, &self.known_env());
        if let Some(value) = env_value {
            return self.env_truth(env_values::truth(&value));
        }
        let truth = match test {
            Expr::Compare(compare)
                if compare.ops.len() == 1
                    && matches!(compare.ops[0], CmpOp::Is | CmpOp::IsNot)
                    && matches!(compare.comparators[0], Expr::NoneLiteral(_)) =>
            {
                let flag = match compare.left.as_ref() {
                    Expr::Name(name) => self.none_flags.get(name.id.as_str()),
                    _ => None,
                };
                match flag {
                    Some(&flag) => Truth::Flag {
                        flag,
                        value: compare.ops[0] == CmpOp::Is,
                    },
                    None => Truth::Unknown,
                }
            }
            Expr::Name(name) if self.static_flags.contains_key(name.id.as_str()) => {
                Truth::Known(self.static_flags[name.id.as_str()])
            }
            Expr::Name(name) => match self.import_flags.get(name.id.as_str()) {
                Some(&flag) => Truth::Flag { flag, value: true },
                None => match self.imported_binding(name.id.as_str()) {
                    Some(binding) => Truth::ImportedFlag {
                        binding,
                        value: true,
                    },
                    None => Truth::Unknown,
                },
            },
            Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
                match self.runtime_truth(&unary.operand) {
                    Truth::Known(value) => Truth::Known(!value),
                    Truth::Flag { flag, value } => Truth::Flag {
                        flag,
                        value: !value,
                    },
                    Truth::ImportedFlag { binding, value } => Truth::ImportedFlag {
                        binding,
                        value: !value,
                    },
                    Truth::ImportedValue { binding, test } => {
                        let mut negated = self.summary.value_tests[test as usize].clone();
                        negated.negated = !negated.negated;
                        self.summary.value_tests.push(negated);
                        Truth::ImportedValue {
                            binding,
                            test: self.summary.value_tests.len() as u32 - 1,
                        }
                    }
                    Truth::EnvTest { test } => {
                        let negated = env_values::truth(&env_values::select(
                            &self.summary.env_tests[test as usize],
                            &EnvValue::Leaf(crate::summary::Value::Bool(false)),
                            &EnvValue::Leaf(crate::summary::Value::Bool(true)),
                        ));
                        self.env_truth(negated)
                    }
                    Truth::Unknown => Truth::Unknown,
                }
            }
            Expr::BoolOp(bool_op) => {
                // `and`: a false operand decides; true ones drop out (`or` the other way).
                let decisive = bool_op.op == ruff_python_ast::BoolOp::Or;
                let mut left = Vec::new();
                for value in &bool_op.values {
                    match self.runtime_truth(value) {
                        Truth::Known(v) if v == decisive => return Truth::Known(decisive),
                        Truth::Known(_) => {}
                        other => left.push(other),
                    }
                }
                match left.as_slice() {
                    [] => Truth::Known(!decisive),
                    [only] => *only,
                    _ => Truth::Unknown,
                }
            }
            _ => Truth::Unknown,
        };
        if truth != Truth::Unknown {
            return truth;
        }
        // A test of a value another module sets, which its environment may decide.
        let imported = match test {
            Expr::Compare(_) => env_values::imported_test(test, &self.known_env()),
            _ => None,
        };
        if let Some((name, value_test)) = imported
            && let Some(binding) = self.imported_binding(name)
        {
            self.summary.value_tests.push(value_test);
            return Truth::ImportedValue {
                binding,
                test: self.summary.value_tests.len() as u32 - 1,
            };
        }
        Truth::Unknown
    }

    /// A test whose truth the environment decides (`truth`, a tree of booleans).
    fn env_truth(&mut self, truth: EnvValue) -> Truth {
        let tree = match truth {
            EnvValue::Leaf(value) => return Truth::Known(value.truthy()),
            EnvValue::Branch {
                flag,
                when_true,
                when_false,
            } => match (*when_true, *when_false) {
                (EnvValue::Leaf(value), EnvValue::Leaf(_))
                    if let Condition::Imports(flag) = flag =>
                {
                    return Truth::Flag {
                        flag,
                        value: value.truthy(),
                    };
                }
                (when_true, when_false) => EnvValue::Branch {
                    flag,
                    when_true: Box::new(when_true),
                    when_false: Box::new(when_false),
                },
            },
        };
        self.summary.env_tests.push(tree);
        Truth::EnvTest {
            test: self.summary.env_tests.len() as u32 - 1,
        }
    }

    /// The last from-import binding of `name` in this module.
    fn imported_binding(&self, name: &str) -> Option<u32> {
        let binding =
            self.summary.bindings.iter().rposition(|b| {
                b.name == name && matches!(b.kind, BindingKind::FromImport { .. })
            })?;
        Some(binding as u32)
    }

    /// What `env_values` needs to evaluate a value here.
    fn known_env(&self) -> env_values::Known<'_, impl Fn(&Expr) -> Option<bool> + '_> {
        env_values::Known {
            values: &self.env_values,
            probes: &self.probes,
            optional_import_module: self.optional_import_module,
            static_truth: |test: &Expr| self.static_truth(test),
        }
    }

    fn visit_if(&mut self, stmt_if: &ruff_python_ast::StmtIf, scope: Scope) {
        let mut branches: Vec<(Option<&Expr>, &[Stmt])> =
            vec![(Some(&stmt_if.test), &stmt_if.body)];
        for clause in &stmt_if.elif_else_clauses {
            branches.push((clause.test.as_ref(), &clause.body));
        }
        // Python takes the first branch whose test is not false; unknown tests count as
        // true, and at module level the branches from the first unknown one on become a
        // `Decision` the resolver settles.
        // Environment values set in the branches, when every test is a value.
        let tests: Option<Vec<Option<env_values::Traced>>> = (scope.top_level && self.env_tracked)
            .then(|| {
                let known = self.known_env();
                branches
                    .iter()
                    .map(|(test, _)| match test {
                        None => Some(None),
                        Some(test) => match self.static_truth(test) {
                            Some(truth) => Some(Some(env_values::Traced {
                                value: EnvValue::Leaf(Value::Bool(truth)),
                                environment: false,
                            })),
                            None => env_values::traced(test, &known).map(Some),
                        },
                    })
                    .collect()
            })
            .flatten();
        let before = tests.as_ref().map(|_| self.env_values.clone());
        let mut states = Vec::new();
        let mut taken_found = false;
        let mut type_checking_else = false;
        let mut decision: Option<Decision> = None;
        let mut closed = false;
        let mut decided: Vec<(usize, usize, usize, usize, u32)> = Vec::new();
        for (test, body) in branches {
            if let Some(before) = &before {
                self.env_values = before.clone();
            }
            let mut branch = Scope {
                conditional: scope.conditional || scope.top_level,
                ..scope
            };
            let truth = match test {
                Some(test) => match type_checking_test(test) {
                    Some(true) => {
                        branch.context.type_checking = true;
                        Truth::Known(false)
                    }
                    Some(false) => {
                        type_checking_else = true;
                        Truth::Known(true)
                    }
                    None => self.runtime_truth(test),
                },
                None => {
                    branch.context.type_checking |= type_checking_else;
                    Truth::Known(true)
                }
            };
            if !branch.context.type_checking {
                branch.context.conditional = true;
            }
            let taken = !taken_found && truth != Truth::Known(false);
            let open = !closed && (!taken_found || decision.is_some());
            taken_found |= taken;
            // A branch the run time decides is taken or not as a whole (its place in the
            // decision); within it, what Python skips (an `except` handler) stays skipped.
            let joins_decision = open
                && scope.top_level
                && truth != Truth::Known(false)
                && (!matches!(truth, Truth::Known(_)) || decision.is_some());
            branch.taken = scope.taken && (taken || joins_decision);
            let (imports, bindings, stars) = (
                self.summary.imports.len(),
                self.summary.bindings.len(),
                self.summary.stars.len(),
            );
            self.track_next_body = before.is_some();
            self.visit_body(body, branch);
            if before.is_some() {
                let state = std::mem::take(&mut self.env_values);
                states.push((!env_values::never_completes(body)).then_some(state));
            }
            let start = imports as u32;
            let end = self.summary.imports.len() as u32;
            let rule = match truth {
                Truth::Known(false) => None,
                Truth::Known(true) => Some(BranchRule::Always),
                Truth::Flag { flag, value } => Some(BranchRule::Flag { flag, value }),
                Truth::EnvTest { test } => Some(BranchRule::EnvTest { test }),
                Truth::ImportedValue { binding, test } => Some(BranchRule::ImportedValue {
                    binding,
                    test,
                    start,
                    end,
                }),
                Truth::ImportedFlag { binding, value } => {
                    Some(BranchRule::ImportedFlag { binding, value })
                }
                Truth::Unknown => Some(BranchRule::OwnImportsResolve { start, end }),
            };
            let deferred = !matches!(truth, Truth::Known(_));
            if let Some(rule) = rule.filter(|_| open && scope.top_level)
                && (deferred || decision.is_some())
            {
                let decision = decision.get_or_insert_with(|| Decision {
                    line: self.position(stmt_if.range).line,
                    test: self.header_text(self.position(stmt_if.range).line),
                    branches: Vec::new(),
                });
                decided.push((
                    bindings,
                    self.summary.bindings.len(),
                    stars,
                    self.summary.stars.len(),
                    decision.branches.len() as u32,
                ));
                decision.branches.push(rule);
            }
            closed |= truth == Truth::Known(true) && decision.is_some();
        }
        if let (Some(tests), Some(before)) = (tests, before) {
            self.env_values = env_values::after_branches(&tests, states, before);
        }
        let Some(decision) = decision else {
            return;
        };
        // Nested decisions were recorded while visiting the branches: this one comes after.
        let decision_id = self.summary.decisions.len() as u32;
        for (b_start, b_end, s_start, s_end, branch) in decided {
            let place = Some(BranchRef {
                decision: decision_id,
                branch,
                outer_taken: scope.taken,
            });
            // A nested decision keeps its own (innermost) place.
            for binding in &mut self.summary.bindings[b_start..b_end] {
                if binding.branch().is_none() {
                    binding.uncommon_mut().branch = place;
                }
            }
            for star in &mut self.summary.stars[s_start..s_end] {
                star.branch = star.branch.or(place);
            }
        }
        self.summary.decisions.push(decision);
    }

    /// `A if TEST else B` with a test the target decides is the branch it takes
    /// (`"collections.abc" if sys.version_info >= (3, 3) else "collections"`).
    fn folded<'e>(&self, expr: &'e Expr) -> &'e Expr {
        match expr {
            Expr::If(if_exp) => match self.static_truth(&if_exp.test) {
                Some(true) => self.folded(&if_exp.body),
                Some(false) => self.folded(&if_exp.orelse),
                None => expr,
            },
            _ => expr,
        }
    }

    /// Evaluates `sys.version_info` and `sys.platform` tests as the target would, literals
    /// (`if False:`, `if 0:`), and `__name__ == "__main__"`: false in a module being
    /// imported.
    fn static_truth(&self, test: &Expr) -> Option<bool> {
        match test {
            Expr::BooleanLiteral(literal) => Some(literal.value),
            Expr::NoneLiteral(_) => Some(false),
            Expr::NumberLiteral(number) => match &number.value {
                Number::Int(int) => Some(int.as_u64() != Some(0)),
                _ => None,
            },
            Expr::StringLiteral(string) => Some(!string.value.to_str().is_empty()),
            Expr::Compare(compare)
                if compare.ops.len() == 1
                    && matches!(compare.ops[0], CmpOp::Eq | CmpOp::NotEq)
                    && main_test(&compare.left, &compare.comparators[0]) =>
            {
                Some(compare.ops[0] == CmpOp::NotEq)
            }
            // `os.getenv("X", "0").lower() in ("1", "true")`: an unset variable is its
            // default.
            Expr::Compare(compare)
                if compare.ops.len() == 1 && static_string(&compare.left).is_some() =>
            {
                let left = static_string(&compare.left)?;
                let right = &compare.comparators[0];
                match compare.ops[0] {
                    CmpOp::In | CmpOp::NotIn => {
                        let found = string_collection(right)?.contains(&left);
                        Some(found == (compare.ops[0] == CmpOp::In))
                    }
                    CmpOp::Eq => Some(left == static_string(right)?),
                    CmpOp::NotEq => Some(left != static_string(right)?),
                    _ => None,
                }
            }
            Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
                self.static_truth(&unary.operand).map(|value| !value)
            }
            Expr::BoolOp(bool_op) => {
                let values: Vec<Option<bool>> = bool_op
                    .values
                    .iter()
                    .map(|v| self.static_truth(v))
                    .collect();
                // One operand equal to `decisive` decides; all the other way decide too.
                let decisive = bool_op.op == ruff_python_ast::BoolOp::Or;
                if values.contains(&Some(decisive)) {
                    Some(decisive)
                } else if values.iter().all(|v| *v == Some(!decisive)) {
                    Some(!decisive)
                } else {
                    None
                }
            }
            Expr::Compare(compare) if compare.ops.len() == 1 => {
                let op = compare.ops[0];
                let right = &compare.comparators[0];
                let actual = [self.target.python_version.0, self.target.python_version.1];
                // `sys.version_info[0] == 3`, `sys.version_info[:2] >= (3, 8)`
                if let Expr::Subscript(subscript) = compare.left.as_ref()
                    && dotted_path(&subscript.value)
                        .is_some_and(|p| p.last().is_some_and(|l| l == "version_info"))
                {
                    return match subscript.slice.as_ref() {
                        Expr::NumberLiteral(index) => {
                            let index = match &index.value {
                                Number::Int(int) => int.as_u16()? as usize,
                                _ => return None,
                            };
                            let wanted = match right {
                                Expr::NumberLiteral(n) => match &n.value {
                                    Number::Int(int) => u32::from(int.as_u16()?),
                                    _ => return None,
                                },
                                _ => return None,
                            };
                            compare_ordering(op, actual.get(index)?.cmp(&wanted))
                        }
                        Expr::Slice(slice) if slice.lower.is_none() && slice.step.is_none() => {
                            let wanted = version_tuple(right)?;
                            let n = wanted.len().min(2);
                            compare_ordering(op, actual[..n].cmp(&wanted[..n]))
                        }
                        _ => None,
                    };
                }
                let left_path = dotted_path(&compare.left)?;
                let left_path: Vec<&str> = left_path.iter().map(String::as_str).collect();
                match left_path.as_slice() {
                    [.., "version_info"] => {
                        let wanted = version_tuple(right)?;
                        let actual = [self.target.python_version.0, self.target.python_version.1];
                        let actual = &actual[..wanted.len().min(2)];
                        let wanted = &wanted[..wanted.len().min(2)];
                        Some(compare_ordering(op, actual.cmp(wanted))?)
                    }
                    ["os", "name"] => {
                        let os_name = if self.target.platform == "win32" {
                            "nt"
                        } else {
                            "posix"
                        };
                        let wanted = string_value(right)?;
                        match op {
                            CmpOp::Eq => Some(os_name == wanted),
                            CmpOp::NotEq => Some(os_name != wanted),
                            _ => None,
                        }
                    }
                    [.., "sys", "platform"] | ["platform"] => {
                        let wanted = string_value(right)?;
                        match op {
                            CmpOp::Eq => Some(self.target.platform == wanted),
                            CmpOp::NotEq => Some(self.target.platform != wanted),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            Expr::Call(call) => {
                // sys.platform.startswith("win")
                let Expr::Attribute(attribute) = call.func.as_ref() else {
                    return None;
                };
                let object = dotted_path(&attribute.value)?;
                if attribute.attr.as_str() != "startswith" || object.last()? != "platform" {
                    return None;
                }
                let prefix = string_value(call.arguments.args.first()?)?;
                Some(self.target.platform.starts_with(&prefix))
            }
            _ => None,
        }
    }
}

/// `__name__` compared with `"__main__"`, either way round.
fn main_test(left: &Expr, right: &Expr) -> bool {
    let is_name = |e: &Expr| matches!(e, Expr::Name(name) if name.id.as_str() == "__name__");
    let is_main = |e: &Expr| string_value(e).is_some_and(|s| s == "__main__");
    (is_name(left) && is_main(right)) || (is_main(left) && is_name(right))
}

fn compare_ordering(op: CmpOp, ordering: std::cmp::Ordering) -> Option<bool> {
    use std::cmp::Ordering::*;
    Some(match op {
        CmpOp::Eq => ordering == Equal,
        CmpOp::NotEq => ordering != Equal,
        CmpOp::Lt => ordering == Less,
        CmpOp::LtE => ordering != Greater,
        CmpOp::Gt => ordering == Greater,
        CmpOp::GtE => ordering != Less,
        _ => return None,
    })
}

fn version_tuple(expr: &Expr) -> Option<Vec<u32>> {
    let Expr::Tuple(tuple) = expr else {
        return None;
    };
    tuple
        .elts
        .iter()
        .map(|element| match element {
            Expr::NumberLiteral(number) => match &number.value {
                Number::Int(int) => int.as_u16().map(u32::from),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// `Some(true)` for `TYPE_CHECKING` / `typing.TYPE_CHECKING`, `Some(false)` for its negation.
fn type_checking_test(test: &Expr) -> Option<bool> {
    match test {
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
            type_checking_test(&unary.operand).map(|value| !value)
        }
        _ => {
            let path = dotted_path(test)?;
            (path.last()? == "TYPE_CHECKING").then_some(true)
        }
    }
}

fn catches_import_error(handler: &ExceptHandler) -> bool {
    let ExceptHandler::ExceptHandler(handler) = handler;
    let Some(type_) = &handler.type_ else {
        return true;
    };
    let names: Vec<&Expr> = match type_.as_ref() {
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        other => vec![other],
    };
    names.into_iter().any(|name| {
        dotted_path(name).is_some_and(|path| {
            matches!(
                path.last().map(String::as_str),
                Some("ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException")
            )
        })
    })
}

/// The message of a PEP 702 `@deprecated("...")` (or `@deprecated` of the `deprecated` package).
fn deprecated_decorator(decorator: &Decorator) -> Option<String> {
    let (callee, call) = match &decorator.expression {
        Expr::Call(call) => (call.func.as_ref(), Some(call)),
        other => (other, None),
    };
    let path = dotted_path(callee)?;
    if path.last()? != "deprecated" {
        return None;
    }
    let message = call
        .and_then(|call| {
            call.arguments.args.first().or_else(|| {
                call.arguments
                    .keywords
                    .iter()
                    .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "reason"))
                    .map(|k| &k.value)
            })
        })
        .and_then(string_value);
    Some(message.unwrap_or_default())
}

/// A function whose every `return` gives back its first parameter, never rebound:
/// `def export(obj): registry.append(obj); return obj`.
fn returns_first_argument(function: &ruff_python_ast::StmtFunctionDef) -> bool {
    fn returns(body: &[Stmt], parameter: &str, found: &mut bool) -> bool {
        body.iter().all(|stmt| match stmt {
            Stmt::Return(ret) => {
                *found = true;
                ret.value.as_deref().is_some_and(|v| is_name(v, parameter))
            }
            Stmt::Assign(assign) => !assign.targets.iter().any(|t| is_name(t, parameter)),
            Stmt::AugAssign(assign) => !is_name(&assign.target, parameter),
            Stmt::If(stmt_if) => {
                returns(&stmt_if.body, parameter, found)
                    && stmt_if
                        .elif_else_clauses
                        .iter()
                        .all(|c| returns(&c.body, parameter, found))
            }
            Stmt::For(_) | Stmt::While(_) | Stmt::With(_) | Stmt::Try(_) | Stmt::Match(_) => false,
            _ => true,
        })
    }
    let Some(first) = function
        .parameters
        .posonlyargs
        .iter()
        .chain(&function.parameters.args)
        .next()
    else {
        return false;
    };
    let mut found = false;
    returns(&function.body, first.parameter.name.as_str(), &mut found) && found
}

/// A dotted path's parts, interned.
fn names(path: &[String]) -> Vec<Name> {
    path.iter().map(|part| intern(part.as_str())).collect()
}

/// A string known before run time: a literal, an environment variable read with a
/// literal default (`os.getenv("X", "0")`, `os.environ.get(...)`: unset, it is the
/// default), and `.lower()`, `.upper()`, `.strip()` or `.casefold()` of one.
fn static_string(expr: &Expr) -> Option<String> {
    if let Some(literal) = string_value(expr) {
        return Some(literal);
    }
    let Expr::Call(call) = expr else {
        return None;
    };
    let function = dotted_path(&call.func).unwrap_or_default();
    let path: Vec<&str> = function.iter().map(String::as_str).collect();
    match path.as_slice() {
        ["os", "getenv"] | ["os", "environ", "get"] => match &call.arguments.args[..] {
            [name, default] if string_value(name).is_some() => string_value(default),
            _ => None,
        },
        _ => {
            let Expr::Attribute(method) = call.func.as_ref() else {
                return None;
            };
            if !call.arguments.args.is_empty() {
                return None;
            }
            let text = static_string(&method.value)?;
            match method.attr.as_str() {
                "lower" | "casefold" => Some(text.to_lowercase()),
                "upper" => Some(text.to_uppercase()),
                "strip" => Some(text.trim().to_string()),
                _ => None,
            }
        }
    }
}

/// Finds `if <param> == "X": ... warn(..., DeprecationWarning)` inside `__getattr__`.
/// The names `import warnings [as name]` binds in a function body.
struct LocalWarnings(Vec<String>);

impl<'a> Visitor<'a> for LocalWarnings {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Import(import) = stmt {
            for alias in import
                .names
                .iter()
                .filter(|a| a.name.as_str() == "warnings")
            {
                let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                self.0.push(bound.as_str().to_string());
            }
        }
        walk_stmt(self, stmt);
    }
}

struct GuardedWarnings<'w, 'a> {
    walker: &'w Walker<'a>,
    parameter: &'w str,
    guards: Vec<Vec<String>>,
    names: Vec<String>,
}

impl GuardedWarnings<'_, '_> {
    /// The names an `if` test compares the `__getattr__` parameter with.
    fn guarded_names(&self, test: &Expr) -> Vec<String> {
        let Expr::Compare(compare) = test else {
            return Vec::new();
        };
        if !is_name(&compare.left, self.parameter) || compare.ops.len() != 1 {
            return Vec::new();
        }
        let right = &compare.comparators[0];
        match compare.ops[0] {
            CmpOp::Eq => string_value(right).into_iter().collect(),
            CmpOp::In => match right {
                Expr::Name(name) => self
                    .walker
                    .string_collections
                    .get(name.id.as_str())
                    .cloned()
                    .unwrap_or_default(),
                other => string_collection(other).unwrap_or_default(),
            },
            _ => Vec::new(),
        }
    }
}

impl<'a> Visitor<'a> for GuardedWarnings<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::If(stmt_if) = stmt {
            let guard = self.guarded_names(&stmt_if.test);
            self.guards.push(guard);
            for stmt in &stmt_if.body {
                self.visit_stmt(stmt);
            }
            self.guards.pop();
            for clause in &stmt_if.elif_else_clauses {
                let guard = clause
                    .test
                    .as_ref()
                    .map(|test| self.guarded_names(test))
                    .unwrap_or_default();
                self.guards.push(guard);
                for stmt in &clause.body {
                    self.visit_stmt(stmt);
                }
                self.guards.pop();
            }
            return;
        }
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && self.walker.deprecation_warning(call).is_some()
        {
            for guard in &self.guards {
                self.names.extend(guard.iter().cloned());
            }
        }
        walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(source: &str) -> FileSummary {
        summarize(source, false, &Target::default(), Detail::FULL)
    }

    #[test]
    fn a_summary_without_uses_or_statements_is_the_full_one_less_them() {
        let source = "import os\nfrom a import b as c\nX = os.path.join('a', 'b')\n\n\
                      def f():\n    return c.d(X, 'pkg.mod.Name')\n";
        let mut full = summary(source);
        assert!(!full.uses.is_empty() && !full.strings.is_empty());
        full.uses.clear();
        full.use_attributes.clear();
        full.use_names.clear();
        full.strings.clear();
        let imports_only = Detail {
            uses: false,
            statements: true,
        };
        assert_eq!(
            summarize(source, false, &Target::default(), imports_only),
            full
        );
        for import in &mut full.imports {
            import.statement = Text::default();
        }
        for binding in &mut full.bindings {
            binding.statement = Text::default();
        }
        let counts = Detail {
            uses: false,
            statements: false,
        };
        assert_eq!(summarize(source, false, &Target::default(), counts), full);
    }

    #[test]
    fn statements_are_written_on_one_line_and_already_tidy_ones_as_they_are() {
        let long = format!("x = [{}]", "1, ".repeat(100));
        let cases = [
            ("import os.path as p", "import os.path as p"),
            (
                "from a import (\n    b,\n    c,\n)",
                "from a import (b, c,)",
            ),
            ("x = f( a )", "x = f(a)"),
            ("x  =\t1", "x = 1"),
            ("x = 1 + \\\n    2", "x = 1 + 2"),
            ("name = 'caf\u{e9}'", "name = 'caf\u{e9}'"),
            ("x = '\u{a0}'", "x = ' '"),
        ];
        for (text, expected) in cases {
            assert_eq!(one_line(text), expected, "{text:?}");
            assert_eq!(one_line(expected), expected, "{expected:?} again");
        }
        let cut = format!("{}  …", &long[..STATEMENT_CHARS]);
        assert_eq!(one_line(&long), cut);
        assert!(matches!(
            one_line("import os"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn latin1_coding_declaration_is_honoured() {
        let bytes = b"# -*- coding: latin-1 -*-\nname = '\xe9'\n";
        assert_eq!(
            decode(bytes).unwrap(),
            "# -*- coding: latin-1 -*-\nname = '\u{e9}'\n"
        );
    }

    #[test]
    fn a_file_read_into_a_used_buffer_is_that_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let (long, short) = (dir.path().join("long.py"), dir.path().join("short.py"));
        std::fs::write(&long, "x = 1\n".repeat(1000)).unwrap();
        std::fs::write(&short, "y = 2\n").unwrap();
        let open = |path| std::fs::File::open(path).unwrap();
        let buffer = read_file_into(open(&long), Vec::new())
            .unwrap()
            .into_buffer();
        assert_eq!(buffer.len(), 6000);
        let SourceBytes::Bytes(bytes) = read_file_into(open(&short), buffer).unwrap() else {
            panic!("a small file is read");
        };
        assert_eq!(bytes, b"y = 2\n");
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(decode(b"\xef\xbb\xbfx = 1\n").unwrap(), "x = 1\n");
    }

    #[test]
    fn invalid_utf8_is_a_diagnostic_with_its_line() {
        let error = decode(b"x = 1\ny = '\xff'\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(
            error.message.starts_with("not valid UTF-8"),
            "{}",
            error.message
        );
    }

    #[test]
    fn version_checks_and_flags_set_from_them_pick_the_branch_the_target_takes() {
        for (source, first_taken) in [
            (
                "import sys\nif sys.version_info >= (3, 11):\n    from a import X\nelse:\n    from b import X\n",
                true,
            ),
            (
                "import sys\nif sys.version_info[0] == 2:\n    X = 1\nelse:\n    X = 2\n",
                false,
            ),
            (
                "import sys\nif sys.version_info[:2] >= (3, 8):\n    X = 1\nelse:\n    X = 2\n",
                true,
            ),
            (
                "import sys\nPY2 = sys.version_info[0] == 2\nif PY2:\n    X = 1\nelse:\n    X = 2\n",
                false,
            ),
            (
                "import sys\nPY3 = sys.version_info[0] >= 3\nif not PY3:\n    X = 1\nelse:\n    X = 2\n",
                false,
            ),
        ] {
            let s = summary(source);
            let taken: Vec<bool> = s
                .bindings
                .iter()
                .filter(|b| b.name == "X")
                .map(|b| b.taken)
                .collect();
            assert_eq!(taken, vec![first_taken, !first_taken], "{source}");
        }
    }

    #[test]
    fn type_checking_bindings_are_flagged_and_not_taken() {
        let s =
            summary("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from a import X\n");
        let x = s.bindings.iter().find(|b| b.name == "X").unwrap();
        assert!(x.type_checking && !x.taken);
        assert_eq!(s.imports[1].context.labels(), vec!["type_checking"]);
    }

    #[test]
    fn all_forms_are_recorded_in_order() {
        let s = summary(
            "from .a import __all__\n__all__ = ['x'] + b.__all__\n__all__ += ('y',)\n__all__.append('z')\n__all__.extend(['w'])\n__all__.remove('x')\n",
        );
        assert_eq!(s.all.len(), 6);
        assert_eq!(s.all[5], AllChange::Remove("x".to_string()));
        assert_eq!(
            s.all[1],
            AllChange::Set(vec![
                AllPart::Names(vec!["x".to_string()]),
                AllPart::ModuleAll(vec!["b".to_string()])
            ])
        );
    }

    #[test]
    fn an_all_built_from_names_bound_to_other_alls_and_lists_is_followed() {
        // Django's `__all__ = aggregates_all + constraints_all + …` after
        // `from .aggregates import __all__ as aggregates_all`.
        let s = summary(
            "from .a import __all__ as a_all\nextra = ['q']\n__all__ = a_all + extra + ['z']\n",
        );
        assert_eq!(
            s.all,
            vec![AllChange::Set(vec![
                AllPart::ImportedAll {
                    module: Some("a".to_string()),
                    level: 1
                },
                AllPart::Names(vec!["q".to_string()]),
                AllPart::Names(vec!["z".to_string()]),
            ])]
        );
    }

    #[test]
    fn module_getattr_deprecations_are_found() {
        let s = summary(
            "import warnings as w\n_OLD = {'Old': 1}\ndef __getattr__(name):\n    if name in _OLD:\n        w.warn('gone', DeprecationWarning)\n    raise AttributeError(name)\n",
        );
        assert_eq!(s.getattr, Some(3));
        assert_eq!(s.deprecated_names, vec!["Old".to_string()]);
    }

    #[test]
    fn a_getattr_that_imports_warnings_itself_still_deprecates() {
        let s = summary(
            "def __getattr__(name):\n    if name == 'Old':\n        import warnings\n        warnings.warn('moved', DeprecationWarning)\n        from new import Old\n        return Old\n    raise AttributeError(name)\n",
        );
        assert_eq!(s.deprecated_names, vec!["Old".to_string()]);
    }

    #[test]
    fn a_decorated_definition_starts_at_its_first_decorator() {
        let source = "import os\n\n\n@dataclass\n@other(1)\nclass A:\n    x = 1\n\n\ndef f():\n    global Y\n    return lambda: os\n";
        let found = layout(source, false);
        let spans: Vec<(&str, StatementKind)> = found
            .statements
            .iter()
            .map(|s| (&source[s.span.start as usize..s.span.end as usize], s.kind))
            .collect();
        assert_eq!(
            spans,
            vec![
                ("import os", StatementKind::Import),
                (
                    "@dataclass\n@other(1)\nclass A:\n    x = 1",
                    StatementKind::Definition
                ),
                (
                    "def f():\n    global Y\n    return lambda: os",
                    StatementKind::Definition
                ),
            ]
        );
        assert_eq!(found.globals[0].name, "Y");
        let class_body = source.find("x = 1").unwrap() as u32;
        let function_body = source.find("global").unwrap() as u32;
        assert!(found.runs_at_import(class_body));
        assert!(!found.runs_at_import(function_body));
    }

    #[test]
    fn import_blocks_and_assignments_are_told_apart() {
        let source = "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nif TYPE_CHECKING:\n    from a import B\ntry:\n    import fast\nexcept ImportError:\n    fast = None\nA = B = 1\nx.y = 2\n";
        let kinds: Vec<(StatementKind, Vec<String>, bool)> = layout(source, false)
            .statements
            .into_iter()
            .map(|s| (s.kind, s.names, s.other_targets))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (StatementKind::Docstring, vec![], false),
                (
                    StatementKind::FutureImport,
                    vec!["annotations".into()],
                    false
                ),
                (StatementKind::ImportBlock, vec![], false),
                (StatementKind::ImportBlock, vec![], false),
                (
                    StatementKind::Assignment,
                    vec!["A".into(), "B".into()],
                    false
                ),
                (StatementKind::Assignment, vec![], true),
            ]
        );
    }
}
