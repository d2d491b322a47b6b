//! `graph` and `why --format dot|svg|mermaid`: valid DOT, stable output, readable limits,
//! and the committed documentation drawings kept current.

mod common;

use std::path::Path;

use common::{fixture, ok, run};

const COMPAT_MANAGER: &str = "netra_backend.app.websocket_core.manager.WebSocketManager";
const WEBSOCKET: &str = "netra_backend.app.websocket_core";

fn dot_is_installed() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The DOT text parses back into graphviz-rust's model, and `dot` accepts it when present.
fn assert_valid_dot(source: &str) {
    graphviz_rust::parse(source).unwrap_or_else(|e| panic!("DOT does not parse: {e}\n{source}"));
    if dot_is_installed() {
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(source.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "dot rejects it: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn why_draws_each_import_path_down_to_the_definition_as_dot() {
    let dot = ok(
        &fixture("seed"),
        &["why", COMPAT_MANAGER, "--format", "dot"],
    );
    assert_valid_dot(&dot);
    insta::assert_snapshot!(dot);
}

#[test]
fn why_draws_the_chain_as_mermaid() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &["why", COMPAT_MANAGER, "--format", "mermaid"]
    ));
}

#[test]
fn graph_of_a_package_and_its_importers_marks_deprecated_and_duplicate_modules() {
    let dot = ok(
        &fixture("seed"),
        &["graph", WEBSOCKET, "--reverse", "--exclude-external"],
    );
    assert_valid_dot(&dot);
    insta::assert_snapshot!(dot);
}

#[test]
fn graph_mermaid_has_package_boxes_dashed_deferred_edges_and_classes() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &[
            "graph",
            WEBSOCKET,
            "--reverse",
            "--exclude-external",
            "--format",
            "mermaid"
        ]
    ));
}

#[test]
fn graph_json_lists_nodes_with_marks_and_edges() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &["graph", WEBSOCKET, "--depth", "0", "--format", "json"]
    ));
}

#[test]
fn graph_shows_external_modules_unless_excluded() {
    let root = fixture("seed");
    let with = ok(
        &root,
        &[
            "graph",
            "netra_backend.app.agents.tool_dispatcher",
            "--external",
            "packages",
        ],
    );
    assert!(with.contains("\"typing\"[label=\"typing\""), "{with}");
    // The standard library is drawn only when asked for.
    let default = ok(
        &root,
        &["graph", "netra_backend.app.agents.tool_dispatcher"],
    );
    assert!(!default.contains("\"typing\""), "{default}");
    let without = ok(
        &root,
        &[
            "graph",
            "netra_backend.app.agents.tool_dispatcher",
            "--exclude-external",
        ],
    );
    assert!(!without.contains("\"typing\""), "{without}");
}

#[test]
fn graph_collapse_merges_modules_into_their_package() {
    let dot = ok(
        &fixture("seed"),
        &["graph", "--collapse", "3", "--exclude-external"],
    );
    assert_valid_dot(&dot);
    insta::assert_snapshot!(dot);
}

#[test]
fn graph_depth_and_reverse_bound_the_neighbourhood() {
    let root = fixture("seed");
    let nodes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json", "graph", "--exclude-external"];
        all.extend_from_slice(args);
        let value: serde_json::Value = serde_json::from_str(&ok(&root, &all)).unwrap();
        value["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect()
    };
    let unified = "netra_backend.app.websocket_core.unified_manager";
    assert_eq!(nodes(&[unified, "--depth", "0"]), [unified]);
    assert_eq!(
        nodes(&[unified, "--reverse"]),
        [
            "netra_backend.app.agents.tool_dispatcher",
            "netra_backend.app.routes.websocket",
            unified,
            "netra_backend.app.websocket_core.websocket_manager",
        ]
    );
    assert_eq!(nodes(&[unified, "--reverse", "--depth", "3"]).len(), 13);
}

#[test]
fn the_same_graph_prints_the_same_text_every_time() {
    let root = fixture("seed");
    let first = ok(&root, &["graph"]);
    for _ in 0..3 {
        assert_eq!(ok(&root, &["graph"]), first);
    }
    let ids: Vec<&str> = first
        .lines()
        .filter(|l| l.starts_with("  \"") && l.contains("[label="))
        .map(|l| l.trim_start().split('"').nth(1).unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn a_drawing_too_big_to_read_is_refused_with_the_flags_that_fit() {
    let output = run(
        &fixture("seed"),
        &["graph", "--collapse", "5", "--max-nodes", "5"],
    );
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: the drawing would have 14 nodes, more than --max-nodes 5 can show readably: \
         --collapse 2 draws 3; a TARGET with --depth draws a neighbourhood; --max-nodes N \
         raises the limit\n"
    );
}

#[test]
fn mermaid_refuses_more_edges_than_renderers_handle() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("pkg")).unwrap();
    std::fs::write(root.join("pkg/__init__.py"), "").unwrap();
    std::fs::write(root.join("pkg/hub.py"), "X = 1\n").unwrap();
    for i in 0..501 {
        std::fs::write(root.join(format!("pkg/m{i}.py")), "from pkg.hub import X\n").unwrap();
    }
    let args = [
        "graph",
        "pkg.hub",
        "--reverse",
        "--max-nodes",
        "1000",
        "--format",
        "mermaid",
    ];
    let output = run(root, &args);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: the drawing has 501 edges; Mermaid renderers fail past 500: use --format dot \
         or svg, --collapse, or a TARGET with --depth\n"
    );
    assert_eq!(
        run(
            root,
            &["graph", "pkg.hub", "--reverse", "--max-nodes", "1000"]
        )
        .code,
        0
    );
}

