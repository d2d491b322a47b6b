#!/usr/bin/env python3
"""A cold run against ruff's, alternated run by run on the same tree: `ssot-graph
--no-cache stats` (every file read and parsed, nothing kept) against `ruff check
--select F401 --no-cache` (every file parsed, one rule). Prints each one's median and
minimum, and the ratio of the medians. Run it a few times: on a busy or small machine
the medians of separate batches differ by more than the tools do.

    python3 bench/cold_vs_ruff.py TREE [--runs 15] [--binary PATH] [--ruff PATH]

ruff comes from bench/venv (bench/run.sh installs it), the binary from target/release.
"""
import argparse
import os
import statistics

from ab import timed

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "target", "release", "ssot-graph"))
    parser.add_argument("--ruff", default=os.path.join(HERE, "venv", "bin", "ruff"))
    args = parser.parse_args()
    commands = {
        "ruff F401": [args.ruff, "check", "--select", "F401", "--no-cache", "--exit-zero", "-q", args.tree],
        "ssot-graph stats": [args.binary, "--no-cache", "--root", args.tree, "stats"],
    }
    times = {name: [] for name in commands}
    names = list(commands)
    for run in range(args.runs):
        # Each goes first in turn: a run's place in the round is not the same for both.
        for name in names[run % 2:] + names[:run % 2]:
            times[name].append(timed(commands[name]))
    ruff = statistics.median(times["ruff F401"])
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"{name:<17} median {1000 * median:6.0f} ms  min {1000 * min(runs):6.0f} ms  "
              f"ratio {median / ruff:.2f}")


if __name__ == "__main__":
    main()
