//! `move`: the definitions arrive byte for byte, old paths keep working, importers follow,
//! every module binds what it did (checked with python3), and refusals say why.

mod common;

use std::fs;
use std::path::Path;

use common::{age, ok, run, seed_repo, write_file};

const WSC: &str = "netra_backend.app.websocket_core";
const IMPLEMENTATION: &str = "_UnifiedWebSocketManagerImplementation";

/// Every module of the tree, by name.
fn modules(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() && !name.starts_with('.') && name != "__pycache__" {
                stack.push(path);
            } else if name.ends_with(".py") {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                let module = rel
                    .trim_end_matches(".py")
                    .trim_end_matches("/__init__")
                    .replace('/', ".");
                found.push(module);
            }
        }
    }
    found.sort();
    found
}

fn bindings_script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/bindings.py")
        .display()
        .to_string()
}

/// Imports every module of `root` under python3 into `out` (see scripts/bindings.py).
fn dump(root: &Path, names: &[String], out: &Path) {
    let output = std::process::Command::new("python3")
        .arg("-B")
        .arg(bindings_script())
        .arg("dump")
        .arg(root)
        .arg(out)
        .args(names)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The differences between what the modules bound before and after (empty: the same).
fn differences(before: &Path, after: &Path) -> String {
    let output = std::process::Command::new("python3")
        .arg(bindings_script())
        .arg("compare")
        .arg(before)
        .arg(after)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn errors(dump: &Path) -> Vec<String> {
    let value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dump).unwrap()).unwrap();
    value
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.get("error").is_some())
        .map(|(k, v)| format!("{k}: {}", v["error"]))
        .collect()
}

fn snapshot_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = modules(root)
        .into_iter()
        .flat_map(|m| {
            let base = root.join(m.replace('.', "/"));
            [base.with_extension("py"), base.join("__init__.py")]
        })
        .filter(|p| p.is_file())
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            (rel, fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn promoting_the_implementation_shortens_the_chain_and_binds_the_same_objects() {
    let repo = seed_repo();
    let root = repo.path();
    let names = modules(root);
    let scratch = tempfile::tempdir().unwrap();
    let (before, after) = (
        scratch.path().join("before.json"),
        scratch.path().join("after.json"),
    );
    dump(root, &names, &before);
    let compat = format!("{WSC}.manager.WebSocketManager");
    let why_before = ok(root, &["why", &compat]);
    // The implementation class and the alias that gives it its public name, as the
    // plan's "promote implementation" step does.
    let output = ok(
        root,
        &[
            "move",
            &format!("{WSC}.unified_manager.{IMPLEMENTATION}"),
            &format!("{WSC}.unified_manager.UnifiedWebSocketManager"),
            "--to",
            &format!("{WSC}.websocket_manager"),
        ],
    );
    insta::assert_snapshot!(output);
    insta::assert_snapshot!(
        fs::read_to_string(root.join("netra_backend/app/websocket_core/websocket_manager.py"))
            .unwrap()
    );
    insta::assert_snapshot!(
        fs::read_to_string(root.join("netra_backend/app/websocket_core/unified_manager.py"))
            .unwrap()
    );
    let why_after = ok(root, &["why", &compat]);
    assert!(why_before.contains("chain (4 hops)"), "{why_before}");
    assert!(why_after.contains("chain (3 hops)"), "{why_after}");
    dump(root, &names, &after);
    assert_eq!(errors(&after), Vec::<String>::new(), "every module imports");
    // Only the imports the moved class alone read are gone from the old module.
    assert_eq!(
        differences(&before, &after),
        "netra_backend.app.websocket_core.unified_manager.Dict: unbound after\n\
         netra_backend.app.websocket_core.unified_manager.List: unbound after\n"
    );
}

#[test]
fn moving_back_restores_every_byte_but_the_imports_and_blank_lines_it_added() {
    let repo = seed_repo();
    let root = repo.path();
    let original = snapshot_files(root);
    let alias = "UnifiedWebSocketManager";
    ok(
        root,
        &[
            "move",
            &format!("{WSC}.unified_manager.{IMPLEMENTATION}"),
            &format!("{WSC}.unified_manager.{alias}"),
            "--to",
            &format!("{WSC}.websocket_manager"),
        ],
    );
    age(root);
    ok(
        root,
        &[
            "move",
            &format!("{WSC}.websocket_manager.{IMPLEMENTATION}"),
            &format!("{WSC}.websocket_manager.{alias}"),
            "--to",
            &format!("{WSC}.unified_manager"),
        ],
    );
    let now = snapshot_files(root);
    let changed: Vec<(&str, String)> = original
        .iter()
        .zip(&now)
        .filter(|(a, b)| a != b)
        .map(|((path, _), (_, bytes))| (path.as_str(), String::from_utf8_lossy(bytes).into_owned()))
        .collect();
    // The carried `typing` import left with the code that read it; the middle module
    // keeps its shim (the alias `__all__` lists, and an explicit re-export of the
    // implementation), sorted as ruff sorts it: nothing else differs.
    assert_eq!(
        changed,
        vec![(
            "netra_backend/app/websocket_core/websocket_manager.py",
            "\"\"\"Middle layer: aliases the implementation and provides the factory function.\"\"\"\n\n\n\
             from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager\n\
             from netra_backend.app.websocket_core.unified_manager import (\n    \
             _UnifiedWebSocketManagerImplementation as _UnifiedWebSocketManagerImplementation,\n)\n\n\
             WebSocketManager = UnifiedWebSocketManager\n\n\n\
             def get_websocket_manager(user_id: str) -> WebSocketManager:\n    return WebSocketManager(user_id)\n\n\n\
             __all__ = [\"WebSocketManager\", \"UnifiedWebSocketManager\", \"get_websocket_manager\"]\n"
                .to_string()
        )]
    );
}

/// A package whose implementation class is bound to its public name by an alias.
fn layered_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "from pkg.impl import Engine\n");
    write_file(
        root,
        "pkg/impl.py",
        "\"\"\"The implementation.\"\"\"\nimport json\nfrom .settings import DEFAULTS as _DEFAULTS\n\n\
         VERSION = 3\n\n\n\
         def dataclass_like(cls):\n    return cls\n\n\n\
         # The one engine.\n# It has a long history.\n@dataclass_like\nclass _EngineImplementation:\n    \
         def dump(self):\n        return json.dumps(_DEFAULTS)\n\n\n\
         Engine = _EngineImplementation\n\n\n\
         def uses_version():\n    return VERSION\n\n\n\
         def counter():\n    global VERSION\n    VERSION += 1\n",
    );
    write_file(root, "pkg/settings.py", "DEFAULTS = {'a': 1}\n");
    write_file(
        root,
        "pkg/clash.py",
        "def dataclass_like(cls):\n    return None\n",
    );
    write_file(
        root,
        "pkg/cond.py",
        "import sys\nfrom pkg.limits import LIMIT\n\nif sys.platform == 'win32':\n    def f():\n        return 1\nelse:\n    def f():\n        return 2\n\n\ndef g():\n    return LIMIT\n\n\nUSES_G = g()\n",
    );
    write_file(root, "pkg/limits.py", "LIMIT = 3\n");
    // `g` needs the `LIMIT` import, which comes after the module's own call of `g`.
    write_file(
        root,
        "pkg/early.py",
        "from pkg.cond import g, USES_G\n\nEARLY = g()\n\nfrom pkg.limits import LIMIT\n\n\nclass Late:\n    pass\n",
    );
    write_file(root, "app/__init__.py", "");
    write_file(
        root,
        "app/main.py",
        "import pkg.impl\nfrom pkg.impl import Engine, VERSION\nfrom pkg import impl as implementation\n\n\n\
         def run():\n    return Engine().dump(), implementation.Engine, pkg.impl.Engine, VERSION\n",
    );
    // A string naming the old path: not rewritten (what did it mean to patch?).
    write_file(
        root,
        "app/test_main.py",
        "from unittest import mock\n\n\n@mock.patch(\"pkg.impl.Engine\")\ndef test_run(engine):\n    \
         pass\n",
    );
    age(root);
    dir
}

