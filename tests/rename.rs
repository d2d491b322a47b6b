//! `rename`: the definition and every reference take the new name, aliases stay, the
//! program binds the same objects (checked with python3), conflicts are refused.

mod common;

use std::fs;

use common::{ok, python, run, write_file};

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_file(
        root,
        "pkg/__init__.py",
        "from pkg.core import Engine\n\n__all__ = [\"Engine\"]\n",
    );
    write_file(
        root,
        "pkg/core.py",
        "class Engine:\n    def run(self):\n        return 1\n\n\nVALUE = 2\n",
    );
    write_file(
        root,
        "pkg/user.py",
        "from pkg import Engine as E\nimport pkg.core\nfrom pkg.core import VALUE, Engine\n\n\n\
         def make() -> \"Engine\":\n    return Engine()\n\n\nX = (E, pkg.core.Engine, VALUE)\n",
    );
    write_file(
        root,
        "tests/test_core.py",
        "from unittest import mock\n\n\n@mock.patch(\"pkg.core.Engine\")\ndef test_it(engine):\n    \
         pass\n",
    );
    dir
}

#[test]
fn a_rename_reaches_every_reference_and_keeps_the_aliases_files_chose() {
    let repo = repo();
    let root = repo.path();
    let output = ok(root, &["rename", "pkg.core.Engine", "Motor"]);
    assert_eq!(
        output,
        "  rewrote pkg/__init__.py\n  rewrote pkg/core.py\n  rewrote pkg/user.py\n  \
         rewrote tests/test_core.py\n\
         warning: `Motor.__name__` is `Motor` now: reprs, pickles and text that spell \
         `Engine` change\n\
         Renamed `pkg.core.Engine` to `Motor`; 9 names in 4 files, 0 left as they are.\n"
    );
    // The statement stays sorted as ruff sorts it: `Motor` now comes after `VALUE`.
    assert_eq!(
        fs::read_to_string(root.join("pkg/user.py")).unwrap(),
        "from pkg import Motor as E\nimport pkg.core\nfrom pkg.core import VALUE, Motor\n\n\n\
         def make() -> \"Motor\":\n    return Motor()\n\n\nX = (E, pkg.core.Motor, VALUE)\n"
    );
    assert_eq!(
        fs::read_to_string(root.join("tests/test_core.py")).unwrap(),
        "from unittest import mock\n\n\n@mock.patch(\"pkg.core.Motor\")\ndef test_it(engine):\n    \
         pass\n"
    );
    assert_eq!(
        python(
            root,
            "import pkg, pkg.core as c, pkg.user as u\n\
             assert u.E is c.Motor is pkg.Motor is u.Motor and u.make().__class__ is c.Motor\n\
             print(pkg.__all__)"
        ),
        "['Motor']\n"
    );
}

#[test]
fn keep_alias_leaves_the_old_name_bound_where_it_was_defined() {
    let repo = repo();
    let root = repo.path();
    ok(
        root,
        &["rename", "pkg.core.Engine", "Motor", "--keep-alias"],
    );
    assert_eq!(
        fs::read_to_string(root.join("pkg/core.py")).unwrap(),
        "class Motor:\n    def run(self):\n        return 1\n\n\nEngine = Motor\n\n\nVALUE = 2\n"
    );
    assert_eq!(
        python(root, "import pkg.core as c; print(c.Engine is c.Motor)"),
        "True\n"
    );
}

#[test]
fn a_rename_that_would_collide_or_is_no_name_is_refused_and_writes_nothing() {
    let repo = repo();
    let root = repo.path();
    let before = fs::read_to_string(root.join("pkg/user.py")).unwrap();
    for (args, expected) in [
        (
            ["rename", "pkg.core.Engine", "VALUE"],
            "error: cannot rename pkg.core.Engine: `pkg.core` binds `VALUE` already\n",
        ),
        (
            ["rename", "pkg.core.Engin", "Motor"],
            "error: cannot rename pkg.core.Engin: `pkg.core` does not bind `Engin`; did you \
             mean `Engine`?\n",
        ),
        (
            ["rename", "pkg.core.Engine", "class"],
            "error: cannot rename pkg.core.Engine: `class` is not a Python name\n",
        ),
        (
            ["rename", "pkg.user.E", "Car"],
            "error: cannot rename pkg.user.E: `pkg.user.E` is an import: rename what it \
             imports (`pkg.core.Engine`)\n",
        ),
    ] {
        let output = run(root, &args);
        assert_eq!((output.code, output.stderr.as_str()), (2, expected));
    }
    assert_eq!(
        fs::read_to_string(root.join("pkg/user.py")).unwrap(),
        before
    );
}
