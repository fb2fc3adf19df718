"""Year-end snapshots of the yearly ledgers (归档): close a year, refuse changes to it, reopen it.

The township closes a year's ledger of one village or of the whole township. The rows are those
the ledger's export builds (``Ledger.records`` and ``Ledger.iter_rows``, the register's own
declaration), taken once and stored with the table's layout, title, unit, notes and dates as one
canonical JSON text (sorted keys, no spaces, UTF-8) and its SHA-256 (:class:`LedgerArchive`). The
archive's Excel and PDF are made from that text, never recomputed (``federation.ledgers.archive_files``):
they print the same years later whatever changes in the families, the settings or the code of the
ledger, and say 已归档 with the date and who closed it.

Which ledgers can be closed: those a register declares with a deadline (reported to the county by a
date each year) that are yearly tables (``closable``, called by ``federation.web.registers.declare``).
While a year is closed for a village, every change of an entry of that year there is refused with
one message (:func:`refuse_closed`, called by the entries' ``clean()``, so the form, the admin and
the import; bulk writers call it themselves). The township reopens with a reason; the reopened
archive stays, superseded by the next closing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import history
from federation.core.actors import actor_name, unit_label
from federation.core.models import Township, Village
from federation.core.scoping import require_in_scope
from federation.ledgers.columns import Column, ColumnGroup, Kind, Total
from federation.ledgers.exports import conf
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Table
from federation.ledgers.exports.registry import Ledger, get_ledger
from federation.ledgers.exports.services import ledger_notes, ledger_title
from federation.ledgers.models import LedgerArchive

#: The permission to close and reopen a year (the township roles; ``federation.ledgers.apps``).
CLOSE_PERMISSION = "ledgers.close_ledgerarchive"
VIEW_PERMISSION = "ledgers.view_ledgerarchive"

Status = LedgerArchive.Status


# -- which ledgers can be closed ---------------------------------------------------------------------


@dataclass(frozen=True)
class Closable:
    """A ledger that can be closed for a year: its name, the register's title, the model of its entries
    (None for a ledger derived from other records, e.g. the women's ledger from persons)."""

    ledger: str
    title: str
    model: str | None = None


_CLOSABLE: dict[str, Closable] = {}


def closable(ledger: Ledger, *, title: str, model: Any = None) -> None:
    """Let ``ledger`` be closed for a year (a register with a deadline declares its yearly tables)."""
    if ledger.yearly and ledger.is_table:
        label = model._meta.label_lower if model is not None else None
        # The register's name as messages say it: 妇女基本信息(台账), 农村留守妇女(台账).
        _CLOSABLE[ledger.name] = Closable(ledger.name, str(title).removesuffix("台账"), label)


def unclosable(name: str) -> None:
    """Take a ledger out of the closable ones (a test's throw-away register)."""
    _CLOSABLE.pop(name, None)


def closable_ledgers() -> list[Closable]:
    """Return the ledgers that can be closed, in the order the registers were declared."""
    return list(_CLOSABLE.values())


def get_closable(name: str) -> Closable | None:
    return _CLOSABLE.get(name)


def closes(model: Any) -> bool:
    """Return whether a closable ledger lists ``model``'s entries (its years can be closed)."""
    return bool(_ledgers_of(model))


def _ledgers_of(model: Any) -> list[str]:
    label = model._meta.label_lower
    return [c.ledger for c in _CLOSABLE.values() if c.model == label]


# -- the one check ------------------------------------------------------------------------------------


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def closed_message(archive: LedgerArchive) -> str:
    """Return what a user reads when she changes an entry of a closed year."""
    return _("%(year)s 年度的%(title)s台账已于 %(date)s 归档，不能再修改；需要修改请乡镇妇联先撤销归档。") % {
        "year": archive.year,
        "title": archive.title,
        "date": date_text(timezone.localdate(archive.closed_at)),
    }


def closing_archive(model: Any, village_id: int | None, year: int | None) -> LedgerArchive | None:
    """Return the archive that closes ``year`` of ``model``'s register for the village, or None."""
    names = _ledgers_of(model)
    if not names or village_id is None or year is None:
        return None
    return (
        LedgerArchive.objects.filter(ledger__in=names, year=year, status=Status.CLOSED, villages=village_id)
        .order_by("closed_at")
        .first()
    )


def refuse_closed(model: Any, places: Iterable[tuple[int | None, int | None]]) -> None:
    """Raise ``ValidationError`` (the closed message) when any (village id, year) of ``model``'s
    entries is closed. Bulk writers of entries call it with every place they write; ``clean()``
    calls it through :func:`refuse_if_closed`."""
    if not _ledgers_of(model):
        return
    for village_id, year in dict.fromkeys(places):
        archive = closing_archive(model, village_id, year)
        if archive is not None:
            raise ValidationError(closed_message(archive), code="archived")


def refuse_if_closed(entry: Any) -> None:
    """Refuse a change of ``entry`` (a register entry with ``village`` and ``year``) of a closed year:
    the year and village it will have, and those it has now (an entry moved out of a closed year)."""
    places = [(entry.village_id, entry.year)]
    if entry.pk is not None:
        stored = type(entry)._base_manager.filter(pk=entry.pk).values_list("village_id", "year").first()
        if stored is not None:
            places.append(stored)
    refuse_closed(type(entry), places)


# -- the stored rows ----------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """Return a cell's value as JSON keeps it exactly: a date, a decimal or a float tagged with its type."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return str(value)  # a lazy translation, a label


def decode(value: Any) -> Any:
    """Return the value :func:`encode` kept."""
    if not isinstance(value, dict):
        return value
    (kind, text), *_rest = value.items()
    return {
        "decimal": Decimal,
        "float": float,
        "datetime": dt.datetime.fromisoformat,
        "date": dt.date.fromisoformat,
    }[kind](text)


def canonical(data: Any) -> str:
    """Return ``data`` as canonical JSON: keys sorted, no spaces, characters as they are."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _column(column: Column) -> dict[str, Any]:
    return {
        "key": column.key,
        "header": str(column.header),
        "kind": column.kind.value,
        "width": column.excel_width,
        "total": column.total.value if column.total else None,
        "wrap": column.wrap,
        "number_format": column.excel_number_format,
        "birth": column.birth,
    }


def layout_data(table: Table) -> dict[str, Any]:
    """Return the table's layout as the archive keeps it (headers, kinds, widths, totals, footer)."""
    return {
        "title": str(table.title),
        "count_unit": str(table.count_unit),
        "number_header": str(table.number_header),
        "footer": [str(label) for label in (table.footer or conf.footer_labels())],
        "landscape": table.is_landscape,
        "columns": [
            {"group": str(item.header), "columns": [_column(c) for c in item.columns]}
            if isinstance(item, ColumnGroup)
            else _column(item)
            for item in table.columns
        ],
    }


def _stored_column(data: dict[str, Any]) -> Column:
    return Column(
        data["key"],
        data["header"],
        Kind(data["kind"]),
        width=data["width"],
        total=Total(data["total"]) if data["total"] else None,
        wrap=data["wrap"],
        number_format=data["number_format"],
        birth=data["birth"],
    )


def stored_table(layout: dict[str, Any]) -> Table:
    """Return the :class:`Table` of an archive's stored layout (what the builders lay out)."""
    columns = tuple(
        ColumnGroup(item["group"], tuple(_stored_column(c) for c in item["columns"]))
        if "group" in item
        else _stored_column(item)
        for item in layout["columns"]
    )
    return Table(
        title=layout["title"],
        columns=columns,
        count_unit=layout["count_unit"],
        footer=tuple(layout["footer"]),
        landscape=layout["landscape"],
        number_header=layout["number_header"],
    )


@dataclass(frozen=True)
class Snapshot:
    """An archive's content read back: its header (dict) and rows (decoded values)."""

    header: dict[str, Any]
    rows: list[list[Any]]

    @classmethod
    def of(cls, archive: LedgerArchive) -> Snapshot:
        data = json.loads(archive.content)
        return cls(data["header"], [[decode(v) for v in row] for row in data["rows"]])

    @property
    def table(self) -> Table:
        return stored_table(self.header["layout"])

    def parts(self) -> Iterator[tuple[str, str, int, list[list[Any]]]]:
        """Yield (unit label, title, first row number, rows) of each village of the archive."""
        start = 0
        for part in self.header["parts"]:
            yield part["label"], part["title"], start + 1, self.rows[start : start + part["rows"]]
            start += part["rows"]


def _build_content(
    *, ledger: Ledger, user: Any, year: int, village: Village | None, township: Township
) -> tuple[str, int, str]:
    """Return (canonical JSON, rows, unit label) of the ledger as ``user`` exports it now for the unit."""
    if village is not None:
        filters = ExportFilters(year=year, village_id=village.pk)
        villages = [village]
    else:
        filters = ExportFilters(year=year, township_id=township.pk)
        villages = list(
            filters.villages(Village.objects.for_user(user)).select_related("township").order_by("code")
        )
    ctx = ExportContext.build(user=user, filters=filters, village=village)
    rows: list[list[Any]] = []
    parts = []
    for place in villages:
        qs = ledger.records(user, filters, village_id=place.pk)
        count = len(rows)
        rows.extend([encode(v) for v in values] for values in ledger.iter_rows(qs, ctx))
        if len(rows) > count or village is not None:
            village_ctx = ExportContext.build(user=user, filters=filters, village=place)
            parts.append(
                {
                    "village": place.code,
                    "label": unit_label(place),
                    "title": ledger_title(ledger, village_ctx),
                    "rows": len(rows) - count,
                }
            )
    if not parts:  # a township with no row at all: one empty table of the township
        parts.append({"village": "", "label": ctx.unit_label, "title": ledger_title(ledger, ctx), "rows": 0})
    assert isinstance(ledger.layout, Table)
    header = {
        "ledger": ledger.name,
        "year": year,
        "title": ledger_title(ledger, ctx),
        "unit": ctx.unit_label,
        "reporter": actor_name(user),
        "made_on": timezone.localdate().isoformat(),
        "ages_on": ctx.ages_on.isoformat(),
        "adult_age": ctx.adult_age,
        "multi_village": ctx.multi_village,
        "notes": ledger_notes(ledger, ctx),
        "layout": layout_data(ledger.layout),
        "parts": parts,
    }
    return canonical({"header": header, "rows": rows}), len(rows), ctx.unit_label


# -- close and reopen ---------------------------------------------------------------------------------


def _closable_ledger(name: str) -> tuple[Closable, Ledger]:
    found, ledger = get_closable(name), get_ledger(name)
    if found is None or ledger is None:
        raise ValidationError(_("这个台账不按年度归档。"), code="not_closable")
    return found, ledger


def archive_close(
    *, user: Any, ledger: str, year: int, village: Village | None = None, township: Township | None = None
) -> LedgerArchive:
    """Close ``year`` of ``ledger`` for ``village``, or for every village of ``township``; return the archive.

    Refuse (``PermissionDenied``) a user without the permission or the unit outside her scope, and
    (``ValidationError``) a ledger that is not closed by year or a unit already closed.
    """
    if not user.has_perm(CLOSE_PERMISSION):
        raise PermissionDenied(_("只有乡镇妇联可以归档台账。"))
    closable_entry, found = _closable_ledger(ledger)
    if village is not None:
        township = village.township
    if township is None:
        raise ValidationError(_("请选择归档的村或乡镇。"), code="no_unit")
    if not found.allowed(user):
        raise PermissionDenied(_("您不能导出这个台账。"))
    outside = _("只能归档本人负责范围内的台账。")
    require_in_scope(
        user, LedgerArchive(township=township, village=village), outside
    )  # before any row is read
    with transaction.atomic():
        # One closing of a unit at a time: the township's row is the lock (a double click closes once).
        Township.objects.select_for_update().filter(pk=township.pk).first()
        covered = [village] if village is not None else list(Village.objects.filter(township=township))
        open_ = LedgerArchive.objects.filter(ledger=ledger, year=year, status=Status.CLOSED)
        if village is not None:
            already = open_.filter(villages=village).first()
        else:
            already = open_.filter(township=township, village__isnull=True).first()
        if already is not None:
            raise ValidationError(
                _("%(scope)s %(year)s 年度的%(title)s台账已于 %(date)s 归档。")
                % {
                    "scope": already.scope,
                    "year": year,
                    "title": already.title,
                    "date": date_text(timezone.localdate(already.closed_at)),
                },
                code="closed",
            )
        content, rows, scope = _build_content(
            ledger=found, user=user, year=year, village=village, township=township
        )
        previous = (
            LedgerArchive.objects.filter(
                ledger=ledger, year=year, township=township, village=village, superseded_by__isnull=True
            )
            .exclude(status=Status.CLOSED)
            .order_by("-closed_at")
            .first()
        )
        archive = LedgerArchive(
            ledger=ledger,
            title=closable_entry.title,
            year=year,
            township=township,
            village=village,
            scope=scope[:100],
            closed_by=history.user_of(user),
            closed_by_name=actor_name(user)[:150],
            closed_at=timezone.now(),
            supersedes=previous,
            row_count=rows,
            content=content,
            digest=sha256(content),
        )
        require_in_scope(user, archive, outside)
        history.save(archive, actor=user, reason=_("归档"))
        archive.villages.set(covered)
    return archive


def archive_reopen(*, user: Any, archive: LedgerArchive, reason: str) -> LedgerArchive:
    """Reopen a closed archive with ``reason`` (required); the archive and its rows are kept."""
    if not user.has_perm(CLOSE_PERMISSION):
        raise PermissionDenied(_("只有乡镇妇联可以撤销归档。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销归档的原因。")}, code="no_reason")
    require_in_scope(user, archive, _("只能撤销本人负责范围内的归档。"))
    with transaction.atomic():
        locked = LedgerArchive.objects.select_for_update().get(pk=archive.pk)
        if locked.status != Status.CLOSED:
            raise ValidationError(_("这份归档已经撤销过了。"), code="reopened")
        locked.status = Status.REOPENED
        locked.reopened_by = history.user_of(user)
        locked.reopened_by_name = actor_name(user)[:150]
        locked.reopened_at = timezone.now()
        locked.reopen_reason = reason
        history.save(locked, actor=user, reason=_("撤销归档：%(reason)s") % {"reason": reason})
    return locked


def archive_history(archive: LedgerArchive, *, limit: int = 50) -> list[tuple[dt.datetime, str, str]]:
    """Return (when, who, what) of each history row of ``archive``, newest first: 归档, 撤销归档：原因."""
    rows = archive.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    return [
        (
            row.history_date,
            (row.history_user.get_full_name() or row.history_user.get_username()) if row.history_user else "",
            row.history_change_reason or "",
        )
        for row in rows
    ]


# -- the digests --------------------------------------------------------------------------------------


def changed_archives(archives: Iterable[LedgerArchive] | None = None) -> list[LedgerArchive]:
    """Return the archives whose stored content no longer has the digest taken when they were closed."""
    qs = LedgerArchive.objects.order_by("pk").iterator(chunk_size=50) if archives is None else archives
    return [archive for archive in qs if sha256(archive.content) != archive.digest]
