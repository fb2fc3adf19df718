#!/usr/bin/env bash
# Every check a submission must pass: ruff, the import contracts, makemigrations --check, the whole suite on SQLite,
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

# One pytest worker a core (pytest-xdist; each worker has its own test database). TEST_WORKERS=0
# runs the tests in this process, one after the other.
workers=(-n "${TEST_WORKERS:-auto}")
[ "${TEST_WORKERS:-auto}" = 0 ] && workers=(-p no:xdist)

echo "== tests on SQLite"
env -u DATABASE_URL python -m pytest "${workers[@]}" "$@"
ran="SQLite"
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*|pgsql://*)
    echo "== tests on PostgreSQL (${DATABASE_URL%%@*}@…)"
    python -m pytest "${workers[@]}" "$@"
    ran="$ran and PostgreSQL"
    ;;
  *) echo "== DATABASE_URL names no PostgreSQL server: PostgreSQL run skipped" ;;
esac
echo "== all checks passed on $ran"
