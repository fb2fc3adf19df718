"""The rules of the honours (``outreach.models.honours``), as plain functions every writer calls.

The models' ``clean()``, the forms, the importer, the API and the township's steps
(``outreach.honours``) all call these. Each ``*_problems`` returns every rule that fails
(``Problem``: a stable code, a Chinese message, the field); an empty list means it may be saved.

What the seed asks of a 最美家庭 (2014 plan 二, 条件和范围 2 and 3) and what the system can know of it:

- 在本州区域内常驻家庭: the household is registered in a village of the installation (not deleted)
  and at least one living member lives here (at home or working inside the county);
- 没有违法违纪…不良行为: no member brought a petition (来信来访) still open, nor a domestic-violence
  case, nor a family-dispute case (婚姻家庭, or any case mediated) received within the last
  ``honour_clean_years`` years (a yearly setting, 3 by default), the day that many years before
  included;
- 在押/涉案: nothing in the registers records a person as held or charged. What they do record is
  checked over the same years: a child of the household on the left-behind children's register
  because a parent is in the detention centre (在看守所), on the hardship register because a parent
  is in prison (服刑), and a visit to a member recorded for a 涉案家庭; a visit recorded for a
  矛盾纠纷家庭 counts as a dispute case.

Petitions are named by date, kind and number, never by their text.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core.rules import Problem, years_before
from outreach.models.base import outreach_settings
from outreach.rules import residence_problems


def clean_record_since(*, on: dt.date) -> dt.date:
    """Return the first day a record blocks a proposal judged ``on``: the day ``honour_clean_years``
    (the year's setting) years before, itself included."""
    return years_before(on, outreach_settings(on.year).honour_clean_years)


def _family_name(household) -> str:
    head = household.head
    return _("户主%(name)s") % {"name": head.name} if head else str(household)


def family_problems(*, household, on: dt.date) -> list[Problem]:
    """Return the seed's conditions the family of ``household`` fails on ``on``, each naming the
    member and the record (see the module docstring)."""
    from outreach.models import PetitionCategory, Visit, VisitedFor
    from outreach.models.petitions import Petition
    from registry.models import AwayReason, HardshipChild, HardshipReason, LeftBehindChild, Person, WorkPlace

    problems: list[Problem] = []
    if household.is_deleted:
        problems.append(Problem("not_registered", _("这一户已注销，不是本县登记的家庭。"), "household"))
        return problems
    members = list(Person.objects.filter(household=household).order_by("pk"))
    family = _family_name(household)
    living = [p for p in members if not p.deceased]
    if not any(p.work_place in (WorkPlace.HOME, WorkPlace.IN_COUNTY) for p in living):
        problems.append(
            Problem(
                "not_resident",
                _("%(family)s家庭没有在本县常住的成员（都在县外务工或已故），不是本县常驻家庭。")
                % {"family": family},
                "household",
            )
        )
    since = clean_record_since(on=on)
    by_pk = {p.pk: p for p in members}
    petitions = Petition.objects.filter(person__in=members, received_on__lte=on).filter(
        Q(closed_on__isnull=True)
        | Q(received_on__gte=since)
        & (
            Q(category__in=[PetitionCategory.DOMESTIC_VIOLENCE, PetitionCategory.MARRIAGE_FAMILY])
            | ~Q(mediation="")
        )
    )
    for petition in petitions.order_by("received_on", "pk"):
        if petition.category == PetitionCategory.DOMESTIC_VIOLENCE:
            kind = _("家庭暴力来访")
        elif petition.category == PetitionCategory.MARRIAGE_FAMILY or petition.mediation:
            kind = _("家庭纠纷来访")
        else:
            kind = _("来信来访")
        state = _("未办结的") if petition.closed_on is None else ""
        problems.append(
            Problem(
                "petition",
                _("%(family)s家庭成员%(member)s %(day)s 有%(state)s%(kind)s（编号 %(number)s）。")
                % {
                    "family": family,
                    "member": by_pk[petition.person_id].name,
                    "day": f"{petition.received_on:%Y-%m-%d}",
                    "state": state,
                    "kind": kind,
                    "number": petition.pk,
                },
                "household",
            )
        )
    # A child's entry that says a parent is held: in a detention house, or serving a sentence.
    held = (
        (
            "detained",
            LeftBehindChild.objects.filter(away_reason=AwayReason.DETENTION),
            _("%(family)s家庭的%(child)s %(year)s 年度登记为留守儿童，原因是父母在看守所（在押）。"),
        ),
        (
            "imprisoned",
            HardshipChild.objects.filter(reason=HardshipReason.OTHER_IMPRISONED),
            _("%(family)s家庭的%(child)s %(year)s 年度登记为特殊困难儿童，原因是父母一方服刑。"),
        ),
    )
    for rule, entries, text in held:
        in_period = entries.filter(person__in=members, year__gte=since.year, year__lte=on.year)
        for entry in in_period.order_by("year", "pk"):
            values = {"family": family, "child": by_pk[entry.person_id].name, "year": entry.year}
            problems.append(Problem(rule, text % values, "household"))
    visits = Visit.objects.filter(
        person__in=members,
        visited_for__in=[VisitedFor.CASE_FAMILY, VisitedFor.DISPUTE_FAMILY],
        visited_on__gte=since,
        visited_on__lte=on,
    )
    for visit in visits.order_by("visited_on", "pk"):
        problems.append(
            Problem(
                visit.visited_for,
                _("%(family)s家庭成员%(member)s %(day)s 作为%(group)s走访过。")
                % {
                    "family": family,
                    "member": by_pk[visit.person_id].name,
                    "day": f"{visit.visited_on:%Y-%m-%d}",
                    "group": visit.get_visited_for_display(),
                },
                "household",
            )
        )
    return problems


def changeable_statuses() -> tuple[str, ...]:
    """Return the statuses in which a proposal's own details may still change: a proposal only. A
    family on a notice, declined, confirmed or withdrawn is changed by the township's steps
    (``outreach.honours``), never by its form (``editable_by``) or a file (the ``honours`` import)."""
    from outreach.models import NominationStatus

    return (NominationStatus.PROPOSED,)


def change_problems(*, nomination) -> list[Problem]:
    """Return why ``nomination``'s details may not be changed any more (``changeable_statuses``)."""
    if nomination.status in changeable_statuses():
        return []
    return [
        Problem(
            "not_changeable",
            _("%(family)s已%(status)s，不能再修改。")
            % {"family": nomination.family_label, "status": nomination.get_status_display()},
            "story",
        )
    ]


def nomination_problems(*, nomination, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a proposal: its headings, its family in its village, its date,
    and, while it is a proposal, the seed's conditions on its date (``family_problems``)."""
    from outreach.models import FamilyHeading, NominationStatus

    today = today or timezone.localdate()
    problems: list[Problem] = []
    headings = nomination.headings or []
    if not isinstance(headings, list) or not headings:
        problems.append(Problem("no_heading", _("请至少选一个事迹类别。"), "headings"))
    elif any(h not in FamilyHeading.values for h in headings):
        problems.append(Problem("bad_heading", _("事迹类别只能从八个类别中选。"), "headings"))
    if nomination.proposed_on:
        if nomination.proposed_on > today:
            problems.append(Problem("future", _("推荐日期不能晚于今天。"), "proposed_on"))
        if nomination.year and nomination.proposed_on.year != nomination.year:
            problems.append(Problem("year", _("推荐日期须在推荐年度内。"), "proposed_on"))
    if not nomination.household_id:
        return problems
    household = nomination.household
    if nomination.village_id and household.village_id != nomination.village_id:
        problems.append(
            Problem(
                "other_village",
                _("这一户不是%(village)s的，只能推荐本村的家庭。") % {"village": nomination.village.name},
                "household",
            )
        )
        return problems
    if nomination.status == NominationStatus.PROPOSED and nomination.proposed_on:
        problems += family_problems(household=household, on=nomination.proposed_on)
    return problems


# --- the notice ------------------------------------------------------------------------------------


def notice_days(*, year: int) -> int:
    """Return how many days a notice of ``year`` runs by default (the year's setting, 7)."""
    return outreach_settings(year).honour_notice_days


def notice_ends_on(*, starts_on: dt.date, days: int) -> dt.date:
    """Return the last day of a notice of ``days`` days from ``starts_on`` (the first day counts)."""
    return starts_on + dt.timedelta(days=days - 1)


def in_notice(*, notice, on: dt.date) -> bool:
    """Return whether ``on`` lies in the notice: from its first day to its last, both included."""
    return notice.starts_on <= on <= notice.ends_on


def notice_confirmable(*, notice, on: dt.date) -> bool:
    """Return whether the families of ``notice`` may be confirmed ``on``: from the day after its last."""
    return on > notice.ends_on


def notice_problems(*, notice) -> list[Problem]:
    """Return the failed rules of a notice: it runs at least a day, and starts in its year."""
    problems: list[Problem] = []
    if notice.days is not None and notice.days < 1:
        problems.append(Problem("days", _("公示至少 1 天。"), "days"))
    if notice.starts_on and notice.year and notice.starts_on.year != notice.year:
        problems.append(Problem("year", _("公示开始日期须在本年度内。"), "starts_on"))
    return problems


def confirm_problems(*, notice, on: dt.date) -> list[Problem]:
    """Return why the families of ``notice`` cannot be confirmed ``on``: the notice still runs, or an
    objection to it is not handled yet (each named)."""
    from outreach.models import HonourObjection

    problems: list[Problem] = []
    if notice.confirmed_on:
        problems.append(Problem("confirmed", _("这次公示已于 %(day)s 确认。") % {"day": notice.confirmed_on}))
    if not notice_confirmable(notice=notice, on=on):
        problems.append(
            Problem(
                "in_notice",
                _("公示到 %(end)s 止（共 %(days)s 天），%(next)s 起才能确认。")
                % {
                    "end": f"{notice.ends_on:%Y-%m-%d}",
                    "days": notice.days,
                    "next": f"{notice.ends_on + dt.timedelta(days=1):%Y-%m-%d}",
                },
            )
        )
    open_objections = HonourObjection.objects.filter(
        nomination__notice=notice, outcome=HonourObjection.Outcome.OPEN
    ).select_related("nomination__household")
    for objection in open_objections:
        problems.append(
            Problem(
                "objection_open",
                _("对%(family)s的异议（%(day)s 收到）还没有核实处理。")
                % {"family": objection.nomination.family_label, "day": f"{objection.received_on:%Y-%m-%d}"},
            )
        )
    return problems


def objection_problems(*, objection, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of an objection: received while its family is on a notice, within
    the notice's days; a handled one says its result, how and when."""
    from outreach.models import HonourObjection

    today = today or timezone.localdate()
    problems: list[Problem] = []
    notice = objection.nomination.notice
    if notice is None:
        problems.append(Problem("no_notice", _("这一户还没有公示，不能登记异议。"), "received_on"))
    elif objection.received_on and not in_notice(notice=notice, on=objection.received_on):
        problems.append(
            Problem(
                "outside_notice",
                _("异议须在公示期内（%(start)s 至 %(end)s）收到。")
                % {"start": f"{notice.starts_on:%Y-%m-%d}", "end": f"{notice.ends_on:%Y-%m-%d}"},
                "received_on",
            )
        )
    if objection.received_on and objection.received_on > today:
        problems.append(Problem("future", _("收到日期不能晚于今天。"), "received_on"))
    if objection.outcome != HonourObjection.Outcome.OPEN:
        if not objection.handling.strip():
            problems.append(Problem("handling", _("请写明怎样核实、怎样处理的。"), "handling"))
        if not objection.handled_on:
            problems.append(Problem("handled_on", _("请填写处理日期。"), "handled_on"))
        elif objection.received_on and objection.handled_on < objection.received_on:
            problems.append(Problem("handled_on", _("处理日期不能早于收到日期。"), "handled_on"))
        elif objection.handled_on > today:
            problems.append(Problem("handled_on", _("处理日期不能晚于今天。"), "handled_on"))
    return problems


# --- the roster of 三八红旗手（集体） -------------------------------------------------------------------


def award_problems(*, award) -> list[Problem]:
    """Return the failed rules of a 三八红旗手 or 三八红旗集体: a person is a resident of its unit or
    named; a unit is named and is no person."""
    from outreach.models import AwardKind

    problems: list[Problem] = []
    if award.kind == AwardKind.COLLECTIVE:
        if award.person_id:
            problems.append(
                Problem("collective_person", _("三八红旗集体不选获奖人，请填集体名称。"), "person")
            )
        if not award.name.strip():
            problems.append(Problem("no_name", _("请填写集体名称。"), "name"))
        return problems
    if award.person_id:
        person = award.person
        problems += residence_problems(
            person,
            village=award.village if award.village_id else None,
            township=award.township if award.township_id else None,
            field="person",
        )
        award.name = person.name
    elif not award.name.strip():
        problems.append(Problem("no_name", _("请选择已登记的居民，或者填写获奖人姓名。"), "name"))
    return problems
