"""Writes of the tasks from above: set (or change) a task with its units, delete it, hand a unit's part in.

Who may set a task is the setter's rule (:func:`require_setter`): the township's roles with
``outreach.add_task`` for the villages of their township, the county viewer with
``outreach.set_county_tasks`` for the townships of her county. A hand-in goes through the core's
write check (``require_in_scope``): a village's by the roles of that village's scope, a township's
(a county task) by the township's roles. Every write keeps its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import history
from federation.core.models import Township, Village
from federation.core.roles import Level
from federation.core.scoping import membership_of, require_in_scope, sees_everything
from federation.core.services import SOFT_DELETE_FIELDS, domain_record_raise_version
from federation.core.uploads import detect_attachment_type
from outreach.models import SET_COUNTY_TASKS, SET_TOWNSHIP_TASKS, Task, TaskAssignment, handed_in_late
from outreach.models.tasks import hand_in_problems

NOT_A_SETTER = _("只有乡镇妇联（为本乡镇的村）和县妇联（为本县的乡镇）可以布置任务。")


def may_set_tasks(user) -> bool:
    """Return whether ``user``'s role may set tasks at all (the 布置任务 button)."""
    membership = membership_of(user)
    if sees_everything(user):
        return True
    if membership is None:
        return False
    if membership.level == Level.TOWNSHIP:
        return user.has_perm(SET_TOWNSHIP_TASKS)
    if membership.level == Level.COUNTY:
        return user.has_perm(SET_COUNTY_TASKS)
    return False


def task_new(*, user) -> Task:
    """Return a new, unsaved task of ``user``'s unit (the county's or her township's)."""
    if not may_set_tasks(user):
        raise PermissionDenied(NOT_A_SETTER)
    membership = membership_of(user)
    if membership is None:  # the superuser without a membership sets nothing through the pages
        raise PermissionDenied(NOT_A_SETTER)
    if membership.level == Level.TOWNSHIP:
        return Task(county_id=membership.township.county_id, township_id=membership.township_id, set_by=user)
    return Task(county_id=membership.county_id, township=None, set_by=user)


def require_setter(user, task: Task) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may set or change ``task``: a township's task by the
    township's roles (the core's write check of a township record), a county's by the county viewer."""
    if sees_everything(user):
        return
    membership = membership_of(user)
    if membership is None:
        raise PermissionDenied(NOT_A_SETTER)
    if task.township_id:
        if membership.level != Level.TOWNSHIP or not user.has_perm(SET_TOWNSHIP_TASKS):
            raise PermissionDenied(NOT_A_SETTER)
        require_in_scope(user, task, NOT_A_SETTER)
        return
    if (
        membership.level != Level.COUNTY
        or not user.has_perm(SET_COUNTY_TASKS)
        or membership.county_id != task.county_id
    ):
        raise PermissionDenied(NOT_A_SETTER)


def unit_choices(user, task: Task):
    """Return the units ``task`` may be set for by ``user``: her township's villages, or her county's
    townships (through the scoping rule)."""
    if task.township_id:
        return Village.objects.for_user(user).filter(township_id=task.township_id).order_by("code")
    return Township.objects.for_user(user).filter(county_id=task.county_id).order_by("code")


def task_save(
    *, user, task: Task, units: Sequence[Village | Township], expected_version: int | None = None
) -> Task:
    """Save ``task`` for ``units`` (villages for a township's task, townships for a county's); return it.

    A unit added gets its open hand-in; a unit taken off loses it, unless it has handed in already
    (refused, naming it). Refused whole, nothing saved, when any unit is not one ``user`` may set it for.
    """
    require_setter(user, task)
    units = list(units)
    if not units:
        raise ValidationError({"units": _("请至少选择一个单位。")})
    allowed = set(unit_choices(user, task).values_list("pk", flat=True))
    kind = Township if task.for_townships else Village
    if any(not isinstance(unit, kind) or unit.pk not in allowed for unit in units):
        raise PermissionDenied(_("只能给本乡镇的村（县妇联：本县的乡镇）布置任务。"))
    with transaction.atomic():
        if task.pk is not None:
            domain_record_raise_version(task, expected_version=expected_version)
        task.full_clean()
        require_setter(user, task)
        history.save(task, actor=user)
        current = {
            (a.village_id if a.village_id else a.township_id): a
            for a in TaskAssignment.objects.filter(task=task).order_by("pk").select_for_update()
        }
        wanted = {unit.pk: unit for unit in units}
        kept_done = [a for pk, a in current.items() if pk not in wanted and a.done_at is not None]
        if kept_done:
            raise ValidationError(
                {
                    "units": _("%(units)s 已经完成上报，不能取消。")
                    % {"units": "、".join(a.unit_name for a in kept_done)}
                }
            )
        for pk, assignment in current.items():
            if pk not in wanted:
                domain_record_raise_version(assignment, expected_version=None)
                assignment.mark_deleted()
                history.save(assignment, actor=user, update_fields=SOFT_DELETE_FIELDS)
        new = [
            TaskAssignment(task=task, village=unit, township_id=unit.township_id)
            if isinstance(unit, Village)
            else TaskAssignment(task=task, village=None, township=unit)
            for pk, unit in wanted.items()
            if pk not in current
        ]
        history.bulk_create(new, actor=user)
    return task


def task_delete(*, user, task: Task) -> None:
    """Soft-delete ``task`` and its hand-ins' place in every list (its history keeps it)."""
    require_setter(user, task)
    with transaction.atomic():
        domain_record_raise_version(task, expected_version=None)
        task.mark_deleted()
        history.save(task, actor=user, update_fields=SOFT_DELETE_FIELDS)


def task_hand_in(
    *,
    user,
    assignment: TaskAssignment,
    number: Decimal | None = None,
    text: str = "",
    upload: UploadedFile | None = None,
    expected_version: int | None = None,
    now=None,
) -> TaskAssignment:
    """Record ``assignment``'s hand-in: what its task asks (number, file, text); return it.

    The first hand-in marks it done at ``now``, late when its day is after the due date (kept so).
    A later one corrects what was handed in and keeps the first's time. Refused (``ValidationError``
    naming every missing or bad part; nothing saved) when the hand-in lacks what the task asks.
    """
    if not user.has_perm("outreach.change_taskassignment"):
        raise PermissionDenied(_("您的角色不能上报任务完成情况。"))
    require_in_scope(user, assignment, _("只能上报本单位的任务。"))
    task = assignment.task
    problems = hand_in_problems(
        task=task, number=number, text=text, has_file=bool(upload) or bool(assignment.file)
    )
    errors: dict[str, list[str]] = {}
    if upload is not None and task.asks_file:
        try:
            assignment.file_type = detect_attachment_type(upload)
        except ValidationError as exc:
            errors["file"] = exc.messages
    for problem in problems:
        if problem.field not in errors:
            errors.setdefault(problem.field or "__all__", []).append(str(problem.message))
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        domain_record_raise_version(assignment, expected_version=expected_version)
        require_in_scope(user, assignment, _("只能上报本单位的任务。"))
        assignment.number = number if task.asks_number else None
        assignment.text = text.strip() if task.asks_text else ""
        if upload is not None and task.asks_file:
            assignment.file_name = (upload.name or "")[-200:]
            assignment.file = upload
        if assignment.done_at is None:
            assignment.done_at = now
            assignment.late = handed_in_late(due_on=task.due_on, done_on=timezone.localdate(now))
        assignment.handed_in_by = user
        assignment.full_clean()
        history.save(assignment, actor=user)
    return assignment
