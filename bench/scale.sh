#!/usr/bin/env bash
# Scale: generates synthetic monorepos (bench/synthetic.py) of 10k, 50k and 100k modules
# into bench/corpus/ and times a cold `ssot-graph stats` (parse, index, resolve every
# site) on each: median wall time of RUNS and peak resident memory.
#   bench/scale.sh [SIZES...]      default: 10000 50000 100000
#
# Real code (the synthetic tree is ten times lighter than real code): N renamed copies
# of Home Assistant (bench/real_copies.py; bench/run.sh fetches it from PyPI) at each
# COPIES, timing a cold `stats` (cache written), a warm `stats`, and a warm `check` of
# one edited file, with each one's peak memory and the snapshot's size. The check is
# timed twice: the first run after a 3 s pause (as the script runs everything), and in
# steady state, back to back (milliseconds, median of 3 per round): on this machine's
# virtual CPUs, memory a process touches first after an idle pause costs several times
# more, whatever the tool (see docs/benchmarks.md):
#   bench/scale.sh --real [COPIES...]   default: 1 5 15 (BIN=PATH times that binary instead)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--real" ]; then
  shift
  copies=("$@")
  [ $# -eq 0 ] && copies=(1 5 15)
  runs=${RUNS:-3}
  package=bench/corpus/homeassistant/homeassistant
  [ -d "$package" ] || { echo "run bench/run.sh homeassistant first"; exit 2; }
  bin=${BIN:-}
  [ -n "$bin" ] || { cargo build --release -q; bin=$PWD/target/release/ssot-graph; }
  median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
  timed() {  # prints "seconds peak_kb" for one run of the binary with ARGS
    /usr/bin/time -o /tmp/scale-time.txt -f "%e %M" "$bin" "$@" > /dev/null 2>&1 || true
    tail -1 /tmp/scale-time.txt
  }
  milliseconds() {  # wall time of one run of the binary with ARGS
    local start
    start=$(date +%s%N)
    "$bin" "$@" > /dev/null 2>&1 || true
    echo $(( ($(date +%s%N) - start) / 1000000 ))
  }
  printf "%7s %8s %11s %11s %12s %12s %10s %10s %10s %10s\n" copies files "cold (s)" "warm (s)" "check 1 (s)" "steady (ms)" "cold MB" "warm MB" "check MB" "cache MB"
  for n in "${copies[@]}"; do
    tree=bench/corpus/real-homeassistant-$n
    [ -d "$tree" ] || python3 bench/real_copies.py "$package" "$n" "$tree" > /dev/null
    edited="$tree/homeassistant_01/components/sun/sensor.py"
    cold=() warm=() check=() steady=() cold_kb=0 warm_kb=0 check_kb=0
    for _ in $(seq "$runs"); do
      rm -rf "$tree/.ssot-graph-cache"
      # Removing the cache folder moves the root's stamp, and a folder changed within the
      # clock's resolution of a walk is walked again by the next run: without this pause
      # the warm run below would measure a walk and a snapshot rewrite, not a warm run.
      sleep 3
      read -r t kb <<< "$(timed --root "$tree" stats)"; cold+=("$t"); [ "$kb" -gt "$cold_kb" ] && cold_kb=$kb
      # A stamp taken within the clock's resolution of a change is not trusted: the runs
      # of a hook are seconds apart, not back to back (bench/refs_speed.py does the same).
      sleep 3
      read -r t kb <<< "$(timed --root "$tree" stats)"; warm+=("$t"); [ "$kb" -gt "$warm_kb" ] && warm_kb=$kb
      sleep 3
      # Edited in place, as an editor saves: the folder's listing does not change (a
      # backup beside the file would make every run walk the tree again).
      cp "$edited" /tmp/scale-edited.orig
      echo "# edited" >> "$edited"
      read -r t kb <<< "$(timed --root "$tree" check "$edited")"; check+=("$t"); [ "$kb" -gt "$check_kb" ] && check_kb=$kb
      for _ in 1 2 3; do steady+=("$(milliseconds --root "$tree" check "$edited")"); done
      cat /tmp/scale-edited.orig > "$edited"
    done
    files=$(find "$tree" -name "*.py" | wc -l)
    cache=$(du -sm "$tree/.ssot-graph-cache" | cut -f1)
    printf "%7s %8s %11s %11s %12s %12s %10s %10s %10s %10s\n" "$n" "$files" \
      "$(printf "%s\n" "${cold[@]}" | median)" "$(printf "%s\n" "${warm[@]}" | median)" \
      "$(printf "%s\n" "${check[@]}" | median)" \
      "$(printf "%s\n" "${steady[@]}" | sort -n | sed -n "$(( (${#steady[@]} + 1) / 2 ))p")" \
      "$((cold_kb / 1024))" "$((warm_kb / 1024))" "$((check_kb / 1024))" "$cache"
  done
  exit 0
fi
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
