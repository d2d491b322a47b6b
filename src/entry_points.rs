//! Entry points a project declares outside Python: the `module:attr` strings of
//! `pyproject.toml` (`[project.scripts]`, `[project.gui-scripts]`,
//! `[project.entry-points.<group>]`, `[tool.poetry.scripts]`) and of `setup.cfg`
//! (`[options.entry_points]`). Each is a string reference to what it names.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::index::Project;
use crate::summary::{Position, StringKind, StringTarget};

/// One entry point: the file (relative to the root) and its target, `module.attr`.
pub struct EntryPoint {
    pub rel: String,
    pub target: StringTarget,
    /// The line it is declared on, trimmed.
    pub text: String,
}

/// The entry points of the files next to the root and to each source root (and its
/// parent, for a `src` layout); a file that cannot be read is one warning, its entry
/// points left out.
pub fn read(project: &Project) -> (Vec<EntryPoint>, Vec<String>) {
    let mut dirs = vec![project.root.clone()];
    for root in &project.source_roots {
        let root = project.root.join(root);
        if let Some(parent) = root.parent().filter(|p| p.starts_with(&project.root)) {
            dirs.push(parent.to_path_buf());
        }
        dirs.push(root);
    }
    dirs.sort();
    dirs.dedup();
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    for dir in dirs {
        for (name, parse) in [
            (
                "pyproject.toml",
                pyproject as fn(&str) -> Result<Vec<Declared>, String>,
            ),
            ("setup.cfg", |text| Ok(setup_cfg(text))),
        ] {
            let path = dir.join(name);
            if !path.is_file() {
                continue;
            }
            let rel = path
                .strip_prefix(&project.root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let declared = crate::read::small_text(&path, crate::read::MAX_SETTINGS_BYTES)
                .map_err(|e| e.to_string())
                .and_then(|text| Ok((parse(&text)?, text)));
            match declared {
                Ok((declared, text)) => found.extend(
                    declared
                        .into_iter()
                        .filter_map(|d| entry_point(&rel, &text, d)),
                ),
                Err(reason) => {
                    warnings.push(format!("{rel}: {reason}; its entry points are not read"))
                }
            }
        }
    }
    (found, warnings)
}

/// An entry point's value and the byte offset it starts at.
struct Declared {
    value: String,
    offset: usize,
}

fn entry_point(rel: &str, text: &str, declared: Declared) -> Option<EntryPoint> {
    // `module.path:attr.sub [extra1, extra2]`; the object part is optional.
    let value = declared.value.split('[').next()?.trim();
    let path = value.replacen(':', ".", 1).replace(' ', "");
    let valid = path.split('.').all(|p| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    });
    if path.is_empty() || !valid {
        return None;
    }
    let line_start = text[..declared.offset].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[declared.offset..]
        .find('\n')
        .map_or(text.len(), |at| declared.offset + at);
    let position = Position {
        line: text[..declared.offset].matches('\n').count() as u32 + 1,
        col: text[line_start..declared.offset].chars().count() as u32 + 1,
    };
    Some(EntryPoint {
        rel: rel.to_string(),
        target: StringTarget {
            path,
            position,
            kind: StringKind::EntryPoint,
        },
        text: text[line_start..line_end].trim().to_string(),
    })
}

type Table = BTreeMap<String, Spanned<toml::Value>>;

#[derive(Deserialize)]
struct Pyproject {
    project: Option<ProjectTable>,
    tool: Option<Tool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct ProjectTable {
    #[serde(default)]
    scripts: Table,
    #[serde(default)]
    gui_scripts: Table,
    #[serde(default)]
    entry_points: BTreeMap<String, Table>,
}

#[derive(Deserialize)]
struct Tool {
    poetry: Option<Poetry>,
}

#[derive(Deserialize)]
struct Poetry {
    #[serde(default)]
    scripts: Table,
}

fn pyproject(text: &str) -> Result<Vec<Declared>, String> {
    let parsed: Pyproject = toml::from_str(text).map_err(|e| {
        let first = e.message().lines().next().unwrap_or_default().to_string();
        format!("not valid TOML ({first})")
    })?;
    let mut tables: Vec<Table> = Vec::new();
    if let Some(project) = parsed.project {
        tables.push(project.scripts);
        tables.push(project.gui_scripts);
        tables.extend(project.entry_points.into_values());
    }
    if let Some(poetry) = parsed.tool.and_then(|t| t.poetry) {
        tables.push(poetry.scripts);
    }
    Ok(tables
        .into_iter()
        .flat_map(BTreeMap::into_values)
        .filter_map(|value| {
            let offset = value.span().start + 1;
            match value.into_inner() {
                toml::Value::String(value) => Some(Declared { value, offset }),
                _ => None,
            }
        })
        .collect())
}

/// `[options.entry_points]`: `group =` then indented `name = module:attr` lines (or
/// `group = name = module:attr` on one line).
fn setup_cfg(text: &str) -> Vec<Declared> {
    let mut declared = Vec::new();
    let mut in_section = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_section = trimmed == "[options.entry_points]";
            continue;
        }
        if !in_section || trimmed.starts_with(['#', ';']) {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let equals = line.matches('=').count();
        let Some(eq) = line
            .rfind('=')
            .filter(|_| equals >= if indented { 1 } else { 2 })
        else {
            continue;
        };
        let value = line[eq + 1..].trim();
        if value.is_empty() {
            continue;
        }
        let at = start + eq + 1 + line[eq + 1..].find(value).unwrap_or(0);
        declared.push(Declared {
            value: value.to_string(),
            offset: at,
        });
    }
    declared
}
