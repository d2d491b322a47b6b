#!/usr/bin/env bash
# `affected` end to end with the real pytest: the plugin shipped in the wheel
# (python/ssot_graph/affected.py) deselects what the selection leaves out, and its
# report-only mode names a failing test the selection would have skipped. The recall on
# real history is bench/affected_recall.py; CI runs it on a few commits of a small
# repository when one is there (bench/corpus/hist/click).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=bench/venv-affected
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "pytest==9.2.0"
cargo build --release -q
export SSOT_GRAPH_BIN="$PWD/target/release/ssot-graph"
export PYTHONPATH="$PWD/python"
python="$PWD/$venv/bin/python"

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
cp -r tests/fixtures/affected/. "$tree"
cd "$tree"
git init -q
git -c user.name=t -c user.email=t@t commit -qm start --allow-empty
git add -A
git -c user.name=t -c user.email=t@t commit -qm fixture

expect() {  # expect WHAT OUTPUT PATTERN
  if ! grep -q -- "$3" <<<"$2"; then
    echo "affected_e2e: $1: expected '$3' in:"
    echo "$2"
    exit 1
  fi
}

# Nothing changed: every test deselected, none run.
out=$("$python" -m pytest -p ssot_graph.affected --affected-since HEAD -p no:cacheprovider 2>&1 || true)
expect "no change" "$out" "6 deselected"

# A change to the plugins module: its two tests run, the four others are deselected.
printf '\nEXTRA = 1\n' >> pkg/plugins.py
out=$("$python" -m pytest -p ssot_graph.affected --affected-since HEAD -p no:cacheprovider -rA 2>&1)
expect "plugins change" "$out" "2 passed, 4 deselected"
expect "plugins change" "$out" "PASSED tests/test_lazy.py::test_lazy"
expect "plugins change" "$out" "PASSED tests/test_patch.py::test_patched"
expect "header" "$out" "ssot-graph affected: Selected 2 of 6 test files"

# With --affected-symbols, a change to make's body runs the one test that calls it.
git checkout -q pkg/plugins.py
sed -i 's/return Engine()/return Engine() or None/' pkg/api.py
out=$("$python" -m pytest -p ssot_graph.affected --affected-since HEAD --affected-symbols \
  -p no:cacheprovider -rA 2>&1)
expect "symbols" "$out" "1 passed, 5 deselected"
expect "symbols" "$out" "PASSED tests/test_api.py::test_make"
git checkout -q pkg/api.py

# Report-only: a failure the selection would have skipped is named, nothing deselected.
printf '\ndef test_broken():\n    assert False\n' >> tests/test_data.py
git add tests/test_data.py
git -c user.name=t -c user.email=t@t commit -qm broken
out=$("$python" -m pytest -p ssot_graph.affected --affected-since HEAD --affected-report-only \
  -p no:cacheprovider 2>&1 || true)
expect "report only" "$out" "ssot-graph affected would have skipped these failing tests"
expect "report only" "$out" "tests/test_data.py::test_broken"
expect "report only" "$out" "1 failed, 6 passed"

# A bad revision stops pytest with the tool's own one-line error.
out=$("$python" -m pytest -p ssot_graph.affected --affected-since nosuchrev 2>&1 || true)
expect "bad revision" "$out" "not a commit of the repository"
cd - >/dev/null

if [ -d bench/corpus/hist/click/.git ]; then
  "$python" bench/affected_recall.py bench/corpus/hist/click --commits 2 --pythonpath src \
    --python "$python"
fi
echo "affected_e2e: ok"
