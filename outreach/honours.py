"""The township's steps of 寻找"最美家庭", the lists they read, and the printed notice.

Each step is one function, atomic, that checks the permission (``REVIEW_HONOURS``: the township
roles) and the write scope (``domain_record_save`` → ``require_in_scope``), locks the rows it moves
and keeps their history. The rules are ``outreach.honour_rules``; a step refused raises
``ValidationError`` with every reason, which the pages show.

proposed (村推荐) → declined (未入选) | in notice (公示中) → confirmed (已确认) | withdrawn (异议成立).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core.models import Township
from federation.core.services import domain_record_save
from federation.ledgers.exports.pdf import FONT_FAMILY, LedgerHTML
from outreach.honour_rules import confirm_problems, family_problems, notice_days
from outreach.models import (
    REVIEW_HONOURS,
    HonourNomination,
    HonourNotice,
    HonourObjection,
    NominationStatus,
    RedBannerAward,
)
from registry.selectors import filter_given


def _may_review(user) -> None:
    if not user.has_perm(REVIEW_HONOURS):
        raise PermissionDenied(_("只有乡镇妇联可以审核、公示和确认最美家庭。"))


def _locked(nomination: HonourNomination) -> HonourNomination:
    return HonourNomination.objects.select_for_update().get(pk=nomination.pk)


# --- reads --------------------------------------------------------------------------------------------


def nomination_list(
    *, user, search: str = "", year: int | None = None, status: str = ""
) -> QuerySet[HonourNomination]:
    """Return the proposals ``user`` sees (of ``year``, of ``status``), searched by a member or 户号."""
    qs = HonourNomination.objects.for_user(user).select_related("village", "household__group", "notice")
    search = search.strip()
    if search:
        qs = qs.filter(Q(household__members__name__contains=search) | Q(household__number=search)).distinct()
    return (
        filter_given(qs, year=year, status=status)
        .prefetch_related("household__members")
        .order_by("village__code", "household__group_number", "household__number", "pk")
    )


def award_list(
    *, user, search: str = "", year: int | None = None, kind: str = "", level: str = ""
) -> QuerySet[RedBannerAward]:
    """Return the awards ``user`` sees (of ``year``, ``kind``, ``level``), searched by name or unit."""
    qs = RedBannerAward.objects.for_user(user).select_related("township", "village", "person")
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__contains=search) | Q(work_unit__contains=search) | Q(document__contains=search)
        )
    return filter_given(qs, year=year, kind=kind, level=level).order_by(
        "-year", "kind", "township__code", "village__code", "pk"
    )


def notices_of(*, user) -> QuerySet[HonourNotice]:
    """Return the notices ``user`` sees, latest first."""
    return HonourNotice.objects.for_user(user).select_related("township").order_by("-starts_on", "-pk")


def publishable(*, user, year: int) -> QuerySet[HonourNomination]:
    """Return the proposals of ``year`` the township may put on a notice (still proposals)."""
    return (
        HonourNomination.objects.for_user(user)
        .filter(year=year, status=NominationStatus.PROPOSED)
        .select_related("village", "household__group")
        .prefetch_related("household__members")
        .order_by("village__code", "household__group_number", "household__number")
    )


def nomination_checks(*, nomination: HonourNomination, on: dt.date | None = None) -> list[str]:
    """Return what the seed's conditions find against the family now (``on``: today), each in words."""
    on = on or timezone.localdate()
    return [p.message for p in family_problems(household=nomination.household, on=on)]


# --- the steps -----------------------------------------------------------------------------------------


