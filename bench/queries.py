#!/usr/bin/env python3
"""Times each query command on Home Assistant (cold, median of RUNS) next to grimp doing
the nearest equivalent from scratch (build_graph + the query).

    bench/venv/bin/python bench/queries.py bench/corpus/homeassistant [--runs 5]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")

QUERIES = [
    ("stats", ["stats"], None),
    ("importers of a class (4,365 sites)", ["importers", "homeassistant.core.HomeAssistant"],
     None),
    ("importers of a module --transitive", ["importers", "homeassistant.core", "--transitive"],
     "graph.find_upstream_modules('homeassistant.core', as_package=False)"),
    ("path --all", ["path", "homeassistant.components.zha.light", "homeassistant.util.dt",
                    "--all"],
     "graph.find_shortest_chain(importer='homeassistant.components.zha.light', "
     "imported='homeassistant.util.dt')"),
    ("cycles", ["cycles"], None),
    ("duplicates", ["duplicates"], None),
]


def timed(command):
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tree = os.path.abspath(args.tree)
    print(f"{'query':<38} {'ssot-graph':>10} {'grimp':>8}")
    for label, query, grimp_query in QUERIES:
        ours = statistics.median(timed([BINARY, "--no-cache", "--root", tree, *query]) for _ in range(args.runs))
        theirs = ""
        if grimp_query:
            script = (f"import sys; sys.path.insert(0, {tree!r}); import grimp; "
                      f"graph = grimp.build_graph('homeassistant', cache_dir=None); {grimp_query}")
            seconds = statistics.median(timed([sys.executable, "-c", script])
                                        for _ in range(args.runs))
            theirs = f"{seconds:.3f}s"
        print(f"{label:<38} {ours:>9.3f}s {theirs:>8}")


if __name__ == "__main__":
    main()
