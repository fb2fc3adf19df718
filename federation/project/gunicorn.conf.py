"""gunicorn's settings for scripts/serve.sh: how many processes, and threads in each, serve the app.

The choice for a machine of N cores (``choose``): N processes of THREADS_PER_PROCESS threads each
(gunicorn's ``gthread`` worker), measured with ``bench/http_bench.py`` on a county (README, "Serving"):
a page mostly waits for the database and the threads of a process overlap those waits, while one
process a core keeps every core busy with Python. The connections the app keeps open to the
database (one a thread, ``CONN_MAX_AGE``) stay within MAX_CONNECTIONS, half of PostgreSQL's default
``max_connections``, so a second server, the task queue and the administrator's tools still connect.

``WORKERS=N`` and ``THREADS=N`` in the environment override the choice (``THREADS=1``: gunicorn's
plain ``sync`` workers, one request a process at a time). The address, the access log and the
trusted proxy stay on serve.sh's command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: Threads in each process: enough to overlap the database waits of a few requests, few enough
#: that the interpreter's lock does not make every request of a busy process wait.
THREADS_PER_PROCESS = 4
#: At most this many database connections (processes × threads) by the machine's choice.
MAX_CONNECTIONS = 48


def cores() -> int:
    """Return the cores this process may run on (a container's or ``taskset``'s share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def choose(cores: int, environ: Mapping[str, str]) -> tuple[int, int]:
    """Return (processes, threads per process) for a machine of ``cores`` cores, ``WORKERS`` and
    ``THREADS`` of ``environ`` overriding each."""
    threads = _positive(environ, "THREADS") or THREADS_PER_PROCESS
    processes = _positive(environ, "WORKERS") or max(1, min(cores, MAX_CONNECTIONS // threads))
    return processes, threads


def _positive(environ: Mapping[str, str], name: str) -> int | None:
    text = environ.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise SystemExit(f"{name}={text!r}: a whole number of at least 1 is needed")
    return int(text)


workers, threads = choose(cores(), os.environ)
worker_class = "gthread" if threads > 1 else "sync"
# No control socket (gunicorn 25's ``gunicornc``): nothing here uses it, and every gunicorn of a user
# shares its one default path, so a second server on the machine (a benchmark's) would take it over.
control_socket_disable = True


def post_worker_init(worker) -> None:
    """Find the ledgers and importers once, before the worker's threads serve (gunicorn's hook).

    Their tables are filled by the first look-up in a process (``autodiscover_modules``, under a
    lock that makes the other threads wait): filled here, no user's request waits for it.
    """
    from federation.ledgers.exports.registry import all_ledgers
    from federation.ledgers.imports.framework import all_importers

    all_ledgers()
    all_importers()
