#!/usr/bin/env python3
"""Whole-process time of the converted contracts against `lint-imports --no-cache` on
the same tree, alternating, medians; and a warm `check FILE` against `ruff check FILE`.

    bench/contracts_speed.py DIR [DIR ...] [--runs 9]

Each DIR is a tree of bench/corpus/il (its manifest gives the config file and
PYTHONPATH); it is copied to a temporary folder and converted with `init --from
import-linter` first.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus", "il")
VENV = os.path.join(HERE, "venv", "bin")


def timed(command, cwd, env=None):
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "target", "release", "ssot-graph"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    manifest = {e["dir"]: e for e in json.load(open(os.path.join(CORPUS, "manifest.json")))}
    print(f"{'tree':<45} {'ssot cold':>9} {'lint-imp':>9} {'ratio':>6} {'warm FILE':>9} {'ruff':>6} {'ratio':>6}")
    for name in args.dirs:
        entry = manifest[name]
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "tree")
            shutil.copytree(os.path.join(CORPUS, name), tree, symlinks=True)
            shutil.rmtree(os.path.join(tree, "queries"), ignore_errors=True)
            subprocess.run([binary, "--root", tree, "init", "--from", "import-linter",
                            entry["config_file"]], capture_output=True, check=False)
            env = dict(os.environ, PYTHONPATH=os.path.join(tree, entry["pythonpath"]))
            # A file the contracts are about: the first module outside the tests.
            sample = None
            for root, _, names in os.walk(tree):
                py = sorted(n for n in names if n.endswith(".py") and n != "__init__.py")
                if py and "test" not in root:
                    sample = os.path.join(root, py[0])
                    break
            ours, theirs, warm, ruff = [], [], [], []
            # A snapshot taken within two seconds of a folder's change is re-walked: settle
            # as a user's next run would.
            for _ in range(2):
                time.sleep(2.2)
                subprocess.run([binary, "--root", tree, "check", sample], capture_output=True)
            for _ in range(args.runs):
                ours.append(timed([binary, "--root", tree, "--no-cache", "check"], tree))
                theirs.append(timed([os.path.join(VENV, "lint-imports"), "--no-cache", entry["config_file"]],
                                    tree, env))
                warm.append(timed([binary, "--root", tree, "check", sample], tree))
                ruff.append(timed([os.path.join(VENV, "ruff"), "check", "--no-cache", "--isolated", sample], tree))
            o, t, w, r = (statistics.median(x) for x in (ours, theirs, warm, ruff))
            print(f"{name:<45} {o * 1000:7.0f}ms {t * 1000:7.0f}ms {o / t:6.2f} {w * 1000:7.1f}ms "
                  f"{r * 1000:4.1f}ms {w / r:6.2f}")


if __name__ == "__main__":
    main()
