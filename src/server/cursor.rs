//! What is under the cursor: an imported name, a name read or defined, an attribute
//! read on one, or a string naming a dotted path, as the dotted target `why` and `refs`
//! take.

use super::text::LineIndex;
use crate::index::Project;
use crate::summary::{BindingKind, ImportSite, Position};

pub struct Subject {
    /// The dotted path it names (`pkg.mod.Name`, a module, `pkg.mod.Class.method`).
    pub target: String,
    /// Its bytes in the file.
    pub start: usize,
    pub end: usize,
    /// Where the file itself binds it: the import, or the definition.
    pub declaration: Option<Declaration>,
}

/// Where a file binds a name.
pub enum Declaration {
    /// The bytes of an import's `name [as alias]`.
    Import { start: usize, end: usize },
    /// A definition or assignment: its statement's place, and the name it binds.
    Binding { at: Position, name: String },
}

impl Declaration {
    fn import(import: &ImportSite) -> Declaration {
        Declaration::Import {
            start: import.alias_span.start as usize,
            end: import.alias_span.end as usize,
        }
    }
}

/// The subject at byte `offset` of `file`, whose text `index` holds.
pub fn at(project: &Project, file: usize, index: &LineIndex, offset: usize) -> Option<Subject> {
    imported(project, file, index, offset)
        .or_else(|| used(project, file, index, offset))
        .or_else(|| defined(project, file, index, offset))
        .or_else(|| string(project, file, index, offset))
}

/// The sites of `file`'s import statements.
pub fn sites_of(project: &Project, file: usize) -> impl Iterator<Item = usize> + '_ {
    (0..project.sites.len()).filter(move |&s| project.sites[s].file as usize == file)
}

/// What an import site binds, as a dotted path: `pkg.mod.Name` for `from pkg.mod import
/// Name`, the module for `import pkg.mod` (and for a star import).
pub fn site_target(project: &Project, site: usize) -> Option<String> {
    let module = project.sites[site].target?;
    let import = project.import_site(site);
    Some(match import.name {
        Some(name) if name != "*" => format!("{module}.{name}"),
        _ => module.to_string(),
    })
}

/// What the name an import binds stands for: for a plain `import a.b`, which binds `a`,
/// the package `a`.
fn bound_target(project: &Project, site: usize, import: &ImportSite) -> Option<String> {
    let target = site_target(project, site)?;
    match (import.name, import.alias) {
        (None, None) => Some(target.split('.').next()?.to_string()),
        _ => Some(target),
    }
}

fn imported(project: &Project, file: usize, index: &LineIndex, offset: usize) -> Option<Subject> {
    let mut statement = None;
    for site in sites_of(project, file) {
        let import = project.import_site(site);
        let (start, end) = (
            import.alias_span.start as usize,
            import.alias_span.end as usize,
        );
        if (start..=end).contains(&offset) && start < end {
            // `import a.b.c`: the module up to the part under the cursor.
            let target = match import.name {
                None => {
                    let full = site_target(project, site)?;
                    let (_, word_end) = index.word_at(offset, false);
                    let written: String = index.text()[start..word_end.clamp(start, end)]
                        .split_whitespace()
                        .collect();
                    let prefix = full.strip_prefix(written.as_str());
                    match prefix {
                        Some(rest)
                            if !written.is_empty()
                                && (rest.is_empty() || rest.starts_with('.')) =>
                        {
                            written
                        }
                        _ => full,
                    }
                }
                Some(_) => site_target(project, site)?,
            };
            return Some(Subject {
                target,
                start,
                end,
                declaration: Some(Declaration::import(import)),
            });
        }
        let whole = import.statement_span;
        if (whole.start as usize..whole.end as usize).contains(&offset) && import.name.is_some() {
            statement = Some(site);
        }
    }
    // The module of a `from … import` statement.
    let site = statement?;
    let (start, end) = index.word_at(offset, true);
    Some(Subject {
        target: project.sites[site].target?.to_string(),
        start,
        end,
        declaration: None,
    })
}

