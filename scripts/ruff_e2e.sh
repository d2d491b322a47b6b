#!/usr/bin/env bash
# Rewrites against ruff's own import checks, on real packages fetched from PyPI:
#   1. every import block of rich and flask, once ruff's I001 has sorted it, is judged
#      sorted by ssot-graph too (bench/isort_agreement.py): a rewrite never reorders a
#      block ruff considers sorted;
#   2. `fix` with canonical rules on celery, and moves on flask (a whole package too) and
#      rich, add no ruff I or F401 finding
#      (bench/fix_ruff_clean.py).
# The full sets (Home Assistant with three settings, django, sqlalchemy, numpy, ...) are
# in docs/benchmarks.md. Run by .ci/run after the release build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
ruff=bench/venv/bin/ruff
if [ ! -x "$ruff" ]; then
  python3 -m venv bench/venv
  bench/venv/bin/pip install -q ruff==0.17.6
fi
corpus=bench/corpus/isort
for spec in rich==13.9.4 flask==3.1.0 celery==5.4.0; do
  name=${spec%%==*}
  [ -d "$corpus/$name" ] && continue
  mkdir -p "$corpus/$name"
  bench/venv/bin/pip download -q --no-deps --only-binary :all: "$spec" -d "$corpus/$name"
  (cd "$corpus/$name" && for wheel in *.whl; do python3 -m zipfile -e "$wheel" . && rm "$wheel"; done)
done
python3 bench/isort_agreement.py --ruff "$ruff" "$corpus/rich"
python3 bench/isort_agreement.py --ruff "$ruff" "$corpus/flask"
python3 bench/fix_ruff_clean.py --ruff "$ruff" "$corpus/celery" \
  --symbol celery.app.base.Celery --symbol celery.app.task.Task
python3 bench/fix_ruff_clean.py --ruff "$ruff" "$corpus/flask" \
  --command "move flask.helpers.get_root_path --to flask.paths" \
  --command "move flask.json --to flask.serial.json --shim none"
python3 bench/fix_ruff_clean.py --ruff "$ruff" "$corpus/rich" \
  --command "move rich.segment.ControlType --to rich.control_type" \
  --command "move rich.console.ConsoleDimensions --to rich.dimensions"
