//! The incremental cache: reused when the tree is unchanged, parsed again where it
//! changed, rebuilt when damaged, and never a reason for a different answer than a run
//! without it.

mod common;

use std::path::Path;

use common::{age, run, seed_repo, write_file};

const SNAPSHOT: &str = ".ssot-graph-cache/snapshot.bin";

/// What a user reads: exit code and stdout, with and without the cache.
fn answers(root: &Path, args: &[&str]) -> ((i32, String), (i32, String)) {
    let cached = run(root, args);
    let mut uncached_args = vec!["--no-cache"];
    uncached_args.extend_from_slice(args);
    let uncached = run(root, &uncached_args);
    (
        (cached.code, cached.stdout),
        (uncached.code, uncached.stdout),
    )
}

fn assert_same_as_without_cache(root: &Path, args: &[&str]) {
    let (cached, uncached) = answers(root, args);
    assert_eq!(cached, uncached, "{args:?}");
}

/// The `cache:` lines `-v` prints.
fn cache_notes(root: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["-v"];
    all.extend_from_slice(args);
    run(root, &all)
        .stderr
        .lines()
        .filter(|l| l.starts_with("cache: "))
        .map(str::to_string)
        .collect()
}

const CHECK: &[&str] = &["check", "--format", "json"];
const EXPORT: &[&str] = &["export"];

/// Every finding and the whole graph, as `check` and `export` give them.
fn assert_repository_answers_same_as_without_cache(root: &Path) {
    assert_same_as_without_cache(root, CHECK);
    assert_same_as_without_cache(root, EXPORT);
}

#[test]
fn the_first_run_writes_the_cache_and_the_next_reuses_every_file() {
    let repo = seed_repo();
    let first = cache_notes(repo.path(), CHECK);
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains("snapshot.bin written"), "{first:?}");
    let ignore = std::fs::read_to_string(repo.path().join(".ssot-graph-cache/.gitignore"));
    assert!(ignore.unwrap().lines().any(|l| l == "*"));
    assert_eq!(
        cache_notes(repo.path(), CHECK),
        ["cache: 0 of 20 files parsed again"]
    );
    assert_repository_answers_same_as_without_cache(repo.path());
}

#[test]
fn an_edited_file_is_parsed_again_and_answers_match_a_run_without_cache() {
    let repo = seed_repo();
    run(repo.path(), CHECK);
    let agent = repo.path().join("netra_backend/app/agents/chat_agent.py");
    let mut text = std::fs::read_to_string(&agent).unwrap();
    text.push_str("from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager\n");
    std::fs::write(&agent, text).unwrap();
    let file = &agent.display().to_string();
    assert_eq!(
        cache_notes(repo.path(), &["check", file]),
        ["cache: 1 of 20 files compared, 1 parsed again; the others are compared when read"]
    );
    let (cached, uncached) = answers(repo.path(), &["check", "--format", "json", file]);
    assert_eq!(cached, uncached);
    assert!(
        cached
            .1
            .contains("websocket_manager_factory import create_websocket_manager")
    );
    assert_repository_answers_same_as_without_cache(repo.path());
}

/// `stats --format json` without its timings.
fn stats(root: &Path, cache: bool) -> serde_json::Value {
    let args: &[&str] = if cache {
        &["stats", "--format", "json"]
    } else {
        &["--no-cache", "stats", "--format", "json"]
    };
    let mut stats: serde_json::Value = serde_json::from_str(&run(root, args).stdout).unwrap();
    stats.as_object_mut().unwrap().remove("timings_ms");
    stats
}

#[test]
fn stats_from_what_the_snapshot_knows_match_a_run_without_cache_after_edits() {
    let repo = seed_repo();
    let before = stats(repo.path(), true);
    assert_eq!(before, stats(repo.path(), false));
    // Nothing changed: every outcome comes from the snapshot.
    assert_eq!(stats(repo.path(), true), before);
    // A re-export dropped (its importers now resolve elsewhere or not at all), a
    // definition added, and a file left as it was.
    let services = repo.path().join("netra_backend/app/services/__init__.py");
    std::fs::write(&services, "__all__ = []\n").unwrap();
    let agent = repo.path().join("netra_backend/app/agents/chat_agent.py");
    let mut text = std::fs::read_to_string(&agent).unwrap();
    text.push_str("class Added:\n    pass\n");
    std::fs::write(&agent, text).unwrap();
    let cached = stats(repo.path(), true);
    assert_eq!(cached, stats(repo.path(), false));
    assert_eq!(
        cached["definitions"].as_u64(),
        before["definitions"].as_u64().map(|n| n + 1)
    );
    assert_ne!(
        cached["resolution"], before["resolution"],
        "the dropped re-export counts"
    );
}

