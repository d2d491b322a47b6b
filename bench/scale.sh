#!/usr/bin/env bash
# Scale: generates synthetic monorepos (bench/synthetic.py) of 10k, 50k and 100k modules
# into bench/corpus/ and times a cold `ssot-graph stats` (parse, index, resolve every
# site) on each: median wall time of RUNS and peak resident memory.
#   bench/scale.sh [SIZES...]      default: 10000 50000 100000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ $# -eq 0 ] && sizes=(10000 50000 100000)
runs=${RUNS:-3}
cargo build --release -q
printf "%8s %8s %9s %10s %9s  %s\n" modules files sites "time (s)" "peak MB" phases
for n in "${sizes[@]}"; do
  tree=bench/corpus/synthetic-$n
  [ -d "$tree" ] || python3 bench/synthetic.py "$n" "$tree" > /dev/null
  times=() peak=0 phases=""
  for _ in $(seq "$runs"); do
    out=$( { /usr/bin/time -f "%e %M" target/release/ssot-graph --no-cache --root "$tree" stats > /tmp/scale-stats.txt; } 2>&1 )
    times+=("${out% *}")
    kb=${out#* }
    [ "$kb" -gt "$peak" ] && peak=$kb
    phases=$(grep '^time' /tmp/scale-stats.txt | sed 's/^time *//')
  done
  median=$(printf "%s\n" "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  files=$(awk '/^files/ {print $2}' /tmp/scale-stats.txt)
  sites=$(awk '/^import sites/ {print $3}' /tmp/scale-stats.txt)
  printf "%8s %8s %9s %10s %9s  %s\n" "$n" "$files" "$sites" "$median" "$((peak / 1024))" "$phases"
done
