#!/usr/bin/env bash
# `check`'s output formats against their published formats, on the seed fixture with the
# rules of queries/websocket.toml:
#   junit       the JUnit XML schema Jenkins and pytest use (junit-10.xsd, from pytest's
#               sdist), with the xmlschema package;
#   gitlab      tests/fixtures/formats/gitlab-codequality.schema.json, with jsonschema: what
#               GitLab's own ingest schema (codeclimate.json) requires of each issue, plus
#               every field GitLab documents; fingerprints unique;
#   json-lines  every line one JSON object, the same findings as --format json;
#   concise     one line per finding (`path:line:col: rule message`), no `via` lines;
#   full        each finding with its source line and a caret under it.
# And ssot-graph.schema.json accepts the rule files and settings ssot-graph reads (the
# repository's queries/, what `init` writes) and refuses a misspelt key.
# SARIF is validated by scripts/pre_commit_e2e.sh. Run by .ci/run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$here/target/release/ssot-graph"
[ -x "$bin" ] || cargo build --release -q --manifest-path "$here/Cargo.toml"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q jsonschema xmlschema
"$work/venv/bin/pip" download -q --no-deps --no-binary :all: --dest "$work" pytest
tar -xzf "$work"/pytest-*.tar.gz -C "$work" --wildcards '*/testing/example_scripts/junit-10.xsd'
xsd=$(ls "$work"/pytest-*/testing/example_scripts/junit-10.xsd)

cp -r "$here/tests/fixtures/seed" "$work/seed"
mkdir "$work/seed/queries"
cp "$here/queries/websocket.toml" "$work/seed/queries/"
for format in json json-lines gitlab junit concise full; do
  "$bin" --root "$work/seed" --no-cache check --format "$format" > "$work/out.$format" || true
done

"$work/venv/bin/python" - "$work" "$xsd" "$here/tests/fixtures/formats/gitlab-codequality.schema.json" <<'PY'
import json, re, sys
import jsonschema, xmlschema
work, xsd, gitlab_schema = sys.argv[1:4]
read = lambda f: open(f"{work}/out.{f}").read()
findings = json.loads(read("json"))["findings"]
assert findings, "no findings to check the formats with"

xmlschema.XMLSchema(xsd).validate(f"{work}/out.junit")
print(f"junit: valid against {xsd.split('/')[-1]}")

issues = json.loads(read("gitlab"))
jsonschema.Draft7Validator(json.load(open(gitlab_schema))).validate(issues)
assert len(issues) == len(findings)
assert len({i["fingerprint"] for i in issues}) == len(issues), "fingerprints repeat"
print(f"gitlab: {len(issues)} issues valid against GitLab's Code Quality schema")

lines = [json.loads(line) for line in read("json-lines").splitlines()]
assert lines == findings, "json-lines differs from the json findings"
print(f"json-lines: {len(lines)} objects, the same findings as --format json")

place = re.compile(r"^\S+:\d+:\d+: [a-z0-9-]+( \[\*\])? .+$")
concise = read("concise").splitlines()
assert all(place.match(line) for line in concise[: len(findings)]), concise
assert not any(line.lstrip().startswith("via ") for line in concise)
assert len(concise) == len(findings) + 1, "one line per finding and a summary"
print(f"concise: {len(findings)} lines")

full = read("full")
carets = [line for line in full.splitlines() if re.match(r"^\s+\| +\^+ ", line)]
assert len(carets) == len(findings), full
print(f"full: {len(carets)} findings shown with their source line")
PY

mkdir "$work/init" && "$bin" --root "$work/init" init > /dev/null
"$work/venv/bin/python" - "$here/ssot-graph.schema.json" "$here"/queries/*.toml \
  "$here/ssot-graph.toml" "$work/init/ssot-graph.toml" "$work/init/queries"/*.toml <<'PY'
import json, sys, tomllib
import jsonschema
schema = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
for path in sys.argv[2:]:
    schema.validate(tomllib.load(open(path, "rb")))
    print(f"schema: {path.rsplit('/', 2)[-2]}/{path.rsplit('/', 1)[-1]} valid")
for wrong in ({"exclud": ["x"]}, {"rule": [{"kind": "deprecated", "id": "a", "targt": "m"}]}):
    assert not schema.is_valid(wrong), f"the schema accepts {wrong}"
print("schema: misspelt keys refused")
PY
echo "formats: ok"
