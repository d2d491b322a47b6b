//! `affected`: the test files a change can reach, from the real import graph, strings,
//! `conftest.py` files and git's view of the change.

mod common;

use common::{copy_dir, fixture, git, run_from, write_file};

/// The fixture as a git repository with one commit.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("affected"), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "start"]);
    dir
}

/// `affected ARGS` run from the root: (paths printed, summary line).
fn affected(dir: &tempfile::TempDir, args: &[&str]) -> (String, String) {
    let mut all = vec!["affected"];
    all.extend_from_slice(args);
    let output = run_from(Some(dir.path()), dir.path(), &all);
    assert_eq!(output.code, 0, "{}", output.stderr);
    (output.stdout, output.stderr)
}

fn append(dir: &tempfile::TempDir, rel: &str, text: &str) {
    let path = dir.path().join(rel);
    let mut old = std::fs::read_to_string(&path).unwrap();
    old.push_str(text);
    std::fs::write(path, old).unwrap();
}

#[test]
fn a_changed_module_selects_the_tests_that_import_it_through_a_re_export_or_a_test_folder() {
    let dir = repository();
    let (paths, summary) = affected(&dir, &["pkg/sub/core.py"]);
    // test_api imports pkg.public, which re-exports pkg.api, which imports the core;
    // test_helpers imports `helpers` from its own folder (pytest puts it on sys.path).
    assert_eq!(paths, "tests/test_api.py\ntests/unit/test_helpers.py\n");
    assert_eq!(
        summary,
        "Selected 2 of 6 test files (import 2) for 1 changed file.\n"
    );
}

