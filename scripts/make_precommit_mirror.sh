#!/usr/bin/env bash
# Writes a pre-commit mirror repository for ssot-graph VERSION into DIR, the way
# ruff-pre-commit serves ruff: `language: python` hooks whose environment pip-installs
# the `ssot-graph==VERSION` wheel, so no Rust toolchain is needed; commits it and tags
# it `vVERSION`. Teams point `.pre-commit-config.yaml` at the mirror and pin `rev`.
#
#   scripts/make_precommit_mirror.sh VERSION DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 VERSION DIR" >&2; exit 2; }
version=$1
dir=$2
[[ $version =~ ^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$ ]] || { echo "$0: $version: not a version" >&2; exit 2; }
mkdir -p "$dir"
cd "$dir"
[ -z "$(ls -A .)" ] || [ -d .git ] || { echo "$0: $dir: not empty and not a mirror" >&2; exit 2; }

cat > .pre-commit-hooks.yaml <<YAML
# ssot-graph $version as a pre-commit hook, installed from its wheel (no Rust needed).
- id: ssot-graph
  name: ssot-graph
  description: Keep imports on their single source of truth (ssot-graph check on what is staged).
  # --staged judges the index: the staged Python files, and the imports that staged
  # deletions and renames break; the hook always runs and asks git.
  entry: ssot-graph check --staged
  language: python
  pass_filenames: false
  always_run: true
  require_serial: true
  stages: [pre-commit]
- id: ssot-graph-all
  name: ssot-graph (whole repository)
  description: ssot-graph check over the whole repository, for pre-push or manual runs.
  entry: ssot-graph check
  language: python
  pass_filenames: false
  always_run: true
  require_serial: true
  stages: [pre-push, manual]
YAML

# pre-commit installs the hook repository itself into the hook's environment: this
# placeholder package pins the real tool.
cat > setup.py <<PY
from setuptools import setup

setup(
    name="ssot-graph-pre-commit",
    version="$version",
    install_requires=["ssot-graph==$version"],
    py_modules=[],
)
PY

cat > README.md <<MD
# ssot-graph-pre-commit

[ssot-graph](https://pypi.org/project/ssot-graph/) $version for [pre-commit](https://pre-commit.com),
installed from its wheel: no Rust toolchain needed.

\`\`\`yaml
repos:
  - repo: <this repository's URL>
    rev: v$version
    hooks:
      - id: ssot-graph
\`\`\`
MD

[ -d .git ] || git init -q
git add .pre-commit-hooks.yaml setup.py README.md
git -c user.name=ssot-graph -c user.email=ssot-graph@localhost -c commit.gpgsign=false \
  commit -q -m "ssot-graph $version" --allow-empty
git tag -f "v$version" > /dev/null
echo "$dir: mirror of ssot-graph $version, tagged v$version"
