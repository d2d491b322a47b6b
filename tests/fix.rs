//! `fix`: every import statement shape rewritten to the canonical path, the same objects
//! bound afterwards (checked with python3), idempotence, and the refusals.

mod common;

use std::fs;
use std::path::Path;

use common::{ok, run, seed_repo};

const RULES: &str = r#"
[[rule]]
id = "canonical-engine"
kind = "canonical"
symbol = "pkg.core.Engine"

[[rule]]
id = "canonical-other"
kind = "canonical"
symbol = "pkg.core.Other"
"#;

/// Every statement shape `fix` meets, each in a module of its own under `app/`.
const SHAPES: &[(&str, &str)] = &[
    ("app/plain.py", "from pkg import Engine\n"),
    (
        "app/alias.py",
        "from pkg import Engine as E  # keep this comment\n",
    ),
    (
        "app/parenthesized.py",
        "from pkg import (\n    Engine,  # the engine\n    Other,\n)\n",
    ),
    ("app/partial.py", "from pkg import Engine, VERSION\n"),
    (
        "app/partial_commented.py",
        "from pkg import Engine, VERSION  # noqa: F401\n",
    ),
    ("app/backslash.py", "from pkg \\\n    import Engine\n"),
    (
        "app/lazy.py",
        "def make():\n    from pkg import Engine\n\n    return Engine()\n",
    ),
    (
        "app/crlf.py",
        "import os\r\nfrom pkg import Engine\r\n\r\nX = os.sep\r\n",
    ),
    ("app/bom.py", "\u{feff}from pkg import Engine\n"),
    (
        "app/fallback.py",
        "try:\n    from pkg import Engine\nexcept ImportError:\n    Engine = None\n",
    ),
    (
        "app/shared_line.py",
        "if True: from pkg import Engine, VERSION\n",
    ),
    (
        "app/broken.py",
        "from pkg import Engine\n\n\ndef broken(:\n    pass\n",
    ),
    ("pkg/user.py", "from . import Engine\n"),
];

fn shapes_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write(
        "pkg/core.py",
        "class Engine:\n    pass\n\n\nclass Other:\n    pass\n",
    );
    write(
        "pkg/__init__.py",
        "from pkg.core import Engine, Other\n\nVERSION = \"1\"\n",
    );
    write("app/__init__.py", "");
    write("queries/rules.toml", RULES);
    for (rel, text) in SHAPES {
        write(rel, text);
    }
    dir
}

