#!/usr/bin/env python3
"""The hook's cost: a warm `ssot-graph check FILE` right after FILE was edited, against
`ruff check FILE` on the same file, alternated run by run in the same minute.

    python3 bench/hook_vs_ruff.py [--runs 21] [--ruff PATH] TREE FILE

TREE gets a warm snapshot first; FILE (relative to TREE) is edited before each pair of
runs (a comment appended, as an editor saves) and restored at the end. Prints both
medians and their ratio (issue 41's bar: at most 3x ruff).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ab import timed  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--ruff", default=os.path.join(HERE, "venv", "bin", "ruff"))
    parser.add_argument("--binary", default=BINARY)
    args = parser.parse_args()
    edited = os.path.join(args.tree, args.file)
    ours = [args.binary, "--root", args.tree, "check", edited]
    ruff = [args.ruff, "check", "--quiet", "--exit-zero", edited]
    subprocess.run([args.binary, "--root", args.tree, "stats"], stdout=subprocess.DEVNULL)
    # A snapshot is trusted only once the clock has moved past its files' times.
    time.sleep(3)
    original = open(edited, "rb").read()
    ssot, theirs = [], []
    try:
        for run in range(args.runs):
            with open(edited, "wb") as f:
                f.write(original + b"# edit %d\n" % run)
            time.sleep(0.3)
            if run % 2:
                theirs.append(timed(ruff))
                ssot.append(timed(ours))
            else:
                ssot.append(timed(ours))
                theirs.append(timed(ruff))
    finally:
        with open(edited, "wb") as f:
            f.write(original)
    a, b = statistics.median(ssot) * 1000, statistics.median(theirs) * 1000
    print(f"check FILE {a:.1f} ms, ruff check FILE {b:.1f} ms, ratio {a / b:.2f}")


if __name__ == "__main__":
    main()
