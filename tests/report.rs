//! `report`: per protected symbol the share of sites on the canonical path, deprecated
//! usage, duplicates and one score, before and after `fix`.

mod common;

use common::{ok, seed_repo};

#[test]
fn report_measures_the_migration_and_fix_takes_the_canonical_share_to_100_percent() {
    let repo = seed_repo();
    let root = repo.path();
    insta::assert_snapshot!("before_fix", ok(root, &["report"]));
    ok(root, &["fix"]);
    let after: serde_json::Value =
        serde_json::from_str(&ok(root, &["report", "--format", "json"])).unwrap();
    assert_eq!(after["canonical"][0]["percent"], 100.0);
    // The factory's replacement is another function: a person moves those imports.
    assert_eq!(after["deprecated"][0]["direct"], 2);
    assert_eq!(after["score"]["percent"], 66.7);
    insta::assert_snapshot!(
        "after_fix_json",
        serde_json::to_string_pretty(&after).unwrap()
    );
}

#[test]
fn html_report_is_one_self_contained_page_with_the_chain_drawings() {
    let repo = seed_repo();
    let html = ok(repo.path(), &["report", "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<div class=\"score\">50.0%</div>"), "{html}");
    assert!(
        html.contains(
            "<div class=\"fill\" style=\"width:75.0%\"></div><span>75.0% · 3 of 4 import sites"
        ),
        "a progress bar per protected symbol: {html}"
    );
    let dot = std::process::Command::new("dot").arg("-V").output();
    if dot.is_ok_and(|o| o.status.success()) {
        assert_eq!(
            html.matches("<svg").count(),
            2,
            "one chain drawing per protected symbol, and the dependency matrix"
        );
    }
    // The score's definition is rendered, not printed as Markdown.
    assert!(html.contains("(a <code>canonical</code> rule)"), "{html}");
    assert!(!html.contains('`'), "no Markdown backtick left: {html}");
    assert!(html.contains("<h2>Dependencies between packages</h2>"));
    assert!(html.contains("dependency matrix: import graph"));
    for external in ["<script", "<link", "src=\"http", "href=\"http"] {
        assert!(!html.contains(external), "self-contained: found {external}");
    }
}

/// A canonical rule whose re-export module imports the definition itself: that import is
/// plumbing, counted neither in the table nor in the drawing beside it.
#[test]
fn the_chain_drawing_counts_the_import_sites_its_table_counts() {
    if !std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write_file(root, "pkg/impl.py", "class Engine:\n    pass\n");
    common::write_file(root, "pkg/__init__.py", "from pkg.impl import Engine\n");
    common::write_file(root, "app/a.py", "from pkg import Engine\n");
    common::write_file(root, "app/b.py", "from pkg import Engine\n");
    common::write_file(root, "app/c.py", "from pkg.impl import Engine\n");
    common::write_file(
        root,
        "queries/engine.toml",
        "[[rule]]\nid = \"engine\"\nkind = \"canonical\"\nsymbol = \"pkg.impl.Engine\"\ncanonical = \"pkg\"\n",
    );
    let html = ok(root, &["report", "--format", "html"]);
    let row =
        |module: &str, sites: usize| format!("<td><code>{module}</code></td><td>{sites}</td>");
    assert!(html.contains(&row("pkg", 2)), "{html}");
    assert!(html.contains(&row("pkg.impl", 1)), "{html}");
    // The drawing's start nodes: `pkg.impl` with 1 import site, as in the table (the
    // re-export's own import of it is not counted).
    assert!(html.contains("<text text-anchor=\"middle\" x=\""), "{html}");
    let labels: Vec<&str> = html
        .split("<text ")
        .filter_map(|t| t.split('>').nth(1))
        .filter_map(|t| t.strip_suffix("</text"))
        .collect();
    let after = |name: &str| {
        labels
            .iter()
            .position(|l| *l == name)
            .and_then(|i| labels.get(i + 1))
            .copied()
    };
    assert_eq!(after("pkg"), Some("2 import sites"), "{labels:?}");
    assert_eq!(after("pkg.impl"), Some("1 import site"), "{labels:?}");
}
