"""Rows straight into the tables, fast: COPY on PostgreSQL, ``executemany`` on SQLite.

Not a module named ``copy``: bench/ is first on the path of a bench script, and the standard
library's ``copy`` (which Django imports) must stay the one found.

A :class:`Loader` hands out primary keys itself (from the table's largest id on), so a row can name
its parents before anything is written; :meth:`Loader.flush` writes what was added, table by table,
then each new row's ``+`` history row the way ``federation.core.history.bulk_create`` writes them:
copied by the database from the new rows (``INSERT … SELECT``), no user, the reason given. After
the load, :meth:`Loader.finish` resets the sequences to the ids handed out and runs ANALYZE.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


class Table:
    """The rows of one model waiting to be written, in its table's column order."""

    def __init__(self, model: type[models.Model], *, stamp: Any, next_id: int):
        fields = model._meta.concrete_fields
        assert model._meta.pk.attname == "id", model
        self.model = model
        self.name = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.pairs = [(f.attname, _default(f, stamp)) for f in fields]
        self.rows: list[tuple] = []
        self.next_id = next_id
        self.written = 0

    def add(self, **values: Any) -> int:
        """Add one row (attnames to values, the model's defaults for the rest); return its new id."""
        pk = values["id"] = self.next_id
        self.next_id += 1
        get = values.get
        self.rows.append(tuple([get(attname, default) for attname, default in self.pairs]))
        return pk


def _default(field: models.Field, stamp: Any) -> Any:
    """Return the value a row gets for ``field`` when none is given: ``stamp`` for the timestamps."""
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return stamp
    return field.get_default() if field.has_default() or not field.null else None


class Loader:
    """Rows of several models, written with their history rows at each :meth:`flush`."""

    def __init__(self, *, now, reason: str):
        self.now = now
        self.reason = reason
        self.stamp = connection.ops.adapt_datetimefield_value(now)
        self.tables: dict[type[models.Model], Table] = {}
        self.history_rows = 0
        self.seconds = {"copy": 0.0, "history": 0.0}

    def table(self, model: type[models.Model]) -> Table:
        """Return the pending rows of ``model`` (its ids following the largest in the table)."""
        if model not in self.tables:
            largest = model._base_manager.aggregate(largest=models.Max("id"))["largest"] or 0
            self.tables[model] = Table(model, stamp=self.stamp, next_id=largest + 1)
        return self.tables[model]

    def flush(self) -> None:
        """Write every pending row, then the history rows of the new rows."""
        for table in self.tables.values():
            if not table.rows:
                continue
            first, last = table.next_id - len(table.rows), table.next_id - 1
            started = time.perf_counter()
            _write(table)
            self.seconds["copy"] += time.perf_counter() - started
            table.written += len(table.rows)
            table.rows = []
            started = time.perf_counter()
            self.history_rows += self._history(table.model, first, last)
            self.seconds["history"] += time.perf_counter() - started

    def _history(self, model: type[models.Model], first: int, last: int) -> int:
        """Write the ``+`` history rows of ``model``'s rows ``first``..``last``; return how many."""
        from federation.core.history import _history_columns

        if getattr(model, "history", None) is None:
            return 0
        columns = _history_columns(model)
        if columns is None:
            raise RuntimeError(f"{model.__name__}: its history table holds more than the tracked fields.")
        history_model = model.history.model
        date = history_model._meta.get_field("history_date").get_db_prep_value(self.now, connection)
        quote = connection.ops.quote_name
        targets, sources = columns
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(history_model._meta.db_table)} "
                f"({', '.join(quote(c) for c in targets)}, history_date, history_type, "
                f"history_user_id, history_change_reason) "
                f"SELECT {', '.join(quote(c) for c in sources)}, %s, '+', NULL, %s "
                f"FROM {quote(model._meta.db_table)} WHERE id BETWEEN %s AND %s",
                [date, self.reason, first, last],
            )
            return cursor.rowcount

    def finish(self, extra_models: Iterable[type[models.Model]] = ()) -> None:
        """Reset the sequences of the loaded tables (and ``extra_models``') and ANALYZE the database."""
        loaded = [*self.tables, *extra_models]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
                cursor.execute(statement)
            cursor.execute("ANALYZE")


def _write(table: Table) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor() as raw,
            raw.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy,
        ):
            for row in table.rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(table.columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", table.rows)
