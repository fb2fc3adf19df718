"""History written one way: every change names who made it (and why), on every path.

Each domain record keeps its history (django-simple-history). Whatever writes a record — a form,
a service, the admin, an import, the command line, the demo — writes it through this module:

- :func:`save` saves one record with its history row naming the actor and the reason;
- :func:`bulk_create` and :func:`bulk_update` write many at once, each with its history row,
  the new rows' history copied by the database in one ``INSERT … SELECT`` a batch where it can.

An actor is a user, or the command line's :class:`federation.core.actors.SystemActor` (its
history names the system user); ``None`` (the demo) leaves the user empty and gives the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone

from federation.core import figures


def user_of(actor: Any) -> Any:
    """Return the user row a history row names for ``actor`` (None for no one)."""
    if actor is None:
        return None
    user = getattr(actor, "history_user", actor)
    return user if getattr(user, "pk", None) is not None else None


def attribute(obj: models.Model, *, actor: Any, reason: str | None = None) -> models.Model:
    """Name ``actor`` (and ``reason``) on the history row the next save of ``obj`` writes; return it."""
    obj._history_user = user_of(actor)
    if reason:
        obj._change_reason = reason
    return obj


def actor_of(obj: models.Model) -> Any:
    """Return the actor named on ``obj`` for its next history row (to write a record that goes with it)."""
    return getattr(obj, "_history_user", None)


def save(obj: models.Model, *, actor: Any, reason: str | None = None, **save_kwargs: Any) -> models.Model:
    """Save ``obj`` with a history row naming ``actor`` and ``reason``; return it."""
    attribute(obj, actor=actor, reason=reason)
    obj.save(**save_kwargs)
    return obj


def bulk_create(
    objs: Sequence[models.Model], *, actor: Any, reason: str | None = None, batch_size: int = 1000
) -> None:
    """Create ``objs`` (of one model) at once, each with its ``+`` history row naming ``actor``.

    The history rows are copied from the new rows by the database (INSERT … SELECT) when the
    history table holds nothing but the tracked fields; otherwise simple_history builds them.
    No ``post_save`` is sent: the villages' kept figures are told here (``federation.core.figures``).
    """
    if not objs:
        return
    _bulk_create(objs, actor=actor, reason=reason, batch_size=batch_size)
    figures.bulk_changed(objs)


def _bulk_create(objs: Sequence[models.Model], *, actor: Any, reason: str | None, batch_size: int) -> None:
    from simple_history.utils import bulk_create_with_history

    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    history = getattr(model, "history", None)
    columns = _history_columns(model) if history is not None else None
    user = user_of(actor)
    if history is None:
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    if columns is None or not connection.features.can_return_rows_from_bulk_insert:
        bulk_create_with_history(
            objs, model, batch_size=batch_size, default_user=user, default_change_reason=reason
        )
        return
    model._default_manager.bulk_create(objs, batch_size=batch_size)
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = history.model
    quote = connection.ops.quote_name
    targets, sources = columns
    date = history_model._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    pks = [obj.pk for obj in objs]
    step = min(batch_size, 900)  # SQLite allows 999 parameters a statement
    with connection.cursor() as cursor:
        for start in range(0, len(pks), step):
            chunk = pks[start : start + step]
            cursor.execute(
                f"INSERT INTO {quote(history_model._meta.db_table)} "
                f"({', '.join(quote(c) for c in targets)}, {quote('history_date')}, "
                f"{quote('history_type')}, {quote('history_user_id')}, {quote('history_change_reason')}) "
                f"SELECT {', '.join(quote(c) for c in sources)}, %s, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} "
                f"IN ({', '.join(['%s'] * len(chunk))})",
                [date, "+", getattr(user, "pk", None), reason, *chunk],
            )


def bulk_update(
    objs: Sequence[models.Model],
    fields: Iterable[str],
    *,
    actor: Any,
    reason: str | None = None,
    batch_size: int = 1000,
) -> None:
    """Update ``fields`` of ``objs`` (one model) at once, each with a ``~`` history row naming ``actor``.

    A model that others keep copies of (``copies_follow(objs, fields)``, e.g. ``Person``) is told.
    """
    from simple_history.utils import bulk_update_with_history

    if not objs:
        return
    fields = list(fields)
    bulk_update_with_history(
        objs,
        type(objs[0]),
        fields,
        batch_size=batch_size,
        default_user=user_of(actor),
        default_change_reason=reason,
    )
    figures.bulk_changed(objs)
    follow = getattr(type(objs[0]), "copies_follow", None)
    if follow is not None:  # what keeps a copy of these records (a person's name on her entries)
        follow(objs, fields)


_HISTORY_OWN = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}


def _history_columns(model: type[models.Model]) -> tuple[list[str], list[str]] | None:
    """Return (history table columns, the model's columns they copy), or None when the history model
    holds anything but the tracked fields and simple_history's own five."""
    history_model = model.history.model
    tracked = list(history_model.tracked_fields)
    names = {f.attname for f in history_model._meta.concrete_fields}
    if names != {f.attname for f in tracked} | _HISTORY_OWN or history_model._meta.pk.attname != "history_id":
        return None
    by_attname = {f.attname: f for f in history_model._meta.concrete_fields}
    return [by_attname[f.attname].column for f in tracked], [f.column for f in tracked]


# -- reading it ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field of a record changed by one history row: its field, the value before and after."""

    field: models.Field
    old: Any
    new: Any


@dataclass(frozen=True)
class Event:
    """One history row of a record: when, by whom (None: the system or the demo), what changed.

    ``kind`` is "created", "changed", "deleted" (a soft delete) or "restored"; ``changes`` are the
    fields a user edits that changed (none for the first row, or the oldest row shown).
    """

    at: dt.datetime
    user: Any
    kind: str
    reason: str
    changes: tuple[Change, ...]


#: Kept on every record, never typed: not a change worth telling.
_NOT_TOLD = {"created_at", "updated_at", "deleted_at", "version"}


def events(obj: models.Model, *, limit: int = 50) -> list[Event]:
    """Return the history of ``obj``, newest first, at most ``limit`` events, in one query.

    Each event compares a history row with the one before it on the fields a form edits (derived
    copies, the version and the timestamps are left out). The values are as stored: whoever shows
    them masks what the reader may not see (``federation.core.policy``).
    """
    rows = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    fields = [
        f
        for f in type(obj)._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in _NOT_TOLD
    ]
    told = []
    for newer, older in zip(rows[:limit], [*rows[1:], None], strict=False):
        kind = {"+": "created", "-": "deleted"}.get(newer.history_type, "changed")
        changes: tuple[Change, ...] = ()
        if older is not None and kind == "changed":
            if older.deleted_at is None and newer.deleted_at is not None:
                kind = "deleted"
            elif older.deleted_at is not None and newer.deleted_at is None:
                kind = "restored"
            changes = tuple(
                Change(f, getattr(older, f.attname), getattr(newer, f.attname))
                for f in fields
                if getattr(older, f.attname) != getattr(newer, f.attname)
            )
        told.append(
            Event(
                at=newer.history_date,
                user=newer.history_user,
                kind=kind,
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return told
