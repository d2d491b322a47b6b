//! Every read of a module-level name in a file, with the attribute chain read on it,
//! following Python's scoping: a name assigned anywhere in a function is local to all of
//! it (unless declared `global`); parameters, `except … as`, walrus targets, `match`
//! captures and imports bind too; a class body's names are not visible in its methods;
//! comprehensions, lambdas and PEP 695 type parameters have scopes of their own;
//! decorators, defaults, base classes and annotations are read in the enclosing scope.

use rustc_hash::{FxHashMap, FxHashSet};

use ruff_python_ast::visitor::{Visitor, walk_comprehension, walk_expr, walk_pattern, walk_stmt};
use ruff_python_ast::{
    Comprehension, ExceptHandler, Expr, ExprContext, Parameters, Pattern, Stmt, StringFlags,
    TypeParam, TypeParams,
};
use ruff_text_size::{Ranged, TextSize};

use super::lines::LineIndex;
use crate::summary::{FileSummary, Position, StringKind, StringTarget, Use, UseAttribute, intern};

/// Names Python finds in `builtins` when a module binds no such name.
const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__debug__",
    "__doc__",
    "__file__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

/// Records the file's uses of module-level names into `summary` (whose bindings and
/// star imports are already known).
pub fn collect(source: &str, body: &[Stmt], lines: &LineIndex, summary: &mut FileSummary) {
    // A name only a function binds (through `global`) is no binding the resolver knows:
    // its reads reference nothing and are not recorded.
    let import_at = import_index(summary);
    let tracked = Tracked {
        module: summary.bindings.iter().map(|b| b.name.as_str()).collect(),
        any_star: !summary.stars.is_empty(),
        imported_in_functions: import_at
            .values()
            .flatten()
            .map(|&(name, _)| name)
            .collect(),
        walrus: source.contains(":="),
    };
    let mut collector = Collector {
        source,
        import_at,
        lines,
        tracked: &tracked,
        scopes: Vec::new(),
        names: FxHashMap::default(),
        summary,
    };
    for stmt in body {
        collector.visit_stmt(stmt);
    }
}

/// Each import inside a function, by where its statement starts and the name it binds.
fn import_index(summary: &FileSummary) -> FxHashMap<TextSize, Vec<(&'static str, u32)>> {
    let mut index: FxHashMap<TextSize, Vec<(&'static str, u32)>> = FxHashMap::default();
    let sites = summary
        .imports
        .iter()
        .enumerate()
        .filter(|(_, site)| site.context.function)
        .filter_map(|(index, site)| {
            let bound = site.bound_name()?;
            Some((
                TextSize::new(site.statement_span.start),
                bound,
                index as u32,
            ))
        });
    for (at, bound, site) in sites {
        index.entry(at).or_default().push((bound, site));
    }
    index
}

/// A scope between the module and the code being read.
struct Scope<'a> {
    kind: ScopeKind,
    /// Names bound in the scope (for a class: those bound by the statements before).
    bound: Names<'a>,
    /// `global` names of a function scope.
    globals: Names<'a>,
    /// Names the scope's own imports bind, with the import (index into `imports`).
    imports: FxHashMap<&'a str, u32>,
}

/// What a read of a name reads.
enum Read {
    Module,
    Import(u32),
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Function,
    Class,
    /// Comprehensions and PEP 695 type parameters.
    Other,
}

/// What the file binds that a read may reach: only these names need their scopes
/// followed (any other name read is a local or a builtin).
struct Tracked {
    /// The names the module binds at module level.
    module: FxHashSet<&'static str>,
    /// A star import may bind any name.
    any_star: bool,
    /// The names imports inside functions bind.
    imported_in_functions: FxHashSet<&'static str>,
    /// The file has a `:=` somewhere.
    walrus: bool,
}

impl Tracked {
    /// Whether a read of `name` could reach a module-level binding.
    fn module(&self, name: &str) -> bool {
        self.module.contains(name) || (self.any_star && BUILTINS.binary_search(&name).is_err())
    }

