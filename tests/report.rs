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
            1,
            "one chain drawing per protected symbol"
        );
    }
    for external in ["<script", "<link", "src=\"http", "href=\"http"] {
        assert!(!html.contains(external), "self-contained: found {external}");
    }
}
