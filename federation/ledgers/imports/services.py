"""Imports as the web and the command line run them, recorded in :class:`federation.core.models.ImportRecord`.

The web path is upload → check (a dry run: the preview, nothing written) → the user's
confirmation (the same checks again, then everything written in one transaction). A file above
``IMPORT_BACKGROUND_BYTES`` is checked and imported by a background task (django-q2, as the
exports) while the page shows its progress.

A check or a write whose worker died (no heartbeat for ``TASK_STALE_SECONDS``, see
:mod:`federation.ledgers.liveness`) is marked failed by :func:`import_fail_dead`; the user starts it
again (:func:`import_restart`) or abandons it. Nothing of it was written: the rows are written in one
transaction, which the dead worker never committed. A refused file is deleted at once.

Settings: ``IMPORT_MAX_BYTES`` (5 MB), ``IMPORT_MAX_ROWS`` (20,000 rows a file),
``IMPORT_BACKGROUND_BYTES`` (150 KB, about 1,500 rows), ``IMPORT_DIR`` (``VAR_DIR/imports``).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core.actors import actor_name
from federation.ledgers import liveness
from federation.ledgers.imports.framework import Importer, ImportResult, get_importer
from federation.ledgers.imports.reader import DEFAULT_MAX_BYTES, MB, ImportRefused, not_xlsx_name
from federation.ledgers.models import ImportRecord

logger = logging.getLogger(__name__)

#: At most this many errors are kept on the record (the command line prints them all).
MAX_STORED_ERRORS = 2000

S = ImportRecord.Status
#: The statuses of an import whose task runs (or waits in the queue).
RUNNING = (S.CHECKING, S.IMPORTING)
#: The statuses an import can be abandoned in: checked, with errors, or failed.
ABANDONABLE = (S.CHECKED, S.INVALID, S.FAILED)


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 20000))


def background_bytes() -> int:
    return int(getattr(settings, "IMPORT_BACKGROUND_BYTES", 150 * 1024))


def import_dir() -> Path:
    path = Path(getattr(settings, "IMPORT_DIR", Path(settings.VAR_DIR) / "imports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def record_importer(record: ImportRecord) -> Importer:
    """Return the importer of a record, for its village and year, acting as its user."""
    importer_class = get_importer(record.ledger)
    if importer_class is None:
        raise ImportRefused(
            _("不能导入名为“%(ledger)s”的台账。") % {"ledger": record.ledger}, "unknown_ledger"
        )
    return importer_class(record.village, user=record.user, year=record.year)


def import_record_run(
    record: ImportRecord,
    importer: Importer,
    source: Any,
    *,
    dry_run: bool,
    mapping: dict[str, int] | None = None,
) -> ImportResult:
    """Read and check (``dry_run``) or import ``source`` for ``record``; keep the outcome on it.

    Raise :class:`ImportRefused` (after recording it) for a file refused before reading.
    """
    record.status = S.CHECKING if dry_run else S.IMPORTING
    record.rows_done = 0
    record.task_token = record.task_token or liveness.new_token()
    record.heartbeat_at = timezone.now()
    record.interrupted = ""
    record.save(update_fields=["status", "rows_done", "task_token", "heartbeat_at", "interrupted"])
    with liveness.Heartbeat(ImportRecord, record.pk, record.task_token, RUNNING) as heartbeat:
        try:
            table = importer.read(source, mapping=mapping, max_rows=max_rows(), max_bytes=max_bytes())
        except ImportRefused as exc:
            record.status = S.REFUSED
            record.message = exc.message[:500]
            record.finished_at = timezone.now()
            record.save(update_fields=["status", "message", "finished_at"])
            raise
        record.columns = [{"index": c.index, "title": c.title} for c in table.columns]
        record.mapping = {key: column.index for key, column in table.mapping.items()}
        record.rows_total = len(table.rows)
        record.save(update_fields=["columns", "mapping", "rows_total"])
        # The rows run inside the import's transaction: the progress is written by the heartbeat's
        # own connection, which the page can read at once (and which locks nothing the rows need).
        result = importer.run(
            table,
            dry_run=dry_run,
            progress=lambda done, total: heartbeat.report(rows_done=done, rows_total=total),
        )
    record.rows_done = len(table.rows)
    record.created, record.updated, record.unchanged = result.created, result.updated, result.unchanged
    record.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
    record.error_count = len(result.errors)
    record.preview, record.warnings = result.preview, result.warnings
    if result.errors:
        record.status = S.INVALID
        record.message = _("有 %(count)s 处错误，什么也没有写入。") % {"count": len(result.errors)}
    elif dry_run:
        record.status = S.CHECKED
        record.message = result.summary()
    else:
        record.status = S.DONE
        record.message = result.summary()
    record.finished_at = timezone.now()
    record.save()
    logger.info(
        "import %s ledger=%s village=%s rows=%s status=%s",
        record.pk,
        record.ledger,
        record.village_id,
        record.rows_total,
        record.status,
    )
    return result


def _file(record: ImportRecord) -> Path:
    path = Path(record.file_path)
    root = import_dir().resolve()
    if not path.resolve().is_relative_to(root) or not path.is_file():
        raise ImportRefused(_("上传的文件已不在服务器上，请重新上传。"), "file_gone")
    return path


def _run_or_queue(record: ImportRecord, *, dry_run: bool) -> ImportRecord:
    """Check (``dry_run``) or write ``record`` now, or queue it when its file is big; return it."""
    record.status = S.CHECKING if dry_run else S.IMPORTING
    record.rows_done = 0
    record.task_token = liveness.new_token()
    record.heartbeat_at = timezone.now()  # queued: the task beats once a worker takes it
    record.interrupted = ""
    record.save(update_fields=["status", "rows_done", "task_token", "heartbeat_at", "interrupted"])
    if record.background:
        liveness.enqueue(
            "federation.ledgers.imports.tasks.run_import",
            record.pk,
            dry_run,
            record.task_token,
            task_name=f"import-{record.pk}-{'check' if dry_run else 'write'}",
            group="imports",
        )
        record.refresh_from_db()
        return record
    run_import_record(record, dry_run=dry_run)
    record.refresh_from_db()
    return record


def run_import_record(record: ImportRecord, *, dry_run: bool) -> ImportResult | None:
    """Check or import a recorded upload with its stored mapping; None when it is refused or fails.

    A refused file is deleted at once. An unexpected error is recorded (its type, never its message,
    which may quote a cell) and the import can be started again or abandoned, as after a dead worker.
    """
    try:
        importer = record_importer(record)
        result = import_record_run(record, importer, _file(record), dry_run=dry_run, mapping=record.mapping)
    except ImportRefused as exc:
        ImportRecord.objects.filter(pk=record.pk).update(
            status=S.REFUSED, message=exc.message[:500], finished_at=timezone.now()
        )
        remove_file(record)
        return None
    except PermissionDenied as exc:  # the role or the scope changed since the upload
        ImportRecord.objects.filter(pk=record.pk).update(
            status=S.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        return None
    except Exception as exc:
        liveness.log_failure(logger, "import", record, exc)
        ImportRecord.objects.filter(pk=record.pk).update(
            status=S.FAILED,
            interrupted=S.CHECKING if dry_run else S.IMPORTING,
            message=_("导入出错（%(error)s），什么也没有写入。请重新开始或放弃。")
            % {"error": type(exc).__name__},
            finished_at=timezone.now(),
        )
        return None
    if result.written:
        remove_file(record)
    return result


#: What a user reads of an import whose worker died.
INTERRUPTED = _("后台任务中断，请重新开始或放弃。")


def import_fail_dead(records: QuerySet[ImportRecord] | None = None, *, now: dt.datetime | None = None) -> int:
    """Mark failed the imports among ``records`` (all by default) whose worker died; return how many.

    Dead: checking or importing, no heartbeat for ``TASK_STALE_SECONDS``, and not waiting in the
    queue. The record keeps what it was doing (``interrupted``) for :func:`import_restart`, and the
    dead task's queue row is deleted so that it is never run again. Called when an import's page,
    its progress or the history is read, and every few minutes by django-q2's schedule.
    """
    now = now or timezone.now()
    failed = {"status": S.FAILED, "interrupted": F("status"), "message": INTERRUPTED, "finished_at": now}
    return liveness.fail_dead(
        ImportRecord.objects.all() if records is None else records,
        running=RUNNING,
        failed=failed,
        now=now,
        then=lambda record: logger.warning("import %s: its worker died, marked failed", record.pk),
    )


def import_restart(record: ImportRecord) -> ImportRecord:
    """Start again the check or the write of an import whose worker died (the checks run again)."""
    if not record.can_restart:
        raise ImportRefused(_("这次导入不能重新开始。"), "not_interrupted")
    _file(record)
    claimed = ImportRecord.objects.filter(
        pk=record.pk, status=S.FAILED, interrupted=record.interrupted
    ).update(message="", finished_at=None)
    if not claimed:
        raise ImportRefused(_("这次导入已经重新开始。"), "restarted")
    return _run_or_queue(record, dry_run=record.interrupted == S.CHECKING)


def remove_file(record: ImportRecord) -> None:
    if record.file_path:
        Path(record.file_path).unlink(missing_ok=True)
        # The preview's rows are the file's: they go with it.
        ImportRecord.objects.filter(pk=record.pk).update(file_path="", preview={})


#: An upload nobody confirmed or abandoned is removed after this long.
STALE_UPLOAD = dt.timedelta(days=2)


def import_purge(*, now: dt.datetime | None = None) -> int:
    """Remove uploaded files of imports left unconfirmed for ``STALE_UPLOAD``; return how many."""
    now = now or timezone.now()
    stale = ImportRecord.objects.filter(created_at__lt=now - STALE_UPLOAD).exclude(file_path="")
    count = 0
    for record in stale:
        remove_file(record)
        if record.status in ABANDONABLE:
            ImportRecord.objects.filter(pk=record.pk).update(
                status=ImportRecord.Status.ABANDONED, message=_("上传后两天内没有确认，文件已删除。")
            )
        count += 1
    return count


def import_upload(
    *, user: Any, importer_class: type[Importer], village: Any, year: int | None, upload: Any
) -> ImportRecord:
    """Keep an uploaded file and check it (the preview); big files are checked in the background."""
    import_purge()
    name = Path(getattr(upload, "name", "") or _("上传.xlsx")).name[:255]
    record = ImportRecord(
        user=user,
        requested_by=actor_name(user),
        ledger=importer_class.name,
        title=importer_class.title,
        village=village,
        year=year if importer_class.yearly else None,
        file_name=name,
        file_size=getattr(upload, "size", None),
    )
    limit = max_bytes()
    if record.file_size is not None and record.file_size > limit:
        record.status = ImportRecord.Status.REFUSED
        record.message = _("文件太大：%(size)s MB，上限 %(limit)s MB。请分成几个文件上传。") % {
            "size": f"{record.file_size / MB:.1f}",
            "limit": f"{limit / MB:g}",
        }
        record.finished_at = timezone.now()
        record.save()
        return record
    if not name.lower().endswith(".xlsx"):
        record.status = ImportRecord.Status.REFUSED
        record.message = not_xlsx_name(name)
        record.finished_at = timezone.now()
        record.save()
        return record
    path = import_dir() / f"{uuid.uuid4().hex}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            out.write(chunk)
    record.file_path = str(path)
    record.file_size = path.stat().st_size
    record.background = record.file_size > background_bytes()
    record.save()
    return _run_or_queue(record, dry_run=True)


def import_remap(record: ImportRecord, mapping: dict[str, int]) -> ImportRecord:
    """Check the uploaded file again with the user's column mapping."""
    record.mapping = mapping
    record.errors = []
    record.error_count = 0
    record.save(update_fields=["mapping", "errors", "error_count"])
    return _run_or_queue(record, dry_run=True)


def import_confirm(record: ImportRecord) -> ImportRecord:
    """Write a checked import: the checks run again and everything is written in one transaction."""
    if record.status != ImportRecord.Status.CHECKED:
        raise ImportRefused(_("这次导入还没有通过检查，不能确认。"), "not_checked")
    return _run_or_queue(record, dry_run=False)


def import_abandon(record: ImportRecord) -> bool:
    """Abandon a checked, invalid or failed import: its file is deleted; return whether it was."""
    abandoned = ImportRecord.objects.filter(pk=record.pk, status__in=ABANDONABLE).update(
        status=S.ABANDONED, finished_at=timezone.now()
    )
    if abandoned:
        remove_file(record)
    return bool(abandoned)
