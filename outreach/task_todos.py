"""The tasks from above on the homes and in the reminders.

A unit's home (a director's, the township's) lists its own tasks still to hand in; a setter's (the
township's, the county's) the units past a task's due date without a hand-in. Before the due date,
the reminders (``federation.core.reminders``, on the days of ``YearSettings.reminder_days``) go to
the users of each unit that has not handed in yet: a village's directors, a township's staff and chair.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from federation.core.reminders import Due, add_source, who_answers
from federation.core.roles import Level
from federation.core.scoping import membership_of
from federation.web.pages import HomeSection, add_home_section
from outreach.models import Task, TaskAssignment
from outreach.task_selectors import assignment_status, open_own_assignments


def tasks_todo(*, user, today: dt.date, **_kwargs) -> dict | None:
    """Return the user's own unit's tasks to hand in, and the units late on the tasks her unit set."""
    if not user.has_perm("outreach.view_taskassignment"):
        return None
    own = [(a, assignment_status(a, today=today)) for a in open_own_assignments(user)]
    late = _late_below(user, today)
    if not own and not late:
        return None
    return {"own": own, "late": late, "count": len(own) + len(late)}


def _late_below(user, today: dt.date) -> list[TaskAssignment]:
    """Return the hand-ins past their due date, still open, of the tasks ``user``'s unit set."""
    membership = membership_of(user)
    if membership is None or membership.level == Level.VILLAGE:
        return []
    set_here = Task.objects.editable_by(user)
    rows = (
        TaskAssignment.objects.for_user(user)
        .filter(task__in=set_here.values("pk"), done_at__isnull=True, task__due_on__lt=today)
        .select_related("task", "village", "township")
        .order_by("task__due_on", "task_id", "township__code", "village__code")
    )
    return list(rows[:30])


for _level in ("village", "township"):
    add_home_section(
        HomeSection(
            f"outreach.tasks_todo.{_level}",
            _level,
            "todo",
            15,
            "outreach/home/_tasks_todo.html",
            tasks_todo,
            permissions=("outreach.view_taskassignment",),
        )
    )


def tasks_due(*, today: dt.date, until: dt.date) -> list[Due]:
    """Return each open hand-in of a task due after ``today`` and by ``until``: one item a unit, to
    its users (a village's directors, a township's staff and chair)."""
    open_parts = (
        TaskAssignment.objects.filter(
            deleted_at__isnull=True,
            done_at__isnull=True,
            task__deleted_at__isnull=True,
            task__due_on__gt=today,
            task__due_on__lte=until,
        )
        .select_related("task")
        .order_by("pk")
    )
    directors, township_users = who_answers()
    items = []
    for part in open_parts:
        users = (
            directors.get(part.village_id, ())
            if part.village_id
            else township_users.get(part.township_id, ())
        )
        items.append(
            Due(
                key=f"task:{part.task_id}:{part.pk}",
                due_on=part.task.due_on,
                user_ids=tuple(users),
                message=_task_message(part.task.title, part.task.due_on, village=bool(part.village_id)),
                url=reverse("outreach:task_hand_in", args=[part.pk]),
            )
        )
    return items


def _task_message(title: str, due_on: dt.date, *, village: bool):
    unit = _("本村") if village else _("本乡镇")
    return lambda days: (
        _("交办任务“%(title)s”%(month)d月%(day)d日截止，还有 %(days)d 天，%(unit)s还没有上报。")
        % {"title": title, "month": due_on.month, "day": due_on.day, "days": days, "unit": unit}
    )


add_source("outreach.tasks", tasks_due)
