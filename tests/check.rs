//! Rules, `check`, `query`, baselines, suppressions and `init` on a copy of the seed
//! fixture with the example rules of `queries/websocket.toml`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, fixture, git, json, ok, run, seed_repo, write_file};

fn append(path: PathBuf, text: &str) {
    let mut content = fs::read_to_string(&path).unwrap_or_default();
    content.push_str(text);
    fs::write(path, content).unwrap();
}

#[test]
fn check_reports_every_rule_kind_with_its_chain() {
    let repo = seed_repo();
    let output = run(repo.path(), &["check"]);
    assert_eq!(output.code, 1, "errors fail the check");
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn check_json_lists_findings_and_counts() {
    let repo = seed_repo();
    let output = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn check_with_files_reports_only_findings_in_them() {
    let repo = seed_repo();
    let file = repo.path().join("netra_backend/app/agents/chat_agent.py");
    let output = run(repo.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(output.code, 1);
    let located: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| l.contains(".py:"))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        located,
        [
            "netra_backend/app/agents/chat_agent.py:1:1",
            "netra_backend/app/agents/chat_agent.py:2:1"
        ]
    );
}

#[test]
fn a_file_that_cannot_be_parsed_is_named_and_never_called_passed() {
    let repo = seed_repo();
    let root = repo.path();
    fs::write(root.join("broken.py"), "def f(:\n").unwrap();
    fs::write(root.join("binary.py"), b"\xff\xfe\x00bad").unwrap();
    let clean = root.join("netra_backend/app/websocket_core/unified_manager.py");
    let (broken, binary) = (root.join("broken.py"), root.join("binary.py"));
    let given = [&broken, &binary, &clean].map(|p| p.to_str().unwrap());
    let output = run(root, &["check", given[0], given[1], given[2]]);
    assert_eq!(
        (output.code, output.stdout.as_str(), output.stderr.as_str()),
        (
            0,
            "No findings; 2 files could not be parsed and were not fully checked (see above).\n",
            "warning: binary.py:1: binary file: source contains a NUL byte (findings there \
             may be incomplete)\nwarning: broken.py:1: syntax error: Expected a parameter or \
             the end of the parameter list (and 1 more) (findings there may be incomplete)\n"
        )
    );
    // Only the files given are spoken of.
    let output = run(root, &["check", clean.to_str().unwrap()]);
    assert_eq!(
        (output.stdout.as_str(), output.stderr.as_str()),
        ("All checks passed (5 rules and 3 built-in rules).\n", "")
    );
}

#[test]
fn machine_formats_count_and_locate_the_files_that_could_not_be_parsed() {
    let repo = seed_repo();
    let root = repo.path();
    fs::write(root.join("broken.py"), "x = 1\ndef f(:\n").unwrap();
    let broken = root.join("broken.py");
    let broken = broken.to_str().unwrap();
    let output = run(root, &["check", "--format", "json", broken]);
    let answer: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(
        answer["summary"],
        serde_json::json!({"files": 1, "errors": 0, "warnings": 0, "fixable": 0,
            "baselined": 0, "suppressed": 0, "unparsed": 1})
    );
    let output = run(root, &["check", "--format", "sarif", broken]);
    let sarif: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let typed: Result<serde_sarif::sarif::Sarif, _> = serde_json::from_str(&output.stdout);
    assert!(typed.is_ok(), "{typed:?}");
    assert_eq!(
        sarif["runs"][0]["invocations"],
        serde_json::json!([{"executionSuccessful": true, "toolExecutionNotifications": [{
            "level": "warning",
            "message": {"text": "syntax error: Expected a parameter or the end of the parameter \
                list (and 1 more) (findings there may be incomplete)"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "broken.py", "uriBaseId": "SRCROOT"},
                "region": {"startLine": 2}}}]}]}])
    );
    let output = run(root, &["check", "--format", "github", broken]);
    assert_eq!(
        output.stdout,
        "::warning file=broken.py,line=2,title=not parsed::syntax error: Expected a parameter \
         or the end of the parameter list (and 1 more) (findings there may be incomplete)\n\
         ssot-graph: 0 errors, 0 warnings, 1 file not parsed\n"
    );
}