    /// Whether a read of `name` could reach a module-level binding or a function's import.
    fn contains(&self, name: &str) -> bool {
        self.module(name) || self.imported_in_functions.contains(name)
    }
}

struct Collector<'a, 's> {
    source: &'a str,
    /// Each import inside a function by its statement's start: the names it binds, with
    /// their index in `imports`.
    import_at: FxHashMap<TextSize, Vec<(&'static str, u32)>>,
    lines: &'a LineIndex<'a>,
    tracked: &'a Tracked,
    scopes: Vec<Scope<'a>>,
    /// Each name of `summary.use_names` with its index.
    names: FxHashMap<&'a str, u32>,
    summary: &'s mut FileSummary,
}

impl<'a> Collector<'a, '_> {
    /// What a read of `name` here reads: the module-level binding, a function's own
    /// import, or something else (a local, a builtin).
    fn reads(&self, name: &str) -> Read {
        // Most reads are of locals and builtins: one lookup says so.
        let module = self.tracked.module(name);
        if !module && !self.tracked.imported_in_functions.contains(name) {
            return Read::Other;
        }
        for (depth, scope) in self.scopes.iter().enumerate().rev() {
            let innermost = depth + 1 == self.scopes.len();
            match scope.kind {
                // A class body's names are seen by the class body itself only.
                ScopeKind::Class if !innermost => continue,
                ScopeKind::Function if scope.globals.contains(name) => return Read::Module,
                _ => {}
            }
            if let Some(&import) = scope.imports.get(name) {
                return Read::Import(import);
            }
            if scope.bound.contains(name) {
                return Read::Other;
            }
        }
        if module { Read::Module } else { Read::Other }
    }

    fn position(&self, offset: TextSize) -> Position {
        self.lines.position(offset)
    }

    fn name_index(&mut self, name: &'a str) -> u32 {
        if let Some(&index) = self.names.get(name) {
            return index;
        }
        let index = self.summary.use_names.len() as u32;
        self.summary.use_names.push(intern(name));
        self.names.insert(name, index);
        index
    }

    /// Records `name.attr1.attr2…` read at `name_at`.
    fn record(&mut self, name: &'a str, name_at: TextSize, attributes: &[(&'a str, TextSize)]) {
        let import = match self.reads(name) {
            Read::Module => u32::MAX,
            Read::Import(import) => import,
            Read::Other => return,
        };
        let start = self.summary.use_attributes.len() as u32;
        for &(attribute, at) in attributes {
            let attribute = UseAttribute {
                name: self.name_index(attribute),
                position: self.position(at),
            };
            self.summary.use_attributes.push(attribute);
        }
        let record = Use {
            name: self.name_index(name),
            position: self.position(name_at),
            attributes: start,
            import,
        };
        self.summary.uses.push(record);
    }

    fn push(&mut self, kind: ScopeKind, bound: Names<'a>, globals: Names<'a>) {
        self.scopes.push(Scope {
            kind,
            bound,
            globals,
            imports: FxHashMap::default(),
        });
    }

    fn function_body(&mut self, parameters: Option<&'a Parameters>, body: FunctionBody<'a>) {
        let mut declared = Declared::new(self.tracked);
        if let Some(parameters) = parameters {
            declared.parameters(parameters);
        }
        match body {
            FunctionBody::Statements(statements) => {
                for stmt in statements {
                    declared.visit_stmt(stmt);
                }
            }
            FunctionBody::Expression(expr) => declared.visit_expr(expr),
        }
        let mut bound = declared.bound;
        bound.retain(|name| !declared.globals.contains(name));
        let imports = declared
            .imports
            .iter()
            .filter_map(|&(name, at)| {
                let (_, site) = self.import_at.get(&at)?.iter().find(|(n, _)| *n == name)?;
                Some((name, *site))
            })
            .collect();
        self.push(ScopeKind::Function, bound, declared.globals);
        if let Some(scope) = self.scopes.last_mut() {
            scope.imports = imports;
        }
        match body {
            FunctionBody::Statements(statements) => {
                for stmt in statements {
                    self.visit_stmt(stmt);
                }
            }
            FunctionBody::Expression(expr) => self.visit_expr(expr),
        }
        self.scopes.pop();
    }

    /// Parameter defaults and annotations, read in the enclosing scope.
    fn parameter_values(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = parameter.annotation() {
                self.visit_annotation(annotation);
            }
        }
    }

    /// A scope for PEP 695 type parameters, when there are any.
    fn type_params(&mut self, type_params: Option<&'a TypeParams>) -> bool {
        let Some(type_params) = type_params else {
            return false;
        };
        let bound = type_params.iter().map(type_param_name).collect();
        self.push(ScopeKind::Other, bound, Names::default());
        for param in type_params.iter() {
            self.visit_type_param(param);
        }
        true
    }

    /// A string annotation (`x: "Manager"`) read as the expression it holds, when the
    /// literal is exactly its text (no escapes, one part).
    fn string_annotation(&mut self, literal: &ruff_python_ast::ExprStringLiteral) {
        let [part] = literal.value.as_slice() else {
            return;
        };
        let content = part
            .range()
            .add_start(part.flags.opener_len())
            .sub_end(part.flags.closer_len());
        if self.source.get(content.to_std_range()) != Some(part.value.as_ref()) {
            return;
        }
        // The nesting scan skips string contents: one nested too deep to parse is skipped.
        if crate::nesting::too_deep(&part.value).is_some() {
            return;
        }
        if let Ok(parsed) = ruff_python_parser::parse_string_annotation(self.source, part) {
            InAnnotation(self).visit_expr(parsed.expr());
        }
    }
}

