#!/usr/bin/env python3
"""ssot-graph's `modules` rule (from `init --from tach`) against `tach check` on real
repositories: bench/corpus/tach (fetched, git-ignored; manifest.json and each tree's
saved `tach check --output json`). For each tree: the verdict (any error) and the set of
(file, line) of dependency and layer errors, tach's against ssot-graph's.

    bench/modules_vs_tach.py [DIR ...]
    bench/modules_vs_tach.py --tree DIR --tach TACH   (runs tach there and then; also
        compares `exact`'s unused dependencies and `forbid_circular_dependencies`' cycles,
        which tach prints only as text; exits 1 on any difference)
"""
import re
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
        if any(kind in code for kind in ("UndeclaredDependency", "LayerViolation",
                                         "ClosedLayerViolation", "InvalidImport",
                                         "PrivateImport", "PrivateDependency")):
            found.add((located["file_path"], located["line_number"]))
    return found


def tach_text_findings(text):
    """(module, dependency) pairs `exact` calls unused, and the modules in a declared cycle."""
    unused = set()
    for module, listed in re.findall(r"'([^']+)' does not depend on: \[([^\]]*)\]", text):
        unused |= {(module, d) for d in re.findall(r"'([^']+)'", listed)}
    cycles = set(re.findall(r"Circular dependency detected for module '([^']+)'", text))
    return unused, cycles


def our_text_findings(findings):
    unused, cycles = set(), set()
    for f in findings:
        if f["message"].endswith("(exact)"):
            listed = f["message"].split(" does not depend on ", 1)[1].split(":", 1)[0]
            unused |= {(f["target"], d) for d in re.findall(r"`([^`]+)`", listed)}
        elif f["message"].endswith("(forbid-circular-dependencies)"):
            cycles |= set(f["target"].split(", "))
    return unused, cycles


def ours(tree):
    """ssot-graph's findings on a copy of `tree` after `init --from tach`."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "tree")
        shutil.copytree(tree, copy, symlinks=True)
        shutil.rmtree(os.path.join(copy, "queries"), ignore_errors=True)
        init = subprocess.run([BINARY, "--root", copy, "init", "--from", "tach"], capture_output=True, text=True)
        if not os.path.exists(os.path.join(copy, "queries", "tach.toml")):
            raise RuntimeError(f"init failed: {init.stderr.strip()}")
        check = subprocess.run([BINARY, "--root", copy, "--no-cache", "check", "--format", "json"],
                               capture_output=True, text=True)
        if check.returncode not in (0, 1):
            raise RuntimeError(f"check failed: {check.stderr.strip()[:300]}")
        return json.loads(check.stdout)["findings"]


def one_tree(tree, tach):
    tach = os.path.abspath(tach)
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "tree")  # tach writes its cache into the tree
        shutil.copytree(tree, copy, symlinks=True)
        run = lambda *args: subprocess.run([tach, *args], cwd=copy, capture_output=True, text=True)
        text = run("check")
        entries = run("check", "--output", "json").stdout.strip() or "[]"
    loaded = json.loads(entries)
    # A declared cycle is an object ({"error": ...}): tach reports nothing else.
    theirs_errors = tach_errors(loaded) if isinstance(loaded, list) else set()
    theirs_unused, theirs_cycles = tach_text_findings(text.stdout + text.stderr)
    findings = ours(tree)
    our_errors = {(f["path"], f["line"]) for f in findings
                  if f["rule"].startswith("tach") and f["severity"] == "error" and f["path"] != "queries/tach.toml"}
    our_unused, our_cycles = our_text_findings(findings)
    if theirs_cycles:
        our_errors = set()  # tach stops at the cycle
    differ = False
    for what, theirs, mine in (("import errors", theirs_errors, our_errors),
                               ("unused dependencies", theirs_unused, our_unused),
                               ("declared cycles", theirs_cycles, our_cycles)):
        same = "same" if theirs == mine else "DIFFER"
        differ |= theirs != mine
        print(f"{tree}: {what}: tach {len(theirs)}, ssot-graph {len(mine)}: {same}")
        for missing in sorted(theirs - mine):
            print(f"    tach only: {missing}")
        for extra in sorted(mine - theirs):
            print(f"    ssot-graph only: {extra}")
    return differ


def main():
    if sys.argv[1:2] == ["--tree"]:
        tree, tach = sys.argv[2], sys.argv[sys.argv.index("--tach") + 1]
        sys.exit(1 if one_tree(tree, tach) else 0)
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
        try:
            findings = ours(os.path.join(CORPUS, name))
        except RuntimeError as error:
            print(f"{name}: {error}")
            continue
        ours_set = {(f["path"], f["line"]) for f in findings if f["rule"].startswith("tach")
                    and f["severity"] == "error" and f["path"] != "queries/tach.toml"}
        same = len(theirs & ours_set)
        verdict = "same" if bool(theirs) == bool(ours_set) else "DIFFER"
        print(f"{name:<42} {len(theirs):>5} {len(ours_set):>5} {same:>5} {verdict:>8}")
        for missing in sorted(theirs - ours_set)[:5]:
            print(f"    tach only: {missing}")
        for extra in sorted(ours_set - theirs)[:5]:
            print(f"    ssot-graph only: {extra}")


if __name__ == "__main__":
    main()
