"""Background tasks of the exports, run by django-q2's cluster (``manage.py qcluster``)."""

from __future__ import annotations

import logging

from federation.ledgers.exports.registry import get_ledger
from federation.ledgers.exports.services import export_run
from federation.ledgers.models import ExportRecord

logger = logging.getLogger(__name__)


def run_export(record_id: int, token: str = "") -> int:
    """Build the file of a queued export as the user who asked for it; return the rows written.

    The user's role and scope are read again now: a user deactivated or moved since she asked
    gets what she may see now, or nothing. Nothing is done when the record no longer waits for this
    attempt (``token``): a task handed out again after its worker died, once the export was failed.
    """
    record = ExportRecord.objects.select_related("user").get(pk=record_id)
    if record.status != ExportRecord.Status.QUEUED or (token and record.task_token != token):
        logger.info("export %s: an attempt it no longer waits for, nothing done", record_id)
        return 0
    ledger = get_ledger(record.ledger)
    user = record.user
    if ledger is None or user is None or not user.is_active:
        record.status = ExportRecord.Status.FAILED
        record.error = "导出人或台账已不存在。"
        record.save(update_fields=["status", "error"])
        return 0
    record = export_run(record=record, ledger=ledger, user=user)
    return record.rows_done
