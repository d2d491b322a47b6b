#!/usr/bin/env bash
# Resolution against the Python runtime on real packages from PyPI, each with its
# dependencies: the package's wheel is unpacked into bench/corpus/rt/NAME (the tree
# ssot-graph reads, and the copy Python imports), its dependencies are installed into a
# venv of its own (bench/venv-rt-NAME), and scripts/check_against_python.py runs with that
# venv's interpreter.
#
#   bench/runtime_agreement.sh [REQUIREMENT ...]     e.g. scikit-image==0.24.0 pytest
#
# Default: the seven packages of docs/benchmarks.md. Everything fetched is git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=("$@")
[ $# -eq 0 ] && requirements=(scikit-image==0.24.0 urllib3==1.26.20 PyYAML==6.0.2 pandas==2.2.3
  SQLAlchemy==2.0.36 sympy==1.13.3 pytest==8.3.3)
cargo build --release -q
for requirement in "${requirements[@]}"; do
  name=$(echo "${requirement%%[=<>]*}" | tr 'A-Z_.' 'a-z--')
  venv=bench/venv-rt-$name
  tree=bench/corpus/rt/$name
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "$requirement"
  fi
  if [ ! -d "$tree" ]; then
    downloads=bench/corpus/rt/downloads
    "$venv/bin/pip" download -q --no-deps --only-binary :all: -d "$downloads" "$requirement"
    wheel=$(ls -t "$downloads"/*.whl | grep -i "/$(echo "$name" | tr '-' '_')-" | head -n 1)
    mkdir -p "$tree"
    "$venv/bin/python" -m zipfile -e "$wheel" "$tree"
  fi
  echo "== $requirement"
  "$venv/bin/python" scripts/check_against_python.py --binary "${BINARY:-target/release/ssot-graph}" \
    --show "${SHOW:-40}" "$tree" || true
done
