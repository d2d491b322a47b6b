#!/usr/bin/env python3
"""Runs each tool on each tree RUNS times (cold: no caches) and prints median times."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")
VENV_BIN = os.path.dirname(sys.executable)


def timed(command, cwd=None):
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_time(command, runs, cwd=None):
    return statistics.median(timed(command, cwd) for _ in range(runs))


def top_package(tree):
    names = [n for n in os.listdir(tree) if os.path.isfile(os.path.join(tree, n, "__init__.py"))]
    return max(names, key=lambda n: sum(len(f) for _, _, f in os.walk(os.path.join(tree, n))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for tree in args.trees:
        tree = os.path.abspath(tree)
        package = top_package(tree)
        stats = json.loads(subprocess.run([BINARY, "--root", tree, "--format", "json", "stats"],
                                          check=True, capture_output=True).stdout)
        grimp = [sys.executable, "-c",
                 f"import sys; sys.path.insert(0, {tree!r}); import grimp; "
                 f"grimp.build_graph({package!r}, cache_dir=None)"]
        ruff = [os.path.join(VENV_BIN, "ruff"), "check", "--select", "F401", "--no-cache",
                "--exit-zero", "--quiet", tree]
        ours = median_time([BINARY, "--no-cache", "--root", tree, "stats"], args.runs)
        theirs = median_time(grimp, args.runs)
        floor = median_time(ruff, args.runs)
        rows.append((package, stats["files"], stats["import_sites"], ours, theirs, floor))
    print(f"{'package':<14} {'files':>6} {'sites':>7} {'ssot-graph':>11} {'grimp':>8} {'ruff F401':>10}"
          f" {'grimp/ours':>11} {'ruff/ours':>10}")
    for package, files, sites, ours, theirs, floor in rows:
        print(f"{package:<14} {files:>6} {sites:>7} {ours:>10.3f}s {theirs:>7.3f}s {floor:>9.3f}s"
              f" {theirs / ours:>10.2f}x {floor / ours:>9.2f}x")


if __name__ == "__main__":
    main()
