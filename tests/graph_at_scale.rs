//! `graph` on trees too large to draw module by module: collapsed to what fits, edges as
//! wide as what they carry, thin ones hidden on request, cycles condensed, layers ranked,
//! and the dependency matrix.

mod common;

use std::path::Path;

use common::{json, ok, run, write_file};

/// 66 modules under `app`: thirty API modules importing the core's model and the
/// database's session, thirty core helpers importing the model, and a database module
/// that reaches back up into the API.
fn app(root: &Path) {
    write_file(root, "app/__init__.py", "");
    write_file(root, "app/api/__init__.py", "");
    for i in 0..30 {
        write_file(
            root,
            &format!("app/api/v{i}.py"),
            "from app.core.models import Model\nfrom app.db.session import Session\n",
        );
        write_file(
            root,
            &format!("app/core/util{i}.py"),
            "from app.core.models import Model\n",
        );
    }
    write_file(root, "app/core/__init__.py", "");
    write_file(
        root,
        "app/core/models.py",
        "import json\nimport requests.adapters\nfrom app.db.session import Session\n\nclass Model:\n    pass\n",
    );
    write_file(root, "app/db/__init__.py", "");
    write_file(
        root,
        "app/db/session.py",
        "from app.api import v0\n\nclass Session:\n    pass\n",
    );
}

fn ids(value: &serde_json::Value, key: &str) -> Vec<String> {
    value[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect()
}

fn edges(value: &serde_json::Value) -> Vec<String> {
    value["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let up = if e["upward"].as_bool() == Some(true) {
                " up"
            } else {
                ""
            };
            format!(
                "{} -> {} {}{up}",
                e["from"].as_str().unwrap(),
                e["to"].as_str().unwrap(),
                e["weight"]
            )
        })
        .collect()
}

#[test]
fn a_whole_repository_too_big_to_draw_is_collapsed_to_the_finest_level_that_fits() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let graph = json(dir.path(), &["graph", "--format", "json"]);
    assert_eq!(graph["title"], "import graph, collapsed to 2 levels");
    // Third-party packages each; the standard library (`json`) is not drawn.
    assert_eq!(
        ids(&graph, "nodes"),
        ["app.api", "app.core", "app.db", "requests"]
    );
    assert_eq!(
        edges(&graph),
        [
            "app.api -> app.core 30",
            "app.api -> app.db 30",
            "app.core -> app.db 1",
            "app.core -> requests 1",
            "app.db -> app.api 1",
        ]
    );
    assert_eq!(
        graph["notes"],
        serde_json::json!(["2 levels: the finest that fits 60 nodes (--collapse N draws another)"])
    );
    assert_eq!(graph["edges"][0]["label"], "30");
    assert!(graph["edges"][2].get("label").is_none());
    // Asked for, the modules are drawn as they are, or refused with what would fit.
    let output = run(dir.path(), &["graph", "--collapse", "3"]);
    assert_eq!((output.code, output.stderr.as_str()), (0, ""));
    let output = run(
        dir.path(),
        &["graph", "--collapse", "3", "--max-nodes", "20"],
    );
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: the drawing would have 63 nodes, more than --max-nodes 20 can show readably: \
         --collapse 2 draws 4; a TARGET with --depth draws a neighbourhood; --max-nodes N \
         raises the limit\n"
    );
}

#[test]
fn thin_edges_are_hidden_on_request_with_a_note_of_how_many() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let graph = json(
        dir.path(),
        &[
            "graph",
            "--format",
            "json",
            "--min-weight",
            "2",
            "--external",
            "hidden",
        ],
    );
    assert_eq!(
        edges(&graph),
        ["app.api -> app.core 30", "app.api -> app.db 30"]
    );
    assert_eq!(
        graph["notes"][1],
        "2 edges carrying fewer than 2 import sites hidden (--min-weight)"
    );
    // Weighed by references, an import counts with every use of what it binds.
    write_file(
        dir.path(),
        "app/api/v1.py",
        "from app.core.models import Model\nfrom app.db.session import Session\n\nA = Model()\nB = Model()\n",
    );
    let graph = json(
        dir.path(),
        &[
            "graph",
            "--format",
            "json",
            "--weight",
            "references",
            "--external",
            "hidden",
        ],
    );
    assert_eq!(edges(&graph)[0], "app.api -> app.core 32");
    assert_eq!(
        graph["edges"][0]["tooltip"],
        "app.api → app.core: 32 references (30 import sites)"
    );
}

