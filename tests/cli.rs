//! The binary as a user runs it, on the bundled fixtures; whole outputs are snapshots.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{fixture, ok, run};

/// Timings differ on every run; everything else in `stats` is exact.
fn without_timings(stats: &str) -> String {
    stats
        .lines()
        .filter(|l| !l.starts_with("time "))
        .collect::<Vec<_>>()
        .join("\n")
}

const COMPAT_MANAGER: &str = "netra_backend.app.websocket_core.manager.WebSocketManager";

#[test]
fn why_follows_the_compatibility_layer_through_four_hops_to_the_class() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["why", COMPAT_MANAGER]));
}

#[test]
fn why_json_has_the_definition_chain_and_sites_per_import_path() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &["--format", "json", "why", COMPAT_MANAGER]
    ));
}

#[test]
fn why_accepts_a_file_path_with_a_name() {
    let by_path = ok(
        &fixture("seed"),
        &[
            "why",
            "netra_backend/app/websocket_core/manager.py:WebSocketManager",
        ],
    );
    let by_dotted = ok(&fixture("seed"), &["why", COMPAT_MANAGER]);
    assert_eq!(
        by_path.lines().skip(1).collect::<Vec<_>>(),
        by_dotted.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn why_a_bare_name_with_one_definition_resolves_it() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["why", "UnifiedWebSocketManager"]));
}

#[test]
fn why_a_bare_name_defined_twice_lists_both_and_exits_2() {
    let output = run(&fixture("seed"), &["why", "WebSocketNotifier"]);
    assert_eq!(output.code, 2);
    assert_eq!(output.stdout, "");
    insta::assert_snapshot!(output.stderr);
}

