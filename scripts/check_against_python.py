#!/usr/bin/env python3
"""Compares what ssot-graph resolves with what Python imports at run time.

For every `from M import N` site in the tree whose module M belongs to the tree,
imports M with this interpreter, takes `getattr(M, N)`, finds the file in which
that object was really defined, and checks that ssot-graph resolved the site to
the same file.

    python3 scripts/check_against_python.py --binary target/release/ssot-graph ROOT

ROOT's source roots (as `ssot-graph stats` reports them) are put first on
sys.path. Prints the agreement and every disagreement; exits 1 below --min.
"""
import argparse
import importlib
import inspect
import json
import os
import signal
import subprocess
import sys
import sysconfig
import tempfile
import types
import warnings

# Importing these has side effects (a browser, a GUI, a REPL banner) or hangs.
SKIP_PREFIXES = ("antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo",
                 "__main__", "ensurepip", "pydoc_data", "test.test_", "lib2to3.tests")


HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: unset on classes written in C
# Only classes written in C carry these in their own namespace.
C_DESCRIPTORS = (types.MethodDescriptorType, types.WrapperDescriptorType,
                 types.ClassMethodDescriptorType)


# Functions that standard-library factories write into a class (`typing.NamedTuple`,
# `collections.namedtuple`, `dataclasses`) carry the factory's file, not the class's.
STDLIB = os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep


def source_file(filename):
    """A code object's file; frozen stdlib modules name their module, not a path, and
    Cython functions the `.pyx` they were compiled from (compiled code)."""
    if filename and filename.startswith("<frozen ") and filename.endswith(">"):
        module = sys.modules.get(filename[len("<frozen "):-1])
        return getattr(module, "__file__", None)
    if filename and filename.endswith((".pyx", ".pxd", ".pxi")):
        return "<compiled>"
    return filename


def defining_file(obj):
    """The file that defines a function, class or module, or None if unknowable.

    Objects implemented in C report "<compiled>": they are defined outside any
    Python file even when their `__module__` names one.
    """
    if isinstance(obj, types.ModuleType):
        return getattr(obj, "__file__", None)
    if inspect.isclass(obj) and (not obj.__flags__ & HEAPTYPE or isinstance(
            vars(obj).get("__new__"), types.BuiltinFunctionType)):
        return "<compiled>"
    if inspect.isclass(obj):
        for value in vars(obj).values():
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            elif isinstance(value, property):
                value = value.fget
            value = inspect.unwrap(value) if callable(value) else value
            code = getattr(value, "__code__", None)
            home = getattr(sys.modules.get(obj.__module__), "__file__", None) or ""
            generated = code is not None and (
                code.co_filename.startswith("<")
                or (os.path.realpath(code.co_filename).startswith(STDLIB)
                    and os.path.realpath(code.co_filename) != os.path.realpath(home)))
            # A decorator's wrapper copies the method's names (`functools.wraps`) but not
            # its code: only code written as the method counts.
            own_code = code is not None and code.co_name == getattr(value, "__name__", None)
            if own_code and not generated and getattr(value, "__qualname__", "").startswith(obj.__qualname__ + "."):
                return source_file(code.co_filename)
        # No method of its own: find the `class` statement in the module `__module__` names.
        try:
            inspect.getsource(obj)
            return inspect.getfile(obj)
        except (TypeError, OSError):
            compiled = any(isinstance(v, C_DESCRIPTORS) for v in vars(obj).values())
            if compiled:
                return "<compiled>"
            # Made by `type(name, bases, namespace)` and kept by no module under its name:
            # defined by the module whose code called it, which `__module__` names.
            home = sys.modules.get(obj.__module__)
            if home is not None and getattr(home, obj.__name__, None) is not obj:
                return getattr(home, "__file__", None)
            return None
    if callable(obj):
        try:
            function = inspect.unwrap(obj)
        except ValueError:
            return None
        code = getattr(function, "__code__", None)
        if code is not None and code.co_filename.startswith("<string"):
            # `exec("def f(): ...")` in a module: the module's namespace defines it.
            return getattr(function, "__globals__", {}).get("__file__")
        if code is not None:
            return source_file(code.co_filename)
        if isinstance(function, types.BuiltinFunctionType):
            return "<compiled>"
        return None  # an instance of a Python class: no definition site of its own
    return None


