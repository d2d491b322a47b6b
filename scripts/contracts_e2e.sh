#!/usr/bin/env bash
# Contracts against the real import-linter: the fixture tests/fixtures/contracts (every
# contract broken) and a copy with its violations removed (every contract kept), checked
# by `lint-imports` and by `ssot-graph init --from import-linter` + `check`: the same
# verdict and the same illegal (importer, imported) dependencies for every contract.
# The full comparison on real repositories is bench/contracts_vs_import_linter.py.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=bench/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "import-linter==2.17"
cargo build --release -q
fixture=tests/fixtures/contracts
"$venv/bin/python" bench/contracts_vs_import_linter.py --tree "$fixture" \
  --lint-imports "$PWD/$venv/bin/lint-imports"
kept=$(mktemp -d)
cp -r "$fixture/." "$kept"
rm "$kept/shop/db/reports.py" "$kept/shop/db/net.py" "$kept/shop/services/raw.py" \
  "$kept/shop/plugins/a/core.py"
printf 'class Order:\n    pass\n' > "$kept/shop/db/models.py"
"$venv/bin/python" bench/contracts_vs_import_linter.py --tree "$kept" \
  --lint-imports "$PWD/$venv/bin/lint-imports"
rm -rf "$kept"
