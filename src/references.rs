//! References: every import, re-export, use, attribute read and string that reaches a
//! definition or a module, found by one walk over the import sites and each file's uses
//! and strings (`walk`). `refs` of one module walks for it alone; every definition's
//! references are walked at once into a `ReferenceIndex`, kept beside the cache snapshot
//! so that a warm `refs`, `report` or `duplicates` reads only the rows it needs.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::cache::snapshot::{self, BlobRef, Container};
use crate::graph::EdgeFilter;
use crate::index::{ModuleId, Project};
use crate::query;
use crate::resolve::{Hop, Resolution, Resolver};
use crate::summary::{Position, StringKind, StringTarget};

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
    /// How many characters the name (a string's dotted path) runs from `col`, once the
    /// line is read.
    #[serde(skip)]
    pub width: u32,
}

/// The reference kinds, as `refs --kind` names them.
pub const KINDS: [&str; 5] = ["import", "reexport", "use", "attribute", "string"];

/// A reference as the walk finds it: its file and place, without its path and text
/// (the form the index stores).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Row {
    file: u32,
    line: u32,
    col: u32,
    /// Index into `KINDS`.
    kind: u8,
    string_kind: Option<StringKind>,
    /// Shared: an import's is the site's interned module path.
    via: Option<std::sync::Arc<str>>,
    /// See `Reference::offset`.
    offset: Option<u32>,
}

impl Row {
    fn new(file: usize, position: Position, kind: &str, via: Option<std::sync::Arc<str>>) -> Row {
        Row {
            file: file as u32,
            line: position.line,
            col: position.col,
            kind: KINDS.iter().position(|k| *k == kind).unwrap_or(0) as u8,
            string_kind: None,
            via,
            offset: None,
        }
    }

    fn string(file: usize, string: &StringTarget) -> Row {
        Row {
            string_kind: Some(string.kind),
            ..Row::new(
                file,
                string.position,
                "string",
                Some(string.path.as_str().into()),
            )
        }
    }

    fn reference(self, project: &Project) -> Option<(usize, Reference)> {
        let file = self.file as usize;
        let reference = Reference {
            path: project.files.get(file)?.rel.to_string(),
            line: self.line,
            col: self.col,
            kind: KINDS.get(self.kind as usize)?,
            string_kind: self.string_kind.map(StringKind::as_str),
            via: self.via.as_deref().map(str::to_string),
            text: String::new(),
            offset: self.offset,
            width: 0,
        };
        Some((file, reference))
    }
}

/// Whether a resolution is something of the repository that can be referenced.
pub fn has_references(resolution: &Resolution) -> bool {
    is_definition(resolution) || matches!(resolution, Resolution::Module(_))
}

/// A definition of the repository: what the index holds references of.
fn is_definition(resolution: &Resolution) -> bool {
    matches!(
        resolution,
        Resolution::Definition { .. } | Resolution::Member { .. } | Resolution::Compiled { .. }
    )
}

/// How many reads of the name an import site binds its file makes (by the scoping of
/// the uses pass: a function's own import is read in that function only).
pub fn uses_of_site(project: &Project, site: usize) -> usize {
    let record = &project.sites[site];
    let import = project.import_site(site);
    let Some(bound) = import.bound_name() else {
        return 0;
    };
    let summary = project.summary(record.file as usize);
    let own = if import.context.function {
        record.import
    } else {
        u32::MAX
    };
    summary
        .uses
        .iter()
        .filter(|u| u.import == own && summary.use_names[u.name as usize] == bound)
        .count()
}

/// A reference outside the Python sources (an entry point): its text is already known.
pub const NOT_A_SOURCE_FILE: usize = usize::MAX;

