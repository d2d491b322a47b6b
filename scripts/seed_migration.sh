#!/usr/bin/env bash
# The seed fixture's migration in five commits, as a git repository in DIR:
#   1. the layers as the plan found them;
#   2. the canonical imports `ssot-graph fix` writes;
#   3. the execution engine off the deprecated factory;
#   4. the route off it too;
#   5. a new agent that imports the factory again.
# Commits carry fixed names and dates, so their hashes are the same on every run.
# tests/history.rs runs it; scripts/dashboard_screenshot.sh draws its report.
#
#   scripts/seed_migration.sh DIR SSOT_GRAPH_BINARY
set -euo pipefail

dir=$1
bin=$(realpath "$2")
here=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$dir"
cp -r "$here/tests/fixtures/seed/." "$dir"
mkdir -p "$dir/queries"
cp "$here/queries/websocket.toml" "$dir/queries/"
cd "$dir"

export GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.com
export GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.com
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 VIRTUAL_ENV=

commit() {
    export GIT_AUTHOR_DATE="2026-11-0$2T12:00:00+00:00" GIT_COMMITTER_DATE="2026-11-0$2T12:00:00+00:00"
    git add -A
    git commit -q -m "$1"
}

# Replaces FROM with TO in FILE, which must hold FROM.
edit() {
    grep -qF -- "$2" "$1" || { echo "$1 does not hold: $2" >&2; exit 1; }
    FROM=$2 TO=$3 python3 -c 'import os, sys; p = sys.argv[1]; t = open(p).read(); open(p, "w").write(t.replace(os.environ["FROM"], os.environ["TO"]))' "$1"
}

git init -q -b main
echo ".ssot-graph-cache/" > .gitignore
commit "Layers as the plan found them" 1

"$bin" --root . fix > /dev/null
commit "Import WebSocketNotifier from its canonical module" 2

engine=netra_backend/app/agents/supervisor/execution_engine.py
edit $engine "from ...websocket_core.websocket_manager_factory import create_websocket_manager" \
    "from ...websocket_core.websocket_manager import get_websocket_manager"
edit $engine "create_websocket_manager(user_id)" "get_websocket_manager(user_id)"
commit "Execution engine: off the factory" 3

routes=netra_backend/app/routes/websocket.py
edit $routes "from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager" \
    "from netra_backend.app.websocket_core.websocket_manager import get_websocket_manager"
edit $routes "create_websocket_manager(user_id)" "get_websocket_manager(user_id)"
commit "Routes: off the factory" 4

cat > netra_backend/app/agents/new_agent.py <<'EOF'
from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager


def start(user_id):
    return create_websocket_manager(user_id)
EOF
commit "New agent" 5