#[test]
fn a_clean_file_passes_and_warnings_alone_do_not_fail() {
    let repo = seed_repo();
    let clean = repo
        .path()
        .join("netra_backend/app/websocket_core/unified_manager.py");
    let output = run(repo.path(), &["check", clean.to_str().unwrap()]);
    assert_eq!(
        (output.code, output.stdout.as_str()),
        (0, "All checks passed (5 rules and 3 built-in rules).\n")
    );
    let warned = repo
        .path()
        .join("netra_backend/app/agents/tool_dispatcher.py");
    let output = run(repo.path(), &["check", warned.to_str().unwrap()]);
    assert_eq!(output.code, 0, "{}", output.stdout);
    assert!(
        output.stdout.contains("Found 0 errors and 1 warning."),
        "{}",
        output.stdout
    );
}

#[test]
fn an_inline_ignore_silences_one_rule_on_its_line() {
    let repo = seed_repo();
    let engine = repo
        .path()
        .join("netra_backend/app/agents/supervisor/execution_engine.py");
    let text = fs::read_to_string(&engine).unwrap().replacen(
        "import create_websocket_manager\n",
        "import create_websocket_manager  # ssot-graph: ignore[no-websocket-factory]\n",
        1,
    );
    fs::write(&engine, text).unwrap();
    let answer = json(repo.path(), &["check", engine.to_str().unwrap()]);
    assert_eq!(
        answer["findings"].as_array().unwrap().len(),
        0,
        "{answer:#}"
    );
    assert_eq!(answer["summary"]["suppressed"], 1);
}

