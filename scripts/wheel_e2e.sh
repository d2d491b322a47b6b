#!/usr/bin/env bash
# The way Python teams install ssot-graph, end to end, with no Rust toolchain on PATH
# once the wheel is built:
#   1. `maturin build --release` makes the py3-none-<platform> wheel;
#   2. a fresh venv installs it: `ssot-graph --version`, `python -m ssot_graph --version`
#      and a `check` of the seed fixture run;
#   3. scripts/make_precommit_mirror.sh writes a ruff-pre-commit style mirror, and the
#      real pre-commit installs its `language: python` hook from the wheel served from a
#      local folder (PIP_FIND_LINKS, PIP_NO_INDEX=1): a commit adding a deprecated import
#      is refused at path:line, a clean one passes.
# Run by .ci/run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -1)

python3 -m venv "$work/build"
"$work/build/bin/pip" install -q maturin pre-commit
# Building needs the network once (maturin, and setuptools for the mirror's placeholder
# package); everything after it runs from the local folder.
"$work/build/bin/pip" download -q --dest "$work/wheels" setuptools wheel
(cd "$here" && "$work/build/bin/maturin" build --release --quiet --out "$work/wheels" 2>&1 | tail -1)
wheel=$(ls "$work/wheels"/ssot_graph-"$version"-py3-none-*.whl)
echo "built $(basename "$wheel")"

# Only the system's tools, the venvs' scripts and git: no cargo, no rustc.
bare="/usr/local/bin:/usr/bin:/bin"
for tool in cargo rustc; do
  if PATH=$bare command -v $tool > /dev/null; then
    bare=$(echo "$bare" | tr ':' '\n' | grep -v "^$(dirname "$(PATH=$bare command -v $tool)")$" | paste -sd:)
  fi
done
run_bare() { env -i HOME="$work" PATH="$1:$bare" PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/wheels" \
  PRE_COMMIT_HOME="$work/cache" "${@:2}"; }
run_bare "$work/build/bin" bash -c '! command -v cargo && ! command -v rustc' > /dev/null ||
  { echo "FAIL: a Rust toolchain is on the bare PATH"; exit 1; }

echo "--- pip install into a fresh venv"
python3 -m venv "$work/user"
run_bare "$work/user/bin" pip install -q ssot-graph=="$version"
run_bare "$work/user/bin" ssot-graph --version | grep -q "^ssot-graph $version" ||
  { echo "FAIL: ssot-graph --version"; exit 1; }
run_bare "$work/user/bin" python -m ssot_graph --version | grep -q "^ssot-graph $version" ||
  { echo "FAIL: python -m ssot_graph --version"; exit 1; }
# The pytest plugin of `affected` ships in the wheel.
run_bare "$work/user/bin" python -c \
  "import importlib.util as u; assert u.find_spec('ssot_graph.affected'), 'no plugin'" ||
  { echo "FAIL: ssot_graph.affected is not in the wheel"; exit 1; }
cp -r "$here/tests/fixtures/seed" "$work/seed"
mkdir "$work/seed/queries"
cp "$here/queries/websocket.toml" "$work/seed/queries/"
if run_bare "$work/user/bin" bash -c "cd '$work/seed' && ssot-graph check" > "$work/check.txt"; then
  echo "FAIL: check found no error on the seed fixture"; exit 1
fi
grep -q "netra_backend/app/agents/supervisor/execution_engine.py:1:1: no-websocket-factory" "$work/check.txt" ||
  { cat "$work/check.txt"; echo "FAIL: check output"; exit 1; }
echo "ssot-graph $version installed; check reports $(tail -1 "$work/check.txt")"
# The language server is the same binary: an editor started from the venv gets answers.
framed() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
{
  framed '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
  framed '{"jsonrpc":"2.0","method":"initialized","params":{}}'
  framed '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  framed '{"jsonrpc":"2.0","method":"exit"}'
} | run_bare "$work/user/bin" bash -c "cd '$work/seed' && ssot-graph server" > "$work/server.txt" 2>/dev/null
grep -q '"name":"ssot-graph"' "$work/server.txt" && grep -q '"id":2,"result":null' "$work/server.txt" ||
  { cat "$work/server.txt"; echo "FAIL: ssot-graph server from the wheel"; exit 1; }

echo "--- pre-commit through a mirror repository (language: python)"
"$here/scripts/make_precommit_mirror.sh" "$version" "$work/mirror" > /dev/null
repo="$work/repo"
cp -r "$work/seed" "$repo"
cd "$repo"
git init -q
git config user.email ci@example.com
git config user.name CI
git config commit.gpgsign false
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $work/mirror
    rev: v$version
    hooks:
      - id: ssot-graph
YAML
run_bare "$work/user/bin" ssot-graph check --update-baseline > /dev/null
git add -A
git commit -q -m "legacy code with an accepted baseline"
run_bare "$work/build/bin" pre-commit install > /dev/null

cat > netra_backend/app/agents/new_agent.py <<'PY'
from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager


def start(user_id: str):
    return create_websocket_manager(user_id)
PY
git add netra_backend/app/agents/new_agent.py
if run_bare "$work/build/bin" git commit -q -m "new agent" > "$work/refused.txt" 2>&1; then
  cat "$work/refused.txt"; echo "FAIL: the commit was accepted"; exit 1
fi
grep -q "netra_backend/app/agents/new_agent.py:1:1: no-websocket-factory" "$work/refused.txt" ||
  { cat "$work/refused.txt"; echo "FAIL: no finding at new_agent.py:1:1"; exit 1; }
echo "refused: $(grep -m1 'new_agent.py:1:1' "$work/refused.txt")"

git rm -q --cached netra_backend/app/agents/new_agent.py
rm netra_backend/app/agents/new_agent.py
printf '\n\ndef greet(user_id: str) -> str:\n    return f"hello {user_id}"\n' >> netra_backend/app/agents/chat_agent.py
git add netra_backend/app/agents/chat_agent.py
run_bare "$work/build/bin" git commit -q -m "greet" > "$work/passed.txt" 2>&1 ||
  { cat "$work/passed.txt"; echo "FAIL: the clean commit was refused"; exit 1; }
echo "passed: a clean commit"
echo "wheel end to end: ok"
