"""The inspection pack (迎检材料): a period's ledgers of chosen villages, in one ZIP with a cover.

A pack is an export (``ExportRecord`` with ``ledger="pack"``, format ``zip``): recorded in the
export log, built in the background with its progress and heartbeat, its file kept and pruned as
the exports' are (``export_purge``). Its files are the export framework's own, built for the pack's
builder (``export_build``: her scope, her role's masking) and, for the years a village or the
township closed, the archives' files as archived (``archive_files.archive_export``). It picks up
every registered ledger the builder may export (``all_ledgers()``), with no list of names.

The period is a year or a from–to range; ledgers are yearly, so a range gives the whole ledger of
every year it touches, and the cover says so. The cover PDF lists every file of the ZIP with its
row count (counted by the builder that wrote it) and its SHA-256, the period, who built it and when.

A county viewer's pack of several townships is one pack a township, each its own task, so the
task queue's workers build them side by side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from federation.core import history, policy
from federation.core.actors import actor_name, unit_label
from federation.core.models import Village
from federation.core.scoping import membership_of
from federation.ledgers import archive_files, liveness
from federation.ledgers.archives import Snapshot, closable_ledgers, date_text
from federation.ledgers.exports import conf
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.pdf import FONT_FAMILY, write_pdf
from federation.ledgers.exports.registry import Ledger, all_ledgers
from federation.ledgers.exports.services import (
    ACTIVE,
    BuildResult,
    ExportBusy,
    Progress,
    export_build,
    export_fail_dead,
    export_file_path,
    export_purge,
    record_run,
)
from federation.ledgers.models import ExportRecord, LedgerArchive

logger = logging.getLogger(__name__)

#: The ``ExportRecord.ledger`` of a pack.
PACK = "pack"
#: The part of the archived year-end ledgers (the other parts are the ledgers' names).
ARCHIVES = "archives"
#: The cover's name in the ZIP: listed first, and in its own index without a digest.
COVER = "00-封面与目录.pdf"
#: The longest period a pack covers, in years (each year is every ledger again).
MAX_YEARS = 5

S = ExportRecord.Status


# -- what a pack is made of -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days a pack covers; ``years`` are the ledgers' years it touches."""

    start: dt.date
    end: dt.date

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def between(cls, start: dt.date | None, end: dt.date | None) -> Period:
        """Return the period from ``start`` to ``end``: both given, in order, over ``MAX_YEARS`` years at
        the most (``ValidationError`` saying which fails)."""
        if not start or not end:
            raise ValidationError(_("请填写开始日期和结束日期。"))
        if start > end:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        if end.year - start.year + 1 > MAX_YEARS:
            raise ValidationError(_("期间最多跨 %(n)s 个年度。") % {"n": MAX_YEARS})
        return cls(start, end)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    @property
    def whole_year(self) -> bool:
        return self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31)

    @property
    def label(self) -> str:
        """Return 2026年度, or 2025年7月1日至2026年6月30日."""
        if self.whole_year:
            return _("%(year)s年度") % {"year": self.start.year}
        return f"{date_text(self.start)}至{date_text(self.end)}"

    @property
    def note(self) -> str:
        """Return what the cover says of a period that is not one whole year."""
        if self.whole_year:
            return ""
        years = "、".join(str(y) for y in self.years)
        return _("台账按年度编制：本期间涉及 %(years)s 年度，各年度的台账均为全年台账。") % {"years": years}


@dataclass(frozen=True)
class PackSpec:
    """What a pack holds: the period, the villages (none: the builder's whole scope, or the township
    ``township_id`` of a county viewer), the parts (ledger names and ``ARCHIVES``)."""

    period: Period
    parts: tuple[str, ...]
    village_ids: tuple[int, ...] = ()
    township_id: int | None = None

    def as_query(self) -> dict[str, Any]:
        """Return the spec as the export record keeps it (``ExportRecord.filters``)."""
        query: dict[str, Any] = {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "parts": list(self.parts),
        }
        if self.village_ids:
            query["villages"] = list(self.village_ids)
        if self.township_id:
            query["township"] = self.township_id
        return query

    @classmethod
    def from_query(cls, query: dict[str, Any]) -> PackSpec:
        period = Period(dt.date.fromisoformat(query["from"]), dt.date.fromisoformat(query["to"]))
        return cls(
            period=period,
            parts=tuple(query.get("parts", ())),
            village_ids=tuple(query.get("villages", ())),
            township_id=query.get("township"),
        )


