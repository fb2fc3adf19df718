#!/usr/bin/env bash
# Every check a submission must pass: ruff, makemigrations --check, the whole suite on SQLite,
# and the whole suite again on PostgreSQL when DATABASE_URL names a PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .
echo "== makemigrations --check"
env -u DATABASE_URL python manage.py makemigrations --check --dry-run

echo "== tests on SQLite"
env -u DATABASE_URL python -m pytest "$@"
ran="SQLite"
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*|pgsql://*)
    echo "== tests on PostgreSQL (${DATABASE_URL%%@*}@…)"
    python -m pytest "$@"
    ran="$ran and PostgreSQL"
    ;;
  *) echo "== DATABASE_URL names no PostgreSQL server: PostgreSQL run skipped" ;;
esac
echo "== all checks passed on $ran"
