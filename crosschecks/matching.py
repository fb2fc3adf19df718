"""The cross-check's rules: how a list's rows are matched to the registers, and which differences
the township acts on (issue 18; DESIGN.md, the registers).

Matching, within the scope of the user who confirms the list (``Person.objects.for_user``, the one
scoping rule):

- by ID number, checked by ``federation.core.idnumber`` (a 15-digit number converted): a match;
- where the number is missing or invalid, by name and household head (户主): a weaker match
  (弱匹配), taken only when exactly one resident fits; a row naming no head is matched by name
  within the village it names, again only when one resident fits.

The differences (``DifferenceKind``), each judged on the list's year and date:

- 低保 list: a poor woman (贫困妇女) of that year marked 低保 (``in_dibao``) who is not on the list;
- 低保 or 特困 list: a member who is a woman fitting the poor women's register by its own rule
  (``registry.rules.poor_woman_problems``: sex, age, her household's income of the year below the
  year's line, ``YearSettings.poverty_line``) and not on that register in the year;
- 羁押/服刑 notice (naming the detained parent): a child of that parent (``registry.rules.children_of``)
  on the left-behind children's register whose 外出原因 is not 在看守所;
- 寄宿生 list: a child on the left-behind children's register not marked 是否寄宿 (the hardship
  children's register has no boarding field, so it is not judged);
- any list: a person registered in another village than the one the list names (登记在另一村), or a
  row no resident of the scope matches (未登记).

Health data (two-cancer screening) and petitions are never read here: this module imports neither.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from crosschecks.models import (
    DepartmentList,
    Difference,
    DifferenceCheck,
    DifferenceKind,
    ListKind,
    ListRow,
    Match,
)
from federation.core.idnumber import parse_id_number
from federation.core.models import Village, year_settings
from registry.models import AwayReason, LeftBehindChild, Person, PoorWoman, Relation
from registry.rules import JUDGED_MEMBERS, children_of, live_household, poor_woman_problems

#: The lists whose members are judged against the poor women's register.
POOR_LISTS = (ListKind.DIBAO, ListKind.TEKUN)


def parse_number(text: str) -> tuple[str, bool]:
    """Return (the ID number as stored, whether it is valid): a valid one as ``federation.core.idnumber``
    gives it (18 characters, upper-case X), an invalid one as typed (spaces dropped)."""
    typed = "".join((text or "").split()).upper()
    if not typed:
        return "", False
    try:
        return parse_id_number(typed).number, True
    except ValidationError:
        return typed[:40], False


def resolve_village(text: str, villages: list[Village]) -> Village | None:
    """Return the village ``text`` names (幸福乡红旗村, 红旗村一组, 红旗): the one whose name it holds
    (the longest such name), or whose name without 村/社区 it is; None when it names none of them."""
    text = (text or "").strip()
    if not text:
        return None
    found = [v for v in villages if v.name and v.name in text]
    if found:
        return max(found, key=lambda v: len(v.name))
    bare = [v for v in villages if v.name.rstrip("村").removesuffix("社区") == text]
    return bare[0] if len(bare) == 1 else None


def subject_of(row: ListRow | None, person: Person | None) -> str:
    """Return what a difference is about, as its closure is keyed: the person, else the row's valid ID
    number, else its name, head and village as written."""
    if person is not None:
        return f"person:{person.pk}"
    if row is not None and row.id_valid:
        return f"id:{row.id_number}"
    if row is None:
        return ""
    return f"name:{row.name}|{row.head}|{row.village_text}"[:200]


def _with_household(queryset):
    """Return persons fetched with what the rules read: household, its live members and incomes."""
    return queryset.select_related("household", "village").prefetch_related(
        Prefetch("household__members", queryset=Person.objects.all(), to_attr=JUDGED_MEMBERS),
        "household__incomes",
    )


def _head_name(person: Person) -> str:
    household = person.household
    if household is None:
        return ""
    members = getattr(household, JUDGED_MEMBERS, None) or []
    return next((m.name for m in members if m.relation == Relation.HEAD), "")


def match_rows(*, user: Any, department_list: DepartmentList, rows: list[ListRow]) -> None:
    """Set each row's matched person, how it matched, the village it names and the village it is
    seen in (saved by the caller)."""
    villages = list(Village.objects.for_user(user).filter(township=department_list.township))
    persons = Person.objects.for_user(user).filter(village__township=department_list.township)
    numbers = {row.id_number for row in rows if row.id_valid}
    by_number = {p.id_number: p for p in _with_household(persons.filter(id_number__in=numbers))}
    names = {row.name for row in rows if not row.id_valid and row.name}
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in _with_household(persons.filter(name__in=names)):
        by_name[person.name].append(person)
    for row in rows:
        row.listed_village = resolve_village(row.village_text, villages) or (
            department_list.village if not row.village_text else None
        )
        person, match = None, Match.NONE
        if row.id_valid:
            person = by_number.get(row.id_number)
            match = Match.EXACT if person is not None else Match.NONE
        elif row.name:
            candidates = by_name.get(row.name, [])
            if row.head:
                fits = [p for p in candidates if _head_name(p) == row.head]
            else:
                fits = [p for p in candidates if row.listed_village and p.village_id == row.listed_village.pk]
            if len(fits) == 1:
                person, match = fits[0], Match.WEAK
        row.person, row.match = person, match
        row.village = person.village if person is not None else row.listed_village


@dataclass
class Found:
    """The differences of a list, unsaved."""

    differences: list[Difference] = field(default_factory=list)

    def add(
        self, department_list, kind, *, row=None, person=None, village=None, detail="", entry=None
    ) -> None:
        self.differences.append(
            Difference(
                department_list=department_list,
                row=row,
                kind=kind,
                person=person,
                village=village,
                subject=subject_of(row, person),
                detail=detail[:300],
                entry_model=entry._meta.model_name if entry is not None else "",
                entry_id=entry.pk if entry is not None else None,
            )
        )

    def add_of_row(self, department_list, kind, row, *, detail) -> None:
        """Add a difference about the person ``row`` matched, in the village she is registered in."""
        self.add(department_list, kind, row=row, person=row.person, village=row.person.village, detail=detail)

    def add_of_entry(self, department_list, kind, entry, *, row=None, detail) -> None:
        """Add a difference about a register ``entry``: its person, in its village."""
        self.add(
            department_list,
            kind,
            row=row,
            person=entry.person,
            village=entry.village,
            entry=entry,
            detail=detail,
        )


def find_differences(*, user: Any, department_list: DepartmentList, rows: list[ListRow]) -> list[Difference]:
    """Return the differences of a list whose rows are matched (:func:`match_rows`), unsaved, each
    closed already where the same difference was checked on an earlier list of the same kind."""
    lst = department_list
    year = lst.as_of.year
    found = Found()
    matched = [row for row in rows if row.person is not None]
    for row in rows:
        person = row.person
        if person is None:
            where = row.village_text or (lst.village.name if lst.village else "")
            found.add(
                lst,
                DifferenceKind.NOT_REGISTERED,
                row=row,
                village=row.listed_village,
                detail=_("名单第 %(row)s 行的“%(name)s”（%(where)s）在本辖区没有登记。")
                % {"row": row.number, "name": row.name or row.id_number, "where": where or _("未写村")},
            )
        elif row.village_text and person.village.name not in row.village_text:
            found.add_of_row(
                lst,
                DifferenceKind.OTHER_VILLAGE,
                row,
                detail=_("名单写的是“%(written)s”，系统中登记在%(village)s。")
                % {"written": row.village_text, "village": person.village.name},
            )
    if lst.kind == ListKind.DIBAO:
        _dibao_not_listed(found, user=user, lst=lst, listed={row.person_id for row in matched}, year=year)
    if lst.kind in POOR_LISTS:
        _poor_not_registered(found, user=user, lst=lst, rows=matched, year=year)
    if lst.kind == ListKind.DETENTION:
        _detention(found, user=user, lst=lst, rows=matched, year=year)
    if lst.kind == ListKind.BOARDING:
        _boarding(found, user=user, lst=lst, rows=matched, year=year)
    _close_checked(found.differences, lst)
    return found.differences


def _dibao_not_listed(found: Found, *, user, lst: DepartmentList, listed: set[int], year: int) -> None:
    entries = PoorWoman.objects.for_user(user).filter(
        PoorWoman.active_in_year_q(year), in_dibao=True, village__township=lst.township
    )
    if lst.village_id:
        entries = entries.filter(village_id=lst.village_id)
    for entry in entries.select_related("person", "village").exclude(person_id__in=listed):
        found.add_of_entry(
            lst,
            DifferenceKind.DIBAO_NOT_LISTED,
            entry,
            detail=_("%(year)s 年度贫困妇女登记为“纳入低保”，但不在这份低保名单上。") % {"year": year},
        )


def _poor_not_registered(found: Found, *, user, lst: DepartmentList, rows: list[ListRow], year: int) -> None:
    women = [row for row in rows if row.person.sex == "F"]
    registered = set(
        PoorWoman.objects.for_user(user)
        .filter(PoorWoman.active_in_year_q(year), person_id__in=[row.person_id for row in women])
        .values_list("person_id", flat=True)
    )
    line = year_settings(year).poverty_line
    for row in women:
        person = row.person
        if person.pk in registered:
            continue
        household = live_household(person)
        if poor_woman_problems(woman=person, household=household, year=year, on=lst.as_of):
            continue
        income = household.income_of(year).per_capita_income
        found.add_of_row(
            lst,
            DifferenceKind.POOR_NOT_REGISTERED,
            row,
            detail=_("%(year)s 年家庭人均纯收入 %(income)s 元，低于贫困线 %(line)s 元，未登记为贫困妇女。")
            % {"year": year, "income": income, "line": line},
        )


def _children_entries(user, children: list[Person], year: int):
    return (
        LeftBehindChild.objects.for_user(user)
        .filter(LeftBehindChild.active_in_year_q(year), person__in=children)
        .select_related("person", "village")
    )


def _detention(found: Found, *, user, lst: DepartmentList, rows: list[ListRow], year: int) -> None:
    for row in rows:
        parent = row.person
        for entry in _children_entries(user, children_of(parent), year).exclude(
            away_reason=AwayReason.DETENTION
        ):
            found.add_of_entry(
                lst,
                DifferenceKind.DETENTION_REASON,
                entry,
                row=row,
                detail=_("通知载明其父母%(parent)s在押，留守儿童登记的外出原因是“%(reason)s”。")
                % {"parent": parent.name, "reason": entry.get_away_reason_display()},
            )


def _boarding(found: Found, *, user, lst: DepartmentList, rows: list[ListRow], year: int) -> None:
    by_person = {row.person_id: row for row in rows}
    for entry in _children_entries(user, [row.person for row in rows], year).filter(boarding=False):
        found.add_of_entry(
            lst,
            DifferenceKind.BOARDING_NOT_MARKED,
            entry,
            row=by_person.get(entry.person_id),
            detail=_("在学校寄宿生名单上，%(year)s 年度留守儿童登记为不寄宿。") % {"year": year},
        )


def _close_checked(differences: list[Difference], lst: DepartmentList) -> None:
    """Link each difference to the check that closed the same one on an earlier list of the kind."""
    subjects = {d.subject for d in differences}
    checks = DifferenceCheck.objects.filter(township=lst.township, list_kind=lst.kind, subject__in=subjects)
    by_key = {(c.subject, c.kind): c for c in checks}
    for difference in differences:
        difference.closed_by = by_key.get((difference.subject, difference.kind))
