"""Import two-cancer screening records (两癌检查, ledger ``screening``): one row a woman's screening.

The only screening export is the statistics table (``screening_statistics``: numbers a village, no
person), so this importer has its own layout, one row a screening with the fields of
:class:`outreach.models.Screening`: 姓名, 身份证号, 检查项目, 检查日期, 检查机构, 检查结果, follow-up,
treatment and relief. A record is matched by (woman, year, 检查项目) and updated, else created; a
woman has at most one record of each kind a year, so the same ID number may appear twice in a file
(once for each kind), not twice for one kind.

The woman must be registered in this village already (the roster first): a screening register names
women, it does not register them. A person of another village or a deleted one is refused with the
message of ``Person.clean``, as everywhere.

Health data: only a user holding ``outreach.view_health_data`` may import it, nothing of a row is
ever logged, and the messages name rows and columns, never a woman's result.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.core.scoping import TOWNSHIP_RECORDS
from federation.ledgers.imports.cells import normalize_header, parse_bool, parse_date
from federation.ledgers.imports.framework import UNCHANGED, ImportRow, RowInvalid
from federation.ledgers.model_ledgers import LedgerImporter
from outreach.exports import (
    ACTIVITIES_LEDGER,
    PETITIONS_LEDGER,
    SCREENING_LEDGER,
    VISITS_LEDGER,
    VOLUNTEERS_LEDGER,
)
from outreach.models import (
    Handling,
    MediationResult,
    Petition,
    PetitionCategory,
    Screening,
    Visit,
    VisitMode,
    VolunteerActivity,
    VolunteerMember,
    VolunteerTeam,
)
from outreach.models.petitions import DOMESTIC_VIOLENCE_PERMISSION
from outreach.models.screening import HEALTH_DATA_PERMISSION
from outreach.models.volunteers import Speciality
from outreach.rules import activity_participant_problems
from registry.entries import ROSTER_FIRST, PersonRowMixin, check_own_village
from registry.models import Person, VillageDirector

__all__ = [
    "ActivityImporter",
    "PetitionImporter",
    "ScreeningImporter",
    "VisitImporter",
    "VolunteerImporter",
]


class ScreeningImporter(PersonRowMixin, LedgerImporter, ledger=SCREENING_LEDGER, model=Screening):
    """两癌检查个人记录 (ledger ``screening``)."""

    noun = _("条")
    unique_key = None  # one woman may have a cervical and a breast screening: see apply_row
    notes = (
        _("一次检查一行：同一妇女做了宫颈癌和乳腺癌两项检查的，写两行。"),
        _("妇女按身份证号在本村居民中查找（没有身份证号时按姓名查找），须先在本村登记（导入居民花名册）。"),
        _("同一妇女本年度同一检查项目已登记的，更新这一条记录；检查日期须在本年度内。"),
        _("检查结果属于个人健康信息，只有有权查看两癌检查个人结果的人员可以导入，请妥善保管本表。"),
    )
    field_columns = {"year": "screened_on"}
    _values = Screening.RECORDED

    def prepare(self, rows: list[ImportRow]) -> None:
        self.allowed = self.user.has_perm(HEALTH_DATA_PERMISSION)
        self.prefetch_persons(rows)
        self.records = {
            (s.person_id, s.kind): s
            for s in Screening.objects.filter(person__village=self.village, year=self.year)
        }

    def apply_row(self, row: ImportRow) -> str:
        if not self.allowed:
            row.fail("name", gettext("您没有查看两癌检查个人结果的权限，不能导入两癌检查记录。"))
            raise RowInvalid
        person = self.find_person(row)
        if person is None:
            row.fail("id_number" if row.get("id_number") else "name", ROSTER_FIRST)
            raise RowInvalid
        kind = row.get("kind")
        key = (person.pk, kind)
        if self.repeated(row, key, "kind", gettext("与第 %(row)s 行是同一妇女的同一检查项目。")):
            raise RowInvalid
        record = self.records.get(key) or Screening(person=person, year=self.year, kind=kind)
        values: dict[str, Any] = {}
        for name in self._values:
            if row.has(name):
                value = row.get(name)
                values[name] = Screening._meta.get_field(name).get_default() if value is None else value
        outcome = self.store(record, values, row)
        self.records[key] = record
        return outcome


# -- what the outreach importers share ----------------------------------------------------------------


def _text(row: ImportRow, key: str) -> str:
    return (row.get(key) or "").strip()


def _not_one_of(row: ImportRow, key: str, message: str, said: str, choices: Any) -> None:
    """Fail ``row`` under ``key`` with ``message``: what it ``said``, and the labels ``choices`` allow."""
    allowed = "、".join(str(label) for value, label in choices if value)
    row.fail(key, message % {"said": said, "allowed": allowed})


def _in_year(row: ImportRow, key: str, year: int) -> None:
    """Refuse the row when its date ``key`` lies outside the import's year (the ledger's year)."""
    day = row.get(key)
    if day is not None and day.year != year:
        row.fail(key, gettext("须在 %(year)s 年度内（导入的年度）。") % {"year": year})


def _place(person: Person) -> tuple[str, ...]:
    """Return the texts a 村组 cell may name ``person``'s place by: her group, with or without the village."""
    group = str(person.household.group) if person.household_id and person.household.group_id else ""
    return tuple(
        normalize_header(t) for t in (group, f"{person.village.name}{group}", person.village.name) if t
    )


