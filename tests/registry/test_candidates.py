"""Issue 15, part 5: the candidates of the poor women's and the children-in-hardship registers.

Persons whom the household facts put in a register but who are not registered: listed above the
register (a village at a time), each with a 登记 that opens the form filled in; the same rules as the
register's (every candidate passes them); scoped like every list. Year 2026 (reference date 18 March).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from federation.core.models import YearSettings
from registry import models
from registry.rules import poor_woman_problems
from registry.selectors import hardship_child_candidates, poor_woman_candidates
from tests.helpers.factories import member
from tests.helpers.registers import list_url, new_household, urls

YEAR = 2026


def poor_household(village, income="1800", year=YEAR):
    return new_household(village, per_capita_income=Decimal(income), income_year=year)


def poor_woman(village, name="贫困甲"):
    return member(poor_household(village), "head", name, dt.date(1975, 2, 3))


def orphan(village, *, mother_dead=True, born=dt.date(2015, 6, 1), name="孤儿"):
    household = new_household(village)
    member(household, "head", "亡父", dt.date(1984, 1, 1), sex="M", deceased=True)
    member(household, "spouse", "母亲", dt.date(1986, 1, 1), deceased=mother_dead)
    return member(household, "child", name, born)


# --- poor women ---------------------------------------------------------------------------------------


def test_poor_woman_candidates_are_the_women_of_households_below_the_line_not_registered(world):
    village = world.village_a
    household = poor_household(village)
    mother = member(household, "head", "贫困母亲", dt.date(1975, 2, 3))
    daughter = member(household, "child", "成年女儿", dt.date(2007, 1, 1))  # 19 on 18 March 2026
    girl = member(household, "child", "小女儿", dt.date(2012, 1, 1))  # 14: not a woman (妇女) yet
    man = member(household, "spouse", "丈夫", dt.date(1973, 1, 1), sex="M")
    dead = member(household, "parent", "婆婆", dt.date(1950, 1, 1), deceased=True)
    at_line = member(poor_household(village, income="2300"), "head", "线上", dt.date(1980, 1, 1))
    other_year = member(poor_household(village, year=YEAR - 1), "head", "去年贫困", dt.date(1980, 1, 1))
    listed = list(poor_woman_candidates(user=world.dir_a, year=YEAR))
    assert mother in listed and daughter in listed
    for person in (girl, man, dead, at_line, other_year):
        assert person not in listed, person.name
    # Every candidate meets the register's rule: the query is the rule, not a second one.
    for woman in listed:
        assert poor_woman_problems(woman=woman, household=woman.household, year=YEAR) == []
    models.PoorWoman.objects.create(person=mother, year=YEAR, reason="illness")
    assert mother not in poor_woman_candidates(user=world.dir_a, year=YEAR)
    assert mother not in poor_woman_candidates(user=world.dir_a, year=YEAR + 1)  # no income of 2027


def test_the_poverty_line_of_the_year_decides(world):
    woman = member(poor_household(world.village_a, income="2500"), "head", "边缘户", dt.date(1980, 1, 1))
    assert woman not in poor_woman_candidates(user=world.dir_a, year=YEAR)
    YearSettings.objects.create(year=YEAR, poverty_line=Decimal("2600"))
    assert woman in poor_woman_candidates(user=world.dir_a, year=YEAR)


def test_the_poor_women_page_lists_them_with_a_register_that_fills_in_her(world, login):
    woman = poor_woman(world.village_a)
    client = login(world.dir_a)
    page = client.get(list_url("poorwoman")).content.decode()
    assert "家庭人均纯收入低于贫困线、尚未登记的妇女：1 人" in page
    assert "人均纯收入 1800 元" in page  # why she is listed: her household's income of the year
    link = f"{urls('poorwoman')['create']}?person={woman.pk}&year={YEAR}"
    assert link in page
    form = client.get(link).context["form"]
    assert (form.initial["person"], form.initial["year"]) == (woman.pk, YEAR)


def test_a_search_shows_what_was_asked_for_first_and_links_back_to_the_candidates(world, login):
    poor_woman(world.village_a, name="贫困乙")
    client = login(world.dir_a)
    searched = client.get(list_url("poorwoman", q="贫困乙")).content.decode()
    assert "尚未登记的妇女" not in searched and ">贫困乙</a>" not in searched  # not registered: no row either
    assert f'<a href="?year={YEAR}">列表第一页</a>' in searched
    first = client.get(list_url("poorwoman")).content.decode()
    assert "家庭人均纯收入低于贫困线、尚未登记的妇女：1 人" in first and "贫困乙" in first


# --- children in hardship ----------------------------------------------------------------------------


def test_hardship_candidates_are_children_whose_parents_are_both_recorded_deceased(world):
    village = world.village_a
    both = orphan(village, name="双亡")
    one = orphan(village, mother_dead=False, name="单亲")
    too_old = orphan(village, born=dt.date(2010, 3, 18), name="满十六")  # 16 on 18 March 2026
    listed = list(hardship_child_candidates(user=world.dir_a, year=YEAR))
    assert listed == [both]
    assert one not in listed and too_old not in listed
    entry = models.HardshipChild(
        person=both, year=YEAR, reason="both_dead", guardian_name="奶奶", guardian_relation="grandparent"
    )
    entry.full_clean()  # the candidate passes the register's rules, 父母双亡 included
    entry.save()
    assert both not in hardship_child_candidates(user=world.dir_a, year=YEAR)
    assert both in hardship_child_candidates(user=world.dir_a, year=YEAR + 1)


def test_the_hardship_page_lists_them_with_a_register_that_fills_in_both_dead(world, login):
    child = orphan(world.village_a, name="孤儿甲")
    client = login(world.dir_a)
    page = client.get(list_url("hardshipchild")).content.decode()
    assert "父母在居民信息中均已故、尚未登记的儿童：1 人" in page
    link = f"{urls('hardshipchild')['create']}?person={child.pk}&year={YEAR}&reason=both_dead"
    assert link in page
    form = client.get(link).context["form"]
    assert (form.initial["person"], form.initial["reason"]) == (child.pk, "both_dead")


def test_the_township_chooses_a_village_to_see_its_candidates(world, login):
    orphan(world.village_a, name="孤儿甲")
    client = login(world.staff)
    page = client.get(list_url("hardshipchild")).content.decode()
    assert "选择村后" in page and "孤儿甲" not in page
    page = client.get(list_url("hardshipchild", village=world.village_a.pk)).content.decode()
    assert "孤儿甲" in page


@pytest.mark.parametrize(
    ("selector", "make"),
    [
        (
            poor_woman_candidates,
            lambda v, i: member(poor_household(v), "head", f"贫{i}", dt.date(1975, 1, 9)),
        ),
        (hardship_child_candidates, lambda v, i: orphan(v, name=f"孤{i}")),
    ],
    ids=["poor_women", "hardship_children"],
)
def test_candidates_are_read_in_one_query_whatever_their_number(world, selector, make):
    for i in range(5):
        make(world.village_a, i)
    qs = selector(user=world.dir_a, year=YEAR, village_id=world.village_a.pk)
    with CaptureQueriesContext(connection) as queries:
        shown = [(p.name, p.village.name, str(p.household.group)) for p in qs]
    assert len(shown) == 5 and len(queries) == 1


# --- left-behind children: the candidates are what the rule accepts -----------------------------------


def test_left_behind_child_candidates_pass_the_rule_with_their_prefilled_answer(world):
    from registry.selectors import left_behind_child_candidates

    away = {"work_place": "out_province", "away_since": dt.date(2024, 1, 1)}
    for name, father, mother in (
        ("父亲外出", away, {}),
        ("双方外出", away, away),
        ("父亲已故", {**away, "deceased": True}, {}),  # a dead father is no reason (the rule refuses it)
        ("刚外出", {**away, "away_since": dt.date(2026, 6, 2)}, {}),  # after 18 March 2026
    ):
        household = new_household(world.village_a)
        member(household, "head", f"{name}父", dt.date(1985, 1, 1), sex="M", **father)
        member(household, "spouse", f"{name}母", dt.date(1987, 1, 1), **mother)
        member(household, "child", name, dt.date(2015, 6, 1))
    found = dict(left_behind_child_candidates(user=world.dir_a, year=YEAR))
    assert {child.name: which for child, which in found.items()} == {"父亲外出": "father", "双方外出": "both"}
    for child, which in found.items():
        models.LeftBehindChild(
            person=child, year=YEAR, parents_away=which, guardian_name="奶奶", guardian_relation="grandparent"
        ).full_clean()


# --- poor women and children in hardship: scoped like every list -----------------------------------------


@pytest.mark.parametrize(
    ("register", "candidate", "candidates", "heading"),
    [
        ("poorwoman", poor_woman, poor_woman_candidates, "尚未登记的妇女"),
        ("hardshipchild", orphan, hardship_child_candidates, "尚未登记的儿童"),
    ],
)
def test_candidates_are_scoped(world, login, register, candidate, candidates, heading):
    person = candidate(world.village_a, name="候选甲")
    assert person in candidates(user=world.staff, year=YEAR)
    assert person not in candidates(user=world.dir_b, year=YEAR)
    assert person not in candidates(user=world.other_staff, year=YEAR)
    page = login(world.dir_b).get(list_url(register)).content.decode()
    assert "候选甲" not in page and heading not in page
