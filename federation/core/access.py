"""The access log (访问记录, PIPL art. 51, MLPS 2.0 security audit): who read which personal record.

Every read of a person's page, a search by a whole ID number, a screening record, a
domestic-violence petition, a loan's approval form PDF, an admin change page of a domain record
and every export is recorded here, by :func:`record` (or :class:`RecordsReadMixin` on a view):
who, when, what kind of read, which record and whose, from which address, on which page. Never
what was read: no ID number, no search text, no result, no petition text, no query string.

One insert a read, no other read: the content type comes from Django's cache, the person and the
village from ids the record already holds; on PostgreSQL the insert does not wait for the disk
(:func:`_insert`). The township chair and the administrator search the log
(:func:`records_for` is its scope); it is kept ``ACCESS_LOG_RETENTION_DAYS`` days (at least
``MIN_RETENTION_DAYS``) and pruned daily by :func:`prune`, scheduled by :func:`schedule_pruning`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.db.models.sql import InsertQuery
from django.utils import timezone

from federation.core.logins import client_address
from federation.core.models import AccessRecord, Township, Village
from federation.core.registries import Registry
from federation.core.roles import Role, grant
from federation.core.schedules import schedule_daily
from federation.core.scoping import sees_everything

Kind = AccessRecord.Kind

#: Six months: the least MLPS 2.0 asks an audit log to be kept, whatever the setting says.
MIN_RETENTION_DAYS = 183

#: What searching the log takes: the township chair holds it, the administrator is a superuser.
SEARCH_PERMISSION = "federation.view_accessrecord"
grant("federation.access_log", {Role.TOWNSHIP_CHAIR: [SEARCH_PERMISSION]})

#: How to find the person a record is about, by model label ("registry.person"), where it is not
#: the record's ``person_id``: apps add theirs from their contributions.
person_of: Registry[Callable[[Any], int | None]] = Registry("access log person")

#: The schedule of the daily pruning (django-q).
PRUNE_SCHEDULE = "访问记录清理"


def person_id_of(obj: Any) -> int | None:
    """Return the id of the person ``obj`` is about: what its app registered, else its ``person_id``."""
    if obj is None:
        return None
    found = person_of.get(obj._meta.label_lower)
    return found(obj) if found is not None else getattr(obj, "person_id", None)


def village_id_of(obj: Any) -> int | None:
    """Return the id of the village ``obj`` belongs to, along its ``scope_path``, without a query
    where the path's records are loaded (None for a record of no village, or of a township)."""
    path = getattr(type(obj), "scope_path", None)
    if obj is None or path is None:
        return None
    if path == "":
        return obj.pk  # a village
    *through, last = path.split("__")
    value = obj
    for part in through:
        value = getattr(value, part, None)
        if value is None or not hasattr(value, "_meta"):
            return None  # no village, or a reverse path (a township's villages)
    return getattr(value, f"{last}_id", None)


def record(request, kind: str, obj: Any = None, person_id: int | None = None) -> AccessRecord:
    """Record that ``request``'s user read ``obj`` (a ``Kind``); return the record (one insert).

    ``person_id`` is the person the read was about, by default the one ``obj`` is about.
    """
    return _insert([AccessRecord(**_fields(request, kind, obj, person_id))])[0]


def record_search(request, persons: Iterable[tuple[int, int | None]]) -> list[AccessRecord]:
    """Record a search by a whole ID number: one record for each (person id, village id) it found,
    or one with no person when it found none. The number typed is not kept."""
    base = _fields(request, Kind.ID_SEARCH, None, None)
    rows = [AccessRecord(**{**base, "person_id": pk, "village_id": village}) for pk, village in persons]
    return _insert(rows or [AccessRecord(**base)])


