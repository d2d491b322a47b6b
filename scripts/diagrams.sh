#!/usr/bin/env bash
# Draws the diagrams of docs/diagrams.md from the bundled seed fixture with ssot-graph
# itself: docs/diagrams/NAME.dot, .svg (needs Graphviz's `dot`) and .mmd, and the Mermaid
# blocks of docs/diagrams.md. tests/draw.rs fails when a committed drawing is stale.
#
# Each `draw NAME ARGS...` line below is also read by that test.
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

draw websocket-chain why netra_backend.app.websocket_core.manager.WebSocketManager
draw websocket-package graph netra_backend.app.websocket_core --reverse --exclude-external
draw seed-graph graph --exclude-external

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
