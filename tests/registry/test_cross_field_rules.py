"""Issue 15, part 4: a child's entry against what her family's records already say, grade and
boarding against age, a petition's mediation outcome against its result text.

Each check: refused with a message naming the fact it disagrees with, on the form and in an
import; accepted when the facts agree; not refused when the records cannot tell. Year 2026, whose
reference date (统计截止日) is 18 March 2026. The petitions' check: tests/outreach/test_petition_mediation.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from federation.core.actors import SystemActor
from federation.ledgers.imports.framework import get_importer
from registry import models
from registry.rules import (
    hardship_child_family_problems,
    left_behind_child_family_problems,
    school_grade,
    school_problems,
    usual_grade,
)
from tests.helpers.factories import member
from tests.helpers.imports import workbook_file
from tests.helpers.registers import form_data, new_household, urls

YEAR = 2026
ON = dt.date(2026, 3, 18)
AWAY = {"work_place": "out_province", "work_place_detail": "广东东莞", "away_since": dt.date(2024, 1, 1)}
AT_HOME: dict = {}
DEAD = {"deceased": True}


def family(village, *, father=None, mother=None, born=dt.date(2015, 6, 1), relation="child"):
    """Return a child of a new household of ``village`` whose father and mother (head and spouse)
    are recorded with ``father`` and ``mother``'s fields (None: not recorded in the household)."""
    household = new_household(village)
    if father is not None:
        member(household, "head", "王父", dt.date(1985, 1, 1), sex="M", **father)
    if mother is not None:
        member(household, "spouse" if father is not None else "head", "李母", dt.date(1987, 1, 1), **mother)
    return member(household, relation, "王小", born, sex="M")


def left_behind(child, **fields) -> models.LeftBehindChild:
    values = {"parents_away": "father", "guardian_name": "奶奶", "guardian_relation": "grandparent"}
    values.update(fields)
    return models.LeftBehindChild(person=child, year=YEAR, **values)


def hardship(child, **fields) -> models.HardshipChild:
    values = {"reason": "both_dead", "guardian_name": "爷爷", "guardian_relation": "grandparent"}
    values.update(fields)
    return models.HardshipChild(person=child, year=YEAR, **values)


def refusal(entry) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    return exc.value.message_dict


def post_form(client, key, entry):
    """Post the create form of register ``key`` for the unsaved ``entry``; return the response."""
    return client.post(urls(key)["create"], form_data(key, entry))


# --- left-behind children against the parents' work places ------------------------------------------


def test_a_child_whose_parents_are_both_at_home_is_refused_on_the_form(world, login):
    child = family(world.village_a, father=AT_HOME, mother=AT_HOME)
    response = post_form(login(world.dir_a), "leftbehindchild", left_behind(child, parents_away="both"))
    assert response.status_code == 200
    errors = response.context["form"].errors["parents_away"]
    assert "父亲（王父）的务工地点是“在家”（不在县外），与“父母双方外出”不符。" in errors
    assert "母亲（李母）的务工地点是“在家”（不在县外），与“父母双方外出”不符。" in errors
    assert not models.LeftBehindChild.objects.filter(person=child).exists()


def test_father_away_when_the_father_works_at_home_or_in_the_county_is_refused(world):
    child = family(world.village_a, father={"work_place": "in_county"}, mother=AT_HOME)
    assert refusal(left_behind(child)) == {
        "parents_away": ["父亲（王父）的务工地点是“县内”（不在县外），与“父亲外出”不符。"]
    }


def test_father_away_when_the_father_works_in_another_province_is_accepted(world, login):
    child = family(world.village_a, father=AWAY, mother=AT_HOME)
    response = post_form(login(world.dir_a), "leftbehindchild", left_behind(child))
    assert response.status_code == 302
    assert models.LeftBehindChild.objects.get(person=child, year=YEAR).parents_away == "father"