def pack_ledgers(user: Any) -> list[Ledger]:
    """Return every registered ledger ``user``'s role may export, in the order they were registered."""
    return [ledger for ledger in all_ledgers() if ledger.allowed(user)]


def pack_parts(user: Any) -> list[tuple[str, str]]:
    """Return the parts ``user`` may put in a pack: (name, label), the ledgers then the archives."""
    parts = [(ledger.name, ledger.title) for ledger in pack_ledgers(user)]
    if parts and user.has_perm("ledgers.view_ledgerarchive"):
        parts.append((ARCHIVES, _("已归档的年终台账（按归档时的内容）")))
    return parts


def may_build(user: Any) -> bool:
    """Return True when ``user`` may build a pack: she has a scope and may export a ledger."""
    return membership_of(user) is not None and bool(pack_ledgers(user))


@dataclass
class Item:
    """One step of a pack: a ledger's file (``ledger``, ``fmt``, ``filters``) or an archive's
    (``archive``, ``fmt``), written under ``folder`` as ``name``."""

    folder: str
    name: str
    fmt: str
    ledger: Ledger | None = None
    filters: ExportFilters | None = None
    archive: LedgerArchive | None = None


@dataclass
class Entry:
    """A file of the ZIP as the cover lists it."""

    path: str
    rows: int | None
    digest: str = ""
    size: int = 0


@dataclass
class Plan:
    """A pack's steps for its builder, and what its cover says of its scope."""

    spec: PackSpec
    unit: str
    scope_code: str
    villages: list[Village]
    items: list[Item] = field(default_factory=list)


def _units(user: Any, spec: PackSpec) -> tuple[str, str, list[Village], list[tuple[str, dict[str, int]]]]:
    """Return (unit label, code, villages, [(folder, filters)]) of the pack's scope for ``user``.

    Chosen villages give a folder each; no choice gives the whole scope (the township) as one unit.
    Every village is read through the scoping rule: one outside ``user``'s scope is not there.
    """
    villages = Village.objects.for_user(user).select_related("township").order_by("code")
    if spec.township_id:
        villages = villages.filter(township_id=spec.township_id)
    if spec.village_ids:
        chosen = list(villages.filter(pk__in=spec.village_ids))
        if len(chosen) == 1:
            place = chosen[0]
            return unit_label(place), place.code, chosen, [("", {"village_id": place.pk})]
        township = chosen[0].township if chosen else None
        label = f"{unit_label(township)}{'、'.join(v.name for v in chosen)}" if township else ""
        return (
            label[:100],
            township.code if township else "",
            chosen,
            [(v.name, {"village_id": v.pk}) for v in chosen],
        )
    every = list(villages)
    townships = {v.township_id: v.township for v in every}
    if len(every) == 1:
        return unit_label(every[0]), every[0].code, every, [("", {"village_id": every[0].pk})]
    if len(townships) == 1:
        (township,) = townships.values()
        return unit_label(township), township.code, every, [("", {"township_id": township.pk})]
    raise ValidationError(_("请选择一个乡镇或其中的村。"))


def _archives(user: Any, ledger: str, year: int, villages: list[Village], whole: bool) -> list[LedgerArchive]:
    """Return the closed archives of ``ledger`` and ``year`` among ``villages`` that ``user`` sees:
    each village's, and the township's own when the pack is of the whole township."""
    ids = [v.pk for v in villages]
    condition = Q(village_id__in=ids)
    if whole:
        condition |= Q(village__isnull=True, township_id__in={v.township_id for v in villages})
    return list(
        LedgerArchive.objects.for_user(user)
        .filter(condition, ledger=ledger, year=year, status=LedgerArchive.Status.CLOSED)
        .select_related("village", "township")
        .defer("content")
        .order_by("village__code", "pk")
    )


def _safe(name: str) -> str:
    """Return ``name`` fit for a file name in a ZIP (no slash or other character Windows refuses)."""
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in name).strip() or "_"


