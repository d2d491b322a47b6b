//! Resolver results as plain, serializable records: what every output format shows.

use serde::Serialize;

use crate::graph::Link;
use crate::index::Project;
use crate::resolve::{Hop, HopSource, Resolution, Resolver};
use crate::summary::{Binding, BindingKind, ImportSite, Text};

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
    /// This one name's import as a statement of its own (see `import_text`).
    #[serde(skip)]
    pub text: String,
}

impl SiteView {
    /// `path:line:col: from a import X  [labels]`.
    pub fn line(&self) -> String {
        let labels = bracketed(&self.context);
        format!(
            "{}:{}:{}: {}{labels}",
            self.path, self.line, self.col, self.text
        )
    }

    /// The modules a re-export chain passes through down to the resolved one, without
    /// repeats; empty when the site names the defining module itself.
    pub fn via(&self) -> Vec<String> {
        if self.chain.is_empty() {
            return Vec::new();
        }
        let mut modules: Vec<String> = self.chain.iter().map(|h| h.module.clone()).collect();
        modules.extend(self.resolved.module.clone());
        modules.dedup();
        modules
    }
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
    &project.summary(file).bindings[index as usize]
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
                module: Some(module.name.to_string()),
                name: Some(binding.name.to_string()),
                path: module.path.as_deref().map(String::from),
                line: Some(binding.position.line),
                col: Some(binding.position.col),
                statement: Some(binding.statement),
                ..empty
            }
        }
        Resolution::Module(id) => {
            let module = &project.modules[*id as usize];
            ResolvedView {
                kind: if module.compiled {
                    "compiled"
                } else {
                    "module"
                },
                module: Some(module.name.to_string()),
                path: module.path.as_deref().map(String::from),
                line: module.file.map(|_| 1),
                ..empty
            }
        }
        Resolution::Member { module, member } => {
            let record = &project.modules[*module as usize];
            let summary = project
                .module_summary(*module)
                .expect("members live in files");
            let member = &summary.members[*member as usize];
            let class = &summary.bindings[member.class as usize];
            ResolvedView {
                kind: match member.kind {
                    BindingKind::Function => "function",
                    _ => "variable",
                },
                module: Some(record.name.to_string()),
                name: Some(format!("{}.{}", class.name, member.name)),
                path: record.path.as_deref().map(String::from),
                line: Some(member.position.line),
                col: Some(member.position.col),
                statement: Some(member.statement),
                ..empty
            }
        }
        Resolution::Compiled { module, name } => {
            let module = &project.modules[*module as usize];
            ResolvedView {
                kind: "compiled",
                module: Some(module.name.to_string()),
                name: Some(name.clone()),
                path: module.path.as_deref().map(String::from),
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
        HopSource::Binding(_) | HopSource::Lazy(_) | HopSource::Stub(_) => {
            let (path, binding) = match hop.source {
                HopSource::Lazy(index) => {
                    let file = module.file.expect("__getattr__ lives in a file");
                    (
                        module.path.clone(),
                        &project.summary(file).getattr_imports[index as usize],
                    )
                }
                HopSource::Stub(index) => {
                    let file = module.stub.expect("stub hops come from a stub");
                    (
                        Some(project.files[file].rel.clone()),
                        &project.summary(file).bindings[index as usize],
                    )
                }
                HopSource::Binding(index) => {
                    (module.path.clone(), binding(project, hop.module, index))
                }
                _ => unreachable!("matched above"),
            };
            (path, binding.position, binding.statement)
        }
        HopSource::Star(index) => {
            let file = module.file.expect("star imports live in files");
            let star = &project.summary(file).stars[index as usize];
            (module.path.clone(), star.position, star.statement)
        }
        HopSource::Swap => {
            let file = module.file.expect("a swap lives in a file");
            let swap = project
                .summary(file)
                .swap(&module.name)
                .expect("a swap hop has its swap");
            (module.path.clone(), swap.position, swap.statement)
        }
        HopSource::GlobalsExport(index) => {
            let file = module.file.expect("globals() updates live in files");
            let export = &project.summary(file).globals_exports[index as usize];
            (module.path.clone(), export.position, export.statement)
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
        module: module.name.to_string(),
        name: hop.name.clone(),
        path: path.as_deref().unwrap_or_default().to_string(),
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
        path: project.files[record.file as usize].rel.to_string(),
        line: import.position.line,
        col: import.position.col,
        module: record.target.as_deref().map(str::to_string),
        name: import.name.map(String::from),
        alias: import.alias.map(String::from),
        level: import.level,
        context: import.context.labels(),
        resolved: resolved(project, &resolution),
        chain: chain(project, &hops),
        statement: import.statement,
        text: import_text(import),
    };
    (view, resolution)
}

/// One imported name as the statement that imports only it: `from ..a import X as Y`.
/// Where the name an import site imports is written: the statement's position for a
/// statement of one name, else the name's own line and column (`from m import a, b`:
/// `b`'s column), so two findings on one statement point at two places.
pub fn name_position(project: &Project, site: usize) -> crate::summary::Position {
    match project.import_site(site).names_in_statement {
        0 | 1 => project.import_site(site).position,
        _ => imported_name_position(project, site),
    }
}

/// Where the name a site imports is written, also when it is the statement's only one
/// (`from m import (\n    name,\n)`: the line of `name`, as tach reports it).
pub fn imported_name_position(project: &Project, site: usize) -> crate::summary::Position {
    let import = project.import_site(site);
    let at = import.position;
    let (start, name) = (import.statement_span.start, import.alias_span.start);
    if name < start {
        return at;
    }
    let before = (name - start) as usize;
    // A statement on one line is its own text: count within it.
    let text = import.statement.as_str();
    if text.len() == (import.statement_span.end - start) as usize && text.is_char_boundary(before) {
        let col = at.col + text[..before].chars().count() as u32;
        return crate::summary::Position { line: at.line, col };
    }
    // Written over several lines: count in the file as it is now.
    let file = project.sites[site].file as usize;
    let Ok(bytes) = std::fs::read(&project.files[file].path) else {
        return at;
    };
    let source = String::from_utf8_lossy(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes));
    let Some(between) = source.get(start as usize..name as usize) else {
        return at;
    };
    match between.rfind('\n') {
        None => crate::summary::Position {
            line: at.line,
            col: at.col + between.chars().count() as u32,
        },
        Some(last) => crate::summary::Position {
            line: at.line + between.matches('\n').count() as u32,
            col: between[last + 1..].chars().count() as u32 + 1,
        },
    }
}