/// Every reference to `resolution`, each with its file, not yet placed exactly nor
/// given its source line (see `refs::fill_text`); sorted by path, line and column. A
/// definition's come from the index (read from the cache, or built and kept there).
pub fn collect(
    resolver: &mut Resolver,
    resolution: &Resolution,
    reach: Reach,
    include_tests: bool,
) -> Vec<(usize, Reference)> {
    let project = resolver.project();
    let target = Target::new(project, resolution, reach);
    let indexed = (is_definition(resolution) && project.cache.is_some())
        .then(|| ReferenceIndex::open(resolver).rows(project, resolution, include_tests))
        .flatten();
    // Without a cache (or with a damaged entry) the walk is for this target alone.
    let rows = indexed.unwrap_or_else(|| {
        project.summaries.load_all();
        let mut sink = TargetSink {
            target: target.clone(),
            found: Vec::new(),
        };
        walk(project, include_tests, &mut sink);
        sink.found
    });
    let mut found: Vec<(usize, Reference)> = rows
        .into_iter()
        .filter_map(|row| row.reference(project))
        .collect();
    entry_points(resolver, &target, &mut found);
    // Two names of one statement are two references (same line and column, each with
    // the offset of its own name).
    let key = |r: &Reference| (r.path.clone(), r.line, r.col, r.offset);
    found.sort_by_key(|(_, r)| key(r));
    found.dedup_by(|a, b| key(&a.1) == key(&b.1));
    found
}

/// The entry points of `pyproject.toml` and `setup.cfg` that reach `target`.
fn entry_points(resolver: &mut Resolver, target: &Target, found: &mut Vec<(usize, Reference)>) {
    for (steps, entry) in resolved_entry_points(resolver) {
        if steps.iter().any(|(r, hops)| target.reached(r, hops, None)) {
            let string = &entry.target;
            let reference = Reference {
                path: entry.rel,
                line: string.position.line,
                col: string.position.col,
                kind: "string",
                string_kind: Some(string.kind.as_str()),
                via: Some(string.path.clone()),
                text: entry.text,
                offset: None,
                width: 0,
            };
            found.push((NOT_A_SOURCE_FILE, reference));
        }
    }
}

/// The steps of a dotted path (see `Resolver::resolve_steps`).
type Steps = Vec<(Resolution, Vec<Hop>)>;

/// Each entry point with the steps of the path it names.
fn resolved_entry_points(resolver: &mut Resolver) -> Vec<(Steps, crate::entry_points::EntryPoint)> {
    let (entry_points, warnings) = crate::entry_points::read(resolver.project());
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    entry_points
        .into_iter()
        .map(|entry| (resolver.resolve_steps(&entry.target.path), entry))
        .collect()
}

/// How many references each definition has, read from the index, tests left out unless
/// `include_tests`: what `duplicates` ranks by.
pub struct ReferenceCounts {
    index: ReferenceIndex,
    entry_points: FxHashMap<Resolution, usize>,
    include_tests: bool,
}

impl ReferenceCounts {
    pub fn new(resolver: &mut Resolver, include_tests: bool) -> ReferenceCounts {
        let mut entry_points: FxHashMap<Resolution, usize> = FxHashMap::default();
        for (steps, _) in resolved_entry_points(resolver) {
            for (resolution, _) in steps.into_iter().filter(|(r, _)| is_definition(r)) {
                *entry_points.entry(resolution).or_default() += 1;
            }
        }
        ReferenceCounts {
            index: ReferenceIndex::open(resolver),
            entry_points,
            include_tests,
        }
    }

    pub fn of(&self, project: &Project, resolution: &Resolution) -> usize {
        let mut rows = self
            .index
            .rows(project, resolution, self.include_tests)
            .unwrap_or_default();
        // One reference per place, as `collect` gives them.
        rows.sort_by_key(|r| (r.file, r.line, r.col, r.offset));
        rows.dedup_by_key(|r| (r.file, r.line, r.col, r.offset));
        rows.len() + self.entry_points.get(resolution).copied().unwrap_or(0)
    }
}

