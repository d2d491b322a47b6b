use super::*;

fn style_at(root: &Path, environment: &'static Environment) -> Style<'static> {
    Style::read(root, environment)
}

fn environment() -> &'static Environment {
    static ENVIRONMENT: std::sync::OnceLock<Environment> = std::sync::OnceLock::new();
    ENVIRONMENT.get_or_init(|| Environment::detect(Path::new("/nonexistent"), (3, 11)))
}

/// A repository with first-party package `app` and the file `app/mod.py`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app/core")).unwrap();
    std::fs::write(dir.path().join("app/__init__.py"), "").unwrap();
    std::fs::write(dir.path().join("app/core/__init__.py"), "").unwrap();
    dir
}

fn keep(dir: &tempfile::TempDir, old: &str, new: &str) -> String {
    let style = style_at(dir.path(), environment());
    style.keep_sorted(&dir.path().join("app/mod.py"), old, new, false)
}

#[test]
fn a_rewritten_import_moves_to_its_sorted_place_and_merges() {
    let dir = repo();
    let old = "import os\n\nimport requests\n\nfrom app.core import Zed\nfrom app.legacy import Manager\nfrom app.x import y\n\nX = 1\n";
    let new = "import os\n\nimport requests\n\nfrom app.core import Zed\nfrom app.core import Manager\nfrom app.x import y\n\nX = 1\n";
    assert_eq!(
        keep(&dir, old, new),
        "import os\n\nimport requests\n\nfrom app.core import Manager, Zed\nfrom app.x import y\n\nX = 1\n"
    );
}

#[test]
fn an_unsorted_block_is_left_as_the_rewrite_made_it() {
    let dir = repo();
    let old = "import sys\nimport os\nfrom app.legacy import Manager\n";
    let new = "import sys\nimport os\nfrom app.core import Manager\n";
    assert_eq!(keep(&dir, old, new), new);
}

#[test]
fn a_long_merge_wraps_as_ruff_wraps_it() {
    let dir = repo();
    let old = "from app.core import AlphaManagerWithALongName, BetaManagerWithALongName\nfrom app.legacy import GammaManagerWithALongName\n";
    let new = "from app.core import AlphaManagerWithALongName, BetaManagerWithALongName\nfrom app.core import GammaManagerWithALongName\n";
    assert_eq!(
        keep(&dir, old, new),
        "from app.core import (\n    AlphaManagerWithALongName,\n    BetaManagerWithALongName,\n    GammaManagerWithALongName,\n)\n"
    );
}

#[test]
fn the_blank_lines_after_a_top_level_block_are_those_ruff_wants() {
    let dir = repo();
    let old = "import os\n\nfrom app.legacy import Manager\n\nX = 1\n";
    let new = "import os\n\nfrom app.core import Manager\nX = 1\n";
    assert_eq!(
        keep(&dir, old, new),
        "import os\n\nfrom app.core import Manager\n\nX = 1\n"
    );
    let old = "import os\n\n\nclass A:\n    pass\n";
    let new = "import os\nimport sys\n\nclass A:\n    pass\n";
    assert_eq!(
        keep(&dir, old, new),
        "import os\nimport sys\n\n\nclass A:\n    pass\n"
    );
    // Blank lines ruff flags (two before a statement, three before a class) mean the
    // block was not sorted: it is left as it is.
    let old = "import os\n\nfrom app.legacy import Manager\n\n\nX = 1\n";
    let new = "import os\n\nfrom app.core import Manager\n\n\nX = 1\n";
    assert_eq!(keep(&dir, old, new), new);
    let old = "import os\n\n\n\nclass A:\n    pass\n";
    let new = "import sys\n\n\n\nclass A:\n    pass\n";
    assert_eq!(keep(&dir, old, new), new);
    // A comment right above a definition goes with it; one alone counts as a statement.
    let new = "import sys\nimport os\n# about A\nclass A:\n    pass\n";
    assert_eq!(
        keep(&dir, "import os\n", new),
        "import os\nimport sys\n\n\n# about A\nclass A:\n    pass\n"
    );
    let new = "import sys\nimport os\n# alone\n\nX = 1\n";
    assert_eq!(
        keep(&dir, "import os\n", new),
        "import os\nimport sys\n\n# alone\n\nX = 1\n"
    );
}
