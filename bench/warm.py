#!/usr/bin/env python3
"""Cold and warm runs: what the incremental cache saves.

For each tree: `stats` and `check FILE` without the cache (--no-cache), the first run
that writes the cache, warm runs with nothing changed, and warm `check FILE` right after
FILE was edited (a comment appended before each run: the pre-commit case). Medians of
RUNS; the edited file is restored afterwards.

    python3 bench/warm.py [--runs 11] TREE:FILE[:RULES_DIR] ...

bench/run.sh fetches the trees; bench/ha-rules holds five rules for Home Assistant.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")


def timed(command, cwd):
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_ms(runs, command, cwd, before=None):
    times = []
    for _ in range(runs):
        if before:
            before()
        times.append(timed(command, cwd))
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="+", help="TREE:FILE[:RULES_DIR]")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    print(f"{'tree':<14} {'file':<44} {'run':<28} {'stats ms':>8} {'check FILE ms':>13}")
    for case in args.cases:
        tree, file, *rules = case.split(":")
        tree = os.path.abspath(tree)
        config = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
        if rules:
            config.write(f"queries = {os.path.abspath(rules[0])!r}\n")
        config.close()
        base = [BINARY, "--root", ".", "--config", config.name]
        cache = os.path.join(tree, ".ssot-graph-cache")
        path = os.path.join(tree, file)
        with open(path, "rb") as handle:
            original = handle.read()
        edits = iter(range(10**9))

        def edit():
            with open(path, "wb") as handle:
                handle.write(original + f"\n# edit {next(edits)}\n".encode())

        def clear():
            shutil.rmtree(cache, ignore_errors=True)

        try:
            rows = [
                ("cold (--no-cache)", [*base, "--no-cache", "stats"],
                 [*base, "--no-cache", "check", file], None),
                ("first run, writes the cache", [*base, "stats"], [*base, "check", file], clear),
                ("warm, nothing changed", [*base, "stats"], [*base, "check", file], None),
                ("warm, FILE just edited", [*base, "stats"], [*base, "check", file], edit),
            ]
            name = os.path.basename(tree)
            for label, stats, check, before in rows:
                subprocess.run(check, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                s = median_ms(args.runs, stats, tree, before)
                c = median_ms(args.runs, check, tree, before)
                print(f"{name:<14} {file:<44} {label:<28} {s:>8.0f} {c:>13.0f}")
        finally:
            with open(path, "wb") as handle:
                handle.write(original)
            os.unlink(config.name)


if __name__ == "__main__":
    main()
