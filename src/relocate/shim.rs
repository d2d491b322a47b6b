//! What the old module keeps in place of the moved definitions.

/// How old paths keep working after a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shim {
    /// `from DEST import NAME` where the definition was.
    Alias,
    /// A PEP 562 module `__getattr__` that imports the name from DEST with a
    /// `DeprecationWarning` naming the new path.
    Deprecate,
    /// Nothing: refused while anything still needs the old path.
    None,
}

/// Longest line a written import keeps on one line (ruff's and black's default).
const LINE_LENGTH: usize = 88;

/// `from module import a, b`, or over several lines in parentheses, one name per line,
/// when that would be longer than `LINE_LENGTH`.
pub fn from_import(module: &str, names: &[String], newline: &str) -> String {
    let one_line = format!("from {module} import {}", names.join(", "));
    if one_line.len() <= LINE_LENGTH || names.len() == 1 {
        return one_line;
    }
    let mut lines = vec![format!("from {module} import (")];
    lines.extend(names.iter().map(|n| format!("    {n},")));
    lines.push(")".to_string());
    lines.join(newline)
}

/// The names an alias shim imports: `Name as Name`, the explicit re-export that linters
/// (ruff's `F401`) and type checkers take as meant, unless the old module's `__all__`
/// lists the name already.
pub fn reexported(names: &[&str], all: &[String]) -> Vec<String> {
    names
        .iter()
        .map(|name| match all.iter().any(|a| a == name) {
            true => name.to_string(),
            false => format!("{name} as {name}"),
        })
        .collect()
}

/// The text that takes the first moved block's place (empty for `Shim::None`); `all` is
/// the old module's `__all__`.
pub fn text(
    shim: Shim,
    (old, dest): (&str, &str),
    names: &[&str],
    all: &[String],
    newline: &str,
) -> String {
    match shim {
        Shim::Alias => from_import(dest, &reexported(names, all), newline),
        Shim::None => String::new(),
        Shim::Deprecate => {
            let mut lines = vec!["def __getattr__(name):".to_string()];
            for name in names {
                lines.extend([
                    format!("    if name == \"{name}\":"),
                    "        import warnings".to_string(),
                    String::new(),
                    "        warnings.warn(".to_string(),
                    format!("            \"{old}.{name} has moved to {dest}.{name}\","),
                    "            DeprecationWarning,".to_string(),
                    "            stacklevel=2,".to_string(),
                    "        )".to_string(),
                    format!("        from {dest} import {name}"),
                    String::new(),
                    format!("        return {name}"),
                ]);
            }
            lines.push(
                "    raise AttributeError(f\"module {__name__!r} has no attribute {name!r}\")"
                    .to_string(),
            );
            lines.join(newline)
        }
    }
}
