#!/usr/bin/env bash
# Draws the seed migration's dashboard (scripts/seed_migration.sh, with a CODEOWNERS
# file) in headless Chromium and writes docs/dashboard.png and docs/dashboard.html.
#
#   scripts/dashboard_screenshot.sh [SSOT_GRAPH_BINARY]   (default: target/release)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/target/release/ssot-graph}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/scripts/seed_migration.sh" "$work/repo" "$bin"
mkdir -p "$work/repo/.github"
cat > "$work/repo/.github/CODEOWNERS" <<'OWNERS'
* @platform
/netra_backend/app/agents/ @agents-team
/netra_backend/app/routes/ @api-team
OWNERS
# The seed fixture as it is (the first commit) with the trend of its whole migration.
git -C "$work/repo" checkout -q HEAD~4
"$bin" --root "$work/repo" report --history main --format html -o "$here/docs/dashboard.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size=1280,2300 \
    --screenshot="$here/docs/dashboard.png" "file://$here/docs/dashboard.html" 2>/dev/null
echo "wrote docs/dashboard.html and docs/dashboard.png"
