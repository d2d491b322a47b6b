#!/usr/bin/env python3
"""Judge `ssot-graph affected` on real history: for consecutive commits of a repository,
run the whole test suite at the parent and at the commit, and check that every test file
whose outcome changed is in `affected --since PARENT`'s selection (recall), and how much
of the suite it selects.

    bench/affected_recall.py REPO --commits 20 [--pythonpath src] [--python PY]
        [--pytest-args "-x ..."] [--json OUT]

REPO is a git clone (bench/corpus/hist/NAME, fetched with the search tool's `fetch`).
Each commit is checked out in a worktree under a temporary folder; the suite runs with
PYTHONPATH set (no install), so only commits whose dependencies the interpreter already
has are meaningful: take recent ones. A test file whose outcome differs between two runs
at the same commit is flaky and not counted. With --testmon, pytest-testmon's own
selection is measured on the same commits (its database built at the parent).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "ssot-graph"
OUTCOME = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\s+(\S+)")


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def commits(repo, count, rev):
    """The last `count` first-parent commits at `rev` that change a file, oldest first."""
    lines = git(repo, "rev-list", "--first-parent", "--no-merges", f"-{count}", rev).split()
    return list(reversed(lines))


def checkout(repo, commit, into):
    if into.exists():
        subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(into)],
                       capture_output=True)
        shutil.rmtree(into, ignore_errors=True)
    git(repo, "worktree", "add", "--detach", "--force", str(into), commit)


def outcomes(tree, python, pythonpath, extra):
    """Each test file's sorted outcomes (`nodeid outcome`) from one pytest run."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(tree / p) for p in pythonpath))
    env.pop("PYTEST_ADDOPTS", None)
    command = [python, "-m", "pytest", "-rA", "--tb=no", "-q", "-p", "no:cacheprovider",
               "-p", "no:randomly", "--continue-on-collection-errors", *extra]
    run = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True,
                         timeout=1800)
    by_file = {}
    for line in run.stdout.splitlines():
        match = OUTCOME.match(line)
        if not match:
            continue
        kind, node = match.groups()
        if kind == "SKIPPED":
            # `SKIPPED [1] tests/x.py:12: reason`
            node = line.split("] ", 1)[-1].split(":", 1)[0]
        path = node.split("::", 1)[0]
        by_file.setdefault(path, []).append(f"{node} {kind}")
    return {path: sorted(v) for path, v in by_file.items()}


def testmon(repo, parent, commit, work, python, pythonpath, extra):
    """The test files pytest-testmon runs at `commit` with its database built at
    `parent` (a full `pytest --testmon` there first)."""
    tree = work / "testmon"
    checkout(repo, parent, tree)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(tree / p) for p in pythonpath))
    command = [python, "-m", "pytest", "--testmon", "-rA", "--tb=no", "-q", "-p",
               "no:randomly", "--continue-on-collection-errors", *extra]
    subprocess.run(command, cwd=tree, env=env, capture_output=True, timeout=3600)
    subprocess.run(["git", "-C", str(tree), "checkout", "-q", "--detach", commit], check=True,
                   capture_output=True)
    run = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True,
                         timeout=3600)
    ran = set()
    for line in run.stdout.splitlines():
        match = OUTCOME.match(line)
        if match:
            node = match.group(2)
            if match.group(1) == "SKIPPED":
                node = line.split("] ", 1)[-1].split(":", 1)[0]
            ran.add(node.split("::", 1)[0])
    return ran


