#!/usr/bin/env bash
# End to end with the real pre-commit framework: it installs ssot-graph from this
# repository the way a team does by URL (`.pre-commit-hooks.yaml`, `language: rust`) and
# guards commits in a git copy of the seed fixture with the rules of queries/websocket.toml.
#   1. a commit adding an import of the deprecated factory is refused at path:line:col;
#   2. a commit that does not touch those imports passes, although old violations remain
#      (accepted by the baseline);
#   3. a violation staged and then edited away in the working tree is still refused (the
#      commit holds what is staged);
#   4. a commit that only deletes a module others import is refused at each broken import;
#   5. the plain git hook (hooks/pre-commit, no framework, no stash) judges the index too:
#      a clean staged file with a violation left in the working copy commits.
# Uses this repository's HEAD commit. Run by .ci/run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
# Reuse the compiled dependencies of this checkout: only ssot-graph itself is rebuilt.
export CARGO_TARGET_DIR="$here/target"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q pre-commit jsonschema
cargo build --release -q --manifest-path "$here/Cargo.toml"

repo="$work/repo"
cp -r "$here/tests/fixtures/seed" "$repo"
mkdir "$repo/queries"
cp "$here/queries/websocket.toml" "$repo/queries/"
cd "$repo"
git init -q
git config user.email ci@example.com
git config user.name CI
git config commit.gpgsign false
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $here
    rev: $(git -C "$here" rev-parse HEAD)
    hooks:
      - id: ssot-graph
YAML
# Adopt the rules on a legacy codebase: accept what exists today.
"$here/target/release/ssot-graph" check --update-baseline
git add -A
git commit -q -m "legacy code with an accepted baseline"
"$work/venv/bin/pre-commit" install > /dev/null

echo "--- a commit that adds an import of the deprecated factory"
cat > netra_backend/app/agents/new_agent.py <<'PY'
from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager


def start(user_id: str):
    return create_websocket_manager(user_id)
PY
git add netra_backend/app/agents/new_agent.py
if git commit -q -m "new agent" > "$work/refused.txt" 2>&1; then
  cat "$work/refused.txt"
  echo "FAIL: the commit was accepted"
  exit 1
fi
cat "$work/refused.txt"
grep -q "netra_backend/app/agents/new_agent.py:1:1: no-websocket-factory" "$work/refused.txt" ||
  { echo "FAIL: no finding at new_agent.py:1:1"; exit 1; }

echo "--- a commit that does not touch those imports"
git rm -q --cached netra_backend/app/agents/new_agent.py
rm netra_backend/app/agents/new_agent.py
cat >> netra_backend/app/agents/chat_agent.py <<'PY'


def greet(user_id: str) -> str:
    return f"hello {user_id}"
PY
git add netra_backend/app/agents/chat_agent.py
git commit -q -m "greet" > "$work/passed.txt" 2>&1 || { cat "$work/passed.txt"; echo "FAIL: the commit was refused"; exit 1; }
cat "$work/passed.txt"

echo "--- a violation staged, then edited away in the working tree"
cat > netra_backend/app/agents/new_agent.py <<'PY'
from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager
PY
git add netra_backend/app/agents/new_agent.py
echo "import os" > netra_backend/app/agents/new_agent.py
if git commit -q -m "sneaky" > "$work/sneaky.txt" 2>&1; then
  cat "$work/sneaky.txt"
  echo "FAIL: the staged violation was committed"
  exit 1
fi
cat "$work/sneaky.txt"
grep -q "netra_backend/app/agents/new_agent.py:1:1: no-websocket-factory" "$work/sneaky.txt" ||
  { echo "FAIL: no finding for the staged content"; exit 1; }
git reset -q netra_backend/app/agents/new_agent.py
rm netra_backend/app/agents/new_agent.py

echo "--- a commit that only deletes a module others import"
git rm -q netra_backend/app/websocket_core/websocket_manager_factory.py
if git commit -q -m "drop the factory" > "$work/deleted.txt" 2>&1; then
  cat "$work/deleted.txt"
  echo "FAIL: the deletion was committed (the hook was skipped?)"
  exit 1
fi
cat "$work/deleted.txt"
for site in netra_backend/app/agents/supervisor/execution_engine.py:1:1 netra_backend/app/routes/websocket.py:6:5; do
  grep -q "$site: broken-import" "$work/deleted.txt" ||
    { echo "FAIL: no broken-import at $site"; exit 1; }
done
git reset -q --hard

echo "--- the plain git hook: a clean staged file with a violation left in the working copy"
"$work/venv/bin/pre-commit" uninstall > /dev/null
cp "$here/hooks/pre-commit" .git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
echo "import os" > netra_backend/app/agents/plain.py
git add netra_backend/app/agents/plain.py
cat > netra_backend/app/agents/plain.py <<'PY'
from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager
PY
PATH="$here/target/release:$PATH" git commit -q -m "plain" > "$work/plain.txt" 2>&1 ||
  { cat "$work/plain.txt"; echo "FAIL: the clean staged file was refused"; exit 1; }
cat "$work/plain.txt"
[ "$(git show HEAD:netra_backend/app/agents/plain.py)" = "import os" ] ||
  { echo "FAIL: the commit does not hold the staged content"; exit 1; }
echo "pre-commit end-to-end: passed"

# The SARIF output validates against the official SARIF 2.1.0 JSON schema (shipped in the
# serde-sarif crate this project tests with).
"$here/target/release/ssot-graph" check --format sarif --baseline "$work/no-baseline.json" \
  > "$work/check.sarif" || true
schema=$(cd "$here" && cargo metadata --format-version 1 | "$work/venv/bin/python" -c '
import json, os, sys
meta = json.load(sys.stdin)
(manifest,) = [p["manifest_path"] for p in meta["packages"] if p["name"] == "serde-sarif"]
print(os.path.join(os.path.dirname(manifest), "src", "schema.json"))')
"$work/venv/bin/python" - "$schema" "$work/check.sarif" <<'PY'
import json, sys
import jsonschema
schema, sarif = (json.load(open(path)) for path in sys.argv[1:3])
jsonschema.Draft7Validator(schema).validate(sarif)
assert sarif["runs"][0]["results"], "no results to validate"
print(f"SARIF: {len(sarif['runs'][0]['results'])} results valid against the SARIF 2.1.0 schema")
PY
