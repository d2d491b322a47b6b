//! `affected`: the test files a change can reach. A changed module reaches the tests that
//! depend on it through any chain of imports (re-exports, star imports, lazy
//! `__getattr__` and function-level imports included), strings that import
//! (`mock.patch`, `import_module`, `pytest_plugins`), the `conftest.py` files above them
//! and their own packages; a removed module reaches its former importers; any other file
//! reaches the files that name it in a string; a change to pytest's settings (or to a
//! configured `always` glob) reaches every test.

pub mod changes;
mod dependents;
mod reason;
mod stored;
mod symbols;
pub mod test_files;

use globset::GlobSet;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

pub use changes::{Change, Status};
pub use dependents::{Chain, Via};
use dependents::{Dependents, Step};
pub use reason::{Origin, Reason};

use crate::index::{ModuleId, Project};
use test_files::TestFilePatterns;

pub struct Options<'a> {
    /// Follow imports made only under `if TYPE_CHECKING:`.
    pub type_checking: bool,
    /// Changed paths that select every test.
    pub always: &'a GlobSet,
    pub patterns: &'a TestFilePatterns,
    /// `--symbols`: the lines each changed Python file has now that the change wrote; a
    /// change to definitions' bodies then reaches only what reads them.
    pub symbols: Option<&'a FxHashMap<String, Vec<(u32, u32)>>>,
}

/// One selected test file.
pub struct Selected {
    pub file: usize,
    pub reason: Reason,
    pub origin: Origin,
    /// From the test to the module the change touched: (dependent, dependency, how).
    pub chain: Chain,
    /// With `--symbols`, the test functions and classes reached (`None`: the file).
    pub nodes: Option<Vec<String>>,
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
    let by_rel = dependents::files_by_path(project);
    let strings = stored::import_strings(project);
    let mut starts: Vec<(ModuleId, Origin)> = Vec::new();
    let mut named: Vec<(usize, String)> = Vec::new();
    let mut always = None;
    let test_set: FxHashSet<usize> = tests.iter().copied().collect();
    let mut layouts = symbols::Layouts::default();
    let mut narrowed: Vec<(ModuleId, String, Origin)> = Vec::new();
    let mut reached_by_name = symbols::Reached::default();
    for (index, change) in changes.iter().enumerate() {
        if options.always.is_match(&change.path) {
            always.get_or_insert(index);
        }
        let present = by_rel.get(change.path.as_str()).copied();
        match present {
            Some(file) if change.status != Status::Deleted => {
                let origin = Origin {
                    change: index,
                    reason: Reason::Changed,
                    at: None,
                };
                let module = project.file_module[file];
                let ranges = options
                    .symbols
                    .filter(|_| change.status == Status::Modified)
                    .and_then(|lines| lines.get(&change.path));
                let statements = ranges.and_then(|_| layouts.of(project, file));
                match (statements, ranges) {
                    // A test file: the tests whose lines changed (their parameters too).
                    (Some(statements), Some(ranges)) if test_set.contains(&file) => {
                        match statements.test_nodes(ranges) {
                            Some(nodes) => nodes
                                .iter()
                                .for_each(|n| reached_by_name.test(file, Some(n), origin, &[])),
                            None => starts.push((module, origin)),
                        }
                    }
                    (Some(statements), Some(ranges)) => match statements.touched(ranges) {
                        symbols::Touched::Definitions(names) => {
                            narrowed.extend(names.into_iter().map(|name| (module, name, origin)))
                        }
                        symbols::Touched::Module => starts.push((module, origin)),
                    },
                    _ => starts.push((module, origin)),
                }
            }
            _ => {
                if let Some(removed) = removed_module(project, change) {
                    let found =
                        importers_of_removed(project, &removed, &strings, options.type_checking);
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
    // What references cannot see: imports pytest resolves from a test's own folder.
    let narrowed_modules: Vec<(ModuleId, Origin)> = narrowed
        .iter()
        .map(|&(module, _, origin)| (module, origin))
        .collect();
    let by_name = symbols::reach(project, narrowed, &test_set, &mut layouts);
    if by_name.gave_up {
        starts.extend(narrowed_modules.iter().copied());
    }
    starts.extend(by_name.modules.iter().copied());
    for (file, test) in by_name.tests {
        match test.nodes {
            Some(nodes) => nodes
                .iter()
                .for_each(|n| reached_by_name.test(file, Some(n), test.origin, &test.chain)),
            None => reached_by_name.test(file, None, test.origin, &test.chain),
        }
    }
    let dependents = Dependents::new(project, &tests, options.type_checking, &strings);
    let reached = dependents.walk(&starts);
    let unseen = match narrowed_modules.is_empty() {
        true => FxHashMap::default(),
        false => dependents.walk(&narrowed_modules),
    };
    let mut selected = Vec::new();
    for &file in &tests {
        let module = project.file_module[file];
        let through_folder = chain_to(&unseen, module).filter(|(chain, _)| {
            chain
                .iter()
                .any(|(_, _, via)| matches!(via, Via::Folder(_)))
        });
        if let Some((chain, origin)) = chain_to(&reached, module).or(through_folder) {
            let reason = match chain.first() {
                None => origin.reason,
                Some((_, _, Via::String { .. })) => Reason::String,
                Some((_, _, Via::Conftest)) => Reason::Conftest,
                Some(_) => Reason::Import,
            };
            selected.push(Selected {
                file,
                reason,
                origin,
                chain,
                nodes: None,
            });
        } else if let Some(test) = reached_by_name.tests.remove(&file) {
            let reason = match test.chain.is_empty() {
                true => Reason::Changed,
                false => Reason::Reference,
            };
            selected.push(Selected {
                file,
                reason,
                origin: test.origin,
                chain: test.chain,
                nodes: test.nodes.map(|nodes| nodes.into_iter().collect()),
            });
        } else if let Some(change) = always {
            selected.push(Selected {
                file,
                reason: Reason::Always,
                origin: Origin {
                    change,
                    reason: Reason::Always,
                    at: None,
                },
                chain: Vec::new(),
                nodes: None,
            });
        }
    }
    Selection { selected, tests }
}

/// How a walk reached `module`: the links from it to the start, and the start's origin.
fn chain_to(
    reached: &FxHashMap<ModuleId, Step<Origin>>,
    module: ModuleId,
) -> Option<(Chain, Origin)> {
    let mut step = *reached.get(&module)?;
    let mut chain = Vec::new();
    let mut at = module;
    loop {
        match step {
            Step::Start(origin) => return Some((chain, origin)),
            Step::From(dependency, via) => {
                chain.push((at, dependency, via));
                at = dependency;
                step = reached[&dependency];
            }
        }
    }
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

/// Import sites (those under `if TYPE_CHECKING:` when `type_checking`) and import
/// strings that name `removed` or something in it: (file, line).
fn importers_of_removed(
    project: &Project,
    removed: &str,
    strings: &[stored::FileStrings],
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
    found.extend(strings.iter().enumerate().flat_map(|(file, strings)| {
        strings
            .iter()
            .filter(|(path, _)| under(path))
            .map(move |&(_, line)| (file, line))
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
