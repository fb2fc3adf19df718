"""Background tasks of the imports, run by django-q2's cluster (``manage.py qcluster``)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from federation.ledgers.imports.services import run_import_record
from federation.ledgers.models import ImportRecord

logger = logging.getLogger(__name__)


def run_import(record_id: int, dry_run: bool, token: str = "") -> int:
    """Check (``dry_run``) or write a recorded upload; return the rows read.

    Nothing is done when the record no longer waits for this attempt (``token``): a task handed out
    again after its worker died, once the import was marked failed, started again or abandoned.
    """
    record = ImportRecord.objects.select_related("user", "village").get(pk=record_id)
    expected = ImportRecord.Status.CHECKING if dry_run else ImportRecord.Status.IMPORTING
    if record.status != expected or (token and record.task_token != token):
        logger.info("import %s: an attempt it no longer waits for, nothing done", record_id)
        return 0
    if record.user is not None and not record.user.is_active:
        ImportRecord.objects.filter(pk=record.pk).update(
            status=ImportRecord.Status.FAILED, message=_("导入人已停用。")
        )
        return 0
    run_import_record(record, dry_run=dry_run)
    return ImportRecord.objects.get(pk=record_id).rows_total