/// What a walk does with what it meets. Files are walked in parallel, each part into a
/// sink of its own (`part`), joined in file order.
trait Sink: Send + Sized {
    /// Whether something resolving to `resolution` through `hops` (an import naming
    /// module `node`) is a reference the walk wants.
    fn wants(&self, resolution: &Resolution, hops: &[Hop], node: Option<ModuleId>) -> bool;
    /// Whether a use of a name, or a string, that reaches `resolution` through `hops`
    /// names what the walk wants.
    fn wants_named(&self, resolution: &Resolution, hops: &[Hop]) -> bool;
    /// A file whose references are not wanted.
    fn skips(&self, project: &Project, file: usize) -> bool;
    fn found(&mut self, resolution: &Resolution, row: Row);
    /// An empty sink that wants the same.
    fn part(&self) -> Self;
    fn join(&mut self, part: Self);
}

/// The walk for one target.
struct TargetSink {
    target: Target,
    found: Vec<Row>,
}

impl Sink for TargetSink {
    fn wants(&self, resolution: &Resolution, hops: &[Hop], node: Option<ModuleId>) -> bool {
        self.target.reached(resolution, hops, node)
    }

    fn wants_named(&self, resolution: &Resolution, hops: &[Hop]) -> bool {
        self.target.named(resolution, hops)
    }

    /// Deleting a module deletes its own uses (and its submodules').
    fn skips(&self, project: &Project, file: usize) -> bool {
        self.target.reach != Reach::NamesWithin && self.target.in_package(project.file_module[file])
    }

    fn found(&mut self, _: &Resolution, row: Row) {
        self.found.push(row);
    }

    fn part(&self) -> Self {
        TargetSink {
            target: self.target.clone(),
            found: Vec::new(),
        }
    }

    fn join(&mut self, part: Self) {
        self.found.extend(part.found);
    }
}

/// The walk for every definition at once.
#[derive(Default)]
struct IndexSink {
    found: FxHashMap<Resolution, Vec<Row>>,
}

impl Sink for IndexSink {
    fn wants(&self, resolution: &Resolution, _: &[Hop], _: Option<ModuleId>) -> bool {
        is_definition(resolution)
    }

    fn wants_named(&self, resolution: &Resolution, _: &[Hop]) -> bool {
        is_definition(resolution)
    }

    fn skips(&self, _: &Project, _: usize) -> bool {
        false
    }

    fn found(&mut self, resolution: &Resolution, row: Row) {
        match self.found.get_mut(resolution) {
            Some(rows) => rows.push(row),
            None => {
                self.found.insert(resolution.clone(), vec![row]);
            }
        }
    }

    fn part(&self) -> Self {
        IndexSink::default()
    }

    fn join(&mut self, part: Self) {
        for (resolution, rows) in part.found {
            self.found.entry(resolution).or_default().extend(rows);
        }
    }
}

/// Walks every import site, use and string of the repository into `sink`.
fn walk<S: Sink + Sync>(project: &Project, include_tests: bool, sink: &mut S) {
    let filter = EdgeFilter {
        tests: include_tests,
        ..EdgeFilter::default()
    };
    // A site whose name other references to the same definition reach through is a
    // re-export (a name bound in two branches may lead elsewhere for others).
    let mut passed_through: FxHashSet<(ModuleId, String, Resolution)> = FxHashSet::default();
    let wanted: Vec<usize> = (0..project.sites.len())
        .filter(|&site| {
            filter.keeps_site(project, site)
                && !sink.skips(project, project.sites[site].file as usize)
        })
        .collect();
    let size = crate::resolve::part_size(wanted.len());
    let resolved: Vec<Vec<(usize, Resolution, Vec<Hop>)>> = wanted
        .par_chunks(size)
        .map(|chunk| {
            let mut resolver = Resolver::new(project);
            chunk
                .iter()
                .filter_map(|&site| {
                    let (reached, hops) = resolver.resolve_site(site);
                    let wants = sink.wants(&reached, &hops, project.sites[site].node());
                    wants.then_some((site, reached, hops))
                })
                .collect()
        })
        .collect();
    let mut sites: Vec<(usize, Resolution)> = Vec::new();
    for (site, reached, hops) in resolved.into_iter().flatten() {
        passed_through.extend(
            hops.into_iter()
                .map(|hop| (hop.module, hop.name, reached.clone())),
        );
        sites.push((site, reached));
    }
    for (site, resolution) in sites {
        let record = &project.sites[site];
        let import = project.import_site(site);
        let bound = import.bound_name().unwrap_or_default().to_string();
        let reexport =
            passed_through.contains(&(project.importer_of(record), bound, resolution.clone()));
        let kind = if reexport { "reexport" } else { "import" };
        let via = record.target.map(|t| t.as_str().into());
        let row = Row {
            offset: Some(import.alias_span.start),
            ..Row::new(record.file as usize, import.position, kind, via)
        };
        sink.found(&resolution, row);
    }
    let files: Vec<usize> = (0..project.files.len())
        .filter(|&file| {
            let source = &project.files[file];
            (include_tests || !source.is_test) && !source.companion && !sink.skips(project, file)
        })
        .collect();
    let size = crate::resolve::part_size(files.len());
    let parts: Vec<S> = files
        .par_chunks(size)
        .map(|chunk| {
            let mut resolver = Resolver::new(project);
            let mut part = sink.part();
            for &file in chunk {
                let module = project.file_module[file];
                uses_in(&mut resolver, module, file, &mut part);
                strings_in(&mut resolver, file, &mut part);
            }
            part
        })
        .collect();
    for part in parts {
        sink.join(part);
    }
}

