#!/usr/bin/env python3
"""ssot-graph's contracts against `lint-imports` on real repositories.

    bench/contracts_vs_import_linter.py [--binary target/release/ssot-graph] [DIR ...]

For each tree of bench/corpus/il/manifest.json (the repositories with their own
import-linter configuration, and broken variants; their `lint-imports` output is saved
beside them), copies the tree to a temporary folder, runs `ssot-graph init --from
import-linter CONFIG` and `ssot-graph check --format json`, and compares, contract by
contract, the kept/broken verdict and the set of illegal (importer, imported)
dependencies `lint-imports` printed. Prints one line per contract and a table row per
repository; exits 1 when any verdict differs.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus", "il")


def lint_imports_contracts(text):
    """{contract name: (verdict, {(importer, imported)})} from a saved lint-imports run."""
    verdicts = {}
    for line in text.splitlines():
        match = re.match(r"^(.*) (KEPT|BROKEN)( \(.*\))?$", line)
        if match:
            verdicts[match.group(1).strip()] = (match.group(2), set())
    current = None
    protected = None
    ancestor = None
    lines = text.splitlines()
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line in verdicts and set(following) == {"-"}:
            current = line
            continue
        match = re.match(r"^(\S+) is not allowed to import (\S+):$", line)
        if match and current:
            verdicts[current][1].add((match.group(1), match.group(2)))
        match = re.match(r"^Illegal imports of protected package (\S+?):?$", line)
        if match and current:
            protected = match.group(1)
        match = re.match(r"^- (\S+) -> \S+ \(l\.", line)
        if match and current and protected:
            verdicts[current][1].add((match.group(1), protected))
        if line in verdicts:
            protected = None
            ancestor = None
        match = re.match(r"^No cycles are allowed in (\S+)\.$", line)
        if match and current:
            ancestor = match.group(1)
        match = re.match(r"^- \.(\S+) -> \.(\S+) \(\d+ imports?\)$", line)
        if match and current and ancestor:
            verdicts[current][1].add((f"{ancestor}.{match.group(1)}", f"{ancestor}.{match.group(2)}"))
    return verdicts


def rule_names(rules_text):
    """{rule id: contract name} from the comments `init --from` writes."""
    names = {}
    pending = None
    for line in rules_text.splitlines():
        match = re.match(r"^# import-linter contract `(.*)` \((.*)\) in ", line)
        if match:
            pending = match.group(2)
        match = re.match(r'^id = "(.*)"$', line)
        if match and pending is not None:
            # lint-imports prints a name without what rich takes for markup (`[...]`).
            names[match.group(1)] = re.sub(r"\[[^\]]*\]", "", pending).strip()
            pending = None
    return names


def packages_of(rules_text):
    """{rule id: [package names]} the contract names, to lift module pairs to them."""
    found = {}
    rule = None
    for line in rules_text.splitlines():
        match = re.match(r'^id = "(.*)"$', line)
        if match:
            rule = match.group(1)
            found[rule] = []
        if line.startswith("kind = ") and "forbidden" not in line:
            rule = None  # other kinds name their packages in their messages already
        for name in re.findall(r'"([A-Za-z_][\w.]*?)(?:\.\*\*)?"', line):
            if rule and not line.startswith(("id", "kind")):
                found[rule].append(name)
    return found


def lift(module, packages):
    best = None
    for package in packages:
        if module == package or module.startswith(package + "."):
            if best is None or len(package) > len(best):
                best = package
    return best or module


def ssot_contracts(findings, rules_text):
    """{rule id: {(importer, imported)}} of the error findings of each contract."""
    packages = packages_of(rules_text)
    pairs = {}
    for finding in findings:
        if finding["severity"] != "error":
            continue
        rule = finding["rule"]
        match = re.match(r"^`([^`]+)` must not (?:import|depend on) `([^`]+)`", finding["message"])
        pair = None
        if match:
            known = packages.get(rule, [])
            pair = (lift(match.group(1), known), lift(match.group(2), known))
        pairs.setdefault(rule, set())
        if pair:
            pairs[rule].add(pair)
    return pairs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="*")
    parser.add_argument("--tree", help="a tree outside the corpus: run lint-imports on it now")
    parser.add_argument("--config", default=".importlinter", help="with --tree: its config file")
    parser.add_argument("--pythonpath", default=".", help="with --tree: where its root packages are")
    parser.add_argument("--lint-imports", default="lint-imports", help="with --tree: the executable")
    parser.add_argument("--binary", default=os.path.join(HERE, "..", "target", "release", "ssot-graph"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if args.tree:
        tree = os.path.abspath(args.tree)
        started = time.perf_counter()
        env = dict(os.environ, PYTHONPATH=os.path.join(tree, args.pythonpath), COLUMNS="250")
        run = subprocess.run([args.lint_imports, "--no-cache", "--no-logo", args.config], cwd=tree,
                             capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - started
        saved = os.path.join(tempfile.mkdtemp(), "tree")
        manifest = [{"dir": saved, "kept": 0, "config_file": args.config, "seconds": seconds,
                     "saved": run.stdout + run.stderr, "source": tree}]
    else:
        manifest = json.load(open(os.path.join(CORPUS, "manifest.json")))
    differ = 0
    rows = []
    for entry in manifest:
        if entry["kept"] is None or (args.dirs and entry["dir"] not in args.dirs):
            continue
        saved = entry.get("saved") or open(os.path.join(CORPUS, entry["dir"] + ".lint-imports.txt")).read()
        theirs = lint_imports_contracts(saved)
        with tempfile.TemporaryDirectory() as tmp:
            tree = os.path.join(tmp, "tree")
            shutil.copytree(entry.get("source") or os.path.join(CORPUS, entry["dir"]), tree, symlinks=True)
            shutil.rmtree(os.path.join(tree, "queries"), ignore_errors=True)
            init = subprocess.run([binary, "--root", tree, "init", "--from", "import-linter",
                                   entry["config_file"]], capture_output=True, text=True)
            notes = [l for l in init.stdout.splitlines() if "not carried over" in l]
            rules_path = os.path.join(tree, "queries", "import-linter.toml")
            if not os.path.exists(rules_path):
                print(f"{entry['dir']}: init failed: {init.stderr.strip()}")
                differ += 1
                continue
            rules_text = open(rules_path).read()
            started = time.perf_counter()
            check = subprocess.run([binary, "--root", tree, "--no-cache", "check", "--format", "json"],
                                   capture_output=True, text=True)
            seconds = time.perf_counter() - started
            if check.returncode not in (0, 1):
                print(f"{entry['dir']}: check failed: {check.stderr.strip()}")
                differ += 1
                continue
            findings = json.loads(check.stdout)["findings"]
        ours = ssot_contracts(findings, rules_text)
        names = rule_names(rules_text)
        same_verdicts = same_pairs = total = 0
        for rule, name in names.items():
            if name not in theirs:
                continue
            total += 1
            verdict, their_pairs = theirs[name]
            our_pairs = ours.get(rule, set())
            our_verdict = "BROKEN" if our_pairs or rule in ours else "KEPT"
            verdict_ok = our_verdict == verdict
            pairs_ok = our_pairs == their_pairs
            same_verdicts += verdict_ok
            same_pairs += pairs_ok
            if not (verdict_ok and pairs_ok):
                differ += 1
                print(f"  {entry['dir']}: {name}: lint-imports {verdict} {sorted(their_pairs)}; "
                      f"ssot-graph {our_verdict} {sorted(our_pairs)}")
        skipped = len(theirs) - total
        rows.append((entry["dir"], total, same_verdicts, same_pairs, skipped, seconds, entry["seconds"]))
        for note in notes:
            print(f"  {entry['dir']}: {note}")
    print(f"\n{'tree':<50} {'contracts':>9} {'verdict=':>9} {'pairs=':>7} {'skipped':>8} {'ssot s':>7} {'li s':>6}")
    for row in rows:
        print(f"{row[0]:<50} {row[1]:>9} {row[2]:>9} {row[3]:>7} {row[4]:>8} {row[5]:>7.2f} {row[6]:>6.2f}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
