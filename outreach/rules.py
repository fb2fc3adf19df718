"""The outreach rules, as plain functions the models' ``clean()``, forms, services and selectors call.

Each ``*_problems`` function returns every rule that fails as ``registry.rules.Problem`` (a stable
code and a Chinese message); an empty list means the record may be saved.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.core.models import year_settings
from federation.core.rules import Problem, years_before
from outreach.models.base import outreach_settings

if TYPE_CHECKING:
    from outreach.models import Petition, Screening, Visit
    from registry.models import Person


# --- visits ---------------------------------------------------------------------------------------


def visits_owed(*, year: int) -> int:
    """Return how many visits each left-behind woman is owed in ``year`` (seed item 6: at least two)."""
    return outreach_settings(year).visits_per_year


def visits_still_owed(*, done: int, year: int) -> int:
    """Return the visits still owed to a woman who has had ``done`` visits in calendar ``year``.

    Only visits dated in ``year`` count: a visit of last December does not count for this year.
    """
    return max(visits_owed(year=year) - done, 0)


def visit_problems(*, visit: Visit, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a visit: any resident may be visited, for any group (``VisitedFor``).

    A visit for a women's register (留守妇女, 贫困妇女) needs her on it in the visit's year or the
    year before (a January visit comes before the year's registers are due); the other groups are on
    no register the system keeps, so nothing is checked of them. The visit cannot lie in the future,
    and a poor household's visit says why it is poor.
    """
    from outreach.models import VisitedFor
    from registry.models import LeftBehindWoman, PoorWoman

    today = today or timezone.localdate()
    problems: list[Problem] = []
    if visit.visited_on > today:
        problems.append(Problem("future", _("走访日期不能晚于今天。"), "visited_on"))
    years = [visit.visited_on.year, visit.visited_on.year - 1]
    register = {VisitedFor.LEFT_BEHIND: LeftBehindWoman, VisitedFor.POOR: PoorWoman}.get(visit.visited_for)
    if register is not None and not register.objects.filter(person=visit.person, year__in=years).exists():
        problems.append(
            Problem(
                "not_registered",
                _("%(name)s在 %(year)s 年度和上一年度都没有登记为%(group)s，请先登记或改选走访对象类别。")
                % {
                    "name": visit.person.name,
                    "year": visit.visited_on.year,
                    "group": visit.get_visited_for_display(),
                },
                "visited_for",
            )
        )
    if visit.is_poor and not visit.poverty_reason.strip():
        problems.append(Problem("poverty_reason", _("贫困时请写明贫困原因。"), "poverty_reason"))
    return problems


# --- two-cancer screening -------------------------------------------------------------------------


def screening_birth_range(*, year: int) -> tuple[dt.date, dt.date]:
    """Return (born after, born on or before) of the women eligible for screening in ``year``.

    Eligible: aged ``screening_min_age`` to ``screening_max_age`` inclusive (35 to 64 by default) on
    the year's reference date (``YearSettings.ages_on``).
    """
    settings = outreach_settings(year)
    on = year_settings(year).ages_on
    return years_before(on, settings.screening_max_age + 1), years_before(on, settings.screening_min_age)


def is_screening_eligible(*, person: Person, year: int) -> bool:
    """Return True for a living woman of screening age on ``year``'s reference date."""
    if person.sex != "F" or person.deceased or person.birth_date is None:
        return False
    born_after, born_by = screening_birth_range(year=year)
    return born_after < person.birth_date <= born_by