def pack_plan(user: Any, spec: PackSpec) -> Plan:
    """Return the steps of ``spec``'s pack for ``user``: every chosen ledger she may export, each
    format, each year (once for a ledger that is not yearly), each unit; then the archives."""
    label, code, villages, units = _units(user, spec)
    plan = Plan(spec=spec, unit=label, scope_code=code, villages=villages)
    chosen = [ledger for ledger in pack_ledgers(user) if ledger.name in spec.parts]
    years = spec.period.years
    for number, ledger in enumerate(chosen, 1):
        for year in years if ledger.yearly else [None]:
            period_folder = _("%(year)s年度") % {"year": year} if year else _("不分年度")
            for unit_folder, unit_filters in units:
                folder = "/".join(p for p in (period_folder, unit_folder) if p)
                filters = ExportFilters(
                    year=year or years[-1], extra=dict(ledger.pack_filters), **unit_filters
                )
                for fmt in ledger.formats:
                    name = f"{number:02d}-{_safe(ledger.title)}"
                    plan.items.append(Item(folder, name, fmt, ledger=ledger, filters=filters))
    if ARCHIVES in spec.parts and user.has_perm("ledgers.view_ledgerarchive"):
        allowed = {ledger.name for ledger in pack_ledgers(user)}
        whole = not spec.village_ids
        for year in years:
            for closable in closable_ledgers():
                if closable.ledger not in allowed:
                    continue
                for archive in _archives(user, closable.ledger, year, villages, whole):
                    folder = f"{year}年度/已归档"
                    name = _safe(f"{archive.scope}{archive.title}（已归档）")
                    for fmt in ("xlsx", "pdf"):
                        plan.items.append(Item(folder, name, fmt, archive=archive))
    return plan


def pack_title(plan: Plan) -> str:
    """Return the pack's title: 幸福乡迎检材料（2026年度）."""
    return f"{plan.unit}迎检材料（{plan.spec.period.label}）"


# -- building -------------------------------------------------------------------------------------


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _archive_counts(archive: LedgerArchive) -> list[int]:
    """Return the row count of each PDF of an archive's ZIP, in its order (as ``write_archive_file``
    splits its villages into parts)."""
    size = conf.pdf_max_rows()
    counts = []
    for _label, _title, _start, rows in Snapshot.of(archive).parts():
        pieces = [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]
        counts.extend(len(piece) for piece in pieces)
    return counts


def _item_files(item: Item, user: Any, work: Path, index: int) -> Iterator[tuple[str, Path, int]]:
    """Build one step's file(s) in ``work``; yield (path in the ZIP, file, rows) of each.

    A ZIP of PDFs (a township's, one a village) is unpacked into a folder, each PDF listed alone.
    """
    target = work / f"{index:05d}.{item.fmt}"
    base = f"{item.folder}/{item.name}" if item.folder else item.name
    if item.archive is not None:
        record = archive_files.archive_export(archive=item.archive, user=user, fmt=item.fmt)
        source = export_file_path(record)
        if source is None:
            raise FileNotFoundError("archive file")
        shutil.copyfile(source, target)
        kind = source.suffix.lstrip(".")
        rows: int | tuple = record.rows_done
        parts = list(_archive_counts(item.archive)) if kind == "zip" else []
    else:
        result = export_build(ledger=item.ledger, user=user, fmt=item.fmt, filters=item.filters, path=target)
        kind, rows, parts = result.kind, result.rows, [count for _name, count in result.parts]
    if kind != "zip":
        yield f"{base}.{kind}", target, rows
        return
    folder = work / f"{index:05d}"
    with zipfile.ZipFile(target) as bundle:
        names = bundle.namelist()
        for number, member in enumerate(names):
            out = folder / f"{number:04d}.pdf"
            out.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(member) as src, out.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            yield f"{base}（PDF）/{_safe(member)}", out, parts[number] if number < len(parts) else None
    target.unlink(missing_ok=True)


def write_cover(plan: Plan, entries: list[Entry], *, user: Any, path: Path, made_at: dt.datetime) -> None:
    """Write the cover PDF: the pack's title, period, scope, builder and time, and its index."""
    masked = not policy.can_see_full_id_number(user)
    membership = membership_of(user)
    context = {
        "title": pack_title(plan),
        "period": plan.spec.period.label,
        "period_note": plan.spec.period.note,
        "unit": plan.unit,
        "villages": "、".join(v.name for v in plan.villages),
        "builder": actor_name(user),
        "role": membership.get_role_display() if membership is not None else "",
        "made_at": timezone.localtime(made_at),
        "entries": entries,
        "count": len(entries) + 1,
        "cover": COVER,
        "masked": masked,
        "landscape": True,
        "font_family": mark_safe(FONT_FAMILY),
    }
    write_pdf(render_to_string("ledgers/pack_cover.html", context), path)


