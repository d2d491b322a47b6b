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

# tach's modules against the real tach: closed layers, a domain file, `exact`'s unused
# dependencies; then with explicit layer dependencies, then with a declared cycle.
"$venv/bin/pip" install -q "tach==0.35.3"
tach_tree=tests/fixtures/tach
"$venv/bin/python" bench/modules_vs_tach.py --tree "$tach_tree" --tach "$venv/bin/tach"
variant=$(mktemp -d)
cp -r "$tach_tree/." "$variant"
sed -i 's/^exact = true/exact = true\nlayers_explicit_depends_on = true/' "$variant/tach.toml"
"$venv/bin/python" bench/modules_vs_tach.py --tree "$variant" --tach "$venv/bin/tach"
sed -i 's/^exact = true/forbid_circular_dependencies = true/' "$variant/tach.toml"
sed -i '0,/depends_on = \[\]/s//depends_on = ["app.ui"]/' "$variant/tach.toml"
"$venv/bin/python" bench/modules_vs_tach.py --tree "$variant" --tach "$venv/bin/tach"
rm -rf "$variant"
# tach check-external: undeclared imports and unused declarations per package.
"$venv/bin/python" bench/external_vs_tach.py --tree tests/fixtures/tach-external --tach "$venv/bin/tach"