/// What references are looked for: a definition, or a module with its submodules.
#[derive(Clone)]
pub struct Target {
    resolution: Resolution,
    package: Option<FxHashSet<ModuleId>>,
    reach: Reach,
}

/// Which references of a module count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// What names the module: its imports, attribute reads through it, strings naming
    /// its path.
    Names,
    /// Also every use of what it defines: what breaks if it is deleted.
    IfDeleted,
    /// What names the module, its own files and its submodules' included (a move of the
    /// whole package rewrites them too).
    NamesWithin,
}

impl Target {
    pub fn new(project: &Project, resolution: &Resolution, reach: Reach) -> Target {
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
            reach,
        }
    }

    /// A use of a name or a string step reaching `resolution` through `hops` is a
    /// reference: to a definition, that definition; to a module, the module (or one of
    /// its submodules) itself, or with `Reach::IfDeleted` anything reached through it.
    fn named(&self, resolution: &Resolution, hops: &[Hop]) -> bool {
        match (self.reach, &self.package) {
            (Reach::Names | Reach::NamesWithin, Some(_)) => {
                matches!(resolution, Resolution::Module(m) if self.in_package(*m))
            }
            _ => self.reached(resolution, hops, None),
        }
    }

    /// The module is the target module or one of its submodules.
    fn in_package(&self, module: ModuleId) -> bool {
        self.package.as_ref().is_some_and(|p| p.contains(&module))
    }

    /// Something that resolves to `resolution` through `hops` (and names `node`) reaches
    /// the target.
    fn reached(&self, resolution: &Resolution, hops: &[Hop], node: Option<ModuleId>) -> bool {
        *resolution == self.resolution
            || (self.package.is_some()
                && (hops.iter().any(|h| self.in_package(h.module))
                    || node.is_some_and(|n| self.in_package(n))
                    || query::resolution_module(resolution).is_some_and(|m| self.in_package(m))))
    }
}