def test_a_mother_away_too_asks_for_both_parents_away(world):
    child = family(world.village_a, father=AWAY, mother={**AWAY, "work_place": "out_county"})
    assert refusal(left_behind(child)) == {
        "parents_away": [
            "母亲（李母）也在外务工（务工地点：县外省内），与“父亲外出”不符：请选择“父母双方外出”。"
        ]
    }
    left_behind(child, parents_away="both").full_clean()


def test_a_parent_who_left_after_the_judging_date_was_not_away_on_it(world):
    child = family(world.village_a, father={**AWAY, "away_since": dt.date(2026, 6, 2)}, mother=AT_HOME)
    problems = left_behind_child_family_problems(
        child=child, parents_away="father", away_reason="work", category="left_behind", on=ON
    )
    assert [p.message for p in problems] == [
        "父亲（王父） 2026-06-02 才外出务工，在 2026-03-18 时还没有外出，与“父亲外出”不符。"
    ]
    later = dt.date(2026, 12, 1)  # judged on another date (the entry's), he is away
    assert not left_behind_child_family_problems(
        child=child, parents_away="father", away_reason="work", category="left_behind", on=later
    )


def test_a_deceased_parent_is_not_away_whatever_the_reason(world):
    child = family(world.village_a, father=DEAD, mother=AT_HOME)
    for reason in ("work", "detention"):
        errors = refusal(left_behind(child, away_reason=reason))
        assert errors["parents_away"] == [
            "父亲（王父）在居民信息中已故，与“父亲外出”不符；失去父母的儿童请登记为特殊困难儿童。"
        ]


def test_a_parent_in_detention_is_away_whatever_his_work_place_says(world):
    child = family(world.village_a, father=AT_HOME, mother=AT_HOME)
    left_behind(child, away_reason="detention").full_clean()  # the seed: 包括父母在看守所的


def test_another_reason_is_written_in_the_notes(world):
    child = family(world.village_a, father=AT_HOME, mother=AT_HOME)
    errors = refusal(left_behind(child, away_reason="other"))
    assert errors == {"notes": ["外出原因选“其他”时，请在备注中写明原因。"]}
    left_behind(child, away_reason="other", notes="父亲在外地住院治疗").full_clean()


def test_one_parent_away_the_other_unable_means_one_parent(world):
    child = family(world.village_a, father=AWAY, mother=AWAY)
    errors = refusal(left_behind(child, category="parent_unable", parents_away="both"))
    assert errors == {
        "category": ["类别“父母一方外出、另一方无法照料”是一方外出，与外出情况“父母双方外出”不符。"]
    }


@pytest.mark.parametrize(
    "child_of",
    [
        pytest.param(lambda v: family(v, father=None, mother=None), id="no-parent-recorded"),
        pytest.param(
            lambda v: family(v, father=AT_HOME, mother=AT_HOME, relation="other"), id="not-their-child"
        ),
        pytest.param(lambda v: family(v, father=None, mother=AT_HOME), id="father-not-recorded"),
    ],
)
def test_parents_not_recorded_are_not_judged(world, child_of):
    child = child_of(world.village_a)
    left_behind(child, parents_away="father").full_clean()


# --- children in hardship against the parents' deceased flags ----------------------------------------


def test_both_dead_with_a_parent_alive_is_refused_naming_her(world, login):
    child = family(world.village_a, father=DEAD, mother=AT_HOME)
    response = post_form(login(world.dir_a), "hardshipchild", hardship(child))
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "母亲（李母）在居民信息中没有登记为已故，与“父母双亡”不符；若已去世，请先在居民信息中勾选“已故”。"
    ]


def test_both_dead_with_both_recorded_deceased_is_accepted(world, login):
    child = family(world.village_a, father=DEAD, mother=DEAD)
    assert post_form(login(world.dir_a), "hardshipchild", hardship(child)).status_code == 302
    assert models.HardshipChild.objects.filter(person=child, year=YEAR, reason="both_dead").exists()


