#!/usr/bin/env python3
"""The cost of a warm `ssot-graph affected --since HEAD` right after a file was edited,
beside `ruff check` of that file, alternated run by run in the same minute.

    python3 bench/affected_speed.py [--runs 15] [--symbols] TREE FILE

TREE must be a git repository (bench/corpus/ha-git is made from the Home Assistant
wheel by `--make-ha`); FILE (relative to TREE) gets a comment appended before each pair
of runs, as an editor saves, and is restored at the end. Two figures: the first run
after each edit (the snapshot takes the edit in) and the run right after it (nothing
changed since). Prints medians and the ratio to ruff (issue 47's bar: 50 ms warm).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ab import timed  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")


def make_ha(target):
    """A git repository of the Home Assistant wheel's sources (6,725 files)."""
    source = os.path.join(HERE, "corpus", "real-homeassistant-1", "homeassistant_01")
    if os.path.isdir(os.path.join(target, ".git")):
        return
    shutil.copytree(source, os.path.join(target, "homeassistant_01"))
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "tree"]):
        subprocess.run(["git", "-C", target, *args], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", nargs="?")
    parser.add_argument("file", nargs="?")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--symbols", action="store_true")
    parser.add_argument("--ruff", default=os.path.join(HERE, "venv", "bin", "ruff"))
    parser.add_argument("--make-ha", action="store_true",
                        help="make bench/corpus/ha-git and measure on it")
    args = parser.parse_args()
    if args.make_ha:
        args.tree = os.path.join(HERE, "corpus", "ha-git")
        args.file = args.file or "homeassistant_01/components/light/__init__.py"
        make_ha(args.tree)
    edited = os.path.join(args.tree, args.file)
    ours = [BINARY, "--root", args.tree, "-q", "affected", "--since", "HEAD"]
    if args.symbols:
        ours.append("--symbols")
    ruff = [args.ruff, "check", "--quiet", "--exit-zero", edited]
    subprocess.run(ours, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    original = open(edited, "rb").read()
    after_edit, again, theirs = [], [], []
    try:
        for run in range(args.runs):
            with open(edited, "ab") as f:
                f.write(f"\n# edit {run}\n".encode())
            after_edit.append(timed(ours))
            again.append(timed(ours))
            theirs.append(timed(ruff))
    finally:
        with open(edited, "wb") as f:
            f.write(original)
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    print(f"{args.tree} {args.file}{' --symbols' if args.symbols else ''}: "
          f"affected after an edit {ms(after_edit):.1f} ms, again {ms(again):.1f} ms; "
          f"ruff check FILE {ms(theirs):.1f} ms "
          f"({ms(after_edit) / ms(theirs):.1f}x, {ms(again) / ms(theirs):.1f}x); "
          f"medians of {args.runs}")


if __name__ == "__main__":
    main()
