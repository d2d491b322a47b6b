//! `--symbols`: a change narrowed to the top-level definitions whose bodies it touches,
//! and the tests to those that reach them through references (imports through any
//! chain, uses, attribute reads, strings), definition by definition. Whatever runs when
//! a module is imported — module-level code, a decorator, a `def` or `class` line (a new
//! name or signature), the removal of a definition — falls back to the module.

use std::collections::{BTreeSet, VecDeque};

use rustc_hash::{FxHashMap, FxHashSet};

use super::dependents::{Chain, Via, is_named};
use super::reason::Origin;
use crate::index::{ModuleId, Project};
use crate::parse::{Layout, StatementKind, TopStatement};
use crate::references::{self, NOT_A_SOURCE_FILE, Reach};
use crate::resolve::Resolver;

/// Decorators that register nothing and run nothing of the function at import, by
/// their last name (`functools.cache`, `t.overload`): a change to a function they
/// decorate is a change to the function alone.
const PLAIN_DECORATORS: &[&str] = &[
    "property",
    "setter",
    "getter",
    "deleter",
    "staticmethod",
    "classmethod",
    "cached_property",
    "abstractmethod",
    "overload",
    "override",
    "final",
    "cache",
    "lru_cache",
    "wraps",
    "total_ordering",
    "contextmanager",
    "asynccontextmanager",
    "dataclass",
    "deprecated",
];

fn is_plain(decorator: &str) -> bool {
    PLAIN_DECORATORS.contains(&decorator.rsplit('.').next().unwrap_or(decorator))
}

/// What a change to some lines of a module touches.
#[derive(Debug, PartialEq, Eq)]
pub enum Touched {
    /// Code that runs at import: the whole module.
    Module,
    /// Only the bodies of these top-level definitions (none: comments, blank lines, the
    /// docstring).
    Definitions(Vec<String>),
}

/// A module's top-level statements with their lines.
pub struct Statements {
    layout: Layout,
    /// Per statement: first line, `def`/`class` line, last line.
    lines: Vec<(u32, u32, u32)>,
}

impl Statements {
    pub fn of(source: &str, is_stub: bool) -> Statements {
        let layout = crate::parse::layout(source, is_stub);
        let starts = crate::fix::LineStarts::new(source);
        let line = |offset: u32| starts.line(offset as usize);
        let lines = layout
            .statements
            .iter()
            .map(|s| {
                (
                    line(s.span.start),
                    line(s.header),
                    line(s.span.end.saturating_sub(1)),
                )
            })
            .collect();
        Statements { layout, lines }
    }

    /// The statement holding `line`, with its `def` line.
    fn at(&self, line: u32) -> Option<(&TopStatement, u32)> {
        let index = self.lines.partition_point(|&(first, _, _)| first <= line);
        let (_, header, last) = *self.lines.get(index.checked_sub(1)?)?;
        (line <= last).then(|| (&self.layout.statements[index - 1], header))
    }

    /// The definition whose body holds `line`, when a change there stays in it.
    fn body_of(&self, line: u32) -> Result<Option<&str>, ()> {
        let Some((statement, header)) = self.at(line) else {
            return Ok(None);
        };
        match statement.kind {
            StatementKind::Docstring => Ok(None),
            StatementKind::Definition
                if line > header && statement.decorators.iter().all(|d| is_plain(d)) =>
            {
                Ok(statement.names.first().map(String::as_str))
            }
            _ => Err(()),
        }
    }

    /// What changing `ranges` (first line, count; count 0: lines removed after it) touches.
    pub fn touched(&self, ranges: &[(u32, u32)]) -> Touched {
        if self.layout.syntax_error {
            return Touched::Module;
        }
        let mut names = BTreeSet::new();
        for &(first, count) in ranges {
            if count == 0 {
                // A removal stays in a body only when both its sides are in that body.
                match (self.body_of(first), self.body_of(first + 1)) {
                    (Ok(Some(a)), Ok(Some(b))) if a == b => {
                        names.insert(a.to_string());
                    }
                    _ => return Touched::Module,
                }
                continue;
            }
            for line in first..first + count {
                match self.body_of(line) {
                    Ok(Some(name)) => {
                        names.insert(name.to_string());
                    }
                    Ok(None) => {}
                    Err(()) => return Touched::Module,
                }
            }
        }
        Touched::Definitions(names.into_iter().collect())
    }

    /// The test node pytest names for the top-level statement holding `line`: a
    /// `test*` function or a `Test*` class.
    pub fn test_node(&self, line: u32) -> Option<&str> {
        let (statement, _) = self.at(line)?;
        let name = statement.names.first()?;
        let is_test = statement.kind == StatementKind::Definition
            && (name.starts_with("test") || name.starts_with("Test"));
        is_test.then_some(name.as_str())
    }

    /// The tests of a test file whose lines changed (decorators and parameters
    /// included); `None` when other code changed.
    pub fn test_nodes(&self, ranges: &[(u32, u32)]) -> Option<BTreeSet<String>> {
        if self.layout.syntax_error {
            return None;
        }
        let mut nodes = BTreeSet::new();
        for &(first, count) in ranges {
            let lines = match count {
                0 => first..first + 2,
                _ => first..first + count,
            };
            for line in lines {
                match self.at(line) {
                    None => {}
                    Some((statement, _)) if statement.kind == StatementKind::Docstring => {}
                    Some(_) => {
                        nodes.insert(self.test_node(line)?.to_string());
                    }
                }
            }
        }
        Some(nodes)
    }

