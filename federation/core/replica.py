"""Heavy reads on a read replica: a county's statistics and its exports, when one is configured.

With ``DATABASE_REPLICA_URL`` set, the settings add ``DATABASES["replica"]`` (a PostgreSQL standby
that streams the primary's changes) and name it in ``READ_REPLICA``. Code that reads a lot and
writes nothing it reads back marks itself with :func:`reading_replica` (a context manager and a
decorator); :class:`ReplicaRouter` sends its reads there. Everything else, and every write (an
export's own status and progress, a heartbeat), goes to ``default``: a page never misses a row
its user has just saved because a standby lags a second behind. Without a replica nothing changes.

The mark is a context variable, so it holds for the thread (or the task) that set it only: the
heartbeat thread of an export, started inside it, writes to ``default`` as every thread does.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

#: The alias of the replica in ``DATABASES`` (the settings name it in ``READ_REPLICA``).
REPLICA = "replica"

_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_replica", default=False)


def replica_alias() -> str:
    """Return the alias reads go to inside :func:`reading_replica`: ``READ_REPLICA``, or ``default``."""
    alias = getattr(settings, "READ_REPLICA", "")
    return alias if alias and alias in settings.DATABASES else DEFAULT_DB_ALIAS


@contextmanager
def reading_replica() -> Iterator[str]:
    """Send the reads of the block (or of the decorated function) to the replica; yield its alias.

    ``with reading_replica(): …`` or ``@reading_replica()``. The block's writes still go to
    ``default``. Nested uses are fine; leaving the outer one ends the mark.
    """
    token = _reading.set(True)
    try:
        yield replica_alias()
    finally:
        _reading.reset(token)


class ReadingReplicaMixin:
    """A class-based view whose queries, its template's included, read the replica.

    A ``TemplateResponse`` renders after the view returns: the mixin renders it inside the mark,
    so the querysets a template evaluates read the replica as well.
    """

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with reading_replica():
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
        return response


class ReplicaRouter:
    """Reads to the replica inside :func:`reading_replica`, everything else to ``default``.

    Installed always (``DATABASE_ROUTERS``); without a replica it sends everything to ``default``,
    as Django does without a router. Migrations run on ``default`` only: a standby copies them.
    """

    def db_for_read(self, model: type, **hints: Any) -> str:
        """Return the replica inside :func:`reading_replica`, else ``default``."""
        return replica_alias() if _reading.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        """Return ``default``: a replica is read-only."""
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        """Return True for two rows of the same data (default and its replica), else no opinion."""
        both = {DEFAULT_DB_ALIAS, REPLICA}
        return True if {obj1._state.db, obj2._state.db} <= both else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        """Return whether ``db`` is migrated: ``default`` only."""
        return db == DEFAULT_DB_ALIAS
