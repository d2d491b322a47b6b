#!/usr/bin/env python3
"""`fix` on a real repository, judged by Python: canonical rules for the most widely
imported names, then every rewritten module imported before and after.

    python3 bench/fix_safety.py [--rules 20] [--python PY] TREE

TREE is an unpacked package (bench/run.sh fetches Django and Home Assistant into
bench/corpus). The rules are chosen from the tree itself: the classes and functions
that the most import sites reach through a module other than the one defining them.
Half name the defining module canonical; the other half name the module path the
repository uses most for the name (a package that re-exports it: the shape that can
create an import-time cycle). The script then

  - lists the files `fix --unsafe-fixes` would rewrite;
  - imports each of them in a fresh interpreter (PY, a venv with the tree's
    dependencies lets more of them import) and records what every top-level name binds
    (module and qualified name of each class, function and module);
  - runs `fix --unsafe-fixes`, then `fix --check --unsafe-fixes` (must exit 0: one run
    reaches the fixed point), compiles every rewritten file, and imports them again.

It fails when a module that imported before does not import after, or binds anything
else, or when the second run would change something.
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")

DJANGO_SETTINGS = """
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.redirects", "django.contrib.flatpages",
    "django.contrib.sitemaps", "django.contrib.humanize", "django.contrib.admindocs",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
SECRET_KEY = "fix-safety"
USE_TZ = True
"""

# Imports one module and prints what its top-level names bind.
PROBE = r"""
import importlib, json, os, sys, types, warnings
warnings.simplefilter("ignore")
if os.environ.get("DJANGO_SETTINGS_MODULE"):
    import django
    django.setup()
module = importlib.import_module(sys.argv[1])
bound = {}
for name, value in vars(module).items():
    if isinstance(value, types.ModuleType):
        bound[name] = "module " + value.__name__
    elif isinstance(value, (type, types.FunctionType)):
        bound[name] = f"{value.__module__}.{value.__qualname__}"
print(json.dumps(bound, sort_keys=True))
"""


def ssot(root, *args, check=False):
    run = subprocess.run([BINARY, "--root", root, *args], capture_output=True, text=True)
    if check and run.returncode not in (0, 1):
        sys.exit(f"ssot-graph {' '.join(args)}: {run.stderr.strip()}")
    return run


def choose_rules(root, count):
    export = json.loads(ssot(root, "--no-cache", "export", check=True).stdout)
    by_definition = collections.defaultdict(collections.Counter)
    for site in export["imports"]:
        resolved = site.get("resolved") or {}
        if resolved.get("kind") not in ("class", "function") or not site.get("name"):
            continue
        if site["path"].split("/")[0] in ("tests", "docs"):
            continue
        key = (resolved["module"], resolved["name"])
        by_definition[key][site["module"]] += 1
    ranked = sorted(
        by_definition.items(),
        key=lambda item: (-sum(n for m, n in item[1].items() if m != item[0][0]), item[0]),
    )
    rules = []
    for (module, name), paths in ranked:
        elsewhere = [(n, m) for m, n in paths.items() if m != module]
        if not elsewhere or name.startswith("_"):
            continue
        if len(rules) % 2 == 0:
            canonical = module
        else:
            canonical = max(elsewhere)[1]
        rules.append((f"{module}.{name}", canonical, sum(paths.values())))
        if len(rules) == count:
            break
    return rules


def probe(work, python, modules):
    env = dict(os.environ, PYTHONPATH=work, PYTHONDONTWRITEBYTECODE="1")
    if os.path.isfile(os.path.join(work, "ssot_fix_settings.py")):
        env["DJANGO_SETTINGS_MODULE"] = "ssot_fix_settings"

    def one(module):
        run = subprocess.run(
            [python, "-c", PROBE, module],
            capture_output=True, text=True, cwd=work, env=env, timeout=300,
        )
        return module, json.loads(run.stdout) if run.returncode == 0 else None

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(one, modules))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--rules", type=int, default=20)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    args.python = os.path.abspath(args.python) if os.sep in args.python else args.python
    work = tempfile.mkdtemp(prefix="fix-safety-")
    try:
        for entry in os.listdir(args.tree):
            source = os.path.join(args.tree, entry)
            if os.path.isdir(source) and not entry.endswith((".dist-info", ".data")):
                shutil.copytree(source, os.path.join(work, entry))
        with open(os.path.join(work, "pyproject.toml"), "w") as out:
            out.write("[tool.ssot-graph]\n")
        if os.path.isdir(os.path.join(work, "django")):
            with open(os.path.join(work, "ssot_fix_settings.py"), "w") as out:
                out.write(DJANGO_SETTINGS)
        rules = choose_rules(work, args.rules)
        os.makedirs(os.path.join(work, "queries"))
        with open(os.path.join(work, "queries", "canonical.toml"), "w") as out:
            for index, (symbol, canonical, sites) in enumerate(rules):
                out.write(
                    f'[[rule]]\nid = "canonical-{index}"\nkind = "canonical"\n'
                    f'symbol = "{symbol}"\ncanonical = "{canonical}"\n\n'
                )
                print(f"rule canonical-{index}: {symbol} from {canonical} ({sites} sites)")
        plan = ssot(work, "fix", "--check", "--unsafe-fixes").stdout.splitlines()
        touched = [line.rsplit(" in ", 1)[1] for line in plan if line.startswith("would fix")]
        modules = [
            path[:-3].replace("/", ".").removesuffix(".__init__")
            for path in touched if path.endswith(".py")
        ]
        print(f"{len(touched)} files to rewrite; {plan[-1] if plan else ''}")
        before = probe(work, args.python, modules)
        started = time.perf_counter()
        fixed = ssot(work, "fix", "--unsafe-fixes").stdout.splitlines()
        took = time.perf_counter() - started
        print(f"{fixed[-1] if fixed else 'nothing fixed'} ({took:.2f} s)")
        refusals = collections.Counter(
            line.split(" not fixed: ", 1)[1].split(":")[0].split("`")[0].strip()
            for line in fixed if " not fixed: " in line
        )
        for reason, number in refusals.most_common(8):
            print(f"  left: {number:5}  {reason}")
        again = ssot(work, "fix", "--check", "--unsafe-fixes")
        compiled = subprocess.run(
            [args.python, "-m", "py_compile", *[os.path.join(work, p) for p in touched]],
            capture_output=True, text=True,
        )
        after = probe(work, args.python, modules)
        imported = [m for m in modules if before[m] is not None]
        broken = [m for m in imported if after[m] is None]
        changed = [m for m in imported if after[m] is not None and after[m] != before[m]]
        print(f"{len(imported)} of {len(modules)} rewritten modules import before the fix")
        print(f"after it: {len(broken)} do not import, {len(changed)} bind something else")
        for module in broken[:10]:
            print(f"  broken: {module}")
        for module in changed[:10]:
            diff = {k: (before[module].get(k), after[module].get(k))
                    for k in set(before[module]) | set(after[module])
                    if before[module].get(k) != after[module].get(k)}
            print(f"  changed: {module}: {diff}")
        print(f"compile: {'all compile' if compiled.returncode == 0 else compiled.stderr.strip()}")
        print(f"second run: {'changes nothing' if again.returncode == 0 else again.stdout.strip()}")
        failed = broken or changed or compiled.returncode != 0 or again.returncode != 0
        sys.exit(1 if failed else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