def pack_build(*, user: Any, spec: PackSpec, path: Path, progress: Progress | None = None) -> BuildResult:
    """Write ``spec``'s pack for ``user`` to ``path`` (a ZIP); return its steps and their files.

    ``progress(done)`` is told after each step (a ledger's file in a format, an archive's file, the
    cover); ``BuildResult.parts`` is the cover's index, every file but the cover with its rows.
    """
    plan = pack_plan(user, spec)
    work = path.with_name(f".{path.name}.d")
    work.mkdir(parents=True, exist_ok=True)
    entries: list[Entry] = []
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
            for index, item in enumerate(plan.items):
                for name, file, rows in _item_files(item, user, work, index):
                    entries.append(Entry(name, rows, _digest(file), file.stat().st_size))
                    bundle.write(file, name)
                    file.unlink()
                if progress is not None:
                    progress(index + 1)
            cover = work / "cover.pdf"
            write_cover(plan, entries, user=user, path=cover, made_at=timezone.now())
            bundle.write(cover, COVER)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    parts = tuple((entry.path, entry.rows or 0) for entry in entries)
    return BuildResult(len(plan.items) + 1, "zip", parts)


# -- records and tasks ----------------------------------------------------------------------------


def pack_request(*, user: Any, spec: PackSpec) -> list[ExportRecord]:
    """Record ``spec``'s pack by ``user`` and queue it: one pack a township (a county viewer's spec of
    several townships), each its own task. Raise ``ExportBusy`` when a pack of hers is still being
    built, ``ValidationError`` when nothing is left to build."""
    export_purge()
    specs = _per_township(user, spec)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        mine = ExportRecord.objects.filter(user=user, ledger=PACK)
        export_fail_dead(mine)
        if mine.filter(status__in=ACTIVE).exists():
            raise ExportBusy(_("您已有迎检材料正在生成，请等它完成后再生成。"))
        records = []
        for one in specs:
            plan = pack_plan(user, one)
            if not plan.items:
                raise ValidationError(_("所选范围和期间没有可以打包的材料。"))
            record = ExportRecord.objects.create(
                user=history.user_of(user),
                requested_by=actor_name(user),
                ledger=PACK,
                title=pack_title(plan)[:200],
                scope=plan.unit[:100],
                scope_code=plan.scope_code,
                filters=one.as_query(),
                format=ExportRecord.Format.ZIP,
                background=True,
                rows_total=len(plan.items) + 1,
                task_token=liveness.new_token(),
            )
            liveness.enqueue(
                "federation.ledgers.packs.run_pack",
                record.pk,
                record.task_token,
                task_name=f"pack-{record.pk}",
                group="packs",
            )
            records.append(record)
    for record in records:
        record.refresh_from_db()
    return records


def _per_township(user: Any, spec: PackSpec) -> list[PackSpec]:
    """Return ``spec`` split into one spec a township of its villages (one, for a township's user)."""
    villages = Village.objects.for_user(user)
    if spec.township_id:
        villages = villages.filter(township_id=spec.township_id)
    if spec.village_ids:
        villages = villages.filter(pk__in=spec.village_ids)
    townships = sorted(set(villages.values_list("township_id", flat=True)))
    if not townships:
        raise ValidationError(_("请选择您负责范围内的村。"))
    ids = set(spec.village_ids)
    split = []
    for township in townships:
        chosen = set(villages.filter(township_id=township).values_list("pk", flat=True)) & ids
        split.append(PackSpec(spec.period, spec.parts, tuple(sorted(chosen)), township))
    return split


def run_pack(record_id: int, token: str = "") -> int:
    """Build a queued pack as the user who asked for it (her role and scope read again now); return
    the steps done. Nothing is done for an attempt the record no longer waits for (``token``)."""
    record = ExportRecord.objects.select_related("user").get(pk=record_id)
    if record.status != S.QUEUED or (token and record.task_token != token):
        logger.info("pack %s: an attempt it no longer waits for, nothing done", record_id)
        return 0
    user = record.user
    if user is None or not user.is_active:
        record.status = S.FAILED
        record.error = "导出人已不存在。"
        record.save(update_fields=["status", "error"])
        return 0
    spec = PackSpec.from_query(record.filters)

    def build(path: Path, progress: Progress) -> BuildResult:
        # The steps as her role and scope give them now (the request counted them before).
        total = len(pack_plan(user, spec).items) + 1
        ExportRecord.objects.filter(pk=record.pk).update(rows_total=total)
        record.rows_total = total
        return pack_build(user=user, spec=spec, path=path, progress=progress)

    record = record_run(record=record, build=build)
    return record.rows_done