def nomination_decline(*, user, nomination: HonourNomination, reason: str) -> HonourNomination:
    """The township does not choose a proposal (未入选), saying why; return it."""
    _may_review(user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请写明未入选的原因。")})
    with transaction.atomic():
        record = _locked(nomination)
        if record.status != NominationStatus.PROPOSED:
            raise ValidationError(_("只有村推荐、还没有公示的家庭可以不入选。"))
        record.status, record.decision_note = NominationStatus.DECLINED, reason[:200]
        return domain_record_save(user=user, instance=record, reason=_("未入选"))


def notice_publish(
    *,
    user,
    township: Township,
    year: int,
    nominations: Iterable[HonourNomination],
    starts_on: dt.date,
    days: int | None = None,
    phone: str = "",
) -> HonourNotice:
    """Put the chosen proposals of ``township`` on a notice from ``starts_on`` for ``days`` days
    (the year's setting by default); return the notice.

    Each family is judged again by the seed's conditions on the notice's first day: one that fails
    now is named and nothing is published.
    """
    _may_review(user)
    chosen = list(nominations)
    if not chosen:
        raise ValidationError({"nominations": _("请至少选一户公示。")})
    with transaction.atomic():
        notice = HonourNotice(
            township=township,
            year=year,
            starts_on=starts_on,
            days=days or notice_days(year=year),
            phone=phone,
        )
        notice = domain_record_save(user=user, instance=notice, reason=_("发布公示"))
        problems: list[str] = []
        locked = []
        for nomination in chosen:
            record = _locked(nomination)
            if record.status != NominationStatus.PROPOSED or record.year != year:
                problems.append(_("%(family)s不是本年度待公示的推荐。") % {"family": record.family_label})
                continue
            if record.village.township_id != township.pk:
                problems.append(
                    _("%(family)s不是%(township)s的。")
                    % {"family": record.family_label, "township": township.name}
                )
                continue
            problems += [p.message for p in family_problems(household=record.household, on=starts_on)]
            locked.append(record)
        if problems:
            raise ValidationError({"nominations": problems})
        for record in locked:
            record.status, record.notice = NominationStatus.IN_NOTICE, notice
            domain_record_save(user=user, instance=record, reason=_("公示"))
    return notice


def objection_record(
    *, user, objection: HonourObjection, expected_version: int | None = None
) -> HonourObjection:
    """Record an objection to a family on a notice, or its handling; return it.

    An objection found true (异议成立) withdraws the family from the notice; one found untrue leaves
    it on. The rules are the objection's (``honour_rules.objection_problems``).
    """
    _may_review(user)
    with transaction.atomic():
        nomination = _locked(objection.nomination)
        if nomination.status not in (NominationStatus.IN_NOTICE, NominationStatus.WITHDRAWN):
            raise ValidationError(_("只有公示中的家庭可以登记或处理异议。"))
        objection = domain_record_save(user=user, instance=objection, expected_version=expected_version)
        upheld = HonourObjection.objects.filter(
            nomination=nomination, outcome=HonourObjection.Outcome.UPHELD
        ).exists()
        status = NominationStatus.WITHDRAWN if upheld else NominationStatus.IN_NOTICE
        if nomination.status != status:
            nomination.status = status
            nomination.decision_note = objection.handling[:200] if upheld else ""
            domain_record_save(user=user, instance=nomination, reason=str(objection.get_outcome_display()))
    return objection


def notice_confirm(*, user, notice: HonourNotice, on: dt.date | None = None) -> int:
    """Confirm the families of ``notice`` still on it, from the day after its last (``on``: today);
    return how many. Refused while it runs or an objection waits (every reason named)."""
    _may_review(user)
    on = on or timezone.localdate()
    with transaction.atomic():
        notice = HonourNotice.objects.select_for_update().get(pk=notice.pk)
        problems = confirm_problems(notice=notice, on=on)
        if problems:
            raise ValidationError([p.message for p in problems])
        notice.confirmed_on = on
        domain_record_save(user=user, instance=notice, reason=_("确认"))
        confirmed = 0
        for nomination in notice.nominations.select_for_update().filter(status=NominationStatus.IN_NOTICE):
            nomination.status, nomination.confirmed_on = NominationStatus.CONFIRMED, on
            domain_record_save(user=user, instance=nomination, reason=_("确认"))
            confirmed += 1
    return confirmed


# --- the printed notice ------------------------------------------------------------------------------------


def render_notice_pdf(*, notice: HonourNotice, user) -> bytes:
    """Return the notice (公示) as PDF bytes in the county's layout: A4 portrait, the CJK font embedded.

    It lists the families on it that ``user`` sees (a notice is public in its township), withdrawn
    ones left out, each with its village, its headings and its story.
    """
    families = (
        notice.nominations.filter(pk__in=HonourNomination.objects.for_user(user).values("pk"))
        .exclude(status=NominationStatus.WITHDRAWN)
        .select_related("village", "household__group")
        .prefetch_related("household__members")
        .order_by("village__code", "household__group_number", "household__number")
    )
    html = render_to_string(
        "outreach/honour_notice_pdf.html",
        {
            "font_family": FONT_FAMILY,
            "landscape": False,
            "notice": notice,
            "families": families,
        },
    )
    return LedgerHTML(string=html).write_pdf()