#[test]
fn commands_about_imports_answer_the_same_from_a_run_that_leaves_out_references() {
    // Without the cache these commands parse no uses of names; with it, every file is
    // summarized in full for the snapshot.
    let repo = seed_repo();
    let chat = "netra_backend.app.agents.chat_agent";
    for args in [
        &["imports", chat, "--format", "json"][..],
        &["imports", chat, "--transitive"],
        &["path", chat, "netra_backend.app.services"],
        &["cycles", "--format", "json"],
    ] {
        let (cached, uncached) = answers(repo.path(), args);
        assert_eq!(cached.0, 0, "{args:?}: {}", cached.1);
        assert!(!cached.1.is_empty(), "{args:?}");
        assert_eq!(cached, uncached, "{args:?}");
    }
    assert_eq!(stats(repo.path(), true), stats(repo.path(), false));
}

#[test]
fn a_dropped_re_export_breaks_its_importers_with_the_cache_as_without() {
    let repo = seed_repo();
    run(repo.path(), CHECK);
    let services = repo.path().join("netra_backend/app/services/__init__.py");
    std::fs::write(&services, "__all__ = []\n").unwrap();
    let services = &services.display().to_string();
    let (cached, uncached) = answers(repo.path(), &["check", "--format", "json", services]);
    assert_eq!(cached, uncached);
    assert!(cached.1.contains("broken-import"), "{}", cached.1);
}

#[test]
fn added_and_deleted_files_are_found() {
    let repo = seed_repo();
    run(repo.path(), CHECK);
    let new = repo.path().join("netra_backend/app/agents/new_agent.py");
    std::fs::write(
        &new,
        "from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager\n",
    )
    .unwrap();
    let notes = cache_notes(repo.path(), &["stats"]);
    assert!(notes[0].ends_with("tree walked"), "{notes:?}");
    assert!(notes[1].contains("snapshot.bin written"), "{notes:?}");
    assert_repository_answers_same_as_without_cache(repo.path());
    std::fs::remove_file(repo.path().join("netra_backend/app/routes/websocket.py")).unwrap();
    assert_repository_answers_same_as_without_cache(repo.path());
    // A folder that changed within the clock's resolution of a walk is walked again...
    let notes = cache_notes(repo.path(), &["stats"]);
    assert!(notes[0].ends_with("tree walked"), "{notes:?}");
    // ...and once the tree has been quiet, the snapshot of it is trusted: no walk.
    age(repo.path());
    run(repo.path(), &["stats"]);
    assert_eq!(
        cache_notes(repo.path(), &["stats"]),
        ["cache: 0 of 20 files parsed again"]
    );
}

#[test]
fn a_new_or_edited_gitignore_changes_what_is_read() {
    let repo = seed_repo();
    run(repo.path(), CHECK);
    let ignore = repo.path().join("netra_backend/app/agents/.gitignore");
    std::fs::write(&ignore, "chat_agent.py\n").unwrap();
    assert_same_as_without_cache(repo.path(), EXPORT);
    // Same size, same directory listing: only the file's stamp tells.
    std::fs::write(&ignore, "tool_dispatcher.py\n").unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&ignore)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert_same_as_without_cache(repo.path(), EXPORT);
}

