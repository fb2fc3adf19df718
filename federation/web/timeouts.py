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

import contextvars
import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.db.backends.signals import connection_created
from django.shortcuts import render

from federation.core.replica import replica_alias

log = logging.getLogger(__name__)

#: PostgreSQL's SQLSTATE of a statement cancelled by ``statement_timeout`` (query_canceled).
QUERY_CANCELED = "57014"
#: How many SQLite virtual-machine steps pass between two looks at the clock.
SQLITE_STEPS = 10_000

#: The running request's bound: its deadline on the monotonic clock and its seconds, or None
#: outside a bounded request. A context variable: each thread of a gthread worker has its own.
_bound_now: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "statement_bound", default=None
)


class StatementTimeoutMiddleware:
    """Bound the request's queries by ``STATEMENT_TIMEOUT``; answer a query stopped by it with a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.STATEMENT_TIMEOUT
        if not seconds or connection.vendor not in ("postgresql", "sqlite"):
            return self.get_response(request)
        token = _bound_now.set((time.monotonic() + seconds, seconds))
        for conn in _connections():
            if conn.connection is not None:
                _bound(conn)
        try:
            return self.get_response(request)
        finally:
            _release()
            _bound_now.reset(token)

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


def _aliases() -> list[str]:
    """Return the databases a page reads: the default one, and the read replica when one is set
    (``federation.core.replica``: the statistics pages read there)."""
    return list(dict.fromkeys([DEFAULT_DB_ALIAS, replica_alias()]))


def _connections() -> list:
    return [connections[alias] for alias in _aliases()]


def _bound(conn) -> None:
    """Bound ``conn``'s queries by the running request's limit."""
    deadline, seconds = _bound_now.get()
    if conn.vendor == "sqlite":
        conn.connection.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_STEPS)
    else:
        _set_postgresql(conn, f"SET statement_timeout = {int(seconds * 1000)}")


def _bound_when_opened(sender, connection, **kwargs) -> None:
    """Bound a connection the request opens (the replica's, on the first statistics query) from then on.

    A request opens no connection it does not use: a page that never reads the replica leaves its
    connection closed.
    """
    if _bound_now.get() is not None and connection.alias in _aliases():
        _bound(connection)


connection_created.connect(_bound_when_opened)


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