#[derive(Clone, Copy)]
enum FunctionBody<'a> {
    Statements(&'a [Stmt]),
    Expression(&'a Expr),
}

fn type_param_name(param: &TypeParam) -> &str {
    match param {
        TypeParam::TypeVar(p) => p.name.as_str(),
        TypeParam::ParamSpec(p) => p.name.as_str(),
        TypeParam::TypeVarTuple(p) => p.name.as_str(),
    }
}

/// What a call with a dotted-path string as its first argument does with it, by the
/// function's name.
fn string_reader(function: &Expr) -> Option<StringKind> {
    let path = match function {
        Expr::Name(name) => vec![name.id.as_str()],
        Expr::Attribute(attribute) => {
            let mut path = match attribute.value.as_ref() {
                Expr::Name(name) => vec![name.id.as_str()],
                Expr::Attribute(inner) => vec![inner.attr.as_str()],
                _ => Vec::new(),
            };
            path.push(attribute.attr.as_str());
            path
        }
        _ => return None,
    };
    match path.as_slice() {
        [.., "patch"] | [.., "patch", "dict"] => Some(StringKind::Patch),
        [.., "import_module"] | ["__import__"] => Some(StringKind::ImportModule),
        [.., "resolve_name"] | [.., "locate"] => Some(StringKind::ResolveName),
        _ => None,
    }
}

/// `import_module(".sub", package)`: the path made absolute against a literal package,
/// or kept relative (leading dots) for `__package__`, which the index resolves against
/// the file's package.
fn relative_module(
    call: &ruff_python_ast::ExprCall,
    literal: &ruff_python_ast::ExprStringLiteral,
) -> Option<String> {
    let name: &str = literal.value.to_str();
    let rest = name.strip_prefix('.')?;
    if !rest
        .trim_start_matches('.')
        .split('.')
        .all(|p| p.is_empty() || is_identifier(p))
    {
        return None;
    }
    let package = call
        .arguments
        .find_keyword("package")
        .map(|k| &k.value)
        .or_else(|| call.arguments.args.get(1))?;
    match package {
        Expr::Name(n) if n.id.as_str() == "__package__" => Some(name.to_string()),
        Expr::StringLiteral(package) => {
            let level = name.len() - name.trim_start_matches('.').len();
            let mut base: &str = package.value.to_str();
            for _ in 1..level {
                base = base.rsplit_once('.')?.0;
            }
            let rest = name.trim_start_matches('.');
            Some(if rest.is_empty() {
                base.to_string()
            } else {
                format!("{base}.{rest}")
            })
        }
        _ => None,
    }
}

fn is_all(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == "__all__")
}

