//! `export`: the whole graph as JSON, schema `ssot-graph/export/v1`.

use petgraph::visit::EdgeRef;
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
    /// The module graph: one entry per importing module → imported module.
    pub edges: Vec<EdgeView>,
    pub diagnostics: Vec<view::DiagnosticView>,
}

#[derive(Serialize)]
pub struct EdgeView {
    pub from: String,
    pub to: String,
    /// Import sites that name `to` (or a name in it).
    pub sites: usize,
    /// Import sites that run `to` only as the parent package of what they import.
    pub implicit_sites: usize,
}

#[derive(Serialize)]
pub struct ModuleView {
    pub name: String,
    pub path: Option<String>,
    pub package: bool,
    pub external: bool,
    /// An extension module (`path` is its `.so`/`.pyd`); present only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub compiled: bool,
    /// The companion `.pyi` beside the module's file, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stub: Option<String>,
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

pub fn compute(project: &Project) -> Export {
    let mut modules: Vec<ModuleView> = project
        .modules
        .iter()
        .map(|module| {
            let summary = module.file.map(|f| project.summary(f));
            ModuleView {
                name: module.name.to_string(),
                path: module.path.as_deref().map(String::from),
                package: module.is_package,
                external: module.external,
                compiled: module.compiled,
                stub: module.stub.map(|file| project.files[file].rel.to_string()),
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
    for (file, summary) in project.files.iter().zip(project.summaries.iter()) {
        for binding in &summary.bindings {
            if matches!(
                binding.kind,
                BindingKind::Class | BindingKind::Function | BindingKind::Variable
            ) {
                definitions.push(DefinitionView {
                    module: file.module.to_string(),
                    name: binding.name.to_string(),
                    kind: view::binding_kind(binding),
                    path: file.rel.to_string(),
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
    let name = |node: petgraph::graph::NodeIndex| project.modules[node.index()].name.to_string();
    let graph = project.graph();
    let mut edges: Vec<EdgeView> = graph
        .edge_references()
        .map(|e| EdgeView {
            from: name(e.source()),
            to: name(e.target()),
            sites: graph.sites(e.id()).len(),
            implicit_sites: graph.implicit_sites(e.id()).len(),
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    Export {
        schema: "ssot-graph/export/v1",
        root: project.root.display().to_string(),
        modules,
        definitions,
        imports,
        edges,
        diagnostics: view::diagnostics(project),
    }
}

pub fn run(ctx: &super::Context, out: &mut dyn std::io::Write) -> anyhow::Result<i32> {
    super::write_json(out, &compute(ctx.project), ctx.project).map(|()| 0)
}