#[test]
fn a_damaged_or_foreign_cache_is_rebuilt_never_trusted() {
    let repo = seed_repo();
    let snapshot = repo.path().join(SNAPSHOT);
    let expected = answers(repo.path(), CHECK).1;
    // Making the cache folder changed the root a moment ago: once that is old, a good
    // snapshot needs no walk.
    age(repo.path());
    run(repo.path(), CHECK);
    let good = std::fs::read(&snapshot).unwrap();
    let half = good[..good.len() / 2].to_vec();
    // The summaries follow the 24-byte prefix; the header is last.
    let mut header_flipped = good.clone();
    let last = header_flipped.len() - 3;
    header_flipped[last] ^= 0xff;
    let mut summary_flipped = good.clone();
    summary_flipped[40] ^= 0xff;
    let damaged: [(&str, Vec<u8>); 5] = [
        ("empty", Vec::new()),
        ("truncated", half),
        (
            "foreign",
            b"not a snapshot at all, just some bytes".repeat(10),
        ),
        ("header byte flipped", header_flipped),
        ("summary byte flipped", summary_flipped),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&snapshot, bytes).unwrap();
        // An edit makes every run depend on the cached summaries being right.
        let agent = repo
            .path()
            .join("netra_backend/app/agents/tool_dispatcher.py");
        let text = std::fs::read_to_string(&agent).unwrap();
        std::fs::write(&agent, text).unwrap();
        let output = run(repo.path(), &["-v", "check", "--format", "json"]);
        assert_eq!((output.code, output.stdout), expected, "{what}");
        if what != "summary byte flipped" {
            assert!(
                output.stderr.contains("rebuilt"),
                "{what}: {}",
                output.stderr
            );
        }
        assert_eq!(
            cache_notes(repo.path(), CHECK).len(),
            1,
            "{what}: usable again"
        );
    }
}

#[test]
fn changed_settings_rebuild_the_cache() {
    let repo = seed_repo();
    run(repo.path(), CHECK);
    let pyproject = repo.path().join("pyproject.toml");
    let mut text = std::fs::read_to_string(&pyproject).unwrap();
    text.push_str("exclude = [\"tests/**\"]\n");
    std::fs::write(&pyproject, text).unwrap();
    let notes = cache_notes(repo.path(), CHECK);
    assert!(notes[0].ends_with("rebuilt: settings changed"), "{notes:?}");
    assert_same_as_without_cache(repo.path(), EXPORT);
}

#[test]
fn no_cache_writes_nothing_and_cache_dir_moves_the_cache() {
    let repo = seed_repo();
    run(repo.path(), &["--no-cache", "stats"]);
    assert!(!repo.path().join(".ssot-graph-cache").exists());
    std::fs::write(
        repo.path().join("ssot-graph.toml"),
        "cache-dir = \"build/ssot\"\n",
    )
    .unwrap();
    run(repo.path(), &["stats"]);
    assert!(repo.path().join("build/ssot/snapshot.bin").is_file());
    assert!(!repo.path().join(".ssot-graph-cache").exists());
}

#[test]
fn concurrent_runs_leave_one_valid_cache() {
    let repo = seed_repo();
    let expected = answers(repo.path(), EXPORT).1;
    std::fs::remove_dir_all(repo.path().join(".ssot-graph-cache")).unwrap();
    let outputs: Vec<(i32, String)> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| run(repo.path(), EXPORT)))
            .collect();
        runs.into_iter()
            .map(|r| {
                let output = r.join().unwrap();
                (output.code, output.stdout)
            })
            .collect()
    });
    for output in outputs {
        assert_eq!(output, expected);
    }
    age(repo.path());
    run(repo.path(), EXPORT);
    assert_eq!(
        cache_notes(repo.path(), EXPORT),
        ["cache: 0 of 20 files parsed again"]
    );
}

#[test]
fn a_cache_that_cannot_be_written_is_skipped() {
    // A file where the cache folder would go: nothing can be written there.
    let repo = seed_repo();
    std::fs::write(repo.path().join(".ssot-graph-cache"), "in the way").unwrap();
    let output = run(repo.path(), &["-v", "stats", "--format", "json"]);
    assert_eq!(output.code, 0);
    assert!(output.stderr.contains("not written"), "{}", output.stderr);
}

#[test]
fn problems_found_by_the_walk_are_reported_from_the_cache_too() {
    let repo = seed_repo();
    // A package and a module of the same name: the walk reports the module shadowed.
    let package = repo.path().join("netra_backend/app/agents/chat_agent");
    std::fs::create_dir(&package).unwrap();
    std::fs::write(package.join("__init__.py"), "").unwrap();
    let args = ["export"];
    let cold = run(repo.path(), &args);
    assert!(cold.stdout.contains("that file wins"), "{}", cold.stdout);
    assert_same_as_without_cache(repo.path(), &args);
}