/// `pytest_plugins = [...]`: modules pytest imports by name.
fn is_pytest_plugins(expr: &Expr) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == "pytest_plugins")
}

fn is_identifier(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The name an attribute chain starts at (`a` of `a.b.c`).
fn chain_root(mut expr: &Expr) -> Option<&str> {
    loop {
        match expr {
            Expr::Name(name) => return Some(name.id.as_str()),
            Expr::Attribute(attribute) => expr = &attribute.value,
            _ => return None,
        }
    }
}

/// The attributes read on a name, each with where its token starts.
type AttributeChain<'a> = smallvec::SmallVec<[(&'a str, TextSize); 4]>;

/// A name and the attributes read on it, each with where its token starts.
type Chain<'a> = (&'a str, TextSize, AttributeChain<'a>);

/// `a.b.c` read as `a` with the attributes `b`, `c` (and where each is).
fn attribute_chain(expr: &Expr) -> Option<Chain<'_>> {
    match expr {
        Expr::Name(name) => Some((name.id.as_str(), name.range.start(), AttributeChain::new())),
        Expr::Attribute(attribute) => {
            let (root, at, mut chain) = attribute_chain(&attribute.value)?;
            chain.push((attribute.attr.as_str(), attribute.attr.range.start()));
            Some((root, at, chain))
        }
        _ => None,
    }
}

