"""Tasks from above (上级交办任务; seed, 2014 plan item 12, and the county's work plans).

The county sets a task for its townships, a township for its villages: a title, what to do, the
document it comes from (凉妇发(2014)11号), a due date and what each unit hands in (a number, a file,
a text: one or more). Each unit it is set for has a :class:`TaskAssignment`, its hand-in: open until
the unit marks it done with what it hands in; a hand-in after the due date is recorded as late.

Scope: a unit sees the tasks set for it, the setter the units' hand-ins (``TaskQuerySet``,
``TaskAssignmentQuerySet``); the rules are the plain functions below, which the models' ``clean()``,
the forms and the services call.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import amount_field, link_field, township_field, user_field, village_field
from federation.core.models import (
    County,
    DetailPage,
    DomainModel,
    Membership,
    raise_problems,
    soft_delete_managers,
    unique_among_alive,
)
from federation.core.roles import Level
from federation.core.rules import Problem
from federation.core.scoping import membership_of, sees_everything
from federation.core.uploads import EXTENSIONS
from outreach.models.base import OutreachQuerySet, TownshipLevelQuerySet, UnitRecord

#: The permission of the county viewer to set tasks for her townships (given by 0009_tasks); she
#: stays read-only everywhere else.
SET_COUNTY_TASKS = "outreach.set_county_tasks"
#: The township's permission to set tasks for its villages.
SET_TOWNSHIP_TASKS = "outreach.add_task"


# --- the rules ------------------------------------------------------------------------------------


def task_problems(*, asks_number: bool, number_label: str, asks_file: bool, asks_text: bool) -> list[Problem]:
    """Return what is wrong with what a task asks each unit to hand in: at least one thing (a
    number, a file, a text), and a number says what it counts."""
    problems = []
    if not (asks_number or asks_file or asks_text):
        message = _("请至少选一项要上报的内容：数字、文件或文字。")
        problems.append(Problem("asks_nothing", message, "asks_number"))
    if asks_number and not (number_label or "").strip():
        problems.append(
            Problem("number_unnamed", _("要上报数字时，请写明是什么数字（如：参加人数）。"), "number_label")
        )
    return problems


def hand_in_problems(*, task: Task, number: Decimal | None, text: str, has_file: bool) -> list[Problem]:
    """Return what is missing from a hand-in: each thing the task asks for (its number, its file, its
    text); a number is never below zero."""
    problems = []
    if task.asks_number:
        if number is None:
            message = _("请填写%(label)s（数字）。") % {"label": task.number_label}
            problems.append(Problem("number_missing", message, "number"))
        elif number < 0:
            problems.append(Problem("number_negative", _("数字不能小于 0。"), "number"))
    if task.asks_file and not has_file:
        problems.append(Problem("file_missing", _("请上传要交的文件（PDF、JPG 或 PNG）。"), "file"))
    if task.asks_text and not (text or "").strip():
        problems.append(Problem("text_missing", _("请填写完成情况（文字）。"), "text"))
    return problems


def handed_in_late(*, due_on: dt.date, done_on: dt.date) -> bool:
    """Return whether a hand-in on ``done_on`` is late: after the due date (on the day is on time)."""
    return done_on > due_on


# --- the models -----------------------------------------------------------------------------------


class TaskQuerySet(OutreachQuerySet):
    """The tasks a user sees: those set for her unit, and those her unit (or one below it) set.

    A director: the tasks with a hand-in of her village. The township: the tasks it set and those
    the county set for it. The county viewer: every task of her county. Deny by default.
    """

    def for_user(self, user) -> TaskQuerySet:
        return self._by_membership(user, self._seen_by)

    def editable_by(self, user) -> TaskQuerySet:
        """Return the tasks ``user`` may change: those her own unit set (county or township)."""
        return self._by_membership(user, lambda membership: self._editable_by(user, membership))

    def _by_membership(self, user, rows: Callable[[Membership], TaskQuerySet]) -> TaskQuerySet:
        """Return every task for the administrator, none for a user without a membership, and
        ``rows(membership)`` for a member."""
        if sees_everything(user):
            return self
        membership = membership_of(user)
        if membership is None:
            return self.none()
        return rows(membership)

    def _seen_by(self, membership: Membership) -> TaskQuerySet:
        open_for = TaskAssignment.objects.filter(deleted_at__isnull=True)
        if membership.level == Level.VILLAGE:
            mine = open_for.filter(village_id=membership.village_id)
            return self.filter(pk__in=mine.values("task_id"))
        if membership.level == Level.TOWNSHIP:
            for_township = open_for.filter(village__isnull=True, township_id=membership.township_id)
            return self.filter(
                Q(township_id=membership.township_id) | Q(pk__in=for_township.values("task_id"))
            )
        if membership.level == Level.COUNTY:
            return self.filter(county_id=membership.county_id)
        return self.none()

    def _editable_by(self, user, membership: Membership) -> TaskQuerySet:
        if membership.level == Level.TOWNSHIP and user.has_perm(SET_TOWNSHIP_TASKS):
            return self.filter(township_id=membership.township_id)
        if membership.level == Level.COUNTY and user.has_perm(SET_COUNTY_TASKS):
            return self.filter(county_id=membership.county_id, township__isnull=True)
        return self.none()


class Task(DetailPage, DomainModel):
    """A task set from above: by the county (``township`` empty) for townships, or by a township for
    its villages."""

    detail_url = "outreach:task_detail"

    # A task reaches no village of its own: its scope is ``TaskQuerySet``, its write side the setter's
    # (``outreach.task_services``). As a township-level record the core's write check knows a
    # township's own tasks.
    scope_path = "village_of_task"
    township_path = "township"

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("县"))
    township = township_field(
        "tasks_set", verbose_name=_("交办单位"), optional=True, help_text=_("空着表示县妇联交办。")
    )
    title = models.CharField(_("任务"), max_length=100)
    instructions = models.TextField(_("工作要求"), blank=True)
    document = models.CharField(
        _("文件文号"), max_length=60, blank=True, help_text=_("如：凉妇发(2014)11号；口头交办可空着。")
    )
    due_on = models.DateField(_("完成期限"))
    asks_number = models.BooleanField(_("上报数字"), default=False)
    number_label = models.CharField(
        _("数字名称"), max_length=40, blank=True, help_text=_("如：参加人数、发放份数。")
    )
    asks_file = models.BooleanField(_("上报文件"), default=False, help_text=_("PDF、JPG 或 PNG，最大 5 MB。"))
    asks_text = models.BooleanField(_("上报文字"), default=False, help_text=_("完成情况的文字说明。"))
    set_by = user_field(_("布置人"))

    objects, all_objects = soft_delete_managers(TaskQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = _("上级交办任务")
        ordering = ["-due_on", "-pk"]
        permissions = [(SET_COUNTY_TASKS.split(".")[1], _("县妇联向乡镇交办任务"))]
        indexes = [models.Index(fields=["county", "due_on"], name="task_county_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def village_of_task(self) -> None:
        """A task belongs to no village (see ``scope_path``)."""
        return None

    @property
    def setter_name(self) -> str:
        """Return who set it: the township's name, else 县妇联."""
        return self.township.name if self.township_id else str(_("县妇联"))

    @property
    def for_townships(self) -> bool:
        """Return True for a county's task (its units are townships)."""
        return self.township_id is None

    def asks(self) -> list[str]:
        """Return what each unit hands in, in words."""
        parts = []
        if self.asks_number:
            parts.append(str(self.number_label or _("数字")))
        if self.asks_file:
            parts.append(str(_("文件")))
        if self.asks_text:
            parts.append(str(_("文字说明")))
        return parts

    def clean(self) -> None:
        problems = task_problems(
            asks_number=self.asks_number,
            number_label=self.number_label,
            asks_file=self.asks_file,
            asks_text=self.asks_text,
        )
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            problems.append(Problem("other_county", _("这个乡镇不属于本县。"), "township"))
        raise_problems(problems, field="__all__")