#[test]
fn why_an_unknown_module_is_a_one_line_error() {
    let output = run(&fixture("seed"), &["why", "nowhere.Thing"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: nowhere.Thing: no module `nowhere` in the repository\n"
    );
}

#[test]
fn why_resolves_every_import_construct() {
    let targets = [
        "shapes.Circle",                  // from .core import Circle as Circle
        "shapes.Square",                  // star import honouring __all__ +=
        "shapes.Sq",                      // Sq = geometry.Square (module attribute)
        "shapes.Unit", // import shapes.units as units_module; Unit = units_module.Unit
        "shapes.VERSION", // re-binding: the last one wins
        "shapes.speedup", // try/except ImportError fallback
        "shapes.geometry", // from . import geometry (submodule)
        "shapes.everything.make_circle", // star import without __all__
        "shapes.lazy.Heavy", // TYPE_CHECKING declaration of a lazy package
        "shapes.deep.inner.leaf.sibling", // relative import from a namespace package
        "shapes.deep.inner.leaf.Circle", // three-dot relative import
        "shapes.typed.Typed", // a .pyi stub without a .py
        "shapes.cycle_a.Loop", // a re-export cycle
        "shapes.old.OldCircle", // a class in a deprecated module
    ];
    let root = fixture("constructs");
    let mut all = String::new();
    for target in targets {
        let output = run(&root, &["why", target]);
        assert_eq!(output.code, 0, "{target}: {}", output.stderr);
        all.push_str(&output.stdout);
        all.push_str("---\n");
    }
    insta::assert_snapshot!(all);
    // A star import without __all__ leaves out private names: the target names nothing.
    let private = run(&root, &["why", "shapes.everything._private_helper"]);
    assert_eq!(
        (private.code, private.stderr.as_str()),
        (
            2,
            "error: shapes.everything._private_helper: `shapes.everything` does not bind \
             `_private_helper`\n"
        )
    );
}

#[test]
fn a_target_that_names_nothing_exits_2_with_the_nearest_name() {
    let seed = fixture("seed");
    for command in ["why", "importers", "graph"] {
        let output = run(
            &seed,
            &[
                command,
                "netra_backend.app.websocket_core.manager.WebsocketManager",
            ],
        );
        assert_eq!(
            (output.code, output.stderr.as_str()),
            (
                2,
                "error: netra_backend.app.websocket_core.manager.WebsocketManager: \
                 `netra_backend.app.websocket_core.manager` does not bind `WebsocketManager`; \
                 did you mean `WebSocketManager`?\n"
            ),
            "{command}"
        );
    }
    let module = run(
        &seed,
        &["imports", "netra_backend.app.websocket_core.managr"],
    );
    assert_eq!(
        module.stderr,
        "error: netra_backend.app.websocket_core.managr: `netra_backend.app.websocket_core` \
         does not bind `managr`; did you mean `manager`?\n"
    );
    let top = run(&seed, &["why", "netra_backnd.app"]);
    assert_eq!(
        top.stderr,
        "error: netra_backnd.app: no module `netra_backnd` in the repository; did you mean \
         `netra_backend`?\n"
    );
    let bare = run(&seed, &["why", "WebsocketNotifier"]);
    assert_eq!(
        (bare.code, bare.stderr.as_str()),
        (
            2,
            "error: WebsocketNotifier: no class, function or value of that name is defined in \
             the repository; did you mean `WebSocketNotifier`?\n"
        )
    );
}

#[test]
fn a_bare_name_bound_by_an_alias_resolves_through_it() {
    let output = ok(&fixture("seed"), &["why", "WebSocketManager"]);
    assert!(
        output.starts_with(
            "WebSocketManager\n  is class _UnifiedWebSocketManagerImplementation defined in \
             netra_backend.app.websocket_core.unified_manager\n\nchain (3 hops):\n  \
             netra_backend/app/websocket_core/websocket_manager.py:4:1: WebSocketManager = \
             UnifiedWebSocketManager\n"
        ),
        "{output}"
    );
}

#[test]
fn why_names_the_canonical_module_a_rule_sets() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture("seed"), dir.path());
    std::fs::create_dir(dir.path().join("queries")).unwrap();
    std::fs::write(
        dir.path().join("queries/manager.toml"),
        "[[rule]]\nid = \"canonical-manager\"\nkind = \"canonical\"\n\
         symbol = \"netra_backend.app.websocket_core.unified_manager.UnifiedWebSocketManager\"\n\
         canonical = \"netra_backend.app.websocket_core.websocket_manager\"\n",
    )
    .unwrap();
    let output = ok(dir.path(), &["why", COMPAT_MANAGER]);
    assert!(
        output.contains(
            "\ncanonical: netra_backend.app.websocket_core.websocket_manager (rule \
             `canonical-manager`)\n"
        ),
        "{output}"
    );
    let json = common::json(dir.path(), &["why", COMPAT_MANAGER]);
    assert_eq!(
        json["canonical"],
        "netra_backend.app.websocket_core.websocket_manager"
    );
    assert_eq!(json["canonical_rule"], "canonical-manager");
    assert_eq!(
        json["resolved"]["module"],
        "netra_backend.app.websocket_core.unified_manager"
    );
}

#[test]
fn output_into_a_missing_folder_or_onto_a_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope/out.json");
    let output = run(
        &fixture("seed"),
        &["-o", missing.to_str().unwrap(), "stats"],
    );
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        format!(
            "error: {}: cannot write: {} does not exist\n",
            missing.display(),
            dir.path().join("nope").display()
        )
    );
    let output = run(
        &fixture("seed"),
        &["-o", dir.path().to_str().unwrap(), "stats"],
    );
    assert_eq!(
        output.stderr,
        format!("error: {}: is a directory\n", dir.path().display())
    );
}

#[test]
fn stats_counts_the_seed_repository() {
    insta::assert_snapshot!(without_timings(&ok(&fixture("seed"), &["stats"])));
}

#[test]
fn stats_reads_source_roots_from_packaging_metadata() {
    let stats = ok(&fixture("constructs"), &["stats"]);
    assert!(
        stats.lines().any(|l| l == "source roots  src, ."),
        "{stats}"
    );
}