impl<'a> Visitor<'a> for Collector<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                let scoped = self.type_params(function.type_params.as_deref());
                self.parameter_values(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_annotation(returns);
                }
                self.function_body(
                    Some(&function.parameters),
                    FunctionBody::Statements(&function.body),
                );
                if scoped {
                    self.scopes.pop();
                }
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                let scoped = self.type_params(class.type_params.as_deref());
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.push(ScopeKind::Class, Names::default(), Names::default());
                for stmt in &class.body {
                    self.visit_stmt(stmt);
                    let mut declared = Declared::new(self.tracked);
                    declared.visit_stmt(stmt);
                    if let Some(scope) = self.scopes.last_mut() {
                        scope.bound.extend(declared.bound.iter());
                    }
                }
                self.scopes.pop();
                if scoped {
                    self.scopes.pop();
                }
            }
            Stmt::Assign(assign)
                if self.scopes.is_empty()
                    && matches!(&assign.targets[..], [target] if is_all(target)) =>
            {
                self.all_entries(&assign.value);
                walk_stmt(self, stmt);
            }
            Stmt::Assign(assign)
                if self.scopes.is_empty()
                    && matches!(&assign.targets[..], [target] if is_pytest_plugins(target)) =>
            {
                self.plugin_entries(&assign.value);
            }
            Stmt::AugAssign(assign) if self.scopes.is_empty() && is_all(&assign.target) => {
                self.all_entries(&assign.value);
                walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(assign) if self.scopes.is_empty() && is_all(&assign.target) => {
                if let Some(value) = &assign.value {
                    self.all_entries(value);
                }
                walk_stmt(self, stmt);
            }
            Stmt::Expr(expr)
                if self.scopes.is_empty()
                    && let Expr::Call(call) = expr.value.as_ref()
                    && let Expr::Attribute(method) = call.func.as_ref()
                    && is_all(&method.value)
                    && matches!(method.attr.as_str(), "append" | "extend") =>
            {
                if let Some(argument) = call.arguments.args.first() {
                    self.all_entries(argument);
                }
                walk_stmt(self, stmt);
            }
            Stmt::TypeAlias(alias) => {
                let scoped = self.type_params(alias.type_params.as_deref());
                self.visit_expr(&alias.value);
                if scoped {
                    self.scopes.pop();
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }

    /// An annotation: strings in it are annotations too (`Optional["Widget"]`,
    /// `Callable[["Widget"], None]`), except the values of `Literal[...]`.
    fn visit_annotation(&mut self, expr: &'a Expr) {
        match expr {
            Expr::StringLiteral(literal) => self.string_annotation(literal),
            Expr::Subscript(subscript) => {
                self.visit_expr(&subscript.value);
                let literal_values = match subscript.value.as_ref() {
                    Expr::Name(name) => name.id == "Literal",
                    Expr::Attribute(attribute) => attribute.attr.as_str() == "Literal",
                    _ => false,
                };
                match literal_values {
                    true => self.visit_expr(&subscript.slice),
                    false => self.visit_annotation(&subscript.slice),
                }
            }
            Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| self.visit_annotation(e)),
            Expr::List(list) => list.elts.iter().for_each(|e| self.visit_annotation(e)),
            Expr::BinOp(binop) => {
                self.visit_annotation(&binop.left);
                self.visit_annotation(&binop.right);
            }
            other => self.visit_expr(other),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Load => {
                self.record(name.id.as_str(), name.range.start(), &[]);
            }
            Expr::Attribute(attribute) => {
                // `a.b.x = 1` reads `a.b`.
                let read = if attribute.ctx == ExprContext::Load {
                    expr
                } else {
                    &attribute.value
                };
                match chain_root(read) {
                    // Most chains start at a local (`self.x`): nothing to record.
                    Some(root) if matches!(self.reads(root), Read::Other) => {}
                    Some(_) => {
                        if let Some((root, at, chain)) = attribute_chain(read) {
                            self.record(root, at, &chain);
                        }
                    }
                    None => self.visit_expr(&attribute.value),
                }
            }
            Expr::StringLiteral(literal) => self.literal_path(literal, 2),
            Expr::Call(call) => {
                self.patch_object(call);
                if let Some(kind) = string_reader(&call.func)
                    && let Some(Expr::StringLiteral(literal)) = call.arguments.args.first()
                {
                    match relative_module(call, literal) {
                        Some(path) => self.push_string(literal, path, kind),
                        None => self.string_target(literal, kind),
                    }
                    self.visit_expr(&call.func);
                    for argument in call.arguments.args.iter().skip(1) {
                        self.visit_expr(argument);
                    }
                    for keyword in &call.arguments.keywords {
                        self.visit_expr(&keyword.value);
                    }
                } else {
                    // A string passed to a call names a path with one dot already
                    // (`registry.load("app.Widget")`).
                    self.visit_expr(&call.func);
                    let values = call.arguments.args.iter();
                    let keywords = call.arguments.keywords.iter().map(|k| &k.value);
                    for argument in values.chain(keywords) {
                        match argument {
                            Expr::StringLiteral(literal) => self.literal_path(literal, 1),
                            other => self.visit_expr(other),
                        }
                    }
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.parameter_values(parameters);
                }
                self.function_body(
                    lambda.parameters.as_deref(),
                    FunctionBody::Expression(&lambda.body),
                );
            }
            Expr::ListComp(comp) => self.comprehension(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.comprehension(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.comprehension(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => match &comp.key {
                Some(key) => self.comprehension(&comp.generators, &[key, &comp.value]),
                None => self.comprehension(&comp.generators, &[&comp.value]),
            },
            _ => walk_expr(self, expr),
        }
    }
}

impl<'a> Collector<'a, '_> {
    /// `mock.patch.object(target, "name")` with `target` a dotted name rooted at a
    /// module-level name: a reference to `target.name`.
    fn patch_object(&mut self, call: &'a ruff_python_ast::ExprCall) {
        let Expr::Attribute(function) = call.func.as_ref() else {
            return;
        };
        let is_patch = match function.value.as_ref() {
            Expr::Name(name) => name.id.as_str() == "patch",
            Expr::Attribute(inner) => inner.attr.as_str() == "patch",
            _ => false,
        };
        if function.attr.as_str() != "object" || !is_patch {
            return;
        }
        let [target, Expr::StringLiteral(literal), ..] = &call.arguments.args[..] else {
            return;
        };
        let Some((root, _, chain)) = attribute_chain(target) else {
            return;
        };
        if !matches!(self.reads(root), Read::Module) {
            return;
        }
        let mut path = root.to_string();
        for (attribute, _) in chain {
            path.push('.');
            path.push_str(attribute);
        }
        self.named_string(literal, &path, StringKind::PatchObject);
    }

    /// The string entries of a module-level `__all__` assignment, `+=`, `.append` or
    /// `.extend`: each a reference to the name it exports.
    fn all_entries(&mut self, value: &'a Expr) {
        match value {
            Expr::List(list) => list.elts.iter().for_each(|e| self.all_entries(e)),
            Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| self.all_entries(e)),
            Expr::Set(set) => set.elts.iter().for_each(|e| self.all_entries(e)),
            Expr::BinOp(binop) => {
                self.all_entries(&binop.left);
                self.all_entries(&binop.right);
            }
            Expr::StringLiteral(literal) => self.named_string(literal, "", StringKind::All),
            _ => {}
        }
    }

    /// The module names of a `pytest_plugins` value, each a string pytest imports.
    fn plugin_entries(&mut self, value: &'a Expr) {
        match value {
            Expr::List(list) => list.elts.iter().for_each(|e| self.plugin_entries(e)),
            Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| self.plugin_entries(e)),
            Expr::StringLiteral(literal) => self.string_target(literal, StringKind::ImportModule),
            other => self.visit_expr(other),
        }
    }

    /// A literal that is one identifier, recorded as `prefix.identifier`.
    fn named_string(
        &mut self,
        literal: &ruff_python_ast::ExprStringLiteral,
        prefix: &str,
        kind: StringKind,
    ) {
        let [part] = literal.value.as_slice() else {
            return;
        };
        if !is_identifier(&part.value) {
            return;
        }
        let path = match prefix {
            "" => part.value.to_string(),
            prefix => format!("{prefix}.{}", part.value),
        };
        let position = self.position(part.range().start() + part.flags.opener_len());
        self.summary.strings.push(StringTarget {
            path,
            position,
            kind,
        });
    }

    /// Records a string literal that is a dotted path (`a.b.C`, or `a.b:C` for a
    /// resolver), read by a call that takes one.
    fn string_target(&mut self, literal: &ruff_python_ast::ExprStringLiteral, kind: StringKind) {
        let [part] = literal.value.as_slice() else {
            return;
        };
        let text: &str = &part.value;
        let path = match kind {
            StringKind::ResolveName => text.replacen(':', ".", 1),
            _ => text.to_string(),
        };
        if path.split('.').all(is_identifier) {
            self.push_string(literal, path, kind);
        }
    }

    /// A plain literal that may name a path: `a.b.C` with `min_dots` dots or more,
    /// `a.b:C` (a resolver's form) or an entry point's `name = a.b:C [extra]`.
    fn literal_path(&mut self, literal: &ruff_python_ast::ExprStringLiteral, min_dots: usize) {
        let [part] = literal.value.as_slice() else {
            return;
        };
        let text: &str = &part.value;
        let spec = match text.split_once('=') {
            Some((name, spec)) if !name.trim().is_empty() && !name.contains(':') => spec,
            _ => text,
        };
        let spec = spec.split('[').next().unwrap_or_default().trim();
        let path = match spec.split_once(':') {
            Some((module, attribute)) => format!("{module}.{attribute}"),
            None if spec.len() == text.len() && spec.matches('.').count() >= min_dots => {
                spec.to_string()
            }
            None => return,
        };
        if path.split('.').all(is_identifier) {
            self.push_string(literal, path, StringKind::Literal);
        }
    }

    fn push_string(
        &mut self,
        literal: &ruff_python_ast::ExprStringLiteral,
        path: String,
        kind: StringKind,
    ) {
        let [part] = literal.value.as_slice() else {
            return;
        };
        let position = self.position(part.range().start() + part.flags.opener_len());
        self.summary.strings.push(StringTarget {
            path,
            position,
            kind,
        });
    }

    /// The first iterable is read outside; targets, conditions, later iterables and the
    /// element inside the comprehension's own scope.
    fn comprehension(&mut self, generators: &'a [Comprehension], elements: &[&'a Expr]) {
        let Some(first) = generators.first() else {
            return;
        };
        self.visit_expr(&first.iter);
        let mut targets = Declared::new(self.tracked);
        for generator in generators {
            targets.targets(&generator.target);
        }
        self.push(ScopeKind::Other, targets.bound, Names::default());
        for (index, generator) in generators.iter().enumerate() {
            if index > 0 {
                self.visit_expr(&generator.iter);
            }
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.scopes.pop();
    }
}

