#!/usr/bin/env python3
"""ssot-graph's `external` rule (from `init --from tach`) against `tach check-external` on
one tree: the same undeclared imports (file, line, module) and the same unused declared
distributions. Exits 1 on any difference.

    bench/external_vs_tach.py --tree DIR --tach TACH
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")


def key(name):
    return re.sub(r"[-.]", "_", name.lower())


def theirs(tree, tach):
    out = subprocess.run([tach, "check-external"], cwd=tree, capture_output=True, text=True)
    text = out.stdout + out.stderr
    undeclared = set(re.findall(r"\] (\S+?):(\d+): Dependency '([^']+)' is not declared", text))
    unused = {key(d) for d in re.findall(r"External package '([^']+)' is not used", text)}
    return {(f, int(l), m) for f, l, m in undeclared}, unused


def ours(tree, tach):
    subprocess.run([BINARY, "--root", tree, "init", "--from", "tach"], capture_output=True, text=True)
    # The distributions an import comes from are read from the environment tach runs in.
    environment = dict(os.environ, VIRTUAL_ENV=os.path.dirname(os.path.dirname(tach)))
    check = subprocess.run([BINARY, "--root", tree, "--no-cache", "check", "--format", "json"],
                           capture_output=True, text=True, env=environment)
    if check.returncode not in (0, 1):
        sys.exit(f"check failed: {check.stderr.strip()[:300]}")
    undeclared, unused = set(), set()
    for f in json.loads(check.stdout)["findings"]:
        if f["rule"] != "tach-external":
            continue
        named = re.findall(r"`([^`]+)`", f["message"])[0]
        if "is imported but not declared" in f["message"]:
            undeclared.add((f["path"], f["line"], named))
        else:
            unused.add(key(named))
    return undeclared, unused


def main():
    tree, tach = sys.argv[sys.argv.index("--tree") + 1], os.path.abspath(sys.argv[sys.argv.index("--tach") + 1])
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "tree")
        shutil.copytree(tree, copy, symlinks=True)
        subprocess.run(["git", "init", "-q", copy], check=True)
        t_undeclared, t_unused = theirs(copy, tach)
        o_undeclared, o_unused = ours(copy, tach)
    differ = False
    for what, a, b in (("undeclared imports", t_undeclared, o_undeclared),
                       ("unused declarations", t_unused, o_unused)):
        differ |= a != b
        print(f"{tree}: {what}: tach {len(a)}, ssot-graph {len(b)}: {'same' if a == b else 'DIFFER'}")
        for missing in sorted(a - b):
            print(f"    tach only: {missing}")
        for extra in sorted(b - a):
            print(f"    ssot-graph only: {extra}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
