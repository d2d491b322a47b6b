//! `export`: the whole graph as JSON, schema `ssot-graph/export/v1`.

use serde::Serialize;

use crate::index::Project;
use crate::resolve::Resolver;
use crate::summary::BindingKind;
use crate::view::{self, SiteView};

#[derive(Serialize)]
pub struct Export {
    pub schema: &'static str,
    pub root: String,
    pub modules: Vec<ModuleView>,
    pub definitions: Vec<DefinitionView>,
    pub imports: Vec<SiteView>,
    pub diagnostics: Vec<DiagnosticView>,
}

#[derive(Serialize)]
pub struct ModuleView {
    pub name: String,
    pub path: Option<String>,
    pub package: bool,
    pub external: bool,
    pub deprecated: Option<String>,
    pub diagnostics: Vec<LineDiagnostic>,
}

#[derive(Serialize)]
pub struct LineDiagnostic {
    pub line: u32,
    pub message: String,
}

#[derive(Serialize)]
pub struct DefinitionView {
    pub module: String,
    pub name: String,
    pub kind: &'static str,
    pub path: String,
    pub line: u32,
    pub col: u32,
}

#[derive(Serialize)]
pub struct DiagnosticView {
    pub path: String,
    pub line: u32,
    pub message: String,
}

pub fn diagnostics(project: &Project) -> Vec<DiagnosticView> {
    project
        .diagnostics
        .iter()
        .map(|d| DiagnosticView {
            path: d.path.clone(),
            line: d.line,
            message: d.message.clone(),
        })
        .collect()
}

pub fn compute(project: &Project) -> Export {
    let mut modules: Vec<ModuleView> = project
        .modules
        .iter()
        .map(|module| {
            let summary = module.file.map(|f| &project.summaries[f]);
            ModuleView {
                name: module.name.clone(),
                path: module.path.clone(),
                package: module.is_package,
                external: module.external,
                deprecated: summary.and_then(|s| s.deprecated.clone()),
                diagnostics: summary
                    .map(|s| {
                        s.diagnostics
                            .iter()
                            .map(|d| LineDiagnostic {
                                line: d.line,
                                message: d.message.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    modules.sort_by(|a, b| a.name.cmp(&b.name));

    let mut definitions = Vec::new();
    for (file, summary) in project.files.iter().zip(&project.summaries) {
        for binding in &summary.bindings {
            if matches!(
                binding.kind,
                BindingKind::Class | BindingKind::Function | BindingKind::Variable
            ) {
                definitions.push(DefinitionView {
                    module: file.module.clone(),
                    name: binding.name.clone(),
                    kind: view::binding_kind(binding),
                    path: file.rel.clone(),
                    line: binding.position.line,
                    col: binding.position.col,
                });
            }
        }
    }

    let mut resolver = Resolver::new(project);
    let imports = (0..project.sites.len())
        .map(|site| view::site(&mut resolver, site).0)
        .collect();
    Export {
        schema: "ssot-graph/export/v1",
        root: project.root.display().to_string(),
        modules,
        definitions,
        imports,
        diagnostics: diagnostics(project),
    }
}
