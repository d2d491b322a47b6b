//! `refs TARGET`: every reference to the definition (or module) TARGET resolves to —
//! imports through any chain, re-exports, uses of the names they bind, attribute
//! accesses through modules — with counts per kind, per file and per import path.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{RefKind, RefsGroupBy};
use crate::commands::count;
use crate::graph::EdgeFilter;
use crate::index::{ModuleId, Project};
use crate::query;
use crate::resolve::{Resolution, Resolver};
use crate::target::resolve_target;
use crate::view::{self, ResolvedView};

#[derive(Serialize)]
pub struct Refs {
    pub schema: &'static str,
    pub target: String,
    pub definition: ResolvedView,
    /// Sorted by path, line, column.
    pub references: Vec<Reference>,
    pub counts: Counts,
    #[serde(skip)]
    pub group_by: Option<RefsGroupBy>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reference {
    pub path: String,
    pub line: u32,
    /// Of the name token itself (for `m.Name`, of `Name`).
    pub col: u32,
    pub kind: &'static str,
    /// For a string: what reads it (`mock.patch`, `import_module`, `resolve_name`,
    /// `literal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_kind: Option<&'static str>,
    /// For an import: the module path it names; for an attribute: the chain read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The source line, trimmed.
    pub text: String,
    /// A byte offset in the file to place the reference at once it is read (an import's
    /// name token); `line` and `col` are set from it.
    #[serde(skip)]
    pub offset: Option<u32>,
}

#[derive(Serialize)]
pub struct Counts {
    pub references: usize,
    pub files: usize,
    pub by_kind: BTreeMap<&'static str, usize>,
    /// References per file, most first.
    pub by_file: Vec<(String, usize)>,
    /// Import sites per module path they name, most first.
    pub by_module_path: Vec<(String, usize)>,
}

pub struct Options {
    pub kinds: Vec<RefKind>,
    pub group_by: Option<RefsGroupBy>,
    pub include_tests: bool,
}

pub fn compute(project: &Project, target: &str, options: &Options) -> Result<Refs> {
    let mut resolver = Resolver::new(project);
    let (resolution, _) = resolve_target(&mut resolver, target)?;
    if !has_references(&resolution) {
        let what = view::describe(&view::resolved(project, &resolution));
        anyhow::bail!("{target}: nothing in the repository to find references of ({what})");
    }
    let mut found = collect(&mut resolver, &resolution, options.include_tests);
    found.retain(|(_, r)| {
        options.kinds.is_empty() || options.kinds.iter().any(|k| k.name() == r.kind)
    });
    fill_text(project, &mut found);
    found.sort_by(|a, b| (&a.1.path, a.1.line, a.1.col).cmp(&(&b.1.path, b.1.line, b.1.col)));
    let references: Vec<Reference> = found.into_iter().map(|(_, r)| r).collect();
    let counts = counts(&references);
    Ok(Refs {
        schema: "ssot-graph/refs/v1",
        target: target.to_string(),
        definition: view::resolved(project, &resolution),
        references,
        counts,
        group_by: options.group_by,
    })
}

/// Whether a resolution is something of the repository that can be referenced.
pub fn has_references(resolution: &Resolution) -> bool {
    matches!(
        resolution,
        Resolution::Definition { .. }
            | Resolution::Module(_)
            | Resolution::Member { .. }
            | Resolution::Compiled { .. }
    )
}

/// Every reference to `resolution`, each with its file, not yet placed exactly nor
/// given its source line (see `fill_text`).
pub fn collect(
    resolver: &mut Resolver,
    resolution: &Resolution,
    include_tests: bool,
) -> Vec<(usize, Reference)> {
    let project = resolver.project();
    let keeps_file = |file: usize| include_tests || !project.files[file].is_test;
    let mut found: Vec<(usize, Reference)> = Vec::new();
    let filter = EdgeFilter {
        tests: include_tests,
        ..EdgeFilter::default()
    };
    let target = Target::new(project, resolution);
    // Deleting a module deletes its own uses (and its submodules').
    let dies_with_target =
        |file: usize| target.in_package(project.by_name[&project.files[file].module]);
    // A site whose name other references reach through is a re-export.
    let mut passed_through: BTreeSet<(ModuleId, String)> = BTreeSet::new();
    let mut sites: Vec<usize> = Vec::new();
    for site in 0..project.sites.len() {
        if !filter.keeps_site(project, site) || dies_with_target(project.sites[site].file) {
            continue;
        }
        let (reached, hops) = resolver.resolve_site(site);
        if target.reached(&reached, &hops, project.sites[site].node) {
            sites.push(site);
            passed_through.extend(hops.into_iter().map(|hop| (hop.module, hop.name)));
        }
    }
    for &site in &sites {
        let record = &project.sites[site];
        let import = project.import_site(site);
        let bound = import
            .alias
            .clone()
            .or_else(|| import.name.clone())
            .unwrap_or_default();
        let reexport = passed_through.contains(&(record.importer, bound));
        found.push((
            record.file,
            Reference {
                path: project.files[record.file].rel.clone(),
                line: import.position.line,
                col: import.position.col,
                kind: if reexport { "reexport" } else { "import" },
                string_kind: None,
                via: record.target.as_deref().map(str::to_string),
                text: String::new(),
                offset: Some(import.alias_span.start),
            },
        ));
    }
    for file in (0..project.files.len()).filter(|&f| keeps_file(f)) {
        if project.files[file].companion || dies_with_target(file) {
            continue;
        }
        let module = project.by_name[&project.files[file].module];
        uses_in(resolver, module, file, &target, &mut found);
        strings_in(resolver, file, &target, &mut found);
    }
    let (entry_points, warnings) = crate::entry_points::read(project);
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    for entry in entry_points {
        let steps = resolver.resolve_steps(&entry.target.path);
        if steps.iter().any(|(r, hops)| target.reached(r, hops, None)) {
            let mut reference = string_reference(entry.rel, &entry.target);
            reference.text = entry.text;
            found.push((NOT_A_SOURCE_FILE, reference));
        }
    }
    found.sort_by(|a, b| (&a.1.path, a.1.line, a.1.col).cmp(&(&b.1.path, b.1.line, b.1.col)));
    found.dedup_by(|a, b| (&a.1.path, a.1.line, a.1.col) == (&b.1.path, b.1.line, b.1.col));
    found
}

/// What references are looked for: a definition, or a module with its submodules (what
/// breaks when it is deleted).
struct Target {
    resolution: Resolution,
    package: Option<rustc_hash::FxHashSet<ModuleId>>,
}

impl Target {
    fn new(project: &Project, resolution: &Resolution) -> Target {
        let package = match resolution {
            Resolution::Module(m) => {
                let name = &project.modules[*m as usize].name;
                let prefix = format!("{name}.");
                Some(
                    (0..project.modules.len() as ModuleId)
                        .filter(|&id| {
                            let module = &project.modules[id as usize].name;
                            module == name || module.starts_with(&prefix)
                        })
                        .collect(),
                )
            }
            _ => None,
        };
        Target {
            resolution: resolution.clone(),
            package,
        }
    }