#[test]
fn the_baseline_accepts_old_findings_survives_line_shifts_and_catches_new_ones() {
    let repo = seed_repo();
    let root = repo.path();
    assert_eq!(
        ok(root, &["check", "--update-baseline"]),
        "wrote [ROOT]/ssot-graph-baseline.json: 10 findings accepted\n"
    );
    let baseline = fs::read_to_string(root.join("ssot-graph-baseline.json")).unwrap();
    insta::assert_snapshot!(baseline);
    assert!(
        !baseline.contains("\"line\""),
        "no line numbers in the baseline"
    );
    assert_eq!(
        ok(root, &["check"]),
        "All checks passed (5 rules and 2 built-in rules; 10 accepted by the baseline).\n\
         Contracts: 2 kept, 0 broken.\n"
    );

    // Unrelated edits shift every line: nothing changes.
    let engine = root.join("netra_backend/app/agents/supervisor/execution_engine.py");
    let text = fs::read_to_string(&engine).unwrap();
    fs::write(&engine, format!("\"\"\"Runs agents.\"\"\"\n\n\n{text}")).unwrap();
    assert_eq!(
        ok(root, &["check"]),
        "All checks passed (5 rules and 2 built-in rules; 10 accepted by the baseline).\n\
         Contracts: 2 kept, 0 broken.\n"
    );

    // A new import of the deprecated factory is new, even beside an accepted one.
    append(
        root.join("netra_backend/app/agents/chat_agent.py"),
        "from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager\n",
    );
    let output = run(root, &["check"]);
    assert_eq!(output.code, 1);
    assert_eq!(
        output.stdout.lines().take(2).collect::<Vec<_>>(),
        [
            "netra_backend/app/agents/chat_agent.py:7:1: no-websocket-factory the factory layer is deprecated;",
            "    import `netra_backend.app.websocket_core.websocket_manager.get_websocket_manager` instead",
        ]
    );

    // Fixing an accepted finding leaves a stale entry, which is reported.
    let routes = root.join("netra_backend/app/routes/websocket.py");
    let text = fs::read_to_string(&routes).unwrap().replace(
        "from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager",
        "from netra_backend.app.websocket_core.websocket_manager import get_websocket_manager as create_websocket_manager",
    );
    fs::write(&routes, text).unwrap();
    let output = run(root, &["check", "--format", "json"]);
    let answer: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let stale = answer["stale_baseline"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{answer:#}");
    assert_eq!(stale[0]["path"], "netra_backend/app/routes/websocket.py");
    assert_eq!(stale[0]["count"], 0);
}

#[test]
fn a_corrupt_baseline_is_a_one_line_error_naming_it() {
    let repo = seed_repo();
    fs::write(repo.path().join("ssot-graph-baseline.json"), "{not json").unwrap();
    let output = run(repo.path(), &["check"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .starts_with("error: [ROOT]/ssot-graph-baseline.json: not a ssot-graph baseline"),
        "{}",
        output.stderr
    );
    assert_eq!(output.stderr.lines().count(), 1);
}

/// The seed with its rules, committed to a new git repository (with its baseline when
/// `baseline`).
fn committed_seed(baseline: bool) -> tempfile::TempDir {
    let repo = seed_repo();
    let root = repo.path();
    git(root, &["init", "-q"]);
    if baseline {
        ok(root, &["check", "--update-baseline"]);
    }
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "seed"]);
    repo
}

#[test]
fn a_staged_deletion_reports_the_imports_it_breaks_elsewhere() {
    let repo = committed_seed(false);
    let root = repo.path();
    git(
        root,
        &[
            "rm",
            "-q",
            "netra_backend/app/websocket_core/websocket_manager_factory.py",
        ],
    );
    let output = run(root, &["check", "--staged"]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn query_lists_one_rule_ignoring_the_baseline() {
    let repo = seed_repo();
    ok(repo.path(), &["check", "--update-baseline"]);
    let query = run(repo.path(), &["query", "canonical-notifier"]);
    assert_eq!(
        query.code, 1,
        "errors found by a query fail it, as in check"
    );
    insta::assert_snapshot!(query.stdout);
    let output = run(repo.path(), &["query", "nope"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: no rule `nope` in queries/ (rules: no-websocket-factory, canonical-notifier, \
         one-notifier, agents-use-public-layer, websocket-acyclic, deprecated-auto, \
         stale-string-target)\n"
    );
    let typo = run(repo.path(), &["query", "one-notifer"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr
            .starts_with("error: no rule `one-notifer` in queries/; did you mean `one-notifier`?"),
        "{}",
        typo.stderr
    );
}

#[test]
fn no_cycles_and_transitive_forbidden_rules_show_their_chains() {
    let root = fixture("cycles");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root, dir.path());
    fs::create_dir(dir.path().join("queries")).unwrap();
    fs::write(
        dir.path().join("queries/layers.toml"),
        r#"
[[rule]]
id = "orders-acyclic"
kind = "no-cycles"
within = ["orders.**"]

[[rule]]
id = "e-not-a"
kind = "forbidden"
from = ["orders.e"]
to = ["orders.a"]
transitive = true
"#,
    )
    .unwrap();
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn rule_errors_name_the_file_the_rule_and_the_problem() {
    let repo = seed_repo();
    let rules = repo.path().join("queries/websocket.toml");
    append(
        rules.clone(),
        "\n[[rule]]\nid = \"bad\"\nkind = \"canonical\"\nsymbol = \"netra_backend.app.nothing.X\"\n",
    );
    let output = run(repo.path(), &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/queries/websocket.toml:47: rule `bad`: symbol `netra_backend.app.nothing.X` \
         is not a definition in the repository (unresolved: `netra_backend.app` does not bind \
         `nothing`)\n"
    );
    fs::write(
        &rules,
        "[[rule]]\nid = \"x\"\nkind = \"deprecated\"\ntarget = \"a\"\nallow = \"tests\"\n",
    )
    .unwrap();
    let output = run(repo.path(), &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/queries/websocket.toml:5: rule `x`: invalid type: string \"tests\", \
         expected a sequence\n"
    );
}

#[test]
fn github_output_caps_annotations_at_ten_per_severity() {
    let repo = seed_repo();
    for i in 0..12 {
        fs::write(
            repo.path()
                .join(format!("netra_backend/app/agents/user_{i:02}.py")),
            "from netra_backend.app.services import WebSocketNotifier\n",
        )
        .unwrap();
    }
    let output = run(repo.path(), &["check", "--format", "github"]);
    assert_eq!(output.code, 1);
    let errors = output
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .count();
    let warnings = output
        .stdout
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .count();
    assert_eq!((errors, warnings), (10, 5));
    assert_eq!(
        output.stdout.lines().last().unwrap(),
        "ssot-graph: 17 errors (10 shown), 5 warnings"
    );
    assert!(output.stdout.contains(
        "::error file=netra_backend/app/agents/chat_agent.py,line=2,col=1,title=canonical-notifier::"
    ));
}

/// The SARIF 2.1.0 properties GitHub code scanning requires, with the types the schema
/// gives them.
#[test]
fn sarif_output_has_what_code_scanning_requires() {
    let repo = seed_repo();
    let output = run(repo.path(), &["check", "--format", "sarif"]);
    assert_eq!(output.code, 1);
    // serde-sarif's types are generated from the official SARIF 2.1.0 JSON schema (CI
    // also validates against that schema itself, in scripts/pre_commit_e2e.sh).
    let typed: Result<serde_sarif::sarif::Sarif, _> = serde_json::from_str(&output.stdout);
    assert!(typed.is_ok(), "{typed:?}");
    let sarif: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "ssot-graph");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "no-websocket-factory",
            "canonical-notifier",
            "one-notifier",
            "agents-use-public-layer",
            "websocket-acyclic",
            "deprecated-auto",
            "stale-string-target"
        ]
    );
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    let mut fingerprints = std::collections::HashSet::new();
    for result in results {
        let rule = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], rule);
        assert!(["error", "warning"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(repo.path().join(uri).is_file(), "{uri}");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "SRCROOT");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
        let fingerprint = result["partialFingerprints"]["ssotGraphFinding/v1"]
            .as_str()
            .unwrap();
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "unique: {fingerprint}"
        );
        assert!(!fingerprint.contains(&format!("|{}|", location["region"]["startLine"])));
    }
    assert!(
        runs[0]["originalUriBaseIds"]["SRCROOT"]["uri"]
            .as_str()
            .unwrap()
            .ends_with('/')
    );
}

