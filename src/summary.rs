//! What one Python file says about imports and names, independent of every other file.
//!
//! A `FileSummary` is plain data: `parse` produces it, `index` consumes it, and it never
//! refers to the parser's AST types.

use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

/// A statement's text, interned like names: one statement's text serves all its names
/// and bindings, and the same statements recur across files (`import logging`,
/// `_LOGGER = logging.getLogger(__name__)`).
pub type Text = Name;

/// An identifier or dotted module path (`annotations`, `HomeAssistant`,
/// `homeassistant.const`), interned once for the whole run.
pub use crate::name::{Name, intern};

/// A 1-based line and column (columns count characters, as editors do).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Position {
    pub line: u32,
    pub col: u32,
}

/// A byte range of the decoded source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

/// Where an import statement sits, which changes what it means at run time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Context {
    /// Inside `if TYPE_CHECKING:`: never executed at run time.
    pub type_checking: bool,
    /// Inside the body of a `try` whose handler catches `ImportError`.
    pub try_import: bool,
    /// Inside a function body: executed lazily, on call.
    pub function: bool,
    /// Under some other `if` (or its `else`), or in an `except` handler.
    pub conditional: bool,
}

impl Context {
    /// The context flags as the export schema names them.
    pub fn labels(&self) -> Vec<&'static str> {
        let mut labels = Vec::new();
        if self.type_checking {
            labels.push("type_checking");
        }
        if self.try_import {
            labels.push("try_import");
        }
        if self.function {
            labels.push("function");
        }
        if self.conditional {
            labels.push("conditional");
        }
        labels
    }
}

/// One imported name of one import statement. `from m import a, b` yields two sites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSite {
    pub position: Position,
    /// The module as written, without leading dots (`None` for `from . import x`).
    pub module: Option<Name>,
    /// Leading dots of a relative import; 0 for absolute imports.
    pub level: u32,
    /// The imported name for `from` imports (`*` for a star import); `None` for `import a.b`.
    pub name: Option<Name>,
    pub alias: Option<Name>,
    pub context: Context,
    /// The statement's source text, whitespace collapsed onto one line.
    pub statement: Text,
    /// The whole statement, and this name's `name [as alias]` within it (what `fix`
    /// rewrites).
    pub statement_span: Span,
    pub alias_span: Span,
    /// How many names the statement imports.
    pub names_in_statement: u32,
}

impl ImportSite {
    /// The name the import binds where it runs: the alias, the imported name, or for
    /// `import a.b` the top package `a`; `None` for a star import.
    pub fn bound_name(&self) -> Option<&'static str> {
        match (self.alias, self.name) {
            (Some(alias), _) => Some(alias.as_str()),
            (None, Some(name)) => (name != "*").then_some(name.as_str()),
            (None, None) => self.module.and_then(|m| m.as_str().split('.').next()),
        }
    }
}

/// What a top-level name is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BindingKind {
    Class,
    Function,
    /// Any other value: `X = 1`, `X: int = f()`.
    Variable,
    /// `X = Y` or `X = mod.Y`: a dotted name path, first element looked up in this module.
    Alias(Box<[Name]>),
    /// `from module import name [as X]` (relative: `level` dots).
    FromImport {
        module: Option<Name>,
        level: u32,
        name: Name,
    },
    /// `import a.b as X` binds X to `a.b`; plain `import a.b` binds `a` to `a`.
    Import {
        module: Name,
    },
    /// `del X` at module level: from here on the name is unbound.
    Deleted,
}

/// A top-level name binding, in source order within its file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub name: Name,
    pub kind: BindingKind,
    pub position: Position,
    /// False when the binding sits in a branch Python does not take by default: an
    /// `except` handler, an `if TYPE_CHECKING:` body, a branch statically false.
    pub taken: bool,
    /// Inside any `if`/`try` at module level: there may be other ways the name is bound.
    pub conditional: bool,
    pub type_checking: bool,
    /// What few bindings have, apart: a repository has millions of bindings (64 bytes
    /// each with it boxed, 80 without).
    pub uncommon: Option<Box<Uncommon>>,
    pub statement: Text,
}

