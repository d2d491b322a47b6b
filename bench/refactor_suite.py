#!/usr/bin/env python3
"""A real package's own test suite before and after ssot-graph rewrites it. On a copy of
TREE (a source checkout with its tests): run the suite, run each --command (any
ssot-graph command line: `rename`, `move`, `fix`), run the suite again; a test that
passed before and fails after is a rewrite that changed behaviour. ruff's I and F401
findings are compared too.

    python3 bench/refactor_suite.py TREE --tests tests --command "rename pkg.mod.A B" ...
        [--python bench/venv/bin/python] [--pytest-arg=-W=ignore::DeprecationWarning]

Exits 1 when a test broke, a command was refused, or ruff found something new.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from trees import scratch_copy  # noqa: E402


def outcomes(python, tree, tests, extra=()):
    report = os.path.join(tree, ".suite.xml")
    subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    f"--junit-xml={report}", *extra, tests],
                   cwd=tree, capture_output=True, text=True)
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        failed = any(child.tag in ("failure", "error") for child in case)
        results[name] = "failed" if failed else "passed"
    os.remove(report)
    return results


def ruff_findings(ruff, tree):
    out = subprocess.run([ruff, "check", "--select", "I,F401", "--no-cache",
                          "--output-format", "json", "."],
                         cwd=tree, capture_output=True, text=True).stdout
    # Keyed by file name, not path: a module the rewrite moves keeps the findings it had.
    return collections.Counter((os.path.basename(f["filename"]), f["code"], f["message"])
                               for f in json.loads(out or "[]"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--tests", default="tests")
    parser.add_argument("--pytest-arg", action="append", default=[],
                        help="passed to pytest (e.g. -W=ignore::DeprecationWarning)")
    parser.add_argument("--command", action="append", required=True)
    parser.add_argument("--python", default=os.path.join(HERE, "venv", "bin", "python"))
    parser.add_argument("--ruff", default=os.path.join(HERE, "venv", "bin", "ruff"))
    parser.add_argument(
        "--binary", default=os.path.join(HERE, "..", "target", "release", "ssot-graph"))
    args = parser.parse_args()
    with scratch_copy(args.tree, "refactor-suite-", None) as copy:
        before = outcomes(args.python, copy, args.tests, args.pytest_arg)
        ruff_before = ruff_findings(os.path.abspath(args.ruff), copy)
        refused = []
        for command in args.command:
            done = subprocess.run([args.binary, "--root", copy, *command.split()],
                                  capture_output=True, text=True)
            last = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or [""])[-1]
            print(f"{command}: {last}")
            if done.returncode == 2:
                refused.append(command)
        after = outcomes(args.python, copy, args.tests, args.pytest_arg)
        broken = sorted(t for t, r in after.items() if r == "failed" and before.get(t) == "passed")
        gone = sorted(t for t in before if t not in after)
        new = ruff_findings(os.path.abspath(args.ruff), copy) - ruff_before
        passed = sum(1 for r in before.values() if r == "passed")
        print(f"suite: {passed} of {len(before)} passed before; after: "
              f"{sum(1 for r in after.values() if r == 'passed')} of {len(after)}; "
              f"{len(broken)} broken, {len(gone)} no longer collected; "
              f"{sum(new.values())} new ruff I/F401 findings")
        for test in broken[:20] + gone[:20]:
            print(f"  {test}")
        for (path, code, message), n in sorted(new.items())[:20]:
            print(f"  {path}: {code} {message}")
        return 1 if broken or gone or new or refused else 0


if __name__ == "__main__":
    sys.exit(main())
