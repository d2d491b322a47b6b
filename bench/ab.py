#!/usr/bin/env python3
"""Two builds of ssot-graph on the same tree, alternated run by run: did a change make
it slower? Prints the median of each and their ratio, per command.

    python3 bench/ab.py [--runs 11] OLD_BINARY NEW_BINARY TREE[:FILE]

Commands: `stats` without the cache (cold), `check` with a warm cache, and, with FILE,
`check FILE` right after FILE was edited (a comment appended; restored afterwards).
Each binary runs on its own copy of the tree (in a temporary folder), so neither reads
the other's cache snapshot.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def timed(command):
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("tree")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    tree, _, edited = args.tree.partition(":")
    scratch = tempfile.mkdtemp(prefix="ab-")
    trees = {}
    for label, binary in (("old", args.old), ("new", args.new)):
        trees[binary] = os.path.join(scratch, label)
        shutil.copytree(tree, trees[binary], symlinks=True,
                        ignore=shutil.ignore_patterns(".ssot-graph-cache"))
    cases = [
        ("stats, cold", lambda b: [b, "--root", trees[b], "--no-cache", "stats"], False),
        ("check, warm", lambda b: [b, "--root", trees[b], "check"], False),
    ]
    if edited:
        cases.append(("check FILE, edited",
                      lambda b: [b, "--root", trees[b], "check", os.path.join(trees[b], edited)],
                      True))
    try:
        print(f"{'command':<20} {'old':>9} {'new':>9} {'new/old':>8}")
        for name, make, edits in cases:
            times = {args.old: [], args.new: []}
            for binary in times:
                timed(make(binary))  # writes the cache, fills the page cache
            for _ in range(args.runs):
                for binary in (args.old, args.new):
                    if edits:
                        with open(os.path.join(trees[binary], edited), "a") as f:
                            f.write("# edited\n")
                    times[binary].append(timed(make(binary)))
            old = statistics.median(times[args.old])
            new = statistics.median(times[args.new])
            print(f"{name:<20} {old * 1000:>7.1f}ms {new * 1000:>7.1f}ms {new / old:>7.2f}x",
                  flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