def affected(tree, parent, *extra):
    run = subprocess.run([str(BINARY), "--root", str(tree), "--no-cache", "affected",
                          "--since", parent, "--format", "json", *extra],
                         cwd=tree, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    data = json.loads(run.stdout)
    return {s["path"]: s for s in data["selected"]}, data["summary"]["tests"]


def node_misses(path, before, after, selected):
    """The tests of `path` whose outcome changed and that `--symbols` left out (its
    selection names test functions or classes, or the whole file)."""
    nodes = selected.get(path, {}).get("nodes")
    if path not in selected:
        return ["(file)"]
    if nodes is None:
        return []
    changed = set(before.get(path, [])) ^ set(after.get(path, []))
    missed = []
    for entry in sorted(changed):
        node = entry.rsplit(" ", 1)[0]
        top = node.split("::")[1].split("[")[0] if "::" in node else ""
        if top not in nodes:
            missed.append(node)
    return missed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--pythonpath", action="append", default=None)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pytest-args", default="")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--cache", type=Path, help="keep each commit's outcomes here")
    parser.add_argument("--testmon", action="store_true",
                        help="also measure pytest-testmon's selection on the same commits")
    args = parser.parse_args()
    pythonpath = args.pythonpath or ["."]
    python = os.path.abspath(args.python) if os.sep in args.python else args.python
    extra = args.pytest_args.split()
    repo = args.repo.resolve()
    history = commits(repo, args.commits + 1, args.rev)
    work = Path(tempfile.mkdtemp(prefix="affected-recall-"))
    runs = {}

    def suite(commit, again=False):
        key = (commit, again)
        kept = args.cache / f"{repo.name}-{commit}{'-again' if again else ''}.json" \
            if args.cache else None
        if key not in runs and kept and kept.exists():
            runs[key] = json.loads(kept.read_text())
        if key not in runs:
            tree = work / ("again" if again else "tree")
            checkout(repo, commit, tree)
            runs[key] = outcomes(tree, python, pythonpath, extra)
            if kept:
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_text(json.dumps(runs[key]))
        return runs[key]

    rows = []
    try:
        for parent, commit in zip(history, history[1:]):
            before = suite(parent)
            after = suite(commit)
            tree = work / "tree"
            checkout(repo, commit, tree)
            started = time.perf_counter()
            selected, total = affected(tree, parent)
            seconds = time.perf_counter() - started
            narrowed, _ = affected(tree, parent, "--symbols")
            changed = sorted(
                path for path in set(before) | set(after)
                if before.get(path) != after.get(path) and (tree / path).exists()
            )
            if changed and any(p not in selected for p in changed):
                again = suite(commit, again=True)
                flaky = [p for p in changed if again.get(p) != after.get(p)]
                changed = [p for p in changed if p not in flaky]
            else:
                flaky = []
            missed = [p for p in changed if p not in selected]
            by_testmon = None
            if args.testmon:
                by_testmon = testmon(repo, parent, commit, work, python, pythonpath, extra)
            missed_symbols = [p for p in changed if p not in narrowed]
            missed_nodes = [n for p in changed for n in node_misses(p, before, after, narrowed)
                            if n != "(file)"]
            files = git(repo, "diff", "--name-only", parent, commit).split()
            row = {
                "commit": commit[:10],
                "subject": git(repo, "log", "-1", "--format=%s", commit).strip()[:60],
                "files": len(files),
                "tests": total,
                "selected": len(selected),
                "outcome_changed": len(changed),
                "missed": missed,
                "selected_symbols": len(narrowed),
                "missed_symbols": missed_symbols,
                "missed_nodes": missed_nodes,
                "selected_testmon": None if by_testmon is None else len(by_testmon),
                "missed_testmon": None if by_testmon is None
                else [p for p in changed if p not in by_testmon],
                "flaky": flaky,
                "seconds": round(seconds, 3),
            }
            rows.append(row)
            print(f"{row['commit']} files {row['files']:3} selected {row['selected']:4}/{total:<4} "
                  f"symbols {len(narrowed):4} changed {len(changed):3} missed {len(missed)}/"
                  f"{len(missed_symbols)}/{len(missed_nodes)} {row['subject']}", flush=True)
            if by_testmon is not None:
                print(f"    testmon ran {len(by_testmon)} files, missed "
                      f"{row['missed_testmon']}", flush=True)
            for path in missed:
                print(f"    MISSED {path}", flush=True)
            for path in missed_symbols:
                print(f"    MISSED with --symbols {path}", flush=True)
            for node in missed_nodes:
                print(f"    MISSED node with --symbols {node}", flush=True)
    finally:
        for tree in ("tree", "again", "testmon"):
            subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force",
                            str(work / tree)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True)
    changed = sum(r["outcome_changed"] for r in rows)
    missed = sum(len(r["missed"]) for r in rows)
    share = [r["selected"] / r["tests"] for r in rows if r["tests"]]
    share_symbols = [r["selected_symbols"] / r["tests"] for r in rows if r["tests"]]
    missed_symbols = sum(len(r["missed_symbols"]) for r in rows)
    missed_nodes = sum(len(r["missed_nodes"]) for r in rows)
    summary = {
        "repository": repo.name,
        "commits": len(rows),
        "outcome_changed": changed,
        "missed": missed,
        "recall": 1.0 if changed == 0 else (changed - missed) / changed,
        "mean_selected_share": sum(share) / len(share) if share else 0.0,
        "missed_symbols": missed_symbols,
        "missed_nodes": missed_nodes,
        "recall_symbols": 1.0 if changed == 0 else (changed - missed_symbols) / changed,
        "mean_selected_share_symbols": sum(share_symbols) / len(share_symbols)
        if share_symbols else 0.0,
        "rows": rows,
    }
    if args.testmon:
        tm = [r for r in rows if r["selected_testmon"] is not None]
        summary["missed_testmon"] = sum(len(r["missed_testmon"]) for r in tm)
        summary["mean_selected_share_testmon"] = sum(
            r["selected_testmon"] / r["tests"] for r in tm if r["tests"]) / max(len(tm), 1)
        print(f"pytest-testmon: {summary['missed_testmon']} missed, mean selection "
              f"{summary['mean_selected_share_testmon']:.1%} of the suite")
    print(f"{repo.name}: {len(rows)} commits, {changed} test files changed outcome, "
          f"{missed} missed (recall {summary['recall']:.1%}), "
          f"mean selection {summary['mean_selected_share']:.1%} of the suite; --symbols: "
          f"{missed_symbols} files missed (recall {summary['recall_symbols']:.1%}), "
          f"{missed_nodes} test nodes missed, mean selection "
          f"{summary['mean_selected_share_symbols']:.1%}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
