#!/usr/bin/env bash
# Times `ssot-graph stats` (full resolution) against grimp.build_graph and
# `ruff check --select F401` on real packages fetched from PyPI.
#
#   bench/run.sh [package ...]      default: homeassistant django transformers
#
# Everything fetched goes to bench/corpus and bench/venv (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=("$@")
[ $# -eq 0 ] && packages=(homeassistant django transformers)
corpus=bench/corpus
venv=bench/venv
runs=${RUNS:-5}

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q grimp ruff
cargo build --release -q
mkdir -p "$corpus"
for package in "${packages[@]}"; do
  if [ ! -d "$corpus/$package" ]; then
    "$venv/bin/pip" download -q --no-deps --only-binary :all: -d "$corpus/downloads" "$package"
    wheel=$(ls "$corpus"/downloads/"${package}"-*.whl 2>/dev/null | head -n 1)
    mkdir -p "$corpus/$package"
    "$venv/bin/python" -m zipfile -e "$wheel" "$corpus/$package"
  fi
done
"$venv/bin/python" bench/compare.py --runs "$runs" "${packages[@]/#/$corpus/}"