#[test]
fn an_implementation_and_its_alias_move_together_into_a_new_module() {
    let repo = layered_repo();
    let root = repo.path();
    // The class needs `dataclass_like` of `pkg.impl` when it is defined: imported from
    // there, it would close a cycle through the shim; it moves along.
    let refused = run(
        root,
        &[
            "move",
            "pkg.impl._EngineImplementation",
            "pkg.impl.Engine",
            "--to",
            "pkg.core.engine",
        ],
    );
    assert_eq!(refused.code, 2);
    insta::assert_snapshot!("helper_refused", refused.stderr);
    let names = modules(root);
    let scratch = tempfile::tempdir().unwrap();
    let (before, after) = (
        scratch.path().join("before.json"),
        scratch.path().join("after.json"),
    );
    write_file(root, "pkg/core/__init__.py", "");
    dump(root, &names, &before);
    fs::remove_dir_all(root.join("pkg/core")).unwrap();
    let output = ok(
        root,
        &[
            "move",
            "pkg.impl._EngineImplementation",
            "pkg.impl.Engine",
            "--with",
            "dataclass_like",
            "--to",
            "pkg.core.engine",
        ],
    );
    insta::assert_snapshot!(output);
    insta::assert_snapshot!(fs::read_to_string(root.join("pkg/core/engine.py")).unwrap());
    insta::assert_snapshot!(fs::read_to_string(root.join("pkg/impl.py")).unwrap());
    insta::assert_snapshot!(fs::read_to_string(root.join("app/main.py")).unwrap());
    assert_eq!(
        fs::read_to_string(root.join("pkg/core/__init__.py")).unwrap(),
        ""
    );
    dump(root, &modules(root), &after);
    assert_eq!(errors(&after), Vec::<String>::new());
    // Only the imports the moved code alone read are gone from the old module.
    assert_eq!(
        differences(&before, &after),
        "pkg.impl._DEFAULTS: unbound after\npkg.impl.json: unbound after\n"
    );
}

#[test]
fn move_refuses_what_it_cannot_do_exactly_with_one_line_saying_why() {
    let repo = layered_repo();
    let root = repo.path();
    let cases: &[(&[&str], &str)] = &[
        (&["pkg.impl.VERSION", "--to", "pkg.other"], "global"),
        (&["pkg.impl.json", "--to", "pkg.other"], "import"),
        (
            &["pkg.impl._EngineImplementation.dump", "--to", "pkg.other"],
            "nested",
        ),
        (&["pkg.impl.Engin", "--to", "pkg.other"], "typo"),
        (
            &["pkg.impl.uses_version", "--to", "json.decoder"],
            "external",
        ),
        (&["pkg.impl.uses_version", "--to", "pkg.impl"], "same"),
        (&["pkg.impl.uses_version", "--to", "pkg.settings"], "helper"),
        (&["pkg/impl.py", "--to", "pkg.settings"], "file"),
        (&["pkg/", "--to", "pkg.settings"], "folder"),
        (
            &["pkg.impl.Engine", "--to", "pkg.new", "--shim", "none"],
            "none",
        ),
        (&["pkg.impl.dataclass_like", "--to", "pkg.clash"], "clash"),
        (&["pkg.cond.f", "--to", "pkg.other"], "conditional"),
        (
            &["pkg.cond.g", "--to", "pkg.other", "--shim", "deprecate"],
            "read-by-old",
        ),
        (&["pkg.cond.g", "--to", "pkg.early"], "read-above"),
    ];
    let mut lines = Vec::new();
    for (args, label) in cases {
        let mut all = vec!["move"];
        all.extend_from_slice(args);
        let output = run(root, &all);
        assert_eq!(output.code, 2, "{label}: {}", output.stdout);
        assert_eq!(
            output.stderr.lines().count(),
            1,
            "{label}: {}",
            output.stderr
        );
        lines.push(format!("{label}: {}", output.stderr.trim_end()));
    }
    insta::assert_snapshot!(lines.join("\n"));
    let untouched = layered_repo();
    assert_eq!(
        snapshot_files(root),
        snapshot_files(untouched.path()),
        "nothing written"
    );
}