#[test]
fn export_json_follows_the_schema() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["export", "--format", "json"]));
}

#[test]
fn root_is_found_from_a_subdirectory() {
    let output = Command::cargo_bin("ssot-graph")
        .unwrap()
        .current_dir(fixture("seed").join("netra_backend/app/agents"))
        .args(["why", COMPAT_MANAGER])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("unified_manager.py:5:1"));
}

#[test]
fn a_root_that_is_a_file_or_missing_is_a_one_line_error_saying_which() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    let error = |root: &Path| {
        let output = Command::cargo_bin("ssot-graph")
            .unwrap()
            .arg("--root")
            .arg(root)
            .arg("stats")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        stderr.replace(&dir.path().display().to_string(), "[DIR]")
    };
    assert_eq!(
        error(&dir.path().join("a.py")),
        "error: --root [DIR]/a.py: not a directory\n"
    );
    assert_eq!(
        error(&dir.path().join("srcc")),
        "error: --root [DIR]/srcc: no such directory\n"
    );
}

#[test]
fn a_bad_config_is_a_one_line_error_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ssot-graph.toml"),
        "roots = [\"src\"]\nexclud = []\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let output = run(dir.path(), &["stats"]);
    assert_eq!(output.code, 2);
    assert_eq!(output.stderr.lines().count(), 1, "{}", output.stderr);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/ssot-graph.toml:2: unknown key `exclud`, expected one of `roots`, \
         `exclude`, `tests`, `queries`, `baseline`, `deprecated-auto`, `python-version`, \
         `platform`, `cache-dir`, `affected`; did you mean `exclude`?\n"
    );
}

#[test]
fn resolution_agrees_with_the_python_runtime_on_the_fixtures() {
    for name in ["seed", "constructs", "cycles", "runtime"] {
        let output = std::process::Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check_against_python.py"))
            .args(["--binary", env!("CARGO_BIN_EXE_ssot-graph"), "--min", "100"])
            .arg(fixture(name))
            .output()
            .expect("python3 runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{name}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        // Every pair, the unresolved ones included, binds what Python binds.
        let agreement = stdout.lines().find(|l| l.starts_with("agreement: "));
        assert!(
            agreement.is_some_and(|line| line.ends_with("= 100.00%")),
            "{name}: {stdout}"
        );
    }
}

/// Every ```text block of the README that starts with `$ ssot-graph ARGS` shows
/// exactly what that command prints.
#[test]
fn readme_examples_are_current() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(manifest.join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```text\n").skip(1) {
        let block = block.split("```").next().unwrap();
        let Some((command, shown)) = block.split_once('\n') else {
            continue;
        };
        let Some(args) = command.strip_prefix("$ ssot-graph ") else {
            continue;
        };
        let args: Vec<&str> = args.split_whitespace().collect();
        let (root, rest) = match args.as_slice() {
            ["--root", root, rest @ ..] => (manifest.join(root), rest),
            _ => panic!("README example without --root: {command}"),
        };
        assert_eq!(ok(&root, rest), shown, "README example `{command}`");
        checked += 1;
    }
    assert!(checked >= 2, "README examples found: {checked}");
}

#[test]
fn verbose_prints_phase_timings_on_stderr_only() {
    let quiet = run(&fixture("seed"), &["stats", "--format", "json"]);
    assert_eq!(quiet.stderr, "");
    let verbose = run(
        &fixture("seed"),
        &["-v", "--no-cache", "stats", "--format", "json"],
    );
    assert_eq!(verbose.stdout.lines().next(), Some("{"));
    let phases: Vec<&str> = verbose
        .stderr
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        phases,
        ["root:", "environment:", "discover", "parse", "index"]
    );
    assert_eq!(
        verbose.stderr.lines().next().unwrap(),
        "root: [ROOT] (given with --root)"
    );
}

