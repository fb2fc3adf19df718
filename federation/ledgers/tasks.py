"""The ledger framework's own background job: fail the imports and exports whose worker died.

Run every 5 minutes by django-q2's scheduler (the schedule 台账后台任务检查, made by migration
``ledgers.0003_task_heartbeat``; its interval can be changed in the admin). The pages of an import or
an export make the same check when they are read, so a user never waits for the schedule; the
schedule fails the records nobody looks at and deletes their dead tasks' queue rows. It runs once
at the cluster's start as well (a schedule missed while the cluster was down runs then).
"""

from __future__ import annotations

from federation.ledgers.exports.services import export_fail_dead
from federation.ledgers.imports.services import import_fail_dead

#: The name of the schedule (django_q.models.Schedule) that runs :func:`fail_dead_tasks`.
SCHEDULE_NAME = "台账后台任务检查"


def fail_dead_tasks() -> int:
    """Mark failed every import and export whose worker died; return how many."""
    return import_fail_dead() + export_fail_dead()
