//! Who can observe a module: the import graph read backwards (parent packages included,
//! function-level imports included, `TYPE_CHECKING` on request), plus what pytest and
//! strings add to it: a string a call imports by (`mock.patch`, `import_module`,
//! `pytest_plugins`, a dotted literal), the `conftest.py` files above a test, a test
//! module's own packages, and imports pytest resolves from a test's folder (`rootdir`
//! insertion for folders without `__init__.py`).

use std::collections::VecDeque;

use rustc_hash::{FxHashMap, FxHashSet};

use super::stored::FileStrings;
use crate::index::{ModuleId, Project};

/// How one module depends on another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// An import site of the dependent's file.
    Import(usize),
    /// An import site that runs the module as a parent package of what it imports.
    Parent(usize),
    /// An import that pytest resolves from the test's own folder.
    Folder(usize),
    /// A string of the dependent's file, at this line, that names the module.
    String { line: u32 },
    /// A read of a changed definition (`--symbols`), at this line of the dependent's file.
    Reference { line: u32 },
    /// The module is a `conftest.py` above the dependent test.
    Conftest,
    /// The module is a package the dependent test module belongs to.
    Package,
}

impl Via {
    /// Which of two links between the same modules to show: the plainest.
    fn rank(self) -> u8 {
        match self {
            Via::Import(_) => 0,
            Via::Parent(_) => 1,
            Via::Folder(_) => 2,
            Via::String { .. } => 3,
            Via::Conftest => 4,
            Via::Package => 5,
            Via::Reference { .. } => 6,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Via::Import(_) | Via::Folder(_) => "import",
            Via::Parent(_) => "parent-package",
            Via::String { .. } => "string",
            Via::Reference { .. } => "reference",
            Via::Conftest => "conftest",
            Via::Package => "package",
        }
    }
}

/// Links from a dependent to what it depends on, each (dependent, dependency, how).
pub type Chain = Vec<(ModuleId, ModuleId, Via)>;

/// How a module was reached: a start, or from a module it is a dependency of.
#[derive(Clone, Copy, Debug)]
pub enum Step<O> {
    Start(O),
    From(ModuleId, Via),
}

pub struct Dependents<'p> {
    project: &'p Project,
    /// Per module (`offsets[m]..offsets[m + 1]`), what depends on it and how.
    offsets: Vec<u32>,
    dependents: Vec<(ModuleId, Via)>,
}

impl<'p> Dependents<'p> {
    /// `tests`: the files pytest collects; `type_checking`: follow imports made only for
    /// type checkers; `strings`: each file's import strings (`stored::import_strings`).
    pub fn new(
        project: &'p Project,
        tests: &[usize],
        type_checking: bool,
        strings: &[FileStrings],
    ) -> Dependents<'p> {
        let mut edges: Vec<(ModuleId, ModuleId, Via)> = imports(project, type_checking);
        edges.extend(string_edges(project, strings));
        edges.extend(pytest_edges(project, tests));
        edges.extend(folder_imports(project, tests));
        edges.retain(|&(module, dependent, _)| module != dependent);
        // Grouped by the module depended on, in two passes (a sort costs more).
        let mut offsets = vec![0u32; project.modules.len() + 1];
        for &(module, _, _) in &edges {
            offsets[module as usize + 1] += 1;
        }
        for m in 0..project.modules.len() {
            offsets[m + 1] += offsets[m];
        }
        let mut next = offsets.clone();
        let mut dependents = vec![(0, Via::Conftest); edges.len()];
        for (module, dependent, via) in edges {
            let at = &mut next[module as usize];
            dependents[*at as usize] = (dependent, via);
            *at += 1;
        }
        Dependents {
            project,
            offsets,
            dependents,
        }
    }

    /// The modules that depend on `module` directly, each once (by its closest link: an
    /// import before a parent package before the rest), in name order.
    fn of(&self, module: ModuleId) -> Vec<(ModuleId, Via)> {
        let (start, end) = (
            self.offsets[module as usize],
            self.offsets[module as usize + 1],
        );
        let mut found = self.dependents[start as usize..end as usize].to_vec();
        found.sort_by_key(|&(from, via)| (self.project.name_rank(from), via.rank()));
        found.dedup_by_key(|&mut (from, _)| from);
        found
    }

    /// Breadth-first from the starts (in order; the first start of a module wins) to
    /// every module that depends on them, each with how it was reached.
    pub fn walk<O: Copy>(&self, starts: &[(ModuleId, O)]) -> FxHashMap<ModuleId, Step<O>> {
        let mut reached: FxHashMap<ModuleId, Step<O>> = FxHashMap::default();
        let mut queue = VecDeque::new();
        for &(module, origin) in starts {
            if let std::collections::hash_map::Entry::Vacant(entry) = reached.entry(module) {
                entry.insert(Step::Start(origin));
                queue.push_back(module);
            }
        }
        while let Some(module) = queue.pop_front() {
            for (dependent, via) in self.of(module) {
                if let std::collections::hash_map::Entry::Vacant(entry) = reached.entry(dependent) {
                    entry.insert(Step::From(module, via));
                    queue.push_back(dependent);
                }
            }
        }
        reached
    }
}

