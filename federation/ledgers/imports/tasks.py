"""Background tasks of the imports, run by django-q2's cluster (``manage.py qcluster``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from federation.ledgers.imports.services import run_import_record
from federation.ledgers.models import ImportRecord


def run_import(record_id: int, dry_run: bool) -> int:
    """Check (``dry_run``) or write a recorded upload; return the rows read."""
    record = ImportRecord.objects.select_related("user", "village").get(pk=record_id)
    if record.user is not None and not record.user.is_active:
        ImportRecord.objects.filter(pk=record.pk).update(
            status=ImportRecord.Status.FAILED, message=_("导入人已停用。")
        )
        return 0
    run_import_record(record, dry_run=dry_run)
    return ImportRecord.objects.get(pk=record_id).rows_total