fn used(project: &Project, file: usize, index: &LineIndex, offset: usize) -> Option<Subject> {
    let summary = project.summary(file);
    for (used, attributes) in summary.uses_with_attributes() {
        let name = summary.use_names[used.name as usize].as_str();
        let start = index.offset_of(used.position)?;
        let mut parts = vec![name];
        let mut span = (start <= offset && offset <= start + name.len())
            .then_some((start, start + name.len()));
        for attribute in attributes {
            if span.is_some() {
                break;
            }
            let attribute_name = summary.use_names[attribute.name as usize].as_str();
            parts.push(attribute_name);
            let start = index.offset_of(attribute.position)?;
            if start <= offset && offset <= start + attribute_name.len() {
                span = Some((start, start + attribute_name.len()));
            }
        }
        let Some((start, end)) = span else {
            continue;
        };
        let (base, declaration) = match used.import {
            // A module-level name: what the file's last import of it before the use binds,
            // else the module's own binding of it.
            u32::MAX => {
                let imported = sites_of(project, file)
                    .map(|site| (site, project.import_site(site)))
                    .filter(|(_, import)| {
                        !import.context.function
                            && import.bound_name() == Some(name)
                            && import.position <= used.position
                    })
                    .last();
                match imported {
                    Some((site, import)) => (
                        bound_target(project, site, import)?,
                        Some(Declaration::import(import)),
                    ),
                    None => {
                        let module = &project.modules[project.file_module[file] as usize].name;
                        let declaration = summary
                            .bindings
                            .iter()
                            .rfind(|b| b.name == name && b.position <= used.position)
                            .map(|b| Declaration::Binding {
                                at: b.position,
                                name: name.to_string(),
                            });
                        (format!("{module}.{name}"), declaration)
                    }
                }
            }
            import => {
                let site = sites_of(project, file).find(|&s| project.sites[s].import == import)?;
                let import = project.import_site(site);
                (
                    bound_target(project, site, import)?,
                    Some(Declaration::import(import)),
                )
            }
        };
        let target = std::iter::once(base.as_str())
            .chain(parts[1..].iter().copied())
            .collect::<Vec<_>>()
            .join(".");
        return Some(Subject {
            target,
            start,
            end,
            declaration,
        });
    }
    None
}

fn defined(project: &Project, file: usize, index: &LineIndex, offset: usize) -> Option<Subject> {
    let summary = project.summary(file);
    let module = &project.modules[project.file_module[file] as usize].name;
    // A binding's place is its statement's: its name is the first word naming it there.
    let (binding, start) = summary.bindings.iter().find_map(|b| {
        if !matches!(
            b.kind,
            BindingKind::Class
                | BindingKind::Function
                | BindingKind::Variable
                | BindingKind::Alias(_)
        ) {
            return None;
        }
        let start = index.name_after(index.offset_of(b.position)?, b.name.as_str())?;
        (start <= offset && offset <= start + b.name.as_str().len()).then_some((b, start))
    })?;
    Some(Subject {
        target: format!("{module}.{}", binding.name),
        start,
        end: start + binding.name.as_str().len(),
        declaration: Some(Declaration::Binding {
            at: binding.position,
            name: binding.name.to_string(),
        }),
    })
}

fn string(project: &Project, file: usize, index: &LineIndex, offset: usize) -> Option<Subject> {
    let summary = project.summary(file);
    let string = summary.strings.iter().find(|s| {
        index
            .offset_of(s.position)
            .is_some_and(|start| start <= offset && offset <= start + s.path.len())
    })?;
    let start = index.offset_of(string.position)?;
    let target = match string.kind.in_own_module() {
        true => format!(
            "{}.{}",
            project.modules[project.file_module[file] as usize].name, string.path
        ),
        false => string.path.clone(),
    };
    Some(Subject {
        target,
        start,
        end: start + string.path.len(),
        declaration: None,
    })
}