fn read_all(root: &Path) -> String {
    let mut all = String::new();
    for (rel, _) in SHAPES {
        let bytes = fs::read(root.join(rel)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        all.push_str(&format!(
            "=== {rel}\n{}",
            text.replace('\r', "␍").replace('\u{feff}', "<BOM>")
        ));
    }
    all
}

#[test]
fn fix_rewrites_every_statement_shape_and_refuses_what_it_cannot_prove() {
    let repo = shapes_repo();
    let root = repo.path();
    let output = ok(root, &["fix"]);
    insta::assert_snapshot!("fix_output", output);
    insta::assert_snapshot!("fixed_files", read_all(root));
    // Idempotent: nothing left that fix can do.
    let again = ok(root, &["fix"]);
    assert!(again.contains("Fixed 0 findings in 0 files"), "{again}");
}

#[test]
fn unsafe_fixes_split_a_statement_whose_names_go_to_different_modules() {
    let repo = shapes_repo();
    let root = repo.path();
    ok(root, &["fix", "--unsafe-fixes"]);
    assert_eq!(
        fs::read_to_string(root.join("app/partial.py")).unwrap(),
        "from pkg import VERSION\nfrom pkg.core import Engine\n"
    );
    // A statement after `if True:` on the same line is never split.
    assert_eq!(
        fs::read_to_string(root.join("app/shared_line.py")).unwrap(),
        "if True: from pkg import Engine, VERSION\n"
    );
}

#[test]
fn diff_and_check_write_nothing() {
    let repo = shapes_repo();
    let root = repo.path();
    let before = read_all(root);
    let plain = root.join("app/plain.py");
    let diff = ok(root, &["fix", "--diff", plain.to_str().unwrap()]);
    assert_eq!(
        diff,
        "--- a/app/plain.py\n+++ b/app/plain.py\n@@ -1 +1 @@\n-from pkg import Engine\n\
         +from pkg.core import Engine\nWould fix 1 finding in 1 file; 0 left for a person.\n"
    );
    let check = run(root, &["fix", "--check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("would fix 1 import in app/plain.py\n"),
        "{}",
        check.stdout
    );
    assert_eq!(read_all(root), before);
}

#[test]
fn after_fix_python_binds_the_same_objects() {
    let repo = shapes_repo();
    let root = repo.path();
    ok(root, &["fix", "--unsafe-fixes"]);
    let script = r#"
import importlib, sys
import pkg.core
for name in ["plain", "alias", "parenthesized", "partial", "backslash", "crlf", "bom", "fallback"]:
    module = importlib.import_module("app." + name)
    bound = getattr(module, "E", None) or module.Engine
    assert bound is pkg.core.Engine, name
assert importlib.import_module("app.lazy").make().__class__ is pkg.core.Engine
assert importlib.import_module("app.parenthesized").Other is pkg.core.Other
assert importlib.import_module("pkg.user").Engine is pkg.core.Engine
print("same objects")
"#;
    let output = std::process::Command::new("python3")
        .args(["-B", "-c", script])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "same objects\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn fix_on_the_seed_repository_leaves_no_fixable_finding_and_python_still_imports() {
    let dir = seed_repo();
    let root = dir.path();
    let fixed = ok(root, &["fix"]);
    assert!(fixed.contains("Fixed 1 finding in 1 file;"), "{fixed}");
    let check = run(root, &["check", "--format", "json"]);
    let answer: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let fixable = answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fixable"] == true)
        .count();
    assert_eq!(fixable, 0, "{answer:#}");
    let script = "import netra_backend.app.agents.chat_agent as c, \
                  netra_backend.app.agents.supervisor.execution_engine as e, \
                  netra_backend.app.routes.websocket as r, \
                  netra_backend.app.services.agent_websocket_bridge as b\n\
                  assert c.WebSocketNotifier is b.WebSocketNotifier\n\
                  assert type(r.connect('u')).__name__ == '_UnifiedWebSocketManagerImplementation'\n\
                  assert e.run('u') == 'u:agent_started'\nprint('ok')";
    let output = std::process::Command::new("python3")
        .args(["-B", "-W", "ignore", "-c", script])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "ok\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Rewrites that could change what runs: a private name, a different object, an
/// import-time cycle, a name bound only for type checkers or in a branch not taken.
const UNSAFE_RULES: &str = r#"
[[rule]]
id = "thing-from-pkg"
kind = "canonical"
symbol = "pkg.impl.Thing"
canonical = "pkg"

[[rule]]
id = "lazy-from-types"
kind = "canonical"
symbol = "types_only.impl.Lazy"
canonical = "types_only"

[[rule]]
id = "old-from-types"
kind = "canonical"
symbol = "types_only.impl.Old"
canonical = "types_only"

[[rule]]
id = "gone-from-types"
kind = "canonical"
symbol = "types_only.impl.Gone"
canonical = "types_only"

[[rule]]
id = "manager-from-api"
kind = "canonical"
symbol = "private.impl.Manager"
canonical = "private.api"

[[rule]]
id = "real-from-api"
kind = "canonical"
symbol = "hidden.impl.Real"
canonical = "hidden.api"

[[rule]]
id = "old-factory"
kind = "deprecated"
target = "factory.old_make"
replacement = "factory.new_make"
"#;

fn unsafe_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write("queries/rules.toml", UNSAFE_RULES);
    // `pkg/__init__` runs `helpers` before it binds Thing.
    write(
        "pkg/__init__.py",
        "from pkg.helpers import helper\nfrom pkg.impl import Thing\n",
    );
    write("pkg/impl.py", "class Thing:\n    pass\n");
    write(
        "pkg/helpers.py",
        "from pkg.impl import Thing\n\n\ndef helper():\n    return Thing\n",
    );
    write(
        "types_only/__init__.py",
        "import sys\nfrom typing import TYPE_CHECKING\n\nfrom types_only.impl import Gone\n\nif TYPE_CHECKING:\n    from types_only.impl import Lazy\nif sys.version_info < (3, 0):\n    from types_only.impl import Old\ndel Gone\n",
    );
    write(
        "types_only/impl.py",
        "class Lazy:\n    pass\n\n\nclass Old:\n    pass\n\n\nclass Gone:\n    pass\n",
    );
    write("private/__init__.py", "");
    write(
        "private/impl.py",
        "class _Impl:\n    pass\n\n\nManager = _Impl\n",
    );
    write(
        "private/api.py",
        "from private.impl import _Impl\n\nManager = _Impl\n",
    );
    write("hidden/__init__.py", "");
    write("hidden/impl.py", "class Real:\n    pass\n");
    write("hidden/api.py", "from hidden.impl import Real as _Real\n");
    write(
        "factory/__init__.py",
        "def old_make():\n    return 'old'\n\n\ndef new_make():\n    return 'new'\n",
    );
    write("app/__init__.py", "");
    write(
        "app/user.py",
        "from pkg.impl import Thing\nfrom types_only.impl import Lazy, Old\n\
         from private.impl import Manager\nfrom private.impl import _Impl as Engine\n\
         from hidden.impl import Real\nfrom factory import old_make\n\
         from types_only.impl import Gone\n",
    );
    dir
}

/// What each touched module binds, as python3 imports it.
const BINDINGS: &str = r#"
import importlib, json, sys
sys.path.insert(0, ".")
found = {}
for name in ["pkg", "pkg.helpers", "app.user"]:
    module = importlib.import_module(name)
    found[name] = {k: f"{getattr(v, '__module__', '')}.{getattr(v, '__qualname__', '')}"
                   for k, v in vars(module).items() if not k.startswith("__")
                   and hasattr(v, "__qualname__")}
print(json.dumps(found, sort_keys=True))
"#;

fn python_bindings(root: &Path) -> String {
    let output = std::process::Command::new("python3")
        .args(["-B", "-c", BINDINGS])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn fix_refuses_every_rewrite_that_could_change_what_runs() {
    let repo = unsafe_repo();
    let root = repo.path();
    let before = python_bindings(root);
    let output = ok(root, &["fix"]);
    insta::assert_snapshot!(output);
    assert_eq!(
        fs::read_to_string(root.join("app/user.py")).unwrap(),
        "from pkg import Thing\nfrom types_only.impl import Lazy, Old\n\
         from private.api import Manager\nfrom private.api import _Impl as Engine\n\
         from hidden.impl import Real\nfrom factory import old_make\n\
         from types_only.impl import Gone\n",
        "the same public name, never a private one the file did not use"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/helpers.py")).unwrap(),
        "from pkg.impl import Thing\n\n\ndef helper():\n    return Thing\n",
        "a module pkg runs while it initialises is not made to import from pkg"
    );
    assert_eq!(
        python_bindings(root),
        before,
        "every name binds the same object"
    );
    assert_eq!(
        run(root, &["fix", "--check"]).code,
        0,
        "one run reaches the fixed point"
    );
}

#[test]
fn a_declared_successor_of_a_deprecated_name_is_an_unsafe_fix() {
    let repo = unsafe_repo();
    let root = repo.path();
    ok(root, &["fix", "--unsafe-fixes"]);
    let user = fs::read_to_string(root.join("app/user.py")).unwrap();
    // Nothing reads `old_make`: the import takes the replacement's own name.
    assert!(
        user.ends_with("from factory import new_make\nfrom types_only.impl import Gone\n"),
        "{user}"
    );
}

#[test]
fn fix_edits_files_as_they_are_not_as_the_cache_remembers_them() {
    let repo = shapes_repo();
    let root = repo.path();
    common::age(root);
    run(root, &["check"]);
    // An edit that keeps the size and the modification time: the cache's stamp matches.
    let plain = root.join("app/plain.py");
    let stamp = fs::metadata(&plain).unwrap().modified().unwrap();
    fs::write(&plain, "from pkg import Other \n").unwrap();
    fs::File::options()
        .write(true)
        .open(&plain)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    ok(root, &["fix"]);
    assert_eq!(
        fs::read_to_string(&plain).unwrap(),
        "from pkg.core import Other \n",
        "the import that is there is fixed, not the one the cache remembers"
    );
}

#[cfg(unix)]
#[test]
fn fix_keeps_links_and_leaves_read_only_files() {
    use std::os::unix::fs::PermissionsExt;
    let repo = shapes_repo();
    let root = repo.path();
    // A module whose file is a link to a file kept in a hidden folder of the repository.
    fs::create_dir(root.join(".shared")).unwrap();
    fs::write(root.join(".shared/real.py"), "from pkg import Engine\n").unwrap();
    std::os::unix::fs::symlink("../.shared/real.py", root.join("app/linked.py")).unwrap();
    let alias = root.join("app/alias.py");
    fs::set_permissions(&alias, fs::Permissions::from_mode(0o444)).unwrap();
    let output = run(root, &["fix"]);
    assert_eq!(output.code, 1, "a file left unfixed fails the run");
    let output = output.stdout;
    assert!(
        output.contains("app/alias.py: not fixed: read-only: left alone\n"),
        "{output}"
    );
    assert_eq!(
        fs::read_to_string(&alias).unwrap(),
        "from pkg import Engine as E  # keep this comment\n"
    );
    let link = fs::symlink_metadata(root.join("app/linked.py")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    assert_eq!(
        fs::read_to_string(root.join(".shared/real.py")).unwrap(),
        "from pkg.core import Engine\n",
        "its target is fixed"
    );
}

#[test]
fn a_split_statement_carries_each_comment_to_the_line_it_applies_to() {
    let repo = shapes_repo();
    let root = repo.path();
    fs::write(
        root.join("app/noqa.py"),
        "from pkg import Engine, VERSION  # noqa: F401\n",
    )
    .unwrap();
    fs::write(
        root.join("app/typed.py"),
        "from pkg import (  # type: ignore[attr-defined]\n    Engine,  # the engine\n    VERSION,  # the version\n)\nX = 1\n",
    )
    .unwrap();
    ok(root, &["fix", "--unsafe-fixes"]);
    assert_eq!(
        fs::read_to_string(root.join("app/noqa.py")).unwrap(),
        "from pkg import VERSION  # noqa: F401\nfrom pkg.core import Engine  # noqa: F401\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("app/typed.py")).unwrap(),
        "from pkg import VERSION  # type: ignore[attr-defined]  # the version\n\
         from pkg.core import Engine  # type: ignore[attr-defined]  # the engine\nX = 1\n"
    );
}

#[test]
fn one_run_reaches_the_fixed_point_when_a_layer_loses_its_last_importer() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write("pkg/__init__.py", "");
    write("pkg/d.py", "class X:\n    pass\n");
    write("pkg/c.py", "from pkg.d import X\n");
    write("pkg/r.py", "from pkg.d import X\n");
    write("pkg/a.py", "from pkg.r import X\n");
    write(
        "queries/rules.toml",
        "[[rule]]\nid = \"x-from-c\"\nkind = \"canonical\"\nsymbol = \"pkg.d.X\"\ncanonical = \"pkg.c\"\n",
    );
    let output = ok(root, &["fix"]);
    assert!(
        output.ends_with("Fixed 2 findings in 2 files; 0 left for a person.\n"),
        "{output}"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/a.py")).unwrap(),
        "from pkg.c import X\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/r.py")).unwrap(),
        "from pkg.c import X\n"
    );
    assert_eq!(
        run(root, &["fix", "--check"]).code,
        0,
        "a second run changes nothing"
    );
}

#[test]
fn fix_renames_every_use_of_a_deprecated_name_or_keeps_an_alias_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write(
        "queries/rules.toml",
        "[[rule]]\nid = \"old-make\"\nkind = \"deprecated\"\ntarget = \"factory.old_make\"\n\
         replacement = \"factory.new_make\"\n",
    );
    write(
        "factory/__init__.py",
        "def new_make():\n    return 'new'\n\n\nold_make = new_make\n",
    );
    write("app/__init__.py", "");
    // Every occurrence is a use Python reads the import through: all renamed.
    write(
        "app/user.py",
        "from factory import old_make\n\n__all__ = [\"old_make\", \"run\"]\n\n\n\
         def run(make: \"old_make\" = old_make):\n    return old_make(), [old_make() for _ in (1,)]\n",
    );
    // A function's own import: its uses in that function are renamed.
    write(
        "app/lazy.py",
        "def go():\n    from factory import old_make\n\n    return old_make()\n",
    );
    // An attribute of the same name is not a use of the import: the alias stays.
    write(
        "app/other.py",
        "import types\n\nfrom factory import old_make\n\nspace = types.SimpleNamespace(old_make=1)\n\
         value = old_make() + str(space.old_make)\n",
    );
    // Another module reads the name from this one.
    write(
        "app/shared.py",
        "from factory import old_make\n\nvalue = old_make()\n",
    );
    write("app/reader.py", "from app.shared import old_make\n");
    let output = ok(root, &["fix"]);
    insta::assert_snapshot!(output);
    assert_eq!(
        fs::read_to_string(root.join("app/user.py")).unwrap(),
        "from factory import new_make\n\n__all__ = [\"new_make\", \"run\"]\n\n\n\
         def run(make: \"new_make\" = new_make):\n    return new_make(), [new_make() for _ in (1,)]\n",
    );
    assert_eq!(
        fs::read_to_string(root.join("app/lazy.py")).unwrap(),
        "def go():\n    from factory import new_make\n\n    return new_make()\n"
    );
    assert!(
        fs::read_to_string(root.join("app/other.py"))
            .unwrap()
            .starts_with("import types\n\nfrom factory import new_make as old_make\n")
    );
    let imports = std::process::Command::new("python3")
        .args([
            "-B",
            "-c",
            "import app.user, app.other, app.reader, app.lazy; \
             print(app.user.run(), app.other.value, app.lazy.go())",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&imports.stdout),
        "('new', ['new']) new1 new\n",
        "{}",
        String::from_utf8_lossy(&imports.stderr)
    );
}

