//! Module-level values the environment decides: an environment variable read with a
//! default (unset, it is the default), and what a probe function returns — a module
//! when its imports resolve, `None` when they fail — with the strings and tests built
//! from them (`KIND = "fast" if _probe() is not None else "python"`).

use std::collections::HashMap;

use ruff_python_ast::{CmpOp, ExceptHandler, Expr, Stmt, StmtFunctionDef, UnaryOp};

use super::expr::{dotted_path, string_collection, string_value};
use crate::summary::{Condition, EnvValue, Value, ValueTest};

/// What the evaluation knows: the module's environment values so far, its probe
/// functions (and the flag of each one's imports), and how the target decides a test.
pub(super) struct Known<'a, Truth: Fn(&Expr) -> Option<bool>> {
    pub values: &'a Values,
    pub probes: &'a HashMap<String, Condition>,
    /// `import_module` here returns `None` for a module it cannot import (it is not
    /// `importlib`'s, which raises).
    pub optional_import_module: bool,
    pub static_truth: Truth,
}

/// A module-level value as far as the code tells it, and whether the environment
/// takes part in it.
#[derive(Clone)]
pub(super) struct Traced {
    pub value: EnvValue,
    pub environment: bool,
}

/// The module-level names with values the code tells, as the module runs.
pub(super) type Values = HashMap<String, Traced>;

/// `expr`'s value, environment or not: literals, environment values, tests of them.
pub(super) fn traced(
    expr: &Expr,
    known_values: &Known<impl Fn(&Expr) -> Option<bool>>,
) -> Option<Traced> {
    let (value, environment) = evaluate(expr, known_values)?;
    Some(Traced { value, environment })
}

/// `expr`'s value when it depends on the environment (and only on it); `None` for
/// anything else, literals alone included.
pub(super) fn env_value(
    expr: &Expr,
    known_values: &Known<impl Fn(&Expr) -> Option<bool>>,
) -> Option<EnvValue> {
    let (value, environment) = evaluate(expr, known_values)?;
    environment.then_some(value)
}

/// The value and whether the environment took part.
fn evaluate(
    expr: &Expr,
    known_values: &Known<impl Fn(&Expr) -> Option<bool>>,
) -> Option<(EnvValue, bool)> {
    match expr {
        Expr::StringLiteral(_) => Some((EnvValue::Leaf(Value::Str(string_value(expr)?)), false)),
        Expr::BooleanLiteral(literal) => Some((EnvValue::Leaf(Value::Bool(literal.value)), false)),
        Expr::NoneLiteral(_) => Some((EnvValue::Leaf(Value::None), false)),
        Expr::Name(name) => {
            let traced = known_values.values.get(name.id.as_str())?;
            Some((traced.value.clone(), traced.environment))
        }
        Expr::Call(call) => {
            let function = dotted_path(&call.func).unwrap_or_default();
            let path: Vec<&str> = function.iter().map(String::as_str).collect();
            match path.as_slice() {
                ["os", "getenv"] | ["os", "environ", "get"] => {
                    let value = match &call.arguments.args[..] {
                        [name] if string_value(name).is_some() => Value::None,
                        [name, default] if string_value(name).is_some() => {
                            Value::Str(string_value(default)?)
                        }
                        _ => return None,
                    };
                    Some((EnvValue::Leaf(value), true))
                }
                // A probe's result depends on its own imports, whatever its arguments.
                [probe] if known_values.probes.contains_key(*probe) => {
                    Some((optional(known_values.probes[*probe].clone()), true))
                }
                _ if let Some(module) = optional_import(call, known_values) => {
                    Some((optional(Condition::Importable(module)), true))
                }
                _ => {
                    let Expr::Attribute(method) = call.func.as_ref() else {
                        return None;
                    };
                    if !call.arguments.is_empty() {
                        return None;
                    }
                    let (value, environment) = evaluate(&method.value, known_values)?;
                    let changed = map(&value, &|value| match value {
                        Value::Str(text) => match method.attr.as_str() {
                            "lower" | "casefold" => Some(Value::Str(text.to_lowercase())),
                            "upper" => Some(Value::Str(text.to_uppercase())),
                            "strip" => Some(Value::Str(text.trim().to_string())),
                            _ => None,
                        },
                        _ => None,
                    })?;
                    Some((changed, environment))
                }
            }
        }
        Expr::If(if_exp) => {
            if let Some(truth) = (known_values.static_truth)(&if_exp.test) {
                let branch = if truth { &if_exp.body } else { &if_exp.orelse };
                return evaluate(branch, known_values);
            }
            let (test, test_environment) = evaluate(&if_exp.test, known_values)?;
            let (body, body_environment) = evaluate(&if_exp.body, known_values)?;
            let (orelse, orelse_environment) = evaluate(&if_exp.orelse, known_values)?;
            let environment = test_environment || body_environment || orelse_environment;
            Some((select(&test, &body, &orelse), environment))
        }
        Expr::Compare(compare) if compare.ops.len() == 1 => {
            let (left, environment) = evaluate(&compare.left, known_values)?;
            let test = value_test(compare.ops[0], &compare.comparators[0], known_values)?;
            let result = map(&left, &|value| Some(Value::Bool(test.holds(value))))?;
            Some((result, environment))
        }
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
            let (value, environment) = evaluate(&unary.operand, known_values)?;
            let result = map(&value, &|value| Some(Value::Bool(!value.truthy())))?;
            Some((result, environment))
        }
        _ => None,
    }
}

