"""`move` on a real repository: definitions drawn with a fixed seed, each moved to a new
module of its package from a clean copy of the tree, then moved back.

    python3 bench/move_sample.py BINARY TREE PACKAGE [--count 20] [--seed 20261201]
                                 [--python PYTHON]

TREE holds PACKAGE (for Django: bench/corpus/django after bench/run.sh django). For
each definition it reports whether `move` succeeded or refused (and why), whether every
touched file compiles, whether the touched modules that import under PYTHON (a venv with
the package's dependencies) bind the same objects afterwards (scripts/bindings.py), and
whether moving it back restores every touched file's bytes but for import lines and
blank lines. A refusal must leave every file as it was. Prints a Markdown table.
"""

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BINDINGS = os.path.join(HERE, "..", "scripts", "bindings.py")


def run(binary, root, *args):
    return subprocess.run(
        [binary, "--root", root, *args], capture_output=True, text=True, check=False
    )


def manifest(root):
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".ssot-graph-cache", "__pycache__")]
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                found[os.path.relpath(path, root)] = file.read()
    return found


def module_of(rel):
    name = rel[: -len(".py")].replace(os.sep, ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def compiles(root, rel):
    with open(os.path.join(root, rel), "rb") as file:
        source = file.read()
    try:
        compile(source, rel, "exec")
        return True
    except SyntaxError:
        return False


def same_bindings(python, before_root, after_root, modules, scratch):
    dumps = []
    for label, root in (("before", before_root), ("after", after_root)):
        out = os.path.join(scratch, f"{label}.json")
        subprocess.run(
            [python, "-B", BINDINGS, "dump", root, out, *modules],
            capture_output=True,
            check=True,
            cwd=scratch,
        )
        dumps.append(out)
    with open(dumps[0]) as file:
        importable = sum(1 for v in json.load(file).values() if "error" not in v)
    compared = subprocess.run(
        [python, BINDINGS, "compare", *dumps], capture_output=True, text=True, check=False
    )
    return importable, compared.stdout.strip()


def without_imports(source):
    """The lines of a module's text that are not part of a top-level import statement."""
    lines = source.decode("utf-8", "replace").splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return lines
    skip = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skip.update(range(node.lineno - 1, node.end_lineno))
    return [line for i, line in enumerate(lines) if i not in skip and line.strip()]


def back_difference(original, now, touched):
    """Files whose bytes differ after moving back, beyond import statements and blank
    lines."""
    other = []
    for rel in touched:
        if rel not in original or original[rel] == now.get(rel):
            continue
        if without_imports(original[rel]) != without_imports(now.get(rel, b"")):
            other.append(rel)
    return other


def attempt(binary, work, symbol, dest, extra):
    return run(binary, work, "--format", "json", "move", symbol, "--to", dest, *extra)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("tree")
    parser.add_argument("package")
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    base = os.path.abspath(args.tree)
    exported = json.loads(run(binary, base, "export", "--format", "json").stdout)
    candidates = sorted(
        (d["module"], d["name"], d["kind"])
        for d in exported["definitions"]
        if d["kind"] in ("class", "function")
        and d["module"].startswith(args.package + ".")
        and not d["path"].endswith("__init__.py")
    )
    drawn = random.Random(args.seed).sample(candidates, args.count)
    scratch = tempfile.mkdtemp()
    work = os.path.join(scratch, "tree")
    original = manifest(base)
    rows = []
    for index, (module, name, kind) in enumerate(drawn, 1):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(base, work, ignore=shutil.ignore_patterns(".ssot-graph-cache"))
        dest = f"{module.rsplit('.', 1)[0]}.moved_{name.lower()}"
        moved = attempt(binary, work, f"{module}.{name}", dest, [])
        row = {"n": index, "symbol": f"{module}.{name}", "kind": kind, "with": None}
        # A refusal that names a helper to move along: the move it suggests, tried once.
        suggestion = moved.stderr.split("--with ")[1:] if moved.returncode else []
        helpers = [h.strip() for h in suggestion]
        if helpers and all(h.isidentifier() for h in helpers):
            extra = [part for h in helpers for part in ("--with", h)]
            moved = attempt(binary, work, f"{module}.{name}", dest, extra)
            row["with"] = helpers
        if moved.returncode != 0:
            reason = moved.stderr.strip().splitlines()[-1] if moved.stderr.strip() else "?"
            reason = reason.split(": ", 2)[-1]
            untouched = manifest(work) == original
            row.update(result="refused", reason=reason, untouched=untouched)
            rows.append(row)
            continue
        plan = json.loads(moved.stdout)
        touched = [f["path"] for f in plan["files"]]
        py = [t for t in touched if t.endswith(".py")]
        modules = sorted({module_of(t) for t in py if t in original})
        all_compile = all(compiles(work, t) for t in py)
        importable, differences = same_bindings(args.python, base, work, modules, scratch)
        along = [f"{dest}.{n}" for n in row["with"] or []]
        back = run(binary, work, "move", f"{dest}.{name}", *along, "--to", module)
        other = back_difference(original, manifest(work), touched) if back.returncode == 0 else None
        row.update(
            result="moved",
            touched=len(touched),
            rewritten=plan["rewritten"],
            left=len(plan["left"]),
            compiles=all_compile,
            importable=importable,
            modules=len(modules),
            same=differences or "same",
            back="refused: " + back.stderr.strip().split(": ", 2)[-1] if other is None
            else ("restored" if not other else "differs: " + ", ".join(other)),
        )
        rows.append(row)
    print("| # | definition | kind | result | files | compile | import & bind the same | move back |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["result"] == "refused":
            kept = "nothing written" if r["untouched"] else "**FILES CHANGED**"
            after = f" (after `--with {' '.join(r['with'])}`)" if r["with"] else ""
            print(f"| {r['n']} | `{r['symbol']}` | {r['kind']} | refused{after}: {r['reason']} ({kept}) | | | | |")
        else:
            along = f" with `--with {' '.join(r['with'])}`" if r["with"] else ""
            print(
                f"| {r['n']} | `{r['symbol']}` | {r['kind']} | moved{along} ({r['rewritten']} rewritten, "
                f"{r['left']} left) | {r['touched']} | {'yes' if r['compiles'] else '**NO**'} | "
                f"{r['importable']} of {r['modules']} import; {r['same']} | {r['back']} |"
            )
    moved = [r for r in rows if r["result"] == "moved"]
    print()
    print(
        f"{len(moved)} moved, {len(rows) - len(moved)} refused; "
        f"{sum(1 for r in moved if r['compiles'])} of {len(moved)} compile; "
        f"{sum(1 for r in moved if r['same'] == 'same')} of {len(moved)} bind the same; "
        f"{sum(1 for r in moved if r['back'] == 'restored')} restored by moving back; "
        f"{sum(1 for r in rows if r['result'] == 'refused' and not r['untouched'])} refusals changed files; "
        f"{sum(1 for r in rows if r['with'])} first refused for a helper, tried again with --with"
    )
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
