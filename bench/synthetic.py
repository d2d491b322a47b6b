#!/usr/bin/env python3
"""Writes a synthetic monorepo of N modules for scale benchmarks:

    bench/synthetic.py 100000 bench/corpus/synthetic-100000

Packages nest up to five levels (10 modules each); every module defines a class and a
function and imports three definitions from elsewhere; every package's __init__ star-
imports its modules (star-import fans); one module in 50 starts a 20-hop re-export chain;
modules in a package import each other in a ring (cycles, one in four deferred into a
function). Deterministic for a given N.
"""
import os
import random
import sys


def package_path(index):
    parts, k = [], index
    while True:
        parts.append(f"p{k % 10}")
        k //= 10
        if k == 0:
            break
    return ["mono"] + parts[:5] + ([f"x{index}"] if len(parts) > 5 else [])


def main():
    total, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(total)
    packages = max(1, total // 10)
    modules = []  # (dotted name, package dotted)
    for p in range(packages):
        package = ".".join(package_path(p))
        for m in range(10):
            modules.append((f"{package}.m{m}", package))
    modules = modules[:total]
    chain_length = 20
    written_packages = set()
    for index, (name, package) in enumerate(modules):
        lines = []
        for _ in range(3):
            other = rng.randrange(len(modules))
            lines.append(f"from {modules[other][0]} import C{other}")
        ring_next = modules[index + 1][0] if (index + 1) % 10 and index + 1 < len(modules) else f"{package}.m0"
        if index % 4 == 0:
            lines.append(f"def lazy_{index}():\n    import {ring_next}\n    return {ring_next}")
        else:
            lines.append(f"import {ring_next}")
        if index % 50 < chain_length and index + 1 < len(modules):
            start = index - index % 50
            if index % 50 == chain_length - 1:
                lines.append(f"class Chain{start}:\n    pass")
            else:
                lines.append(f"from {modules[index + 1][0]} import Chain{start}")
        lines.append(f"class C{index}:\n    pass")
        lines.append(f"def f{index}():\n    return C{index}")
        path = os.path.join(out, *name.split(".")) + ".py"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        parts = package.split(".")
        for depth in range(1, len(parts) + 1):
            written_packages.add(".".join(parts[:depth]))
    for package in written_packages:
        path = os.path.join(out, *package.split("."), "__init__.py")
        if not os.path.exists(path):
            with open(path, "w") as handle:
                stars = [f"from .m{m} import *" for m in range(10)
                         if os.path.exists(os.path.join(out, *package.split("."), f"m{m}.py"))]
                handle.write("\n".join(stars) + "\n")
    print(f"{len(modules)} modules, {len(written_packages)} packages in {out}")


if __name__ == "__main__":
    main()
