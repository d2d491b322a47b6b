//! `importers`, `imports`, `path`, `cycles` and `duplicates` on the bundled fixtures.

mod common;

use common::{fixture, json, ok, run};

const FACTORY: &str = "netra_backend.app.websocket_core.websocket_manager_factory";
const COMPAT: &str = "netra_backend.app.websocket_core.manager";
const NOTIFIER: &str = "netra_backend.app.services.agent_websocket_bridge.WebSocketNotifier";
const MANAGER: &str = "netra_backend.app.websocket_core.unified_manager.UnifiedWebSocketManager";

/// `path:line:col` of every site in an `importers --format json` answer.
fn site_positions(answer: &serde_json::Value) -> Vec<String> {
    answer["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}:{}:{}", s["path"].as_str().unwrap(), s["line"], s["col"]))
        .collect()
}

#[test]
fn importers_of_the_deprecated_factory_module_include_relative_and_lazy_imports() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["importers", FACTORY]));
}

#[test]
fn importers_of_the_compatibility_layer_show_the_chain_each_site_follows() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["importers", COMPAT]));
}

#[test]
fn importers_of_the_canonical_notifier_include_sites_through_the_package_reexport() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["importers", NOTIFIER]));
}

#[test]
fn importers_of_a_class_grouped_by_module_path_count_every_path() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &["importers", MANAGER, "--group-by", "module", "--transitive"]
    ));
}

#[test]
fn importers_grouped_by_file() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &["importers", MANAGER, "--group-by", "path"]
    ));
}

#[test]
fn importers_json_lists_sites_groups_and_transitive_chains() {
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&json(
            &fixture("seed"),
            &["importers", COMPAT, "--transitive"]
        ))
        .unwrap()
    );
}

#[test]
fn importers_reach_the_same_definition_whatever_target_spelling_is_used() {
    let root = fixture("seed");
    let canonical = site_positions(&json(&root, &["importers", MANAGER]));
    let through_compat = site_positions(&json(
        &root,
        &[
            "importers",
            "netra_backend.app.websocket_core.manager.WebSocketManager",
        ],
    ));
    let by_path = site_positions(&json(
        &root,
        &[
            "importers",
            "netra_backend/app/websocket_core/unified_manager.py:UnifiedWebSocketManager",
        ],
    ));
    assert_eq!(canonical.len(), 10);
    assert_eq!(canonical, through_compat);
    assert_eq!(canonical, by_path);
}

#[test]
fn importers_can_leave_out_tests_and_type_checking_imports() {
    let root = fixture("seed");
    let all = site_positions(&json(&root, &["importers", MANAGER]));
    let no_tests = site_positions(&json(
        &root,
        &["importers", MANAGER, "--include-tests=false"],
    ));
    let no_typing = site_positions(&json(
        &root,
        &["importers", MANAGER, "--include-type-checking", "false"],
    ));
    let removed = |subset: &[String]| -> Vec<String> {
        all.iter()
            .filter(|s| !subset.contains(s))
            .cloned()
            .collect()
    };
    assert_eq!(removed(&no_tests), ["tests/test_websocket.py:1:1"]);
    assert_eq!(
        removed(&no_typing),
        ["netra_backend/app/agents/tool_dispatcher.py:10:5"]
    );
}

#[test]
fn importers_of_a_missing_target_is_a_one_line_error() {
    let output = run(
        &fixture("seed"),
        &["importers", "netra_backend.app.nothing.Here"],
    );
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: netra_backend.app.nothing.Here: `netra_backend.app` does not bind `nothing`\n"
    );
    let output = run(&fixture("seed"), &["importers", "elsewhere.Thing"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: elsewhere.Thing: no module `elsewhere` in the repository\n"
    );
}

#[test]
fn imports_lists_each_name_resolved_to_its_definition() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &["imports", "netra_backend/app/agents/tool_dispatcher.py"]
    ));
}

#[test]
fn imports_transitive_adds_modules_reached_through_others() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &[
            "imports",
            "netra_backend.app.agents.chat_agent",
            "--transitive"
        ]
    ));
}

#[test]
fn imports_of_a_symbol_is_refused_with_what_it_is() {
    let output = run(&fixture("seed"), &["imports", MANAGER]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        format!(
            "error: {MANAGER}: not a module of the repository (it is class \
             netra_backend.app.websocket_core.unified_manager._UnifiedWebSocketManagerImplementation \
             (netra_backend/app/websocket_core/unified_manager.py:5))\n"
        )
    );
}

#[test]
fn path_shows_every_hop_with_its_import_site() {
    insta::assert_snapshot!(ok(
        &fixture("seed"),
        &[
            "path",
            "netra_backend.app.agents.chat_agent",
            "netra_backend.app.websocket_core.unified_manager"
        ]
    ));
}

#[test]
fn path_all_lists_every_shortest_chain() {
    insta::assert_snapshot!(ok(
        &fixture("cycles"),
        &["path", "orders.a", "orders.c", "--all"]
    ));
}

#[test]
fn path_through_a_parent_package_needs_include_parents() {
    let root = fixture("cycles");
    let without = run(&root, &["path", "app.views", "lib"]);
    assert_eq!(
        (without.code, without.stdout.as_str()),
        (1, "no import chain from app.views to lib\n")
    );
    insta::assert_snapshot!(ok(
        &root,
        &["path", "app.views", "lib", "--include-parents"]
    ));
}

#[test]
fn path_json_has_modules_and_links() {
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&json(
            &fixture("cycles"),
            &["path", "orders.a", "orders.c", "--all"]
        ))
        .unwrap()
    );
}