/// The parts of a `Binding` that few bindings have.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uncommon {
    /// Set by `@deprecated(...)` on a class or function.
    pub deprecated: Option<Name>,
    /// In a branch of an `if` whose test only the run time decides (see `Decision`).
    pub branch: Option<BranchRef>,
    /// `X = f(Y)` with dotted names: `f` and `Y`. When `f` returns its argument
    /// unchanged (`identity_functions`), `X` is `Y`; otherwise a value defined here.
    pub wraps: Option<Wrapped>,
}

impl Binding {
    pub fn deprecated(&self) -> Option<Name> {
        self.uncommon.as_ref().and_then(|u| u.deprecated)
    }

    pub fn branch(&self) -> Option<BranchRef> {
        self.uncommon.as_ref().and_then(|u| u.branch)
    }

    pub fn wraps(&self) -> Option<&Wrapped> {
        self.uncommon.as_ref().and_then(|u| u.wraps.as_ref())
    }

    /// The uncommon parts, made on first use.
    pub fn uncommon_mut(&mut self) -> &mut Uncommon {
        self.uncommon.get_or_insert_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    pub function: Vec<Name>,
    pub argument: Vec<Name>,
}

/// A binding's place in an `if` decided at run time: branch `branch` of decision
/// `decision` of its file. `outer_taken` says whether the `if` itself runs by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchRef {
    pub decision: u32,
    pub branch: u32,
    pub outer_taken: bool,
}

/// An `if` at module level whose test cannot be evaluated from the source alone. Python
/// takes the first branch whose rule holds; when none does, the first branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub line: u32,
    /// The `if` line, as written.
    pub test: Text,
    pub branches: Vec<BranchRule>,
}

/// A module-level flag a `try:` of imports sets: `on_success` when the imports
/// `start..end` of `FileSummary::imports` succeed, the other value when they fail. With
/// `in_function` the imports are those of a function the `try:` calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFlag {
    pub start: u32,
    pub end: u32,
    pub in_function: bool,
    pub on_success: bool,
}

/// When a branch of a `Decision` is the one Python takes. Import ranges index
/// `FileSummary::imports` (sites inside functions are left out when judging).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BranchRule {
    /// An `else:` or a test that is statically true.
    Always,
    /// The test is `value` when the flag is true (a flag of this module).
    Flag { flag: ImportFlag, value: bool },
    /// The same for a flag this module imports: binding `binding` names it.
    ImportedFlag { binding: u32, value: bool },
    /// A test whose value the environment decides (index into `FileSummary::env_tests`).
    EnvTest { test: u32 },
    /// Test `test` (index into `FileSummary::value_tests`) of a value this module
    /// imports (binding `binding`) that the environment decides where it is set; when
    /// it does not, as `OwnImportsResolve`.
    ImportedValue {
        binding: u32,
        test: u32,
        start: u32,
        end: u32,
    },
    /// A test only the environment decides (`os.environ.get(...)`): the branch whose own
    /// imports resolve, inside the repository or its environment.
    OwnImportsResolve { start: u32, end: u32 },
}

/// A value as far as the code tells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Str(String),
    Bool(bool),
    None,
    /// Some object other than `None` (what a probe returns when its imports succeed).
    Object,
}

impl Value {
    pub fn truthy(&self) -> bool {
        match self {
            Value::Str(text) => !text.is_empty(),
            Value::Bool(value) => *value,
            Value::None => false,
            Value::Object => true,
        }
    }
}

/// A module-level value read from the environment: an environment variable unset (its
/// default), or what probe functions return depending on whether their imports resolve:
/// a tree over those import flags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnvValue {
    Leaf(Value),
    Branch {
        flag: Condition,
        when_true: Box<EnvValue>,
        when_false: Box<EnvValue>,
    },
}

/// What a branch of an `EnvValue` turns on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    /// The imports of a probe function resolve.
    Imports(ImportFlag),
    /// The module can be imported (`importlib.util.find_spec("x")`, an optional
    /// `import_module("x")` that returns `None` when it cannot).
    Importable(String),
}