def screening_problems(*, screening: Screening, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a screening record: a woman, a date in its year, consistent relief."""
    from outreach.models import ScreeningResult

    today = today or timezone.localdate()
    problems: list[Problem] = []
    if screening.person_id and screening.person.sex != "F":
        problems.append(Problem("not_a_woman", _("两癌检查的对象须为妇女。"), "person"))
    if screening.screened_on:
        if screening.screened_on > today:
            problems.append(Problem("future", _("检查日期不能晚于今天。"), "screened_on"))
        if screening.year and screening.screened_on.year != screening.year:
            problems.append(
                Problem(
                    "wrong_year", _("检查日期应在 %(year)s 年内。") % {"year": screening.year}, "screened_on"
                )
            )
    if screening.treated and screening.result == ScreeningResult.NORMAL:
        problems.append(Problem("treated_normal", _("检查未见异常时不应登记治疗。"), "treated"))
    if screening.relief_granted and not screening.relief_applied:
        problems.append(Problem("granted_not_applied", _("获得救助前须先申请救助。"), "relief_granted"))
    if screening.relief_granted and not screening.relief_amount:
        problems.append(Problem("amount_missing", _("获得救助时请填写救助金额。"), "relief_amount"))
    if screening.relief_amount and not screening.relief_granted:
        problems.append(Problem("amount_not_granted", _("没有获得救助时不要填写救助金额。"), "relief_amount"))
    return problems


# --- petitions ------------------------------------------------------------------------------------


def petition_problems(*, petition: Petition, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a petition: who came, where from, and dates in order.

    A registered person's case belongs to her village; a case referred elsewhere names the office;
    return visit and closing come after receipt and not after today.
    """
    from outreach.models import Handling

    today = today or timezone.localdate()
    problems: list[Problem] = []
    if petition.person_id:
        if not petition.village_id:
            petition.village_id = petition.person.village_id
        elif petition.person.village_id != petition.village_id:
            problems.append(Problem("other_village", _("这位居民不属于这个村。"), "person"))
        petition.petitioner_name = petition.person.name
    elif not petition.petitioner_name.strip():
        problems.append(
            Problem("no_petitioner", _("请选择已登记的居民，或者填写来访人姓名。"), "petitioner_name")
        )
    if petition.handling == Handling.REFERRED and not petition.referred_to.strip():
        problems.append(Problem("referred_to", _("转有关部门时请写明转往哪个部门。"), "referred_to"))
    problems += mediation_problems(mediation=petition.mediation, result=petition.result)
    received = petition.received_on
    for field, label in (
        ("received_on", _("受理日期")),
        ("return_visit_on", _("回访日期")),
        ("closed_on", _("结案日期")),
    ):
        day = getattr(petition, field)
        if day and day > today:
            problems.append(Problem("future", _("%(label)s不能晚于今天。") % {"label": label}, field))
        elif day and received and field != "received_on" and day < received:
            problems.append(
                Problem("before_received", _("%(label)s不能早于受理日期。") % {"label": label}, field)
            )
    return problems


#: What a result text says of a mediation, where it says it in words the office uses: the phrases
#: of a failure first (未达成一致 contains 达成一致), then, in what is left, those of a success.
MEDIATION_FAILED_WORDS = (
    "调解未成功",
    "调解不成功",
    "调解失败",
    "调解无果",
    "未调解成功",
    "没有调解成功",
    "未达成",
    "没有达成",
    "没达成",
    "未能达成",
    "没能达成",
    "无法达成",
    "不能达成",
    "未和好",
    "没有和好",
    "不同意调解",
)
MEDIATION_SUCCEEDED_WORDS = ("调解成功", "达成一致", "达成协议", "达成和解", "和好", "已化解", "矛盾化解")


def result_says(result: str) -> tuple[str, str] | None:
    """Return ("failed" or "succeeded", the phrase) of what ``result`` says of a mediation, or None
    when it says neither (a text that says both, as "一项达成一致，另一项未达成", says failed)."""
    text = "".join((result or "").split())
    for phrase in MEDIATION_FAILED_WORDS:
        if phrase in text:
            return "failed", phrase
    for phrase in MEDIATION_SUCCEEDED_WORDS:
        if phrase in text:
            return "succeeded", phrase
    return None


def mediation_problems(*, mediation: str, result: str) -> list[Problem]:
    """Return a problem when a petition's coded mediation outcome (调解结果) disagrees with its result
    text (处理结果): 调解未成功 with a result saying 达成一致, 调解成功 with one saying 未达成一致,
    未调解 with one reporting a mediation's outcome. A result that says neither is not judged
    (``result_says``: the words of ``MEDIATION_FAILED_WORDS`` and ``MEDIATION_SUCCEEDED_WORDS``).
    """
    from outreach.models import MediationResult

    said = result_says(result)
    if said is None:
        return []
    outcome, phrase = said
    if mediation == outcome:
        return []
    label = MediationResult(mediation).label if mediation in MediationResult.values else mediation
    return [
        Problem(
            "mediation_result",
            _("处理结果写着“%(phrase)s”，与调解结果“%(label)s”不符。") % {"phrase": phrase, "label": label},
            "mediation",
        )
    ]


# --- register deadlines ---------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    ON_TIME = "on_time", gettext_lazy("按时上报")
    LATE = "late", gettext_lazy("逾期上报")
    OVERDUE = "overdue", gettext_lazy("逾期未报")
    OPEN = "open", gettext_lazy("待上报")


#: The statuses the township counts as late.
LATE_STATUSES = frozenset({ReportStatus.LATE, ReportStatus.OVERDUE})


def report_status(*, due_on: dt.date, reported_on: dt.date | None, today: dt.date) -> ReportStatus:
    """Return a register's status for a village: reported on time, late, or still open.

    Reported on the deadline day is on time; reported after it is late; not reported when the
    deadline has passed is late too (overdue); not reported before or on the deadline is open.
    """
    if reported_on is not None:
        return ReportStatus.ON_TIME if reported_on <= due_on else ReportStatus.LATE
    return ReportStatus.OVERDUE if today > due_on else ReportStatus.OPEN


# --- volunteer activities -------------------------------------------------------------------------


def activity_participant_problems(*, team, participants) -> list[Problem]:
    """Return a problem for each participant who is not a member of the activity's team."""
    return [
        Problem(
            "not_a_member",
            _("%(name)s 不是%(team)s的队员。") % {"name": member.name, "team": team.name},
            "participants",
        )
        for member in participants
        if member.team_id != team.pk
    ]


# --- lectures and training ------------------------------------------------------------------------


def lecture_total(*, named: int, unnamed: int) -> int:
    """Return how many attended a session: the attendees named (residents) and those only counted."""
    return named + unnamed


def other_township_problems(record) -> list[Problem]:
    """Return the failed rule of a record of a township or one of its villages: its village is of its
    township (lectures, targets, volunteer teams, a task's hand-ins)."""
    if record.village_id and record.township_id and record.village.township_id != record.township_id:
        return [Problem("other_township", _("这个村不属于所选乡镇。"), "village")]
    return []


def lecture_problems(*, lecture, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a session: held already (recorded after, as activities are), a
    count of the unnamed that is not below zero, an organiser village of the session's township."""
    today = today or timezone.localdate()
    problems: list[Problem] = []
    if lecture.held_on and lecture.held_on > today:
        problems.append(
            Problem(
                "future", _("日期不能晚于今天：讲座或培训办过以后再登记，办之前可先打印签到表。"), "held_on"
            )
        )
    if lecture.unnamed_count is not None and lecture.unnamed_count < 0:
        problems.append(Problem("negative", _("未登记姓名的参加人数不能小于 0。"), "unnamed_count"))
    problems.extend(other_township_problems(lecture))
    return problems


def residence_problems(person, *, village, township, field: str, village_note: str = "") -> list[Problem]:
    """Return why ``person`` is not a resident of ``village`` (when given) or else of ``township``:
    the rule of a village's or a township's record that names residents (an attendee, an award)."""
    if village is not None:
        if person.village_id == village.pk:
            return []
        text = _("%(name)s 不是%(village)s的居民") % {"name": person.name, "village": village.name}
        return [Problem("other_village", text + (village_note or "。"), field)]
    if township is not None and person.village.township_id != township.pk:
        text = _("%(name)s 不是%(township)s的居民。") % {"name": person.name, "township": township.name}
        return [Problem("other_township", text, field)]
    return []


def lecture_attendee_problems(*, lecture, attendees) -> list[Problem]:
    """Return a problem naming each attendee who may not attend: a village's session takes the
    village's residents, a township's those of the township's villages; nobody deceased."""
    problems: list[Problem] = []
    for person in attendees:
        problems += residence_problems(
            person,
            village=lecture.village if lecture.village_id else None,
            township=lecture.township if lecture.township_id else None,
            field="attendees",
            village_note=_("：村里的讲座只登记本村的参加人员，其他人计入未登记人数。"),
        )
        if person.deceased:
            problems.append(
                Problem("deceased", _("%(name)s 已登记为去世。") % {"name": person.name}, "attendees")
            )
    return problems


def lecture_target_problems(*, target) -> list[Problem]:
    """Return the failed rules of a yearly target: one a unit, kind and year; a village of its township."""
    from outreach.models import LectureTarget

    problems: list[Problem] = []
    problems.extend(other_township_problems(target))
    if target.township_id and target.year and target.kind:
        same = LectureTarget.objects.filter(
            township_id=target.township_id, village_id=target.village_id, year=target.year, kind=target.kind
        ).exclude(pk=target.pk)
        if same.exists():
            problems.append(
                Problem(
                    "twice",
                    _("%(unit)s %(year)s 年度的%(kind)s目标已经登记过，请修改那一条。")
                    % {"unit": target.unit_label, "year": target.year, "kind": target.get_kind_display()},
                    "kind",
                )
            )
    return problems
