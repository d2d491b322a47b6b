//! Property-based fuzzing: arbitrary bytes and mutated Python never make the per-file
//! summary panic, random repositories (re-export chains, star imports, cycles,
//! relative imports that climb too far) never make resolution or the queries panic, and
//! a project restored from the cache after random edits (or from a cache with random
//! bytes changed) is the project a fresh build gives.
//! CI runs a bounded number of cases; `PROPTEST_CASES=100000 cargo test --release --test
//! fuzz` runs for as long as wanted.

use std::path::Path;

use proptest::prelude::*;

use ssot_graph::config::Config;
use ssot_graph::graph::{EdgeFilter, Graph};
use ssot_graph::index::Project;
use ssot_graph::load::{self, OpenOptions};
use ssot_graph::parse::{Detail, Target, summarize_bytes};
use ssot_graph::query::{self, DefinitionKind};
use ssot_graph::resolve::{Resolution, Resolver};

/// Real Python to mutate: the fixtures' files.
fn corpus() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py" || e == "pyi") {
                files.push(std::fs::read(path).unwrap());
            }
        }
    }
    files.sort();
    files
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragments: Vec<&'static [u8]> = vec![
        b"(",
        b")",
        b"[",
        b"\"\"\"",
        b"\\\n",
        b"\n    ",
        b"from . import *\n",
        b"import a.b as c\n",
        b"__all__ += [\"x\"]\n",
        b"if TYPE_CHECKING:\n",
        b"\xff\xfe",
        b"# -*- coding: latin-1 -*-\n",
        b"\0",
        b"f\"{x!r:{y}}\"",
        b"lambda: (yield)",
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), proptest::sample::select(fragments))
            .prop_map(|(at, f)| Mutation::Insert(at, f.to_vec())),
        (any::<usize>(), 0..64usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(at, b) if !bytes.is_empty() => bytes[at % len] = *b,
            Mutation::Insert(at, fragment) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, fragment.iter().copied());
            }
            Mutation::Delete(at, n) if !bytes.is_empty() => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
            _ => {}
        }
    }
    bytes
}

/// One line of a random module: imports among modules m0..mN of packages p and p.q.
fn statement() -> impl Strategy<Value = String> {
    let module = proptest::sample::select(vec![
        "p",
        "p.m0",
        "p.m1",
        "p.m2",
        "p.q",
        "p.q.m3",
        "p.q.m4",
        "p.missing",
        "os",
        "sys",
    ]);
    let name = proptest::sample::select(vec!["A", "B", "C", "m0", "m3", "q", "__all__", "*"]);
    prop_oneof![
        (module.clone(), name.clone()).prop_map(|(m, n)| format!("from {m} import {n}")),
        (0..4usize, name.clone())
            .prop_map(|(dots, n)| format!("from {} import {n}", ".".repeat(dots.max(1)))),
        (0..4usize, name.clone())
            .prop_map(|(dots, n)| format!("from {}m1 import {n}", ".".repeat(dots.max(1)))),
        module.clone().prop_map(|m| format!("import {m}")),
        (module, name.clone())
            .prop_map(|(m, n)| format!("import {m} as {}", n.replace('*', "star"))),
        name.clone()
            .prop_map(|n| format!("class {}: pass", n.replace('*', "Star"))),
        (name.clone(), name.clone()).prop_map(|(a, b)| format!(
            "{} = {}",
            a.replace('*', "S"),
            b.replace('*', "T")
        )),
        name.clone().prop_map(|n| format!("__all__ = [{:?}]", n)),
        name.prop_map(|n| format!(
            "if TYPE_CHECKING:\n    from p.m2 import {}",
            n.replace('*', "A")
        )),
        Just("def __getattr__(name):\n    from p.m0 import A\n    return A".to_string()),
        Just("try:\n    from p.missing import A\nexcept ImportError:\n    A = None".to_string()),
    ]
}

