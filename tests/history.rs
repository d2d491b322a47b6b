//! Git-aware commands on a repository built commit by commit: `report --history`,
//! `diff BASE [HEAD]` and `check --since`. Commits carry fixed names and dates, so their
//! hashes, and so every output, are the same on every run.

mod common;

use std::path::Path;

use common::{json, ok, run, write_file};

fn git(root: &Path, args: &[&str], day: u32) {
    let date = format!("2026-11-{day:02}T12:00:00+00:00");
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn commit(root: &Path, subject: &str, day: u32) {
    git(root, &["add", "-A"], day);
    git(root, &["commit", "-q", "-m", subject], day);
}

/// The seed fixture's migration in five commits (scripts/seed_migration.sh).
fn migration() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/seed_migration.sh"))
        .arg(repo.path())
        .arg(env!("CARGO_BIN_EXE_ssot-graph"))
        .status()
        .unwrap();
    assert!(status.success());
    repo
}

#[test]
fn history_gives_the_exact_score_at_each_commit_of_the_migration() {
    let repo = migration();
    let root = repo.path();
    let history = json(root, &["report", "--history"]);
    let scores: Vec<(String, f64)> = history["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["subject"].as_str().unwrap().to_string(),
                p["figures"]["score"]["percent"].as_f64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("Layers as the plan found them", 50.0),
        ("Import WebSocketNotifier from its canonical module", 66.7),
        ("Execution engine: off the factory", 80.0),
        ("Routes: off the factory", 100.0),
        ("New agent", 80.0),
    ];
    let expected: Vec<(String, f64)> = expected.iter().map(|(s, p)| (s.to_string(), *p)).collect();
    assert_eq!(scores, expected);
    insta::assert_snapshot!("history_md", ok(root, &["report", "--history"]));
}

#[test]
fn the_dashboard_says_which_tree_its_headline_is_and_draws_uncommitted_work_apart() {
    let repo = migration();
    let root = repo.path();
    let html = ok(root, &["report", "--history", "--format", "html"]);
    let head =
        String::from_utf8(common::git_output(root, &["rev-parse", "--short=7", "HEAD"]).stdout)
            .unwrap();
    assert!(
        html.contains(&format!("<b>working tree at {}</b>", head.trim())),
        "{html}"
    );
    assert!(!html.contains("(uncommitted)"));
    // An edit not yet committed: the headline says so, and the chart gets one more,
    // hollow point after the last commit.
    write_file(
        root,
        "netra_backend/app/agents/extra_agent.py",
        "from netra_backend.app.agents.supervisor.websocket_notifier import WebSocketNotifier\n",
    );
    let html = ok(root, &["report", "--history", "--format", "html"]);
    assert!(html.contains("<b>working tree (uncommitted)</b>"), "{html}");
    assert!(html.contains(">working tree</text>"), "{html}");
    assert!(html.contains("fill=\"#ffffff\" stroke="), "{html}");
    assert!(html.contains("5 commits sampled of 5"), "{html}");
}

#[test]
fn history_samples_every_nth_commit_from_the_newest_and_takes_a_range() {
    let repo = migration();
    let root = repo.path();
    let subjects = |args: &[&str]| -> Vec<String> {
        json(root, args)["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["subject"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        subjects(&["report", "--history", "--every", "2"]),
        [
            "Layers as the plan found them",
            "Execution engine: off the factory",
            "New agent"
        ]
    );
    assert_eq!(
        subjects(&["report", "--history", "--max-count", "2"]),
        ["Routes: off the factory", "New agent"]
    );
    assert_eq!(
        subjects(&["report", "--history", "HEAD~3..HEAD~1"]),
        [
            "Execution engine: off the factory",
            "Routes: off the factory"
        ]
    );
}

#[test]
fn diff_between_two_commits_names_the_exact_changes() {
    let repo = migration();
    let root = repo.path();
    insta::assert_snapshot!("diff_regression", ok(root, &["diff", "HEAD~1", "HEAD"]));
    insta::assert_snapshot!(
        "diff_migration_md",
        ok(root, &["diff", "HEAD~4", "HEAD~1", "--format", "md"])
    );
    let diff = json(root, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(diff["findings_added"].as_array().unwrap().len(), 1);
    assert_eq!(
        diff["findings_added"][0]["path"],
        "netra_backend/app/agents/new_agent.py"
    );
    assert_eq!(diff["score"]["before"], 100.0);
    assert_eq!(diff["score"]["after"], 80.0);
}

#[test]
fn diff_sees_new_package_edges_cycles_and_duplicate_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "ssot-graph.toml", "");
    write_file(root, "app/__init__.py", "");
    write_file(root, "app/orders/__init__.py", "");
    write_file(root, "app/orders/model.py", "class Order:\n    pass\n");
    write_file(root, "app/billing/__init__.py", "");
    write_file(
        root,
        "app/billing/invoice.py",
        "def total(order):\n    return 0\n",
    );
    git(root, &["init", "-q", "-b", "main"], 1);
    commit(root, "Two packages", 1);
    write_file(
        root,
        "app/orders/model.py",
        "from app.billing.invoice import total\n\n\nclass Order:\n    def cost(self):\n        return total(self)\n",
    );
    write_file(
        root,
        "app/billing/invoice.py",
        "from app.orders.model import Order\n\n\nclass Order:\n    pass\n\n\ndef total(order: Order):\n    return 0\n",
    );
    commit(root, "Billing and orders import each other", 2);
    insta::assert_snapshot!(
        "diff_edges_cycles_duplicates",
        ok(root, &["diff", "HEAD~1", "HEAD"])
    );
    // The working tree is HEAD's: nothing changed.
    let same = ok(root, &["diff", "HEAD"]);
    assert!(same.ends_with("No architectural change.\n"), "{same}");
}

