"""The rules of the aid programmes and pairings (``registry.models.aid``), and their reads.

Each rule returns the failed rules as ``Problem`` (a stable code, a Chinese message naming the
register and the year); ``clean()`` of each model calls it, so every path (forms, the import, the
admin, the API) refuses the same records with the same words. A register "has" a person in a year
when her entry of that year is active on at least one day of it (``RegisterEntry.active_in_year_q``:
soft-deleted entries and entries that never were active do not count), as the year's ledger lists it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core.models import year_settings
from federation.core.rules import Problem
from registry.models import HardshipChild, LeftBehindChild, Person, PoorWoman
from registry.models.aid import AidKind, AidRecord, Pairing, PairingFollowUp, PairingKind
from registry.rules import live_household


def _on_register(model, person_ids, year: int) -> bool:
    """Return whether one of ``person_ids`` has an entry of ``model`` active in ``year``."""
    return model.objects.filter(model.active_in_year_q(year), person_id__in=person_ids).exists()


def _registers(models) -> str:
    return "、".join(str(m._meta.verbose_name) for m in models)


def _is_child(person: Person, on: dt.date) -> bool | None:
    """Return whether ``person`` is under the children's age limit of ``on``'s year (None: age unknown)."""
    age = person.age_on(on)
    return None if age is None else age < year_settings(on.year).child_age_limit


def spring_bud_problems(*, person: Person, year: int, on: dt.date) -> list[Problem]:
    """Return why ``person`` may not receive 春蕾计划 in ``year`` (none: she may).

    春蕾计划 helps girls of poor families to school. The office's rule: a girl (female) of child
    age (under the year's ``child_age_limit``, 16 by default, on the day given) who in ``year`` is on
    the left-behind children's register (留守儿童), on the hardship children's register (特殊困难儿童),
    or of a household with a woman on the poor women's register (农村贫困妇女) of that year.
    """
    problems: list[Problem] = []
    if person.sex != "F":
        problems.append(
            Problem("spring_bud_girl", _("春蕾计划只资助女童：%(name)s不是女性。") % {"name": person.name})
        )
    child = _is_child(person, on)
    if child is None:
        problems.append(
            Problem(
                "birth_unknown", _("不知道%(name)s的出生日期，无法判断是否儿童。") % {"name": person.name}
            )
        )
    elif not child:
        problems.append(
            Problem(
                "spring_bud_age",
                _("春蕾计划资助不满 %(limit)s 周岁的女童：%(name)s在 %(on)s 已满 %(limit)s 周岁。")
                % {"limit": year_settings(on.year).child_age_limit, "name": person.name, "on": on},
            )
        )
    if _on_register(LeftBehindChild, [person.pk], year) or _on_register(HardshipChild, [person.pk], year):
        return problems
    household = live_household(person)
    if household is not None:
        family = Person.objects.filter(household=household).values_list("pk", flat=True)
        if _on_register(PoorWoman, list(family), year):
            return problems
    problems.append(
        Problem(
            "spring_bud_not_registered",
            _(
                "%(name)s在 %(year)s 年度不在%(registers)s台账上，家里也没有妇女在 %(year)s 年度的"
                "农村贫困妇女台账上：春蕾计划只资助这些女童，请先登记。"
            )
            % {"name": person.name, "year": year, "registers": _registers((LeftBehindChild, HardshipChild))},
        )
    )
    return problems


def poor_mother_problems(*, person: Person, year: int) -> list[Problem]:
    """Return why ``person`` may not receive 贫困母亲 help in ``year``: she must be on the poor
    women's register (农村贫困妇女) of that year."""
    if _on_register(PoorWoman, [person.pk], year):
        return []
    return [
        Problem(
            "poor_mother_not_registered",
            _("%(name)s在 %(year)s 年度不在农村贫困妇女台账上：贫困母亲救助只给台账上的贫困妇女，请先登记。")
            % {"name": person.name, "year": year},
        )
    ]


def aid_problems(*, record: AidRecord, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a grant: who may receive its programme (above), a date in its year
    and not in the future, a school year (春蕾: the year or the one before), something given."""
    today = today or timezone.localdate()
    problems: list[Problem] = []
    if record.given_on > today:
        problems.append(Problem("future", _("发放日期不能晚于今天。"), "given_on"))
    elif record.given_on.year != record.year:
        problems.append(
            Problem(
                "outside_year",
                _("%(year)s 年度的发放日期须在 %(year)s 年内。") % {"year": record.year},
                "given_on",
            )
        )
    if record.kind == AidKind.SPRING_BUD:
        problems += spring_bud_problems(person=record.person, year=record.year, on=record.given_on)
        if record.school_year is None:
            problems.append(Problem("school_year", _("春蕾计划请填写学年。"), "school_year"))
        elif record.school_year not in (record.year, record.year - 1):
            problems.append(
                Problem(
                    "school_year",
                    _("%(year)s 年度发放的只能是 %(before)s—%(year)s 或 %(year)s—%(after)s 学年。")
                    % {"year": record.year, "before": record.year - 1, "after": record.year + 1},
                    "school_year",
                )
            )
    else:
        problems += poor_mother_problems(person=record.person, year=record.year)
    if record.amount is None and not record.goods.strip():
        problems.append(Problem("nothing_given", _("请填写金额或物品。"), "amount"))
    return problems


#: The registers a pairing's beneficiary may be on, by kind: 爱心妈妈 and 代理家长 are for children.
PAIRING_REGISTERS = {
    PairingKind.PAIRED: (LeftBehindChild, HardshipChild, PoorWoman),
    PairingKind.CARING_MOTHER: (LeftBehindChild, HardshipChild),
    PairingKind.PROXY_PARENT: (LeftBehindChild, HardshipChild),
}


def pairing_problems(*, pairing: Pairing, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a pairing.

    Its beneficiary is on one of the registers its kind is for (``PAIRING_REGISTERS``: 结对帮扶 the
    left-behind children's, the hardship children's or the poor women's; 爱心妈妈 and 代理家长 the
    two children's) in the pairing's start year or the year before: as with visits
    (``outreach.rules.visit_problems``), a pairing made in January comes before the year's registers
    are due (18 March). It starts no later than today and ends no earlier than it starts.
    """
    today = today or timezone.localdate()
    problems: list[Problem] = []
    if pairing.since > today:
        problems.append(Problem("future", _("结对日期不能晚于今天。"), "since"))
    if pairing.until is not None and pairing.until < pairing.since:
        problems.append(Problem("until_before_since", _("结束日期不能早于结对日期。"), "until"))
    registers = PAIRING_REGISTERS.get(pairing.kind, ())
    year = pairing.since.year
    if not any(_on_register(m, [pairing.person_id], y) for m in registers for y in (year, year - 1)):
        problems.append(
            Problem(
                "pairing_not_registered",
                _(
                    "%(name)s在 %(year)s 年度和上一年度都不在%(registers)s台账上："
                    "%(kind)s只结对这些台账上的人，请先登记。"
                )
                % {
                    "name": pairing.person.name,
                    "year": year,
                    "registers": _registers(registers),
                    "kind": pairing.get_kind_display(),
                },
            )
        )
    return problems


def follow_up_problems(*, follow_up: PairingFollowUp, today: dt.date | None = None) -> list[Problem]:
    """Return the failed rules of a follow-up: a day of its pairing (from its start to its end), not
    in the future, and something given or said (money, goods, hours or a note)."""
    today = today or timezone.localdate()
    pairing = follow_up.pairing
    problems: list[Problem] = []
    if follow_up.on > today:
        problems.append(Problem("future", _("跟进日期不能晚于今天。"), "on"))
    if follow_up.on < pairing.since:
        problems.append(
            Problem("before_since", _("跟进日期不能早于结对日期（%(on)s）。") % {"on": pairing.since}, "on")
        )
    if pairing.until is not None and follow_up.on > pairing.until:
        problems.append(Problem("after_until", _("结对已于 %(on)s 结束。") % {"on": pairing.until}, "on"))
    if (
        follow_up.money is None
        and follow_up.hours is None
        and not (follow_up.goods.strip() or follow_up.note.strip())
    ):
        problems.append(Problem("empty", _("请至少填写钱、物品、时长或情况中的一项。"), "note"))
    return problems


# -- reads -------------------------------------------------------------------------------------------


def aid_list(*, user, search: str = "", year: int | None = None, kind: str = "") -> QuerySet[AidRecord]:
    """Return the grants ``user`` sees of ``year`` (and ``kind``), searched by name or ID number."""
    qs = AidRecord.objects.for_user(user).select_related("person__household__group", "village")
    if search.strip():
        qs = qs.filter(
            Q(person__name__contains=search.strip()) | Q(person__id_number__endswith=search.strip())
        )
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("village__code", "kind", "person__group_number", "person__name", "pk")


def pairings_of_year(year: int) -> Q:
    """Return the condition of a pairing running on a day of ``year``."""
    return Q(since__year__lte=year) & (Q(until__isnull=True) | Q(until__year__gte=year))


def pairing_list(*, user, search: str = "", year: int | None = None, kind: str = "") -> QuerySet[Pairing]:
    """Return the pairings ``user`` sees running in ``year`` (and of ``kind``), searched by the
    beneficiary's or the helper's name, each with its follow-ups of the year counted and summed."""
    qs = Pairing.objects.for_user(user).select_related("person__household__group", "village")
    text = search.strip()
    if text:
        qs = qs.filter(
            Q(person__name__contains=text)
            | Q(helper_name__contains=text)
            | Q(person__id_number__endswith=text)
        )
    if kind:
        qs = qs.filter(kind=kind)
    alive = Q(follow_ups__deleted_at__isnull=True)
    if year:
        qs = qs.filter(pairings_of_year(year))
        alive &= Q(follow_ups__on__year=year)
    return qs.annotate(
        follow_up_count=Count("follow_ups", filter=alive),
        money_given=Sum("follow_ups__money", filter=alive),
        hours_given=Sum("follow_ups__hours", filter=alive),
    ).order_by("village__code", "person__group_number", "person__name", "since", "pk")


def follow_ups_of(*, pairing: Pairing, user) -> QuerySet[PairingFollowUp]:
    """Return the follow-ups of ``pairing`` that ``user`` sees, latest first."""
    return PairingFollowUp.objects.for_user(user).filter(pairing=pairing).order_by("-on", "-pk")


def total(values) -> Decimal | None:
    """Return the sum of ``values`` that are given (None when none is)."""
    given = [v for v in values if v is not None]
    return sum(given, Decimal(0)) if given else None
