//! How a group of modules is drawn: its label, its package box, its marks.

use rustc_hash::FxHashMap;

use super::group::THIRD_PARTY;
use super::model::Group;
use crate::draw::{LABEL_LINES, LABEL_WIDTH, Marks, Node, wrap};
use crate::graph::EdgeFilter;
use crate::index::{ModuleId, Project};
use crate::query::{self, DefinitionKind, DuplicateOptions};
use crate::resolve::Resolver;
use crate::view::count;

/// For each module, the duplicated names it defines that a drawing calls out: those the
/// `duplicates` ranking shows that some import reaches, and those `called_out` names (a
/// `single-definition` rule's). A name defined twice that nothing imports, or a
/// convention (`async_setup_entry` in every plugin), is no mark.
pub fn duplicated_names(
    project: &Project,
    called_out: &dyn Fn(&str) -> bool,
) -> FxHashMap<ModuleId, Vec<String>> {
    let mut resolver = Resolver::new(project);
    let listing = query::duplicates(
        &mut resolver,
        DefinitionKind::Any,
        &|_| true,
        &EdgeFilter::default(),
        DuplicateOptions::default(),
    );
    let ranked =
        (listing.duplicates.into_iter()).filter(|d| d.importers() > 0 || called_out(&d.name));
    let named = listing
        .conventions
        .into_iter()
        .filter(|d| called_out(&d.name));
    let mut found: FxHashMap<ModuleId, Vec<String>> = FxHashMap::default();
    for duplicate in ranked.chain(named) {
        for definition in duplicate.definitions {
            found
                .entry(definition.module)
                .or_default()
                .push(duplicate.name.clone());
        }
    }
    found
}

pub fn node(
    project: &Project,
    group: &Group,
    duplicates: &FxHashMap<ModuleId, Vec<String>>,
) -> Node {
    if !group.parts.is_empty() {
        return cycle(group);
    }
    let name = group.name.as_str();
    if name == THIRD_PARTY {
        return outside(project, group);
    }
    let members = group.members.as_slice();
    let own = project.by_name.get(name).copied();
    let module = own.map(|id| &project.modules[id as usize]);
    let external = module.is_some_and(|m| m.external)
        || members
            .iter()
            .all(|&m| project.modules[m as usize].external);
    let is_collapsed = !external && (members.len() > 1 || own.is_none_or(|id| members != [id]));
    let deprecated = module
        .and_then(|m| m.file)
        .and_then(|f| project.summary(f).deprecated.clone());
    let duplicated = own
        .and_then(|id| duplicates.get(&id))
        .filter(|_| !is_collapsed);
    let is_package = module.is_some_and(|m| m.is_package);
    let last = name.rsplit('.').next().unwrap_or(name);
    let mut label = if external {
        name.to_string()
    } else if is_collapsed {
        format!("{last}.*\n({})", count(members.len(), "module"))
    } else if is_package {
        format!("{last}/__init__")
    } else {
        last.to_string()
    };
    let mut tooltip = vec![name.to_string()];
    if let Some(message) = &deprecated {
        label.push_str("\n(deprecated)");
        tooltip.push(format!("deprecated: {message}"));
    }
    if let Some(names) = duplicated {
        // Most imported first (the `duplicates` ranking); a few, then how many more.
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        let more = match names.len().saturating_sub(shown.len()) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let text = format!("also defined elsewhere: {}{more}", shown.join(", "));
        label.push('\n');
        label.push_str(&wrap(&text, None, LABEL_WIDTH, LABEL_LINES));
    }
    // A package's own `__init__` sits in its box; every other module in its parent's.
    let cluster = if external {
        None
    } else if is_package && !is_collapsed {
        Some(name.to_string())
    } else {
        name.rsplit_once('.').map(|(parent, _)| parent.to_string())
    };
    Node {
        id: name.to_string(),
        label,
        cluster,
        marks: Marks {
            external,
            deprecated: deprecated.is_some(),
            duplicate: duplicated.is_some(),
            collapsed: is_collapsed,
            ..Marks::default()
        },
        tooltip: Some(tooltip.join("\n")),
        layer: None,
    }
}

/// An import cycle drawn as one node: how many nodes it merged, and which.
fn cycle(group: &Group) -> Node {
    let parts = group.parts.join(", ");
    Node {
        id: group.name.clone(),
        label: format!(
            "import {}\n{}\n{}",
            group.name,
            count(group.parts.len(), "node"),
            wrap(&parts, None, LABEL_WIDTH, LABEL_LINES)
        ),
        cluster: None,
        marks: Marks {
            cycle: true,
            ..Marks::default()
        },
        tooltip: Some(group.parts.join("\n")),
        layer: None,
    }
}

/// Third-party packages drawn as one node, with how many.
fn outside(project: &Project, group: &Group) -> Node {
    let mut packages: Vec<&str> = (group.members.iter())
        .map(|&m| project.modules[m as usize].name.as_str())
        .collect();
    packages.sort_unstable();
    Node {
        id: group.name.clone(),
        label: format!("{}\n({})", group.name, count(packages.len(), "package")),
        cluster: None,
        marks: Marks {
            external: true,
            collapsed: true,
            ..Marks::default()
        },
        tooltip: Some(wrap(&packages.join(", "), None, 80, 12)),
        layer: None,
    }
}
