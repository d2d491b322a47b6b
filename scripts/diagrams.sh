#!/usr/bin/env bash
# Draws the diagrams of docs/diagrams.md with ssot-graph itself: from the bundled seed
# fixture docs/diagrams/NAME.dot, .svg (needs Graphviz's `dot`) and .mmd, the Mermaid
# blocks of docs/diagrams.md and the seed's dependency matrix; then Home Assistant's
# whole-repository drawing and matrix (fetched from PyPI), each timed.
#
# Each `draw NAME ARGS...` and `matrix NAME ARGS...` line below is also read by
# tests/draw.rs, which fails when a committed seed drawing is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=target/release/ssot-graph
root=tests/fixtures/seed

draw() {
  local name=$1
  shift
  "$bin" --root "$root" --format dot "$@" -o "docs/diagrams/$name.dot"
  "$bin" --root "$root" --format svg "$@" -o "docs/diagrams/$name.svg"
  "$bin" --root "$root" --format mermaid "$@" -o "docs/diagrams/$name.mmd"
}

matrix() {
  local name=$1
  shift
  "$bin" --root "$root" --format dsm "$@" -o "docs/diagrams/$name.svg"
}

draw websocket-chain why netra_backend.app.websocket_core.manager.WebSocketManager
draw websocket-package graph netra_backend.app.websocket_core --reverse --exclude-external
draw seed-graph graph --exclude-external
draw seed-layers graph --collapse 3 --layers netra_backend.app.routes,netra_backend.app.services,netra_backend.app.agents,netra_backend.app.websocket_core
matrix seed-dsm graph --collapse 3 --layers netra_backend.app.routes,netra_backend.app.services,netra_backend.app.agents,netra_backend.app.websocket_core

# Replace each "<!-- mermaid: NAME -->" block of docs/diagrams.md with NAME.mmd.
python3 - <<'PY'
import pathlib, re
page = pathlib.Path("docs/diagrams.md")
def block(match):
    name = match.group(1)
    body = pathlib.Path(f"docs/diagrams/{name}.mmd").read_text()
    return f"<!-- mermaid: {name} -->\n```mermaid\n{body}```"
text = re.sub(r"<!-- mermaid: ([\w-]+) -->\n```mermaid\n.*?```", block, page.read_text(), flags=re.S)
page.write_text(text)
PY

# Home Assistant 2024.3.3: 6,725 files, fetched from PyPI into the git-ignored bench/corpus
# as the benchmarks do. Its drawings are not checked by `cargo test` (CI has no copy);
# each is timed here, the median of five runs after one that fills the cache.
ha=bench/corpus/homeassistant
if [ ! -d "$ha/homeassistant" ]; then
  python3 -m pip download -q --no-deps --only-binary :all: -d bench/corpus/downloads \
    homeassistant==2024.3.3
  mkdir -p "$ha"
  python3 -m zipfile -e bench/corpus/downloads/homeassistant-2024.3.3-*.whl "$ha"
fi
real() {
  local name=$1
  shift
  "$bin" --root "$ha" "$@" -o "docs/diagrams/$name.svg"
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N)
    "$bin" --root "$ha" "$@" -o /dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  python3 - "docs/diagrams/$name.svg" "$median" <<'PY'
import re, sys
head = open(sys.argv[1]).read(2000)
svg = re.search(r'<svg[^>]*', head).group(0)
w, wpt = re.search(r' width="([\d.]+)(pt)?"', svg).group(1, 2)
h = re.search(r' height="([\d.]+)', svg).group(1)
unit = 4 / 3 if wpt else 1  # a point is 4/3 of a CSS pixel
print(f"{sys.argv[1]}: {float(w) * unit:,.0f} x {float(h) * unit:,.0f} px, drawn in {sys.argv[2]} ms (median of 5)")
PY
}
real ha-overview graph --format svg
real ha-dsm graph --format dsm