#[test]
fn init_writes_starter_files_once_and_installs_the_git_hook() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    assert_eq!(
        ok(root, &["init", "--hook"]),
        "wrote ssot-graph.toml\nwrote queries/example.toml\nwrote .pre-commit-config.yaml\n\
         wrote .git/hooks/pre-commit\n"
    );
    assert_eq!(
        ok(root, &["init", "--hook"]),
        "kept ssot-graph.toml (exists)\nkept queries/ (has rule files)\n\
         kept .pre-commit-config.yaml (has the ssot-graph hook)\nkept .git/hooks/pre-commit (exists)\n"
    );
    // The starter files are valid; an empty repository is not called a pass.
    let empty = run(root, &["check"]);
    assert_eq!(
        (empty.code, empty.stdout.as_str(), empty.stderr.as_str()),
        (
            0,
            "No rules configured: only the 2 built-in rules ran.\nNo Python files checked.\n",
            "warning: no Python files found under [ROOT]\n"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root.join(".git/hooks/pre-commit"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "the hook is executable");
    }
}

#[test]
fn color_always_styles_findings_and_never_is_plain() {
    let repo = seed_repo();
    let plain = run(repo.path(), &["check", "--color", "never"]);
    assert!(!plain.stdout.contains('\x1b'));
    let colored = run(repo.path(), &["check", "--color", "always"]);
    let first = colored.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "\x1b[1mnetra_backend/app/agents/chat_agent.py:1:1:\x1b[0m \x1b[1;33mdeprecated-auto\x1b[0m \
         warning: `WebSocketManager`:"
    );
    assert!(
        colored
            .stdout
            .contains("\x1b[1;31mcanonical-notifier\x1b[0m \x1b[36m[*]\x1b[0m")
    );
}

