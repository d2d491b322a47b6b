"""A monorepo of real code: N renamed copies of one real package.

    python3 bench/real_copies.py PACKAGE_DIR N OUT

Copies every .py and .pyi file of PACKAGE_DIR (a top-level package, e.g. Home
Assistant's `homeassistant/` from its wheel) N times into OUT as `<name>_01`,
`<name>_02`, …, and renames the package in every import statement and dotted string of
each copy, so that each copy imports itself: N times the real code, its real import
graph, not generated stubs. Prints the number of files written.
"""

import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor


def copy_one(job):
    source_dir, top, copy, out = job
    word = re.compile(rf"(?<![\w.]){re.escape(top)}(?=[.\s,)]|$)", re.MULTILINE)
    quoted = re.compile(rf"(['\"]){re.escape(top)}\.")
    written = 0
    for folder, dirs, files in os.walk(source_dir):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(folder, source_dir)
        target = os.path.join(out, copy, rel)
        os.makedirs(target, exist_ok=True)
        for name in files:
            if not name.endswith((".py", ".pyi")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            lines = []
            for line in text.splitlines(keepends=True):
                stripped = line.lstrip()
                if stripped.startswith(("import ", "from ")):
                    line = word.sub(copy, line)
                lines.append(line)
            text = quoted.sub(rf"\g<1>{copy}.", "".join(lines))
            with open(os.path.join(target, name), "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(text)
            written += 1
    return written


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source_dir, count, out = sys.argv[1], sys.argv[2], sys.argv[3]
    if not count.isdigit() or int(count) < 1:
        sys.exit(f"error: {count!r}: the number of copies must be a positive integer")
    if not os.path.isdir(source_dir):
        sys.exit(f"error: {source_dir}: not a directory (the package to copy)")
    count = int(count)
    top = os.path.basename(os.path.normpath(source_dir))
    jobs = [(source_dir, top, f"{top}_{k:02d}", out) for k in range(1, count + 1)]
    with ProcessPoolExecutor() as pool:
        print(sum(pool.map(copy_one, jobs)))


if __name__ == "__main__":
    main()
