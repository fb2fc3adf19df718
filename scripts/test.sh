#!/usr/bin/env bash
# Every check a submission must pass: ruff, the import contracts, makemigrations --check, the lock file (and
# pip-audit against it), the whole suite on SQLite,
# and the whole suite again on PostgreSQL when DATABASE_URL names a PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .
echo "== import directions (import-linter, contracts in pyproject.toml)"
lint-imports --no-cache
echo "== makemigrations --check"
env -u DATABASE_URL python manage.py makemigrations --check --dry-run
echo "== requirements.lock matches pyproject.toml"
scripts/lock.sh --check

# Known vulnerabilities of the locked versions (pip-audit and its data service). A vulnerability fails
# the run; where the service cannot be reached, or knows none of the packages, one line says so.
audit_json=$(mktemp)
audit_log=$(mktemp)
audit_rc=0
pip-audit -r requirements.lock --require-hashes --disable-pip --progress-spinner off -f json -o "$audit_json" \
  >"$audit_log" 2>&1 || audit_rc=$?
python - "$audit_json" "$audit_log" "$audit_rc" <<'EOF'
import json, re, sys

report, log, rc = open(sys.argv[1]).read(), open(sys.argv[2]).read(), int(sys.argv[3])
unreachable = "== pip-audit: vulnerability data cannot be reached here, skipped"
if not report.strip():
    if re.search(r"ConnectionError|NameResolution|Max retries|timed out|Timeout|unreachable|ServiceError", log):
        sys.exit(print(unreachable))
    sys.exit(f"== pip-audit failed (exit {rc}):\n{log[-3000:]}")
dependencies = json.loads(report)["dependencies"]
found = [d for d in dependencies if d.get("vulns")]
checked = [d for d in dependencies if "skip_reason" not in d]
for d in found:
    for v in d["vulns"]:
        fix = ", ".join(v.get("fix_versions") or []) or "none yet"
        print(f"{d['name']} {d['version']}: {v['id']} (fixed in {fix})")
if found:
    sys.exit(f"== pip-audit: {len(found)} locked packages have known vulnerabilities: raise them with scripts/lock.sh")
if not checked:
    sys.exit(print(unreachable))
skipped = len(dependencies) - len(checked)
print(f"== pip-audit: {len(checked)} packages checked, no known vulnerability" + (f", {skipped} not found" if skipped else ""))
EOF
rm -f "$audit_json" "$audit_log"

# One pytest worker a core (pytest-xdist; each worker has its own test database). TEST_WORKERS=0
# runs the tests in this process, one after the other.
# A worker left without tests takes some of the other's (worksteal): the slow migration tests come last in
# pytest-django's order, and without it one worker sat idle while the other ran them one after the other.
workers=(-n "${TEST_WORKERS:-auto}" --dist worksteal)
[ "${TEST_WORKERS:-auto}" = 0 ] && workers=(-p no:xdist)

# The slowest tests are named at the end of each run (--durations), so the suite's time can be watched.
# The browser tests run once: on PostgreSQL, the database an office runs, when a PostgreSQL run follows;
# else on SQLite. What they check is what a user sees; both databases under it are checked by the rest.
browser=()
case "${DATABASE_URL:-}" in postgres://*|postgresql://*|pgsql://*) browser=(--without-browser-tests) ;; esac
echo "== tests on SQLite${browser:+ (the browser tests run on PostgreSQL below)}"
env -u DATABASE_URL python -m pytest "${workers[@]}" "${browser[@]}" --durations=15 "$@"
ran="SQLite"
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*|pgsql://*)
    # Again the tests that reach the database (tests/conftest.py, --database-tests-only): the others ran
    # on SQLite a minute ago and touch no database, so a second run of them could find nothing new.
    echo "== tests on PostgreSQL (${DATABASE_URL%%@*}@…), the tests that reach the database"
    python -m pytest "${workers[@]}" --durations=15 --database-tests-only "$@"
    ran="$ran and PostgreSQL"
    ;;
  *) echo "== DATABASE_URL names no PostgreSQL server: PostgreSQL run skipped" ;;
esac
echo "== all checks passed on $ran"
