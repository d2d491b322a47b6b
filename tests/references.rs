//! `refs`: every reference to a definition or module, by Python's scoping. The fixture
//! `references/src/lib/scoping.py` says at each line what Python reads there.

mod common;

use common::{fixture, json, ok, run, write_file};

#[test]
fn refs_follow_every_scoping_rule_to_the_uses_python_makes() {
    insta::assert_snapshot!(ok(&fixture("references"), &["refs", "lib.core.Engine"]));
}

#[test]
fn a_name_imported_under_type_checking_is_referenced_in_string_annotations() {
    insta::assert_snapshot!(ok(&fixture("references"), &["refs", "lib.core.make"]));
}

#[test]
fn a_module_lists_what_breaks_when_it_is_deleted() {
    let root = fixture("seed");
    insta::assert_snapshot!(ok(
        &root,
        &[
            "refs",
            "netra_backend.app.websocket_core.websocket_manager_factory",
            "--if-deleted"
        ]
    ));
}

/// A module's own references are what names it: not the uses of the names imported
/// from it (those are references to their definitions).
#[test]
fn a_module_lists_what_names_it() {
    let root = fixture("seed");
    insta::assert_snapshot!(ok(
        &root,
        &[
            "refs",
            "netra_backend.app.websocket_core.websocket_manager_factory"
        ]
    ));
}

#[test]
fn refs_json_has_the_definition_each_reference_and_counts() {
    let value = json(
        &fixture("seed"),
        &[
            "refs",
            "netra_backend.app.websocket_core.websocket_manager_factory.create_websocket_manager",
        ],
    );
    insta::assert_snapshot!(serde_json::to_string_pretty(&value).unwrap());
}

#[test]
fn kinds_and_groups_select_and_arrange_references() {
    let root = fixture("references");
    let attributes = ok(
        &root,
        &["refs", "lib.core.Engine", "--kind", "attribute,import"],
    );
    assert!(
        attributes
            .lines()
            .take_while(|l| !l.is_empty())
            .all(|l| l.contains(": attribute ") || l.contains(": import ")),
        "{attributes}"
    );
    insta::assert_snapshot!(ok(
        &root,
        &[
            "refs",
            "lib.core.Engine",
            "--group-by",
            "kind",
            "--kind",
            "reexport,attribute"
        ]
    ));
    let typo = run(&root, &["refs", "lib.core.Engin"]);
    assert_eq!(
        (typo.code, typo.stderr.as_str()),
        (
            2,
            "error: lib.core.Engin: `lib.core` does not bind `Engin`; did you mean `Engine`?\n"
        )
    );
}

#[test]
fn a_package_counts_its_submodules_and_leaves_out_what_dies_with_it() {
    insta::assert_snapshot!(ok(&fixture("seed"), &["refs", "netra_backend"]));
}

#[test]
fn a_patch_target_that_names_nothing_is_a_stale_string_target() {
    let output = run(&fixture("references"), &["check"]);
    assert_eq!(
        output.code, 0,
        "warnings do not fail a check: {}",
        output.stdout
    );
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn entry_points_patch_object_and_all_entries_are_string_references() {
    insta::assert_snapshot!(ok(
        &fixture("references"),
        &["refs", "lib.core.Engine", "--kind", "string"]
    ));
}

#[test]
fn a_module_is_named_by_import_module_strings_relative_ones_included_not_by_unknown_literals() {
    let strings = ok(
        &fixture("references"),
        &["refs", "lib.core", "--kind", "string"],
    );
    assert!(
        strings.contains(
            "src/lib/scoping.py:142:30: string    importlib.import_module(\".core\", __package__)"
        ),
        "{strings}"
    );
    assert!(strings.contains("src/lib/scoping.py:120:13: "), "{strings}");
    assert!(
        !strings.contains("src/lib/scoping.py:120:32: "),
        "\"lib.core.Missing\" names nothing: {strings}"
    );
}

#[test]
fn a_folder_target_is_the_package_it_holds() {
    let root = fixture("references");
    assert_eq!(
        ok(&root, &["refs", "src/lib/"]),
        ok(&root, &["refs", "lib"])
    );
    let output = common::run(&root, &["refs", "src/"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: src: a folder that holds no package of the repository; pass a module name, \
         a file, or `file.py:Name`\n"
    );
}

/// Paths in strings that are references: `module:attr` anywhere, an entry point in
/// `setup.py`, a dotted string passed to any call, strings inside annotations and
/// dotted annotation strings; `mock.patch.object(obj, "name")` names `obj.name`, not
/// `obj`; two names of one statement are two references.
#[test]
fn strings_that_name_a_definition_are_its_references() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pyproject.toml", "[project]\nname = \"rf\"\n");
    write_file(root, "pkg/__init__.py", "");
    write_file(
        root,
        "pkg/a.py",
        "class X:\n    def send(self):\n        pass\n\n\nY = X\n",
    );
    write_file(
        root,
        "pkg/b.py",
        "from pkg.a import Y, X\n\
         \n\
         POOLS = {\"p\": \"pkg.a:X\"}\n\
         ANN: \"pkg.a.X\"\n\
         \n\
         \n\
         def f(w: Optional[\"X\"], v: \"list[pkg.a.X]\") -> \"Callable[['X'], None]\":\n    \
             return load(\"pkg.a\"), Literal[\"X\"]\n",
    );
    write_file(
        root,
        "tests/test_b.py",
        "from unittest import mock\n\nfrom pkg import a as um\n\nwith mock.patch.object(um.X, \"send\"):\n    pass\n",
    );
    write_file(
        root,
        "setup.py",
        "from setuptools import setup\n\nsetup(entry_points={\"console_scripts\": [\"rf = pkg.a:X\"]})\n",
    );
    let mut all = ok(root, &["--no-cache", "refs", "pkg.a.X"]);
    all.push_str("---\n");
    all.push_str(&ok(root, &["--no-cache", "refs", "pkg.a"]));
    insta::assert_snapshot!(all);
}