/// A module, or `None` when `condition` does not hold.
fn optional(condition: Condition) -> EnvValue {
    EnvValue::Branch {
        flag: condition,
        when_true: Box::new(EnvValue::Leaf(Value::Object)),
        when_false: Box::new(EnvValue::Leaf(Value::None)),
    }
}

/// `importlib.util.find_spec("x")` (`None` when `x` cannot be imported), or an
/// optional `import_module("x", ...)`: the module `x`.
fn optional_import(
    call: &ruff_python_ast::ExprCall,
    known_values: &Known<impl Fn(&Expr) -> Option<bool>>,
) -> Option<String> {
    let function = dotted_path(&call.func)?;
    let optional = match function.last()?.as_str() {
        "find_spec" => true,
        "import_module" => known_values.optional_import_module && function.len() == 1,
        _ => false,
    };
    let module = string_value(call.arguments.args.first()?)?;
    optional.then_some(module)
}

/// `op RIGHT` as a test of the left value: `== "x"`, `!= "x"`, `in ("a", "b")`,
/// `is None`, `is not None`.
fn value_test(
    op: CmpOp,
    right: &Expr,
    known_values: &Known<impl Fn(&Expr) -> Option<bool>>,
) -> Option<ValueTest> {
    let negated = matches!(op, CmpOp::NotEq | CmpOp::NotIn | CmpOp::IsNot);
    let one_of = match op {
        CmpOp::In | CmpOp::NotIn => string_collection(right)?
            .into_iter()
            .map(Value::Str)
            .collect(),
        CmpOp::Eq | CmpOp::NotEq | CmpOp::Is | CmpOp::IsNot => {
            match evaluate(right, known_values)? {
                (EnvValue::Leaf(value), _) => vec![value],
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(ValueTest {
        one_of: Some(one_of),
        negated,
    })
}

/// `NAME`, `not NAME` or `NAME op LITERAL`: the name and the test, for a name another
/// module sets.
pub(super) fn imported_test<'e>(
    test: &'e Expr,
    known_values: &Known<impl Fn(&Expr) -> Option<bool>>,
) -> Option<(&'e str, ValueTest)> {
    match test {
        Expr::Name(name) => Some((
            name.id.as_str(),
            ValueTest {
                one_of: None,
                negated: false,
            },
        )),
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
            let (name, test) = imported_test(&unary.operand, known_values)?;
            Some((
                name,
                ValueTest {
                    negated: !test.negated,
                    ..test
                },
            ))
        }
        Expr::Compare(compare) if compare.ops.len() == 1 => match compare.left.as_ref() {
            Expr::Name(name) => Some((
                name.id.as_str(),
                value_test(compare.ops[0], &compare.comparators[0], known_values)?,
            )),
            _ => None,
        },
        _ => None,
    }
}

/// The environment values after an `if` whose branches have `tests` (`None` for
/// `else`) and left `states` (`None` where the branch never completes: it raises),
/// starting from `before`: a name keeps a value where every way through sets one.
pub(super) fn after_branches(
    tests: &[Option<Traced>],
    mut states: Vec<Option<Values>>,
    before: Values,
) -> Values {
    let mut after = match tests.last() {
        Some(None) => states.pop().flatten(),
        _ => Some(before),
    };
    let tested: Vec<&Traced> = tests.iter().flatten().collect();
    for (test, state) in tested.into_iter().zip(states).rev() {
        let (state, otherwise) = match (state, after) {
            (Some(state), Some(otherwise)) => (state, otherwise),
            (state, otherwise) => {
                after = state.or(otherwise);
                continue;
            }
        };
        let merged = state
            .into_iter()
            .filter_map(|(name, traced)| {
                let otherwise = otherwise.get(&name)?;
                let chosen = Traced {
                    value: select(&test.value, &traced.value, &otherwise.value),
                    environment: test.environment || traced.environment || otherwise.environment,
                };
                Some((name, chosen))
            })
            .collect();
        after = Some(merged);
    }
    after.unwrap_or_default()
}

/// The body never completes: it ends in `raise` or `assert False`.
pub(super) fn never_completes(body: &[Stmt]) -> bool {
    match body.last() {
        Some(Stmt::Raise(_)) => true,
        Some(Stmt::Assert(assert)) => {
            matches!(assert.test.as_ref(), Expr::BooleanLiteral(b) if !b.value)
        }
        _ => false,
    }
}

/// `when_true if test else when_false`, each a value the environment may decide.
pub(super) fn select(test: &EnvValue, when_true: &EnvValue, when_false: &EnvValue) -> EnvValue {
    match test {
        EnvValue::Leaf(value) if value.truthy() => when_true.clone(),
        EnvValue::Leaf(_) => when_false.clone(),
        EnvValue::Branch {
            flag,
            when_true: flag_true,
            when_false: flag_false,
        } => branch(
            flag.clone(),
            select(flag_true, when_true, when_false),
            select(flag_false, when_true, when_false),
        ),
    }
}

fn branch(flag: Condition, when_true: EnvValue, when_false: EnvValue) -> EnvValue {
    if when_true == when_false {
        when_true
    } else {
        EnvValue::Branch {
            flag,
            when_true: Box::new(when_true),
            when_false: Box::new(when_false),
        }
    }
}

/// Whether `value` is truthy, as a tree of `Value::Bool`s.
pub(super) fn truth(value: &EnvValue) -> EnvValue {
    map(value, &|leaf| Some(Value::Bool(leaf.truthy()))).expect("every value has a truth")
}

/// `value` with `change` applied to each of its leaves.
fn map(value: &EnvValue, change: &dyn Fn(&Value) -> Option<Value>) -> Option<EnvValue> {
    match value {
        EnvValue::Leaf(leaf) => Some(EnvValue::Leaf(change(leaf)?)),
        EnvValue::Branch {
            flag,
            when_true,
            when_false,
        } => Some(branch(
            flag.clone(),
            map(when_true, change)?,
            map(when_false, change)?,
        )),
    }
}

/// A function returning an optional import of a module (`m = import_module("x", ...)`
/// then `return m`, or `return find_spec("x")`): the module.
pub(super) fn module_probe(
    function: &StmtFunctionDef,
    known_values: &Known<impl Fn(&Expr) -> Option<bool>>,
) -> Option<String> {
    let Some(Stmt::Return(ret)) = function.body.last() else {
        return None;
    };
    match ret.value.as_deref()? {
        Expr::Call(call) => optional_import(call, known_values),
        Expr::Name(name) => function.body.iter().rev().find_map(|stmt| match stmt {
            Stmt::Assign(assign) => match (assign.targets.as_slice(), assign.value.as_ref()) {
                ([Expr::Name(target)], Expr::Call(call)) if target.id == name.id => {
                    optional_import(call, known_values)
                }
                _ => None,
            },
            _ => None,
        }),
        _ => None,
    }
}

/// A probe: a function whose `try:` returns something (a module) and whose `except
/// ImportError:` returns `None` (or falls through to a `return None`).
pub(super) fn is_probe(function: &StmtFunctionDef) -> bool {
    let returns_none = |body: &[Stmt]| {
        matches!(body.last(), Some(Stmt::Return(ret))
            if ret.value.as_deref().is_none_or(|v| matches!(v, Expr::NoneLiteral(_))))
    };
    fn returns_something(body: &[Stmt]) -> bool {
        body.iter().any(|stmt| match stmt {
            Stmt::Return(ret) => ret
                .value
                .as_deref()
                .is_some_and(|v| !matches!(v, Expr::NoneLiteral(_))),
            Stmt::If(stmt_if) => {
                returns_something(&stmt_if.body)
                    || stmt_if
                        .elif_else_clauses
                        .iter()
                        .any(|clause| returns_something(&clause.body))
            }
            _ => false,
        })
    }
    function.body.iter().enumerate().any(|(index, stmt)| {
        let Stmt::Try(stmt_try) = stmt else {
            return false;
        };
        let after = &function.body[index + 1..];
        let succeeds = returns_something(&stmt_try.body)
            || returns_something(&stmt_try.orelse)
            || returns_something(after);
        let fails = stmt_try.handlers.iter().all(|handler| {
            let ExceptHandler::ExceptHandler(handler) = handler;
            returns_none(&handler.body)
                || matches!(handler.body.as_slice(), [Stmt::Pass(_)]) && returns_none(after)
        });
        succeeds && fails && !stmt_try.handlers.is_empty()
    })
}
