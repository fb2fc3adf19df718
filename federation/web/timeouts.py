"""Every query a web request runs is bounded in time (``STATEMENT_TIMEOUT``, seconds; 0 for none).

A runaway query (a county-wide page with a filter no index serves) would otherwise hold a worker of
the two an office PC has for minutes while every other user waits. On PostgreSQL the server stops
the query (``statement_timeout``, set at each request by a cursor Django does not count, so the
pages' query counts stay what they are); on SQLite a progress handler interrupts it when the
request's time is up. Either way the user gets a page that says what happened and what to do,
instead of a held worker or a server error; the background tasks (exports, imports) are not bounded
by it, they run in their own process.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.shortcuts import render

from federation.core.replica import replica_alias

log = logging.getLogger(__name__)

#: PostgreSQL's SQLSTATE of a statement cancelled by ``statement_timeout`` (query_canceled).
QUERY_CANCELED = "57014"
#: How many SQLite virtual-machine steps pass between two looks at the clock.
SQLITE_STEPS = 10_000


class StatementTimeoutMiddleware:
    """Bound the request's queries by ``STATEMENT_TIMEOUT``; answer a query stopped by it with a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.STATEMENT_TIMEOUT
        if not seconds or connection.vendor not in ("postgresql", "sqlite"):
            return self.get_response(request)
        _bound(seconds)
        try:
            return self.get_response(request)
        finally:
            _release()

    def process_exception(self, request, exception):
        if not stopped_by_timeout(exception):
            return None
        _release()  # the page that says so may query again
        # The path only: a query string can hold a searched ID number.
        log.warning("a query of %s %s ran over %s s and was stopped", request.method, request.path, _limit())
        return render(request, "federation/timeout.html", {"seconds": _limit()}, status=503)


def stopped_by_timeout(exception: BaseException) -> bool:
    """Return whether ``exception`` is a query stopped by the statement timeout (on either database)."""
    if not isinstance(exception, OperationalError):
        return False
    if getattr(exception.__cause__, "sqlstate", None) == QUERY_CANCELED:
        return True
    return connection.vendor == "sqlite" and "interrupted" in str(exception)


def _limit() -> float:
    return settings.STATEMENT_TIMEOUT


def _connections() -> list:
    """Return the connections a page reads: the default one, and the read replica's when one is set
    (``federation.core.replica``: the statistics pages read there)."""
    aliases = dict.fromkeys([DEFAULT_DB_ALIAS, replica_alias()])
    return [connections[alias] for alias in aliases]


def _bound(seconds: float) -> None:
    for conn in _connections():
        conn.ensure_connection()
        if conn.vendor == "sqlite":
            deadline = time.monotonic() + seconds
            conn.connection.set_progress_handler(lambda d=deadline: time.monotonic() > d, SQLITE_STEPS)
        else:
            _set_postgresql(conn, f"SET statement_timeout = {int(seconds * 1000)}")


def _release() -> None:
    """Lift the bound: what the connection runs after the request (a test's clean-up) is not bounded."""
    for conn in _connections():
        if conn.connection is None:
            continue
        if conn.vendor == "sqlite":
            conn.connection.set_progress_handler(None, SQLITE_STEPS)
        else:
            _set_postgresql(conn, "RESET statement_timeout")


def _set_postgresql(conn, statement: str) -> None:
    try:
        with conn.connection.cursor() as cursor:  # the driver's own cursor: not a query of the page
            cursor.execute(statement)
    except conn.Database.Error:
        pass  # in a transaction a stopped query ended: its end (rollback) resets the setting too
