#!/usr/bin/env python3
"""Judge `ssot-graph affected` by breaking code on purpose: one function at a time, a
`raise RuntimeError` is put at the top of its body, the whole test suite runs, and every
test that passed before and fails now must be selected, by module (`affected FILE`) and
with `--symbols` (`affected --symbols`, against HEAD, down to the test function).

    bench/affected_mutations.py REPO --mutants 40 [--pythonpath src] [--python PY]
        [--seed 1] [--json OUT]

REPO is a clean git checkout (bench/corpus/hist/NAME); each mutant is undone before the
next. Functions are drawn at random from the project's non-test modules (methods
included); a mutant no test notices is counted apart (the suite does not cover it).
"""

import argparse
import ast
import json
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from affected_recall import BINARY, outcomes  # noqa: E402


def functions(repo, pythonpath):
    """(path, line of the body's first statement, its indentation) of every function."""
    found = []
    for root in pythonpath:
        for path in sorted((repo / root).rglob("*.py")):
            rel = path.relative_to(repo).as_posix()
            if "test" in rel.split("/")[-1] or "/tests/" in f"/{rel}" or "conftest" in rel:
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
                    first = node.body[0]
                    if first.lineno == node.lineno:  # `def f(): return 1`
                        continue
                    found.append((rel, first.lineno, first.col_offset, node.name))
    return found


def failing(before, after):
    """Test nodes that did not fail before and fail (or error) now, by file."""
    def bad(results):
        return {e.rsplit(" ", 1)[0] for lines in results.values() for e in lines
                if e.endswith((" FAILED", " ERROR"))}
    broke = bad(after) - bad(before)
    by_file = {}
    for node in broke:
        by_file.setdefault(node.split("::", 1)[0], set()).add(node)
    return by_file


def affected(repo, *args):
    run = subprocess.run([str(BINARY), "--root", str(repo), "affected", "--format", "json",
                          *args], cwd=repo, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    data = json.loads(run.stdout)
    return {s["path"]: s.get("nodes") for s in data["selected"]}, data["summary"]["tests"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--mutants", type=int, default=40)
    parser.add_argument("--pythonpath", action="append", default=None)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    repo = args.repo.resolve()
    pythonpath = args.pythonpath or ["."]
    python = os.path.abspath(args.python) if os.sep in args.python else args.python
    if subprocess.run(["git", "-C", str(repo), "diff", "--quiet"]).returncode != 0:
        sys.exit(f"{repo}: the working tree has changes; the mutants need a clean one")
    candidates = functions(repo, pythonpath)
    random.Random(args.seed).shuffle(candidates)
    baseline = outcomes(repo, python, pythonpath, [])
    rows = []
    for rel, line, col, name in candidates:
        if len(rows) >= args.mutants:
            break
        path = repo / rel
        original = path.read_bytes()
        lines = original.decode("utf-8").splitlines(keepends=True)
        lines.insert(line - 1, " " * col + "raise RuntimeError('mutant')\n")
        path.write_text("".join(lines), encoding="utf-8")
        try:
            broke = failing(baseline, outcomes(repo, python, pythonpath, []))
            if not broke:
                continue
            by_module, total = affected(repo, rel)
            by_symbol, _ = affected(repo, "--symbols")
        finally:
            path.write_bytes(original)
        missed = sorted(f for f in broke if f not in by_module)
        missed_symbols = sorted(f for f in broke if f not in by_symbol)
        missed_nodes = sorted(
            node for f, nodes in broke.items()
            if f in by_symbol and by_symbol[f] is not None
            for node in nodes
            if node.split("::")[1].split("[")[0] not in by_symbol[f]
        )
        row = {
            "function": f"{rel}:{line - 1} {name}",
            "failing_files": len(broke),
            "failing_tests": sum(len(n) for n in broke.values()),
            "selected": len(by_module),
            "selected_symbols": len(by_symbol),
            "tests": total,
            "missed": missed,
            "missed_symbols": missed_symbols,
            "missed_nodes": missed_nodes,
        }
        rows.append(row)
        print(f"{row['function']:60} breaks {row['failing_files']:3} files; selected "
              f"{row['selected']:3} / --symbols {row['selected_symbols']:3} of {total}; missed "
              f"{len(missed)}/{len(missed_symbols)}/{len(missed_nodes)}", flush=True)
        for item in missed + missed_symbols + missed_nodes:
            print(f"    MISSED {item}", flush=True)
    summary = {
        "repository": repo.name,
        "mutants": len(rows),
        "failing_files": sum(r["failing_files"] for r in rows),
        "missed": sum(len(r["missed"]) for r in rows),
        "missed_symbols": sum(len(r["missed_symbols"]) for r in rows),
        "missed_nodes": sum(len(r["missed_nodes"]) for r in rows),
        "mean_selected": sum(r["selected"] / r["tests"] for r in rows) / max(len(rows), 1),
        "mean_selected_symbols":
            sum(r["selected_symbols"] / r["tests"] for r in rows) / max(len(rows), 1),
        "rows": rows,
    }
    print(f"{repo.name}: {summary['mutants']} mutants noticed by the suite, "
          f"{summary['failing_files']} failing test files; missed {summary['missed']} by "
          f"module, {summary['missed_symbols']} files and {summary['missed_nodes']} tests "
          f"with --symbols; mean selection {summary['mean_selected']:.1%} by module, "
          f"{summary['mean_selected_symbols']:.1%} with --symbols")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
