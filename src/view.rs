//! Resolver results as plain, serializable records: what every output format shows.

use serde::Serialize;

use crate::index::Project;
use crate::resolve::{Hop, HopSource, Resolution, Resolver};
use crate::summary::{Binding, BindingKind, Text};

/// Where a name really lives (`resolved` of the export schema).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ResolvedView {
    pub kind: &'static str,
    pub module: Option<String>,
    pub name: Option<String>,
    pub path: Option<String>,
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip)]
    pub statement: Option<Text>,
}

/// One hop of a chain (`chain` entries of the export schema).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HopView {
    pub module: String,
    pub name: String,
    pub path: String,
    pub line: u32,
    pub via: &'static str,
    #[serde(skip)]
    pub col: u32,
    #[serde(skip)]
    pub statement: Text,
}

/// An import site (`imports` entries of the export schema).
#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub module: Option<String>,
    pub name: Option<String>,
    pub alias: Option<String>,
    pub level: u32,
    pub context: Vec<&'static str>,
    pub resolved: ResolvedView,
    pub chain: Vec<HopView>,
    #[serde(skip)]
    pub statement: Text,
}

pub fn binding_kind(binding: &Binding) -> &'static str {
    match binding.kind {
        BindingKind::Class => "class",
        BindingKind::Function => "function",
        _ => "variable",
    }
}

pub fn binding(project: &Project, module: u32, index: u32) -> &Binding {
    let file = project.modules[module as usize]
        .file
        .expect("bindings live in files");
    &project.summaries[file].bindings[index as usize]
}

pub fn resolved(project: &Project, resolution: &Resolution) -> ResolvedView {
    let empty = ResolvedView {
        kind: "unresolved",
        module: None,
        name: None,
        path: None,
        line: None,
        col: None,
        reason: None,
        statement: None,
    };
    match resolution {
        Resolution::Definition {
            module,
            binding: index,
        } => {
            let binding = binding(project, *module, *index);
            let module = &project.modules[*module as usize];
            ResolvedView {
                kind: binding_kind(binding),
                module: Some(module.name.clone()),
                name: Some(binding.name.clone()),
                path: module.path.clone(),
                line: Some(binding.position.line),
                col: Some(binding.position.col),
                statement: Some(binding.statement.clone()),
                ..empty
            }
        }
        Resolution::Module(id) => {
            let module = &project.modules[*id as usize];
            ResolvedView {
                kind: "module",
                module: Some(module.name.clone()),
                path: module.path.clone(),
                line: module.file.map(|_| 1),
                ..empty
            }
        }
        Resolution::External { module, name } => ResolvedView {
            kind: "external",
            module: Some(module.clone()),
            name: name.clone(),
            ..empty
        },
        Resolution::Unresolved(reason) => ResolvedView {
            reason: Some(reason.clone()),
            ..empty
        },
        Resolution::Cycle => ResolvedView {
            kind: "cycle",
            reason: Some("the re-export chain loops back on itself".to_string()),
            ..empty
        },
    }
}

pub fn hop(project: &Project, hop: &Hop) -> HopView {
    let module = &project.modules[hop.module as usize];
    let (path, position, statement) = match hop.source {
        HopSource::Binding(_) | HopSource::Lazy(_) => {
            let binding = match hop.source {
                HopSource::Lazy(index) => {
                    let file = module.file.expect("__getattr__ lives in a file");
                    &project.summaries[file].getattr_imports[index as usize]
                }
                HopSource::Binding(index) => binding(project, hop.module, index),
                _ => unreachable!("matched above"),
            };
            (
                module.path.clone(),
                binding.position,
                binding.statement.clone(),
            )
        }
        HopSource::Star(index) => {
            let file = module.file.expect("star imports live in files");
            let star = &project.summaries[file].stars[index as usize];
            (module.path.clone(), star.position, star.statement.clone())
        }
        HopSource::Submodule(id) => {
            let submodule = &project.modules[id as usize];
            (
                submodule.path.clone(),
                crate::summary::Position { line: 1, col: 1 },
                format!(
                    "(submodule `{}` of package `{}`)",
                    submodule.name, module.name
                )
                .into(),
            )
        }
    };
    HopView {
        module: module.name.clone(),
        name: hop.name.clone(),
        path: path.unwrap_or_default(),
        line: position.line,
        col: position.col,
        via: hop.via.as_str(),
        statement,
    }
}

pub fn chain(project: &Project, hops: &[Hop]) -> Vec<HopView> {
    hops.iter().map(|h| hop(project, h)).collect()
}

pub fn site(resolver: &mut Resolver, index: usize) -> (SiteView, Resolution) {
    let project = resolver.project();
    let record = &project.sites[index];
    let import = project.import_site(index);
    let (resolution, hops) = resolver.resolve_site(index);
    let view = SiteView {
        path: project.files[record.file].rel.clone(),
        line: import.position.line,
        col: import.position.col,
        module: record.target.clone(),
        name: import.name.clone(),
        alias: import.alias.clone(),
        level: import.level,
        context: import.context.labels(),
        resolved: resolved(project, &resolution),
        chain: chain(project, &hops),
        statement: import.statement.clone(),
    };
    (view, resolution)
}