    /// The module is the target module or one of its submodules.
    fn in_package(&self, module: ModuleId) -> bool {
        self.package.as_ref().is_some_and(|p| p.contains(&module))
    }

    /// Something that resolves to `resolution` through `hops` (and names `node`) reaches
    /// the target.
    fn reached(
        &self,
        resolution: &Resolution,
        hops: &[crate::resolve::Hop],
        node: Option<ModuleId>,
    ) -> bool {
        *resolution == self.resolution
            || (self.package.is_some()
                && (hops.iter().any(|h| self.in_package(h.module))
                    || node.is_some_and(|n| self.in_package(n))
                    || query::resolution_module(resolution).is_some_and(|m| self.in_package(m))))
    }
}

/// The uses of module-level names in `file` that reach `target`: the name itself, or an
/// attribute read through the modules it names.
fn uses_in(
    resolver: &mut Resolver,
    module: ModuleId,
    file: usize,
    target: &Target,
    found: &mut Vec<(usize, Reference)>,
) {
    let project = resolver.project();
    let summary = project.summary(file);
    let path = &project.files[file].rel;
    // A file reads the same few names again and again: each resolved once here.
    let mut module_names: FxHashMap<u32, (Resolution, Vec<crate::resolve::Hop>)> =
        FxHashMap::default();
    for used in &summary.uses {
        let name = summary.use_names[used.name as usize].as_str();
        let (mut resolution, hops) = match used.import {
            u32::MAX => module_names
                .entry(used.name)
                .or_insert_with(|| match target.package {
                    Some(_) => resolver.resolve_attributes(module, &[name]),
                    None => (resolver.resolve_name(module, name), Vec::new()),
                })
                .clone(),
            import => {
                let plain_import = summary.imports[import as usize].name.is_none()
                    && summary.imports[import as usize].alias.is_none();
                match project.site_of(file, import as usize) {
                    // `import a.b` binds `a`.
                    Some(_) if plain_import => resolver.resolve_path(name),
                    Some(site) => resolver.resolve_site(site),
                    None => continue,
                }
            }
        };
        // A name reached through a module breaks with it (`from m import f`, then `f()`).
        if target.reached(&resolution, &hops, None) {
            found.push((
                file,
                Reference {
                    path: path.clone(),
                    line: used.position.line,
                    col: used.position.col,
                    kind: "use",
                    string_kind: None,
                    via: None,
                    text: String::new(),
                    offset: None,
                },
            ));
            continue;
        }
        let start = used.attributes as usize;
        let attributes = &summary.use_attributes[start..start + used.attribute_count as usize];
        let mut chain = name.to_string();
        for attribute in attributes {
            let Resolution::Module(inner) = resolution else {
                break;
            };
            let attribute_name = summary.use_names[attribute.name as usize].as_str();
            chain.push('.');
            chain.push_str(attribute_name);
            resolution = resolver.resolve_name(inner, attribute_name);
            if target.reached(&resolution, &[], None) {
                found.push((
                    file,
                    Reference {
                        path: path.clone(),
                        line: attribute.position.line,
                        col: attribute.position.col,
                        kind: "attribute",
                        string_kind: None,
                        via: Some(chain.clone()),
                        text: String::new(),
                        offset: None,
                    },
                ));
                break;
            }
        }
    }
}

/// The string literals of `file` whose dotted path names `target` (for a module, the
/// module or anything in it).
fn strings_in(
    resolver: &mut Resolver,
    file: usize,
    target: &Target,
    found: &mut Vec<(usize, Reference)>,
) {
    let project = resolver.project();
    let summary = project.summary(file);
    for string in &summary.strings {
        let top = string.path.split('.').next().unwrap_or_default();
        if !string.kind.in_own_module() && project.internal(top).is_none() {
            continue;
        }
        // `mock.patch("m.C.method")` breaks with `m.C` too.
        let steps = resolver.resolve_string(file, string);
        if steps.iter().any(|(r, hops)| target.reached(r, hops, None)) {
            let path = project.files[file].rel.clone();
            found.push((file, string_reference(path, string)));
        }
    }
}

/// A reference outside the Python sources (an entry point): its text is already known.
const NOT_A_SOURCE_FILE: usize = usize::MAX;

fn string_reference(path: String, string: &crate::summary::StringTarget) -> Reference {
    Reference {
        path,
        line: string.position.line,
        col: string.position.col,
        kind: "string",
        string_kind: Some(string.kind.as_str()),
        via: Some(string.path.clone()),
        text: String::new(),
        offset: None,
    }
}

/// Each reference's source line (and an import's exact place), the file read once.
fn fill_text(project: &Project, found: &mut [(usize, Reference)]) {
    // References come file by file: each file is read once, files in parallel.
    found
        .par_chunk_by_mut(|a, b| a.0 == b.0)
        .for_each(|references| {
            let file = references[0].0;
            if file == NOT_A_SOURCE_FILE {
                return;
            }
            let text = crate::parse::read_source(&project.files[file].path)
                .ok()
                .and_then(|source| match source {
                    crate::parse::SourceBytes::Bytes(bytes) => crate::parse::decode(bytes).ok(),
                    crate::parse::SourceBytes::Oversize(_) => None,
                })
                .unwrap_or_default();
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .collect();
            for (_, reference) in references.iter_mut() {
                place(reference, &text, &starts);
            }
        });
}

/// An import's exact line and column from its byte offset, and the source line.
fn place(reference: &mut Reference, text: &str, starts: &[usize]) {
    if let Some(offset) = reference
        .offset
        .map(|o| o as usize)
        .filter(|&o| o <= text.len())
        && text.is_char_boundary(offset)
    {
        let line = starts.partition_point(|&s| s <= offset) - 1;
        reference.line = line as u32 + 1;
        reference.col = text[starts[line]..offset].chars().count() as u32 + 1;
    }
    let line = reference.line as usize - 1;
    reference.text = match (starts.get(line), starts.get(line + 1)) {
        (Some(&start), Some(&end)) => text[start..end].trim().to_string(),
        (Some(&start), None) => text[start..].trim().to_string(),
        _ => String::new(),
    };
}

pub fn counts(references: &[Reference]) -> Counts {
    let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_module_path: BTreeMap<&str, usize> = BTreeMap::new();
    for reference in references {
        *by_kind.entry(reference.kind).or_default() += 1;
        *by_file.entry(&reference.path).or_default() += 1;
        if matches!(reference.kind, "import" | "reexport")
            && let Some(via) = &reference.via
        {
            *by_module_path.entry(via).or_default() += 1;
        }
    }
    let ranked = |map: BTreeMap<&str, usize>| {
        let mut list: Vec<(String, usize)> =
            map.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list
    };
    Counts {
        references: references.len(),
        files: by_file.len(),
        by_kind,
        by_file: ranked(by_file),
        by_module_path: ranked(by_module_path),
    }
}

impl Counts {
    /// `22 references in 8 files (8 imports, 2 reexports, 12 uses)`; `why` leaves out
    /// the word `references` (`noun`).
    pub fn line(&self, noun: bool) -> String {
        let kinds: Vec<String> = self
            .by_kind
            .iter()
            .map(|(kind, n)| format!("{n} {kind}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        format!(
            "{} in {}{}",
            if noun {
                count(self.references, "reference")
            } else {
                self.references.to_string()
            },
            count(self.files, "file"),
            if kinds.is_empty() {
                String::new()
            } else {
                format!(" ({})", kinds.join(", "))
            }
        )
    }
}

fn group_key(reference: &Reference, by: RefsGroupBy) -> &str {
    match by {
        RefsGroupBy::File => &reference.path,
        RefsGroupBy::Kind => reference.kind,
        RefsGroupBy::ModulePath => reference.via.as_deref().unwrap_or("(uses)"),
    }
}

pub fn text(out: &mut dyn Write, refs: &Refs) -> std::io::Result<()> {
    let line = |out: &mut dyn Write, r: &Reference| {
        writeln!(
            out,
            "{}:{}:{}: {:<9} {}",
            r.path, r.line, r.col, r.kind, r.text
        )
    };
    match refs.group_by {
        None => {
            for reference in &refs.references {
                line(out, reference)?;
            }
        }
        Some(by) => {
            let mut keys: Vec<&str> = refs.references.iter().map(|r| group_key(r, by)).collect();
            keys.sort_unstable();
            keys.dedup();
            for (index, key) in keys.iter().enumerate() {
                if index > 0 {
                    writeln!(out)?;
                }
                let members: Vec<&Reference> = refs
                    .references
                    .iter()
                    .filter(|r| group_key(r, by) == *key)
                    .collect();
                writeln!(out, "{key}  ({})", count(members.len(), "reference"))?;
                for reference in members {
                    line(out, reference)?;
                }
            }
        }
    }
    let c = &refs.counts;
    if c.references > 0 {
        writeln!(out)?;
    }
    writeln!(
        out,
        "{}: {}",
        view::describe(&refs.definition),
        c.line(true)
    )?;
    if c.by_module_path.len() > 1 {
        writeln!(out, "imports per module path:")?;
        for (module, n) in &c.by_module_path {
            writeln!(out, "  {n:>5}  {module}")?;
        }
    }
    Ok(())
}