#[test]
fn companion_stubs_and_extension_modules_are_cached_like_any_file() {
    // Companion stubs are files of no module of their own: more files than modules
    // with files once there is no external module to pad the module table.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_file(root, "pyproject.toml", "[tool.ssot-graph]\n");
    common::write_file(root, "pkg/__init__.py", "");
    common::write_file(root, "pkg/__init__.pyi", "X: int\n");
    common::write_file(
        root,
        "pkg/_fast.cpython-311-x86_64-linux-gnu.so",
        "\u{7f}ELF",
    );
    common::write_file(root, "pkg/user.py", "from pkg._fast import thing\n");
    for _ in 0..2 {
        let output = run(root, &["why", "pkg._fast.thing"]);
        assert_eq!(output.code, 0, "{}", output.stderr);
        assert_eq!(output.stderr, "");
    }
    assert_same_as_without_cache(root, &["--format", "json", "export"]);
    common::write_file(root, "pkg/__init__.pyi", "X: str\n");
    assert_same_as_without_cache(root, &["why", "pkg._fast.thing"]);
}

const REFS: &[&str] = &[
    "refs",
    "netra_backend.app.websocket_core.unified_manager.UnifiedWebSocketManager",
];

#[test]
fn refs_from_the_reference_index_match_a_run_without_cache_after_edits() {
    let repo = seed_repo();
    let index = repo.path().join(".ssot-graph-cache/references.bin");
    assert_same_as_without_cache(repo.path(), REFS);
    assert!(index.is_file(), "the first refs keeps its index");
    let before = run(repo.path(), REFS).stdout;
    let agent = repo.path().join("netra_backend/app/agents/chat_agent.py");
    let mut text = std::fs::read_to_string(&agent).unwrap();
    text.push_str(
        "from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n\
         UnifiedWebSocketManager()\n",
    );
    std::fs::write(&agent, text).unwrap();
    let (cached, uncached) = answers(repo.path(), REFS);
    assert_eq!(cached, uncached);
    assert_ne!(cached.1, before, "an edit is seen through the index");
    assert!(cached.1.contains("chat_agent.py"), "{}", cached.1);
    let good = std::fs::read(&index).unwrap();
    let mut flipped = good.clone();
    let last = flipped.len() - 2;
    flipped[last] ^= 0xff;
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("a byte flipped", flipped),
    ] {
        std::fs::write(&index, bytes).unwrap();
        assert_eq!(run(repo.path(), REFS).stdout, cached.1, "{what}");
    }
}

#[test]
fn a_snapshot_made_in_one_clone_serves_another_clone_at_another_path() {
    let first = seed_repo();
    cache_notes(first.path(), CHECK);
    let second = tempfile::tempdir().unwrap();
    let clone = second.path().join("elsewhere/repo");
    common::copy_dir_with_cache(first.path(), &clone);
    // Every stamp differs there: each file is hashed, none parsed again.
    let notes = cache_notes(&clone, CHECK);
    assert!(
        notes[0].starts_with("cache: 0 of 20 files parsed again"),
        "{notes:?}"
    );
    assert_repository_answers_same_as_without_cache(&clone);
}

#[test]
fn a_clone_checks_its_own_ignore_files_not_those_of_the_clone_the_snapshot_came_from() {
    let first = seed_repo();
    let ignore = "netra_backend/app/agents/.gitignore";
    std::fs::write(first.path().join(ignore), "chat_agent.pyc\n").unwrap();
    age(first.path());
    run(first.path(), CHECK);
    let second = tempfile::tempdir().unwrap();
    let clone = second.path().join("elsewhere/repo");
    common::copy_dir_with_cache(first.path(), &clone);
    age(&clone);
    // Edited in place, same size, the first clone still there and unchanged.
    std::fs::write(clone.join(ignore), "chat_agent.py\n\n").unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(clone.join(ignore))
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert!(
        cache_notes(&clone, EXPORT)
            .iter()
            .any(|n| n.contains("tree walked"))
    );
    assert_same_as_without_cache(&clone, EXPORT);
}

