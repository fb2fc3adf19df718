"""The tasks grid (上级交办任务完成情况表) and the deadlines grid (台账上报情况表) in the county's layout.

The grid's columns are the year's tasks, as many as were set: a county-format table has fixed
columns, so the ledger writes the grid one cell a row (task by task, unit by unit), with the same
statuses the grid shows, from the same selector (``task_selectors.grid_tasks``) through the scope.
The deadlines grid (village × register of a year) is written the same way, one cell a row, from the
selector of its page (``selectors.report_table``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.models import Village
from federation.ledgers.exports import Column, Kind, Ledger, Table, Total
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.registry import register
from federation.ledgers.model_ledgers import model_ledger
from outreach import selectors
from outreach.models import RegisterReport, Task, TaskAssignment
from outreach.rules import ReportStatus
from outreach.task_selectors import assignment_status, grid_tasks

#: What a cell of the grid says, in the export's words.
STATUS_TEXT = {
    ReportStatus.ON_TIME: "已完成",
    ReportStatus.LATE: "逾期完成",
    ReportStatus.OVERDUE: "逾期未完成",
    ReportStatus.OPEN: "未到期限",
}

TASKS = Table(
    title=_("上级交办任务完成情况表"),
    columns=(
        Column("task", _("任务"), width=18, wrap=True),
        Column("document", _("文件文号"), width=14, wrap=True),
        Column("setter", _("交办单位"), width=9),
        Column("due_on", _("完成期限"), Kind.DATE),
        Column("unit", _("承办单位"), width=10),
        Column("status", _("完成情况"), width=10),
        Column("done_on", _("完成日期"), Kind.DATE),
        Column("number", _("上报数字"), width=14, wrap=True),
        Column("text", _("完成情况说明"), width=26, wrap=True),
        Column("file", _("上报文件"), width=8, total=Total.COUNT),
    ),
    count_unit="项",
    landscape=True,
    notes=(
        "完成上级交办的其他各项任务（2014 年工作要点第 12 条）；一个承办单位的一项任务一行。",
        lambda ctx: (
            f"完成情况按 {timezone.localdate():%Y年%m月%d日} 计："
            "期限当天及以前上报为已完成，期限以后上报为逾期完成；"
            "未上报的，期限当天及以前为未到期限，期限第二天起为逾期未完成。"
        ),
    ),
)


def tasks_queryset(user: Any, filters: ExportFilters) -> QuerySet[TaskAssignment]:
    """Return the hand-ins of the grid's tasks of the year, through the scope, task by task."""
    year = filters.year or timezone.localdate().year
    township = None
    if filters.township_id:
        from federation.core.models import Township

        township = Township.objects.for_user(user).filter(pk=filters.township_id).first()
    tasks = grid_tasks(user=user, year=year, township=township)
    qs = TaskAssignment.objects.for_user(user).filter(task__in=tasks.values("pk"))
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    return qs.select_related("task__township", "village", "township").order_by(
        "task__due_on", "task_id", "township__code", "village__code", "pk"
    )


def task_rows(qs: QuerySet[TaskAssignment], ctx: ExportContext) -> Iterator[dict[str, Any]]:
    today = timezone.localdate()
    for assignment in qs.iterator(chunk_size=2000):
        task: Task = assignment.task
        number = ""
        if assignment.number is not None:
            number = f"{task.number_label}：{assignment.number.normalize():f}"
        yield {
            "task": task.title,
            "document": task.document,
            "setter": task.setter_name,
            "due_on": task.due_on,
            "unit": assignment.unit_name,
            "status": STATUS_TEXT[assignment_status(assignment, today=today)],
            "done_on": assignment.done_on,
            "number": number,
            "text": assignment.text,
            "file": "有" if assignment.file else "",
        }


def _grid_ledger(model: Any, name: str, layout: Table, queryset: Any, rows: Any, page: str) -> Ledger:
    """Return the ledger ``name`` of a grid written one cell a row, exported from ``outreach:<page>`` as
    one table of its units (township and villages), not a book per village."""
    return model_ledger(
        model, name, layout, queryset, rows=rows, list_views=(f"outreach:{page}",), pdf_per_village=False
    )


TASKS_LEDGER = _grid_ledger(TaskAssignment, "tasks", TASKS, tasks_queryset, task_rows, "task_list")


# -- 台账上报情况表 (the deadlines grid) ------------------------------------------------------------------

DEADLINES = Table(
    title=_("台账上报情况表"),
    columns=(
        Column("village", _("村"), width=12),
        Column("register", _("台账"), width=18, wrap=True),
        Column("due_on", _("上报期限"), Kind.DATE),
        Column("status", _("完成情况"), width=10),
        Column("reported_on", _("上报日期"), Kind.DATE),
        Column("reported_by", _("上报人"), width=9),
    ),
    count_unit="项",
    landscape=False,
    notes=(
        "各村各台账的上报期限（2014 年工作要点：儿童、留守妇女、贫困妇女、志愿者登记 3 月 18 日前，"
        "妇女基本信息台账 3 月 30 日前）；一个村的一本台账一行。",
        lambda ctx: (
            f"完成情况按 {timezone.localdate():%Y年%m月%d日} 计：期限当天及以前上报为按时上报，"
            "以后上报为逾期上报；未上报的，期限当天及以前为待上报，期限第二天起为逾期未报。"
        ),
    ),
)


def deadlines_queryset(user: Any, filters: ExportFilters) -> QuerySet[Village]:
    """Return the villages of the grid (one block of rows each), through the scoping rule."""
    qs = Village.objects.for_user(user).select_related("township")
    if filters.village_id:
        qs = qs.filter(pk=filters.village_id)
    return qs.order_by("code")


def deadline_rows(qs: QuerySet[Village], ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """Yield each village's registers as the grid shows them (``selectors.report_table``)."""
    table = selectors.report_table(user=ctx.user, year=ctx.year, villages=list(qs))
    for village, cells in table.rows:
        for cell in cells:
            report = cell.report
            by = report.reported_by if report is not None else None
            yield {
                "village": village.name,
                "register": str(cell.label),
                "due_on": cell.due_on,
                "status": str(cell.status.label),
                "reported_on": report.reported_on if report is not None else None,
                "reported_by": (by.first_name or by.username) if by is not None else "",
            }


DEADLINES_LEDGER = register(
    _grid_ledger(RegisterReport, "deadlines", DEADLINES, deadlines_queryset, deadline_rows, "report_list")
)
