"""Writes of outreach: every save goes through the write scope; reports are marked once."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import history
from federation.core.models import Village
from federation.core.services import domain_record_save
from federation.web.registers import by_deadline_key
from outreach.models import Lecture, RegisterReport, VolunteerActivity, VolunteerMember
from outreach.rules import activity_participant_problems, lecture_attendee_problems
from registry.models import Person


def save_with_related(save, *, user, form, related: str):
    """Save ``form``'s record by the service ``save`` with the people of its field ``related`` (a
    session's ``attendees``, an activity's ``participants``): what a page and the API both do."""
    return save(
        user=user,
        instance=form.save(commit=False),
        expected_version=form.cleaned_data.get("version"),
        **{related: form.cleaned_data.get(related) or []},
    )


def volunteer_activity_save(
    *,
    user,
    instance: VolunteerActivity,
    participants: Iterable[VolunteerMember],
    expected_version: int | None,
    original: VolunteerActivity | None = None,
) -> VolunteerActivity:
    """Save an activity and set its participants, who must be members of its team; return it."""
    participants = list(participants)
    problems = activity_participant_problems(team=instance.team, participants=participants)
    if problems:
        raise ValidationError({"participants": [p.message for p in problems]})
    with transaction.atomic():
        activity = domain_record_save(
            user=user, instance=instance, expected_version=expected_version, original=original
        )
        activity.participants.set(participants)
    return activity


def lecture_save(
    *,
    user,
    instance: Lecture,
    attendees: Iterable[Person],
    expected_version: int | None,
    original: Lecture | None = None,
) -> Lecture:
    """Save a session and set its attendees, each a resident of its organiser; return it.

    The rules of the session are the model's (``Lecture.clean``); those of its attendees are checked
    here again after the write scope, so a forged form cannot list another village's residents.
    """
    attendees = list(attendees)
    problems = lecture_attendee_problems(lecture=instance, attendees=attendees)
    if problems:
        raise ValidationError({"attendees": [p.message for p in problems]})
    with transaction.atomic():
        lecture = domain_record_save(
            user=user, instance=instance, expected_version=expected_version, original=original
        )
        history.attribute(lecture, actor=user)  # the attendees' change is a history row of the session
        lecture.attendees.set(attendees)
    return lecture


def register_report_mark(
    *, user, village: Village, year: int, register: str, now=None
) -> tuple[RegisterReport, bool]:
    """Record that ``village`` has handed in ``register`` of ``year``; return (report, created).

    Only a role allowed to report, for a village of her scope. Marking twice keeps the first
    report: two people pressing at once still make one report (the village row is locked, and
    the unique constraint stands behind the lock).
    """
    if not user.has_perm("outreach.add_registerreport"):
        raise PermissionDenied(_("您的角色不能上报台账。"))
    if by_deadline_key(register) is None:
        raise ValidationError(_("没有这本台账。"))
    with transaction.atomic():
        village = Village.objects.for_user(user).select_for_update().filter(pk=village.pk).first()
        if village is None:
            raise PermissionDenied(_("只能上报本人负责的村的台账。"))
        existing = RegisterReport.objects.filter(village=village, year=year, register=register).first()
        if existing is not None:
            return existing, False
        report = RegisterReport(
            village=village, year=year, register=register, reported_at=now or timezone.now(), reported_by=user
        )
        report.full_clean()
        try:
            with transaction.atomic():
                history.save(report, actor=user)
        except IntegrityError:
            return RegisterReport.objects.get(village=village, year=year, register=register), False
    return report, True