#[test]
fn the_deprecate_shim_warns_on_the_old_path_and_check_flags_it() {
    let repo = layered_repo();
    let root = repo.path();
    write_file(
        root,
        "pkg/tools.py",
        "import os\n\n\ndef helper():\n    return os.sep\n",
    );
    write_file(root, "app/uses_tools.py", "from pkg.tools import helper\n");
    age(root);
    let check = run(
        root,
        &["move", "pkg.tools.helper", "--to", "pkg.helpers", "--check"],
    );
    assert_eq!(check.code, 1);
    assert!(
        !root.join("pkg/helpers.py").exists(),
        "--check writes nothing"
    );
    ok(
        root,
        &[
            "move",
            "pkg.tools.helper",
            "--to",
            "pkg.helpers",
            "--shim",
            "deprecate",
        ],
    );
    insta::assert_snapshot!(fs::read_to_string(root.join("pkg/tools.py")).unwrap());
    assert_eq!(
        fs::read_to_string(root.join("app/uses_tools.py")).unwrap(),
        "from pkg.helpers import helper\n"
    );
    let warned = std::process::Command::new("python3")
        .args([
            "-B",
            "-W",
            "error::DeprecationWarning",
            "-c",
            "import pkg.tools, pkg.helpers\n\
             try:\n    pkg.tools.helper\nexcept DeprecationWarning as w:\n    print(w)\n\
             import warnings; warnings.simplefilter('ignore')\n\
             assert pkg.tools.helper is pkg.helpers.helper",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&warned.stdout),
        "pkg.tools.helper has moved to pkg.helpers.helper\n",
        "{}",
        String::from_utf8_lossy(&warned.stderr)
    );
    write_file(root, "app/late.py", "from pkg.tools import helper\n");
    let late = root.join("app/late.py").display().to_string();
    let found = ok(root, &["check", &late]);
    assert!(
        found
            .contains("app/late.py:1:1: deprecated-auto warning: `pkg.tools.helper` is deprecated"),
        "{found}"
    );
}

#[test]
fn diff_shows_the_whole_move_as_one_patch_and_writes_nothing() {
    let repo = layered_repo();
    let root = repo.path();
    let output = ok(
        root,
        &[
            "move",
            "pkg.impl.uses_version",
            "--to",
            "pkg.versions",
            "--shim",
            "deprecate",
            "--diff",
        ],
    );
    insta::assert_snapshot!(output);
    assert!(!root.join("pkg/versions.py").exists());
}

#[test]
fn crlf_files_keep_their_line_endings_and_a_bom_stays_first() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(
        root,
        "pkg/old.py",
        "\u{feff}import os\r\n\r\n\r\ndef sep():\r\n    return os.sep\r\n",
    );
    write_file(root, "pkg/new.py", "X = 1\n");
    write_file(root, "app.py", "from pkg.old import sep\r\n");
    age(root);
    ok(root, &["move", "pkg.old.sep", "--to", "pkg.new"]);
    assert_eq!(
        fs::read_to_string(root.join("pkg/old.py")).unwrap(),
        // `os` leaves with the only code that read it; the shim says it re-exports.
        "\u{feff}from pkg.new import sep as sep\r\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/new.py")).unwrap(),
        "import os\n\n\ndef sep():\n    return os.sep\n\n\nX = 1\n",
        "after the imports, before the first statement it does not need"
    );
    assert_eq!(
        fs::read_to_string(root.join("app.py")).unwrap(),
        "from pkg.new import sep\r\n"
    );
}

/// The scenario of the issue: `fetch` leaves `app.old` for a package that does not exist
/// yet; `asyncio` and `helper` were imported for it alone.
fn fetch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "app/__init__.py", "");
    write_file(
        root,
        "app/old.py",
        "\"\"\"Old module.\"\"\"\n\nimport asyncio\nimport json\nfrom typing import Any\n\n\
         from app.helpers import helper\n\n\nasync def fetch(x: Any) -> str:\n    \
         await asyncio.sleep(0)\n    return helper(x)\n\n\ndef dump(obj: Any) -> str:\n    \
         return json.dumps(obj)\n",
    );
    write_file(
        root,
        "app/helpers.py",
        "def helper(x):\n    return str(x)\n",
    );
    write_file(
        root,
        "app/user.py",
        "import os\n\nfrom app.old import dump, fetch\n\nX = (os, dump, fetch)\n",
    );
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(
        root,
        &[
            "-c",
            "user.email=a@b",
            "-c",
            "user.name=a",
            "commit",
            "-qm",
            "base",
        ],
    );
    dir
}

#[test]
fn the_diff_of_a_move_is_a_patch_git_applies_to_exactly_what_the_move_writes() {
    let repo = fetch_repo();
    let root = repo.path();
    let args = ["move", "app.old.fetch", "--to", "app.services.net"];
    let diff = ok(root, &[&args[..], &["--diff"]].concat());
    assert!(
        diff.contains(
            "diff --git a/app/services/__init__.py b/app/services/__init__.py\nnew file mode 100644\n"
        ),
        "{diff}"
    );
    fs::write(root.join("move.patch"), &diff).unwrap();
    common::git(root, &["apply", "move.patch"]);
    fs::remove_file(root.join("move.patch")).unwrap();
    common::git(root, &["add", "-A"]);
    let applied = common::git_output(root, &["diff", "--cached", "--stat"]).stdout;
    common::git(root, &["stash", "-q"]);
    ok(root, &args);
    common::git(root, &["add", "-A"]);
    let moved = common::git_output(root, &["diff", "--cached", "--stat"]).stdout;
    assert_eq!(
        String::from_utf8_lossy(&applied),
        String::from_utf8_lossy(&moved)
    );
    assert!(String::from_utf8_lossy(&moved).contains("app/services/__init__.py"));
}