#[test]
fn check_takes_folders_and_refuses_paths_that_name_nothing() {
    let repo = seed_repo();
    let root = repo.path();
    let folder = root.join("netra_backend/app/routes");
    let output = run(root, &["check", folder.to_str().unwrap()]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output
            .stdout
            .starts_with("netra_backend/app/routes/websocket.py:6:5: no-websocket-factory"),
        "a folder means the Python files below it: {}",
        output.stdout
    );
    let missing = root.join("netra_backend/nothing.py");
    let output = run(root, &["check", missing.to_str().unwrap()]);
    assert_eq!(
        (output.code, output.stdout.as_str(), output.stderr.as_str()),
        (
            2,
            "",
            "error: [ROOT]/netra_backend/nothing.py: no such file or directory\n"
        )
    );
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("x.py"), "import os\n").unwrap();
    let outside = elsewhere.path().join("x.py");
    let output = run(root, &["check", outside.to_str().unwrap()]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("x.py: outside the root [ROOT]"),
        "{}",
        output.stderr
    );
    let not_python = root.join("pyproject.toml");
    let output = run(root, &["check", not_python.to_str().unwrap()]);
    assert_eq!(
        (output.code, output.stdout.as_str(), output.stderr.as_str()),
        (
            0,
            "No Python files checked.\n",
            "warning: [ROOT]/pyproject.toml: not a Python file (.py or .pyi); not checked\n"
        )
    );
    // A hook passes every staged file of a monorepo: what is not the project's is skipped.
    let output = run(
        root,
        &[
            "check",
            "--force-exclude",
            outside.to_str().unwrap(),
            not_python.to_str().unwrap(),
        ],
    );
    assert_eq!(
        (output.code, output.stdout.as_str(), output.stderr.as_str()),
        (0, "No Python files checked.\n", "")
    );
    let output = run(root, &["check", "--staged", folder.to_str().unwrap()]);
    assert_eq!(output.code, 2, "--staged judges the index, not FILES");
}

#[test]
fn update_baseline_with_files_replaces_only_their_entries() {
    let repo = seed_repo();
    let root = repo.path();
    ok(root, &["check", "--update-baseline"]);
    let before = fs::read_to_string(root.join("ssot-graph-baseline.json")).unwrap();
    let chat = root.join("netra_backend/app/agents/chat_agent.py");
    fs::write(&chat, "import os\n").unwrap();
    assert_eq!(
        ok(
            root,
            &["check", "--update-baseline", chat.to_str().unwrap()]
        ),
        "wrote [ROOT]/ssot-graph-baseline.json: 8 findings accepted\n"
    );
    let after: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("ssot-graph-baseline.json")).unwrap())
            .unwrap();
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    let without_chat: Vec<&serde_json::Value> = before["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] != "netra_backend/app/agents/chat_agent.py")
        .collect();
    assert_eq!(
        after["entries"]
            .as_array()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        without_chat,
        "every other file's accepted findings are kept"
    );
    assert_eq!(
        ok(root, &["check"]),
        "All checks passed (5 rules and 2 built-in rules; 8 accepted by the baseline).\n\
         Contracts: 2 kept, 0 broken.\n"
    );
}

#[test]
fn configuration_mistakes_are_named_not_ignored() {
    let repo = seed_repo();
    let root = repo.path();
    fs::write(root.join("ssot-graph.toml"), "queries = \"rulez\"\n").unwrap();
    let output = run(root, &["check"]);
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: [ROOT]/ssot-graph.toml: queries = \"rulez\": no such folder under [ROOT]\n"
        )
    );
    fs::remove_file(root.join("ssot-graph.toml")).unwrap();
    let rules = root.join("queries/websocket.toml");
    let text = fs::read_to_string(&rules).unwrap().replace(
        "websocket_manager.get_websocket_manager\"",
        "websocket_manager.get_websocket_managr\"",
    );
    fs::write(&rules, text).unwrap();
    let output = run(root, &["check"]);
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: [ROOT]/queries/websocket.toml:8: rule `no-websocket-factory`: replacement \
             netra_backend.app.websocket_core.websocket_manager.get_websocket_managr: \
             `netra_backend.app.websocket_core.websocket_manager` does not bind \
             `get_websocket_managr`; did you mean `get_websocket_manager`?\n"
        )
    );
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/websocket.toml"),
        &rules,
    )
    .unwrap();
    append(
        root.join("netra_backend/app/agents/tool_dispatcher.py"),
        "import os  # ssot-graph: ignore[no-websocket-factroy]\n",
    );
    let output = run(root, &["check"]);
    assert_eq!(output.code, 1);
    assert_eq!(
        output.stderr,
        "warning: netra_backend/app/agents/tool_dispatcher.py:17: ignore[no-websocket-factroy]: \
         no rule `no-websocket-factroy`; did you mean `no-websocket-factory`?\n"
    );
}