/// A test of a value another module sets: true when the value is one of `one_of` (or,
/// without it, when the value is truthy), the other way round when `negated`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueTest {
    pub one_of: Option<Vec<Value>>,
    pub negated: bool,
}

impl ValueTest {
    pub fn holds(&self, value: &Value) -> bool {
        let found = match &self.one_of {
            Some(values) => values.contains(value),
            None => value.truthy(),
        };
        found != self.negated
    }
}

/// `from module import *` at module level, in source order with the bindings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarImport {
    pub module: Option<Name>,
    pub level: u32,
    pub position: Position,
    pub taken: bool,
    pub statement: Text,
    /// Index into `FileSummary::bindings` of the first binding made after this star import.
    pub order: usize,
    pub branch: Option<BranchRef>,
}

/// A read of a module-level name (one no local scope shadows), or of a name a function's
/// own import binds, with the attribute chain read on it: `wmf.create_manager(...)` is
/// `wmf` with `create_manager`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Use {
    /// Index into `FileSummary::use_names`.
    pub name: u32,
    /// Of the name token.
    pub position: Position,
    /// Where its attributes start in `use_attributes`; they end where the next use's
    /// start (see `FileSummary::uses_with_attributes`).
    pub attributes: u32,
    /// A name a function's own import binds: that import (index into `imports`);
    /// `u32::MAX` for a module-level name.
    pub import: u32,
}

/// A string literal that names a module or a definition by its dotted path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StringTarget {
    /// The dotted path (`module:attr` already written `module.attr`).
    pub path: String,
    /// Of the first character inside the quotes.
    pub position: Position,
    pub kind: StringKind,
}

/// What reads a `StringTarget`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StringKind {
    /// `mock.patch("…")`, `patch("…")`, `patch.dict("…")`.
    Patch,
    /// `importlib.import_module("…")`, `__import__("…")`.
    ImportModule,
    /// `pkgutil.resolve_name("…")`, `pydoc.locate("…")`.
    ResolveName,
    /// `mock.patch.object(target, "name")`: `path` is `target`'s dotted name in the
    /// file's module, then `name`.
    PatchObject,
    /// An entry of the module's `__all__`: `path` is the name.
    All,
    /// `module:attr` of an entry point in `pyproject.toml` or `setup.cfg`.
    EntryPoint,
    /// Any other literal with two dots or more: a reference only when it names an
    /// existing path of the repository exactly.
    Literal,
}

impl StringKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StringKind::Patch => "mock.patch",
            StringKind::ImportModule => "import_module",
            StringKind::ResolveName => "resolve_name",
            StringKind::PatchObject => "mock.patch.object",
            StringKind::All => "__all__",
            StringKind::EntryPoint => "entry_point",
            StringKind::Literal => "literal",
        }
    }

    /// The path starts at a name of the file's own module, not at a top-level package.
    pub fn in_own_module(self) -> bool {
        matches!(self, StringKind::PatchObject | StringKind::All)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseAttribute {
    /// Index into `FileSummary::use_names`.
    pub name: u32,
    /// Of the attribute's name token.
    pub position: Position,
}

/// A `def` (or a name assigned) directly in the body of a top-level class: what
/// `X = Class.member` reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The class's index in `FileSummary::bindings`.
    pub class: u32,
    pub name: Name,
    /// `Function` or `Variable`.
    pub kind: BindingKind,
    pub position: Position,
    pub statement: Text,
}

/// `globals().update({n: getattr(OBJECT, n) for n in NAMES})` and its generator and
/// `dir(OBJECT)` forms: each name becomes the module's, bound to that attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalsExport {
    /// The object's dotted path, looked up in the module.
    pub object: Vec<Name>,
    /// The names listed; `None` for every attribute (`dir(OBJECT)`).
    pub names: Option<Vec<String>>,
    /// `if not n.startswith("_")`: private names are left out.
    pub public_only: bool,
    pub position: Position,
    pub statement: Text,
}