#[test]
fn only_what_fix_will_rewrite_is_marked_fixable() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, bytes: &[u8]| {
        fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
        fs::write(root.join(rel), bytes).unwrap();
    };
    write("pkg/__init__.py", b"from pkg.core import Engine\n");
    write("pkg/core.py", b"class Engine:\n    pass\n");
    write(
        "queries/rules.toml",
        b"[[rule]]\nid = \"canonical-engine\"\nkind = \"canonical\"\nsymbol = \"pkg.core.Engine\"\n",
    );
    write(
        "app/latin.py",
        b"# -*- coding: latin-1 -*-\nfrom pkg import Engine\nname = '\xe9'\n",
    );
    write("app/vt.py", b"from pkg import Engine\n\x0bX = 1\n");
    write("app/plain.py", b"from pkg import Engine\n");
    let check = run(root, &["check", "--format", "concise"]);
    assert_eq!(
        check.stdout,
        "app/latin.py:2:1: canonical-engine import `Engine` from `pkg.core` (imported from `pkg`)\n\
         app/plain.py:1:1: canonical-engine [*] import `Engine` from `pkg.core` (imported from `pkg`)\n\
         app/vt.py:1:1: canonical-engine import `Engine` from `pkg.core` (imported from `pkg`)\n\
         Found 3 errors and 0 warnings.\n"
    );
    let fix = run(root, &["fix", "--check"]);
    assert_eq!(
        fix.stdout,
        "would fix 1 import in app/plain.py\n\
         app/latin.py:2:1: canonical-engine not fixed: not UTF-8: left alone\n\
         app/vt.py:1:1: canonical-engine not fixed: syntax error: Got unexpected token \u{b}: left alone\n\
         Would fix 1 finding in 1 file; 2 left for a person.\n"
    );
}

