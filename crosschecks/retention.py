"""How long a department's list is kept: ``CROSSCHECK_RETENTION_DAYS`` days after its upload (365 by
default), then deleted with its rows and differences by a daily task (django-q schedule 比对名单清理,
made after ``migrate`` as the core's own daily tasks are). Each deletion is recorded in the access
log (比对名单到期删除), by the system: no user, no address. Their history rows go with them, and the
核实无误 checks that no list holds any more once they are as old.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from crosschecks.models import DepartmentList, Difference, DifferenceCheck
from federation.core.models import AccessRecord
from federation.core.schedules import schedule_daily

PRUNE_SCHEDULE = "比对名单清理"
SYSTEM = "系统（到期清理）"


def retention_days() -> int:
    """Return how many days a list is kept after its upload (the setting; at least one)."""
    return max(1, int(getattr(settings, "CROSSCHECK_RETENTION_DAYS", 365)))


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete the lists uploaded more than ``retention_days()`` ago, with their rows and differences,
    and the 核实无误 checks no list holds any more and older than that; record each list deleted in
    the access log. Return how many lists went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    content_type = ContentType.objects.get_for_model(DepartmentList)
    deleted = 0
    for lst in DepartmentList.objects.filter(uploaded_at__lt=cutoff).order_by("pk"):
        with transaction.atomic():
            AccessRecord.objects.create(
                user=None,
                username=SYSTEM,
                kind=AccessRecord.Kind.CROSSCHECK_DELETED,
                content_type=content_type,
                object_id=lst.pk,
                path="",
            )
            pk = lst.pk
            lst.delete()
            # Its history goes with it (the deletion's own rows too): the old versions hold the same
            # names and numbers.
            Difference.history.filter(department_list_id=pk).delete()
            DepartmentList.history.filter(id=pk).delete()
        deleted += 1
    stale = DifferenceCheck.objects.filter(checked_at__lt=cutoff, differences__isnull=True)
    stale_ids = list(stale.values_list("pk", flat=True))
    DifferenceCheck.objects.filter(pk__in=stale_ids).delete()
    DifferenceCheck.history.filter(id__in=stale_ids).delete()
    return deleted


def schedule_pruning() -> None:
    """Make sure the daily pruning is scheduled in django-q (once; an administrator's changes stay)."""
    schedule_daily(PRUNE_SCHEDULE, "crosschecks.retention.prune")