def test_one_dead_reasons_need_one_parent_recorded_deceased(world):
    alive = family(world.village_a, father=AT_HOME, mother=AT_HOME)
    assert refusal(hardship(alive, reason="other_remarried")) == {
        "reason": [
            "父亲（王父）、母亲（李母）在居民信息中都没有登记为已故，与“一方死亡、另一方改嫁（再婚）离开”不符；"
            "若一方已去世，请先在居民信息中勾选“已故”。"
        ]
    }
    dead = family(world.village_a, father=DEAD, mother=DEAD)
    assert refusal(hardship(dead, reason="other_missing")) == {
        "reason": [
            "父亲（王父）、母亲（李母）在居民信息中都已故，与“一方死亡、另一方失踪”不符：请选择“父母双亡”。"
        ]
    }
    one = family(world.village_a, father=DEAD, mother=AT_HOME)
    hardship(one, reason="other_disabled").full_clean()
    hardship(one, reason="other_imprisoned").full_clean()


def test_the_stated_other_reason_and_a_parent_not_recorded_are_not_judged(world):
    alive = family(world.village_a, father=AT_HOME, mother=AT_HOME)
    hardship(alive, reason="other", reason_detail="父母均服刑，由祖父母抚养").full_clean()
    only_mother = family(world.village_a, father=None, mother=AT_HOME)
    hardship(only_mother, reason="other_missing").full_clean()  # the father may be the one who died
    assert not hardship_child_family_problems(child=only_mother, reason="other_remarried")


# --- school grade and boarding against age -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stage", "year"),
    [
        ("一年级", "primary", 1),
        ("小学六年级", "primary", 6),
        ("3年级", "primary", 3),
        ("七年级", "junior", 1),
        ("初二", "junior", 2),
        ("初中三年级", "junior", 3),
        ("高一", "senior", 1),
        ("学前班", "preschool", 0),
        ("幼儿园大班", "preschool", 0),
        ("大班", "preschool", 0),
    ],
)
def test_a_grade_is_read_from_what_a_director_types(text, stage, year):
    grade = school_grade(text)
    assert (grade.stage, grade.year) == (stage, year)


@pytest.mark.parametrize("text", ["", "未上学", "辍学", "复读", "十年级"])
def test_a_grade_not_read_is_not_judged(text):
    assert school_grade(text) is None


def test_the_usual_grade_of_each_age_fits_its_band():
    for age in range(3, 16):
        low, high = school_grade(usual_grade(age)).ages()
        assert low <= age <= high, (age, usual_grade(age))
    assert usual_grade(1) == ""


def test_a_one_year_old_in_sixth_grade_and_boarding_is_refused_on_the_form(world, login):
    child = family(world.village_a, father=AWAY, mother=AT_HOME, born=dt.date(2025, 1, 10))
    entry = left_behind(child, grade="六年级", boarding=True, school="村小")
    response = post_form(login(world.dir_a), "leftbehindchild", entry)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["grade"] == [
        "年级“六年级”一般在 10 至 15 周岁，此儿童在 2026-03-18 时 1 周岁，与年级不符。"
    ]
    assert errors["boarding"] == ["寄宿须年满 6 周岁（上学的年龄），此儿童在 2026-03-18 时 1 周岁。"]


def test_grade_bands_at_their_edges(world):
    ten = family(world.village_a, father=AWAY, mother=AT_HOME, born=dt.date(2016, 3, 18))  # 10 on ON
    left_behind(ten, grade="六年级", boarding=True).full_clean()
    left_behind(ten, grade="一年级").full_clean()
    assert set(refusal(left_behind(ten, grade="初二"))) == {"grade"}  # 初二: 11 to 16
    assert not school_problems(child=ten, grade="五年级", boarding=True, on=ON)
    unknown = family(world.village_a, father=AWAY, mother=AT_HOME)
    models.Person.objects.filter(pk=unknown.pk).update(birth_date=None, id_number=None)
    unknown.refresh_from_db()
    assert not school_problems(child=unknown, grade="六年级", boarding=True, on=ON)  # age not known