/// The names a function (or module) body binds, and its `global` declarations; nested
/// function and class bodies are not entered (their names are), comprehensions only for
/// walrus targets. Only tracked names are kept: no other name's read needs its scope.
struct Declared<'a> {
    tracked: &'a Tracked,
    bound: Names<'a>,
    globals: Names<'a>,
    /// Names the body's imports bind, with where the import statement starts.
    imports: Vec<(&'a str, TextSize)>,
}

impl<'a> Declared<'a> {
    fn new(tracked: &'a Tracked) -> Self {
        Declared {
            tracked,
            bound: Names::default(),
            globals: Names::default(),
            imports: Vec::new(),
        }
    }

    fn bind(&mut self, name: &'a str) {
        if self.tracked.contains(name) {
            self.bound.insert(name);
        }
    }

    fn parameters(&mut self, parameters: &'a Parameters) {
        for parameter in parameters.iter() {
            self.bind(parameter.name().as_str());
        }
    }

    /// Every name a target expression binds.
    fn targets(&mut self, target: &'a Expr) {
        match target {
            Expr::Name(name) => self.bind(name.id.as_str()),
            Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| self.targets(e)),
            Expr::List(list) => list.elts.iter().for_each(|e| self.targets(e)),
            Expr::Starred(starred) => self.targets(&starred.value),
            _ => {}
        }
    }
}

