#!/usr/bin/env python3
"""Compares ssot-graph's module graph, `path` and `cycles` with grimp on one package.

    bench/venv/bin/python bench/grimp_agreement.py bench/corpus/django [--pairs 60]

Edges: every internal edge grimp reports must be in `ssot-graph export` (explicit edges,
self-imports left out as grimp does); every extra edge is classified by why it exists.
Paths: for sampled (importer, upstream) pairs and random pairs, `ssot-graph path` must find
a chain exactly when grimp's find_shortest_chain does, of the same length, made of edges
grimp also has. Cycles: strongly connected components over grimp's edges must equal
`ssot-graph cycles` once the explained extra edges are taken into account, and every
concrete cycle ssot-graph prints must be a cycle in grimp's graph.
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "..", "target", "release", "ssot-graph")


def ours(tree, *args):
    output = subprocess.run([BINARY, "--root", tree, "--format", "json", *args],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def top_package(tree):
    names = [n for n in os.listdir(tree) if os.path.isfile(os.path.join(tree, n, "__init__.py"))]
    return max(names, key=lambda n: sum(len(f) for _, _, f in os.walk(os.path.join(tree, n))))


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative; components of more than one node, as frozensets."""
    successors = collections.defaultdict(list)
    for a, b in edges:
        successors[a].append(b)
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return set(found)


def edge_target(site, modules):
    """The module ssot-graph's edge for an import site points at, and whether it exists."""
    target, name = site["module"], site["name"]
    if target is None:
        return None, False
    if name and name != "*" and f"{target}.{name}" in modules:
        return f"{target}.{name}", True
    if target in modules:
        return target, True
    up = target
    while up and up not in modules:
        up = up.rpartition(".")[0]
    return up, False


def classify(edge, export, modules, path_of, grimp_modules):
    """Why ssot-graph has an edge grimp does not: the first import site that makes it."""
    importer, imported = edge
    if importer not in grimp_modules or imported not in grimp_modules:
        # grimp walks only directories with an `__init__.py`; Python also imports modules
        # of namespace sub-packages (PEP 420) inside a regular package.
        return "module in a namespace sub-package (grimp does not walk it)", None
    for site in export["imports"]:
        if site["path"] != path_of.get(importer):
            continue
        target, exists = edge_target(site, modules)
        if target == imported:
            return ("site" if exists else "missing-module"), site
    return "unexplained", None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    tree = os.path.abspath(args.tree)
    package = top_package(tree)
    sys.path.insert(0, tree)
    import grimp

    graph = grimp.build_graph(package, cache_dir=None)
    modules = set(graph.modules)
    theirs = {(a, b) for a in modules for b in graph.find_modules_directly_imported_by(a)
              if a != b}

    export = ours(tree, "export")
    internal = {m["name"] for m in export["modules"] if not m["external"]}
    in_package = lambda name: name == package or name.startswith(package + ".")
    mine = {(e["from"], e["to"]) for e in export["edges"]
            if e["sites"] > 0 and e["from"] != e["to"]
            and in_package(e["from"]) and in_package(e["to"])
            and e["from"] in internal and e["to"] in internal}

    missing = sorted(theirs - mine)
    extra = sorted(mine - theirs)
    reasons = collections.Counter()
    examples = {}
    path_of = {m["name"]: m["path"] for m in export["modules"]}
    classified = [(edge, *classify(edge, export, internal, path_of, modules)) for edge in extra]
    for edge, reason, site in classified:
        reasons[reason] += 1
        examples.setdefault(reason, (edge, site))
    print(f"{package}: grimp {len(theirs)} edges, ssot-graph {len(mine)} edges")
    print(f"  grimp edges missing from ssot-graph: {len(missing)}")
    for edge in missing[:10]:
        details = graph.get_import_details(importer=edge[0], imported=edge[1])
        print(f"    {edge[0]} -> {edge[1]}  {details[:1]}")
    print(f"  extra edges in ssot-graph: {len(extra)}")
    for reason, count in reasons.most_common():
        edge, site = examples[reason]
        where = f"{site['path']}:{site['line']} {site['module']} {site['name']}" if site else ""
        print(f"    {count:>5}  {reason}  e.g. {edge[0]} -> {edge[1]}  ({where})")
    for edge, reason, site in classified:
        if reason == "site":
            details = graph.get_import_details(importer=edge[0], imported=edge[1])
            print(f"      site: {edge[0]} -> {edge[1]} {site['path']}:{site['line']}"
                  f" {site['module']} {site['name']} grimp={details}")

    # Paths on sampled pairs.
    rng = random.Random(args.seed)
    ordered = sorted(modules)
    pairs = []
    while len(pairs) < args.pairs:
        importer = rng.choice(ordered)
        upstream = sorted(graph.find_upstream_modules(importer))
        if rng.random() < 0.8 and upstream:
            pairs.append((importer, rng.choice(upstream)))
        else:
            other = rng.choice(ordered)
            if other != importer:
                pairs.append((importer, other))
    agree = 0
    for importer, imported in pairs:
        chain = graph.find_shortest_chain(importer=importer, imported=imported)
        result = ours(tree, "path", importer, imported)["chains"]
        mine_chain = result[0]["modules"] if result else None
        same = (chain is None) == (mine_chain is None) and (
            chain is None or (len(chain) == len(mine_chain) and all(
                graph.direct_import_exists(importer=a, imported=b)
                for a, b in zip(mine_chain, mine_chain[1:]))))
        if same:
            agree += 1
        else:
            print(f"    path differs: {importer} -> {imported}: grimp {chain}, ssot-graph {mine_chain}")
    print(f"  path: {agree}/{len(pairs)} sampled pairs agree with find_shortest_chain")

    # Cycles.
    their_components = strongly_connected(sorted(modules), theirs)
    our_cycles = [c for c in ours(tree, "cycles")["cycles"]
                  if all(in_package(m) for m in c["members"])]
    our_components = {frozenset(c["members"]) for c in our_cycles}
    known = {(a, b) for a, b in mine if a in modules and b in modules}
    without_namespace = strongly_connected(sorted(modules), known)
    concrete_ok = sum(
        all(graph.direct_import_exists(importer=a, imported=b)
            for a, b in zip(c["cycle"], c["cycle"][1:]))
        for c in our_cycles)
    print(f"  cycles: grimp's edges give {len(their_components)} components "
          f"({sum(map(len, their_components))} modules); ssot-graph {len(our_components)} "
          f"({sum(map(len, our_components))} modules); identical: {their_components == our_components}; "
          f"identical once edges to namespace sub-packages are left out: "
          f"{without_namespace == their_components}")
    print(f"  concrete cycles made only of grimp edges: {concrete_ok}/{len(our_cycles)}")


if __name__ == "__main__":
    main()