class TaskAssignmentQuerySet(TownshipLevelQuerySet):
    """The hand-ins a user sees: her village's, the villages' of her township and her township's
    own (a county's task), every one of her county; of tasks not deleted. A director never sees a
    township's hand-in."""

    def for_user(self, user) -> TaskAssignmentQuerySet:
        qs = super().for_user(user).filter(task__deleted_at__isnull=True)
        membership = membership_of(user)
        if membership is not None and membership.level == Level.VILLAGE:
            qs = qs.filter(village__isnull=False)
        return qs


def hand_in_path(instance: TaskAssignment, filename: str) -> str:
    """Return where a handed-in file is stored under MEDIA_ROOT: a random name, never the uploaded one."""
    return f"tasks/{instance.task_id}/{uuid.uuid4().hex}.{EXTENSIONS.get(instance.file_type, 'bin')}"


class TaskAssignment(DetailPage, UnitRecord):
    """One unit's part of a task (a village's, or a township's for a county task) and its hand-in."""

    detail_url = "outreach:task_hand_in"

    task = link_field(Task, "assignments", _("任务"))
    township = township_field("task_assignments")
    village = village_field("task_assignments", optional=True, help_text=_("空着表示交给乡镇本身的任务。"))
    done_at = models.DateTimeField(_("完成上报时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期完成"), default=False)
    handed_in_by = user_field(_("上报人"))
    number = amount_field(
        _("上报数字"),
        MinValueValidator(Decimal("0")),
        MaxValueValidator(Decimal("9999999999")),
        max_digits=12,
    )
    text = models.TextField(_("完成情况"), blank=True)
    file = models.FileField(_("上报文件"), upload_to=hand_in_path, max_length=200, blank=True)
    file_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    file_type = models.CharField(_("文件类型"), max_length=40, blank=True)

    objects, all_objects = soft_delete_managers(TaskAssignmentQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = _("任务完成情况")
        ordering = ["task", "township__code", "village__code"]
        constraints = [
            unique_among_alive(
                ["task", "village"],
                name="taskassignment_once_a_village",
                message=_("这个村已经有这项任务。"),
                village__isnull=False,
            ),
            unique_among_alive(
                ["task", "township"],
                name="taskassignment_once_a_township",
                message=_("这个乡镇已经有这项任务。"),
                village__isnull=True,
            ),
        ]
        indexes = [models.Index(fields=["village", "task"], name="taskassignment_village")]

    def __str__(self) -> str:
        return f"{self.unit_name} · {self.task.title}" if self.task_id else str(self.unit_name)

    @property
    def done_on(self) -> dt.date | None:
        """Return the local (Asia/Shanghai) day of the hand-in, or None while open."""
        return timezone.localdate(self.done_at) if self.done_at else None

    def clean(self) -> None:
        self.refuse_village_of_other_township()
        if self.done_at is None:
            return
        problems = hand_in_problems(
            task=self.task, number=self.number, text=self.text, has_file=bool(self.file)
        )
        raise_problems(problems, field="__all__")