pub fn import_text(import: &ImportSite) -> String {
    let alias = import
        .alias
        .as_ref()
        .map(|a| format!(" as {a}"))
        .unwrap_or_default();
    let module = import.module.as_deref().unwrap_or_default();
    match &import.name {
        Some(name) => {
            let dots = ".".repeat(import.level as usize);
            format!("from {dots}{module} import {name}{alias}")
        }
        None => format!("import {module}{alias}"),
    }
}

/// A resolution in a few words: `class pkg.mod.Name (pkg/mod.py:3)`, `module pkg.mod`.
pub fn describe(resolved: &ResolvedView) -> String {
    let module = resolved.module.as_deref().unwrap_or_default();
    let dotted = match &resolved.name {
        Some(name) => format!("{module}.{name}"),
        None => module.to_string(),
    };
    match (resolved.kind, &resolved.path, resolved.line) {
        ("unresolved" | "cycle", _, _) => format!(
            "{}: {}",
            resolved.kind,
            resolved.reason.as_deref().unwrap_or_default()
        ),
        ("compiled", Some(path), _) => format!("compiled {dotted} ({path})"),
        ("module" | "external", _, _) => format!("{} {dotted}", resolved.kind),
        (kind, Some(path), Some(line)) => format!("{kind} {dotted} ({path}:{line})"),
        (kind, _, _) => format!("{kind} {dotted}"),
    }
}

/// One edge of a module chain with the site that makes it.
#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub from: String,
    pub to: String,
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub statement: String,
    pub context: Vec<&'static str>,
    /// The site imports a submodule of `to`, which Python runs first as its parent.
    pub implicit: bool,
}

pub fn link(project: &Project, link: &Link) -> LinkView {
    let import = project.import_site(link.site);
    LinkView {
        from: project.modules[link.from as usize].name.to_string(),
        to: project.modules[link.to as usize].name.to_string(),
        path: project.files[project.sites[link.site].file as usize]
            .rel
            .to_string(),
        line: import.position.line,
        col: import.position.col,
        statement: import_text(import),
        context: import.context.labels(),
        implicit: link.implicit,
    }
}

impl LinkView {
    /// `path:line:col: statement  [labels]`, as every chain listing prints it.
    pub fn text(&self) -> String {
        let mut labels = self.context.clone();
        if self.implicit {
            labels.push("parent package");
        }
        let labels = bracketed(&labels);
        format!(
            "{}:{}:{}: {}{labels}",
            self.path, self.line, self.col, self.statement
        )
    }
}

/// `  [type_checking, function]`, or nothing without labels.
fn bracketed(labels: &[&str]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!("  [{}]", labels.join(", "))
    }
}

/// Module names joined by arrows.
pub fn arrows(modules: &[String]) -> String {
    modules.join(" → ")
}

/// `1 site`, `3 sites`.
/// Text made safe inside HTML or SVG elements.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Markdown's inline marks as HTML: `code` and **bold**; the rest escaped.
pub fn inline_markdown(text: &str) -> String {
    let mut html = String::new();
    for (i, piece) in text.split('`').enumerate() {
        if i % 2 == 1 {
            html.push_str(&format!("<code>{}</code>", escape(piece)));
            continue;
        }
        for (j, part) in piece.split("**").enumerate() {
            match j % 2 {
                1 => {
                    html.push_str(&format!("<b>{}</b>", escape(part)));
                }
                _ => html.push_str(&escape(part)),
            }
        }
    }
    html
}

pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[derive(Serialize)]
pub struct DiagnosticView {
    pub path: String,
    pub line: u32,
    pub message: String,
}

/// The files that could not be read or parsed, as every JSON output lists them.
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
