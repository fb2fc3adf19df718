"""The registers' rules, from the 2014 work plan (seed, third plan, items 2 to 7).

Each function returns every rule that fails, as :class:`Problem` with a Chinese message naming the
rule; an empty list means the record may be registered. Forms, the admin, imports and the models'
``clean()`` all call these functions, so no path can register what a form would refuse.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from federation.core.models import VillageGroup, YearSettings, year_settings
from federation.core.rules import Problem, add_months
from registry.models.people import Household, Person, Relation, WorkPlace

#: Where :func:`judged_together` puts a household's live members (its own name: a list's prefetch of
#: ``members`` may hold some of them only).
JUDGED_MEMBERS = "members_judged"


def judged_together(entries: QuerySet) -> QuerySet:
    """Return register ``entries`` fetched with what their rules read: her household, its live
    members and its incomes. Judging them (``RegisterEntry.problems``) then reads no row one by one."""
    return entries.select_related("person__household").prefetch_related(
        Prefetch("person__household__members", queryset=Person.objects.all(), to_attr=JUDGED_MEMBERS),
        "person__household__incomes",
    )


def _judged_household(person: Person) -> Household | None:
    """Return her household as :func:`judged_together` fetched it, or None when it did not."""
    if person.household_id is None or not Person.household.is_cached(person):
        return None
    household = person.household
    return household if hasattr(household, JUDGED_MEMBERS) else None


def live_household(person: Person) -> Household | None:
    """Return her household unless it is deleted (None without one)."""
    household = _judged_household(person)
    if household is not None:
        return household if household.deleted_at is None else None
    if person.household_id is None:
        return None
    return Household.objects.filter(pk=person.household_id).first()


def spouse_of(person: Person) -> Person | None:
    """Return the person's living spouse in her household: the head for a spouse, the spouse for a head."""
    if person.household_id is None or person.relation not in (Relation.HEAD, Relation.SPOUSE):
        return None
    wanted = Relation.SPOUSE if person.relation == Relation.HEAD else Relation.HEAD
    household = _judged_household(person)
    if household is not None:  # the same rule on the members fetched with her, in the same order
        members = getattr(household, JUDGED_MEMBERS)
        return next(
            (
                m
                for m in members
                if m.relation == wanted and not m.deceased and m.pk != person.pk and m.sex != person.sex
            ),
            None,
        )
    return (
        Person.objects.filter(household_id=person.household_id, relation=wanted, deceased=False)
        .exclude(pk=person.pk)
        .exclude(sex=person.sex)
        .first()
    )


def children_of(person: Person) -> list[Person]:
    """Return the children (子女) of the household of which ``person`` is head or spouse."""
    if person.household_id is None or person.relation not in (Relation.HEAD, Relation.SPOUSE):
        return []
    return list(
        Person.objects.filter(household_id=person.household_id, relation=Relation.CHILD).order_by(
            "birth_date"
        )
    )


@dataclass(frozen=True)
class Ages:
    """The ages a register takes, in whole years on its year's reference date: ``low`` or more
    (None: no least age) and under ``below`` (None: no limit)."""

    low: int | None = None
    below: int | None = None

    def fit(self, age: int | None) -> bool:
        """Return whether ``age`` lies within (an unknown age is not refused here: the form says why)."""
        if age is None:
            return True
        return (self.low is None or age >= self.low) and (self.below is None or age < self.below)


def left_behind_woman_ages(settings: YearSettings) -> Ages:
    """Return the ages of a left-behind woman (item 5): 20 to 50 inclusive, the year's settings."""
    return Ages(settings.left_behind_woman_min_age, settings.left_behind_woman_max_age + 1)


def child_ages(settings: YearSettings) -> Ages:
    """Return the ages of a child of the children's registers (items 3 and 4): under 16, a setting."""
    return Ages(None, settings.child_age_limit)


def woman_ages(settings: YearSettings) -> Ages:
    """Return the ages of a woman (妇女, item 2): of the adult age (18, a setting) or more."""
    return Ages(settings.adult_age, None)


def _age_problems(
    person: Person, on: dt.date, low: int | None, below: int | None, label: str
) -> list[Problem]:
    age = person.age_on(on)
    if age is None:
        return [
            Problem(
                "birth_date_unknown",
                _("不知道出生日期，无法判断年龄：请先补录身份证号或出生日期。"),
                "person",
            )
        ]
    values = {"label": label, "low": low, "below": below, "on": on.isoformat(), "age": age}
    if low is not None and age < low:
        problem = Problem(
            "too_young", _("%(label)s须年满 %(low)d 周岁，她在 %(on)s 时 %(age)d 周岁。") % values, "person"
        )
    elif below is not None and age >= below:
        problem = Problem(
            "too_old", _("%(label)s须不满 %(below)d 周岁，在 %(on)s 时已 %(age)d 周岁。") % values, "person"
        )
    else:
        return []
    return [problem]