    /// The definition holding `line`, whatever part of it.
    fn definition_at(&self, line: u32) -> Option<&str> {
        let (statement, _) = self.at(line)?;
        (statement.kind == StatementKind::Definition)
            .then(|| statement.names.first().map(String::as_str))
            .flatten()
    }
}

/// Reads and lays out a project file once.
#[derive(Default)]
pub struct Layouts(FxHashMap<usize, Option<Statements>>);

impl Layouts {
    pub fn of(&mut self, project: &Project, file: usize) -> Option<&Statements> {
        self.0
            .entry(file)
            .or_insert_with(|| {
                let source = project.files[file].path.as_path();
                let bytes = std::fs::read(source).ok()?;
                let text = crate::parse::decode(&bytes).ok()?;
                Some(Statements::of(&text, project.files[file].is_stub))
            })
            .as_ref()
    }
}

/// A test file reached through references: its nodes (`None`: the whole file), and how.
pub struct ReachedTest {
    pub nodes: Option<BTreeSet<String>>,
    pub origin: Origin,
    pub chain: Chain,
}

/// How many definitions `--symbols` follows before it takes the changes as whole-module
/// changes: a definition read everywhere narrows nothing and costs a parse per reader.
const MAX_DEFINITIONS: usize = 200;

/// What the changed definitions reach.
#[derive(Default)]
pub struct Reached {
    /// The readers were too many to follow (`MAX_DEFINITIONS`): take the changed
    /// modules whole.
    pub gave_up: bool,
    pub tests: FxHashMap<usize, ReachedTest>,
    /// Modules that use a changed definition at import time (or a `conftest.py` that
    /// uses one at all): walked at module granularity, from the reference that
    /// reaches them.
    pub modules: Vec<(ModuleId, Origin)>,
}

impl Reached {
    /// Records a test file reached, at `node` (`None`: the whole file).
    pub fn test(
        &mut self,
        file: usize,
        node: Option<&str>,
        origin: Origin,
        chain: &[(ModuleId, ModuleId, Via)],
    ) {
        let entry = self.tests.entry(file).or_insert_with(|| ReachedTest {
            nodes: Some(BTreeSet::new()),
            origin,
            chain: chain.to_vec(),
        });
        match (node, &mut entry.nodes) {
            (Some(node), Some(nodes)) => {
                nodes.insert(node.to_string());
            }
            _ => entry.nodes = None,
        }
    }
}

/// Follows references from the changed definitions `(module, name, origin)` to the
/// definitions that use them, and so on, to the tests.
pub fn reach(
    project: &Project,
    changed: Vec<(ModuleId, String, Origin)>,
    tests: &FxHashSet<usize>,
    layouts: &mut Layouts,
) -> Reached {
    let mut reached = Reached::default();
    if changed.is_empty() {
        return reached;
    }
    let mut resolver = Resolver::new(project);
    let index = references::ReferenceIndex::open(&mut resolver);
    let mut seen: FxHashSet<(ModuleId, String)> = FxHashSet::default();
    let mut queue: VecDeque<(ModuleId, String, Origin, Chain)> = changed
        .into_iter()
        .map(|(m, n, o)| (m, n, o, Vec::new()))
        .collect();
    while let Some((module, name, origin, chain)) = queue.pop_front() {
        if !seen.insert((module, name.clone())) {
            continue;
        }
        if seen.len() > MAX_DEFINITIONS {
            reached.gave_up = true;
            return reached;
        }
        let target = format!("{}.{name}", project.modules[module as usize].name);
        let Ok((resolution, _)) = crate::target::resolve_target(&mut resolver, &target) else {
            continue;
        };
        let found = index
            .references(project, &resolution)
            .unwrap_or_else(|| references::collect(&mut resolver, &resolution, Reach::Names, true));
        for (file, reference) in found {
            if file == NOT_A_SOURCE_FILE
                || matches!(reference.kind, "import" | "reexport")
                || reference.string_kind == Some("__all__")
            {
                continue;
            }
            let user = project.file_module[file];
            let mut hop = chain.clone();
            hop.insert(
                0,
                (
                    user,
                    module,
                    Via::Reference {
                        line: reference.line,
                    },
                ),
            );
            let at = Origin {
                at: Some((file, reference.line)),
                ..origin
            };
            let rel = project.files[file].rel.as_str();
            let Some(statements) = layouts.of(project, file) else {
                reached.modules.push((user, at));
                continue;
            };
            if tests.contains(&file) {
                let node = statements.test_node(reference.line).map(str::to_string);
                if node.is_none()
                    && let Some(helper) = statements.definition_at(reference.line)
                {
                    queue.push_back((user, helper.to_string(), origin, hop.clone()));
                }
                reached.test(file, node.as_deref(), origin, &hop);
            } else if is_named(rel, "conftest.py") {
                reached.modules.push((user, at));
            } else {
                match statements.body_of(reference.line) {
                    Ok(Some(user_definition)) => {
                        queue.push_back((user, user_definition.to_string(), origin, hop));
                    }
                    _ => reached.modules.push((user, at)),
                }
            }
        }
    }
    reached
}
