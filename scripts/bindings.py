"""What modules bind, as python3 imports them; and whether two such dumps agree.

    bindings.py dump ROOT OUT MODULE...   import each module with ROOT first on sys.path,
                                          write what every name binds to OUT (JSON)
    bindings.py compare BEFORE AFTER      exit 1, listing each difference, unless every
                                          name both dumps hold binds the same object

"The same object" across two runs: each name's value is described (a class's or
function's `__qualname__`, a module's name, a literal's repr; `__module__` is left out:
moving a definition changes it; a package's submodule attributes are left out: any
import anywhere sets them), and names that held one object in the first run must
hold one object in the second, and the other way round. Used by the tests and the
benchmark of `ssot-graph move`.
"""

import importlib
import json
import sys
import warnings

LITERALS = (int, float, str, bytes, bool, type(None))


def describe(value):
    try:
        return described(value)
    except Exception:  # noqa: BLE001 - a lazy object that cannot be set up here
        return "unreadable " + type(value).__qualname__


def described(value):
    if type(value) is type(sys):
        return "module " + value.__name__
    if isinstance(value, LITERALS):
        return "value " + repr(value)[:200]
    qualname = getattr(value, "__qualname__", None)
    if isinstance(qualname, str):
        return type(value).__name__ + " " + qualname
    return "instance of " + type(value).__qualname__


def dump(root, out, modules):
    sys.path.insert(0, root)
    warnings.simplefilter("ignore")
    found = {}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except BaseException as error:  # noqa: BLE001 - any failure is an answer
            found[name] = {"error": type(error).__name__}
            continue
        names = {}
        for key, value in sorted(vars(module).items()):
            if key.startswith("__") and key.endswith("__"):
                continue
            # A package's submodule attributes are set by whichever import ran first,
            # anywhere: not something the package binds.
            if type(value) is type(sys) and value.__name__ == f"{name}.{key}":
                continue
            names[key] = [id(value), describe(value)]
        found[name] = {"names": names}
    with open(out, "w") as file:
        json.dump(found, file, sort_keys=True)


def groups(dump_, common):
    by_id = {}
    for pair in common:
        module, name = pair
        by_id.setdefault(dump_[module]["names"][name][0], set()).add(pair)
    return {pair: frozenset(by_id[dump_[pair[0]]["names"][pair[1]][0]]) for pair in common}


def compare(before_path, after_path):
    with open(before_path) as file:
        before = json.load(file)
    with open(after_path) as file:
        after = json.load(file)
    problems = []
    common = []
    for module, entry in sorted(before.items()):
        later = after.get(module)
        if later is None:
            problems.append(f"{module}: not imported after")
            continue
        if "error" in entry or "error" in later:
            if entry.get("error") != later.get("error"):
                problems.append(
                    f"{module}: {entry.get('error', 'imports')} before, "
                    f"{later.get('error', 'imports')} after"
                )
            continue
        for name, (_, description) in sorted(entry["names"].items()):
            if name not in later["names"]:
                problems.append(f"{module}.{name}: unbound after")
                continue
            if later["names"][name][1] != description:
                problems.append(
                    f"{module}.{name}: {description} before, {later['names'][name][1]} after"
                )
            common.append((module, name))
    was, now = groups(before, common), groups(after, common)
    for pair in common:
        if was[pair] != now[pair]:
            module, name = pair
            problems.append(f"{module}.{name}: another object than before")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"]:
        dump(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif sys.argv[1:2] == ["compare"]:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
