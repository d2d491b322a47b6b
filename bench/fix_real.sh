#!/usr/bin/env bash
# `fix` on a real repository: a canonical rule moves every import of SensorDeviceClass in
# Home Assistant 2024.3.3 from the `homeassistant.components.sensor` re-export to the
# module that defines it (`homeassistant.components.sensor.const`). Works on a copy of
# bench/corpus/homeassistant (bench/run.sh fetches it) and reports:
#   - how many sites and files were rewritten, and the time `fix` took;
#   - that every rewritten file compiles (`py_compile`) and the rule has no finding left;
#   - that every rewritten module that imported before the fix imports after it and binds
#     the same SensorDeviceClass object (with the Python given as $PYTHON; a venv with
#     `pip install homeassistant==2024.3.3` lets most of them import).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
tree=bench/corpus/homeassistant
[ -d "$tree/homeassistant" ] || { echo "run bench/run.sh homeassistant first"; exit 2; }
cargo build --release -q
bin=$PWD/target/release/ssot-graph
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$tree/homeassistant" "$work/"
mkdir "$work/queries"
cat > "$work/queries/sensor.toml" <<'TOML'
[[rule]]
id = "sensor-device-class"
kind = "canonical"
symbol = "homeassistant.components.sensor.const.SensorDeviceClass"
TOML
echo '[tool.ssot-graph]' > "$work/pyproject.toml"

echo "safe fixes alone (the whole statement moves): $("$bin" --root "$work" fix --check | tail -1)"
# Most sites import several names from the sensor package in one statement, and only
# SensorDeviceClass moves: those statements are split, which --unsafe-fixes allows.
"$bin" --root "$work" fix --check --unsafe-fixes | grep '^would fix' | sed 's/.* in //' > "$work/touched.txt" || true
echo "files to rewrite: $(wc -l < "$work/touched.txt")"

imports() {  # module -> "ok" / "fail" for every touched file, in one interpreter per module
  (cd "$work" && "$python" - "$work/touched.txt" <<'PY'
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
def check(path):
    module = path[:-3].replace("/", ".").removesuffix(".__init__")
    code = ("import importlib, sys; m = importlib.import_module(%r); "
            "from homeassistant.components.sensor.const import SensorDeviceClass as S; "
            "b = [v for v in vars(m).values() if v is S]; print('same' if b else 'none')") % module
    run = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, timeout=120)
    return module, run.stdout.strip() if run.returncode == 0 else "fail"
with ThreadPoolExecutor(4) as pool:
    for module, result in pool.map(check, open(sys.argv[1]).read().split()):
        print(module, result)
PY
  )
}
imports > "$work/before.txt"

start=$(date +%s.%N)
"$bin" --root "$work" fix --unsafe-fixes > "$work/fix.txt"
end=$(date +%s.%N)
tail -1 "$work/fix.txt"
echo "fix took $(echo "$end - $start" | bc) s (parse, resolve, rewrite, re-parse, write)"

(cd "$work" && xargs "$python" -m py_compile < touched.txt) && echo "every rewritten file compiles"
left=$("$bin" --root "$work" --format json query sensor-device-class | "$python" -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
echo "findings left for the rule: $left"

imports > "$work/after.txt"
"$python" - "$work/before.txt" "$work/after.txt" <<'PY'
import sys
before = dict(line.split() for line in open(sys.argv[1]))
after = dict(line.split() for line in open(sys.argv[2]))
imported = [m for m, r in before.items() if r != "fail"]
broken = [m for m in imported if after[m] == "fail"]
changed = [m for m in imported if after[m] != before[m]]
print(f"modules importing before the fix: {len(imported)} of {len(before)}; "
      f"broken by it: {len(broken)}; binding changed: {len(changed)}")
sys.exit(1 if broken or changed else 0)
PY