def left_behind_woman_problems(
    *, woman: Person, on: dt.date, at_registration_place: bool, settings: YearSettings | None = None
) -> list[Problem]:
    """Return the failed conditions of a rural left-behind woman (农村留守妇女) on ``on``.

    Seed, 2014 plan item 5: aged 20 to 50 (inclusive), husband working outside the county for three
    months or more, living alone or with other family members at her place of registration.
    """
    settings = settings or year_settings(on.year)
    problems: list[Problem] = []
    if woman.sex != "F":
        problems.append(Problem("not_a_woman", _("留守妇女须为女性。"), "person"))
    if woman.deceased:
        problems.append(Problem("deceased", _("此人已故。"), "person"))
    low, high = settings.left_behind_woman_min_age, settings.left_behind_woman_max_age
    age = woman.age_on(on)
    if age is None:
        problems += _age_problems(woman, on, None, None, "")
    elif not left_behind_woman_ages(settings).fit(age):
        problems.append(
            Problem(
                "too_young" if age < low else "too_old",
                _("留守妇女须在 %(low)d 至 %(high)d 周岁之间，她在 %(on)s 时 %(age)d 周岁。")
                % {"low": low, "high": high, "on": on.isoformat(), "age": age},
                "person",
            )
        )
    husband = spouse_of(woman)
    if husband is None:
        problems.append(
            Problem(
                "no_husband", _("户中没有登记她的丈夫（户主或配偶），无法核实丈夫外出务工情况。"), "person"
            )
        )
    elif husband.work_place not in (WorkPlace.OUT_COUNTY, WorkPlace.OUT_PROVINCE):
        problems.append(
            Problem("husband_not_away", _("丈夫不在县外务工（留守妇女的丈夫须在县外务工）。"), "person")
        )
    elif husband.away_since is None:
        problems.append(
            Problem(
                "away_since_unknown", _("不知道丈夫外出务工的起始日期，无法核实是否满 3 个月。"), "person"
            )
        )
    elif husband.away_since > add_months(on, -settings.husband_away_months):
        problems.append(
            Problem(
                "husband_away_too_short",
                _("丈夫县外务工须满 %(months)d 个月：他 %(since)s 外出，到 %(on)s 还不满。")
                % {
                    "months": settings.husband_away_months,
                    "since": husband.away_since.isoformat(),
                    "on": on.isoformat(),
                },
                "person",
            )
        )
    if not at_registration_place:
        problems.append(Problem("not_at_home", _("留守妇女须居住在户籍所在地。"), "at_registration_place"))
    return problems


def child_problems(
    *, child: Person, on: dt.date, label: str, settings: YearSettings | None = None
) -> list[Problem]:
    """Return the failed conditions of a child register (留守儿童, 困境儿童): alive, under the age limit."""
    settings = settings or year_settings(on.year)
    problems: list[Problem] = []
    if child.deceased:
        problems.append(Problem("deceased", _("此人已故。"), "person"))
    ages = child_ages(settings)
    problems += _age_problems(child, on, ages.low, ages.below, label)
    return problems


def poor_woman_problems(
    *, woman: Person, household: Household | None, year: int, settings: YearSettings | None = None
) -> list[Problem]:
    """Return the failed conditions of a poor woman (农村贫困妇女) for ``year``.

    Seed, 2014 plan item 7: a woman of a low-income household, whose per-capita net income is below
    2,300 yuan (the yearly poverty line); an income at the line is not below it. The income is the
    household's income of ``year``: another year's figure says nothing about this one.
    """
    settings = settings or year_settings(year)
    problems: list[Problem] = []
    if woman.sex != "F":
        problems.append(Problem("not_a_woman", _("贫困妇女须为女性。"), "person"))
    ages = woman_ages(settings)
    problems += _age_problems(woman, settings.ages_on, ages.low, ages.below, _("妇女"))
    income = household.income_of(year) if household is not None else None
    if household is None:
        problems.append(Problem("no_household", _("她不属于任何户，无法核实家庭人均纯收入。"), "person"))
    elif income is None:
        problems.append(
            Problem(
                "income_unknown", _("她家 %(year)s 年的人均纯收入还没有填写。") % {"year": year}, "person"
            )
        )
    elif income.per_capita_income >= settings.poverty_line:
        problems.append(
            Problem(
                "income_not_below_line",
                _("%(year)s 年家庭人均纯收入 %(income)s 元不低于贫困线 %(line)s 元。")
                % {"year": year, "income": income.per_capita_income, "line": settings.poverty_line},
                "person",
            )
        )
    return problems


# --- households -----------------------------------------------------------------------------------


def next_free_numbers(groups: Iterable[VillageGroup]) -> dict[int, str]:
    """Return the next free 户号 of each of ``groups``, by group id.

    One past the highest number of the group (numbers of digits only, kept as wide as they are:
    0033 gives 0034) that no household of its village holds, deleted ones included (restoring one
    would clash); "0001" onwards for a group with no number yet.
    """
    groups = list(groups)
    villages = {group.village_id for group in groups}
    held = Household.all_objects.filter(village_id__in=villages).values_list(
        "village_id", "group_id", "number"
    )
    taken: dict[int, set[str]] = defaultdict(set)
    highest: dict[int, str] = {}
    for village_id, group_id, number in held:
        taken[village_id].add(number)
        if number.isascii() and number.isdigit():
            top = highest.get(group_id)
            if top is None or int(number) > int(top):
                highest[group_id] = number
    proposed = {}
    for group in groups:
        top = highest.get(group.pk)
        width, n = (len(top), int(top) + 1) if top else (4, 1)
        while f"{n:0{width}d}" in taken[group.village_id]:
            n += 1
        proposed[group.pk] = f"{n:0{width}d}"
    return proposed