#[test]
fn a_move_takes_along_the_imports_only_its_code_read_and_sorts_what_it_writes() {
    let repo = fetch_repo();
    let root = repo.path();
    let output = ok(root, &["move", "app.old.fetch", "--to", "app.services.net"]);
    assert!(
        output.contains(
            "  app/old.py no longer imports asyncio, helper (only the moved code read them)\n"
        ),
        "{output}"
    );
    // Checked with ruff 0.17.6: `ruff check --select I,F401` finds nothing in either.
    assert_eq!(
        fs::read_to_string(root.join("app/old.py")).unwrap(),
        "\"\"\"Old module.\"\"\"\n\nimport json\nfrom typing import Any\n\n\
         from app.services.net import fetch as fetch\n\n\n\
         def dump(obj: Any) -> str:\n    return json.dumps(obj)\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("app/services/net.py")).unwrap(),
        "import asyncio\nfrom typing import Any\n\nfrom app.helpers import helper\n\n\n\
         async def fetch(x: Any) -> str:\n    await asyncio.sleep(0)\n    return helper(x)\n"
    );
}

#[test]
fn moves_that_would_change_behaviour_are_refused_with_the_line_that_shows_why() {
    // The files a case adds, the move's arguments, the one-line refusal.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
    let cases: &[Case] = &[
        (
            &[(
                "pkg/g.py",
                "def reg():\n    return globals()[\"X\"]\n\n\nX = 1\n",
            )],
            &["pkg.g.reg", "--to", "pkg.new"],
            "error: cannot move pkg.g.reg: the moved code calls `globals()` (line 2): in the \
             new module it would see that module's names, not `pkg.g`'s\n",
        ),
        (
            &[
                (
                    "pkg/d.py",
                    "def __getattr__(name):\n    if name == \"thing\":\n        return 1\n    \
                     raise AttributeError(name)\n",
                ),
                ("pkg/t.py", "def thing():\n    return 2\n"),
            ],
            &["pkg.t.thing", "--to", "pkg.d"],
            "error: cannot move pkg.t.thing: `pkg.d` answers `thing` in its module \
             `__getattr__` (line 1): defining `thing` there would bypass it; remove that case \
             from `__getattr__` first\n",
        ),
        (
            &[
                ("pkg/w.py", "VALUE = 1\n"),
                (
                    "pkg/patcher.py",
                    "import pkg.w as w\n\nsaved = w.VALUE\nw.VALUE = 5\nw.VALUE = saved\n",
                ),
            ],
            &["pkg.w.VALUE", "--to", "pkg.new"],
            "error: cannot move pkg.w.VALUE: pkg/patcher.py:4 assigns `w.VALUE`: code that \
             reads `pkg.new.VALUE` would not see it; make it assign the new module's first\n",
        ),
        (
            &[(
                "pkg/f.py",
                "from __future__ import annotations\n\n\ndef typed(x: int) -> int:\n    return x\n",
            )],
            &["pkg.f.typed", "--to", "pkg.new"],
            "error: cannot move pkg.f.typed: `pkg.f` has `from __future__ import annotations` \
             and `pkg.new` has not: the moved code would run differently there; add it to the \
             destination first\n",
        ),
    ];
    for (files, args, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_file(root, "pkg/__init__.py", "");
        write_file(root, "pkg/new.py", "X = 1\n");
        for (rel, text) in *files {
            write_file(root, rel, text);
        }
        let output = run(root, &[&["move"][..], args].concat());
        assert_eq!((output.code, output.stderr.as_str()), (2, *expected));
    }
}

#[test]
fn code_without_annotations_moves_out_of_a_future_annotations_module_and_shim_none_updates_all() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/new.py", "X = 1\n");
    write_file(
        root,
        "pkg/old.py",
        "from __future__ import annotations\n\n__all__ = [\"helper\", \"other\"]\n\
         __all__.append(\"helper\")\n\n\ndef helper(x):\n    return x\n\n\n\
         def other() -> int:\n    return 2\n",
    );
    write_file(root, "pkg/user.py", "from pkg.old import helper\n");
    ok(
        root,
        &[
            "move",
            "pkg.old.helper",
            "--to",
            "pkg.new",
            "--shim",
            "none",
        ],
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/old.py")).unwrap(),
        "from __future__ import annotations\n\n__all__ = [\"other\"]\n\n\n\
         def other() -> int:\n    return 2\n"
    );
    assert_eq!(
        common::python(
            root,
            "from pkg.old import *; from pkg.user import helper; print(other())"
        ),
        "2\n"
    );
}

#[test]
fn in_a_src_layout_the_tests_beside_src_are_rewritten_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(
        root,
        "pyproject.toml",
        "[project]\nname = \"pkg\"\nversion = \"0.1\"\n\n[tool.hatch.build.targets.wheel]\n\
         packages = [\"src/pkg\"]\n",
    );
    write_file(root, "src/pkg/__init__.py", "");
    write_file(root, "src/pkg/old.py", "def helper():\n    return 1\n");
    write_file(root, "src/pkg/new.py", "X = 1\n");
    write_file(
        root,
        "tests/test_old.py",
        "from pkg.old import helper\n\n\ndef test_helper():\n    assert helper() == 1\n",
    );
    ok(
        root,
        &[
            "move",
            "pkg.old.helper",
            "--to",
            "pkg.new",
            "--shim",
            "none",
        ],
    );
    assert_eq!(
        fs::read_to_string(root.join("tests/test_old.py")).unwrap(),
        "from pkg.new import helper\n\n\ndef test_helper():\n    assert helper() == 1\n"
    );
}

