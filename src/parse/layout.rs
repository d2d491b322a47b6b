//! The top-level statements of a module as byte spans: what `move` cuts out of one file
//! and places in another, and where in a file code runs at import time.

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{Expr, PySourceType, Stmt};
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::Ranged;

use crate::summary::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// `def` or `class`.
    Definition,
    /// `X = …`, `X: T = …`, `type X = …`.
    Assignment,
    Import,
    /// `from __future__ import …`.
    FutureImport,
    /// An `if` or `try` holding only imports (`if TYPE_CHECKING:`, an import fallback).
    ImportBlock,
    /// The module's docstring.
    Docstring,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopStatement {
    /// From its first decorator to its end.
    pub span: Span,
    pub kind: StatementKind,
    /// The names it binds (a definition's or assignment's plain-name targets).
    pub names: Vec<String>,
    /// An assignment to something else than plain names too (`a.b = …`, `x, *y = …`).
    pub other_targets: bool,
    /// Where a definition's `def` or `class` starts, after its decorators.
    pub header: u32,
    /// A definition's decorators as dotted names (`functools.cache` for
    /// `@functools.cache()`); `?` for one that is not a name.
    pub decorators: Vec<String>,
}

/// A `global` declaration inside a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalDeclaration {
    pub name: String,
    pub offset: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub statements: Vec<TopStatement>,
    /// Function and lambda bodies at any depth: code that runs when called, not when the
    /// module is imported.
    pub deferred: Vec<Span>,
    pub globals: Vec<GlobalDeclaration>,
    /// The source does not parse: nothing above can be trusted.
    pub syntax_error: bool,
}

impl Layout {
    /// Whether the code at `offset` runs when the module is imported.
    pub fn runs_at_import(&self, offset: u32) -> bool {
        !self
            .deferred
            .iter()
            .any(|s| s.start <= offset && offset < s.end)
    }
}

/// A parser range as a summary span.
pub(super) fn span(range: ruff_text_size::TextRange) -> Span {
    Span {
        start: range.start().to_u32(),
        end: range.end().to_u32(),
    }
}

fn decorator_names(decorators: &[ruff_python_ast::Decorator]) -> Vec<String> {
    decorators
        .iter()
        .map(|decorator| {
            let called = match &decorator.expression {
                Expr::Call(call) => call.func.as_ref(),
                other => other,
            };
            super::expr::dotted_path(called).map_or_else(|| "?".to_string(), |p| p.join("."))
        })
        .collect()
}

pub fn layout(source: &str, is_stub: bool) -> Layout {
    let source_type = if is_stub {
        PySourceType::Stub
    } else {
        PySourceType::Python
    };
    let parsed = parse_unchecked_source(source, source_type);
    let body = &parsed.syntax().body;
    let mut found = Layout {
        syntax_error: !parsed.errors().is_empty(),
        ..Layout::default()
    };
    for (index, stmt) in body.iter().enumerate() {
        found.statements.push(top_statement(stmt, index == 0));
    }
    let mut inner = Inner {
        layout: &mut found,
        in_function: false,
    };
    for stmt in body {
        inner.visit_stmt(stmt);
    }
    found
}

