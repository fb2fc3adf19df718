"""Reads of the tasks from above: the grid unit × task, a unit's open tasks, a task's hand-ins.

A cell's status is the deadlines grid's rule (``outreach.rules.report_status``): handed in by the
due date is done, after it late; not handed in is open up to and on the due date, late (overdue)
from the day after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from federation.core.models import Township
from federation.core.roles import Level
from federation.core.scoping import membership_of
from outreach.models import Task, TaskAssignment
from outreach.rules import LATE_STATUSES, ReportStatus, report_status


def assignment_status(assignment: TaskAssignment, *, today: dt.date) -> ReportStatus:
    """Return a hand-in's status on ``today`` (see the module docstring)."""
    return report_status(due_on=assignment.task.due_on, reported_on=assignment.done_on, today=today)


@dataclass(frozen=True)
class TaskCell:
    """One unit's part of one task in the grid: its hand-in and status on the grid's day."""

    assignment: TaskAssignment
    status: ReportStatus

    @property
    def is_late(self) -> bool:
        return self.status in LATE_STATUSES

    @property
    def is_done(self) -> bool:
        return self.assignment.done_at is not None


@dataclass
class TaskGrid:
    """The units × tasks of a year: ``rows`` are (unit, cells), None where a task is not the unit's."""

    year: int
    today: dt.date
    tasks: list[Task]
    rows: list[tuple[Any, list[TaskCell | None]]]

    def count(self, *statuses: str) -> int:
        return sum(1 for _unit, cells in self.rows for cell in cells if cell and cell.status in statuses)

    @property
    def done(self) -> int:
        return sum(1 for _unit, cells in self.rows for cell in cells if cell and cell.is_done)

    @property
    def late(self) -> int:
        """Return how many hand-ins came after the due date (done, but late)."""
        return self.count(ReportStatus.LATE)

    @property
    def overdue(self) -> int:
        """Return how many parts are past their due date and not handed in."""
        return self.count(ReportStatus.OVERDUE)

    @property
    def open(self) -> int:
        return self.count(ReportStatus.OPEN)


def grid_tasks(*, user, year: int, township: Township | None = None) -> QuerySet[Task]:
    """Return the tasks of the grid of ``year`` (by due date) that ``user`` sees, the earliest due first.

    The county viewer reads her own tasks (set for the townships), or with ``township`` the tasks
    that township set for its villages; every other user the tasks she sees (``Task.objects.for_user``).
    """
    tasks = Task.objects.for_user(user).filter(due_on__year=year)
    membership = membership_of(user)
    if township is not None:
        tasks = tasks.filter(township=township)
    elif membership is not None and membership.level == Level.COUNTY:
        tasks = tasks.filter(township__isnull=True)
    return tasks.select_related("township").order_by("due_on", "pk")


def task_grid(*, user, year: int, today: dt.date | None = None, township: Township | None = None) -> TaskGrid:
    """Return the grid unit × task of ``year`` as ``user`` sees it on ``today`` (see ``grid_tasks``).

    Its rows are the units the tasks were set for that she sees: townships first (a county's tasks),
    then villages, each in the order of their codes.
    """
    today = today or timezone.localdate()
    tasks = list(grid_tasks(user=user, year=year, township=township))
    assignments = (
        TaskAssignment.objects.for_user(user)
        .filter(task__in=[task.pk for task in tasks])
        .select_related("village", "township", "handed_in_by")
    )
    by_task = {task.pk: task for task in tasks}
    units: dict[tuple[int, int], Any] = {}
    cells: dict[tuple[tuple[int, int], int], TaskCell] = {}
    for assignment in assignments:
        assignment.task = by_task[assignment.task_id]
        unit = assignment.unit
        key = (1, unit.pk) if assignment.village_id else (0, unit.pk)
        units.setdefault(key, unit)
        cells[(key, assignment.task_id)] = TaskCell(assignment, assignment_status(assignment, today=today))
    ordered = sorted(units, key=lambda key: (key[0], units[key].code))
    rows = [(units[key], [cells.get((key, task.pk)) for task in tasks]) for key in ordered]
    return TaskGrid(year=year, today=today, tasks=tasks, rows=rows)


def own_assignments(user) -> QuerySet[TaskAssignment]:
    """Return the hand-ins of ``user``'s own unit: her village's (a director), her township's own (the
    township's roles: a county's tasks); none for anybody else."""
    membership = membership_of(user)
    qs = TaskAssignment.objects.for_user(user)
    if membership is None:
        return qs.none()
    if membership.level == Level.VILLAGE:
        return qs.filter(village_id=membership.village_id)
    if membership.level == Level.TOWNSHIP:
        return qs.filter(village__isnull=True, township_id=membership.township_id)
    return qs.none()


def open_own_assignments(user) -> list[TaskAssignment]:
    """Return the open hand-ins of ``user``'s own unit, the earliest due first."""
    return list(
        own_assignments(user)
        .filter(done_at__isnull=True)
        .select_related("task", "village", "township")
        .order_by("task__due_on", "task_id")
    )


def task_assignments(*, user, task: Task) -> list[TaskAssignment]:
    """Return the hand-ins of ``task`` that ``user`` sees (the setter: every unit's), in the units' order."""
    return list(
        TaskAssignment.objects.for_user(user)
        .filter(task=task)
        .select_related("village", "township", "handed_in_by")
        .order_by("township__code", "village__code")
    )
