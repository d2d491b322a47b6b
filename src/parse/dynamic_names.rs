//! Names a module binds at run time in ways the code still spells out: a
//! `globals().update(...)` over an object's attributes, a module `__getattr__` that
//! forwards to an object, a class `__getattr__` that makes classes with `type()`.

use ruff_python_ast::visitor::{Visitor, walk_expr};
use std::collections::HashMap;

use ruff_python_ast::{Comprehension, Expr, Stmt, StmtFunctionDef};

use super::expr::{dotted_path, is_name, string_collection};

/// The names a collection holds, as the code spells them: listed, or the attributes
/// `dir(OBJECT)` gives (with `public_only`, those not starting with `_`).
#[derive(Clone)]
pub(super) enum AttributeNames {
    Listed(Vec<String>),
    Of {
        object: Vec<String>,
        public_only: bool,
    },
}

/// `expr` as names: a literal collection, `dir(OBJECT)`, a module-level name set to one
/// (`known`), or `[x for x in NAMES if not x.startswith("_")]` over one.
pub(super) fn attribute_names(
    expr: &Expr,
    known: &HashMap<String, AttributeNames>,
) -> Option<AttributeNames> {
    if let Some(listed) = string_collection(expr) {
        return Some(AttributeNames::Listed(listed));
    }
    match expr {
        Expr::Name(name) => known.get(name.id.as_str()).cloned(),
        Expr::Call(call) if is_name(&call.func, "dir") && call.arguments.keywords.is_empty() => {
            match &call.arguments.args[..] {
                [object] => Some(AttributeNames::Of {
                    object: dotted_path(object)?,
                    public_only: false,
                }),
                _ => None,
            }
        }
        Expr::ListComp(list) => comprehension_names(&list.elt, &list.generators, known),
        Expr::Generator(generator) => {
            comprehension_names(&generator.elt, &generator.generators, known)
        }
        _ => None,
    }
}

/// `x for x in NAMES [if not x.startswith("_")]`.
fn comprehension_names(
    element: &Expr,
    generators: &[Comprehension],
    known: &HashMap<String, AttributeNames>,
) -> Option<AttributeNames> {
    let (variable, names, public_only) = one_loop(generators, known)?;
    is_name(element, variable).then(|| filtered(names, public_only))
}

/// The loop of a comprehension with one `for VARIABLE in NAMES` and at most the
/// `not VARIABLE.startswith("_")` test.
fn one_loop<'a>(
    generators: &'a [Comprehension],
    known: &HashMap<String, AttributeNames>,
) -> Option<(&'a str, AttributeNames, bool)> {
    let [generator] = generators else {
        return None;
    };
    let Expr::Name(variable) = &generator.target else {
        return None;
    };
    let variable = variable.id.as_str();
    let public_only = match generator.ifs.as_slice() {
        [] => false,
        [test] if skips_private(test, variable) => true,
        _ => return None,
    };
    let names = attribute_names(&generator.iter, known)?;
    Some((variable, names, public_only))
}

fn filtered(names: AttributeNames, public_only: bool) -> AttributeNames {
    match names {
        AttributeNames::Listed(listed) if public_only => {
            AttributeNames::Listed(listed.into_iter().filter(|n| !n.starts_with('_')).collect())
        }
        AttributeNames::Of {
            object,
            public_only: before,
        } => AttributeNames::Of {
            object,
            public_only: before || public_only,
        },
        listed => listed,
    }
}

/// What `globals().update(ARGUMENT)` binds, when the argument is a comprehension over
/// names reading each as an attribute of one object:
/// `{n: getattr(obj, n) for n in NAMES}`, `((n, getattr(obj, n)) for n in NAMES)` or
/// `[(n, getattr(obj, n)) for n in NAMES]`, NAMES as `attribute_names` reads them.
pub(super) struct Update {
    pub object: Vec<String>,
    /// `None`: every attribute of the object.
    pub names: Option<Vec<String>>,
    pub public_only: bool,
}

pub(super) fn globals_update(
    argument: &Expr,
    known: &HashMap<String, AttributeNames>,
) -> Option<Update> {
    let (key, value, generators) = match argument {
        Expr::DictComp(comp) => (comp.key.as_deref()?, &*comp.value, &comp.generators[..]),
        Expr::Generator(generator) => pair(&generator.elt, &generator.generators)?,
        Expr::ListComp(list) => pair(&list.elt, &list.generators)?,
        _ => return None,
    };
    let (variable, names, public_only) = one_loop(generators, known)?;
    if !is_name(key, variable) {
        return None;
    }
    let object = getattr_of(value, variable)?;
    match filtered(names, public_only) {
        AttributeNames::Listed(listed) => Some(Update {
            object,
            names: Some(listed),
            public_only: false,
        }),
        AttributeNames::Of {
            object: listed_from,
            public_only,
        } => (listed_from == object).then_some(Update {
            object,
            names: None,
            public_only,
        }),
    }
}

/// `(n, value)` as the element of a comprehension: its key, value and generators.
fn pair<'a>(
    element: &'a Expr,
    generators: &'a [Comprehension],
) -> Option<(&'a Expr, &'a Expr, &'a [Comprehension])> {
    match element {
        Expr::Tuple(tuple) if tuple.elts.len() == 2 => {
            Some((&tuple.elts[0], &tuple.elts[1], generators))
        }
        _ => None,
    }
}

/// `getattr(OBJECT, variable)`: OBJECT's dotted path.
fn getattr_of(expr: &Expr, variable: &str) -> Option<Vec<String>> {
    let Expr::Call(call) = expr else {
        return None;
    };
    match &call.arguments.args[..] {
        [object, name] if is_name(&call.func, "getattr") && is_name(name, variable) => {
            dotted_path(object)
        }
        _ => None,
    }
}

/// `not n.startswith("_")`.
fn skips_private(test: &Expr, variable: &str) -> bool {
    let Expr::UnaryOp(unary) = test else {
        return false;
    };
    let Expr::Call(call) = unary.operand.as_ref() else {
        return false;
    };
    let Expr::Attribute(method) = call.func.as_ref() else {
        return false;
    };
    unary.op == ruff_python_ast::UnaryOp::Not
        && method.attr.as_str() == "startswith"
        && is_name(&method.value, variable)
        && matches!(&call.arguments.args[..], [Expr::StringLiteral(s)] if s.value.to_str() == "_")
}

/// A module `__getattr__(name)` whose body returns `getattr(OBJECT, name)`: OBJECT.
pub(super) fn getattr_forward(function: &StmtFunctionDef) -> Option<Vec<String>> {
    let parameter = function.parameters.args.first()?.parameter.name.as_str();
    function.body.iter().find_map(|stmt| match stmt {
        Stmt::Return(ret) => getattr_of(ret.value.as_deref()?, parameter),
        _ => None,
    })
}

/// The function calls `type(name, bases, namespace)`: it makes classes.
pub(super) fn makes_classes(function: &StmtFunctionDef) -> bool {
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr
                && is_name(&call.func, "type")
                && call.arguments.args.len() == 3
            {
                self.0 = true;
            }
            walk_expr(self, expr);
        }
    }
    let mut finder = Finder(false);
    finder.visit_body(&function.body);
    finder.0
}