def two_parts(text: str, separator: str) -> tuple[str, str]:
    """Return the text before and after the last ``separator`` (Chinese or ASCII colon alike)."""
    text = text.replace(":", "：")
    head, found, tail = text.rpartition(separator)
    return (head.strip(), tail.strip()) if found else (text.strip(), "")


#: Where the 帮扶措施及结果 cell's result begins (the export writes 措施；结果：…).
_RESULT = re.compile(r"(?:^|[；;])\s*结果\s*[：:]")


def help_and_result(text: str) -> tuple[str, str]:
    """Return the help given and its result from a 帮扶措施及结果 cell (联系农技站；结果：已解决)."""
    found = list(_RESULT.finditer(text))
    if not found:
        return text, ""
    return text[: found[-1].start()].strip(), text[found[-1].end() :].strip()


# -- 走访记录 ------------------------------------------------------------------------------------------


class VisitImporter(LedgerImporter, ledger=VISITS_LEDGER, model=Visit):
    """走访记录 (ledger ``visits``): one row a visit to a resident of the village.

    The resident is found by 姓名 (and 身份证号 where the file has it) among the village's residents,
    a namesake told apart by 村组. A visit is matched by (resident, date, 走访对象类别) and updated,
    else created; the register's rule (``outreach.rules.visit_problems``) is the model's ``clean()``.
    """

    noun = _("次")
    unique_key = None
    village_keys = ("place",)
    field_columns = {
        "is_poor": "poor",
        "poverty_reason": "poor",
        "living_situation": "living",
        "help_given": "help",
        "result": "help",
    }
    notes = (
        _("一次走访一行；同一居民同一天同一走访对象类别已登记的走访会被更新。"),
        _("被走访人须是本村已登记的居民；走访日期须在导入的年度内、不晚于今天。"),
        _("走访留守妇女、贫困妇女的，她须在走访的年度或上一年度登记在该台账中。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.people: dict[str, list[Person]] = {}
        for person in Person.objects.filter(village=self.village).select_related(
            "village", "household__group"
        ):
            self.people.setdefault(person.name, []).append(person)
        self.visits = {
            (v.person_id, v.visited_on, v.visited_for): v
            for v in Visit.objects.filter(village=self.village, visited_on__year=self.year)
        }

    def find_person(self, row: ImportRow) -> Person:
        """Return the village's resident the row names, or record why not and raise RowInvalid."""
        name, number = _text(row, "name"), row.get("id_number")
        found = self.people.get(name, [])
        if number:
            found = [p for p in found if p.id_number == number]
        place = normalize_header(_text(row, "place"))
        if len(found) > 1 and place:
            found = [p for p in found if place in _place(p)]
        if len(found) == 1:
            return found[0]
        if found:
            row.fail(
                "name",
                gettext("本村有 %(n)s 位叫“%(name)s”的居民，请在“村组”写明她的组，或加一列“身份证号”。")
                % {"n": len(found), "name": name},
            )
        else:
            row.fail("name", gettext("本村没有登记叫“%(name)s”的居民：请先登记她。") % {"name": name})
        raise RowInvalid

    def poor(self, row: ImportRow) -> tuple[bool, str]:
        """Return (poor or not, the reason) of the 是否贫困及原因 cell: 否, or 是：因病致贫."""
        head, reason = two_parts(_text(row, "poor"), "：")
        if not head and not reason:
            return False, ""
        is_poor, error = parse_bool(head)
        if error or is_poor is None:
            row.fail("poor", gettext("写“否”，或“是：贫困原因”，如 是：因病致贫。"))
            raise RowInvalid
        return is_poor, reason

    def apply_row(self, row: ImportRow) -> str:
        person = self.find_person(row)
        _in_year(row, "visited_on", self.year)
        is_poor, reason = self.poor(row)
        help_given, result = help_and_result(_text(row, "help"))
        key = (person.pk, row.get("visited_on"), row.get("visited_for"))
        self.repeated(row, key, "visited_on", gettext("与第 %(row)s 行是同一人同一天的同一类走访。"))
        if row.errors:
            raise RowInvalid
        visit = self.visits.get(key) or Visit(person=person, visited_on=key[1], visited_for=key[2])
        values = {
            "mode": row.get("mode") or VisitMode.HOME,
            "visitors": _text(row, "visitors"),
            "is_poor": is_poor,
            "poverty_reason": reason,
            "living_situation": _text(row, "living"),
            "difficulties": _text(row, "difficulties"),
            "help_given": help_given,
            "result": result,
        }
        outcome = self.store(visit, values, row)
        self.visits[key] = visit
        return outcome


# -- 来信来访登记表 ---------------------------------------------------------------------------------------

_HANDLING = re.compile(r"^(?P<how>[^（(]+?)\s*(?:[（(](?P<to>.*)[）)])?$")
HANDLINGS = {normalize_header(label): value for value, label in Handling.choices} | {
    normalize_header(alias): value
    for alias, value in {
        "村内调解": "village",
        "村内处理": "village",
        "上报乡镇": "township",
        "转部门": "referred",
    }.items()
}
MEDIATIONS = {"": ""} | {normalize_header(label): value for value, label in MediationResult.choices}


class PetitionImporter(LedgerImporter, ledger=PETITIONS_LEDGER, model=Petition):
    """来信来访登记表 (ledger ``petitions``): one row a letter, visit or call received by the village.

    A case is matched by (受理日期, 来访人, 类别) and updated, else created; the rules are
    ``outreach.rules.petition_problems`` through the model's ``clean()``. A domestic-violence case
    is imported only by a role that may see such cases.
    """

    noun = _("件")
    unique_key = None
    person_column = "petitioner"
    village_keys = ("village",)
    field_columns = {
        "petitioner_name": "petitioner",
        "referred_to": "handling",
        "mediation": "handling",
        "return_visit_on": "return_visit",
        "return_visit_note": "return_visit",
    }
    notes = (
        _("一件来信来访一行；同一受理日期、同一来访人、同一类别已登记的会被更新。"),
        _("受理日期须在导入的年度内；回访日期、结案日期不能早于受理日期，都不能晚于今天。"),
        _("家庭暴力案件只有有权查看的人员可以导入。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.may_see_violence = self.user.has_perm(DOMESTIC_VIOLENCE_PERMISSION)
        self.residents: dict[str, list[Person]] = {}
        for person in Person.objects.filter(village=self.village):
            self.residents.setdefault(person.name, []).append(person)
        self.cases = {
            (p.received_on, p.petitioner, p.category): p
            for p in Petition.objects.filter(
                village=self.village, received_on__year=self.year
            ).select_related("person")
        }

    def handling(self, row: ImportRow) -> dict[str, str]:
        """Return handling, referred_to and mediation from the 处理方式 cell, or fail the row."""
        how, _sep, mediation = _text(row, "handling").partition("；")
        match = _HANDLING.match(how.strip())
        handling = HANDLINGS.get(normalize_header(match["how"])) if match else None
        if handling is None:
            message = gettext("“%(said)s”不是处理方式，应为：%(allowed)s。")
            _not_one_of(row, "handling", message, how, Handling.choices)
        outcome = MEDIATIONS.get(normalize_header(mediation.strip("；; ")))
        if outcome is None:
            message = gettext("调解结果“%(said)s”不是允许的值，应为：%(allowed)s。")
            _not_one_of(row, "handling", message, mediation, MediationResult.choices)
        if row.errors:
            raise RowInvalid
        return {"handling": handling, "referred_to": (match["to"] or "").strip(), "mediation": outcome}

    def return_visit(self, row: ImportRow) -> dict[str, Any]:
        """Return the return visit's date and note from the 回访 cell (2014-03-20 已和好), or fail the row."""
        raw = row.get("return_visit")
        if isinstance(raw, dt.date):
            return {"return_visit_on": raw, "return_visit_note": ""}
        text = (raw or "").strip()
        if not text:
            return {"return_visit_on": None, "return_visit_note": ""}
        day_text, _sep, note = text.partition(" ")
        day, error = parse_date(day_text)
        if error or day is None:
            row.fail("return_visit", gettext("请写成 回访日期 回访情况，中间空一格，如 2014-03-20 已和好。"))
            raise RowInvalid
        return {"return_visit_on": day, "return_visit_note": note.strip()}

    def apply_row(self, row: ImportRow) -> str:
        check_own_village(
            row, self.village, gettext("只能导入本村（%(village)s）的来信来访，这一行写的是“%(written)s”。")
        )
        category = row.get("category")
        if category == PetitionCategory.DOMESTIC_VIOLENCE and not self.may_see_violence:
            row.fail("category", gettext("您的角色不能登记家庭暴力案件。"))
        _in_year(row, "received_on", self.year)
        handling = self.handling(row)
        visit = self.return_visit(row)
        name = _text(row, "petitioner")
        key = (row.get("received_on"), name, category)
        self.repeated(row, key, "petitioner", gettext("与第 %(row)s 行是同一天同一来访人的同一类事。"))
        if row.errors:
            raise RowInvalid
        case = self.cases.get(key) or Petition(village=self.village, received_on=key[0], category=category)
        values: dict[str, Any] = {
            "way": row.get("way"),
            "summary": _text(row, "summary"),
            "received_by": _text(row, "received_by"),
            "result": _text(row, "result"),
            "closed_on": row.get("closed_on"),
            **handling,
            **visit,
        }
        if case.pk is None:
            namesakes = self.residents.get(name, [])
            values.update(person=namesakes[0] if len(namesakes) == 1 else None, petitioner_name=name)
        outcome = self.store(case, values, row)
        self.cases[key] = case
        return outcome


# -- 巾帼志愿者服务队登记表 and 志愿服务活动记录 -----------------------------------------------------

SPECIALITIES = {normalize_header(label): value for value, label in Speciality.choices}
TOWNSHIP_LEVEL = normalize_header(gettext("乡镇级"))


class TeamsMixin:
    """Find the team a row names: of the importer's village, or of its township (乡镇级)."""

    village: Any
    user: Any

    def prefetch_teams(self) -> None:
        self.may_write_township = self.user.has_perm(TOWNSHIP_RECORDS)
        self.teams: dict[str, list[VolunteerTeam]] = {}
        for team in VolunteerTeam.objects.filter(township=self.village.township_id).select_related("village"):
            if team.village_id in (None, self.village.pk):
                self.teams.setdefault(team.name, []).append(team)

    def team_named(self, row: ImportRow) -> VolunteerTeam | None:
        """Return the team of the row's 服务队 (None: not registered); fail the row when it is ambiguous."""
        teams = self.teams.get(_text(row, "team"), [])
        level = normalize_header(_text(row, "level"))
        if level and len(teams) > 1:
            teams = [t for t in teams if normalize_header(t.level_label) == level]
        if len(teams) > 1:
            row.fail(
                "team",
                gettext("本村和乡镇都有叫“%(team)s”的服务队：请在“所属”写明。") % {"team": row.get("team")},
            )
            raise RowInvalid
        return teams[0] if teams else None

    def township_write(self, row: ImportRow, key: str, *, when: bool = True) -> None:
        """Refuse a row that would write a township-level record (``when``) for a user who may not."""
        if when and not self.may_write_township:
            row.fail(key, gettext("乡镇级的服务队、队员和活动由乡镇妇联导入，村里只能导入本村的。"))
            raise RowInvalid


class VolunteerImporter(TeamsMixin, LedgerImporter, ledger=VOLUNTEERS_LEDGER, model=VolunteerMember):
    """巾帼志愿者服务队登记表 (ledger ``volunteers``): one row a member of a team.

    A team not registered yet is registered from the row (its name, 所属, 服务特长, 队长). A member is
    matched by (team, name) and updated, else created: a village director of that name becomes her
    director record, else the one resident of that name, else the name alone.
    """

    yearly = False
    noun = _("人")
    unique_key = None
    village_keys = ("level", "village")
    field_columns = {"director": "name", "speciality": "member_speciality", "speciality_detail": "speciality"}
    notes = (
        _("一人参加几个服务队时每队写一行；同一服务队同名的队员会被更新。"),
        _("服务队还没有登记的，按本行的服务队、所属、服务特长、队长登记为本村的服务队。"),
        _("队员是本村的村妇联主席或已登记的居民时，按姓名对应到她。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.prefetch_teams()
        self.directors = {d.name: d for d in VillageDirector.objects.filter(village=self.village)}
        self.residents: dict[str, list[Person]] = {}
        for person in Person.objects.filter(village=self.village):
            self.residents.setdefault(person.name, []).append(person)
        self.members = {
            (m.team_id, m.name): m
            for m in VolunteerMember.objects.filter(team__township=self.village.township_id).filter(
                Q(village=self.village) | Q(village__isnull=True)
            )
        }

    def team(self, row: ImportRow) -> VolunteerTeam:
        """Return the row's team: registered, else registered now as a team of this village."""
        head, detail = two_parts(_text(row, "speciality"), "：")
        speciality = SPECIALITIES.get(normalize_header(head)) if head else None
        if head and speciality is None:
            message = gettext("“%(said)s”不是服务特长，应为：%(allowed)s。")
            _not_one_of(row, "speciality", message, head, Speciality.choices)
            raise RowInvalid
        team = self.team_named(row)
        level = normalize_header(_text(row, "level"))
        if team is None:
            if level == TOWNSHIP_LEVEL:
                self.township_write(row, "level")
            elif level not in ("", normalize_header(self.village.name)):
                row.fail("level", gettext("只能导入本村或乡镇级的服务队。"))
                raise RowInvalid
            team = VolunteerTeam(
                township=self.village.township,
                village=None if level == TOWNSHIP_LEVEL else self.village,
                name=_text(row, "team"),
            )
        values = {"leader": _text(row, "leader")} if row.has("leader") else {}
        if speciality is not None or team.pk is None:
            values.update(speciality=speciality or "", speciality_detail=detail)
        if self.changed(team, values) or team.pk is None:
            self.township_write(row, "team", when=team.village_id is None)
            self.save(team, row)
            self.teams[team.name] = [team]
        return team

    def apply_row(self, row: ImportRow) -> str:
        team = self.team(row)
        name = _text(row, "name")
        village = normalize_header(_text(row, "village"))
        if village not in ("", normalize_header(self.village.name)):
            row.fail(
                "village", gettext("只能导入本村（%(village)s）的队员。") % {"village": self.village.name}
            )
            raise RowInvalid
        key = (team.pk, name)
        if self.repeated(row, key, "name", gettext("与第 %(row)s 行是同一服务队的同一队员。")):
            raise RowInvalid
        member = self.members.get(key) or VolunteerMember(team=team, name=name)
        values: dict[str, Any] = {
            "work_unit": _text(row, "work_unit"),
            "phone": row.get("phone") or "",
            "speciality": _text(row, "member_speciality"),
        }
        if row.get("joined_on") or member.pk is None:
            values["joined_on"] = row.get("joined_on") or timezone.localdate()
        if member.pk is None and village:
            residents = self.residents.get(name, [])
            values["director"] = self.directors.get(name)
            values["person"] = residents[0] if len(residents) == 1 else None
            values["village"] = self.village
        outcome = self.store(
            member,
            values,
            row,
            before_save=lambda: self.township_write(
                row, "village", when=member.village_id is None and not village
            ),
        )
        self.members[key] = member
        return outcome


_NAMES = re.compile(r"[、,，;；\s]+")


class ActivityImporter(TeamsMixin, LedgerImporter, ledger=ACTIVITIES_LEDGER, model=VolunteerActivity):
    """志愿服务活动记录 (ledger ``volunteer_activities``): one row an activity of a registered team.

    An activity is matched by (team, date, 活动名称) and updated, else created; its participants are
    members of its team (``outreach.rules.activity_participant_problems``).
    """

    noun = _("次")
    unique_key = None
    person_column = "title"
    village_keys = ("level",)
    field_columns = {"other_participants": "others"}
    notes = (
        _("一次活动一行；同一服务队同一天同名的活动会被更新。"),
        _("服务队须已登记（先导入巾帼志愿者服务队登记表）；参加队员须是该队已登记的队员。"),
        _("活动日期须在导入的年度内、不晚于今天。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.prefetch_teams()
        teams = [team for same in self.teams.values() for team in same]
        self.activities = {
            (a.team_id, a.held_on, a.title): a
            for a in VolunteerActivity.objects.filter(
                team__in=teams, held_on__year=self.year
            ).prefetch_related("participants")
        }
        self.members: dict[tuple[int, str], list[VolunteerMember]] = {}
        for member in VolunteerMember.objects.filter(team__in=teams):
            self.members.setdefault((member.team_id, member.name), []).append(member)

    def participants(self, row: ImportRow, team: VolunteerTeam) -> list[VolunteerMember]:
        found: list[VolunteerMember] = []
        for name in filter(None, _NAMES.split(_text(row, "participants"))):
            members = self.members.get((team.pk, name), [])
            if len(members) != 1:
                row.fail(
                    "participants",
                    gettext("“%(name)s”不是%(team)s已登记的队员：请先登记她，或计入其他参加人数。")
                    % {"name": name, "team": team.name},
                )
            elif members[0] not in found:
                found.append(members[0])
        return found

    def apply_row(self, row: ImportRow) -> str:
        team = self.team_named(row)
        if team is None:
            row.fail(
                "team",
                gettext("服务队“%(team)s”还没有登记：请先导入巾帼志愿者服务队登记表。")
                % {"team": row.get("team")},
            )
            raise RowInvalid
        _in_year(row, "held_on", self.year)
        members = self.participants(row, team)
        for problem in activity_participant_problems(team=team, participants=members):
            row.fail("participants", problem.message)
        key = (team.pk, row.get("held_on"), _text(row, "title"))
        self.repeated(row, key, "title", gettext("与第 %(row)s 行是同一服务队同一天的同一活动。"))
        if row.errors:
            raise RowInvalid
        activity = self.activities.get(key) or VolunteerActivity(team=team, held_on=key[1], title=key[2])
        values = {
            "place": _text(row, "place"),
            "content": _text(row, "content"),
            "other_participants": row.get("others", 0),
            "people_served": row.get("people_served"),
        }
        same_people = activity.pk is not None and {m.pk for m in activity.participants.all()} == {
            m.pk for m in members
        }
        outcome = self.store(
            activity,
            values,
            row,
            also_changed=not same_people,
            before_save=lambda: self.township_write(row, "team", when=team.village_id is None),
        )
        if outcome != UNCHANGED:
            activity.participants.set(members)
            self.activities[key] = activity
        return outcome
