"""A scratch copy of a tree, for the scripts that rewrite one and compare."""
import contextlib
import os
import shutil
import tempfile


@contextlib.contextmanager
def scratch_copy(tree, prefix, ruff_config=None):
    """A copy of TREE (without .git, caches and bytecode) in a temporary folder, with
    `ruff_config` as its ruff.toml when given; removed afterwards."""
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        copy = os.path.join(work, "tree")
        shutil.copytree(tree, copy, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", ".ssot-graph-cache", "__pycache__"))
        if ruff_config:
            with open(os.path.join(copy, "ruff.toml"), "w") as f:
                f.write(ruff_config)
        yield copy
    finally:
        shutil.rmtree(work)
