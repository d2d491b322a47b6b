//! `affected`: the test files a change can reach. A changed module reaches the tests that
//! depend on it through any chain of imports (re-exports, star imports, lazy
//! `__getattr__` and function-level imports included), strings that import
//! (`mock.patch`, `import_module`, `pytest_plugins`), the `conftest.py` files above them
//! and their own packages; a removed module reaches its former importers; any other file
//! reaches the files that name it in a string; a change to pytest's settings (or to a
//! configured `always` glob) reaches every test.

pub mod changes;
mod dependents;
mod stored;
pub mod test_files;

use globset::GlobSet;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

pub use changes::{Change, Status};
pub use dependents::Via;
use dependents::{Dependents, Step};

use crate::index::{ModuleId, Project};
use test_files::TestFilePatterns;

/// Why a test file is selected: how it is linked to the change nearest it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The test file itself changed.
    Changed,
    /// It imports (through any chain) a changed module.
    Import,
    /// A string of it names a changed module (`mock.patch`, `import_module`).
    String,
    /// A `conftest.py` above it changed or reaches the change.
    Conftest,
    /// It imports a module the change removed.
    RemovedModule,
    /// It names a changed file's path in a string.
    NamesPath,
    /// The change touched pytest's settings or an `always` glob.
    Always,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Changed => "changed",
            Reason::Import => "import",
            Reason::String => "string",
            Reason::Conftest => "conftest",
            Reason::RemovedModule => "removed-module",
            Reason::NamesPath => "names-path",
            Reason::Always => "always",
        }
    }
}

pub struct Options<'a> {
    /// Follow imports made only under `if TYPE_CHECKING:`.
    pub type_checking: bool,
    /// Changed paths that select every test.
    pub always: &'a GlobSet,
    pub patterns: &'a TestFilePatterns,
}

/// Where a walk starts: a module the change touches, and how.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    /// Index into the changes.
    pub change: usize,
    pub reason: Reason,
    /// The file and line that make the link (an import of a removed module, a string
    /// naming a changed file).
    pub at: Option<(usize, u32)>,
}

/// One selected test file.
pub struct Selected {
    pub file: usize,
    pub reason: Reason,
    pub origin: Origin,
    /// From the test to the module the change touched: (dependent, dependency, how).
    pub chain: Vec<(ModuleId, ModuleId, Via)>,
}

pub struct Selection {
    /// In path order.
    pub selected: Vec<Selected>,
    /// Every file pytest collects among the project's files.
    pub tests: Vec<usize>,
}

pub fn select(project: &Project, changes: &[Change], options: &Options) -> Selection {
    let mut tests: Vec<usize> = (0..project.files.len())
        .filter(|&f| {
            !project.files[f].companion && options.patterns.collects(&project.files[f].rel)
        })
        .collect();
    tests.sort_by(|&a, &b| project.files[a].rel.cmp(&project.files[b].rel));
    let by_rel: FxHashMap<&str, usize> = project
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.rel.as_str(), i))
        .collect();
    let mut starts: Vec<(ModuleId, Origin)> = Vec::new();
    let mut named: Vec<(usize, String)> = Vec::new();
    let mut always = None;
    for (index, change) in changes.iter().enumerate() {
        if options.always.is_match(&change.path) {
            always.get_or_insert(index);
        }
        let present = by_rel.get(change.path.as_str()).copied();
        match present {
            Some(file) if change.status != Status::Deleted => starts.push((
                project.file_module[file],
                Origin {
                    change: index,
                    reason: Reason::Changed,
                    at: None,
                },
            )),
            _ => {
                if let Some(removed) = removed_module(project, change) {
                    let found = importers_of_removed(project, &removed, options.type_checking);
                    for (file, line) in found {
                        starts.push((
                            project.file_module[file],
                            Origin {
                                change: index,
                                reason: Reason::RemovedModule,
                                at: Some((file, line)),
                            },
                        ));
                    }
                }
                if let Some(name) = change.path.rsplit('/').next() {
                    named.push((index, name.to_string()));
                }
            }
        }
    }
    starts.extend(files_naming(project, &named));
    let dependents = Dependents::new(project, &tests, options.type_checking);
    let reached = dependents.walk(&starts);
    let mut selected = Vec::new();
    for &file in &tests {
        let module = project.file_module[file];
        let Some(mut step) = reached.get(&module).copied() else {
            if let Some(change) = always {
                selected.push(Selected {
                    file,
                    reason: Reason::Always,
                    origin: Origin {
                        change,
                        reason: Reason::Always,
                        at: None,
                    },
                    chain: Vec::new(),
                });
            }
            continue;
        };
        let mut chain = Vec::new();
        let mut at = module;
        let origin = loop {
            match step {
                Step::Start(origin) => break origin,
                Step::From(dependency, via) => {
                    chain.push((at, dependency, via));
                    at = dependency;
                    step = reached[&dependency];
                }
            }
        };
        let reason = match chain.first() {
            None => origin.reason,
            Some((_, _, via)) => match via {
                Via::String { .. } => Reason::String,
                Via::Conftest => Reason::Conftest,
                _ => Reason::Import,
            },
        };
        selected.push(Selected {
            file,
            reason,
            origin,
            chain,
        });
    }
    Selection { selected, tests }
}