def _insert(rows: list[AccessRecord]) -> list[AccessRecord]:
    """Write ``rows``; on PostgreSQL commit them without waiting for the disk.

    The wait is the whole cost of a record, 6 ms of 7 on an office disk (bench/access_bench.py), so
    there the insert is sent with ``SET LOCAL synchronous_commit TO OFF`` in one query string: one
    round trip, which PostgreSQL runs as one transaction of its own (a multi-statement simple query
    is an implicit transaction block; Django's psycopg cursors bind on the client, so the query is
    sent whole). A crash of the database server may lose the records of its last fraction of a
    second (at most three ``wal_writer_delay``, 0.6 s by default), never anything else, and the
    database stays consistent. Inside a request's own transaction the rows are written with it.
    The rows written this way carry no id (nothing reads it back).
    """
    connection = connections[router.db_for_write(AccessRecord)]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return AccessRecord.objects.bulk_create(rows)
    fields = [field for field in AccessRecord._meta.concrete_fields if not field.primary_key]
    for row in rows:
        for field in fields:
            field.pre_save(row, add=True)
    query = InsertQuery(AccessRecord)
    query.insert_values(fields, rows)
    ((sql, params),) = query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL synchronous_commit TO OFF; {sql}", params)
    return rows


def _fields(request, kind: str, obj: Any, person_id: int | None) -> dict:
    user = request.user if request.user.is_authenticated else None
    return {
        "user": user,
        "username": user.get_username() if user else "",
        "kind": kind,
        "content_type": ContentType.objects.get_for_model(obj) if obj is not None else None,
        "object_id": obj.pk if obj is not None else None,
        "person_id": person_id if person_id is not None else person_id_of(obj),
        "village_id": village_id_of(obj),
        "address": client_address(request),
        "path": request.path[:200],
    }


class RecordsReadMixin:
    """A page of one record that is recorded in the access log each time it is shown (GET).

    ``access_kind`` is the kind of read; ``access_kind_of(obj)`` may narrow it (None: not recorded).
    A page that answers 404 or is refused records nothing: the object was not read.
    """

    access_kind: str | None = None

    def access_kind_of(self, obj) -> str | None:
        """Return the kind of read the page of ``obj`` is, or None when it is not recorded."""
        return self.access_kind

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        kind = self.access_kind_of(self.object)
        if kind is not None:
            record(request, kind, self.object)
        return response


# -- searching the log ------------------------------------------------------------------------------


def may_search(user) -> bool:
    """Return whether ``user`` may search the access log: the township chair and the administrator."""
    return bool(user and user.is_authenticated and user.has_perm(SEARCH_PERMISSION))


def _searchable(user, queryset: QuerySet, within: Callable[[QuerySet, QuerySet], Q]) -> QuerySet:
    """Return ``queryset`` whole for the administrator, empty for a user who may not search, else
    the rows ``within`` her villages and townships (the township chair's)."""
    if sees_everything(user):
        return queryset
    if not may_search(user):
        return queryset.none()
    return queryset.filter(
        within(Village.objects.for_user(user).values("pk"), Township.objects.for_user(user).values("pk"))
    )


def _members_of(villages: QuerySet, townships: QuerySet, user_path: str = "") -> Q:
    """Return the condition "the user (at ``user_path``) is a member of one of them"."""
    return Q(**{f"{user_path}membership__village__in": villages}) | Q(
        **{f"{user_path}membership__township__in": townships}
    )


def records_for(user) -> QuerySet[AccessRecord]:
    """Return the access records ``user`` may search.

    The administrator: all. The township chair: the reads of her township's persons and records
    (their village is one of hers, by the scoping rule) and every read by her township's users.
    Anyone else: none.
    """
    records = AccessRecord.objects.select_related("content_type", "village")
    return _searchable(
        user,
        records,
        lambda villages, townships: Q(village__in=villages) | _members_of(villages, townships, "user__"),
    )


def searchable_users(user) -> QuerySet:
    """Return the users whose reads ``user`` may search by: everyone for the administrator, her
    township's users for the township chair, no one for anyone else."""
    from django.contrib.auth import get_user_model

    return _searchable(user, get_user_model().objects.order_by("username"), _members_of)


# -- keeping it -------------------------------------------------------------------------------------


def retention_days() -> int:
    """Return how many days the log is kept: the setting, never fewer than six months."""
    return max(MIN_RETENTION_DAYS, settings.ACCESS_LOG_RETENTION_DAYS)


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than ``retention_days()``, and django-axes' log of log-ins and
    log-outs (user name, address, browser) of the same age; return how many access records went."""
    from axes.models import AccessLog

    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    deleted, _by_model = AccessRecord.objects.filter(at__lt=cutoff).delete()
    return deleted


def schedule_pruning() -> None:
    """Make sure the daily pruning is scheduled in django-q (once; an administrator's changes stay)."""
    schedule_daily(PRUNE_SCHEDULE, "federation.core.access.prune")