/// `sys.modules[__name__] = path`: where, and the dotted name put in the module's place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleSwap {
    pub path: Vec<String>,
    pub position: Position,
    pub statement: Text,
}

/// One entry of a vendored `six`'s moves, as Python 3 binds it: `moves.<name>` (or
/// `moves.urllib.<table>.<name>`) is module `module`, or its attribute `attr`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SixMove {
    /// Where under `moves` the name lives: empty, or `urllib.parse`, `urllib.error`, …
    pub table: String,
    pub name: String,
    pub module: String,
    /// `None` for a `MovedModule`.
    pub attr: Option<String>,
    pub position: Position,
    pub statement: Text,
}

/// One piece of an `__all__` expression.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllPart {
    Names(Vec<String>),
    /// `mod.__all__` where `mod` is a dotted name path bound in this module.
    ModuleAll(Vec<String>),
    /// `from module import __all__`.
    ImportedAll {
        module: Option<String>,
        level: u32,
    },
}

/// How a statement changes `__all__`, in source order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllChange {
    Set(Vec<AllPart>),
    Extend(Vec<AllPart>),
    Remove(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: u32,
    pub message: String,
}

impl FileSummary {
    /// What this module, named `own_name`, puts in its own place in `sys.modules`:
    /// `sys.modules[__name__] = X`, or its own name spelled out.
    pub fn swap(&self, own_name: &str) -> Option<&ModuleSwap> {
        self.replaced_by.as_deref().or_else(|| {
            self.registers
                .iter()
                .find(|(key, _)| key == own_name)
                .map(|(_, swap)| swap)
        })
    }

    /// Every use with the attributes read on it, in source order.
    pub fn uses_with_attributes(&self) -> impl Iterator<Item = (&Use, &[UseAttribute])> {
        let ends = (self.uses.iter().skip(1).map(|next| next.attributes))
            .chain([self.use_attributes.len() as u32]);
        self.uses.iter().zip(ends).map(|(used, end)| {
            let attributes = self
                .use_attributes
                .get(used.attributes as usize..end as usize);
            (used, attributes.unwrap_or_default())
        })
    }

    /// The classes, functions and values the file binds (what `stats` counts).
    pub fn definition_count(&self) -> u32 {
        self.bindings
            .iter()
            .filter(|b| {
                matches!(
                    b.kind,
                    BindingKind::Class | BindingKind::Function | BindingKind::Variable
                )
            })
            .count() as u32
    }
}