/// The uses of module-level names in `file` the sink wants: the name itself, or an
/// attribute read through the modules it names.
fn uses_in(resolver: &mut Resolver, module: ModuleId, file: usize, sink: &mut impl Sink) {
    let project = resolver.project();
    let summary = project.summary(file);
    // A file reads the same few names again and again: each resolved once here.
    let mut module_names: FxHashMap<u32, (Resolution, Vec<Hop>)> = FxHashMap::default();
    for (used, attributes) in summary.uses_with_attributes() {
        let name = summary.use_names[used.name as usize].as_str();
        let (mut resolution, hops) = match used.import {
            u32::MAX => module_names
                .entry(used.name)
                .or_insert_with(|| resolver.resolve_attributes(module, &[name]))
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
        // A name reached through a module breaks with it (`from m import f`, then `f()`);
        // a module read for an attribute is that attribute's access (`wmf.create()`).
        if sink.wants_named(&resolution, &hops) {
            let row = match (&resolution, attributes.first()) {
                (Resolution::Module(_), Some(first)) => {
                    let first_name = &summary.use_names[first.name as usize];
                    let via = Some(format!("{name}.{first_name}").into());
                    Row::new(file, first.position, "attribute", via)
                }
                _ => Row::new(file, used.position, "use", None),
            };
            sink.found(&resolution, row);
            continue;
        }
        let mut chain = name.to_string();
        for attribute in attributes {
            let Resolution::Module(inner) = resolution else {
                break;
            };
            let attribute_name = summary.use_names[attribute.name as usize].as_str();
            chain.push('.');
            chain.push_str(attribute_name);
            resolution = resolver.resolve_name(inner, attribute_name);
            if sink.wants_named(&resolution, &[]) {
                let via = Some(chain.as_str().into());
                sink.found(
                    &resolution,
                    Row::new(file, attribute.position, "attribute", via),
                );
                break;
            }
        }
    }
}

/// The string literals of `file` the sink wants: each step of the dotted path it names
/// (`mock.patch("m.C.method")` breaks with `m.C` too).
fn strings_in(resolver: &mut Resolver, file: usize, sink: &mut impl Sink) {
    let project = resolver.project();
    let summary = project.summary(file);
    for string in &summary.strings {
        let path = project.string_path(file, string).unwrap_or_default();
        if project
            .internal(path.split('.').next().unwrap_or_default())
            .is_none()
        {
            continue;
        }
        // A plain literal is a reference only when it names something exactly.
        if string.kind == StringKind::Literal
            && matches!(
                resolver.resolve_path(&path).0,
                Resolution::Unresolved(_) | Resolution::Cycle
            )
        {
            continue;
        }
        // `mock.patch.object(obj, "name")` names `obj`'s attribute: `obj` itself is
        // already a reference of its own.
        let steps = match string.kind {
            StringKind::PatchObject => resolver
                .resolve_string_whole(file, string)
                .into_iter()
                .collect(),
            _ => resolver.resolve_string(file, string),
        };
        for (resolution, hops) in steps {
            if sink.wants_named(&resolution, &hops) {
                sink.found(&resolution, Row::string(file, string));
            }
        }
    }
}

/// Every definition's references (tests included), by definition; read from the cache
/// folder, or walked and written there.
pub struct ReferenceIndex {
    source: IndexSource,
}

enum IndexSource {
    Stored {
        container: Container,
        header: std::sync::Arc<StoredKeys>,
    },
    Walked(FxHashMap<Resolution, Vec<Row>>),
}

/// A stored index's header, decoded: what it is of, and where each definition's rows are.
struct StoredKeys {
    tool: String,
    state: u64,
    environment: u64,
    keys: FxHashMap<Key, BlobRef>,
}

/// The header last decoded (a language server asks again and again).
static KEPT: crate::cache::kept::Kept<StoredKeys> = crate::cache::kept::Kept::new();

/// The cache file next to the snapshot; the last byte is the layout version.
const MAGIC: &[u8; 8] = b"SSOTR\x00\x00\x02";
pub const FILE_NAME: &str = "references.bin";

/// A definition, as stored (module ids are stable for one cache state).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Key {
    Definition(ModuleId, u32),
    Member(ModuleId, u32),
    Compiled(ModuleId, String),
}