#[test]
fn attribute_reads_of_the_old_module_get_an_import_of_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(
        root,
        "pkg/old.py",
        "def helper():\n    return 1\n\n\ndef other():\n    return 2\n",
    );
    write_file(root, "pkg/new.py", "X = 1\n");
    write_file(
        root,
        "pkg/user.py",
        "import pkg.old\nfrom pkg import old as o\n\nA = pkg.old.helper()\nB = o.helper()\n\
         C = pkg.old.other()\n",
    );
    ok(
        root,
        &[
            "move",
            "pkg.old.helper",
            "--to",
            "pkg.new",
            "--shim",
            "none",
        ],
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/user.py")).unwrap(),
        "import pkg.new\nimport pkg.old\nfrom pkg import old as o\n\n\
         A = pkg.new.helper()\nB = pkg.new.helper()\nC = pkg.old.other()\n"
    );
    assert_eq!(
        common::python(root, "import pkg.user as u; print(u.A, u.B, u.C)"),
        "1 1 2
"
    );
}

#[test]
fn a_relative_import_stays_relative_and_moving_back_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/impl.py", "class Engine:\n    pass\n");
    write_file(root, "pkg/core.py", "X = 1\n");
    write_file(root, "pkg/sub/__init__.py", "");
    write_file(
        root,
        "pkg/sub/user.py",
        "from ..impl import Engine\n\nE = Engine\n",
    );
    let original = fs::read_to_string(root.join("pkg/sub/user.py")).unwrap();
    ok(root, &["move", "pkg.impl.Engine", "--to", "pkg.core"]);
    assert_eq!(
        fs::read_to_string(root.join("pkg/sub/user.py")).unwrap(),
        "from ..core import Engine\n\nE = Engine\n"
    );
    age(root);
    ok(root, &["move", "pkg.core.Engine", "--to", "pkg.impl"]);
    assert_eq!(
        fs::read_to_string(root.join("pkg/sub/user.py")).unwrap(),
        original
    );
}

fn notifier_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/sub/__init__.py", "");
    write_file(root, "pkg/helpers.py", "def h():\n    return 1\n");
    write_file(
        root,
        "pkg/notifier.py",
        "from . import helpers\nfrom .helpers import h\n\n\ndef notify():\n    return h()\n",
    );
    write_file(
        root,
        "pkg/sub/user.py",
        "import pkg.notifier\nimport pkg.notifier as n2\nfrom pkg import notifier\n\
         from pkg.notifier import notify\nfrom unittest import mock\n\n\
         A = pkg.notifier.notify()\nB = n2.notify()\nC = notifier.notify()\nD = notify()\n\
         P = mock.patch(\"pkg.notifier.notify\")\n",
    );
    dir
}

#[test]
fn a_whole_module_moves_and_every_spelling_of_its_path_follows() {
    let repo = notifier_repo();
    let root = repo.path();
    let output = ok(
        root,
        &["move", "pkg.notifier", "--to", "pkg.services.notifier"],
    );
    assert_eq!(
        output,
        "moved module pkg.notifier from pkg/notifier.py:1 to pkg/services/notifier.py\n  \
         pkg/notifier.py keeps a module that is `pkg.services.notifier` (sys.modules)\n  \
         created pkg/services/__init__.py\n  rewrote pkg/sub/user.py\n\
         warning: `__name__` and `__file__` of the module become `pkg.services.notifier` and \
         its new path\n\
         Moved 1 module; changed 4 files, rewrote 6 references, 0 left as they are.\n"
    );
    // The relative imports are counted again: their dots would count from the new place.
    assert_eq!(
        fs::read_to_string(root.join("pkg/services/notifier.py")).unwrap(),
        "from .. import helpers\nfrom ..helpers import h\n\n\ndef notify():\n    return h()\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/sub/user.py")).unwrap(),
        "import pkg.services.notifier\nimport pkg.services.notifier as n2\n\
         from pkg.services import notifier\nfrom pkg.services.notifier import notify\n\
         from unittest import mock\n\n\
         A = pkg.services.notifier.notify()\nB = n2.notify()\nC = notifier.notify()\n\
         D = notify()\nP = mock.patch(\"pkg.services.notifier.notify\")\n"
    );
    // The old path is the new module itself: code outside the repository keeps working.
    // (The entry point of pyproject.toml names the new path too: see the next test.)
    assert_eq!(
        common::python(
            root,
            "import pkg.notifier as old, pkg.services.notifier as new, pkg.sub.user as u\n\
             print(old is new, u.A, u.B, u.C, u.D)"
        ),
        "True 1 1 1 1\n"
    );
}

#[test]
fn a_module_move_with_the_deprecate_shim_warns_on_the_old_path_and_refusals_say_why() {
    let repo = notifier_repo();
    let root = repo.path();
    let output = run(root, &["move", "pkg.notifier", "--to", "pkg.helpers"]);
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: cannot move pkg.notifier: --to pkg.helpers: exists already; a module \
             moves to a new path\n"
        )
    );
    ok(
        root,
        &[
            "move",
            "pkg.notifier",
            "--to",
            "pkg.notify",
            "--shim",
            "deprecate",
        ],
    );
    assert_eq!(
        common::python(
            root,
            "import warnings\nwarnings.simplefilter('error')\n\
             try:\n    import pkg.notifier\nexcept DeprecationWarning as w:\n    print(w)"
        ),
        "pkg.notifier has moved to pkg.notify\n"
    );
}

