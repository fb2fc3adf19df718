#!/usr/bin/env bash
# Run the app with the demo township on http://127.0.0.1:8000 (SQLite in var/, gunicorn, static
# files served by the app through WhiteNoise). Safe to run again: nothing is created twice.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
py=.venv/bin/python
$py manage.py migrate --no-input -v0
$py manage.py collectstatic --no-input -v0
$py manage.py seed_demo
# Background tasks (big ledger exports): django-q2's cluster, reading its queue from the same
# database. It stops when the server stops.
$py manage.py qcluster &
qcluster_pid=$!
trap 'kill "$qcluster_pid" 2>/dev/null; wait "$qcluster_pid" 2>/dev/null || true' EXIT
bind=${BIND:-127.0.0.1:8000}
echo "== serving on http://$bind/ (Ctrl-C stops)"
.venv/bin/gunicorn federation.project.wsgi:application --bind "$bind" --workers "${WORKERS:-3}" \
  --access-logfile - --forwarded-allow-ips=127.0.0.1