def runtime_files(pairs, timeout, module_files):
    """{(module, name): file or error string} as this interpreter sees them; fills
    `module_files` with each imported module's own file."""
    def alarm(signum, frame):
        raise TimeoutError("import timed out")
    signal.signal(signal.SIGALRM, alarm)
    results = {}
    for module, name in pairs:
        if module.startswith(SKIP_PREFIXES) or module in SKIP_PREFIXES:
            results[(module, name)] = "skip: side effects on import"
            continue
        signal.alarm(timeout)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded = importlib.import_module(module)
                if not hasattr(loaded, name) and hasattr(loaded, "__path__"):
                    # `from M import N` loads the submodule `M.N` when M binds no `N`.
                    try:
                        importlib.import_module(f"{module}.{name}")
                    except ImportError:
                        pass
                obj = getattr(loaded, name)
                if obj is None:
                    raise AttributeError("bound to None")
                results[(module, name)] = defining_file(obj) or "skip: no source file"
                module_files[module] = getattr(loaded, "__file__", None)
        except BaseException as error:  # noqa: BLE001 - any failure only skips the pair
            results[(module, name)] = f"skip: {type(error).__name__}: {error}"[:200]
        finally:
            signal.alarm(0)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--binary", default="target/release/ssot-graph")
    parser.add_argument("--min", type=float, default=0.0,
                        help="fail below this agreement where ssot-graph names a definition (percent)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds per import")
    parser.add_argument("--show", type=int, default=50, help="disagreements to print")
    args = parser.parse_args()
    root = os.path.realpath(args.root)

    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as config:
        config.write(f'python-version = "{sys.version_info[0]}.{sys.version_info[1]}"\n')
        config.write(f'platform = "{sys.platform}"\n')
    command = [args.binary, "--no-cache", "--root", root, "--config", config.name, "--format", "json"]
    # ssot-graph judges run-time branches by what this interpreter's environment holds.
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    if sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    run = lambda extra: json.loads(subprocess.run(command + extra, check=True, capture_output=True,
                                                  env=env).stdout)
    stats = run(["stats"])
    export = run(["export"])
    os.unlink(config.name)
    roots = [os.path.join(root, r) if r != "." else root for r in stats["source_roots"]]
    sys.path[:0] = roots

    internal = {m["name"] for m in export["modules"] if not m["external"]}
    # Modules under the tree's packages that no file defines (`six.moves.*`) count too.
    tops = {name.split(".")[0] for name in internal}
    claimed = {}
    own_files = {m["name"]: m["path"] for m in export["modules"] if not m["external"]}
    for site in export["imports"]:
        name, module = site["name"], site["module"]
        if name in (None, "*") or (module not in internal and module.split(".")[0] not in tops):
            continue
        if site["path"] == own_files.get(module):
            # `from . import sub` inside the package itself binds the submodule, whatever
            # the package binds to that name by the end of its run.
            continue
        resolved = site["resolved"]
        if resolved["kind"] in ("class", "function", "module", "variable", "compiled") and resolved["path"]:
            path = os.path.join(root, resolved["path"])
            if resolved["kind"] == "module" and os.path.isdir(path):
                path = None  # namespace package: no file to compare
            claimed[(module, name)] = (resolved["kind"], path)
        else:
            claimed[(module, name)] = (resolved["kind"], None)

    module_files = {}
    runtime = runtime_files(sorted(claimed), args.timeout, module_files)
    agree, disagree, skipped = 0, [], 0
    # Pairs whose object Python finds defined outside M's own file: reached through a
    # re-export (or a submodule), the chains this tool exists to follow.
    through, through_agree = 0, 0
    reasons = {}
    values = 0
    for pair, (kind, path) in sorted(claimed.items()):
        actual = runtime[pair]
        if actual.startswith("skip:"):
            skipped += 1
            reasons[actual.split(":")[1].strip()] = reasons.get(actual.split(":")[1].strip(), 0) + 1
            continue
        if actual != "<compiled>":
            actual = os.path.realpath(actual)
        own = module_files.get(pair[0])
        reexported = own is None or os.path.realpath(own) != actual
        if path is not None and os.path.realpath(path) == actual:
            agree += 1
            through += reexported
            through_agree += reexported
            continue
        if not actual.startswith(root + os.sep) or not actual.endswith((".py", ".pyi")):
            # Defined outside the tree's Python files (C code, a compiled module, another
            # package): a match only if we said so (unresolved is no answer).
            through += reexported
            if kind in ("external", "variable", "compiled"):
                agree += 1
                through_agree += reexported
            else:
                disagree.append((pair, kind, path, actual))
            continue
        if kind == "variable" and path is None:
            skipped += 1
            continue
        if kind == "variable":
            # `X = make()`: the runtime object's code lives where `make` is defined, but
            # the name is defined by the assignment; not comparable file to file.
            values += 1
        else:
            through += reexported
            disagree.append((pair, kind, path, actual))

    checked = agree + len(disagree)
    share = 100.0 * agree / checked if checked else 100.0
    no_answer = sum(1 for _, kind, _, _ in disagree if kind in ("unresolved", "cycle"))
    answered = checked - no_answer
    answered_share = 100.0 * agree / answered if answered else 100.0
    print(f"pairs (module, name) imported with `from M import N`: {len(claimed)}")
    print(f"checked against the runtime: {checked}; skipped (import failed or no source): {skipped}")
    print(f"agreement: {agree}/{checked} = {share:.2f}%")
    print(f"  where ssot-graph names a definition: {agree}/{answered} = {answered_share:.2f}%"
          f" ({no_answer} left unresolved that Python binds dynamically)")
    through_share = 100.0 * through_agree / through if through else 100.0
    print(f"  through a re-export (defined outside M's own file): {through_agree}/{through}"
          f" = {through_share:.2f}%")
    print(f"values bound by a call elsewhere (not comparable): {values}")
    common = sorted(reasons.items(), key=lambda item: -item[1])[:8]
    print("skipped because: " + ", ".join(f"{reason} {count}" for reason, count in common))
    for (module, name), kind, path, actual in disagree[: args.show]:
        ours = os.path.relpath(path, root) if path else "-"
        theirs = os.path.relpath(actual, root) if actual.startswith(root) else actual
        print(f"  from {module} import {name}: ssot-graph {kind} {ours}; python {theirs}")
    return 0 if answered_share >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