#[test]
fn a_fix_in_a_sorted_block_keeps_it_sorted_and_merges_into_the_existing_import() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write("pkg/__init__.py", "");
    write(
        "pkg/core.py",
        "class Engine:\n    pass\n\n\nclass Other:\n    pass\n",
    );
    write("pkg/legacy.py", "from pkg.core import Engine\n");
    write("queries/rules.toml", RULES);
    let sorted = "import os\n\nimport requests\n\nfrom pkg.core import Other\nfrom pkg.legacy import Engine\n\nX = (os, requests, Other, Engine)\n";
    write("app/user.py", sorted);
    // The same imports in an order of the author's own: rewritten where they stand.
    let unsorted =
        "from pkg.legacy import Engine\nfrom pkg.core import Other\n\nX = (Other, Engine)\n";
    write("app/own_order.py", unsorted);
    ok(root, &["fix"]);
    assert_eq!(
        fs::read_to_string(root.join("app/user.py")).unwrap(),
        "import os\n\nimport requests\n\nfrom pkg.core import Engine, Other\n\nX = (os, requests, Other, Engine)\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("app/own_order.py")).unwrap(),
        "from pkg.core import Engine\nfrom pkg.core import Other\n\nX = (Other, Engine)\n"
    );
}

#[test]
fn a_canonical_value_that_is_a_class_member_is_protected_and_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write("pkg/__init__.py", "from pkg.core import MISSING\n");
    write(
        "pkg/core.py",
        "import enum\n\n\nclass _Sentinel(enum.Enum):\n    token = 0\n\n\nMISSING = _Sentinel.token\n",
    );
    write("pkg/user.py", "from pkg import MISSING\n\nX = MISSING\n");
    write(
        "queries/rules.toml",
        "[[rule]]\nid = \"missing\"\nkind = \"canonical\"\nsymbol = \"pkg.core.MISSING\"\n",
    );
    let output = ok(root, &["fix"]);
    assert!(
        output.ends_with("Fixed 1 finding in 1 file; 0 left for a person.\n"),
        "{output}"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/user.py")).unwrap(),
        "from pkg.core import MISSING\n\nX = MISSING\n"
    );
}

