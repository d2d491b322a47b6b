#!/usr/bin/env python3
"""`ssot-graph refs` against jedi's `Script.get_references` (project scope), target by
target: the references both find, those only one finds, and the time each takes.

    bench/venv/bin/python bench/jedi_refs.py [--show 5] TREE TARGET ...

TARGET is `pkg.mod.Name` (a class, function or module-level name). jedi reports the
definition itself; that is left out of the comparison. jedi's limits on the files it
parses per search (30 by default) are lifted.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.environ.get("BINARY", os.path.join(HERE, "..", "target", "release", "ssot-graph"))


def ours(tree, target):
    started = time.perf_counter()
    output = subprocess.run([BINARY, "--root", tree, "--format", "json", "refs", target],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if output.returncode != 0:
        raise SystemExit(f"{target}: {output.stderr.strip()}")
    refs = json.loads(output.stdout)
    found = {(r["path"], r["line"], r["col"]): r["kind"] for r in refs["references"]}
    return refs["definition"], found, elapsed


def name_column(path, line, name):
    """The 0-based column of `name` on the definition's line."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.readlines()[line - 1]
    match = re.search(rf"\b{re.escape(name)}\b", text)
    return match.start() if match else 0


def theirs(jedi, project, tree, definition):
    path = os.path.join(tree, definition["path"])
    line = definition["line"]
    column = name_column(path, line, definition["name"])
    started = time.perf_counter()
    try:
        script = jedi.Script(path=path, project=project)
        names = script.get_references(line, column, scope="project")
    except KeyError:
        # parso's cache can drop a file jedi still holds on a big project: once more.
        jedi.cache.clear_time_caches(True)
        try:
            script = jedi.Script(path=path, project=project)
            names = script.get_references(line, column, scope="project")
        except KeyError as error:
            print(f"    jedi failed twice: KeyError {error}", flush=True)
            return None, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    found = set()
    for name in names:
        if name.module_path is None or name.line is None:
            continue
        rel = os.path.relpath(str(name.module_path), tree)
        if rel.startswith(".."):
            continue
        found.add((rel, name.line, name.column + 1))
    found.discard((definition["path"], line, column + 1))
    return found, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("targets", nargs="+")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args()
    import jedi  # noqa: PLC0415 - only this script needs it
    import jedi.inference.references as jedi_references  # noqa: PLC0415

    # jedi stops after parsing 30 files (and opening 2,000) by default: a project-wide
    # answer needs every file.
    jedi_references._PARSED_FILE_LIMIT = 10**6
    jedi_references._OPENED_FILE_LIMIT = 10**6

    tree = os.path.realpath(args.tree)
    project = jedi.Project(tree, smart_sys_path=False, added_sys_path=[tree])
    totals = [0, 0, 0]
    print(f"{'target':<60} {'both':>5} {'jedi':>5} {'ours':>5} {'jedi s':>7} {'ours s':>7}")
    for target in args.targets:
        definition, mine, my_time = ours(tree, target)
        jedis, jedi_time = theirs(jedi, project, tree, definition)
        if jedis is None:
            continue
        mine_set = set(mine)
        both = mine_set & jedis
        only_jedi = sorted(jedis - mine_set)
        only_ours = sorted(mine_set - jedis)
        totals[0] += len(both)
        totals[1] += len(only_jedi)
        totals[2] += len(only_ours)
        print(f"{target:<60} {len(both):>5} {len(only_jedi):>5} {len(only_ours):>5}"
              f" {jedi_time:>7.2f} {my_time:>7.2f}", flush=True)
        for path, line, col in only_jedi[: args.show]:
            print(f"    jedi only: {path}:{line}:{col}")
        for path, line, col in only_ours[: args.show]:
            print(f"    ours only: {path}:{line}:{col} ({mine[(path, line, col)]})")
    print(f"total: both {totals[0]}, jedi only {totals[1]}, ssot-graph only {totals[2]}")


if __name__ == "__main__":
    sys.exit(main())