impl Key {
    fn of(resolution: &Resolution) -> Option<Key> {
        Some(match resolution {
            Resolution::Definition { module, binding } => Key::Definition(*module, *binding),
            Resolution::Member { module, member } => Key::Member(*module, *member),
            Resolution::Compiled { module, name } => Key::Compiled(*module, name.clone()),
            _ => return None,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct IndexHeader {
    tool: String,
    state: u64,
    environment: u64,
    keys: Vec<(Key, BlobRef)>,
}

impl ReferenceIndex {
    /// The index of the project's cache state: the stored one when it is current, else
    /// walked now and stored (failures to store are silent: the answer is the same).
    pub fn open(resolver: &mut Resolver) -> ReferenceIndex {
        let project = resolver.project();
        if let Some(stored) = Self::read(project) {
            return stored;
        }
        // The walk reads every summary: decode them in parallel first.
        project.summaries.load_all();
        let mut sink = IndexSink::default();
        walk(project, true, &mut sink);
        let _ = Self::write(project, &sink.found);
        ReferenceIndex {
            source: IndexSource::Walked(sink.found),
        }
    }

    fn path(project: &Project) -> Option<(std::path::PathBuf, u64, u64)> {
        let cache = project.cache.as_ref()?;
        let environment = project.environment.fingerprint();
        Some((cache.dir.join(FILE_NAME), cache.state, environment))
    }

    fn read(project: &Project) -> Option<ReferenceIndex> {
        let (path, state, environment) = Self::path(project)?;
        let file = snapshot::open_existing(&path).ok()??;
        // A header kept from an earlier read of this very file is not read again.
        let kept = KEPT.get(&path, &file);
        let container = Container::read(file, MAGIC, kept.is_none()).ok()?;
        let header = match kept {
            Some(header) => header,
            None => {
                let header: IndexHeader = crate::exact::within(container.header.len(), || {
                    bincode::deserialize(&container.header)
                })
                .ok()?;
                let header = std::sync::Arc::new(StoredKeys {
                    tool: header.tool,
                    state: header.state,
                    environment: header.environment,
                    keys: header.keys.into_iter().collect(),
                });
                KEPT.put(&path, &container.file, || header.clone());
                header
            }
        };
        let current = header.tool == env!("CARGO_PKG_VERSION")
            && header.state == state
            && header.environment == environment;
        current.then(|| ReferenceIndex {
            source: IndexSource::Stored { container, header },
        })
    }

    fn write(project: &Project, found: &FxHashMap<Resolution, Vec<Row>>) -> anyhow::Result<()> {
        let Some((path, state, environment)) = Self::path(project) else {
            return Ok(());
        };
        let mut keys = Vec::with_capacity(found.len());
        let mut blobs = Vec::with_capacity(found.len());
        for (resolution, rows) in found {
            let Some(key) = Key::of(resolution) else {
                continue;
            };
            keys.push(key);
            blobs.push(bincode::serialize(rows)?);
        }
        snapshot::write_container(&path, MAGIC, blobs.into_iter(), |placed| {
            let header = IndexHeader {
                tool: env!("CARGO_PKG_VERSION").to_string(),
                state,
                environment,
                keys: keys.into_iter().zip(placed).collect(),
            };
            Ok(bincode::serialize(&header)?)
        })
    }

    /// Every reference to the definition `resolution`, tests included, without entry
    /// points; `None` when its stored entry is damaged. For walks that ask about many
    /// definitions with one index.
    pub fn references(
        &self,
        project: &Project,
        resolution: &Resolution,
    ) -> Option<Vec<(usize, Reference)>> {
        let rows = self.rows(project, resolution, true)?;
        Some(
            rows.into_iter()
                .filter_map(|row| row.reference(project))
                .collect(),
        )
    }

    /// The references of `resolution`, tests left out unless `include_tests`; `None`
    /// when its stored entry is damaged.
    fn rows(
        &self,
        project: &Project,
        resolution: &Resolution,
        include_tests: bool,
    ) -> Option<Vec<Row>> {
        let mut rows = match &self.source {
            IndexSource::Walked(walked) => walked.get(resolution).cloned().unwrap_or_default(),
            IndexSource::Stored { container, header } => {
                let key = Key::of(resolution);
                let Some(blob) = key.and_then(|key| header.keys.get(&key).copied()) else {
                    return Some(Vec::new());
                };
                let bytes = container.blob(blob)?;
                crate::exact::within(bytes.len(), || bincode::deserialize(&bytes)).ok()?
            }
        };
        if !include_tests {
            rows.retain(|row| {
                project
                    .files
                    .get(row.file as usize)
                    .is_some_and(|f| !f.is_test)
            });
        }
        Some(rows)
    }
}
