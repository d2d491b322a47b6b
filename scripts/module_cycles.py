#!/usr/bin/env python3
"""Lists the import cycles among the crate's source modules (one module per file).

A module uses another when its text names a path into it: `crate::a::b`, `super::x`,
or a child declared with `mod x;` named as `x::`, in code or in a string the compiler
reads as a path (`#[serde(with = "crate::a")]`), at any depth (a `use` inside a
function counts). Exit 1 when there is a cycle.

    scripts/module_cycles.py [--edges]
"""

import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def module_of(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts.pop()
    return tuple(parts)


CHAR = re.compile(r"b?'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^'\\\n])'")
RAW = re.compile(r'b?r(#*)"')


def strip_comments(text):
    """The code without comments, strings and character literals (each string left as
    `""`), read token by token so that no quote inside one hides the code after it; the
    paths that strings name for the compiler (`#[serde(with = "crate::packed::uses")]`)
    are kept as code."""
    out, named, i, n = [], [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif (raw := RAW.match(text, i)) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find('"' + raw.group(1), raw.end())
            i = n if end < 0 else end + 1 + len(raw.group(1))
            out.append('""')
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            content = text[i + 1:j]
            if re.fullmatch(r"(?:crate|super)::[\w:]+", content):
                named.append(content)
            out.append('""')
            i = j + 1
        elif text[i] == "'" and (char := CHAR.match(text, i)):
            out.append("' '")
            i = char.end()
        else:
            out.append(text[i])
            i += 1
    return "".join(out) + "".join(f"\n{path};" for path in named)


def without_test_modules(text):
    """The code without its `#[cfg(test)] mod NAME { ... }` blocks: a test module's
    `use super::*` names the file's own module, not its parent."""
    out, i = [], 0
    for match in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if match.start() < i:
            continue
        out.append(text[i:match.start()])
        depth, j = 1, match.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def paths_after(text, start):
    """Every path of a use tree written at `start` (after a `::`)."""
    paths = []

    def tree(i, prefix):
        while i < len(text) and text[i].isspace():
            i += 1
        if i < len(text) and text[i] == "{":
            i += 1
            while True:
                i = tree(i, prefix)
                while i < len(text) and text[i] in " \n\t,":
                    i += 1
                if i >= len(text) or text[i] == "}":
                    return i + 1
        match = IDENT.match(text, i)
        if not match:
            paths.append(prefix)
            return i
        name = match.group()
        i = match.end()
        if text.startswith("::", i):
            return tree(i + 2, prefix + (name,))
        paths.append(prefix + (name,))
        return i

    tree(start, ())
    return paths


def main():
    files = {module_of(p): p for p in SRC.rglob("*.rs")}
    modules = set(files)
    edges = {m: set() for m in modules}
    for module, path in files.items():
        text = without_test_modules(strip_comments(path.read_text()))
        children = set(re.findall(r"\bmod\s+(\w+)\s*;", text))
        starts = [(m.end(), ()) for m in re.finditer(r"\bcrate::", text)]
        starts += [(m.end(), module[:-1]) for m in re.finditer(r"(?<!::)\bsuper::", text)]
        for child in children:
            pattern = rf"(?<![:\w]){child}::"
            starts += [(m.start(), module) for m in re.finditer(pattern, text)]
        for start, base in starts:
            for rel in paths_after(text, start):
                full = base + rel
                for n in range(len(full), 0, -1):
                    if full[:n] in modules and full[:n] != module:
                        edges[module].add(full[:n])
                        break
    if "--edges" in sys.argv:
        for module in sorted(edges):
            for target in sorted(edges[module]):
                print("::".join(module), "->", "::".join(target))
    cycles = strongly_connected(edges)
    for component in cycles:
        print("cycle:", ", ".join(sorted("::".join(m) for m in component)))
    return 1 if cycles else 0


def strongly_connected(edges):
    """Groups of modules that reach each other (a few dozen modules: reachability will do)."""
    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for target in edges[todo.pop()]:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    reaches = {module: reach(module) for module in edges}
    groups = {frozenset(m for m in reaches[module] if module in reaches[m]) | {module}
              for module in edges if module in reaches[module]}
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


if __name__ == "__main__":
    sys.exit(main())