#[test]
fn a_snapshot_rewritten_after_a_walk_that_found_the_same_files_answers_as_before() {
    let repo = seed_repo();
    age(repo.path());
    run(repo.path(), CHECK);
    // A new folder: the tree is walked again and finds the same files.
    std::fs::create_dir(repo.path().join("docs")).unwrap();
    age(repo.path());
    let notes = cache_notes(repo.path(), &["stats"]);
    assert!(notes[0].contains("tree walked"), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("written")), "{notes:?}");
    let notes = cache_notes(repo.path(), &["stats"]);
    assert_eq!(notes, ["cache: 0 of 20 files parsed again"]);
    assert_eq!(stats(repo.path(), true), stats(repo.path(), false));
    assert_repository_answers_same_as_without_cache(repo.path());
}

/// A package whose `main` imports `X` from `old`, its snapshot taken.
fn two_module_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    write_file(repo.path(), "app/__init__.py", "");
    write_file(repo.path(), "app/old.py", "X = 1\n");
    write_file(
        repo.path(),
        "app/main.py",
        "from app.old import X\n\nprint(X)\n",
    );
    write_file(repo.path(), "app/other.py", "Y = 2\n");
    age(repo.path());
    run(repo.path(), CHECK);
    repo
}

#[test]
fn check_of_a_file_compares_only_that_file_until_an_answer_reads_another() {
    let repo = two_module_repo();
    // Unread by the check of `main`: not compared, so not noticed, and not needed.
    write_file(repo.path(), "app/other.py", "Y = 3\n");
    let main = repo.path().join("app/main.py").display().to_string();
    assert_eq!(
        cache_notes(repo.path(), &["check", &main]),
        ["cache: 1 of 4 files compared, 0 parsed again; the others are compared when read"]
    );
    assert_same_as_without_cache(repo.path(), &["check", "--format", "json", &main]);
    // A folder names every file under it.
    let app = repo.path().join("app").display().to_string();
    assert_eq!(
        cache_notes(repo.path(), &["check", &app]),
        ["cache: 4 of 4 files compared, 1 parsed again; the others are compared when read"]
    );
}

#[test]
fn a_changed_file_the_answer_read_makes_check_compare_every_file() {
    let repo = two_module_repo();
    // `old` now marks itself deprecated: its importer's finding comes from reading it.
    write_file(
        repo.path(),
        "app/old.py",
        "import warnings\n\nwarnings.warn(\"use app.new\", DeprecationWarning)\nX = 1\n",
    );
    let main = repo.path().join("app/main.py").display().to_string();
    assert_eq!(
        cache_notes(repo.path(), &["check", &main]),
        [
            "cache: 1 of 4 files compared, 0 parsed again; the others are compared when read",
            "cache: 1 file(s) the answer read changed since the snapshot: every file is compared",
            "cache: 1 of 4 files parsed again",
        ]
    );
    let (cached, uncached) = answers(repo.path(), &["check", "--format", "json", &main]);
    assert_eq!(cached, uncached);
    assert!(cached.1.contains("use app.new"), "{}", cached.1);
}

#[test]
fn a_folder_that_appeared_is_walked_and_the_stored_sites_are_still_restored() {
    let repo = two_module_repo();
    // The listing of `app` changed, its files did not: walked, then restored as before.
    std::fs::create_dir(repo.path().join("app/empty")).unwrap();
    let main = repo.path().join("app/main.py").display().to_string();
    let verbose = run(repo.path(), &["-v", "check", &main]).stderr;
    let notes: Vec<&str> = verbose
        .lines()
        .filter(|l| l.starts_with("cache: "))
        .collect();
    assert_eq!(
        notes,
        [
            "cache: 1 of 4 files compared, 0 parsed again, tree walked; the others are compared when read"
        ]
    );
    let phases: Vec<&str> = (verbose.lines())
        .filter_map(|l| l.split_whitespace().next().filter(|_| l.ends_with(" ms")))
        .collect();
    assert_eq!(
        phases,
        ["snapshot", "discover", "parse", "modules", "restore"]
    );
    assert_same_as_without_cache(repo.path(), &["check", "--format", "json", &main]);
    assert_repository_answers_same_as_without_cache(repo.path());
}