#[test]
fn a_module_move_takes_the_entry_points_along() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/cli.py", "def main():\n    return 0\n");
    write_file(
        root,
        "pyproject.toml",
        "[project]\nname = \"pkg\"\nversion = \"0.1\"\n\n[project.scripts]\n\
         pkg-cli = \"pkg.cli:main\"\n",
    );
    let output = ok(root, &["move", "pkg.cli", "--to", "pkg.commands.cli"]);
    assert!(output.contains("  rewrote pyproject.toml\n"), "{output}");
    assert_eq!(
        fs::read_to_string(root.join("pyproject.toml")).unwrap(),
        "[project]\nname = \"pkg\"\nversion = \"0.1\"\n\n[project.scripts]\n\
         pkg-cli = \"pkg.commands.cli:main\"\n"
    );
}

#[test]
fn a_module_moved_with_shim_none_leaves_no_file_and_git_sees_a_rename() {
    let repo = notifier_repo();
    let root = repo.path();
    // A module of some size: git tells a rename by how much of the text stayed.
    let mut text = fs::read_to_string(root.join("pkg/notifier.py")).unwrap();
    for n in 0..12 {
        text.push_str(&format!(
            "\n\ndef channel_{n}():\n    return \"channel {n}\"\n"
        ));
    }
    write_file(root, "pkg/notifier.py", &text);
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(
        root,
        &[
            "-c",
            "user.email=a@b",
            "-c",
            "user.name=a",
            "commit",
            "-qm",
            "base",
        ],
    );
    let args = [
        "move",
        "pkg.notifier",
        "--to",
        "pkg.services.notifier",
        "--shim",
        "none",
    ];
    let diff = ok(root, &[&args[..], &["--diff"]].concat());
    assert!(
        diff.contains("diff --git a/pkg/notifier.py b/pkg/notifier.py\ndeleted file mode 100644\n"),
        "{diff}"
    );
    ok(root, &args);
    assert!(!root.join("pkg/notifier.py").exists());
    common::git(root, &["add", "-A"]);
    let status = common::git_output(root, &["diff", "--cached", "--name-status", "-M"]).stdout;
    assert!(
        String::from_utf8_lossy(&status).contains("pkg/notifier.py\tpkg/services/notifier.py"),
        "{}",
        String::from_utf8_lossy(&status)
    );
    assert_eq!(
        common::python(root, "import pkg.sub.user as u; print(u.A, u.B, u.C, u.D)"),
        "1 1 1 1\n"
    );
}

/// A package with a subpackage, a data file, relative imports that stay inside it and
/// ones that climb out, and a user of every spelling of its paths.
fn package_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/sub/__init__.py", "");
    write_file(root, "pkg/util.py", "def u():\n    return 2\n");
    write_file(
        root,
        "pkg/old/__init__.py",
        "from pkg import util\n\nfrom . import helpers\nfrom .inner.deep import W\n\n\
         __all__ = [\"W\", \"helpers\", \"util\"]\n",
    );
    write_file(root, "pkg/old/helpers.py", "def h():\n    return 1\n");
    write_file(root, "pkg/old/inner/__init__.py", "");
    write_file(
        root,
        "pkg/old/inner/deep.py",
        "from ...util import u\nfrom .. import helpers\n\nW = u() + helpers.h()\n",
    );
    write_file(root, "pkg/old/data.json", "{\"a\": 1}\n");
    write_file(
        root,
        "pkg/sub/user.py",
        "import pkg.old\nimport pkg.old.inner.deep as d\nfrom unittest import mock\n\n\
         from pkg import old\nfrom pkg.old.helpers import h\nfrom pkg.old.inner import deep\n\n\
         from ..old.helpers import *  # noqa: F403\n\n\
         A = pkg.old.W\nB = d.W + deep.W + old.W + h()\nP = mock.patch(\"pkg.old.helpers.h\")\n",
    );
    dir
}

#[test]
fn a_whole_package_moves_with_its_folder_and_every_spelling_of_its_paths_follows() {
    let repo = package_repo();
    let root = repo.path();
    let output = ok(root, &["move", "pkg.old", "--to", "pkg.services.notify"]);
    assert_eq!(
        output,
        "moved package pkg.old from pkg/old/ (4 source files, 1 other file) to \
         pkg/services/notify/\n  \
         pkg/old/ keeps a package that is `pkg.services.notify` (sys.modules), its modules \
         found at the new place\n  \
         created pkg/services/__init__.py\n  rewrote pkg/sub/user.py\n\
         warning: `__name__` and `__file__` of the package's modules become \
         `pkg.services.notify`'s and their new paths\n\
         Moved 1 package; changed 10 files, rewrote 8 references, 0 left as they are.\n"
    );
    // Relative imports within the package stay; those that climb out count again.
    assert_eq!(
        fs::read_to_string(root.join("pkg/services/notify/inner/deep.py")).unwrap(),
        "from ....util import u\nfrom .. import helpers\n\nW = u() + helpers.h()\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/services/notify/data.json")).unwrap(),
        "{\"a\": 1}\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/sub/user.py")).unwrap(),
        "import pkg.services.notify\nimport pkg.services.notify.inner.deep as d\n\
         from unittest import mock\n\n\
         from pkg.services import notify as old\nfrom pkg.services.notify.helpers import h\n\
         from pkg.services.notify.inner import deep\n\n\
         from ..services.notify.helpers import *  # noqa: F403\n\n\
         A = pkg.services.notify.W\nB = d.W + deep.W + old.W + h()\n\
         P = mock.patch(\"pkg.services.notify.helpers.h\")\n"
    );
    // The old folder keeps only its shim: every old path is the new module itself.
    let mut left: Vec<String> = walk(&root.join("pkg/old"));
    left.sort();
    assert_eq!(left, ["__init__.py"]);
    assert_eq!(
        common::python(
            root,
            "import pkg.sub.user as u, pkg.old.inner.deep as a, pkg.services.notify.inner.deep as b\n\
             import pkg.old, pkg.services.notify\n\
             print(u.A, u.B, a is b, pkg.old is pkg.services.notify, a.__spec__.name)"
        ),
        "3 10 True True pkg.services.notify.inner.deep\n"
    );
}