impl<'a> Visitor<'a> for Declared<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                self.bind(function.name.as_str());
            }
            Stmt::ClassDef(class) => {
                self.bind(class.name.as_str());
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    if self.tracked.contains(name) {
                        self.globals.insert(name.as_str());
                    }
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                // Bound in an enclosing function: local to this one as far as the module
                // is concerned.
                for name in &nonlocal.names {
                    self.bind(name.as_str());
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None => alias.name.split('.').next().unwrap_or_default(),
                    };
                    self.imports.push((bound, import.range.start()));
                    self.bind(bound);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    if alias.name.as_str() != "*" {
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                        self.imports.push((bound, import.range.start()));
                        self.bind(bound);
                    }
                }
            }
            Stmt::AnnAssign(assign) => {
                // `x: int` without a value still makes `x` local.
                self.targets(&assign.target);
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                }
            }
            Stmt::TypeAlias(alias) => {
                if let Expr::Name(name) = alias.name.as_ref() {
                    self.bind(name.id.as_str());
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) if name.ctx != ExprContext::Load => {
                self.bind(name.id.as_str());
            }
            Expr::Named(named) => {
                self.targets(&named.target);
                self.visit_expr(&named.value);
            }
            // Unpacking targets (`a, *b = …`).
            Expr::Tuple(_) | Expr::List(_) | Expr::Starred(_) => walk_expr(self, expr),
            // Without `:=` in the file no other expression binds a name.
            _ if !self.tracked.walrus => {}
            // Their own scopes: only walrus targets leak out.
            Expr::Lambda(_) => {}
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                walk_expr(&mut WalrusOnly(self), expr);
            }
            _ => walk_expr(self, expr),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(handler) = handler;
        if let Some(name) = &handler.name {
            self.bind(name.as_str());
        }
        for stmt in &handler.body {
            self.visit_stmt(stmt);
        }
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str());
                }
            }
            Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str());
                }
            }
            Pattern::MatchMapping(p) => {
                if let Some(rest) = &p.rest {
                    self.bind(rest.as_str());
                }
            }
            _ => {}
        }
        walk_pattern(self, pattern);
    }

    fn visit_comprehension(&mut self, comprehension: &'a Comprehension) {
        walk_comprehension(&mut WalrusOnly(self), comprehension);
    }
}