const FILES: [&str; 7] = [
    "p/__init__.py",
    "p/m0.py",
    "p/m1.py",
    "p/m2.py",
    "p/q/__init__.py",
    "p/q/m3.py",
    "p/q/m4.py",
];

/// `default_cases` cases, or `PROPTEST_CASES` for a longer run; failures are not saved.
fn config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default_cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn write_repository(root: &Path, modules: &[Vec<String>]) {
    for (file, lines) in FILES.iter().zip(modules) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }
}

/// Everything a query can see of a project, by name: sites with their targets, nodes
/// and resolutions, the edges, and the diagnostics.
fn observable(project: &Project) -> Vec<String> {
    let name = |m: u32| project.modules[m as usize].name.clone();
    let mut resolver = Resolver::new(project);
    let mut seen = Vec::new();
    for (index, site) in project.sites.iter().enumerate() {
        let resolution = match resolver.resolve_site(index).0 {
            Resolution::Definition { module, binding } => format!(
                "{}.{}",
                name(module),
                project.module_summary(module).unwrap().bindings[binding as usize].name
            ),
            Resolution::Module(m) => name(m).to_string(),
            other => format!("{other:?}"),
        };
        seen.push(format!(
            "{} #{} {:?} -> {:?} = {resolution} {:?}",
            project.files[site.file as usize].rel,
            site.import,
            site.target,
            site.node().map(name),
            site.context
        ));
    }
    let graph = project.graph();
    for edge in graph.edge_indices() {
        let (a, b) = graph.edge_endpoints(edge).unwrap();
        seen.push(format!(
            "{} -> {}: {:?} {:?}",
            name(a.index() as u32),
            name(b.index() as u32),
            graph.sites(edge),
            graph.implicit_sites(edge)
        ));
    }
    seen.extend(project.diagnostics.iter().map(|d| format!("{d:?}")));
    seen.sort();
    seen
}

/// What the snapshot says it still knows of each site and file, where that differs from
/// resolving and counting again.
fn known_but_wrong(project: &Project) -> Vec<String> {
    let mut resolver = Resolver::new(project);
    let mut wrong = Vec::new();
    for (site, known) in project.known.outcomes.iter().enumerate() {
        let (resolution, hops) = resolver.resolve_site(site);
        if (known.outcome, known.hops as usize) != (resolution.outcome(), hops.len()) {
            wrong.push(format!(
                "site {site}: known {known:?}, resolves to {resolution:?}"
            ));
        }
    }
    for (file, known) in project.known.definitions.iter().enumerate() {
        if let Some(known) = known
            && *known != project.summary(file).definition_count()
        {
            wrong.push(format!(
                "{}: known {known} definitions",
                project.files[file].rel
            ));
        }
    }
    wrong
}

fn open(root: &Path, cache: bool) -> Project {
    let options = OpenOptions {
        cache,
        ..OpenOptions::default()
    };
    load::open(root.to_path_buf(), &Config::default(), &options).unwrap()
}

