#!/usr/bin/env python3
"""ssot-graph's `modules` rule (from `init --from tach`) against `tach check` on real
repositories: bench/corpus/tach (fetched, git-ignored; manifest.json and each tree's
saved `tach check --output json`). For each tree: the verdict (any error) and the set of
(file, line) of dependency and layer errors, tach's against ssot-graph's.

    bench/modules_vs_tach.py [DIR ...]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus", "tach")
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")


def tach_errors(entries):
    found = set()
    for entry in entries:
        located = entry.get("Located")
        if not located or located.get("severity") != "Error":
            continue
        code = located["details"].get("Code", {})
        if any(kind in code for kind in ("UndeclaredDependency", "LayerViolation", "InvalidImport",
                                         "PrivateImport", "PrivateDependency")):
            found.add((located["file_path"], located["line_number"]))
    return found


def main():
    manifest = json.load(open(os.path.join(CORPUS, "manifest.json")))
    wanted = sys.argv[1:]
    print(f"{'tree':<42} {'tach':>5} {'ours':>5} {'same':>5} {'verdict':>8}")
    for entry in manifest:
        name = entry["dir"]
        if wanted and name not in wanted:
            continue
        saved = os.path.join(CORPUS, name + ".tach-check.json")
        if not os.path.exists(saved):
            continue
        text = open(saved).read().strip() or "[]"
        theirs = tach_errors(json.loads(text))
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "tree")
            shutil.copytree(os.path.join(CORPUS, name), tree, symlinks=True)
            shutil.rmtree(os.path.join(tree, "queries"), ignore_errors=True)
            init = subprocess.run([BINARY, "--root", tree, "init", "--from", "tach"], capture_output=True, text=True)
            if not os.path.exists(os.path.join(tree, "queries", "tach.toml")):
                print(f"{name}: init failed: {init.stderr.strip()}")
                continue
            check = subprocess.run([BINARY, "--root", tree, "--no-cache", "check", "--format", "json"],
                                   capture_output=True, text=True)
            if check.returncode not in (0, 1):
                print(f"{name}: check failed: {check.stderr.strip()[:300]}")
                continue
            findings = json.loads(check.stdout)["findings"]
        ours = {(f["path"], f["line"]) for f in findings if f["rule"].startswith("tach") and f["severity"] == "error"}
        same = len(theirs & ours)
        verdict = "same" if bool(theirs) == bool(ours) else "DIFFER"
        print(f"{name:<42} {len(theirs):>5} {len(ours):>5} {same:>5} {verdict:>8}")
        for missing in sorted(theirs - ours)[:5]:
            print(f"    tach only: {missing}")
        for extra in sorted(ours - theirs)[:5]:
            print(f"    ssot-graph only: {extra}")


if __name__ == "__main__":
    main()
