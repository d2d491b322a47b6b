#!/usr/bin/env bash
# `report --history` over a real history: COUNT successive Home Assistant releases (up to
# 2024.3.3), one commit each (bench/history_repo.py, sdists from PyPI), measured with the
# five rules of bench/ha-rules. Prints the median wall time and peak memory of RUNS runs
# over every commit, and the same for a plain `report` of the newest commit's tree.
#   bench/history.sh [COUNT]   default: 200
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
runs=${RUNS:-3}
repo=bench/corpus/ha-history-$count
if [ ! -d "$repo/.git" ]; then
  python3 bench/history_repo.py homeassistant 2024.3.3 "$count" "$repo"
fi
mkdir -p "$repo/queries"
cp bench/ha-rules/rules.toml "$repo/queries/"
cargo build --release -q
bin=$PWD/target/release/ssot-graph
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
timed() {  # "seconds peak_kb" of one run
  /usr/bin/time -o /tmp/history-time.txt -f "%e %M" "$bin" --root "$repo" "$@" > /dev/null 2>/tmp/history-err.txt \
    || { cat /tmp/history-err.txt >&2; exit 1; }
  tail -1 /tmp/history-time.txt
}
history=() report=()
for _ in $(seq "$runs"); do
  history+=("$(timed report --history --format json)")
  report+=("$(timed --no-cache report --format json)")
done
# The newest point must be what `report` says of the same files in the working tree.
"$bin" --root "$repo" report --history --max-count 1 --format json > /tmp/history-newest.json 2>/dev/null
"$bin" --root "$repo" --no-cache report --format json > /tmp/history-report.json 2>/dev/null
python3 - <<'PY'
import json
point = json.load(open("/tmp/history-newest.json"))["points"][-1]["figures"]
report = json.load(open("/tmp/history-report.json"))
same = (
    point["score"] == report["score"]
    and [(s["symbol"], s["canonical_sites"], s["sites"]) for s in point["symbols"]]
    == [(p["symbol"], p["canonical_sites"], p["sites"]) for p in report["canonical"]]
    and point["deprecated_references"] == sum(d["references"] for d in report["deprecated"])
    and point["duplicates"] == report["duplicates"]["names"]
)
print("newest point equals report of the working tree:", "yes" if same else "NO")
if not same:
    raise SystemExit(1)
PY
files=$(git -C "$repo" ls-files '*.py' | wc -l)
printf "%s commits, %s Python files at the newest\n" "$(git -C "$repo" rev-list --count HEAD)" "$files"
printf "%-28s %9s %9s\n" "" "time (s)" "peak MB"
for name in history report; do
  declare -n rows=$name
  t=$(printf "%s\n" "${rows[@]}" | cut -d' ' -f1 | median)
  m=$(printf "%s\n" "${rows[@]}" | cut -d' ' -f2 | median)
  label=$([ $name = history ] && echo "report --history (all)" || echo "report, newest, no cache")
  printf "%-28s %9s %9d\n" "$label" "$t" "$((m / 1024))"
done
