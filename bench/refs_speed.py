#!/usr/bin/env python3
"""The speed and memory bars of references, measured in one alternating loop:

    bench/refs_speed.py OLD NEW TREE TARGET [--runs 11]

OLD is a build from before references (for `stats`); NEW the build under test. Each
round, on TREE with its cache removed before every cold run: cold `stats` with OLD, cold
`stats` with NEW, cold `refs TARGET` with NEW, then (once the cache has settled: a
snapshot taken within two seconds of a directory change is re-walked) warm `refs TARGET`
and warm `stats` with NEW. Prints the medians (wall seconds, peak RSS) and the ratios the bars name.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import time


def timed(command, cwd):
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{command} failed")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("tree")
    parser.add_argument("target")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    cache = os.path.join(args.tree, ".ssot-graph-cache")
    runs = {name: [] for name in
            ("cold stats old", "cold stats new", "cold refs new", "warm refs new",
             "warm stats new")}
    for _ in range(args.runs):
        for name, binary, command in (
            ("cold stats old", args.old, ["stats"]),
            ("cold stats new", args.new, ["stats"]),
            ("cold refs new", args.new, ["refs", args.target]),
        ):
            shutil.rmtree(cache, ignore_errors=True)
            runs[name].append(timed([binary, "--root", args.tree] + command, args.tree))
        # A cache folder made less than two seconds before a walk leaves the walk's stamps
        # untrusted: settle as a user's next run would, then time the warm run.
        for _ in range(2):
            time.sleep(2.2)
            timed([args.new, "--root", args.tree, "stats"], args.tree)
        runs["warm refs new"].append(
            timed([args.new, "--root", args.tree, "refs", args.target], args.tree))
        runs["warm stats new"].append(
            timed([args.new, "--root", args.tree, "stats"], args.tree))
    medians = {}
    for name, samples in runs.items():
        wall, rss, cpu = (statistics.median(s[i] for s in samples) for i in range(3))
        medians[name] = (wall, rss, cpu)
        print(f"{name:<16} {wall * 1000:8.1f} ms wall  {cpu * 1000:8.1f} ms CPU  {rss:7.1f} MB")
    old, new = medians["cold stats old"], medians["cold stats new"]
    refs = medians["cold refs new"]
    print(f"cold stats new/old   {new[0] / old[0]:.2f}x wall, {new[2] / old[2]:.2f}x CPU, "
          f"{new[1] / old[1]:.2f}x memory")
    print(f"cold refs / stats    {refs[0] / new[0]:.2f}x wall, {refs[2] / new[2]:.2f}x CPU, "
          f"{refs[1] / old[1]:.2f}x memory of the old stats")
    print(f"warm refs            {medians['warm refs new'][0] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