fn walk(folder: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir(folder).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        match entry.path().is_dir() {
            true => found.extend(
                walk(&entry.path())
                    .into_iter()
                    .map(|f| format!("{name}/{f}")),
            ),
            false => found.push(name),
        }
    }
    found
}

#[test]
fn a_package_moved_with_shim_none_leaves_no_folder_and_its_diff_is_what_the_run_writes() {
    let repo = package_repo();
    let root = repo.path();
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-qm", "base"]);
    // Bytecode of the old place does not keep the folder alive (it would import as a
    // namespace package).
    write_file(root, "pkg/old/__pycache__/helpers.cpython-311.pyc", "");
    let args = ["move", "pkg.old", "--to", "pkg.notify", "--shim", "none"];
    let diff = ok(root, &[&args[..], &["--diff"]].concat());
    assert!(
        diff.contains(
            "diff --git a/pkg/old/data.json b/pkg/notify/data.json\nsimilarity index 100%\n\
             rename from pkg/old/data.json\nrename to pkg/notify/data.json\n"
        ),
        "{diff}"
    );
    // The patch applied to a clean copy is the tree the run writes.
    let copy = tempfile::tempdir().unwrap();
    common::git(
        copy.path(),
        &["clone", "-q", &root.display().to_string(), "."],
    );
    fs::write(copy.path().join("move.patch"), &diff).unwrap();
    common::git(copy.path(), &["apply", "move.patch"]);
    fs::remove_file(copy.path().join("move.patch")).unwrap();
    ok(root, &args);
    assert!(!root.join("pkg/old").exists());
    let tree = |at: &Path| {
        let mut files = walk(&at.join("pkg"));
        files.retain(|f| !f.contains("__pycache__"));
        files.sort();
        files
            .into_iter()
            .map(|f| (fs::read_to_string(at.join("pkg").join(&f)).unwrap(), f))
            .collect::<Vec<_>>()
    };
    assert_eq!(tree(copy.path()), tree(root));
    common::git(root, &["add", "-A"]);
    let status = common::git_output(root, &["diff", "--cached", "--name-status", "-M"]).stdout;
    let status = String::from_utf8_lossy(&status);
    assert!(
        status.contains("R100\tpkg/old/helpers.py\tpkg/notify/helpers.py")
            && status.contains("R100\tpkg/old/data.json\tpkg/notify/data.json"),
        "{status}"
    );
    assert_eq!(
        common::python(
            root,
            "import pkg.sub.user as u\nprint(u.A, u.B)\ntry:\n    import pkg.old\n\
             except ImportError as e:\n    print(type(e).__name__)"
        ),
        "3 10\nModuleNotFoundError\n"
    );
}

#[test]
fn a_package_move_with_the_deprecate_shim_warns_for_each_old_path_and_refusals_say_why() {
    let repo = package_repo();
    let root = repo.path();
    write_file(root, "pkg/loose/part.py", "P = 1\n");
    for (args, expected) in [
        (
            vec!["move", "pkg.old", "--to", "pkg.old.inner.again"],
            "error: cannot move pkg.old: --to pkg.old.inner.again: inside `pkg.old` itself\n",
        ),
        (
            vec!["move", "pkg.loose", "--to", "pkg.tight"],
            "error: cannot move pkg.loose: `pkg.loose` is a namespace package (a folder \
             without `__init__.py`): move its modules one at a time\n",
        ),
        (
            vec!["move", "pkg.old", "--to", "pkg.sub"],
            "error: cannot move pkg.old: --to pkg.sub: exists already; a module moves to a \
             new path\n",
        ),
    ] {
        let output = run(root, &args);
        assert_eq!((output.code, output.stderr.as_str()), (2, expected));
    }
    fs::create_dir_all(root.join("pkg/stray")).unwrap();
    let output = run(root, &["move", "pkg.old", "--to", "pkg.stray"]);
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: cannot move pkg.old: --to pkg.stray: pkg/stray exists but is not part of \
             the project (excluded?)\n"
        )
    );
    ok(
        root,
        &[
            "move",
            "pkg.old",
            "--to",
            "pkg.notify",
            "--shim",
            "deprecate",
        ],
    );
    assert_eq!(
        common::python(
            root,
            "import warnings\nwarnings.simplefilter('always')\n\
             with warnings.catch_warnings(record=True) as seen:\n    import pkg.old.inner.deep\n\
             print(*sorted(str(w.message) for w in seen), sep='\\n')"
        ),
        "pkg.old has moved to pkg.notify\npkg.old.inner has moved to pkg.notify.inner\n\
         pkg.old.inner.deep has moved to pkg.notify.inner.deep\n"
    );
}

#[test]
fn a_package_whose_parent_re_exports_it_under_its_name_warns_when_the_name_changes() {
    let repo = package_repo();
    let root = repo.path();
    write_file(root, "pkg/__init__.py", "from . import old as old\n");
    // A module moved along a relative import that climbs out and back in keeps it.
    write_file(
        root,
        "pkg/old/helpers.py",
        "from ..old import inner\n\n\ndef h():\n    return 1\n",
    );
    let output = ok(
        root,
        &["move", "pkg.old", "--to", "pkg.deep.old", "--shim", "none"],
    );
    assert!(!output.contains("re-exported"), "{output}");
    assert_eq!(
        fs::read_to_string(root.join("pkg/deep/old/helpers.py")).unwrap(),
        "from ..old import inner\n\n\ndef h():\n    return 1\n"
    );
    let output = ok(
        root,
        &[
            "move",
            "pkg.deep.old",
            "--to",
            "pkg.notify",
            "--shim",
            "none",
        ],
    );
    assert!(
        output.contains(
            "warning: pkg/__init__.py:1:1: `old as old` re-exported the module; `notify as old` \
             is taken as unused by linters (F401): list `old` in `__all__`\n"
        ),
        "{output}"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/notify/helpers.py")).unwrap(),
        "from . import inner\n\n\ndef h():\n    return 1\n"
    );
}