/// Most files have none of most of these lists: the rare ones are `ThinVec`s, one word
/// when empty (a repository's summaries are all held at once).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub imports: Vec<ImportSite>,
    pub bindings: Vec<Binding>,
    pub stars: ThinVec<StarImport>,
    pub all: ThinVec<AllChange>,
    /// The `if`s at module level that the run time decides.
    pub decisions: ThinVec<Decision>,
    /// The module's import flags by name (other modules' tests may import them).
    pub import_flags: ThinVec<(String, ImportFlag)>,
    /// Names set to a test the target decides (`py311 = sys.version_info >= (3, 11)`).
    pub static_flags: ThinVec<(String, bool)>,
    /// Every read of a module-level name, in source order (see `Use`).
    #[serde(with = "packed_uses")]
    pub uses: Vec<Use>,
    #[serde(with = "packed_attributes")]
    pub use_attributes: Vec<UseAttribute>,
    /// The names `uses` and `use_attributes` refer to, each once.
    pub use_names: Vec<Name>,
    /// String literals that name a dotted path, in source order.
    pub strings: ThinVec<StringTarget>,
    /// The members of top-level classes, class by class in source order.
    pub members: ThinVec<Member>,
    /// Module-level functions that return their first argument unchanged (`def
    /// export(obj): ...; return obj`).
    pub identity_functions: ThinVec<String>,
    /// Line of a module-level `globals().update(...)` or `globals()[name] = ...` whose
    /// names only running the module tells.
    pub globals_update: Option<u32>,
    /// Module-level names whose values the environment decides (`KIND =
    /// os.getenv("KIND", "auto")`, `_fast = _probe()`), for modules that import them.
    pub env_values: ThinVec<(String, EnvValue)>,
    /// The tests of `BranchRule::ImportedValue` rules.
    pub value_tests: ThinVec<ValueTest>,
    /// The tests of `BranchRule::EnvTest` rules: values whose truth decides.
    pub env_tests: ThinVec<EnvValue>,
    /// `globals().update(...)` at module level whose names can be told from the code.
    pub globals_exports: ThinVec<GlobalsExport>,
    /// `def __getattr__(name): return getattr(OBJECT, name)`: where the module sends the
    /// names it does not bind.
    pub getattr_forward: Option<Vec<Name>>,
    /// Module-level names last set by calling a class-like name (`_default = Context()`):
    /// the called path, whose class makes the name its instance.
    pub instances: ThinVec<(Name, Vec<Name>)>,
    /// Members (indexes into `members`) that are a class's `__getattr__` making classes
    /// with `type(name, bases, namespace)`.
    pub class_makers: ThinVec<u32>,
    /// The dotted base classes of top-level classes (binding index, bases in order).
    pub class_bases: ThinVec<(u32, ThinVec<Vec<Name>>)>,
    /// `sys.modules[__name__] = X` at module level, `X` a dotted name: importers of the
    /// module get `X` instead.
    pub replaced_by: Option<Box<ModuleSwap>>,
    /// `sys.modules["pkg.name"] = X` at module level: the module `pkg.name`, which no
    /// file holds, is `X`.
    pub registers: ThinVec<(String, ModuleSwap)>,
    /// A vendored `six`: its `MovedModule`/`MovedAttribute` tables, which make the
    /// modules `<six>.moves`, `<six>.moves.<name>` and `<six>.moves.urllib.*`.
    pub six_moves: ThinVec<SixMove>,
    /// Line of a module-level `def __getattr__`.
    pub getattr: Option<u32>,
    /// `from m import N` inside a module `__getattr__`: how a lazy package provides `N`.
    pub getattr_imports: ThinVec<Binding>,
    /// The module calls `lazy_loader.attach_stub(__name__, __file__)`: the names its
    /// companion `.pyi` imports are bound on first access.
    pub lazy_stub: bool,
    /// Names for which the module's `__getattr__` emits a deprecation warning.
    pub deprecated_names: ThinVec<String>,
    /// Message of a module-level `warnings.warn(..., DeprecationWarning)`.
    pub deprecated: Option<String>,
    /// `# ssot-graph: ignore[...]` comments, by line.
    pub suppressions: ThinVec<Suppression>,
    pub diagnostics: ThinVec<Diagnostic>,
}

/// An inline suppression: `# ssot-graph: ignore[ID, ...]`, or a bare
/// `# ssot-graph: ignore` (every rule) on the line a finding points at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub line: u32,
    /// The rule ids named; empty for a bare marker.
    pub rules: Vec<String>,
}

pub const SUPPRESSION_MARKER: &str = "ssot-graph: ignore";

impl Suppression {
    /// Every suppression in `source`, line by line (a marker after a `#`).
    pub fn find_all(source: &str) -> Vec<Suppression> {
        if !source.contains(SUPPRESSION_MARKER) {
            return Vec::new();
        }
        source
            .lines()
            .enumerate()
            .filter_map(|(number, text)| {
                Suppression::in_line(text).map(|rules| Suppression {
                    line: number as u32 + 1,
                    rules,
                })
            })
            .collect()
    }