#[test]
fn a_lazy_getattr_import_and_a_patch_string_each_select_their_test_with_the_chain() {
    let dir = repository();
    let output = run_from(
        Some(dir.path()),
        dir.path(),
        &["--format", "json", "affected", "pkg/plugins.py"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn an_import_made_only_for_type_checkers_selects_nothing_unless_asked() {
    let dir = repository();
    // pkg.typed imports pkg.plugins under `if TYPE_CHECKING:` only.
    let (paths, _) = affected(&dir, &["pkg/plugins.py"]);
    assert!(!paths.contains("test_typed"), "{paths}");
    let (paths, _) = affected(&dir, &["--include-type-checking", "pkg/plugins.py"]);
    assert!(paths.contains("tests/test_typed.py"), "{paths}");
}

#[test]
fn a_conftest_and_what_it_loads_reach_every_test_below_it() {
    let dir = repository();
    let every = "tests/test_api.py\ntests/test_data.py\ntests/test_lazy.py\ntests/test_patch.py\n\
                 tests/test_typed.py\ntests/unit/test_helpers.py\n";
    for changed in ["tests/conftest.py", "tests/fixtures.py", "pkg/settings.py"] {
        let (paths, summary) = affected(&dir, &[changed]);
        assert_eq!(paths, every, "{changed}");
        assert_eq!(
            summary, "Selected 6 of 6 test files (conftest 6) for 1 changed file.\n",
            "{changed}"
        );
    }
}

#[test]
fn a_data_file_selects_the_tests_naming_it_and_pytest_settings_select_everything() {
    let dir = repository();
    let (paths, summary) = affected(&dir, &["tests/data/sample.json"]);
    assert_eq!(paths, "tests/test_data.py\n");
    assert_eq!(
        summary,
        "Selected 1 of 6 test files (names-path 1) for 1 changed file.\n"
    );
    let (_, summary) = affected(&dir, &["pytest.ini"]);
    assert_eq!(
        summary,
        "Selected 6 of 6 test files (always 6) for 1 changed file.\n"
    );
}

#[test]
fn a_configured_always_glob_selects_every_test() {
    let dir = repository();
    write_file(
        dir.path(),
        "ssot-graph.toml",
        "[affected]\nalways = [\"docs/**\"]\n",
    );
    write_file(dir.path(), "docs/index.md", "# docs\n");
    let (_, summary) = affected(&dir, &["docs/index.md"]);
    assert_eq!(
        summary,
        "Selected 6 of 6 test files (always 6) for 1 changed file.\n"
    );
    write_file(
        dir.path(),
        "ssot-graph.toml",
        "[affected]\nalway = [\"docs/**\"]\n",
    );
    let output = run_from(Some(dir.path()), dir.path(), &["affected", "docs/index.md"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/ssot-graph.toml:2: unknown key `alway`, expected `always`; did you mean \
         `always`?\n"
    );
}

#[test]
fn the_working_tree_since_a_commit_and_what_is_staged_are_read_from_git() {
    let dir = repository();
    append(&dir, "pkg/sub/core.py", "\nX = 1\n");
    // No argument: the working tree against HEAD; a test git does not track yet is new.
    write_file(
        dir.path(),
        "tests/test_new.py",
        "def test_new():\n    pass\n",
    );
    let (paths, _) = affected(&dir, &[]);
    assert_eq!(
        paths,
        "tests/test_api.py\ntests/test_new.py\ntests/unit/test_helpers.py\n"
    );
    std::fs::remove_file(dir.path().join("tests/test_new.py")).unwrap();
    let (paths, summary) = affected(&dir, &["--staged"]);
    assert_eq!(
        (paths.as_str(), summary.as_str()),
        ("", "Selected 0 of 6 test files for 0 changed files.\n")
    );
    git(dir.path(), &["commit", "-qam", "core"]);
    append(&dir, "tests/test_lazy.py", "\n");
    git(dir.path(), &["add", "tests/test_lazy.py"]);
    let (paths, _) = affected(&dir, &["--staged"]);
    assert_eq!(paths, "tests/test_lazy.py\n");
    let (paths, summary) = affected(&dir, &["--since", "HEAD~1"]);
    assert_eq!(
        paths,
        "tests/test_api.py\ntests/test_lazy.py\ntests/unit/test_helpers.py\n"
    );
    assert_eq!(
        summary,
        "Selected 3 of 6 test files (changed 1, import 2) for 2 changed files.\n"
    );
    let output = run_from(
        Some(dir.path()),
        dir.path(),
        &["affected", "--since", "mian"],
    );
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: --since mian: not a commit of the repository at [ROOT]\n"
    );
}

#[test]
fn a_removed_or_renamed_module_selects_its_former_importers() {
    let dir = repository();
    git(dir.path(), &["mv", "pkg/plugins.py", "pkg/plugs.py"]);
    let output = run_from(
        Some(dir.path()),
        dir.path(),
        &["--format", "json", "affected", "--staged"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let selected: Vec<(&str, &str, &str)> = json["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap(),
                s["at"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        selected,
        [
            ("tests/test_lazy.py", "import", "pkg/lazy.py:3"),
            (
                "tests/test_patch.py",
                "removed-module",
                "tests/test_patch.py:5"
            ),
        ]
    );
}

#[test]
fn a_named_path_that_does_not_exist_is_taken_as_deleted_with_a_warning() {
    let dir = repository();
    std::fs::remove_file(dir.path().join("pkg/plugins.py")).unwrap();
    let output = run_from(
        Some(dir.path()),
        dir.path(),
        &["affected", "pkg/plugins.py"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stdout, "tests/test_lazy.py\ntests/test_patch.py\n");
    assert_eq!(
        output.stderr,
        "warning: pkg/plugins.py: no such file; taken as deleted\n\
         Selected 2 of 6 test files (import 1, removed-module 1) for 1 changed file.\n"
    );
    let output = run_from(Some(dir.path()), dir.path(), &["affected", "/etc/hosts"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: /etc/hosts: outside the root [ROOT] (pass --root to look at another repository)\n"
    );
}

#[test]
fn paths_are_printed_from_the_current_folder() {
    let dir = repository();
    let tests = dir.path().join("tests");
    let output = run_from(
        Some(&tests),
        dir.path(),
        &["affected", "../pkg/sub/core.py"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stdout, "test_api.py\nunit/test_helpers.py\n");
}

#[test]
fn outside_git_the_changed_files_must_be_named() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("affected"), dir.path());
    let output = run_from(Some(dir.path()), dir.path(), &["affected"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: --since: [ROOT] is not in a git repository; name the changed files, or run \
         it in a git repository\n"
    );
    let output = run_from(
        Some(dir.path()),
        dir.path(),
        &["affected", "pkg/plugins.py"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(output.stdout, "tests/test_lazy.py\ntests/test_patch.py\n");
}

#[test]
fn a_warm_run_gives_the_answer_of_a_cold_one() {
    let dir = repository();
    let cold = run_from(
        Some(dir.path()),
        dir.path(),
        &["--no-cache", "affected", "pkg/plugins.py"],
    );
    let first = run_from(
        Some(dir.path()),
        dir.path(),
        &["affected", "pkg/plugins.py"],
    );
    let warm = run_from(
        Some(dir.path()),
        dir.path(),
        &["affected", "pkg/plugins.py"],
    );
    assert!(dir.path().join(".ssot-graph-cache/affected.bin").is_file());
    assert_eq!(cold.stdout, "tests/test_lazy.py\ntests/test_patch.py\n");
    assert_eq!((&first.stdout, &warm.stdout), (&cold.stdout, &cold.stdout));
}

/// `affected --symbols --format pytest-args` after replacing `old` by `new` in `rel`.
fn narrowed(dir: &tempfile::TempDir, rel: &str, old: &str, new: &str) -> (String, String) {
    let path = dir.path().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{old:?} not in {rel}");
    std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
    let found = affected(dir, &["--symbols", "--format", "pytest-args"]);
    std::fs::write(&path, text).unwrap();
    found
}

/// The fixture with a function nobody calls, one a registry decorates, and a test that
/// calls `make` alone.
fn repository_with_functions() -> tempfile::TempDir {
    let dir = repository();
    append(
        &dir,
        "pkg/sub/core.py",
        "\n\ndef spin():\n    return Engine()\n",
    );
    write_file(
        dir.path(),
        "pkg/registry.py",
        "HANDLERS = []\n\n\ndef register(f):\n    HANDLERS.append(f)\n    return f\n\n\n\
         @register\ndef handle():\n    return 1\n",
    );
    write_file(
        dir.path(),
        "tests/test_registry.py",
        "from pkg.registry import HANDLERS\n\n\ndef test_handlers():\n    assert HANDLERS\n",
    );
    append(
        &dir,
        "tests/test_api.py",
        "\n\ndef test_other():\n    assert True\n\n\n@pytest.mark.parametrize(\"n\", [\n    1,\n])\n\
         def test_numbers(n):\n    assert n\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "functions"]);
    dir
}

#[test]
fn with_symbols_a_body_change_selects_the_test_functions_that_reach_the_definition() {
    let dir = repository_with_functions();
    // `make`'s body: test_make calls it (through pkg.public); test_other does not.
    let (paths, summary) = narrowed(
        &dir,
        "pkg/api.py",
        "return Engine()",
        "return Engine() or 1",
    );
    assert_eq!(paths, "tests/test_api.py::test_make\n");
    assert_eq!(
        summary,
        "Selected 1 of 7 test files (reference 1) for 1 changed file.\n"
    );
    // `spin`'s body: no reference reads spin; test_helpers reaches its module through an
    // import only pytest resolves, which references cannot follow: its whole file.
    let (paths, _) = narrowed(&dir, "pkg/sub/core.py", "return Engine()", "return None");
    assert_eq!(
        paths,
        "tests/unit/test_helpers.py
"
    );
    // Engine's class body: make reads Engine (test_make reads make), and test_helpers
    // reaches it through an import only pytest resolves: its whole file.
    let (paths, _) = narrowed(&dir, "pkg/sub/core.py", "    pass", "    speed = 1");
    assert_eq!(
        paths,
        "tests/test_api.py::test_make\ntests/unit/test_helpers.py\n"
    );
}

#[test]
fn with_symbols_what_runs_at_import_falls_back_to_the_module() {
    let dir = repository_with_functions();
    let whole = "tests/test_api.py\ntests/unit/test_helpers.py\n";
    // A `def` line: a new signature (or name) is seen by importers.
    let (paths, _) = narrowed(&dir, "pkg/sub/core.py", "def spin():", "def spin(x=1):");
    assert_eq!(paths, whole);
    // Module-level code.
    let (paths, _) = narrowed(
        &dir,
        "pkg/sub/core.py",
        "class Engine:",
        "LIMIT = 3\n\n\nclass Engine:",
    );
    assert_eq!(paths, whole);
    // The body of a function a decorator registers at import.
    let (paths, _) = narrowed(&dir, "pkg/registry.py", "    return 1", "    return 2");
    assert_eq!(paths, "tests/test_registry.py\n");
}

#[test]
fn with_symbols_a_change_to_one_test_selects_that_test() {
    let dir = repository_with_functions();
    let (paths, summary) = narrowed(&dir, "tests/test_api.py", "    assert True", "    assert 1");
    assert_eq!(paths, "tests/test_api.py::test_other\n");
    assert_eq!(
        summary,
        "Selected 1 of 7 test files (changed 1) for 1 changed file.\n"
    );
    // Its parameters are its own: the decorator's lines belong to the test.
    let (paths, _) = narrowed(&dir, "tests/test_api.py", "    1,\n", "    1,\n    2,\n");
    assert_eq!(paths, "tests/test_api.py::test_numbers\n");
    // Code at the top of the file runs for every test in it.
    let (paths, _) = narrowed(&dir, "tests/test_api.py", "from pkg", "import os\nfrom pkg");
    assert_eq!(paths, "tests/test_api.py\n");
}

#[test]
fn with_symbols_readers_too_many_to_follow_take_the_module_whole() {
    let dir = repository();
    // f1 reads f0, f2 reads f1, ...: a change to f0's body reaches 300 definitions.
    let mut chain = String::from("def f0():\n    return 0\n");
    for i in 1..300 {
        chain.push_str(&format!("\n\ndef f{i}():\n    return f{}()\n", i - 1));
    }
    write_file(dir.path(), "pkg/chain.py", &chain);
    write_file(
        dir.path(),
        "tests/test_chain.py",
        "import pkg.chain\n\n\ndef test_module():\n    assert pkg.chain\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "chain"]);
    let (paths, _) = narrowed(&dir, "pkg/chain.py", "    return 0", "    return 1");
    assert_eq!(paths, "tests/test_chain.py\n");
    // A short chain is followed: nothing reads f299.
    let (paths, _) = narrowed(
        &dir,
        "pkg/chain.py",
        "    return f298()",
        "    return f298() + 0",
    );
    assert_eq!(paths, "");
}

#[test]
fn a_repository_with_no_commit_yet_says_so() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("affected"), dir.path());
    git(dir.path(), &["init", "-q"]);
    let output = run_from(Some(dir.path()), dir.path(), &["affected"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: the repository at [ROOT] has no commit yet: name the changed files, or pass \
         --staged\n"
    );
    git(dir.path(), &["add", "-A"]);
    let (_, summary) = affected(&dir, &["--staged"]);
    assert_eq!(
        summary,
        "Selected 6 of 6 test files (changed 6) for 20 changed files.\n"
    );
}