#[test]
fn staged_judges_the_index_not_the_working_tree() {
    let repo = seed_repo();
    let root = repo.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "seed"]);
    ok(root, &["check", "--update-baseline"]);
    let agent = root.join("netra_backend/app/agents/new_agent.py");
    let violation = "from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager\n";
    // A violation staged, then edited away in the working tree, is still committed.
    fs::write(&agent, violation).unwrap();
    git(root, &["add", "netra_backend/app/agents/new_agent.py"]);
    fs::write(&agent, "import os\n").unwrap();
    let output = run(root, &["check", "--staged"]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output
            .stdout
            .starts_with("netra_backend/app/agents/new_agent.py:1:1: no-websocket-factory"),
        "{}",
        output.stdout
    );
    // A clean file staged, with a violation only in the working copy, commits clean.
    git(root, &["add", "netra_backend/app/agents/new_agent.py"]);
    fs::write(&agent, violation).unwrap();
    assert_eq!(
        ok(root, &["check", "--staged"]),
        "All checks passed (5 rules and 3 built-in rules).\n"
    );
    // The working tree itself is judged as it is, and the cache still answers for it.
    assert_eq!(run(root, &["check", agent.to_str().unwrap()]).code, 1);
    // A module removed from the index but left on disk is not in the commit.
    git(
        root,
        &["reset", "-q", "netra_backend/app/agents/new_agent.py"],
    );
    fs::remove_file(&agent).unwrap();
    git(
        root,
        &[
            "rm",
            "-q",
            "--cached",
            "netra_backend/app/websocket_core/websocket_manager_factory.py",
        ],
    );
    let output = run(root, &["check", "--staged"]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    let broken: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| l.contains(": broken-import"))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        broken,
        [
            "netra_backend/app/agents/supervisor/execution_engine.py:1:1",
            "netra_backend/app/agents/supervisor/execution_engine.py:6:34",
            "netra_backend/app/routes/websocket.py:6:5",
            "netra_backend/app/routes/websocket.py:8:15",
            // The test suite's module alias, each read of it, a patch target and an
            // `import_module` string: every reference the deletion breaks.
            "tests/test_websocket_factory.py:6:1",
            "tests/test_websocket_factory.py:10:15",
            "tests/test_websocket_factory.py:14:14",
            "tests/test_websocket_factory.py:16:5",
            "tests/test_websocket_factory.py:21:39",
            "tests/test_websocket_factory.py:22:47"
        ]
    );
}

