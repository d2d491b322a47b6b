//! Plain expressions read as values: names, dotted paths, string literals.

use ruff_python_ast::Expr;

pub(super) fn is_name(expr: &Expr, wanted: &str) -> bool {
    matches!(expr, Expr::Name(name) if name.id.as_str() == wanted)
}

/// `a.b.c` as `["a", "b", "c"]`; `None` for anything that is not a plain dotted name.
pub(super) fn dotted_path(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Name(name) => Some(vec![name.id.as_str().to_string()]),
        Expr::Attribute(attribute) => {
            let mut path = dotted_path(&attribute.value)?;
            path.push(attribute.attr.as_str().to_string());
            Some(path)
        }
        _ => None,
    }
}

pub(super) fn string_value(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str().to_string()),
        _ => None,
    }
}

/// The strings of a list/tuple/set literal, or the string keys of a dict literal.
pub(super) fn string_collection(expr: &Expr) -> Option<Vec<String>> {
    let elements: Vec<&Expr> = match expr {
        Expr::List(list) => list.elts.iter().collect(),
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        Expr::Set(set) => set.elts.iter().collect(),
        Expr::Dict(dict) => dict
            .items
            .iter()
            .filter_map(|item| item.key.as_ref())
            .collect(),
        _ => return None,
    };
    elements.into_iter().map(string_value).collect()
}
