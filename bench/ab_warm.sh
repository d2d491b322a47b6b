#!/usr/bin/env bash
# Two builds of ssot-graph side by side on the same kind of tree, alternated run by run
# (this machine is noisy: only same-minute figures compare). Each run: a cold `stats`
# (snapshot written), a warm `stats` 3 s later, a `check` of one file edited in place 3 s
# later. Each build gets its own copy of the tree: each rebuilds a snapshot the other
# wrote. Prints every run, then the medians.
#   bench/ab_warm.sh OLD_BINARY OLD_TREE NEW_BINARY NEW_TREE [RUNS]   (default 5)
# e.g. git worktree add /tmp/old <commit> && (cd /tmp/old && cargo build --release), and
# cp -r bench/corpus/real-homeassistant-1 /tmp/ha-old.
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,9p "$0"; exit 2; }
runs=${5:-5}
edited=homeassistant_01/components/sun/sensor.py
one() {  # one() BINARY TREE: prints "cold warm check check_kb"
  local bin=$1 tree=$2 cold warm check
  rm -rf "$tree/.ssot-graph-cache"
  /usr/bin/time -o /tmp/ab-time.txt -f "%e" "$bin" --root "$tree" stats > /dev/null 2>&1
  cold=$(tail -1 /tmp/ab-time.txt)
  sleep 3
  /usr/bin/time -o /tmp/ab-time.txt -f "%e" "$bin" --root "$tree" stats > /dev/null 2>&1
  warm=$(tail -1 /tmp/ab-time.txt)
  sleep 3
  cp "$tree/$edited" /tmp/ab-edited.orig
  echo "# edited" >> "$tree/$edited"
  /usr/bin/time -o /tmp/ab-time.txt -f "%e %M" "$bin" --root "$tree" check "$tree/$edited" > /dev/null 2>&1 || true
  check=$(tail -1 /tmp/ab-time.txt)
  cat /tmp/ab-edited.orig > "$tree/$edited"
  echo "$cold $warm $check"
}
: > /tmp/ab-old.txt; : > /tmp/ab-new.txt
for _ in $(seq "$runs"); do
  one "$1" "$2" | tee -a /tmp/ab-old.txt | sed 's/^/old: /'
  one "$3" "$4" | tee -a /tmp/ab-new.txt | sed 's/^/new: /'
done
median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
printf "%6s %9s %10s %10s %10s\n" build "cold (s)" "warm (s)" "check (s)" "check MB"
for build in old new; do
  f=/tmp/ab-$build.txt
  printf "%6s %9s %10s %10s %10s\n" "$build" "$(cut -d' ' -f1 "$f" | median)" \
    "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" \
    "$(( $(cut -d' ' -f4 "$f" | median) / 1024 ))"
done