#[test]
fn cycles_are_sorted_and_deferred_ones_are_labelled() {
    insta::assert_snapshot!(ok(&fixture("cycles"), &["cycles"]));
}

#[test]
fn cycles_with_parent_packages_show_the_runtime_cycle() {
    insta::assert_snapshot!(ok(
        &fixture("cycles"),
        &[
            "cycles",
            "--include-parents",
            "--include-type-checking=false"
        ]
    ));
}

#[test]
fn cycles_json() {
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&json(&fixture("cycles"), &["cycles"])).unwrap()
    );
}

#[test]
fn the_seed_repository_has_no_cycles() {
    assert_eq!(ok(&fixture("seed"), &["cycles"]), "no import cycles\n");
}

#[test]
fn duplicates_report_the_class_defined_twice_and_nothing_else() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["duplicates"]));
}

#[test]
fn duplicates_json_counts_import_sites_per_definition() {
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&json(&fixture("seed"), &["duplicates"])).unwrap()
    );
}

#[test]
fn duplicates_filter_by_kind_name_and_tests() {
    let root = fixture("seed");
    let none = "no name has more than one definition\n";
    assert_eq!(ok(&root, &["duplicates", "--kind", "function"]), none);
    assert_eq!(ok(&root, &["duplicates", "--name", "*Manager"]), none);
    let glob = ok(&root, &["duplicates", "--name", "WebSocket*"]);
    assert!(
        glob.starts_with(
            "WebSocketNotifier  (class, 2 definitions, 12 references, 5 import sites)\n"
        ),
        "{glob}"
    );
    let output = run(&root, &["duplicates", "--name", "[bad"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.starts_with("error: --name \"[bad\": "),
        "{}",
        output.stderr
    );
}

#[test]
fn aliases_and_reexports_of_one_class_are_not_duplicates() {
    // `WebSocketManager = UnifiedWebSocketManager` and the star re-export bind one class.
    let answer = json(&fixture("seed"), &["duplicates", "--kind", "any"]);
    let names: Vec<&str> = answer["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["WebSocketNotifier"]);
}

#[test]
fn duplicates_can_leave_out_test_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::create_dir_all(root.join("tests")).unwrap();
    std::fs::write(root.join("pkg/__init__.py"), "").unwrap();
    std::fs::write(root.join("pkg/core.py"), "class Engine:\n    pass\n").unwrap();
    std::fs::write(root.join("tests/__init__.py"), "").unwrap();
    std::fs::write(
        root.join("tests/test_core.py"),
        "class Engine:\n    pass\n\n\ndef test_engine():\n    pass\n",
    )
    .unwrap();
    let with_tests = ok(root, &["duplicates"]);
    assert!(
        with_tests.starts_with("Engine  (class, 2 definitions, 0 references, 0 import sites)\n"),
        "{with_tests}"
    );
    assert_eq!(
        ok(root, &["duplicates", "--include-tests=false"]),
        "no name has more than one definition\n"
    );
}

#[test]
fn stats_counts_the_import_cycles_that_cycles_lists() {
    let root = fixture("cycles");
    let cycles = ok(&root, &["cycles"]);
    let summary = cycles.lines().last().unwrap();
    assert_eq!(
        summary,
        "3 import cycles among 9 modules: 1 at import time, 2 deferred"
    );
    let stats = ok(&root, &["stats"]);
    assert!(
        stats
            .lines()
            .any(|l| l == format!("cycles        {summary}")),
        "{stats}"
    );
    let json = common::json(&root, &["stats"]);
    assert_eq!(
        json["import_cycles"],
        serde_json::json!({"cycles": 3, "modules": 9, "import_time": 1, "deferred": 2})
    );
}

#[test]
fn duplicates_rank_by_references_and_set_plugin_conventions_apart() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write("app/__init__.py", "");
    // Six plugins define the hook a loader calls; nothing imports them by name.
    for plugin in ["hue", "zha", "mqtt", "knx", "deconz", "tado"] {
        write(&format!("app/plugins/{plugin}/__init__.py"), "");
        write(
            &format!("app/plugins/{plugin}/sensor.py"),
            "def setup_entry(hass):\n    return True\n\ndef _helper():\n    pass\n",
        );
    }
    write(
        "app/a.py",
        "class Config:\n    pass\n\nclass Event:\n    pass\n",
    );
    write(
        "app/b.py",
        "class Config:\n    pass\n\nclass Event:\n    pass\n",
    );
    write(
        "app/use.py",
        "from app.a import Config\nfrom app.b import Event\nfrom app.a import Event as E\n\
         from app.b import Event as F\n",
    );
    // Config has fewer import sites than Event, but more references: it ranks first.
    write(
        "app/uses.py",
        "from app.a import Config\n\nA = Config()\nB = Config()\nC = Config()\nD = Config()\n",
    );
    insta::assert_snapshot!(ok(root, &["duplicates"]));
    let private = ok(root, &["duplicates", "--include-private"]);
    assert!(
        private.contains("\n  _helper  function in 6 modules, 0 import sites: "),
        "{private}"
    );
    let busy = ok(root, &["duplicates", "--min-importers", "3"]);
    assert!(busy.starts_with("Event  "), "{busy}");
    assert!(!busy.contains("Config"), "{busy}");
    let json = common::json(root, &["duplicates"]);
    assert_eq!(
        json["conventions"],
        serde_json::json!([{
            "name": "setup_entry",
            "kinds": ["function"],
            "definitions": 6,
            "import_sites": 0,
            "patterns": [{"pattern": "app/plugins/*/sensor.py", "definitions": 6}],
        }])
    );
}
