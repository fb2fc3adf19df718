#!/usr/bin/env bash
# Write requirements.lock: every package of pyproject.toml's dependencies and its dev extra, pinned
# with the hashes of its files, for Python 3.11 on any platform (uv pip compile --universal), so two
# offices and CI install the same versions (scripts/setup.sh installs from it).
#
#   scripts/lock.sh            add what pyproject.toml now asks for; the versions already pinned stay
#   scripts/lock.sh --upgrade  move every package to its newest version allowed by pyproject.toml
#   scripts/lock.sh --check    exit 1 when pyproject.toml's dependencies changed since the lock was written
#
# The lock's first line keeps a digest of the dependency lists it was made from (not of the whole
# pyproject.toml, whose tool settings change more often), which --check compares.
set -euo pipefail
cd "$(dirname "$0")/.."
lock=requirements.lock
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null 2>&1 || python=python3

inputs_digest() {
  "$python" - <<'EOF'
import hashlib, json, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
inputs = [project["requires-python"], sorted(project["dependencies"]), sorted(project["optional-dependencies"]["dev"])]
print(hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:16])
EOF
}

digest=$(inputs_digest)
if [ "${1:-}" = "--check" ]; then
  if [ -f "$lock" ] && head -1 "$lock" | grep -q "inputs $digest\$"; then
    exit 0
  fi
  echo "requirements.lock was not made from pyproject.toml's dependencies as they are now: run scripts/lock.sh" >&2
  exit 1
fi

# uv: the one in .venv (a dev dependency), else the version the lock pins, in a throwaway environment.
uv=${UV:-.venv/bin/uv}
if [ ! -x "$uv" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  pin=$(grep -oE '^uv==[^ ;]+' "$lock" 2>/dev/null || echo uv)
  "$python" -m venv "$scratch/venv"
  "$scratch/venv/bin/python" -m pip install -q "$pin" 2>&1 | grep -v "is ignored" || true
  uv=$scratch/venv/bin/uv
fi

body=$(mktemp)
trap 'rm -f "$body"; [ -z "${scratch:-}" ] || rm -rf "$scratch"' EXIT
# The lock as it is feeds uv its preferences: a version already pinned stays unless --upgrade.
[ -f "$lock" ] && tail -n +2 "$lock" >"$body"
"$uv" pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes \
  --custom-compile-command "scripts/lock.sh" --no-progress --quiet --output-file "$body" "$@"
{
  echo "# requirements.lock (scripts/lock.sh) from pyproject.toml's dependencies and dev extra: inputs $digest"
  cat "$body"
} >"$lock.new"
mv "$lock.new" "$lock"
echo "== $lock: $(grep -cE '^[a-z0-9]' "$lock") packages pinned with their hashes"
