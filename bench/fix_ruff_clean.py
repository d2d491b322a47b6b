#!/usr/bin/env python3
"""Does `fix` leave a tree as clean as ruff's import checks found it? On a copy of TREE:

1. `ruff check --select I,F401 --fix` cleans what ruff fixes safely (with the ruff
   settings the copy holds, or --config's); what it leaves is counted;
2. `ssot-graph fix` with one `canonical` rule per --symbol, then each --command (any
   ssot-graph command line: `move pkg.mod.Name --to pkg.other`), in order;
3. `ruff check --select I,F401` again: a finding (file, code, message) that was not there
   before is one the rewrite introduced.

    python3 bench/fix_ruff_clean.py TREE [--symbol pkg.mod.Name ...] [--command "move ..." ...]
        [--config TOML]

Prints what fix rewrote and ruff's findings after it; exits 1 when there are any.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from trees import scratch_copy  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--symbol", action="append", default=[])
    parser.add_argument("--command", action="append", default=[])
    parser.add_argument("--config", help="ruff.toml text to put at the copy's root")
    parser.add_argument("--ruff", default=os.path.join(HERE, "venv", "bin", "ruff"))
    parser.add_argument(
        "--binary", default=os.path.join(HERE, "..", "target", "release", "ssot-graph"))
    args = parser.parse_args()
    args.ruff = os.path.abspath(args.ruff)
    with scratch_copy(args.tree, "fix-ruff-clean-", args.config) as copy:
        ruff = [args.ruff, "check", "--select", "I,F401", "--no-cache", "--quiet"]
        subprocess.run([*ruff, "--fix", "--exit-zero", "."], cwd=copy, check=True,
                       capture_output=True)

        def findings():
            out = subprocess.run([*ruff, "--output-format", "json", "."], cwd=copy,
                                 capture_output=True, text=True).stdout
            # Keyed by file name: a module a move carries keeps the findings it had.
            return collections.Counter(
                (os.path.basename(f["filename"]), f["code"], f["message"])
                for f in json.loads(out or "[]"))

        before_fix = findings()
        os.makedirs(os.path.join(copy, "queries"))
        with open(os.path.join(copy, "queries", "canonical.toml"), "w") as f:
            for n, symbol in enumerate(args.symbol or []):
                f.write(f'[[rule]]\nid = "canonical-{n}"\nkind = "canonical"\n'
                        f'symbol = "{symbol}"\n\n')
        with open(os.path.join(copy, "ssot-graph.toml"), "w") as f:
            f.write('queries = "queries"\n')
        before = {}
        for dirpath, _, names in os.walk(copy):
            for name in names:
                if name.endswith(".py"):
                    path = os.path.join(dirpath, name)
                    before[path] = open(path, "rb").read()
        commands = (["fix"] if args.symbol else []) + args.command
        failed = []
        for command in commands:
            words = command.split() if isinstance(command, str) else command
            done = subprocess.run([args.binary, "--root", copy, *words],
                                  capture_output=True, text=True)
            last = done.stdout.strip().splitlines()[-1:] or done.stderr.strip().splitlines()[-1:]
            print(f"{command}: {last[0] if last else ''}")
            if done.returncode == 2:
                failed.append(command)
        # A file a move took away counts as touched.
        touched = [p for p, b in before.items()
                   if not os.path.exists(p) or open(p, "rb").read() != b]
        new = findings() - before_fix
        print(f"{len(touched)} files rewritten; ruff I,F401 findings: "
              f"{sum(before_fix.values())} before (not fixable by ruff), "
              f"{sum(new.values())} new after the rewrite")
        for (path, code, message), n in sorted(new.items())[:20]:
            print(f"  {path}: {code} {message}" + (f" (x{n})" if n > 1 else ""))
        for command in failed:
            print(f"  refused or failed: {command}")
        return 1 if new or failed else 0


if __name__ == "__main__":
    sys.exit(main())