/// Inside a comprehension: only `:=` targets bind in the enclosing function.
struct WalrusOnly<'d, 'a>(&'d mut Declared<'a>);

impl<'a> Visitor<'a> for WalrusOnly<'_, 'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Named(named) => {
                self.0.targets(&named.target);
                self.visit_expr(&named.value);
            }
            Expr::Lambda(_) => {}
            _ => walk_expr(self, expr),
        }
    }
}

/// The reads of a string annotation's expression (parsed apart from the file's tree).
struct InAnnotation<'c, 'a, 's>(&'c mut Collector<'a, 's>);

impl<'b> Visitor<'b> for InAnnotation<'_, '_, '_> {
    fn visit_expr(&mut self, expr: &'b Expr) {
        match expr {
            // Strings within a string annotation are annotations too.
            Expr::StringLiteral(literal) => self.0.string_annotation(literal),
            Expr::Name(_) | Expr::Attribute(_) => match attribute_chain(expr) {
                // A dotted path whose first part the module does not bind names a
                // module path (`x: "app.models.Item"`).
                Some((root, at, chain)) if matches!(self.0.reads(root), Read::Other) => {
                    if !chain.is_empty() {
                        let parts = std::iter::once(root).chain(chain.iter().map(|(a, _)| *a));
                        let path = parts.collect::<Vec<_>>().join(".");
                        let position = self.0.position(at);
                        self.0.summary.strings.push(StringTarget {
                            path,
                            position,
                            kind: StringKind::Literal,
                        });
                    }
                }
                // The annotation's tree is dropped before the file's: its names are
                // interned to be kept.
                Some((root, at, chain)) => {
                    let chain: AttributeChain = chain
                        .iter()
                        .map(|&(attribute, at)| (intern(attribute).as_str(), at))
                        .collect();
                    self.0.record(intern(root).as_str(), at, &chain);
                }
                None => walk_expr(self, expr),
            },
            _ => walk_expr(self, expr),
        }
    }
}

/// A set of names. A scope binds a handful: a short list searched in order beats hashing
/// until it grows past `Names::SMALL`.
#[derive(Clone, Debug, Default)]
struct Names<'a> {
    small: smallvec::SmallVec<[&'a str; 16]>,
    large: Option<FxHashSet<&'a str>>,
}

impl<'a> Names<'a> {
    const SMALL: usize = 32;

    fn insert(&mut self, name: &'a str) {
        match &mut self.large {
            Some(large) => {
                large.insert(name);
            }
            None if self.small.contains(&name) => {}
            None if self.small.len() < Self::SMALL => self.small.push(name),
            None => {
                let mut large: FxHashSet<&'a str> = self.small.drain(..).collect();
                large.insert(name);
                self.large = Some(large);
            }
        }
    }

    fn contains(&self, name: &str) -> bool {
        match &self.large {
            Some(large) => large.contains(name),
            None => self.small.contains(&name),
        }
    }

    fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.small.retain(|name| keep(name));
        if let Some(large) = &mut self.large {
            large.retain(|name| keep(name));
        }
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.small
            .iter()
            .copied()
            .chain(self.large.iter().flatten().copied())
    }
}

impl<'a> Extend<&'a str> for Names<'a> {
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, names: I) {
        for name in names {
            self.insert(name);
        }
    }
}

impl<'a> FromIterator<&'a str> for Names<'a> {
    fn from_iter<I: IntoIterator<Item = &'a str>>(names: I) -> Self {
        let mut set = Names::default();
        set.extend(names);
        set
    }
}
