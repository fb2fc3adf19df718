"""The registers' rules, from the 2014 work plan (seed, third plan, items 2 to 7).

Each function returns every rule that fails, as :class:`Problem` with a Chinese message naming the
rule; an empty list means the record may be registered. Forms, the admin, imports and the models'
``clean()`` all call these functions, so no path can register what a form would refuse.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from federation.core.models import VillageGroup, YearSettings, year_settings
from federation.core.rules import Problem, add_months
from registry.models.people import Household, Person, Relation, WorkPlace
from registry.models.registers import AwayReason, ChildCategory, HardshipReason, ParentsAway

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
    *,
    woman: Person,
    household: Household | None,
    year: int,
    on: dt.date | None = None,
    settings: YearSettings | None = None,
) -> list[Problem]:
    """Return the failed conditions of a poor woman (农村贫困妇女) for ``year``, her age on ``on`` (the
    entry date; the year's reference date when not given).

    Seed, 2014 plan item 7: a woman of a low-income household, whose per-capita net income is below
    2,300 yuan (the yearly poverty line); an income at the line is not below it. The income is the
    household's income of ``year``: another year's figure says nothing about this one.
    """
    settings = settings or year_settings(year)
    problems: list[Problem] = []
    if woman.sex != "F":
        problems.append(Problem("not_a_woman", _("贫困妇女须为女性。"), "person"))
    ages = woman_ages(settings)
    problems += _age_problems(woman, on or settings.ages_on, ages.low, ages.below, _("妇女"))
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


# --- the family's facts against a child's entry (cross-field checks) -------------------------------


@dataclass(frozen=True)
class Parents:
    """A child's father and mother as the household records them (None: not recorded there)."""

    father: Person | None = None
    mother: Person | None = None

    def recorded(self) -> list[tuple[str, Person]]:
        """Return (label, parent) of the parents recorded: 父亲 first."""
        found = [(_("父亲"), self.father), (_("母亲"), self.mother)]
        return [(label, parent) for label, parent in found if parent is not None]


def parents_of(child: Person) -> Parents:
    """Return the child's parents: the man and the woman who are head (户主) or spouse (配偶) of the
    household in which the child is a 子女, deceased ones included (the inverse of ``children_of``).

    A child who is not a 子女 of a household (a grandchild under a grandparent's head, a child of no
    household) has no parents recorded: the checks that need them are not judged.
    """
    if child.household_id is None or child.relation != Relation.CHILD:
        return Parents()
    household = _judged_household(child)
    if household is not None:  # the members fetched with her (``judged_together``), in the same order
        members = getattr(household, JUDGED_MEMBERS)
        partners = [m for m in members if m.relation in (Relation.HEAD, Relation.SPOUSE) and m.pk != child.pk]
    else:
        partners = Person.objects.filter(
            household_id=child.household_id, relation__in=[Relation.HEAD, Relation.SPOUSE]
        ).exclude(pk=child.pk)
    by_sex = {person.sex: person for person in partners}
    return Parents(father=by_sex.get("M"), mother=by_sex.get("F"))


def _named(label: str, parent: Person) -> str:
    return f"{label}（{parent.name}）"


def _away_on(parent: Person, on: dt.date) -> bool:
    """Return whether the parent works outside the county on ``on`` (a start not known: away)."""
    return parent.works_away and (parent.away_since is None or parent.away_since <= on)


def left_behind_child_family_problems(
    *,
    child: Person,
    parents_away: str,
    away_reason: str,
    category: str,
    notes: str = "",
    on: dt.date,
    parents: Parents | None = None,
) -> list[Problem]:
    """Return where a left-behind child's entry disagrees with what her family's records say on ``on``.

    Seed, 2014 plan item 3: a left-behind child's parents work away (外出务工), one or both (the
    entry says which), a parent held in a detention centre (在看守所) included. "Away" is working
    outside the county (县外省内, 省外), as for left-behind women and the candidates list, since
    ``away_since`` when known. Each parent the entry says is away must, when recorded:

    - be alive (a deceased parent is no left-behind child's reason: that child is in hardship);
    - for 外出务工, work outside the county on ``on`` (a father at home or in the county is refused);
      for 在看守所 and 其他 the work place says nothing (no record holds a detention), and 其他 is
      written in the notes.

    For 外出务工, a parent the entry says is at home who works outside the county is refused too
    (the entry should say both). 类别 “父母一方外出、另一方无法照料” means exactly one parent away.
    A parent not recorded in the child's household (``parents_of``) is not judged: nothing refuses
    what the records cannot tell.
    """
    problems: list[Problem] = []
    if away_reason == AwayReason.OTHER and not notes.strip():
        problems.append(Problem("away_reason_other", _("外出原因选“其他”时，请在备注中写明原因。"), "notes"))
    if parents_away not in ParentsAway.values:
        return problems  # not said yet: the form (or the import's column) asks for it
    parents = parents if parents is not None else parents_of(child)
    stated = ParentsAway(parents_away).label
    if category == ChildCategory.PARENT_UNABLE and parents_away == ParentsAway.BOTH:
        problems.append(
            Problem(
                "category_both_away",
                _("类别“%(category)s”是一方外出，与外出情况“%(stated)s”不符。")
                % {"category": ChildCategory.PARENT_UNABLE.label, "stated": stated},
                "category",
            )
        )
    said_away = {
        "M": parents_away in (ParentsAway.BOTH, ParentsAway.FATHER),
        "F": parents_away in (ParentsAway.BOTH, ParentsAway.MOTHER),
    }
    for label, parent in parents.recorded():
        values = {"parent": _named(label, parent), "stated": stated, "on": on.isoformat()}
        if said_away[parent.sex]:
            if parent.deceased:
                problems.append(
                    Problem(
                        "parent_deceased",
                        _(
                            "%(parent)s在居民信息中已故，与“%(stated)s”不符；失去父母的儿童请登记为特殊困难儿童。"
                        )
                        % values,
                        "parents_away",
                    )
                )
            elif away_reason == AwayReason.WORK and not parent.works_away:
                values["place"] = WorkPlace(parent.work_place or WorkPlace.HOME).label
                problems.append(
                    Problem(
                        "parent_not_away",
                        _("%(parent)s的务工地点是“%(place)s”（不在县外），与“%(stated)s”不符。") % values,
                        "parents_away",
                    )
                )
            elif away_reason == AwayReason.WORK and not _away_on(parent, on):
                values["since"] = parent.away_since.isoformat()
                problems.append(
                    Problem(
                        "parent_not_away_yet",
                        _("%(parent)s %(since)s 才外出务工，在 %(on)s 时还没有外出，与“%(stated)s”不符。")
                        % values,
                        "parents_away",
                    )
                )
        elif away_reason == AwayReason.WORK and not parent.deceased and _away_on(parent, on):
            values["place"] = WorkPlace(parent.work_place).label
            values["both"] = ParentsAway.BOTH.label
            problems.append(
                Problem(
                    "other_parent_away",
                    _("%(parent)s也在外务工（务工地点：%(place)s），与“%(stated)s”不符：请选择“%(both)s”。")
                    % values,
                    "parents_away",
                )
            )
    return problems


#: The reasons of a child in hardship that say one parent died (and what became of the other).
ONE_PARENT_DEAD = (
    HardshipReason.OTHER_MISSING,
    HardshipReason.OTHER_REMARRIED,
    HardshipReason.OTHER_IMPRISONED,
    HardshipReason.OTHER_DISABLED,
)


def hardship_child_family_problems(
    *, child: Person, reason: str, parents: Parents | None = None
) -> list[Problem]:
    """Return where a child-in-hardship entry's reason disagrees with her parents' records.

    Seed, 2014 plan item 4: a child who lost her parents, raised by other relatives; the entry
    says whether both parents died (父母双亡) or the other reason. Against the ``deceased`` flags of
    the parents recorded in her household (``parents_of``):

    - 父母双亡: every parent recorded must be recorded deceased;
    - one parent died and the other is missing, remarried away, imprisoned or disabled: with both
      parents recorded, one (and only one) of them is recorded deceased: both alive contradicts it,
      both dead is 父母双亡. What became of the other (失踪, 改嫁, 服刑, 重残) is recorded nowhere
      and is not judged;
    - 其他原因: the stated reason (its 原因说明) is not judged against the records.

    A parent not recorded in her household is not judged: with one parent recorded alive, the other
    may be the one who died.
    """
    parents = parents if parents is not None else parents_of(child)
    stated = HardshipReason(reason).label if reason in HardshipReason.values else ""
    recorded = parents.recorded()
    if reason == HardshipReason.BOTH_DEAD:
        return [
            Problem(
                "parent_alive",
                _(
                    "%(parent)s在居民信息中没有登记为已故，与“%(stated)s”不符；若已去世，请先在居民信息中勾选“已故”。"
                )
                % {"parent": _named(label, parent), "stated": stated},
                "reason",
            )
            for label, parent in recorded
            if not parent.deceased
        ]
    if reason not in ONE_PARENT_DEAD or len(recorded) < 2:
        return []
    dead = [parent for _label, parent in recorded if parent.deceased]
    names = "、".join(_named(label, parent) for label, parent in recorded)
    if not dead:
        return [
            Problem(
                "both_alive",
                _(
                    "%(parents)s在居民信息中都没有登记为已故，与“%(stated)s”不符；若一方已去世，请先在居民信息中勾选“已故”。"
                )
                % {"parents": names, "stated": stated},
                "reason",
            )
        ]
    if len(dead) == len(recorded):
        return [
            Problem(
                "both_dead",
                _("%(parents)s在居民信息中都已故，与“%(stated)s”不符：请选择“%(both)s”。")
                % {"parents": names, "stated": stated, "both": HardshipReason.BOTH_DEAD.label},
                "reason",
            )
        ]
    return []


# --- school grade and boarding against age --------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    """A school grade read from the text typed: its stage and year (1 for 一年级, 初一, 高一)."""

    stage: str  # "preschool", "primary", "junior", "senior"
    year: int = 0

    def ages(self) -> tuple[int, int]:
        """Return the ages (whole years, both included) a child of this grade may have."""
        return GRADE_AGES[self.stage](self.year)


#: The ages of each grade (whole years on the judging date, both included). A child starts 小学 in
#: the September after her 6th birthday, so in a school year she is ``year + 5`` or ``year + 6``;
#: the bands allow a year early and three late (late starts and repeated years are common in the
#: countryside): 学前 (幼儿园, 学前班) 2–7; 小学 n年级 n+4 to n+9 (一年级 5–10, 六年级 10–15);
#: 初中 m (初一, 七年级) m+9 to m+14 (初一 10–15, 初三 12–17); 高中 m m+12 to m+17.
GRADE_AGES = {
    "preschool": lambda year: (2, 7),
    "primary": lambda year: (year + 4, year + 9),
    "junior": lambda year: (year + 9, year + 14),
    "senior": lambda year: (year + 12, year + 17),
}
#: The youngest a child boards at school (寄宿): school age, 6.
BOARDING_MIN_AGE = 6

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PRESCHOOL = re.compile(r"^(学前班?|幼儿园.*|幼儿班|[小中大]班|托班)$")
_PRIMARY = re.compile(r"^(?:小学)?([一二三四五六七八九1-9])年级$")
_SECONDARY = re.compile(r"^(初|高)(?:中)?([一二三1-3])(?:年级)?$")


def school_grade(text: str) -> Grade | None:
    """Return the grade ``text`` names (一年级 … 六年级, 小学三年级, 七年级 = 初一, 初二, 初中三年级,
    高一, 学前班, 幼儿园, 大班…), or None for anything else (not judged)."""
    text = "".join((text or "").split())
    if _PRESCHOOL.match(text):
        return Grade("preschool")
    match = _PRIMARY.match(text)
    if match:
        year = _NUMERALS.get(match.group(1)) or int(match.group(1))
        return Grade("primary", year) if year <= 6 else Grade("junior", year - 6)
    match = _SECONDARY.match(text)
    if match:
        year = _NUMERALS.get(match.group(2)) or int(match.group(2))
        return Grade("junior" if match.group(1) == "初" else "senior", year)
    return None


def usual_grade(age: int) -> str:
    """Return the grade a child of ``age`` is usually in, as typed (学前, 三年级, 初二, 高一…), and
    "" for a child under 3, not at school yet."""
    if age < 3:
        return ""
    if age < 6:
        return "学前"
    if age < 12:
        return f"{'一二三四五六'[age - 6]}年级"
    if age < 15:
        return f"初{'一二三'[age - 12]}"
    return f"高{'一二三'[min(age - 15, 2)]}"


def school_problems(*, child: Person, grade: str, boarding: bool, on: dt.date) -> list[Problem]:
    """Return where a child's school grade or boarding disagrees with her age on ``on``.

    The grade's ages are ``GRADE_AGES`` (a grade typed otherwise, or no grade, is not judged);
    boarding (寄宿) needs ``BOARDING_MIN_AGE``. An age not known (no birth date) is not judged.
    """
    age = child.age_on(on)
    if age is None:
        return []
    problems: list[Problem] = []
    found = school_grade(grade)
    if found is not None:
        low, high = found.ages()
        if not low <= age <= high:
            problems.append(
                Problem(
                    "grade_age",
                    _(
                        "年级“%(grade)s”一般在 %(low)d 至 %(high)d 周岁，"
                        "此儿童在 %(on)s 时 %(age)d 周岁，与年级不符。"
                    )
                    % {"grade": grade.strip(), "low": low, "high": high, "on": on.isoformat(), "age": age},
                    "grade",
                )
            )
    if boarding and age < BOARDING_MIN_AGE:
        problems.append(
            Problem(
                "boarding_age",
                _("寄宿须年满 %(min)d 周岁（上学的年龄），此儿童在 %(on)s 时 %(age)d 周岁。")
                % {"min": BOARDING_MIN_AGE, "on": on.isoformat(), "age": age},
                "boarding",
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