#[test]
fn staged_outside_a_git_repository_is_an_error() {
    let repo = seed_repo();
    let output = run(repo.path(), &["check", "--staged"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: --staged: [ROOT] is not in a git repository\n"
    );
}

#[test]
fn update_baseline_with_staged_replaces_only_the_staged_files_entries() {
    let repo = seed_repo();
    let root = repo.path();
    git(root, &["init", "-q"]);
    ok(root, &["check", "--update-baseline"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "seed"]);
    let engine = root.join("netra_backend/app/agents/supervisor/execution_engine.py");
    fs::write(&engine, "import os\n").unwrap();
    git(
        root,
        &[
            "add",
            "netra_backend/app/agents/supervisor/execution_engine.py",
        ],
    );
    assert_eq!(
        ok(root, &["check", "--staged", "--update-baseline"]),
        "wrote [ROOT]/ssot-graph-baseline.json: 9 findings accepted\n"
    );
    let baseline = fs::read_to_string(root.join("ssot-graph-baseline.json")).unwrap();
    assert!(!baseline.contains("execution_engine.py"), "{baseline}");
    assert!(baseline.contains("chat_agent.py"), "{baseline}");
}

#[test]
fn check_speaks_ruffs_output_formats() {
    let repo = seed_repo();
    let root = repo.path();
    for format in ["concise", "full", "json-lines", "gitlab", "junit"] {
        let output = run(root, &["check", "--format", format]);
        assert_eq!(output.code, 1, "{format}: {}", output.stderr);
        insta::assert_snapshot!(format!("format_{format}"), output.stdout);
    }
    let refused = run(root, &["why", "WebSocketManager", "--format", "junit"]);
    assert_eq!(
        refused.stderr,
        "error: --format junit: `why` prints text, json, dot, svg or mermaid\n"
    );
}

/// The seed with `queries/websocket.toml` edited by `edit` (old text, new text).
fn seed_with_rules(old: &str, new: &str) -> tempfile::TempDir {
    let repo = seed_repo();
    let rules = repo.path().join("queries/websocket.toml");
    let text = fs::read_to_string(&rules).unwrap();
    assert!(text.contains(old), "{old}");
    fs::write(&rules, text.replacen(old, new, 1)).unwrap();
    repo
}

#[test]
fn a_rule_that_matches_nothing_is_an_error_with_the_nearest_match() {
    for (old, new, expected) in [
        (
            "names = [\"WebSocketNotifier\"",
            "names = [\"WebSocketNotifer\"",
            "websocket.toml:26: rule `one-notifier`: names `WebSocketNotifer` matches nothing \
             in the repository; did you mean `WebSocketNotifier`?",
        ),
        (
            "from = [\"netra_backend.app.agents.**\"]",
            "from = [\"netra_backend.app.agnts.**\"]",
            "websocket.toml:33: rule `agents-use-public-layer`: from `netra_backend.app.agnts.**` \
             matches nothing in the repository; did you mean `netra_backend.app.agents.**`?",
        ),
        (
            "within = [\"netra_backend.app.websocket_core.**\"]",
            "within = [\"netra_backend.app.websocket_cor.**\"]",
            "websocket.toml:42: rule `websocket-acyclic`: within \
             `netra_backend.app.websocket_cor.**` matches nothing in the repository; did you \
             mean `netra_backend.app.websocket_core.**`?",
        ),
        (
            "allow = [\"tests/**\"]",
            "allow = [\"test/**\"]",
            "websocket.toml:8: rule `no-websocket-factory`: allow `test/**` matches nothing in \
             the repository; did you mean `tests/**`?",
        ),
        (
            "target = \"netra_backend.app.websocket_core.websocket_manager_factory\"",
            "target = \"netra_backend.app.websocket_core.websocket_manager_factry\"",
            "websocket.toml:8: rule `no-websocket-factory`: target \
             `netra_backend.app.websocket_core.websocket_manager_factry` matches nothing in the \
             repository; did you mean `websocket_manager_factory`?",
        ),
        (
            "to = [\"netra_backend.app.websocket_core.unified_manager\"]",
            "to = [\"netra_backend.app.legacy.**\"]",
            "websocket.toml:33: rule `agents-use-public-layer`: to `netra_backend.app.legacy.**` \
             matches nothing in the repository (allow-empty = true accepts a rule that matches \
             nothing yet)",
        ),
    ] {
        let repo = seed_with_rules(old, new);
        let output = run(repo.path(), &["check"]);
        assert_eq!(output.code, 2, "{new}: {}", output.stdout);
        assert_eq!(
            output.stderr,
            format!("error: [ROOT]/queries/{expected}\n"),
            "{new}"
        );
    }
    // Nothing yet, by design: said so, the rule runs and finds nothing.
    let repo = seed_with_rules(
        "to = [\"netra_backend.app.websocket_core.unified_manager\"]",
        "to = [\"netra_backend.app.legacy.**\"]\nallow-empty = true",
    );
    assert_eq!(run(repo.path(), &["check"]).code, 1);
}

#[test]
fn a_staged_rename_keeps_the_moved_files_accepted_findings() {
    let repo = committed_seed(true);
    let root = repo.path();
    git(
        root,
        &[
            "mv",
            "netra_backend/app/routes/websocket.py",
            "netra_backend/app/routes/websocket_routes.py",
        ],
    );
    let output = run(root, &["check", "--staged"]);
    assert_eq!(output.code, 0, "{}", output.stdout);
    assert_eq!(
        output.stdout,
        "All checks passed (5 rules and 3 built-in rules; 1 accepted by the baseline).\n"
    );
}

#[test]
fn a_staged_rename_of_a_protected_symbols_module_is_findings_not_a_configuration_error() {
    let repo = committed_seed(false);
    let root = repo.path();
    git(
        root,
        &[
            "mv",
            "netra_backend/app/services/agent_websocket_bridge.py",
            "netra_backend/app/services/bridge2.py",
        ],
    );
    let output = run(root, &["check", "--staged", "--format", "concise"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let at_rule: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| l.starts_with("queries/"))
        .collect();
    assert_eq!(
        at_rule,
        ["queries/websocket.toml:18:1: canonical-notifier symbol \
          `netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier` no longer \
          resolves to a definition: the change removes \
          `netra_backend.app.services.agent_websocket_bridge`"]
    );
    assert_eq!(
        output
            .stdout
            .lines()
            .filter(|l| l.contains(": broken-import "))
            .count(),
        5
    );
}

#[test]
fn a_forbidden_rule_may_name_a_third_party_module_the_code_imports() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_file(root, "core/__init__.py", "");
    common::write_file(root, "core/net.py", "import requests\n");
    common::write_file(
        root,
        "queries/rules.toml",
        "[[rule]]\nid = \"no-requests-in-core\"\nkind = \"forbidden\"\nfrom = [\"core.**\"]\n\
         to = [\"requests\"]\n",
    );
    let output = run(root, &["check", "--format", "concise"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert_eq!(
        output.stdout,
        "core/net.py:1:1: no-requests-in-core `core.net` must not import `requests`\n\
         Found 1 error and 0 warnings.\n"
    );
}

#[test]
fn a_rule_file_saved_without_the_toml_extension_is_named_and_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_file(root, "pkg/a.py", "X = 1\n");
    common::write_file(root, "queries/README.md", "Our rules.\n");
    common::write_file(root, "queries/rules.tml", "[[rule]]\n");
    let output = run(root, &["check"]);
    assert_eq!(output.code, 0);
    assert_eq!(
        output.stderr,
        "warning: [ROOT]/queries/rules.tml: not read: rule files end in .toml\n"
    );
    assert_eq!(
        output.stdout,
        "No rules configured: only the 2 built-in rules ran.\nAll checks passed (2 built-in rules).\n"
    );
    let query = run(root, &["query", "deprecated-auto"]);
    assert_eq!(query.stdout, "No findings for `deprecated-auto`.\n");
}

#[test]
fn every_line_of_a_text_check_fits_in_100_columns() {
    let repo = seed_repo();
    let output = run(repo.path(), &["check"]);
    let long: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| l.chars().count() > 100)
        .collect();
    assert!(long.is_empty(), "{long:#?}");
    assert!(output.stdout.lines().count() > 20, "{}", output.stdout);
}

#[test]
fn a_third_party_module_can_be_deprecated_with_a_replacement_outside_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "ssot-graph.toml", "queries = \"queries\"\n");
    write_file(root, "pkg/__init__.py", "");
    write_file(
        root,
        "pkg/a.py",
        "import six\nfrom six.moves import urllib\nfrom mock import patch\nimport os\n",
    );
    write_file(
        root,
        "queries/third_party.toml",
        "[[rule]]\nid = \"no-six\"\nkind = \"deprecated\"\ntarget = \"six\"\n\n\
         [[rule]]\nid = \"no-mock\"\nkind = \"deprecated\"\ntarget = \"mock\"\n\
         replacement = \"unittest.mock\"\n",
    );
    let output = run(root, &["check", "--format", "concise"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert_eq!(
        output.stdout,
        "pkg/a.py:1:1: no-six `six` is deprecated\n\
         pkg/a.py:2:1: no-six `six` is deprecated\n\
         pkg/a.py:3:1: no-mock `mock` is deprecated; import `unittest.mock` instead\n\
         Found 3 errors and 0 warnings.\n"
    );
    // A third-party name the code never imports is still a typo.
    write_file(
        root,
        "queries/third_party.toml",
        "[[rule]]\nid = \"no-six\"\nkind = \"deprecated\"\ntarget = \"sixx\"\n",
    );
    let output = run(root, &["check"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: [ROOT]/queries/third_party.toml:2: rule `no-six`: target `sixx` matches \
         nothing in the repository; did you mean `six`?\n"
    );
}