/// rope's own move-module cases, in spirit: the name a plain import binds changes.
#[test]
fn a_module_moved_to_or_from_the_top_level_keeps_every_importer_working() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/mod4.py", "from . import mod5\n\nA = mod5.B\n");
    write_file(root, "pkg/mod5.py", "B = 5\n");
    write_file(root, "dest/__init__.py", "");
    write_file(root, "mod1.py", "import mod1\n\nX = 1\nY = mod1.X\n");
    write_file(
        root,
        "user.py",
        "import mod1\nimport pkg.mod4\n\nfrom pkg import mod4 as m4\n\n\
         print(pkg.mod4.A, m4.A, mod1.Y)\n",
    );
    write_file(
        root,
        "other.py",
        "import pkg.mod4\n\nprint(pkg.mod4.A, pkg.mod5.B)\n",
    );
    // `other.py` reads `pkg` for more than the moved module: without a shim that is a
    // refusal naming it.
    let output = run(
        root,
        &["move", "pkg/mod4.py", "--to", "mod4", "--shim", "none"],
    );
    assert_eq!(
        (output.code, output.stderr.as_str()),
        (
            2,
            "error: cannot move pkg/mod4.py: --shim none: other.py:1:1 still needs the old \
             path (`pkg` is read for more than the moved module (line 3): rewrite it by \
             hand); rewrite it first or keep a shim\n"
        )
    );
    fs::remove_file(root.join("other.py")).unwrap();
    ok(
        root,
        &["move", "pkg/mod4.py", "--to", "mod4", "--shim", "none"],
    );
    assert_eq!(
        fs::read_to_string(root.join("user.py")).unwrap(),
        "import mod1\nimport mod4\n\nimport mod4 as m4\n\nprint(mod4.A, m4.A, mod1.Y)\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("mod4.py")).unwrap(),
        "from pkg import mod5\n\nA = mod5.B\n"
    );
    // A module that imports itself keeps its name bound, and still imports.
    ok(
        root,
        &["move", "mod1", "--to", "dest.mod1", "--shim", "none"],
    );
    assert_eq!(
        fs::read_to_string(root.join("dest/mod1.py")).unwrap(),
        "from dest import mod1\n\nX = 1\nY = mod1.X\n"
    );
    assert_eq!(common::python(root, "import user"), "5 5 1\n");
}

#[test]
fn a_package_moved_and_moved_back_is_byte_for_byte_what_it_was() {
    let repo = package_repo();
    let root = repo.path();
    let read_all = |at: &Path| {
        let mut files = walk(at);
        files.sort();
        files
            .into_iter()
            .map(|f| (fs::read(at.join(&f)).unwrap(), f))
            .collect::<Vec<_>>()
    };
    let (package, user) = (
        read_all(&root.join("pkg/old")),
        fs::read(root.join("pkg/sub/user.py")).unwrap(),
    );
    ok(
        root,
        &[
            "move",
            "pkg.old",
            "--to",
            "pkg.sub.deep.old",
            "--shim",
            "none",
        ],
    );
    // Dots that climbed out of the package are counted again from the new place.
    assert_eq!(
        fs::read_to_string(root.join("pkg/sub/deep/old/inner/deep.py")).unwrap(),
        "from .....util import u\nfrom .. import helpers\n\nW = u() + helpers.h()\n"
    );
    ok(
        root,
        &[
            "move",
            "pkg.sub.deep.old",
            "--to",
            "pkg.old",
            "--shim",
            "none",
        ],
    );
    assert_eq!(read_all(&root.join("pkg/old")), package);
    assert_eq!(fs::read(root.join("pkg/sub/user.py")).unwrap(), user);
}

/// From a new user's audit of package moves: each of these ended wrong or was refused.
#[test]
fn package_moves_keep_siblings_self_reads_and_python_dash_m_working_and_refuse_what_would_break() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(root, "pkg/__init__.py", "");
    write_file(root, "pkg/old/__init__.py", "def f():\n    return 1\n");
    write_file(
        root,
        "pkg/old/cli.py",
        "def main():\n    print(\"cli ran\")\n",
    );
    write_file(
        root,
        "pkg/old/__main__.py",
        "from .cli import main\n\nmain()\n",
    );
    write_file(
        root,
        "pkg/old/selfref.py",
        "import pkg.old.cli\n\nX = pkg.old.cli.main\n",
    );
    write_file(
        root,
        "pkg/a.py",
        "from . import old\n\n\ndef g():\n    return old.f()\n",
    );
    write_file(root, "pkg/b.py", "from typing_extensions import Literal\n");
    write_file(root, "use.py", "import pkg\n\nY = pkg.old.f\n");
    let output = run(root, &["move", "pkg.old", "--to", "typing_extensions"]);
    assert_eq!(
        output.stderr,
        "error: cannot move pkg.old: --to typing_extensions: the project imports \
         `typing_extensions` from outside it, which it would hide\n"
    );
    let output = run(
        root,
        &["move", "pkg.old", "--to", "newtop", "--shim", "none"],
    );
    assert_eq!(
        output.stderr,
        "error: cannot move pkg.old: --shim none: use.py:3:9 still needs the old path (reads \
         the old path through `pkg`, and nothing here binds `newtop`: import it and rewrite \
         the read by hand); rewrite it first or keep a shim\n"
    );
    fs::remove_file(root.join("use.py")).unwrap();
    ok(root, &["move", "pkg.old", "--to", "pkg.new"]);
    assert_eq!(
        fs::read_to_string(root.join("pkg/a.py")).unwrap(),
        "from . import new\n\n\ndef g():\n    return new.f()\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/new/selfref.py")).unwrap(),
        "import pkg.new.cli\n\nX = pkg.new.cli.main\n"
    );
    assert_eq!(
        common::python(
            root,
            "import runpy\nrunpy.run_module('pkg.old', run_name='__main__')"
        ),
        "cli ran\n"
    );
}