    /// The rule ids a suppression on `line` names: `None` without one, an empty list
    /// for a bare marker.
    pub fn in_line(line: &str) -> Option<Vec<String>> {
        let comment = &line[line.find('#')?..];
        let rest = &comment[comment.find(SUPPRESSION_MARKER)? + SUPPRESSION_MARKER.len()..];
        Some(match rest.strip_prefix('[') {
            None => Vec::new(),
            Some(list) => list
                .split(']')
                .next()
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }

    pub fn covers(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule)
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    #[test]
    fn a_binding_takes_64_bytes() {
        // Millions are held at once on a large repository: a field more is megabytes.
        assert_eq!(std::mem::size_of::<super::Binding>(), 64);
    }
}

/// `uses` packed (`crate::packed`): a use takes 6 or 7 bytes.
mod packed_uses {
    use serde::{Deserializer, Serializer};

    use super::{Position, Use};
    use crate::packed::{Bytes, pack, put, put_delta, unpack};

    pub fn serialize<S: Serializer>(uses: &[Use], serializer: S) -> Result<S::Ok, S::Error> {
        let (mut line, mut attributes) = (0, 0);
        pack(uses, 6, serializer, |out, used| {
            put(out, u64::from(used.name));
            put_delta(out, used.position.line, line);
            put(out, u64::from(used.position.col));
            put_delta(out, used.attributes, attributes);
            // `u32::MAX` (a module-level name) is the common case: one byte.
            put(out, u64::from(used.import.wrapping_add(1)));
            (line, attributes) = (used.position.line, used.attributes);
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Use>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        // Every use takes five bytes or more.
        let (mut line, mut attributes) = (0, 0);
        unpack(&bytes, 5, "uses", |reader| {
            let name = reader.get_u32()?;
            line = reader.get_delta(line)?;
            let col = reader.get_u32()?;
            attributes = reader.get_delta(attributes)?;
            let import = reader.get_u32()?.wrapping_sub(1);
            Some(Use {
                name,
                position: Position { line, col },
                attributes,
                import,
            })
        })
    }
}

/// `use_attributes` packed (`crate::packed`).
mod packed_attributes {
    use serde::{Deserializer, Serializer};

    use super::{Position, UseAttribute};
    use crate::packed::{Bytes, pack, put, put_delta, unpack};

    pub fn serialize<S: Serializer>(
        attributes: &[UseAttribute],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut line = 0;
        pack(attributes, 4, serializer, |out, attribute| {
            put(out, u64::from(attribute.name));
            put_delta(out, attribute.position.line, line);
            put(out, u64::from(attribute.position.col));
            line = attribute.position.line;
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<UseAttribute>, D::Error> {
        let bytes = deserializer.deserialize_bytes(Bytes)?;
        let mut line = 0;
        unpack(&bytes, 3, "attributes", |reader| {
            let name = reader.get_u32()?;
            line = reader.get_delta(line)?;
            let col = reader.get_u32()?;
            Some(UseAttribute {
                name,
                position: Position { line, col },
            })
        })
    }
}

#[cfg(test)]
mod packing_tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Table {
        #[serde(with = "packed_uses")]
        uses: Vec<Use>,
        #[serde(with = "packed_attributes")]
        attributes: Vec<UseAttribute>,
    }

    #[test]
    fn uses_and_attributes_survive_packing_and_damage_is_an_error() {
        let at = |line, col| Position { line, col };
        let table = Table {
            uses: vec![
                Use {
                    name: 3,
                    position: at(10, 5),
                    attributes: 0,
                    import: u32::MAX,
                },
                // Out of source order (a decorator read after its function's body).
                Use {
                    name: 0,
                    position: at(2, 1),
                    attributes: 2,
                    import: 7,
                },
                Use {
                    name: u32::MAX - 1,
                    position: at(u32::MAX, u32::MAX),
                    attributes: u32::MAX,
                    import: 0,
                },
            ],
            attributes: vec![
                UseAttribute {
                    name: 1,
                    position: at(10, 9),
                },
                UseAttribute {
                    name: 2,
                    position: at(11, 1),
                },
            ],
        };
        let bytes = bincode::serialize(&table).unwrap();
        assert_eq!(bincode::deserialize::<Table>(&bytes).unwrap(), table);
        for cut in [8, 12, bytes.len() - 1] {
            assert!(
                bincode::deserialize::<Table>(&bytes[..cut]).is_err(),
                "{cut}"
            );
        }
    }
}
