"""Exports as actions: build a ledger's file, record it, run it now or in the background.

``export_build`` writes a file for an actor; it is what the web (small and big exports alike),
the background task and the command line all call, so the three give the same file.

A user has at most ``EXPORTS_QUEUED_PER_USER`` (2) exports queued or running at once: the one
worker is shared with the imports of every office. An export whose worker died (no heartbeat for
``TASK_STALE_SECONDS``, see :mod:`federation.ledgers.liveness`) is marked failed by
:func:`export_fail_dead`, its half-written file deleted; the user exports again.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import history
from federation.core.actors import actor_name
from federation.core.models import Village
from federation.core.replica import reading_replica
from federation.ledgers import liveness
from federation.ledgers.exports import conf
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Table
from federation.ledgers.exports.pdf import PdfBuilder, write_pdf
from federation.ledgers.exports.registry import Ledger
from federation.ledgers.exports.xlsx import XlsxBuilder
from federation.ledgers.models import ExportRecord

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


class ExportRefused(Exception):
    """The actor may not export this ledger in this format (answered as 404 on the web)."""


class ExportBusy(Exception):  # noqa: N818 - the user is busy exporting, named as she reads it
    """The user has as many exports queued or running as she may: ``message`` says so (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


S = ExportRecord.Status
#: The statuses of an export whose task waits in the queue or runs.
ACTIVE = (S.QUEUED, S.RUNNING)


@dataclass(frozen=True)
class BuildResult:
    """What ``export_build`` wrote: the number of rows and the file's kind (xlsx, pdf or zip);
    for a ZIP, ``parts`` names each PDF in it with its row count, in the ZIP's order."""

    rows: int
    kind: str
    parts: tuple[tuple[str, int], ...] = ()


def ledger_title(ledger: Ledger, ctx: ExportContext) -> str:
    """Return the title printed on the ledger: 幸福乡红旗村妇女基本信息台账（2026年度）."""
    title = f"{ctx.unit_label}{ledger.title}"
    return f"{title}（{ctx.year}年度）" if ledger.yearly else title


def ledger_notes(ledger: Ledger, ctx: ExportContext) -> list[str]:
    """Return the 注 block of the ledger for this export (a note may depend on the year's settings)."""
    return [note(ctx) if callable(note) else str(note) for note in ledger.layout.notes]


def check_allowed(ledger: Ledger, user: Any, fmt: str) -> None:
    """Raise ``ExportRefused`` unless ``user``'s role may export ``ledger`` as ``fmt``."""
    if fmt not in ledger.formats or not ledger.allowed(user):
        raise ExportRefused(ledger.name)


def export_build(
    *,
    ledger: Ledger,
    user: Any,
    fmt: str,
    filters: ExportFilters,
    path: Path,
    progress: Progress | None = None,
) -> BuildResult:
    """Write ``ledger`` as ``user`` sees it to ``path``: an .xlsx, a .pdf, or a .zip of PDFs.

    The rows are those of the ledger's selector, which goes through the scoping rule. A PDF of
    more than one village is a ZIP with one PDF per village (and per part of at most
    ``LEDGER_PDF_MAX_ROWS`` rows), unless the ledger says ``pdf_per_village=False``: then it is
    one PDF of the whole scope (a ZIP only of its parts, when it is longer than that).

    Its reads go to the read replica when there is one (``federation.core.replica``); ``progress``
    writes, as every write does, to the database itself.
    """
    check_allowed(ledger, user, fmt)
    with reading_replica():
        ctx = ExportContext.build(user=user, filters=filters, as_of=ledger.as_of_date(filters))
        if fmt == "xlsx":
            assert isinstance(ledger.layout, Table)
            rows = ledger.iter_rows(ledger.records(user, filters), ctx)
            builder = XlsxBuilder(ledger.layout, ctx, title=ledger_title(ledger, ctx))
            written = builder.write(rows, path, notes=ledger_notes(ledger, ctx), progress=progress)
            return BuildResult(written, "xlsx")
        return _build_pdfs(ledger, user, filters, ctx, path, progress)


def _render_piece(
    ledger: Ledger, ctx: ExportContext, piece: list[Any], *, title: str, start: int, path: Path
) -> int:
    """Lay one PDF out (a table or cards) and write it to ``path``; return its row count."""
    builder = PdfBuilder(ledger.layout, ctx, title=title)
    notes = ledger_notes(ledger, ctx)
    if isinstance(ledger.layout, Table):
        html, count = builder.table_html(piece, notes=notes, start=start)
    else:
        html, count = builder.cards_html(piece, notes=notes, start=start)
    write_pdf(html, path)
    return count


def _pdf_units(ledger: Ledger, user: Any, filters: ExportFilters, ctx: ExportContext) -> list[tuple]:
    """Return (context, queryset) of each PDF unit: the one village, or each village with rows.

    A ledger with ``pdf_per_village=False`` has one unit, the whole scope, however many villages.
    """
    if not ctx.multi_village or not ledger.pdf_per_village:
        return [(ctx, ledger.records(user, filters))]
    villages = filters.villages(Village.objects.for_user(user)).select_related("township").order_by("code")
    units = []
    for village in villages:
        qs = ledger.records(user, filters, village_id=village.pk)
        if qs.exists():
            units.append(
                (ExportContext.build(user=user, filters=filters, village=village, as_of=ctx.ages_on), qs)
            )
    return units or [(ctx, ledger.records(user, filters))]


def _pdf_pieces(ledger: Ledger, ctx: ExportContext, qs: Any) -> Iterator[tuple[str, int, list[Any]]]:
    """Yield (title, first row number, rows) of each PDF of one unit.

    One piece, or numbered parts (第2册…) of at most ``LEDGER_PDF_MAX_ROWS`` rows when the unit
    is longer; row numbers (序号) run on across the parts.
    """
    title = ledger_title(ledger, ctx)
    size = conf.pdf_max_rows()
    rows = ledger.iter_rows(qs, ctx)
    piece = list(islice(rows, size))
    following = list(islice(rows, size)) if len(piece) == size else []
    if not following:
        yield title, 1, piece
        return
    number, start = 1, 1
    while piece:
        yield f"{title}（第{number}册）", start, piece
        number, start = number + 1, start + len(piece)
        piece, following = following, (list(islice(rows, size)) if following else [])


def _build_pdfs(
    ledger: Ledger,
    user: Any,
    filters: ExportFilters,
    ctx: ExportContext,
    path: Path,
    progress: Progress | None,
) -> BuildResult:
    """Write one PDF, or a ZIP of one PDF per village and part (see ``export_build``)."""
    files: list[tuple[str, Path, int]] = []
    done = 0
    try:
        for unit_ctx, qs in _pdf_units(ledger, user, filters, ctx):
            for title, start, piece in _pdf_pieces(ledger, unit_ctx, qs):
                part = path.with_name(f".{path.name}.{len(files):04d}.pdf")
                count = _render_piece(ledger, unit_ctx, piece, title=title, start=start, path=part)
                done += count
                files.append((title, part, count))
                if progress is not None:
                    progress(done)
        if len(files) == 1:
            files.pop()[1].replace(path)
            return BuildResult(done, "pdf")
        names = []
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
            for number, (title, part, count) in enumerate(files, 1):
                archive.write(part, f"{number:02d}-{title}.pdf")
                names.append((f"{number:02d}-{title}.pdf", count))
        return BuildResult(done, "zip", tuple(names))
    finally:
        for _title, part, _count in files:
            part.unlink(missing_ok=True)


# -- records ------------------------------------------------------------------------------------


def _extension(kind: str) -> str:
    return {"xlsx": ".xlsx", "pdf": ".pdf", "zip": ".zip"}[kind]


def export_record_create(
    *,
    ledger: Ledger,
    user: Any,
    fmt: str,
    filters: ExportFilters,
    background: bool = False,
    rows_total: int | None = None,
) -> ExportRecord:
    """Return a new queued record of an export of ``ledger`` by ``user`` (counting its rows unless
    ``rows_total`` says how many)."""
    check_allowed(ledger, user, fmt)
    ctx = ExportContext.build(user=user, filters=filters, as_of=ledger.as_of_date(filters))
    if rows_total is None:
        with reading_replica():  # counted where the rows will be read
            rows_total = ledger.records(user, filters).count()
    return ExportRecord.objects.create(
        user=history.user_of(user),
        requested_by=actor_name(user),
        ledger=ledger.name,
        title=ledger_title(ledger, ctx)[:200],
        scope=ctx.unit_label[:100],
        scope_code=ctx.scope_code,
        filters=filters.as_query(),
        format=fmt,
        background=background,
        rows_total=rows_total,
    )


def export_run(*, record: ExportRecord, ledger: Ledger, user: Any, path: Path | None = None) -> ExportRecord:
    """Build the file of ``record`` and mark it done, or failed; return the record.

    ``path`` defaults to a fresh file under ``VAR_DIR / "exports"`` (see :func:`record_run`).
    """

    def build(target: Path, progress: Progress) -> BuildResult:
        filters = ExportFilters.from_query(record.filters)
        return export_build(
            ledger=ledger, user=user, fmt=record.format, filters=filters, path=target, progress=progress
        )

    return record_run(record=record, build=build, path=path)


def record_run(
    *, record: ExportRecord, build: Callable[[Path, Progress], BuildResult], path: Path | None = None
) -> ExportRecord:
    """Run ``build(path, progress)`` for ``record`` with its heartbeat, and mark it done, or failed;
    return the record. An export's task and an inspection pack's (``federation.ledgers.packs``) both.

    ``path`` defaults to a fresh file under ``VAR_DIR / "exports"``. A failure is recorded and
    logged with the exception's type and place only: the message of an error deep in a builder
    may quote a cell's value, and ID numbers are never written to logs.
    """
    if path is None:
        folder = conf.export_dir() / str(record.user_id or "cli")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{record.pk}-{uuid.uuid4().hex}.part"
    record.status = S.RUNNING
    record.started_at = record.heartbeat_at = timezone.now()
    record.task_token = record.task_token or liveness.new_token()
    # The file being written, for export_fail_dead to delete if the worker dies.
    record.file_path = _stored_path(path)
    record.save(update_fields=["status", "started_at", "heartbeat_at", "task_token", "file_path"])

    try:
        # The rows written reach the record with the heartbeat, through its thread's connection: a
        # write of this thread while the builder's rows are still being read would fail on SQLite
        # as soon as a beat had written (the read's snapshot is then too old to write from).
        with liveness.Heartbeat(ExportRecord, record.pk, record.task_token, ACTIVE) as beat:
            result = build(path, lambda done: beat.report(rows_done=done))
    except Exception as exc:
        liveness.log_failure(logger, "export", record, exc)
        path.unlink(missing_ok=True)
        record.status = S.FAILED
        record.error = f"导出失败（{type(exc).__name__}），请稍后重试或联系管理员。"
        record.file_path = ""
        record.finished_at = timezone.now()
        record.save(update_fields=["status", "error", "file_path", "finished_at"])
        return record
    if path.suffix == ".part":
        final = path.with_suffix(_extension(result.kind))
        path.replace(final)
        path = final
    record.status = S.DONE
    record.rows_done = result.rows
    record.file_path = _stored_path(path)
    record.file_name = f"{record.title}{_extension(result.kind)}"[:255]
    record.file_size = path.stat().st_size
    record.finished_at = timezone.now()
    record.save()
    return record


def _stored_path(path: Path) -> str:
    """Return ``path`` as the record keeps it: relative to the export folder when inside it."""
    return str(path.relative_to(conf.export_dir())) if _inside_export_dir(path) else str(path)


def _inside_export_dir(path: Path) -> bool:
    try:
        path.resolve().relative_to(conf.export_dir().resolve())
    except ValueError:
        return False
    return True


def export_file_path(record: ExportRecord) -> Path | None:
    """Return the file of a finished web export, only if it lies inside the export folder."""
    if record.status != ExportRecord.Status.DONE or not record.file_path:
        return None
    path = (conf.export_dir() / record.file_path).resolve()
    if not _inside_export_dir(path) or not path.is_file():
        return None
    return path


def queued_per_user() -> int:
    """Return how many exports a user may have queued or running at once (``EXPORTS_QUEUED_PER_USER``)."""
    return int(getattr(settings, "EXPORTS_QUEUED_PER_USER", 2))


def export_request(*, ledger: Ledger, user: Any, fmt: str, filters: ExportFilters) -> ExportRecord:
    """Record a web export and run it: now when small, else queued as a background task.

    Above ``LEDGER_BACKGROUND_ROWS`` rows the export is handed to django-q2 (the database's queue,
    or Redis's with ``Q_BROKER_URL``; the ``qcluster`` that scripts/serve.sh starts runs it) and the
    user follows its progress. Raise :class:`ExportBusy`, with nothing recorded or queued, when the
    user already has ``EXPORTS_QUEUED_PER_USER`` exports queued or running.
    """
    export_purge()
    with reading_replica():  # counted where the rows will be read
        rows_total = ledger.records(user, filters).count()
    if rows_total <= conf.background_threshold(fmt):
        record = export_record_create(
            ledger=ledger, user=user, fmt=fmt, filters=filters, rows_total=rows_total
        )
        return export_run(record=record, ledger=ledger, user=user)
    with transaction.atomic():
        # One request of the user's at a time counts and queues (a double click queues once).
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        mine = ExportRecord.objects.filter(user=user, background=True)
        export_fail_dead(mine)
        limit = queued_per_user()
        if mine.filter(status__in=ACTIVE).count() >= limit:
            raise ExportBusy(
                _("您已有 %(count)s 个导出正在排队或生成，请等它们完成后再导出。") % {"count": limit}
            )
        record = export_record_create(
            ledger=ledger, user=user, fmt=fmt, filters=filters, background=True, rows_total=rows_total
        )
        record.task_token = liveness.new_token()
        record.save(update_fields=["task_token"])
        liveness.enqueue(
            "federation.ledgers.exports.tasks.run_export",
            record.pk,
            record.task_token,
            task_name=f"export-{record.pk}",
            group="exports",
        )
    record.refresh_from_db()
    return record


#: What a user reads of an export whose worker died.
INTERRUPTED = _("后台任务中断，请重新导出。")


def export_fail_dead(records: QuerySet[ExportRecord] | None = None, *, now: dt.datetime | None = None) -> int:
    """Mark failed the exports among ``records`` (all by default) whose worker died; return how many.

    Dead: queued or running, no heartbeat for ``TASK_STALE_SECONDS``, and not waiting in the queue.
    The half-written file is deleted, and the dead task's queue row, so that it is never run again.
    Called when an export's page, its progress or the user's exports are read, before a user's
    queued exports are counted, and every few minutes by django-q2's schedule.
    """
    now = now or timezone.now()

    def then(record: ExportRecord) -> None:
        _remove_partial(record.file_path)
        logger.warning("export %s: its worker died, marked failed", record.pk)

    return liveness.fail_dead(
        ExportRecord.objects.all() if records is None else records,
        running=ACTIVE,
        failed={"status": S.FAILED, "error": INTERRUPTED, "file_path": "", "finished_at": now},
        now=now,
        then=then,
    )


def _remove_partial(file_path: str) -> None:
    """Delete the half-written file of an export and the PDF parts written beside it."""
    if not file_path:
        return
    path = conf.export_dir() / file_path
    if not _inside_export_dir(path):
        return
    path.unlink(missing_ok=True)
    for part in path.parent.glob(f".{path.name}.*.pdf"):
        part.unlink(missing_ok=True)
    # An inspection pack's files not yet packed (federation.ledgers.packs).
    shutil.rmtree(path.with_name(f".{path.name}.d"), ignore_errors=True)


def export_purge(*, now: dt.datetime | None = None) -> int:
    """Delete files older than ``LEDGER_KEEP_DAYS`` days; return how many went. Records stay.

    The files of an archived ledger (``ExportRecord.archive``) are kept as long as the archive.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=conf.keep_days())
    old = ExportRecord.objects.filter(
        Q(status=S.DONE) & Q(finished_at__lt=cutoff) & ~Q(file_path="") & Q(archive__isnull=True)
    )
    count = 0
    for record in old:
        path = export_file_path(record)
        if path is not None:
            path.unlink(missing_ok=True)
        record.file_path = ""
        record.status = S.EXPIRED
        record.save(update_fields=["file_path", "status"])
        count += 1
    return count
