#!/usr/bin/env python3
"""The cache must never change an answer: on a real tree, edits sampled files (a comment
appended; the first one-line `from` import dropped, which breaks or reroutes imports)
and compares `check FILE`, `check` of a file beside it (which may read the edit without
naming it) and `stats` (timings aside) with and without the cache.
Each file is restored afterwards. Run one at a time on a tree: it edits files.

    python3 bench/cache_equivalence.py TREE [--rules DIR] [--files 14] [--seed 1]

On the renamed copies of bench/real_copies.py, pass `--rules bench/ha01-rules` (the rules
of bench/ha-rules, which name `homeassistant`, would match nothing there).
"""
import argparse
import glob
import json
import os
import random
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")


def answer(tree, config, args):
    result = subprocess.run([BINARY, "--root", ".", "--config", config, *args], cwd=tree,
                            capture_output=True, text=True)
    output = result.stdout
    if "stats" in args:
        data = json.loads(output)
        data.pop("timings_ms", None)
        output = json.dumps(data)
    return result.returncode, output


def edits(text):
    yield text + "\n# edited\n"
    lines = text.splitlines(True)
    first = next((i for i, l in enumerate(lines) if l.startswith("from ") and "(" not in l), None)
    if first is not None:
        yield "".join(lines[:first] + lines[first + 1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--rules")
    parser.add_argument("--files", type=int, default=14)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tree = os.path.abspath(args.tree)
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as config:
        if args.rules:
            config.write(f"queries = {os.path.abspath(args.rules)!r}\n")
    files = sorted(os.path.relpath(p, tree)
                   for p in glob.glob(os.path.join(tree, "**", "*.py"), recursive=True))
    random.seed(args.seed)
    compared = differ = 0
    for file in random.sample(files, min(args.files, len(files))):
        path = os.path.join(tree, file)
        with open(path, "rb") as handle:
            original = handle.read()
        try:
            for edited in edits(original.decode("utf-8", "replace")):
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(edited)
                # A sibling in the same package often imports the edited file: `check`
                # of it reads the edit without having compared the edited file up front.
                siblings = sorted(f for f in files
                                  if os.path.dirname(f) == os.path.dirname(file) and f != file)
                commands = [["check", file, "--format", "json"], ["stats", "--format", "json"]]
                if siblings:
                    commands.append(["check", random.choice(siblings), "--format", "json"])
                for command in commands:
                    compared += 1
                    if answer(tree, config.name, command) != answer(tree, config.name, ["--no-cache", *command]):
                        differ += 1
                        print(f"differs: {' '.join(command)} after editing {file}")
        finally:
            with open(path, "wb") as handle:
                handle.write(original)
    os.unlink(config.name)
    print(f"{compared} answers compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