fn top_statement(stmt: &Stmt, first: bool) -> TopStatement {
    let plain = |kind, names: Vec<String>| TopStatement {
        span: span(stmt.range()),
        kind,
        names,
        other_targets: false,
        header: stmt.range().start().to_u32(),
        decorators: Vec::new(),
    };
    match stmt {
        Stmt::FunctionDef(function) => TopStatement {
            span: decorated(function.range, &function.decorator_list),
            decorators: decorator_names(&function.decorator_list),
            ..plain(StatementKind::Definition, vec![function.name.to_string()])
        },
        Stmt::ClassDef(class) => TopStatement {
            span: decorated(class.range, &class.decorator_list),
            decorators: decorator_names(&class.decorator_list),
            ..plain(StatementKind::Definition, vec![class.name.to_string()])
        },
        Stmt::Assign(assign) => {
            let mut names = Vec::new();
            let mut other_targets = false;
            for target in &assign.targets {
                match target {
                    Expr::Name(name) => names.push(name.id.to_string()),
                    _ => other_targets = true,
                }
            }
            TopStatement {
                other_targets,
                ..plain(StatementKind::Assignment, names)
            }
        }
        Stmt::AnnAssign(assign) => match assign.target.as_ref() {
            Expr::Name(name) => plain(StatementKind::Assignment, vec![name.id.to_string()]),
            _ => TopStatement {
                other_targets: true,
                ..plain(StatementKind::Assignment, Vec::new())
            },
        },
        Stmt::TypeAlias(alias) => match alias.name.as_ref() {
            Expr::Name(name) => plain(StatementKind::Assignment, vec![name.id.to_string()]),
            _ => plain(StatementKind::Other, Vec::new()),
        },
        Stmt::Import(import) => plain(
            StatementKind::Import,
            import
                .names
                .iter()
                .map(|a| match &a.asname {
                    Some(alias) => alias.to_string(),
                    None => a.name.split('.').next().unwrap_or_default().to_string(),
                })
                .collect(),
        ),
        Stmt::ImportFrom(import) => {
            let future = import
                .module
                .as_ref()
                .is_some_and(|m| m.as_str() == "__future__");
            let kind = match future {
                true => StatementKind::FutureImport,
                false => StatementKind::Import,
            };
            plain(
                kind,
                import
                    .names
                    .iter()
                    .map(|a| a.asname.as_ref().unwrap_or(&a.name).to_string())
                    .collect(),
            )
        }
        Stmt::If(stmt_if)
            if only_imports(&stmt_if.body)
                && stmt_if
                    .elif_else_clauses
                    .iter()
                    .all(|c| only_imports(&c.body)) =>
        {
            plain(StatementKind::ImportBlock, Vec::new())
        }
        Stmt::Try(stmt_try)
            if only_imports(&stmt_try.body)
                && stmt_try.handlers.iter().all(|h| {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = h;
                    only_imports(&handler.body)
                }) =>
        {
            plain(StatementKind::ImportBlock, Vec::new())
        }
        Stmt::Expr(expr) if first && expr.value.is_string_literal_expr() => {
            plain(StatementKind::Docstring, Vec::new())
        }
        _ => plain(StatementKind::Other, Vec::new()),
    }
}

/// A `def` or `class` from its first decorator to its end.
fn decorated(range: ruff_text_size::TextRange, decorators: &[ruff_python_ast::Decorator]) -> Span {
    let start = decorators
        .first()
        .map_or(range.start(), |d| d.range.start())
        .min(range.start());
    Span {
        start: start.to_u32(),
        end: range.end().to_u32(),
    }
}

/// Imports, `pass` and assignments of constants (`HAS_X = False` in a fallback).
fn only_imports(body: &[Stmt]) -> bool {
    body.iter().all(|stmt| match stmt {
        Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Pass(_) => true,
        Stmt::Assign(assign) => assign.value.is_literal_expr(),
        _ => false,
    })
}

/// Finds function bodies and `global` declarations below the top level.
struct Inner<'l> {
    layout: &'l mut Layout,
    in_function: bool,
}

impl<'a> Visitor<'a> for Inner<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                // Decorators, defaults and annotations run where the `def` is.
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                self.visit_parameters(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_expr(returns);
                }
                if let (Some(first), Some(last)) = (function.body.first(), function.body.last()) {
                    self.layout.deferred.push(Span {
                        start: first.range().start().to_u32(),
                        end: last.range().end().to_u32(),
                    });
                }
                let outer = std::mem::replace(&mut self.in_function, true);
                self.visit_body(&function.body);
                self.in_function = outer;
            }
            Stmt::Global(global) if self.in_function => {
                for name in &global.names {
                    self.layout.globals.push(GlobalDeclaration {
                        name: name.to_string(),
                        offset: global.range.start().to_u32(),
                    });
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Lambda(lambda) = expr {
            self.layout.deferred.push(span(lambda.body.range()));
        }
        walk_expr(self, expr);
    }
}