#[test]
fn svg_is_drawn_by_dot_or_refused_in_one_line_without_it() {
    let output = run(
        &fixture("seed"),
        &["why", COMPAT_MANAGER, "--format", "svg"],
    );
    if dot_is_installed() {
        assert_eq!(output.code, 0, "{}", output.stderr);
        assert!(output.stdout.contains("<svg"), "{}", output.stdout);
        assert!(output.stdout.contains("UnifiedWebSocketManager"));
    } else {
        assert_eq!(output.code, 2);
        assert!(
            output
                .stderr
                .starts_with("error: --format svg needs Graphviz's `dot` on PATH")
        );
        assert_eq!(output.stderr.lines().count(), 1);
    }
}

#[test]
fn output_file_is_written_whole_with_normal_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chain.dot");
    let root = fixture("seed");
    let printed = ok(&root, &["why", COMPAT_MANAGER, "--format", "dot"]);
    let file_arg = file.to_str().unwrap();
    assert_eq!(
        ok(
            &root,
            &["why", COMPAT_MANAGER, "--format", "dot", "-o", file_arg]
        ),
        ""
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), printed);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn drawing_formats_are_refused_by_text_commands() {
    let output = run(&fixture("seed"), &["stats", "--format", "dot"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: --format dot: drawings are made by `graph` and `why`; `stats` prints text or \
         json\n"
    );
}

/// The drawings of docs/diagrams.md are what the tool draws now (scripts/diagrams.sh
/// regenerates them).
#[test]
fn committed_documentation_drawings_are_current() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(manifest.join("scripts/diagrams.sh")).unwrap();
    let page = std::fs::read_to_string(manifest.join("docs/diagrams.md")).unwrap();
    let mut checked = 0;
    for line in script.lines().filter(|l| l.starts_with("draw ")) {
        let mut words = line.split_whitespace().skip(1);
        let name = words.next().unwrap();
        let args: Vec<&str> = words.collect();
        for (format, extension) in [("dot", "dot"), ("mermaid", "mmd")] {
            let mut all = vec!["--format", format];
            all.extend_from_slice(&args);
            let drawn = ok(&fixture("seed"), &all);
            let path = manifest.join(format!("docs/diagrams/{name}.{extension}"));
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                committed,
                drawn,
                "{} is stale: run scripts/diagrams.sh",
                path.display()
            );
        }
        let mermaid =
            std::fs::read_to_string(manifest.join(format!("docs/diagrams/{name}.mmd"))).unwrap();
        assert!(
            page.contains(&format!(
                "<!-- mermaid: {name} -->\n```mermaid\n{mermaid}```"
            )),
            "docs/diagrams.md misses the current Mermaid drawing of {name}"
        );
        assert!(manifest.join(format!("docs/diagrams/{name}.svg")).is_file());
        checked += 1;
    }
    for line in script.lines().filter(|l| l.starts_with("matrix ")) {
        let mut words = line.split_whitespace().skip(1);
        let name = words.next().unwrap();
        let mut all = vec!["--format", "dsm"];
        all.extend(words);
        let path = manifest.join(format!("docs/diagrams/{name}.svg"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed,
            ok(&fixture("seed"), &all),
            "{} is stale: run scripts/diagrams.sh",
            path.display()
        );
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn a_long_chain_runs_top_to_bottom_with_a_legend_of_its_marks() {
    let dot = ok(
        &fixture("seed"),
        &[
            "why",
            "netra_backend.app.websocket_core.manager.WebSocketManager",
            "--format",
            "dot",
        ],
    );
    assert!(dot.contains("  rankdir=\"TB\"\n"), "{dot}");
    assert!(dot.contains("    label=\"legend\"\n"), "{dot}");
    let legend: Vec<&str> = dot
        .lines()
        .filter(|l| l.trim_start().starts_with("\"legend:") && !l.contains(" -> "))
        .map(|l| l.trim_start().split('[').next().unwrap())
        .collect();
    assert_eq!(
        legend,
        ["\"legend:true definition\"", "\"legend:deprecated module\""]
    );
    assert!(
        dot.contains(
            "\"legend:true definition\" -> \"legend:deprecated module\" [style=\"invis\"]"
        ),
        "the samples stack in one column: {dot}"
    );
    // These statements fit: nothing is left out of any label.
    assert!(!dot.contains('…'), "{dot}");
}
