"""Builders of outreach records and of the outreach world, shared by the outreach and ledger tests.

``build_outreach_world`` extends the named ``world`` of tests/conftest.py with one record of every
outreach model in village A and in village B (a task for village A alone), a township-level
volunteer team of 幸福乡, and a domestic-violence case in village A. Every record is saved through
``full_clean()``, so the fixtures obey the rules; tests/outreach/test_outreach_support.py checks the
left-behind family against the register's rules.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from federation.core.models import VillageGroup
from outreach import models
from outreach.task_services import task_new, task_save
from registry.models import LeftBehindWoman
from tests.helpers.factories import HouseholdFactory, PersonFactory, fresh_household_number

TODAY = timezone.localdate()
YEAR = TODAY.year


def saved(instance):
    """Validate ``instance`` as every write path does, save it, and return it."""
    instance.full_clean()
    instance.save()
    return instance


def left_behind_family(village, *, name: str, born: dt.date | None = None, year: int = YEAR):
    """Return a woman whose husband works in another province since long ago: she meets item 5."""
    group = VillageGroup.objects.filter(village=village).first()
    household = HouseholdFactory(village=village, group=group, number=fresh_household_number())
    PersonFactory(
        village=village,
        household=household,
        relation="head",
        name=f"{name}的丈夫",
        sex="M",
        birth_date=dt.date(year - 40, 1, 1),
        work_place="out_province",
        away_since=dt.date(year - 3, 2, 1),
    )
    return PersonFactory(
        village=village,
        household=household,
        relation="spouse",
        name=name,
        sex="F",
        birth_date=born or dt.date(year - 36, 6, 1),
    )


def left_behind_woman(village, *, name: str, year: int = YEAR, **kwargs) -> LeftBehindWoman:
    """Return a registered left-behind woman of ``year`` in ``village``."""
    return saved(
        LeftBehindWoman(person=left_behind_family(village, name=name, year=year, **kwargs), year=year)
    )


def visit(person, on: dt.date, **fields) -> models.Visit:
    """Return a saved visit to ``person`` on ``on``."""
    return saved(
        models.Visit(person=person, visited_on=on, visitors=fields.pop("visitors", "张红"), **fields)
    )


def screening(person, *, kind="cervical", result="normal", year: int = YEAR, **fields) -> models.Screening:
    """Return a saved screening of ``person``."""
    fields.setdefault("screened_on", min(dt.date(year, 4, 10), TODAY))
    return saved(
        models.Screening(person=person, year=year, kind=kind, result=result, institution="乡卫生院", **fields)
    )


def petition(village, *, category=models.PetitionCategory.MARRIAGE_FAMILY, **fields) -> models.Petition:
    """Return a saved petition received in ``village``."""
    fields.setdefault("received_on", TODAY - dt.timedelta(days=10))
    fields.setdefault("petitioner_name", "来访人")
    return saved(
        models.Petition(
            village=village,
            way="visit",
            category=category,
            summary=fields.pop("summary", "反映家庭矛盾"),
            received_by="张红",
            handling=fields.pop("handling", "village"),
            **fields,
        )
    )


def nomination(household, *, headings=("harmony",), **fields) -> models.HonourNomination:
    """Return a saved 最美家庭 proposal of ``household`` (its village's), proposed today."""
    fields.setdefault("proposed_on", TODAY)
    fields.setdefault("year", fields["proposed_on"].year)
    return saved(
        models.HonourNomination(
            village=household.village,
            household=household,
            headings=list(headings),
            story=fields.pop("story", "夫妻互敬互爱，照顾瘫痪的婆婆十年如一日。"),
            **fields,
        )
    )


def build_outreach_world(world):
    """Return ``world`` with one record of every outreach model in villages A and B (see module doc).

    The fixture ``outreach_world`` (tests/outreach/conftest.py) calls it.
    """
    w = world
    o = SimpleNamespace()
    for key in ("a", "b"):
        village = getattr(w, f"village_{key}")
        lbw = left_behind_woman(village, name=f"留守{key.upper()}")
        team = saved(
            models.VolunteerTeam(
                township=w.township, village=village, name=f"村{key.upper()}服务队", speciality="legal"
            )
        )
        member = saved(models.VolunteerMember(team=team, person=lbw.person))
        activity = saved(models.VolunteerActivity(team=team, held_on=TODAY, title=f"村{key.upper()}普法宣传"))
        activity.participants.set([member])
        setattr(o, f"lbw_{key}", lbw)
        setattr(o, f"visit_{key}", visit(lbw.person, TODAY, help_given=f"帮扶{key.upper()}"))
        setattr(o, f"screening_{key}", screening(lbw.person, result="precancerous", treated=True))
        setattr(o, f"team_{key}", team)
        setattr(o, f"member_{key}", member)
        setattr(o, f"activity_{key}", activity)
        setattr(o, f"petition_{key}", petition(village, petitioner_name=f"来访{key.upper()}"))
        lecture = saved(
            models.Lecture(
                township=w.township,
                village=village,
                kind="family_education",
                held_on=TODAY,
                place="妇女之家",
                speaker="李老师",
                topic=f"村{key.upper()}家庭教育讲座",
                unnamed_count=3,
            )
        )
        lecture.attendees.set([lbw.person])
        setattr(o, f"lecture_{key}", lecture)
        target = models.LectureTarget(
            township=w.township, village=village, year=TODAY.year, kind="family_education", sessions=2
        )
        setattr(o, f"lecture_target_{key}", saved(target))
        setattr(o, f"nomination_{key}", nomination(getattr(w, f"household_{key}")))
        award = models.RedBannerAward(
            township=w.township,
            village=village,
            kind="person",
            person=lbw.person,
            level="county",
            document="示妇发(2026)5号",
        )
        setattr(o, f"award_{key}", saved(award))
    o.dv_a = petition(
        w.village_a, category=models.PetitionCategory.DOMESTIC_VIOLENCE, petitioner_name="受害人甲"
    )
    o.township_team = saved(
        models.VolunteerTeam(
            township=w.township, village=None, name="幸福乡巾帼志愿服务队", speciality="care"
        )
    )
    o.township_member = saved(
        models.VolunteerMember(team=o.township_team, name="中心校杨老师", work_unit="中心校")
    )
    o.other_township_team = saved(
        models.VolunteerTeam(township=w.other_township, village=None, name="团结镇服务队", speciality="care")
    )
    # a task the township set for village A alone (outreach.task_services: set as on its pages)
    o.task_a = task_new(user=w.staff)
    o.task_a.title, o.task_a.due_on, o.task_a.asks_text = "六一儿童节慰问", TODAY, True
    task_save(user=w.staff, task=o.task_a, units=[w.village_a])
    w.o = o
    return w
