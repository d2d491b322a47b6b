//! Facts about a piece of code that decide whether it may move to another module: its
//! annotations, its calls of `globals()`, the attributes it assigns, the `__all__`
//! entries that name something.

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{Expr, PySourceType, Stmt};
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::Ranged;

use super::layout::span;
use crate::summary::Span;

fn parse(source: &str) -> Option<Vec<Stmt>> {
    let parsed = parse_unchecked_source(source, PySourceType::Python);
    if !parsed.errors().is_empty() {
        return None;
    }
    Some(parsed.into_syntax().body.into_iter().collect())
}

/// Whether the code holds an annotation (a parameter's, a return's, a variable's):
/// what `from __future__ import annotations` changes.
pub fn has_annotations(source: &str) -> bool {
    #[derive(Default)]
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(function) => {
                    let parameters = &function.parameters;
                    self.0 |= function.returns.is_some()
                        || parameters.iter().any(|p| p.annotation().is_some());
                }
                Stmt::AnnAssign(_) => self.0 = true,
                _ => {}
            }
            walk_stmt(self, stmt);
        }
    }
    let Some(body) = parse(source) else {
        return true;
    };
    let mut finder = Finder::default();
    finder.visit_body(&body);
    finder.0
}

/// The first call of one of the builtins `names` (`globals()`, `locals()`), and its
/// offset.
pub fn first_call(source: &str, names: &[&str]) -> Option<(String, usize)> {
    struct Finder<'n> {
        names: &'n [&'n str],
        found: Option<(String, usize)>,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr
                && let Expr::Name(name) = call.func.as_ref()
                && self.names.contains(&name.id.as_str())
                && self.found.is_none()
            {
                self.found = Some((name.id.to_string(), name.start().to_usize()));
            }
            walk_expr(self, expr);
        }
    }
    let body = parse(source)?;
    let mut finder = Finder { names, found: None };
    finder.visit_body(&body);
    finder.found
}

/// An assignment to (or deletion of) an attribute of a dotted name: `mod.NAME = value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeWrite {
    /// The dotted name whose attribute is written (`["pkg", "mod"]`).
    pub object: Vec<String>,
    pub attribute: String,
    pub offset: usize,
}

/// Every attribute of a dotted name the code assigns, augments or deletes, and every
/// `setattr(obj, "NAME", ...)` with a literal name.
pub fn attribute_writes(source: &str) -> Vec<AttributeWrite> {
    #[derive(Default)]
    struct Finder(Vec<AttributeWrite>);
    impl Finder {
        fn target(&mut self, target: &Expr) {
            match target {
                Expr::Attribute(attribute) => {
                    if let Some(object) = dotted(&attribute.value) {
                        self.0.push(AttributeWrite {
                            object,
                            attribute: attribute.attr.to_string(),
                            offset: attribute.attr.start().to_usize(),
                        });
                    }
                }
                Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| self.target(e)),
                Expr::List(list) => list.elts.iter().for_each(|e| self.target(e)),
                _ => {}
            }
        }
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::Assign(assign) => assign.targets.iter().for_each(|t| self.target(t)),
                Stmt::AugAssign(assign) => self.target(&assign.target),
                Stmt::AnnAssign(assign) => self.target(&assign.target),
                Stmt::Delete(delete) => delete.targets.iter().for_each(|t| self.target(t)),
                _ => {}
            }
            walk_stmt(self, stmt);
        }

        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr
                && matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "setattr")
                && let [object, Expr::StringLiteral(name), ..] = &call.arguments.args[..]
                && let Some(object) = dotted(object)
            {
                self.0.push(AttributeWrite {
                    object,
                    attribute: name.value.to_str().to_string(),
                    offset: name.start().to_usize(),
                });
            }
            walk_expr(self, expr);
        }
    }
    let Some(body) = parse(source) else {
        return Vec::new();
    };
    let mut finder = Finder::default();
    finder.visit_body(&body);
    finder.0
}

fn dotted(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Name(name) => Some(vec![name.id.to_string()]),
        Expr::Attribute(attribute) => {
            let mut path = dotted(&attribute.value)?;
            path.push(attribute.attr.to_string());
            Some(path)
        }
        _ => None,
    }
}

/// A string of a module-level `__all__` that names `name`: the literal's span, and the
/// whole statement's when the statement holds nothing else (`__all__.append("x")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllEntry {
    pub literal: Span,
    pub statement: Option<Span>,
}

/// Where the module-level `__all__` lists `name`: in `__all__ = [...]` or `(...)`,
/// `__all__ += [...]`, `__all__.extend([...])` and `__all__.append("name")`.
pub fn all_entries(source: &str, name: &str) -> Vec<AllEntry> {
    let Some(body) = parse(source) else {
        return Vec::new();
    };
    let is_all = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__all__");
    let literals = |e: &Expr| -> Vec<Span> {
        let elements = match e {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => return Vec::new(),
        };
        elements
            .iter()
            .filter_map(|e| match e {
                Expr::StringLiteral(s) if s.value.to_str() == name => Some(span(s.range)),
                _ => None,
            })
            .collect()
    };
    let mut entries = Vec::new();
    for stmt in &body {
        let (found, whole) = match stmt {
            Stmt::Assign(assign) if assign.targets.iter().any(is_all) => {
                (literals(&assign.value), false)
            }
            Stmt::AugAssign(assign) if is_all(&assign.target) => (literals(&assign.value), false),
            Stmt::Expr(expr) => match expr.value.as_ref() {
                Expr::Call(call)
                    if matches!(call.func.as_ref(), Expr::Attribute(a)
                        if is_all(&a.value) && matches!(a.attr.as_str(), "append" | "extend")) =>
                {
                    match call.arguments.args.first() {
                        Some(Expr::StringLiteral(s)) if s.value.to_str() == name => {
                            (vec![span(s.range)], true)
                        }
                        Some(list) => (literals(list), false),
                        None => (Vec::new(), false),
                    }
                }
                _ => (Vec::new(), false),
            },
            _ => (Vec::new(), false),
        };
        entries.extend(found.into_iter().map(|literal| AllEntry {
            literal,
            statement: whole.then(|| span(stmt.range())),
        }));
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_of_code_that_may_move() {
        assert!(!has_annotations("def f(x):\n    return x\n"));
        assert!(has_annotations("def f(x: int):\n    return x\n"));
        assert!(has_annotations("class A:\n    x: int = 1\n"));
        assert_eq!(
            first_call("def f():\n    return globals()['X']\n", &["globals"]),
            Some(("globals".to_string(), 20))
        );
        let writes = attribute_writes("w.VALUE = 5\nsetattr(pkg.w, 'OTHER', 1)\ndel w.GONE\n");
        let names: Vec<(String, &str)> = writes
            .iter()
            .map(|w| (w.object.join("."), w.attribute.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("w".to_string(), "VALUE"),
                ("pkg.w".to_string(), "OTHER"),
                ("w".to_string(), "GONE")
            ]
        );
        let source = "__all__ = ['a', 'b']\n__all__.append('b')\n__all__ += ('b',)\n";
        let entries = all_entries(source, "b");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1].statement, Some(Span { start: 21, end: 40 }));
    }
}
