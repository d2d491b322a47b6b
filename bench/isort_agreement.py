#!/usr/bin/env python3
"""Does ssot-graph judge import blocks as ruff's I001 does? On a copy of TREE:

1. `ruff check --select I001 --fix`: every block is now sorted as ruff sorts it, with the
   settings the copy holds (none: ruff's defaults; --config adds a ruff.toml);
2. ssot-graph's isort style judges every block of every file (examples/isort_judge.rs);
   a block judged "unsorted" is a disagreement: a rewrite there would reorder a block
   ruff considers sorted.

    python3 bench/isort_agreement.py TREE [--ruff PATH] [--config TOML] [--limit N]

Prints the counts and the first disagreements with ruff's and ssot-graph's text.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from trees import scratch_copy  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--ruff", default=os.path.join(HERE, "venv", "bin", "ruff"))
    parser.add_argument("--config", help="ruff.toml text to put at the copy's root")
    parser.add_argument("--limit", type=int, default=0, help="at most N files")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args()
    args.ruff = os.path.abspath(args.ruff)
    subprocess.run(
        ["cargo", "build", "--release", "-q", "--example", "isort_judge"],
        cwd=os.path.join(HERE, ".."),
        check=True,
    )
    judge = os.path.join(HERE, "..", "target", "release", "examples", "isort_judge")
    with scratch_copy(args.tree, "isort-agreement-", args.config) as copy:
        files = []
        for dirpath, _, names in os.walk(copy):
            files += [os.path.join(dirpath, n) for n in names if n.endswith(".py")]
        files.sort()
        if args.limit:
            files = files[: args.limit]
        subprocess.run(
            [args.ruff, "check", "--select", "I001", "--fix", "--quiet", "--exit-zero",
             "--no-cache", *files],
            cwd=copy, check=True,
        )
        verdicts = subprocess.run(
            [judge, copy], input="\n".join(files), capture_output=True, text=True, check=True,
        ).stdout.splitlines()
        counts = {}
        wrong = []
        for line in verdicts:
            path, kind, start, end, ours = line.split("\t")
            counts[kind] = counts.get(kind, 0) + 1
            if kind == "unsorted":
                wrong.append((path, int(start), int(end), json.loads(ours)))
        total = sum(counts.values())
        print(f"{len(files)} files, {total} import blocks after ruff's fix: "
              + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())))
        for path, start, end, ours in wrong[: args.show]:
            text = open(path).read()
            print(f"--- {os.path.relpath(path, copy)} bytes {start}-{end}")
            print("".join(difflib.unified_diff(
                text[start:end].splitlines(True), ours.splitlines(True), "ruff", "ssot-graph")))
        return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