#[test]
fn a_canonical_module_that_binds_the_name_only_where_no_import_runs_is_refused() {
    let refusal = "`pkg.api` binds `Engine` only under TYPE_CHECKING or in a branch not taken: \
                   the new import would fail at run time";
    let stub = "`pkg.api` exists only as a stub (.pyi): the new import would fail at run time";
    for (file, api, reason) in [
        (
            "pkg/api.py",
            "if __name__ == \"__main__\":\n    from pkg.core import Engine\n",
            refusal,
        ),
        (
            "pkg/api.py",
            "if \"__main__\" == __name__:\n    from pkg.core import Engine\n",
            refusal,
        ),
        (
            "pkg/api.py",
            "if False:\n    from pkg.core import Engine\n",
            refusal,
        ),
        (
            "pkg/api.py",
            "if 0:\n    from pkg.core import Engine\n",
            refusal,
        ),
        (
            "pkg/api.py",
            "while False:\n    from pkg.core import Engine\n",
            refusal,
        ),
        (
            "pkg/api.pyi",
            "from pkg.core import Engine as Engine\n",
            stub,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| common::write_file(root, rel, text);
        write("pkg/__init__.py", "");
        write("pkg/core.py", "class Engine:\n    pass\n");
        write(file, api);
        write("pkg/user.py", "from pkg.core import Engine\n");
        write(
            "queries/rules.toml",
            "[[rule]]\nid = \"engine\"\nkind = \"canonical\"\nsymbol = \"pkg.core.Engine\"\n\
             canonical = \"pkg.api\"\n",
        );
        let output = ok(root, &["fix"]);
        assert_eq!(
            output,
            format!(
                "pkg/user.py:1:1: engine not fixed: {reason}\n\
                 Fixed 0 findings in 0 files; 1 left for a person.\n"
            ),
            "{api}"
        );
        assert_eq!(
            fs::read_to_string(root.join("pkg/user.py")).unwrap(),
            "from pkg.core import Engine\n"
        );
    }
}

#[test]
fn a_function_level_import_that_runs_while_the_package_loads_is_not_moved_into_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| common::write_file(root, rel, text);
    write(
        "pkg/__init__.py",
        "from pkg.sub import Handler\nfrom pkg.core import Engine\n",
    );
    write("pkg/core.py", "class Engine:\n    pass\n");
    write(
        "pkg/sub.py",
        "def register(cls):\n    from pkg.core import Engine\n\n    cls.engine = Engine\n    \
         return cls\n\n\n@register\nclass Handler:\n    pass\n\n\n\
         def later():\n    from pkg.core import Engine\n\n    return Engine\n",
    );
    write(
        "queries/rules.toml",
        "[[rule]]\nid = \"engine\"\nkind = \"canonical\"\nsymbol = \"pkg.core.Engine\"\n\
         canonical = \"pkg\"\n",
    );
    let output = ok(root, &["fix"]);
    // The decorator runs while `pkg` loads: `from pkg import Engine` there would fail.
    assert_eq!(
        output,
        "fixed 1 import in pkg/sub.py\n\
         pkg/sub.py:2:5: engine not fixed: this module runs while `pkg` is first imported: \
         importing from it here would be an import-time cycle\n\
         Fixed 1 finding in 1 file; 1 left for a person.\n"
    );
    assert_eq!(
        common::python(
            root,
            "import pkg; print(pkg.Handler.engine is pkg.sub.later())"
        ),
        "True\n"
    );
}
