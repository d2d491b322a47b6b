//! Which top-level functions of a module run while it is imported: called at module
//! level (or in a class body), used as a decorator, or called by one that runs.

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{Expr, PySourceType, Stmt};
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::Ranged;
use rustc_hash::FxHashSet;

use super::layout::span;
use crate::summary::Span;

/// The top-level functions whose bodies run when the module is imported (a function
/// body that runs later, on call, is not among them), as byte spans.
pub fn functions_run_at_import(source: &str, is_stub: bool) -> Vec<Span> {
    let source_type = match is_stub {
        true => PySourceType::Stub,
        false => PySourceType::Python,
    };
    let parsed = parse_unchecked_source(source, source_type);
    let body = &parsed.syntax().body;
    let functions: Vec<(&str, &Stmt)> = body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::FunctionDef(function) => Some((function.name.as_str(), stmt)),
            _ => None,
        })
        .collect();
    // What module-level code calls or decorates with.
    let mut called = Calls::default();
    for stmt in body.iter() {
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    called.visit_expr(&decorator.expression);
                    called.decorator(&decorator.expression);
                }
                for default in function.parameters.iter_non_variadic_params() {
                    if let Some(value) = &default.default {
                        called.visit_expr(value);
                    }
                }
            }
            other => called.visit_stmt(other),
        }
    }
    // And what those call in turn, within the module.
    let mut running: FxHashSet<String> = FxHashSet::default();
    let mut pending: Vec<String> = called.names.into_iter().collect();
    while let Some(name) = pending.pop() {
        if !running.insert(name.clone()) {
            continue;
        }
        if let Some((_, Stmt::FunctionDef(function))) = functions.iter().find(|(n, _)| *n == name) {
            let mut inner = Calls::default();
            inner.visit_body(&function.body);
            pending.extend(inner.names);
        }
    }
    functions
        .iter()
        .filter(|(name, _)| running.contains(*name))
        .map(|(_, stmt)| span(stmt.range()))
        .collect()
}

/// Names called (`f(...)`) in the code visited, outside nested function bodies, and
/// names used as decorators.
#[derive(Default)]
struct Calls {
    names: FxHashSet<String>,
}

impl Calls {
    fn decorator(&mut self, expression: &Expr) {
        if let Expr::Name(name) = expression {
            self.names.insert(name.id.to_string());
        }
    }
}

impl<'a> Visitor<'a> for Calls {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // A nested function's body runs on its own call.
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                    self.decorator(&decorator.expression);
                }
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                    self.decorator(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    for argument in arguments.args.iter() {
                        self.visit_expr(argument);
                    }
                }
                self.visit_body(&class.body);
            }
            other => walk_stmt(self, other),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                if let Expr::Name(name) = call.func.as_ref() {
                    self.names.insert(name.id.to_string());
                }
                walk_expr(self, expr);
            }
            other => walk_expr(self, other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(source: &str, marker: &str) -> bool {
        let offset = source.find(marker).unwrap() as u32;
        functions_run_at_import(source, false)
            .iter()
            .any(|f| f.start <= offset && offset < f.end)
    }

    #[test]
    fn functions_called_decorating_or_called_by_those_run_at_import() {
        let source = "def setup():\n    import a\n    helper()\n\n\ndef helper():\n    import b\n\n\n\
                      def register(f):\n    import c\n    return f\n\n\n@register\ndef handler():\n    \
                      import d\n\n\ndef later():\n    import e\n\n\nsetup()\n";
        assert!(at(source, "import a"));
        assert!(at(source, "import b"));
        assert!(at(source, "import c"));
        assert!(!at(source, "import d"));
        assert!(!at(source, "import e"));
    }
}