#[test]
fn outside_modules_are_drawn_by_package_as_one_node_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let by = |mode: &str| {
        ids(
            &json(
                dir.path(),
                &[
                    "graph",
                    "--format",
                    "json",
                    "--collapse",
                    "2",
                    "--external",
                    mode,
                ],
            ),
            "nodes",
        )
    };
    assert_eq!(
        by("packages"),
        ["app.api", "app.core", "app.db", "json", "requests"]
    );
    assert_eq!(
        by("third-party"),
        ["app.api", "app.core", "app.db", "requests"]
    );
    assert_eq!(
        by("grouped"),
        ["app.api", "app.core", "app.db", "third party"]
    );
    assert_eq!(by("hidden"), ["app.api", "app.core", "app.db"]);
}

#[test]
fn reduce_draws_each_cycle_as_one_node_and_drops_edges_longer_paths_imply() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let graph = json(dir.path(), &["graph", "--format", "json", "--reduce"]);
    assert_eq!(ids(&graph, "nodes"), ["cycle 1", "requests"]);
    assert_eq!(graph["nodes"][0]["cycle"], true);
    assert_eq!(
        graph["nodes"][0]["label"],
        "import cycle 1\n3 nodes\napp.api, app.core, app.db"
    );
    assert_eq!(
        graph["notes"][1],
        "cycle 1 (3 nodes): ssot-graph graph app.api app.core app.db --depth 0 --collapse 2 draws it"
    );
    // The drawing the note names: the cycle alone.
    let cycle = json(
        dir.path(),
        &[
            "graph",
            "app.api",
            "app.core",
            "app.db",
            "--depth",
            "0",
            "--collapse",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(ids(&cycle, "nodes"), ["app.api", "app.core", "app.db"]);

    let dag = tempfile::tempdir().unwrap();
    write_file(dag.path(), "a.py", "import b\nimport c\n");
    write_file(dag.path(), "b.py", "import c\n");
    write_file(dag.path(), "c.py", "");
    let reduced = json(dag.path(), &["graph", "--format", "json", "--reduce"]);
    assert_eq!(edges(&reduced), ["a -> b 1", "b -> c 1"]);
    assert_eq!(
        reduced["notes"][0],
        "1 edge that longer paths imply left out (--reduce)"
    );
}

#[test]
fn layers_rank_the_drawing_and_an_edge_going_up_is_red() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let args = [
        "graph",
        "--collapse",
        "2",
        "--external",
        "hidden",
        "--layers",
        "app.api,app.core,app.db",
    ];
    let graph = json(dir.path(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(
        edges(&graph),
        [
            "app.api -> app.core 30",
            "app.api -> app.db 30",
            "app.core -> app.db 1",
            "app.db -> app.api 1 up",
        ]
    );
    let dot = ok(dir.path(), &args);
    assert!(dot.contains("label=\"layer 3: app.db\""), "{dot}");
    assert!(
        dot.contains("\"app.db\" -> \"app.api\" [penwidth=\"1\" arrowsize=\"0.7\" color=\"#c62828\" fontcolor=\"#c62828\" constraint=\"false\" tooltip="),
        "{dot}"
    );
    // The layers of a `layers` rule, unless told otherwise.
    write_file(
        dir.path(),
        "queries/layers.toml",
        "[[rule]]\nid = \"tiers\"\nkind = \"layers\"\ncontainers = [\"app\"]\nlayers = [\"api\", \"core\", \"db\"]\n",
    );
    let graph = json(
        dir.path(),
        &[
            "graph",
            "--collapse",
            "2",
            "--external",
            "hidden",
            "--format",
            "json",
        ],
    );
    assert_eq!(graph["layers"], serde_json::json!(["api", "core", "db"]));
    assert_eq!(graph["notes"][0], "layers from rule `tiers`, highest first");
    assert_eq!(edges(&graph)[3], "app.db -> app.api 1 up");
    let plain = json(
        dir.path(),
        &[
            "graph",
            "--collapse",
            "2",
            "--no-layers",
            "--format",
            "json",
        ],
    );
    assert!(plain.get("layers").is_none());
}

#[test]
fn the_matrix_orders_importers_first_and_marks_cycles_and_upward_imports() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let svg = ok(
        dir.path(),
        &[
            "graph",
            "--format",
            "dsm",
            "--layers",
            "app.api,app.core,app.db",
        ],
    );
    insta::assert_snapshot!(svg);
}

#[test]
fn only_duplicates_that_matter_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    // `Model` twice, one of them imported: marked. `setup` in two plugins, imported
    // nowhere: no mark, until a `single-definition` rule names it.
    write_file(dir.path(), "shop/models.py", "class Model:\n    pass\n");
    write_file(dir.path(), "shop/legacy.py", "class Model:\n    pass\n");
    write_file(
        dir.path(),
        "shop/views.py",
        "from shop.models import Model\n",
    );
    write_file(dir.path(), "shop/plugins/a.py", "def setup():\n    pass\n");
    write_file(dir.path(), "shop/plugins/b.py", "def setup():\n    pass\n");
    let marked = |root: &Path| -> Vec<String> {
        let graph = json(root, &["graph", "--format", "json"]);
        graph["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["duplicate"] == true)
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(marked(dir.path()), ["shop.legacy", "shop.models"]);
    write_file(
        dir.path(),
        "queries/one.toml",
        "[[rule]]\nid = \"one-setup\"\nkind = \"single-definition\"\nnames = [\"setup\"]\n",
    );
    assert_eq!(
        marked(dir.path()),
        [
            "shop.legacy",
            "shop.models",
            "shop.plugins.a",
            "shop.plugins.b"
        ]
    );
}

#[test]
fn a_layer_naming_no_module_is_an_error_and_one_hidden_by_collapsing_is_noted() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let fails = |layers: &str| {
        let out = run(dir.path(), &["graph", "--layers", layers]);
        assert_eq!(out.code, 2);
        out.stderr
    };
    assert_eq!(
        fails("app.api,app.cor"),
        "error: --layers: `app.cor` is not a module of the repository; did you mean `app.core`?\n"
    );
    assert_eq!(
        fails("api,app.core"),
        "error: --layers: `api` is not a module of the repository; did you mean `app.api`?\n"
    );
    assert_eq!(
        fails(" , "),
        "error: --layers: no layer named (highest first: `app.api,app.core`)\n"
    );
    let graph = json(
        dir.path(),
        &[
            "graph",
            "--collapse",
            "2",
            "--layers",
            "app.api.v1,app.core",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        graph["notes"][1],
        "no node drawn in layer app.api.v1: drawn inside a collapsed package or not selected"
    );
}

#[test]
fn third_party_packages_too_many_to_draw_each_are_drawn_as_one_node() {
    let dir = tempfile::tempdir().unwrap();
    app(dir.path());
    let imports: String = (0..12).map(|i| format!("import vendor{i}\n")).collect();
    write_file(dir.path(), "app/db/drivers.py", &imports);
    let graph = json(
        dir.path(),
        &[
            "graph",
            "--collapse",
            "2",
            "--max-nodes",
            "10",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        ids(&graph, "nodes"),
        ["app.api", "app.core", "app.db", "third party"]
    );
    assert_eq!(
        graph["notes"][0],
        "third-party packages drawn as one node (too many to draw each)"
    );
    // Asked for by name, each package is drawn, or the drawing refused.
    let out = run(
        dir.path(),
        &[
            "graph",
            "--collapse",
            "2",
            "--max-nodes",
            "10",
            "--external",
            "third-party",
        ],
    );
    assert_eq!(
        out.stderr,
        "error: the drawing would have 16 nodes, more than --max-nodes 10 can show readably: \
         --collapse 2 --external grouped draws 4; a TARGET with --depth draws a neighbourhood; \
         --max-nodes N raises the limit\n"
    );
}
