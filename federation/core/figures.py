"""Figures of many villages, kept between requests: what a township's or the county's page sums.

A page of a township (25 villages) or of the county (500) shows figures per village: people in
each register, visits done against owed, women screened, open petitions. Counted on every view,
the county's figures read a million persons each time (0.6 to 1.7 s a page). Here each village's
figures of one kind are computed once and kept (:class:`~federation.core.models.StoredFigure`):

- a page asks :func:`values` for the villages it shows; the villages whose figures are kept and
  fresh are read (one query), the others computed in one query restricted to them and kept;
- a change to a record of a village forgets that village's figures once its transaction commits
  (a ``post_save``/``post_delete`` receiver and :func:`changed` for bulk writes), so the next view
  counts that one village again: a township's figures are never older than its last change;
- what no signal sees (a raw ``UPDATE``, a person moved out of a village, a new day for figures
  that depend on the date and do not name it in their parameters) is bounded by
  ``FIGURES_MAX_AGE_SECONDS``: an older figure is computed again;
- the task queue recomputes every declared figure of the current year for every village each
  night (:func:`refresh`, scheduled after ``migrate`` by ``CoreConfig``), so the first view of a day
  is fast too, and every 5 minutes those past half their age (:func:`refresh_aging`), so that the
  county's pages never find them aged;
- a figure that declares how villages' values add up (``combine``, e.g. :func:`summed`) is kept per
  township too (:func:`township_values`): the county's pages read 20 townships' rows instead of 500
  villages'. A township's row is made from its villages' (kept or counted), is as old as the oldest
  of them, and is forgotten with any of them (the same ``DELETE``): it is always their sum.

A scope of at most ``FIGURES_LIVE_VILLAGES`` villages (a director's one) is always counted live.
An app declares a figure with :func:`add_figure`: ``compute(village_ids, **params)`` returns
``{village id: JSON value}`` (villages without rows may be left out: they get ``empty``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from federation.core.queries import filter_in
from federation.core.registries import Registry
from federation.core.schedules import schedule_daily, schedule_every

logger = logging.getLogger(__name__)

Compute = Callable[..., Mapping[int, Any]]


@dataclass(frozen=True)
class Figure:
    """A kind of per-village figure: ``compute(village_ids, **params)`` -> {village id: value}.

    ``refresh_params(today)`` names the parameters the nightly refresh computes (e.g. this year's);
    ``empty`` is the value of a village the computation found no row for.
    """

    name: str
    compute: Compute
    empty: Any = 0
    refresh_params: Callable[[dt.date], Iterable[Mapping[str, Any]]] = field(default=lambda today: ())
    #: Kept even for a scope counted live (a director's village): a figure too slow to count on
    #: every page, such as one that judges each entry by its register's rules.
    always_kept: bool = False
    #: How villages' values add up to a township's (``combine([value, …])``, e.g. :func:`summed`);
    #: None: not kept per township.
    combine: Callable[[list[Any]], Any] | None = None


figures: Registry[Figure] = Registry("stored figure")


def add_figure(figure: Figure) -> Figure:
    return figures.add(figure.name, figure)


def by_township(rows: Iterable[Any], village_of: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    """Return ``rows`` (of villages) grouped by their village's township, in the order of the rows:
    what a county-wide page sums, township by township."""
    grouped: dict[int, list[Any]] = {}
    for row in rows:  # by the township's id: its row is read from the first village only
        grouped.setdefault(village_of(row).township_id, []).append(row)
    return {village_of(group[0]).township: group for group in grouped.values()}


def live_villages() -> int:
    """Return up to how many villages a scope is counted live (setting ``FIGURES_LIVE_VILLAGES``, 1)."""
    return int(getattr(settings, "FIGURES_LIVE_VILLAGES", 1))


def _counted_live(figure: Figure, ids: Sequence[int]) -> bool:
    """Return whether ``figure`` of ``ids`` is counted on the request, not kept: a scope of at most
    ``FIGURES_LIVE_VILLAGES`` villages, unless the figure is always kept (the to-dos' markers)."""
    return len(ids) <= live_villages() and not figure.always_kept


def max_age() -> dt.timedelta:
    """Return after how long a kept figure is computed again (``FIGURES_MAX_AGE_SECONDS``, 600 s)."""
    return dt.timedelta(seconds=float(getattr(settings, "FIGURES_MAX_AGE_SECONDS", 600)))


def key_of(name: str, params: Mapping[str, Any]) -> str:
    """Return the stored key of figure ``name`` with ``params`` (its name and parameters, sorted)."""
    if not params:
        return name
    return f"{name}:{json.dumps(params, sort_keys=True, default=str, separators=(',', ':'))}"


def values(name: str, village_ids: Sequence[int], **params: Any) -> dict[int, Any]:
    """Return figure ``name`` with ``params`` for each of ``village_ids``: kept where fresh, else computed.

    Every village of ``village_ids`` is in the result (``empty`` where nothing was counted).
    """
    figure = _figure(name)
    ids = list(village_ids)
    if _counted_live(figure, ids):
        return _complete(figure, figure.compute(ids, **params), ids)
    return _kept(figure, key_of(name, params), ids, params, timezone.now())[0]


def largest(name: str, village_ids: Sequence[int], **params: Any) -> Any:
    """Return the largest of a numeric figure's values of ``village_ids`` (None for no village).

    Where every village's value is kept and fresh it is read as one aggregate, no row of them read
    into Python (the county's 500 on every page: the header's to-do markers, ``federation.web``);
    else as :func:`values` reads them, the missing ones computed and kept.
    """
    from django.db.models import Count, FloatField, Max
    from django.db.models.functions import Cast

    figure = _figure(name)
    ids = set(village_ids)
    if not ids:
        return None
    if not _counted_live(figure, ids):
        kept = filter_in(_fresh(key_of(name, params), timezone.now()), "village_id", ids).aggregate(
            found=Count("pk"), top=Max(Cast("values", FloatField()))
        )
        if kept["found"] == len(ids):
            return kept["top"]
    return max(values(name, sorted(ids), **params).values())


def _fresh(key: str, now: dt.datetime):
    """Return the kept rows of ``key`` (villages' and townships') younger than ``max_age()``."""
    from federation.core.models import StoredFigure

    return StoredFigure.objects.filter(key=key, computed_at__gte=now - max_age())


def _figure(name: str) -> Figure:
    figure = figures.get(name)
    if figure is None:
        raise LookupError(f"no stored figure {name!r}")
    return figure


def _kept(
    figure: Figure, key: str, ids: Sequence[int], params: Mapping[str, Any], now: dt.datetime
) -> tuple[dict[int, Any], dict[int, dt.datetime]]:
    """Return ({village id: value}, {village id: when it was computed}) of ``ids``: read where kept and
    fresh, the others computed (one query restricted to them) and kept."""
    fresh = _fresh(key, now)
    found: dict[int, Any] = {}
    when: dict[int, dt.datetime] = {}
    for village_id, value, computed_at in filter_in(fresh, "village_id", ids).values_list(
        "village_id", "values", "computed_at"
    ):
        found[village_id], when[village_id] = value, computed_at
    missing = [pk for pk in ids if pk not in found]
    if missing:
        computed = _complete(figure, figure.compute(missing, **params), missing)
        _keep(key, computed, now)
        found.update(computed)
        when.update(dict.fromkeys(computed, now))
    return {pk: found[pk] for pk in ids}, when


def township_values(name: str, villages: Sequence[Any], **params: Any) -> list[tuple[Any, Any]]:
    """Return (township, figure ``name`` with ``params``) for each township of ``villages`` (villages
    with their township, every village of each township: a county's scope), in the villages' order.

    Each township's value is its villages' values combined (the figure's ``combine``): read from its
    kept row where fresh, else made from its villages' (:func:`values`: kept or counted) and kept,
    as old as the oldest of them, so that it ages and is forgotten with them.
    """
    figure = _figure(name)
    if figure.combine is None:
        raise LookupError(f"stored figure {name!r} is not kept per township")
    grouped = by_township(villages, lambda village: village)
    ids = [village.pk for village in villages]
    if _counted_live(figure, ids):
        live = _complete(figure, figure.compute(ids, **params), ids)
        return [(t, figure.combine([live[v.pk] for v in group])) for t, group in grouped.items()]

    key = key_of(name, params)
    now = timezone.now()
    fresh = _fresh(key, now).filter(township_id__in=[t.pk for t in grouped])
    found = dict(fresh.values_list("township_id", "values"))
    missing = [t for t in grouped if t.pk not in found]
    if missing:
        rows = _keep_townships(figure, key, {t: grouped[t] for t in missing}, params, now)
        found.update((row.township_id, row.values) for row in rows)
    return [(t, found[t.pk]) for t in grouped]


def _keep_townships(figure: Any, key: str, townships: dict, params: dict, now: dt.datetime) -> list:
    """Store and return the kept figure of each of ``townships`` ({township: its villages}): the
    combination of its villages' (kept or counted now), as old as the oldest of them."""
    from federation.core.models import StoredFigure

    ids = [village.pk for villages in townships.values() for village in villages]
    by_village, when = _kept(figure, key, ids, params, now)
    rows = [
        StoredFigure(
            key=key,
            township_id=township.pk,
            values=figure.combine([by_village[v.pk] for v in villages]),
            computed_at=min(when[v.pk] for v in villages),
        )
        for township, villages in townships.items()
    ]
    _store(rows, unit="township")
    return rows


def unit_values(name: str, villages: Sequence[Any], *, by_township: bool = False, **params: Any) -> list:
    """Return (village, figure ``name`` with ``params``) for each of ``villages``, or, ``by_township``,
    (township, its figure) for each of their townships (:func:`township_values`): what a page shows
    row by row."""
    if by_township:
        return township_values(name, villages, **params)
    kept = values(name, [village.pk for village in villages], **params)
    return [(village, kept[village.pk]) for village in villages]


def summed(values: Iterable[Any]) -> Any:
    """Return villages' values of one figure added up (a ``combine``): numbers summed, lists place by
    place, mappings key by key (a key a village lacks counts as nothing), decimal strings as decimals
    (a string again); None when every value is None."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    first = present[0]
    if isinstance(first, Mapping):
        keys = list(dict.fromkeys(k for value in present for k in value))
        return {k: summed([value[k] for value in present if k in value]) for k in keys}
    if isinstance(first, list | tuple):
        length = max(len(value) for value in present)
        return [summed([value[i] for value in present if i < len(value)]) for i in range(length)]
    if isinstance(first, str):
        return str(sum((Decimal(value) for value in present), Decimal("0")))
    return sum(present)


def _complete(figure: Figure, computed: Mapping[int, Any], ids: Sequence[int]) -> dict[int, Any]:
    return {pk: computed.get(pk, figure.empty) for pk in ids}


def _keep(key: str, computed: Mapping[int, Any], now: dt.datetime) -> None:
    """Store ``computed`` ({village id: value}) under ``key`` (one upsert)."""
    from federation.core.models import StoredFigure

    rows = [
        StoredFigure(key=key, village_id=pk, values=value, computed_at=now) for pk, value in computed.items()
    ]
    _store(rows, unit="village")


def _store(rows: list[Any], *, unit: str) -> None:
    """Upsert ``rows`` (of villages or of townships: ``unit``); a failure costs only the next view's
    counting."""
    from federation.core.models import StoredFigure

    if not rows:
        return
    try:
        with transaction.atomic():
            StoredFigure.objects.bulk_create(
                rows,
                batch_size=500,
                update_conflicts=True,
                unique_fields=[unit, "key"] if unit == "township" else ["key", unit],
                update_fields=["values", "computed_at"],
            )
    except Exception:  # a village deleted meanwhile, a read-only replica: the page is still right
        logger.warning("stored figures %s not kept", rows[0].key.split(":", 1)[0], exc_info=True)


def forget(village_ids: Iterable[int]) -> None:
    """Forget every kept figure of ``village_ids`` and of their townships (their next view counts
    them again): one ``DELETE``, no signal (a kept figure is no record)."""
    from federation.core.models import StoredFigure, Village

    ids = sorted({pk for pk in village_ids if pk is not None})
    if not ids:
        return
    connection = connections[router.db_for_write(StoredFigure)]
    table, villages = StoredFigure._meta.db_table, Village._meta.db_table
    townships = f"SELECT township_id FROM {villages} WHERE id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the townships as an array: both columns' indexes serve
            cursor.execute(
                f"DELETE FROM {table} WHERE village_id = ANY(%s)"
                f" OR township_id = ANY(ARRAY({townships} = ANY(%s)))",
                [ids, ids],
            )
            return
        for start in range(0, len(ids), 400):  # SQLite allows 999 parameters a statement
            chunk = ids[start : start + 400]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {table} WHERE village_id IN ({marks})"
                f" OR township_id IN ({townships} IN ({marks}))",
                [*chunk, *chunk],
            )


def _flush(connection) -> None:
    """Forget the figures of the villages gathered on ``connection`` (a commit callback)."""
    pending = connection.__dict__.pop("_figures_pending", None)
    if pending:
        forget(pending)


def changed(village_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that records of ``village_ids`` changed: their figures are forgotten when the transaction commits.

    The villages are gathered on the connection and the first commit callback forgets them all:
    one ``DELETE`` a transaction, however many records it writes (the later callbacks find nothing
    left). Villages of a transaction rolled back are forgotten at the next commit: needlessly, not
    wrongly. Outside a transaction, at once.
    """
    ids = {pk for pk in village_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        forget(ids)
        return
    connection.__dict__.setdefault("_figures_pending", set()).update(ids)
    transaction.on_commit(lambda: _flush(connection), using=using, robust=True)


def bulk_changed(objs: Sequence[Any]) -> None:
    """Say that ``objs`` (of one model, written in bulk: no signal sent) changed their villages' figures."""
    if not objs:
        return
    model = type(objs[0])
    path = getattr(model, "scope_path", None)
    if path is None:
        return
    if "__" not in path:  # the village itself, or a record that names its village
        changed([obj.pk if path == "" else getattr(obj, f"{path}_id", None) for obj in objs])
        return
    pks = [obj.pk for obj in objs if obj.pk is not None]
    villages = set()
    for start in range(0, len(pks), 900):  # SQLite allows 999 parameters a statement
        chunk = pks[start : start + 900]
        villages |= set(model._base_manager.filter(pk__in=chunk).values_list(path, flat=True).distinct())
    changed(villages)


def _record_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """A record of a scoped model was saved or deleted: its village's figures are out of date."""
    if getattr(sender, "scope_path", None) is None or sender._meta.label_lower == "federation.storedfigure":
        return
    from federation.core.access import village_id_of

    changed([village_id_of(instance)], using=using)


def connect() -> None:
    """Watch every save and delete (``CoreConfig.ready``)."""
    post_save.connect(_record_changed, dispatch_uid="federation_figures_saved")
    post_delete.connect(_record_changed, dispatch_uid="federation_figures_deleted")


REFRESH_SCHEDULE = "各村统计数字每日重算"
AGING_SCHEDULE = "统计数字到期前重算"


def schedule_refresh() -> None:
    """Make sure the refreshes are scheduled in django-q (once; an administrator's changes stay): the
    nightly one at 01:30, when nobody works, since a county's figures take a few seconds to count,
    and :func:`refresh_aging` every half of ``FIGURES_MAX_AGE_SECONDS`` (5 minutes)."""
    schedule_daily(REFRESH_SCHEDULE, "federation.core.figures.refresh", at=dt.time(1, 30))
    minutes = max(1, int(max_age().total_seconds() // 120))
    schedule_every(AGING_SCHEDULE, "federation.core.figures.refresh_aging", minutes=minutes)


def refresh_aging(today: dt.date | None = None) -> int:
    """Recompute the kept figures of today's parameters (``refresh_params``) that are past half their
    age or not kept, and the townships' sums of them; return how many villages' figures were counted.

    The task queue runs it every half of ``FIGURES_MAX_AGE_SECONDS``, so that no page finds the
    county's figures aged and counts 500 villages again: what a change forgot is counted here or by
    the next view, whichever comes first; what is fresh is left alone.
    """
    from federation.core.models import StoredFigure, Village

    today = today or timezone.localdate()
    villages = list(Village.objects.select_related("township").order_by("code"))
    grouped = by_township(villages, lambda village: village)
    now = timezone.now()
    soon = now - max_age() / 2
    counted = 0
    for figure in figures:
        for params in figure.refresh_params(today):
            key = key_of(figure.name, params)
            rows = StoredFigure.objects.filter(key=key, computed_at__gte=soon)
            fresh = set(rows.filter(village__isnull=False).values_list("village_id", flat=True))
            aging = [village.pk for village in villages if village.pk not in fresh]
            if aging:
                _keep(key, _complete(figure, figure.compute(aging, **params), aging), now)
                counted += len(aging)
            if figure.combine is None:
                continue
            fresh = set(rows.filter(township__isnull=False).values_list("township_id", flat=True))
            missing = [t for t in grouped if t.pk not in fresh]
            if missing:  # its villages all fresh now: their rows are read
                _keep_townships(figure, key, {t: grouped[t] for t in missing}, params, now)
    return counted


def refresh(today: dt.date | None = None) -> int:
    """Recompute every declared figure for every village with the parameters it names, and the
    townships' sums of those kept per township; return the count of villages' figures.

    The task queue runs it each night (``federation.core.figures.refresh``), so that a county's
    first view of the day reads kept figures.
    """
    from federation.core.models import StoredFigure, Village

    today = today or timezone.localdate()
    villages = list(Village.objects.select_related("township").order_by("code"))
    ids = [village.pk for village in villages]
    grouped = by_township(villages, lambda village: village)
    now = timezone.now()
    kept = 0
    for figure in figures:
        for params in figure.refresh_params(today):
            key = key_of(figure.name, params)
            computed = _complete(figure, figure.compute(ids, **params), ids)
            _keep(key, computed, now)
            kept += len(ids)
            if figure.combine is not None:
                rows = [
                    StoredFigure(
                        key=key,
                        township_id=t.pk,
                        values=figure.combine([computed[v.pk] for v in group]),
                        computed_at=now,
                    )
                    for t, group in grouped.items()
                ]
                _store(rows, unit="township")
    # What no page will ask for again (the years and days gone by) goes.
    StoredFigure.objects.filter(computed_at__lt=now - max(max_age(), dt.timedelta(days=2))).delete()
    return kept
