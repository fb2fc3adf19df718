#!/usr/bin/env bash
# Run the app on http://127.0.0.1:8000 (SQLite in var/, gunicorn, static files served by the app
# through WhiteNoise). An empty database becomes the demo township, on this machine only; a real
# office's database (manage.py setup_office) is served as it is. Safe to run again: nothing is
# created twice, and a demo log-in once deleted is not created again.
# BIND=HOST:PORT serves elsewhere (never the demo: its passwords are published). The processes and
# threads that serve are chosen for the machine by federation/project/gunicorn.conf.py; WORKERS=N
# (processes) and THREADS=N (threads each; 1 for sync workers) override it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
py=.venv/bin/python
export BIND=${BIND:-127.0.0.1:8000}  # the installation's check reads it too
$py manage.py migrate --no-input -v0
$py manage.py collectstatic --no-input -v0
# The demo only into an empty or demo database and only on a loopback address; else it says why.
$py manage.py seed_demo --at-start
# The installation's checks (federation.core.checks): no account with the demo password, no demo
# database served to other machines. A failure stops here, before anything is served.
$py manage.py check --deploy --tag federation
# Background tasks (big ledger exports): django-q2's cluster, reading its queue from the same
# database. It stops when the server stops.
$py manage.py qcluster &
qcluster_pid=$!
trap 'kill "$qcluster_pid" 2>/dev/null; wait "$qcluster_pid" 2>/dev/null || true' EXIT
echo "== serving on http://$BIND/ (Ctrl-C stops)"
.venv/bin/gunicorn federation.project.wsgi:application -c federation/project/gunicorn.conf.py \
  --bind "$BIND" --access-logfile - --forwarded-allow-ips=127.0.0.1