def test_the_hardship_register_checks_the_grade_too(world):
    child = family(world.village_a, father=DEAD, mother=DEAD, born=dt.date(2024, 5, 1))
    assert set(refusal(hardship(child, grade="初一"))) == {"grade"}


# --- the same checks in an import ---------------------------------------------------------------------

CHILD_HEADER = ("姓名", "身份证号", "父母外出情况", "外出原因", "监护人姓名", "与儿童关系", "年级", "寄宿")
HARDSHIP_HEADER = ("姓名", "身份证号", "困难原因", "原因说明", "监护人姓名", "与儿童关系")


def run_import(ledger, village, tmp_path, header, rows):
    path = workbook_file(tmp_path, header, rows)
    return get_importer(ledger)(village, year=YEAR, user=SystemActor(village)).import_file(path)


def test_an_import_refuses_what_the_family_contradicts_with_row_column_and_fact(world, tmp_path):
    at_home = family(world.village_a, father=AT_HOME, mother=AT_HOME)
    baby = family(world.village_a, father=AWAY, mother=AT_HOME, born=dt.date(2025, 1, 10))
    fine = family(world.village_a, father=AWAY, mother=AT_HOME)
    rows = [
        (fine.name, fine.id_number, "父亲外出", "外出务工", "奶奶", "祖父母", "四年级", "否"),
        (at_home.name, at_home.id_number, "父亲外出", "外出务工", "奶奶", "祖父母", "", "否"),
        (baby.name, baby.id_number, "父亲外出", "外出务工", "奶奶", "祖父母", "六年级", "是"),
    ]
    result = run_import("left_behind_children", world.village_a, tmp_path, CHILD_HEADER, rows)
    found = {(e.row, e.column, e.reason) for e in result.errors}
    assert found == {
        (4, "父母外出情况", "父亲（王父）的务工地点是“在家”（不在县外），与“父亲外出”不符。"),
        (5, "年级", "年级“六年级”一般在 10 至 15 周岁，此儿童在 2026-03-18 时 1 周岁，与年级不符。"),
        (5, "寄宿", "寄宿须年满 6 周岁（上学的年龄），此儿童在 2026-03-18 时 1 周岁。"),
    }
    assert not models.LeftBehindChild.objects.exists()  # nothing written, the good row neither


def test_an_import_of_children_in_hardship_checks_the_deceased_flags(world, tmp_path):
    orphan = family(world.village_a, father=DEAD, mother=DEAD)
    alive = family(world.village_a, father=DEAD, mother=AT_HOME)
    rows = [
        (orphan.name, orphan.id_number, "父母双亡", "", "爷爷", "祖父母"),
        (alive.name, alive.id_number, "父母双亡", "", "爷爷", "祖父母"),
    ]
    result = run_import("hardship_children", world.village_a, tmp_path, HARDSHIP_HEADER, rows)
    assert [(e.row, e.column) for e in result.errors] == [(4, "困难原因")]
    assert "母亲（李母）在居民信息中没有登记为已故" in result.errors[0].reason
    assert not models.HardshipChild.objects.exists()
    rows[1] = (alive.name, alive.id_number, "一方死亡、另一方失踪", "", "爷爷", "祖父母")
    result = run_import("hardship_children", world.village_a, tmp_path, HARDSHIP_HEADER, rows)
    assert result.errors == [] and models.HardshipChild.objects.filter(year=YEAR).count() == 2


def test_a_form_without_parents_away_says_only_that_it_is_required(world, login):
    child = family(world.village_a, father=AWAY, mother=AWAY)
    response = post_form(login(world.dir_a), "leftbehindchild", left_behind(child, parents_away=""))
    assert response.context["form"].errors["parents_away"] == ["请选择一项。"]