/// The module a deleted (or vanished) Python file held, when the project no longer has
/// it as a file.
fn removed_module(project: &Project, change: &Change) -> Option<String> {
    let path = change.path.as_str();
    if !(path.ends_with(".py") || path.ends_with(".pyi")) {
        return None;
    }
    crate::discover::module_of_path(path, &project.source_roots)
}

/// Import sites (those under `if TYPE_CHECKING:` when `type_checking`) and strings that
/// name `removed` or something in it: (file, line).
fn importers_of_removed(
    project: &Project,
    removed: &str,
    type_checking: bool,
) -> Vec<(usize, u32)> {
    let under = |name: &str| {
        name == removed || (name.starts_with(removed) && name[removed.len()..].starts_with('.'))
    };
    let parent = removed.rsplit_once('.');
    let mut found: Vec<(usize, u32)> = project
        .sites
        .iter()
        .enumerate()
        .filter(|(site, record)| {
            let Some(target) = &record.target else {
                return false;
            };
            if record.context.type_checking && !type_checking {
                return false;
            }
            under(target.as_str())
                || parent.is_some_and(|(parent, last)| {
                    target.as_str() == parent
                        && project
                            .import_site(*site)
                            .name
                            .is_some_and(|n| n.as_str() == last)
                })
        })
        .map(|(site, record)| {
            (
                record.file as usize,
                project.import_site(site).position.line,
            )
        })
        .collect();
    found.extend((0..project.files.len()).flat_map(|file| {
        project
            .summary(file)
            .strings
            .iter()
            .filter_map(move |string| {
                let path = project.string_path(file, string)?;
                under(&path).then_some((file, string.position.line))
            })
    }));
    found.sort_unstable();
    found.dedup();
    found
}

/// The project files whose text names one of the changed files `(change, file name)`
/// in a string (`"data/fixture.json"`, `'fixture.json'`): each file where it does first.
fn files_naming(project: &Project, named: &[(usize, String)]) -> Vec<(ModuleId, Origin)> {
    if named.is_empty() {
        return Vec::new();
    }
    let finders: Vec<(usize, memchr::memmem::Finder)> = named
        .iter()
        .map(|(change, name)| {
            (
                *change,
                memchr::memmem::Finder::new(name.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut found: Vec<(usize, ModuleId, Origin)> = (0..project.files.len())
        .into_par_iter()
        .filter(|&f| !project.files[f].compiled)
        .flat_map_iter(|file| {
            let text = std::fs::read(&project.files[file].path).unwrap_or_default();
            let module = project.file_module[file];
            finders
                .iter()
                .filter_map(|(change, finder)| {
                    let at = finder
                        .find_iter(&text)
                        .find(|&at| in_string(&text, at, finder.needle().len()))?;
                    let line = text[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                    let origin = Origin {
                        change: *change,
                        reason: Reason::NamesPath,
                        at: Some((file, line)),
                    };
                    Some((file, module, origin))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort_by_key(|(file, _, origin)| (*file, origin.change));
    found.into_iter().map(|(_, m, o)| (m, o)).collect()
}

/// Whether the name found at `at` ends a string's text and starts at a path component.
fn in_string(text: &[u8], at: usize, len: usize) -> bool {
    let before = at.checked_sub(1).map(|i| text[i]);
    let after = text.get(at + len).copied();
    let starts =
        before.is_none_or(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')));
    starts && matches!(after, Some(b'"' | b'\''))
}