#[test]
fn check_since_reports_only_the_finding_the_change_added() {
    let repo = migration();
    let root = repo.path();
    let output = run(root, &["check", "--since", "HEAD~1"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    insta::assert_snapshot!("check_since", output.stdout);
    let clean = run(root, &["check", "--since", "HEAD"]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
}

#[test]
fn git_commands_refuse_what_is_not_a_revision_or_not_a_repository() {
    let repo = migration();
    let typo = run(repo.path(), &["diff", "mian"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr
            .starts_with("error: `mian`: not a revision of this repository"),
        "{}",
        typo.stderr
    );
    let plain = tempfile::tempdir().unwrap();
    write_file(plain.path(), "ssot-graph.toml", "");
    let outside = run(plain.path(), &["report", "--history"]);
    assert_eq!(outside.code, 2);
    assert!(
        outside.stderr.contains("not in a git repository"),
        "{}",
        outside.stderr
    );
}

#[test]
fn codeowners_groups_what_remains_and_what_a_change_adds_by_owner() {
    let repo = migration();
    let root = repo.path();
    write_file(
        root,
        ".github/CODEOWNERS",
        "* @platform\n/netra_backend/app/agents/ @agents-team\n/netra_backend/app/routes/ @api-team\n",
    );
    let report = json(root, &["report"]);
    assert_eq!(
        report["owners"],
        serde_json::json!({
            "file": ".github/CODEOWNERS",
            "owners": [{"owner": "@agents-team", "references": 2, "files": 1}]
        })
    );
    let diff = ok(root, &["diff", "HEAD~4", "HEAD"]);
    insta::assert_snapshot!("diff_by_owner", diff);
}

#[test]
fn the_dashboard_leads_with_the_score_and_its_trend_over_the_commits() {
    let repo = migration();
    let html = ok(repo.path(), &["report", "--history", "--format", "html"]);
    let score = html
        .find("<div class=\"score\">80.0%</div>")
        .expect("the score");
    let trend = html.find("<svg class=\"trend\"").expect("the trend");
    let symbols = html
        .find("<h2>Protected symbols</h2>")
        .expect("the symbols");
    assert!(score < trend && trend < symbols);
    for (commit, percent) in [
        ("30774da Layers as the plan found them", "50.0"),
        (
            "f28522b Import WebSocketNotifier from its canonical module",
            "66.7",
        ),
        ("77dd8f1 Execution engine: off the factory", "80.0"),
        ("6c97e1c Routes: off the factory", "100.0"),
        ("8ec8801 New agent", "80.0"),
    ] {
        let point = format!("{commit}: {percent}% (SSOT score)</title>");
        assert!(html.contains(&point), "{point}");
    }
    assert!(html.contains("5 commits sampled of 5 in HEAD"));
}

#[test]
fn a_shallow_clone_has_the_history_it_holds_and_says_why_older_commits_are_missing() {
    let repo = migration();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "2", &url])
        .arg(clone.path().join("shallow"))
        .status()
        .unwrap();
    assert!(status.success());
    // The rules are committed: the clone has them.
    let root = clone.path().join("shallow");
    let history = json(&root, &["report", "--history"]);
    assert_eq!(history["commits"], 2);
    // Where the history stops: the older of the two commits the clone holds.
    let note = "shallow clone: history before 6c97e1c is not available; fetch with `git fetch \
                --unshallow`";
    let report = run(&root, &["report", "--history"]);
    assert_eq!(report.stderr, format!("warning: {note}\n"));
    let old = run(&root, &["diff", "HEAD~3"]);
    assert_eq!(old.code, 2);
    assert_eq!(
        old.stderr,
        format!("error: `HEAD~3`: not a revision of this repository ({note})\n")
    );
}