/// Every import site as an edge to the module it runs, and to the parent packages that
/// run first: (module, importer, how).
fn imports(project: &Project, type_checking: bool) -> Vec<(ModuleId, ModuleId, Via)> {
    let mut edges = Vec::with_capacity(project.sites.len() * 2);
    for (site, record) in project.sites.iter().enumerate() {
        if record.context.type_checking && !type_checking {
            continue;
        }
        let importer = project.file_module[record.file as usize];
        if let Some(node) = record.node() {
            edges.push((node, importer, Via::Import(site)));
        }
        for &parent in project.implicit.row(site) {
            edges.push((parent, importer, Via::Parent(site)));
        }
    }
    edges
}

/// The internal module a dotted path starts with, the longest one.
pub fn module_prefix(project: &Project, path: &str) -> Option<ModuleId> {
    let mut end = path.len();
    loop {
        if let Some(module) = project.internal(&path[..end]) {
            return Some(module);
        }
        end = path[..end].rfind('.')?;
    }
}

/// Strings read by calls that import what they name, and dotted literals naming a
/// module of the repository: (module named, module of the file, where).
fn string_edges(project: &Project, strings: &[FileStrings]) -> Vec<(ModuleId, ModuleId, Via)> {
    strings
        .iter()
        .enumerate()
        .flat_map(|(file, strings)| {
            let importer = project.file_module[file];
            strings.iter().filter_map(move |(path, line)| {
                let module = module_prefix(project, path)?;
                Some((module, importer, Via::String { line: *line }))
            })
        })
        .collect()
}

/// The folder of a root-relative path (`""` at the root).
pub fn folder(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Each test (and each `conftest.py`) depends on the `conftest.py` files of the folders
/// above it, and a test module on the packages it belongs to (pytest imports it by its
/// package path, running their `__init__.py` first).
fn pytest_edges(project: &Project, tests: &[usize]) -> Vec<(ModuleId, ModuleId, Via)> {
    let conftests: FxHashMap<&str, ModuleId> = project
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| is_named(&f.rel, "conftest.py"))
        .map(|(i, f)| (folder(&f.rel), project.file_module[i]))
        .collect();
    let conftest_files = project
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| is_named(&f.rel, "conftest.py"))
        .map(|(i, _)| i);
    let mut edges = Vec::new();
    for file in tests.iter().copied().chain(conftest_files) {
        let rel = project.files[file].rel.as_str();
        let module = project.file_module[file];
        let own = is_named(rel, "conftest.py").then(|| folder(rel));
        let mut dir = Some(folder(rel));
        while let Some(at) = dir {
            if Some(at) != own
                && let Some(&conftest) = conftests.get(at)
            {
                edges.push((conftest, module, Via::Conftest));
            }
            dir = (!at.is_empty()).then(|| folder(at));
        }
        let name = project.modules[module as usize].name.as_str();
        let mut package = name;
        while let Some((parent, _)) = package.rsplit_once('.') {
            if let Some(id) = project.internal(parent)
                && project.modules[id as usize].file.is_some()
            {
                edges.push((id, module, Via::Package));
            }
            package = parent;
        }
    }
    edges
}

/// Whether the file at root-relative `rel` is called `name`.
pub fn is_named(rel: &str, name: &str) -> bool {
    rel.rsplit('/').next() == Some(name)
}

/// Each project file by its root-relative path.
pub fn files_by_path(project: &Project) -> FxHashMap<&str, usize> {
    project
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.rel.as_str(), i))
        .collect()
}

/// Imports of test files (and their helpers) that Python cannot resolve from the source
/// roots but pytest can: in a folder without `__init__.py`, pytest puts the folder
/// itself first on `sys.path` (`from helpers import x` finds `tests/helpers.py`).
fn folder_imports(project: &Project, tests: &[usize]) -> Vec<(ModuleId, ModuleId, Via)> {
    let by_rel = files_by_path(project);
    let packages: FxHashSet<&str> = project
        .files
        .iter()
        .filter(|f| is_named(&f.rel, "__init__.py"))
        .map(|f| folder(&f.rel))
        .collect();
    // The folder pytest inserts for a file: the first one up that is not a package.
    let base = |rel| {
        let mut dir = folder(rel);
        while packages.contains(dir) && !dir.is_empty() {
            dir = folder(dir);
        }
        dir
    };
    let importers: FxHashSet<usize> = tests
        .iter()
        .copied()
        .chain((0..project.files.len()).filter(|&f| project.files[f].is_test))
        .collect();
    let mut edges = Vec::new();
    for (site, record) in project.sites.iter().enumerate() {
        let file = record.file as usize;
        if !importers.contains(&file) {
            continue;
        }
        let resolved = record
            .node()
            .is_some_and(|node| !project.modules[node as usize].external);
        let Some(target) = &record.target else {
            continue;
        };
        if resolved {
            continue;
        }
        let base = base(&project.files[file].rel);
        let mut path = target.as_str().replace('.', "/");
        loop {
            let prefix = if base.is_empty() {
                path.clone()
            } else {
                format!("{base}/{path}")
            };
            let found = [format!("{prefix}.py"), format!("{prefix}/__init__.py")]
                .into_iter()
                .find_map(|candidate| by_rel.get(candidate.as_str()).copied());
            if let Some(found) = found {
                let module = project.file_module[found];
                edges.push((module, project.file_module[file], Via::Folder(site)));
                break;
            }
            match path.rsplit_once('/') {
                Some((shorter, _)) => path = shorter.to_string(),
                None => break,
            }
        }
    }
    edges
}