proptest! {
    #![proptest_config(config(100))]

    #[test]
    fn the_cache_restores_what_a_fresh_build_finds(
        before in proptest::collection::vec(proptest::collection::vec(statement(), 0..6), FILES.len()),
        edits in proptest::collection::vec((0..FILES.len(), proptest::collection::vec(statement(), 0..6)), 1..3),
        damage in proptest::option::of((any::<usize>(), any::<u8>())),
    ) {
        let dir = tempfile::tempdir().unwrap();
        write_repository(dir.path(), &before);
        drop(open(dir.path(), true));
        let unchanged = open(dir.path(), true);
        prop_assert_eq!(unchanged.known.outcomes.len(), unchanged.sites.len());
        prop_assert_eq!(known_but_wrong(&unchanged), Vec::<String>::new());
        drop(unchanged);
        if let Some((at, byte)) = damage {
            let snapshot = dir.path().join(".ssot-graph-cache/snapshot.bin");
            let mut bytes = std::fs::read(&snapshot).unwrap();
            let len = bytes.len();
            bytes[at % len] ^= byte | 1;
            std::fs::write(&snapshot, bytes).unwrap();
        }
        let mut after = before.clone();
        for (file, lines) in edits {
            after[file] = lines;
        }
        write_repository(dir.path(), &after);
        let cached = open(dir.path(), true);
        prop_assert_eq!(known_but_wrong(&cached), Vec::<String>::new());
        prop_assert_eq!(observable(&cached), observable(&open(dir.path(), false)));
    }
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        summarize_bytes(&bytes, false, &Target::default(), Detail::FULL);
    }

    #[test]
    fn mutated_python_never_panics(
        index in any::<proptest::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..12),
        stub in any::<bool>(),
    ) {
        let corpus = corpus();
        let source = corpus[index.index(corpus.len())].clone();
        summarize_bytes(&apply(source, &mutations), stub, &Target::default(), Detail::FULL);
    }

    #[test]
    fn random_repositories_resolve_without_panicking(
        modules in proptest::collection::vec(proptest::collection::vec(statement(), 0..8), FILES.len()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (file, lines) in FILES.iter().zip(&modules) {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, lines.join("\n") + "\n").unwrap();
        }
        let project = load::open(dir.path().to_path_buf(), &Config::default(), &OpenOptions::default()).unwrap();
        let mut resolver = Resolver::new(&project);
        for site in 0..project.sites.len() {
            resolver.resolve_site(site);
        }
        for target in ["p.A", "p.m0.B", "p.q.m3.C", "p.q.star"] {
            resolver.resolve_path(target);
        }
        let options = query::DuplicateOptions { include_private: true, min_importers: 0 };
        query::duplicates(&mut resolver, DefinitionKind::Any, &|_| true, &EdgeFilter::default(), options);
        let graph = Graph::new(&project, EdgeFilter::default());
        graph.cycles();
        if let (Some(&a), Some(&b)) = (project.by_name.get("p.m0"), project.by_name.get("p.q.m4")) {
            graph.shortest_chains(a, b, true);
        }
    }
}

/// A nesting form: what opens a level, what closes it, and what sits in the middle.
const NESTING: [(&str, &str, &str, bool); 13] = [
    ("(", ")", "1", true),
    ("[", "]", "", true),
    ("{", "}", "", true),
    ("f\"{", "}\"", "1", true),
    ("lambda: ", "", "1", false),
    ("not ", "", "1", false),
    ("-", "", "1", false),
    ("await ", "", "g()", false),
    ("1 + ", "", "1", false),
    ("2 ** ", "", "2", false),
    ("a if b else ", "", "c", false),
    ("", ".b", "a", false),
    ("", "()", "f", false),
];

proptest! {
    #![proptest_config(config(64))]

    /// Every nesting form, up to a million levels, inside other code: past CPython's
    /// limits the file is one diagnostic, below them it parses, and nothing overflows the
    /// stack of a parsing worker.
    #[test]
    fn deep_nesting_of_every_form_is_a_diagnostic_never_a_crash(
        form in 0..NESTING.len(),
        exponent in 0u32..=6000,
        before in "[a-z = \n]{0,20}",
    ) {
        let depth = 10f64.powf(f64::from(exponent) / 1000.0) as usize;
        let (open, close, middle, bracket) = NESTING[form];
        let source = format!(
            "{before}\nasync def h():\n    x = {}{middle}{}\nfrom p import X\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let summary = std::thread::Builder::new()
            .stack_size(ssot_graph::WORKER_STACK_BYTES)
            .spawn(move || summarize_bytes(source.as_bytes(), false, &Target::default(), Detail::FULL))
            .unwrap()
            .join()
            .expect("summarizing never panics");
        let limit = if bracket { 200 } else { 3_000 };
        if depth > limit {
            prop_assert!(
                summary.diagnostics.iter().any(|d| d.message.contains("nested")),
                "{depth} levels of {open:?}: {:?}",
                summary.diagnostics
            );
        }
    }
}
