#!/usr/bin/env bash
# `server` end to end through a real LSP client: pytest-lsp with VS Code's and Neovim's
# client capabilities (tests/lsp), then a tiny run of the latency benchmark
# (bench/server_speed.py, the full run is on Home Assistant: docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=bench/venv-lsp
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "pytest-lsp==1.0.1"
cargo build --release -q
export SSOT_GRAPH_BIN="$PWD/target/release/ssot-graph"
"$venv/bin/pytest" -q -p no:cacheprovider -o asyncio_default_fixture_loop_scope=function tests/lsp

seed=$(mktemp -d)
trap 'rm -rf "$seed"' EXIT
cp -r tests/fixtures/seed/. "$seed"
rm -rf "$seed/.ssot-graph-cache"
"$SSOT_GRAPH_BIN" --root "$seed" check >/dev/null || true
"$venv/bin/python" bench/server_speed.py "$seed" netra_backend/app/agents/chat_agent.py --edits 5