#[cfg(unix)]
#[test]
fn output_to_a_device_or_a_link_writes_through_it() {
    use std::os::unix::fs::FileTypeExt;
    let output = run(&fixture("seed"), &["-o", "/dev/null", "stats"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device(),
        "/dev/null is still a device"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.json"), "old").unwrap();
    std::os::unix::fs::symlink("real.json", dir.path().join("link.json")).unwrap();
    let link = dir.path().join("link.json");
    let output = run(
        &fixture("seed"),
        &["-o", link.to_str().unwrap(), "--format", "json", "stats"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(dir.path().join("real.json")).unwrap();
    assert!(
        written.starts_with("{\n  \"schema\": \"ssot-graph/stats/v1\""),
        "{written}"
    );
}

#[test]
fn a_misspelt_settings_table_beside_the_right_one_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture("seed"), dir.path());
    let pyproject = dir.path().join("pyproject.toml");
    let mut text = std::fs::read_to_string(&pyproject).unwrap();
    text.push_str("\n[tool.ssot_graph]\nexclude = [\"tests/**\"]\n");
    std::fs::write(&pyproject, text).unwrap();
    let output = run(dir.path(), &["stats"]);
    assert_eq!(output.code, 0);
    assert_eq!(
        output.stderr,
        "warning: [ROOT]/pyproject.toml:7: [tool.ssot_graph] is not read; did you mean \
         [tool.ssot-graph]?\n"
    );
}

#[test]
fn completions_are_generated_for_every_command_and_bash_reads_them() {
    let root = fixture("seed");
    let bash = ok(&root, &["completions", "bash"]);
    for command in [
        "why",
        "refs",
        "move",
        "check",
        "fix",
        "report",
        "completions",
    ] {
        assert!(bash.contains(command), "bash completions lack {command}");
    }
    let checked = std::process::Command::new("bash")
        .args(["-n", "-c", &bash])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let fish = ok(&root, &["completions", "fish"]);
    assert!(fish.contains("complete -c ssot-graph"), "{fish}");
    let zsh = ok(&root, &["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef ssot-graph"), "{zsh}");
    let wrong = run(&root, &["completions", "tcsh"]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong
            .stderr
            .contains("possible values: bash, elvish, fish, powershell, zsh")
    );
}

#[test]
fn version_names_the_commit_and_date_it_was_built_from() {
    let version = ok(&fixture("seed"), &["--version"]);
    let rest = version
        .strip_prefix(&format!("ssot-graph {} (", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{version}"));
    let (commit, date) = rest
        .trim_end()
        .trim_end_matches(')')
        .split_once(' ')
        .unwrap();
    assert!(
        commit == "unknown" || (commit.len() == 9 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{version}"
    );
    assert!(date == "unknown" || date.len() == 10, "{version}");
}

#[test]
fn each_commands_help_lists_the_formats_it_prints_and_others_are_refused() {
    let root = fixture("seed");
    let help = |command: &str| ok(&root, &[command, "--help"]);
    assert!(help("why").ends_with("Formats (--format): text, json, dot, svg, mermaid\n"));
    assert!(help("check").ends_with(
        "Formats (--format): text, concise, full, json, json-lines, sarif, github,\ngitlab, junit\n"
    ));
    assert!(help("report").ends_with("Formats (--format): md, json, html\n"));
    assert!(help("refs").ends_with("Formats (--format): text, json\n"));
    assert!(
        !help("fix").contains("Formats (--format)"),
        "fix prints text alone"
    );
    let refused = run(&root, &["fix", "--format", "json"]);
    assert_eq!(
        (refused.code, refused.stderr.as_str()),
        (2, "error: --format json: `fix` prints text\n")
    );
    let refused = run(&root, &["export", "--format", "sarif"]);
    assert_eq!(
        refused.stderr,
        "error: --format sarif: `export` prints json\n"
    );
}

/// Runs the binary in `cwd` with no `--root`, as a user in a terminal does.
fn run_in(cwd: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ssot-graph"))
        .env_remove("VIRTUAL_ENV")
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn outside_git_a_packaging_file_marks_the_root_and_a_guess_writes_no_cache() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().canonicalize().unwrap().join("project");
    common::write_file(&project, "pyproject.toml", "[project]\nname = \"p\"\n");
    common::write_file(&project, "src/pkg/__init__.py", "");
    common::write_file(&project, "src/pkg/a.py", "from pkg.b import B\n");
    common::write_file(&project, "src/pkg/b.py", "class B:\n    pass\n");
    let (code, _, stderr) = run_in(&project.join("src/pkg"), &["-v", "why", "pkg.a.B"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "root: {} (chosen because it holds pyproject.toml)\n",
            project.display()
        )),
        "{stderr}"
    );
    std::fs::remove_file(project.join("pyproject.toml")).unwrap();
    let loose = project.join("src/pkg");
    let (code, _, stderr) = run_in(&loose, &["-v", "stats"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "root: {} (the current directory, as no ssot-graph.toml, [tool.ssot-graph], .git, \
             pyproject.toml, setup.cfg or setup.py is above it; no cache is written)\n",
            loose.display()
        )),
        "{stderr}"
    );
    assert!(!loose.join(".ssot-graph-cache").exists());
}

#[test]
fn help_wraps_at_80_columns_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["move", "--help"],
        &["refs", "--help"],
    ] {
        let (code, stdout, _) = run_in(dir.path(), args);
        assert_eq!(code, 0);
        let long: Vec<&str> = stdout.lines().filter(|l| l.chars().count() > 80).collect();
        assert!(long.is_empty(), "{args:?}: {long:#?}");
    }
}

#[test]
fn every_target_form_of_a_name_a_module_does_not_bind_exits_2_with_the_nearest_name() {
    let seed = common::fixture("seed");
    for target in [
        "netra_backend.app.websocket_core.manager.WebSocketManagr",
        "netra_backend/app/websocket_core/manager.py:WebSocketManagr",
    ] {
        let output = common::run(&seed, &["why", target]);
        assert_eq!(output.code, 2, "{target}: {}", output.stdout);
        assert_eq!(
            output.stderr,
            format!(
                "error: {target}: `netra_backend.app.websocket_core.manager` does not bind \
                 `WebSocketManagr`; did you mean `WebSocketManager`?\n"
            )
        );
    }
}

#[test]
fn path_without_a_chain_exits_1_as_grep_does_without_a_match() {
    let seed = common::fixture("seed");
    let output = common::run(
        &seed,
        &[
            "path",
            "netra_backend.app.websocket_core.unified_manager",
            "netra_backend.app.agents.chat_agent",
        ],
    );
    assert_eq!(output.code, 1);
    assert_eq!(
        output.stdout,
        "no import chain from netra_backend.app.websocket_core.unified_manager to \
         netra_backend.app.agents.chat_agent\n"
    );
}

#[test]
fn report_with_nothing_governed_says_so_instead_of_a_perfect_score() {
    let dir = tempfile::tempdir().unwrap();
    common::write_file(dir.path(), "pkg/a.py", "X = 1\n");
    let report = common::ok(dir.path(), &["report"]);
    assert!(
        report.starts_with(
            "# SSOT report\n\n**SSOT compliance: nothing governed** (no import site reaches a \
             protected symbol or a deprecated target; add `canonical` or `deprecated` rules to \
             queries/)\n"
        ),
        "{report}"
    );
}

#[test]
fn init_beside_a_pre_commit_config_of_ones_own_prints_the_hook_to_paste() {
    let dir = tempfile::tempdir().unwrap();
    let own = "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.0\n";
    common::write_file(dir.path(), ".pre-commit-config.yaml", own);
    let said = common::ok(dir.path(), &["init"]);
    assert!(
        said.contains(
            "kept .pre-commit-config.yaml (exists): add the hook under its `repos:`\n\n  \
             - repo: local\n    hooks:\n      - id: ssot-graph\n"
        ),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap(),
        own
    );
}
