"""The registers' rules hold on every path: ``full_clean()`` refuses what a form would refuse.

Year 2026, whose reference date (统计截止日) is 18 March 2026 unless a YearSettings row says otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from federation.core.models import YearSettings, year_settings
from registry.models import (
    HardshipChild,
    HouseholdIncome,
    LeftBehindChild,
    LeftBehindWoman,
    PoorWoman,
    VillageDirector,
    WomensHome,
)
from registry.rules import left_behind_woman_problems
from registry.selectors import ledger_family, left_behind_woman_candidates, women_ledger
from tests.helpers.factories import PersonFactory, member
from tests.helpers.registers import new_household

YEAR = 2026
ON = dt.date(2026, 3, 18)
HAN = re.compile(r"[\u4e00-\u9fff]")


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def married_woman(
    village,
    *,
    born=dt.date(1988, 5, 6),
    husband=True,
    husband_work="out_province",
    away_since=dt.date(2025, 1, 1),
    husband_deceased=False,
    relation="head",
    name=None,
    **household_fields,
):
    """Return a woman heading (or spouse of) a new household, with a husband unless told not to."""
    household = new_household(village, **household_fields)
    woman = PersonFactory(
        village=village,
        household=household,
        relation=relation,
        sex="F",
        birth_date=born,
        marital_status="married",
        **({"name": name} if name else {}),
    )
    if husband:
        PersonFactory(
            village=village,
            household=household,
            relation="spouse" if relation == "head" else "head",
            sex="M",
            name=f"{woman.name}的丈夫",
            birth_date=dt.date(1985, 1, 1),
            work_place=husband_work,
            away_since=away_since,
            deceased=husband_deceased,
        )
    return woman


def refusal(entry) -> dict[str, list[str]]:
    """Return the messages of the refusal of ``entry.full_clean()``, by field."""
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    return exc.value.message_dict


def all_messages(errors: dict[str, list[str]]) -> str:
    return " ".join(message for messages in errors.values() for message in messages)


def assert_chinese(errors: dict[str, list[str]]) -> None:
    for messages in errors.values():
        for message in messages:
            assert HAN.search(message), message


def assert_registered(entry, user) -> None:
    """Save ``entry`` as a form would (``full_clean()`` first) and find it in ``user``'s register list."""
    entry.full_clean()
    entry.save()
    model = type(entry)
    listed = model.objects.for_user(user)
    if hasattr(entry, "year"):
        listed = listed.filter(year=entry.year)
    assert entry in listed, f"{entry} is not in the register {user} sees"


# --- Left-behind women -------------------------------------------------------------------------


def test_a_woman_who_meets_every_condition_is_accepted(world):
    assert_registered(
        LeftBehindWoman(person=married_woman(world.village_a), year=YEAR, entered_on=ON), world.dir_a
    )


@pytest.mark.parametrize(
    ("born", "age"),
    [
        pytest.param(years_before(ON, 20), 20, id="exactly-20"),
        pytest.param(years_before(ON, 50), 50, id="exactly-50"),
        pytest.param(years_before(ON, 51) + dt.timedelta(days=1), 50, id="a-day-short-of-51-is-still-50"),
    ],
)
def test_an_age_from_20_to_50_on_the_reference_date_is_accepted(world, born, age):
    woman = married_woman(world.village_a, born=born)
    assert woman.age_on(ON) == age
    assert_registered(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON), world.dir_a)


def test_one_day_short_of_20_is_refused_and_the_message_names_20(world):
    woman = married_woman(world.village_a, born=years_before(ON, 20) + dt.timedelta(days=1))
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert list(errors) == ["person"]
    assert_chinese(errors)
    assert "20" in all_messages(errors) and "周岁" in all_messages(errors)


def test_51_is_refused_and_the_message_names_the_upper_age_50(world):
    woman = married_woman(world.village_a, born=years_before(ON, 51))
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert list(errors) == ["person"]
    assert_chinese(errors)
    # The condition is "20 to 50 years of age" (the setting and the list page say 50).
    assert "50" in all_messages(errors), all_messages(errors)


def test_husband_away_exactly_3_months_is_accepted(world):
    woman = married_woman(world.village_a, away_since=dt.date(2025, 12, 18))
    assert_registered(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON), world.dir_a)


@pytest.mark.parametrize(
    "away_since", [dt.date(2025, 12, 19), dt.date(2026, 1, 18)], ids=["1-day-short", "2-months"]
)
def test_husband_away_less_than_3_months_is_refused(world, away_since):
    woman = married_woman(world.village_a, away_since=away_since)
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert list(errors) == ["person"]
    assert_chinese(errors)
    assert "3 个月" in all_messages(errors)


def test_husband_working_in_the_county_is_refused(world):
    woman = married_woman(world.village_a, husband_work="in_county")
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert_chinese(errors)
    assert "县外" in all_messages(errors)


def test_husband_at_home_is_refused(world):
    woman = married_woman(world.village_a, husband_work="", away_since=None)
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert "县外" in all_messages(errors)


def test_husband_away_with_no_start_date_is_refused(world):
    woman = married_woman(world.village_a, away_since=None)
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert_chinese(errors)
    assert "起始日期" in all_messages(errors)


def test_no_husband_in_the_household_is_refused(world):
    woman = married_woman(world.village_a, husband=False)
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert_chinese(errors)
    assert "丈夫" in all_messages(errors)


def test_a_woman_who_is_her_husbands_spouse_is_judged_by_the_head(world):
    woman = married_woman(world.village_a, relation="spouse")
    assert woman.household.members.get(relation="head").sex == "M"  # her husband heads the household
    assert_registered(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON), world.dir_a)


def test_a_widow_whose_late_husband_is_still_recorded_away_is_refused(world):
    """A deceased husband does not make her a left-behind woman (the candidate list agrees)."""
    woman = married_woman(world.village_a, husband_deceased=True)
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON))
    assert list(errors) == ["person"]
    assert_chinese(errors)
    assert "丈夫" in all_messages(errors), all_messages(errors)
    assert woman not in left_behind_woman_candidates(user=world.dir_a, year=YEAR)


def test_not_living_at_the_place_of_registration_is_refused(world):
    woman = married_woman(world.village_a)
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON, at_registration_place=False))
    assert list(errors) == ["at_registration_place"]
    assert_chinese(errors)
    assert "户籍" in all_messages(errors)


def test_a_woman_failing_two_conditions_gets_both_messages(world):
    woman = married_woman(
        world.village_a, born=years_before(ON, 20) + dt.timedelta(days=1), away_since=dt.date(2026, 1, 1)
    )
    errors = refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON, at_registration_place=False))
    assert len(errors["person"]) == 2
    text = all_messages(errors)
    assert "20" in text and "3 个月" in text and "户籍" in text


def test_a_man_and_a_deceased_woman_are_refused(world):
    woman = married_woman(world.village_a)
    woman.deceased = True
    woman.save()
    assert "已故" in all_messages(refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON)))
    man = PersonFactory(village=world.village_a, sex="M", birth_date=dt.date(1985, 1, 1))
    assert "女性" in all_messages(refusal(LeftBehindWoman(person=man, year=YEAR, entered_on=ON)))


# --- Children ---------------------------------------------------------------------------------


def child_entry(model, child, **fields):
    values = {
        "person": child,
        "year": YEAR,
        "entered_on": ON,
        "guardian_name": "奶奶",
        "guardian_relation": "grandparent",
    }
    if model is LeftBehindChild:
        values["parents_away"] = "both"
    else:
        values["reason"] = "both_dead"
    values.update(fields)
    return model(**values)


def a_child(village, born):
    household = new_household(village)
    return PersonFactory(village=village, household=household, relation="child", birth_date=born, name="小孩")


@pytest.mark.parametrize("model", [LeftBehindChild, HardshipChild])
def test_a_child_of_15_on_the_reference_date_is_accepted(world, model):
    child = a_child(world.village_a, years_before(ON, 16) + dt.timedelta(days=1))
    assert child.age_on(ON) == 15
    child_entry(model, child).full_clean()


@pytest.mark.parametrize("model", [LeftBehindChild, HardshipChild])
def test_a_child_of_16_on_the_reference_date_is_refused(world, model):
    child = a_child(world.village_a, years_before(ON, 16))
    errors = refusal(child_entry(model, child))
    assert list(errors) == ["person"]
    assert_chinese(errors)
    assert "16" in all_messages(errors)


@pytest.mark.parametrize("model", [LeftBehindChild, HardshipChild])
def test_a_child_of_unknown_birth_date_is_refused(world, model):
    household = new_household(world.village_a)
    child = PersonFactory(
        village=world.village_a, household=household, relation="child", birth_date=None, id_number=None
    )
    assert "出生日期" in all_messages(refusal(child_entry(model, child)))


def test_a_hardship_child_for_another_reason_needs_the_reason_told(world):
    child = a_child(world.village_a, dt.date(2015, 6, 1))
    errors = refusal(child_entry(HardshipChild, child, reason="other", reason_detail="  "))
    assert list(errors) == ["reason_detail"]
    assert_chinese(errors)
    child_entry(HardshipChild, child, reason="other", reason_detail="父亲失联，母亲离家").full_clean()


# --- Poor women --------------------------------------------------------------------------------


def poor_woman(village, income, **fields):
    year = fields.pop("year", YEAR)
    woman = married_woman(village, husband=False, per_capita_income=income, income_year=year)
    fields.setdefault("entered_on", year_settings(year).ages_on)
    return PoorWoman(person=woman, year=year, reason="illness", **fields)


def test_an_income_just_below_the_line_is_accepted(world):
    assert_registered(poor_woman(world.village_a, Decimal("2299.99")), world.dir_a)


def test_an_income_at_the_line_is_refused(world):
    errors = refusal(poor_woman(world.village_a, Decimal("2300")))
    assert list(errors) == ["person"]
    assert_chinese(errors)
    assert "2300" in all_messages(errors) and "贫困线" in all_messages(errors)


def test_an_unknown_income_is_refused(world):
    errors = refusal(poor_woman(world.village_a, None))
    assert_chinese(errors)
    assert "人均纯收入" in all_messages(errors)


def test_a_woman_without_household_is_refused(world):
    woman = PersonFactory(village=world.village_a, sex="F", birth_date=dt.date(1980, 1, 1))
    errors = refusal(PoorWoman(person=woman, year=YEAR, entered_on=ON, reason="illness"))
    assert "户" in all_messages(errors)


def test_paired_without_who_pairs_is_refused(world):
    errors = refusal(poor_woman(world.village_a, Decimal("1000"), paired=True, paired_by=""))
    assert list(errors) == ["paired_by"]
    assert_chinese(errors)
    poor_woman(world.village_a, Decimal("1000"), paired=True, paired_by="乡农技站").full_clean()


def test_a_poor_woman_is_judged_on_her_households_income_of_the_registers_year(world):
    woman = married_woman(
        world.village_a, husband=False, per_capita_income=Decimal("1000"), income_year=YEAR - 1
    )
    errors = refusal(PoorWoman(person=woman, year=YEAR, entered_on=ON, reason="illness"))
    assert f"{YEAR} 年的人均纯收入还没有填写" in all_messages(errors)
    PoorWoman(person=woman, year=YEAR - 1, reason="illness").full_clean()  # last year's entry stands
    # This year's income above the line refuses this year, and changes nothing for last year.
    HouseholdIncome.objects.create(household=woman.household, year=YEAR, per_capita_income=Decimal("5000"))
    assert "不低于贫困线" in all_messages(
        refusal(PoorWoman(person=woman, year=YEAR, entered_on=ON, reason="illness"))
    )
    PoorWoman(person=woman, year=YEAR - 1, reason="illness").full_clean()


def test_relief_without_what_is_refused(world):
    errors = refusal(poor_woman(world.village_a, Decimal("1000"), relief=True))
    assert list(errors) == ["relief_what"]


def test_a_girl_under_the_adult_age_is_not_a_poor_woman(world):
    household = new_household(world.village_a, per_capita_income=Decimal("1000"))
    girl = PersonFactory(
        village=world.village_a,
        household=household,
        relation="head",
        birth_date=years_before(ON, 18) + dt.timedelta(days=1),
    )
    assert "18" in all_messages(refusal(PoorWoman(person=girl, year=YEAR, entered_on=ON, reason="illness")))


# --- A year's settings change that year only ---------------------------------------------------


def test_a_poverty_line_set_for_2025_changes_2025_only(world):
    YearSettings.objects.create(year=2025, poverty_line=Decimal("3000"))
    poor_woman(world.village_a, Decimal("2500"), year=2025).full_clean()
    errors = refusal(poor_woman(world.village_a, Decimal("2500"), year=2026))
    assert "2300" in all_messages(errors)


def test_an_upper_age_set_for_2025_changes_2025_only(world):
    YearSettings.objects.create(year=2025, left_behind_woman_max_age=55)
    # 52 in 2025, 53 in 2026
    woman = married_woman(world.village_a, born=dt.date(1973, 1, 1), away_since=dt.date(2024, 1, 1))
    LeftBehindWoman(person=woman, year=2025, entered_on=dt.date(2025, 3, 18)).full_clean()
    refusal(LeftBehindWoman(person=woman, year=2026, entered_on=ON))
    assert woman in left_behind_woman_candidates(user=world.dir_a, year=2025)
    assert woman not in left_behind_woman_candidates(user=world.dir_a, year=2026)


def test_a_reference_date_set_for_a_year_moves_the_ages_of_that_year(world):
    YearSettings.objects.create(year=2025, reference_date=dt.date(2025, 12, 31))
    # 19 on 18 March 2025, 20 on 31 Dec 2025
    woman = married_woman(world.village_a, born=dt.date(2005, 6, 1), away_since=dt.date(2024, 1, 1))
    assert_registered(
        LeftBehindWoman(person=woman, year=2025, entered_on=year_settings(2025).ages_on), world.dir_a
    )
    # 2024 keeps 18 March: she was 18
    errors = refusal(LeftBehindWoman(person=woman, year=2024, entered_on=year_settings(2024).ages_on))
    assert_chinese(errors)
    assert "20 至 50 周岁" in all_messages(errors) and "2024-03-18" in all_messages(errors)


# --- Once a year per register ------------------------------------------------------------------


def register_entry(model, person, year):
    if model in (LeftBehindChild, HardshipChild):
        return child_entry(model, person, year=year, entered_on=year_settings(year).ages_on)
    if model is PoorWoman:
        return PoorWoman(person=person, year=year, reason="illness", entered_on=year_settings(year).ages_on)
    return LeftBehindWoman(person=person, year=year, entered_on=year_settings(year).ages_on)


@pytest.mark.parametrize("model", [LeftBehindWoman, PoorWoman, LeftBehindChild, HardshipChild])
def test_the_same_person_is_registered_once_a_year_in_a_register(world, model):
    if model in (LeftBehindChild, HardshipChild):
        person = a_child(world.village_a, dt.date(2015, 6, 1))
    else:
        person = married_woman(
            world.village_a, per_capita_income=Decimal("1000"), away_since=dt.date(2024, 1, 1)
        )
    first = register_entry(model, person, YEAR)
    first.full_clean()
    first.save()
    errors = refusal(register_entry(model, person, YEAR))
    assert_chinese(errors)
    assert "已登记过" in all_messages(errors)
    if model is PoorWoman:  # last year's entry is judged on last year's income
        HouseholdIncome.objects.create(household=person.household, year=YEAR - 1, per_capita_income=1000)
    register_entry(model, person, YEAR - 1).full_clean()  # another year is another entry
    first.mark_deleted()
    first.save()
    register_entry(model, person, YEAR).full_clean()  # a deleted entry does not block


def test_a_second_entry_of_a_person_in_a_register_year_is_refused_on_her_field(world):
    woman = married_woman(world.village_a)
    LeftBehindWoman.objects.create(person=woman, year=YEAR)
    assert refusal(LeftBehindWoman(person=woman, year=YEAR, entered_on=ON)) == {
        "person": [f"{YEAR} 年度已登记过此人。"]
    }
    assert LeftBehindWoman.objects.filter(person=woman).count() == 1


def test_the_one_entry_a_year_constraint_says_why_in_chinese(world):
    # What a path that checks the constraints alone (not clean()) shows, e.g. a second entry saved meanwhile.
    woman = married_woman(world.village_a)
    LeftBehindWoman.objects.create(person=woman, year=YEAR)
    with pytest.raises(ValidationError) as exc:
        LeftBehindWoman(person=woman, year=YEAR, entered_on=ON).validate_constraints()
    assert exc.value.message_dict == {"__all__": ["此人这一年度已经登记过。"]}


def test_one_person_may_be_in_two_registers_the_same_year(world):
    woman = married_woman(world.village_a, per_capita_income=Decimal("1000"))
    LeftBehindWoman.objects.create(person=woman, year=YEAR)
    assert_registered(PoorWoman(person=woman, year=YEAR, entered_on=ON, reason="labour"), world.dir_a)
    assert LeftBehindWoman.objects.for_user(world.dir_a).filter(person=woman, year=YEAR).exists()


# --- Candidates for the left-behind register ---------------------------------------------------


def test_candidates_list_an_eligible_woman_until_she_is_registered(world):
    woman = married_woman(world.village_a)
    assert woman in left_behind_woman_candidates(user=world.dir_a, year=YEAR)
    assert world.woman_a not in left_behind_woman_candidates(user=world.dir_a, year=YEAR)  # no husband
    entry = LeftBehindWoman(person=woman, year=YEAR, entered_on=ON)
    entry.full_clean()
    entry.save()
    assert woman not in left_behind_woman_candidates(user=world.dir_a, year=YEAR)
    assert woman in left_behind_woman_candidates(user=world.dir_a, year=YEAR + 1)


def test_candidates_are_scoped(world):
    woman = married_woman(world.village_a)
    assert woman in left_behind_woman_candidates(user=world.dir_a, year=YEAR)
    assert woman not in left_behind_woman_candidates(user=world.dir_b, year=YEAR)
    assert woman in left_behind_woman_candidates(user=world.staff, year=YEAR)
    assert woman not in left_behind_woman_candidates(user=world.other_staff, year=YEAR)
    assert not left_behind_woman_candidates(user=world.nobody, year=YEAR).exists()


BOUNDARY_WOMEN = {
    "eligible": {},
    "exactly-20": {"born": years_before(ON, 20)},
    "a-day-short-of-20": {"born": years_before(ON, 20) + dt.timedelta(days=1)},
    "exactly-50": {"born": years_before(ON, 50)},
    "51": {"born": years_before(ON, 51)},
    "away-3-months": {"away_since": dt.date(2025, 12, 18)},
    "away-a-day-short": {"away_since": dt.date(2025, 12, 19)},
    "away-unknown": {"away_since": None},
    "out-county": {"husband_work": "out_county"},
    "in-county": {"husband_work": "in_county"},
    "at-home": {"husband_work": "", "away_since": None},
    "no-husband": {"husband": False},
    "spouse-of-head": {"relation": "spouse"},
    "a-daughter": {"relation": "child", "husband": False},
    "husband-deceased": {"husband_deceased": True},
}


@pytest.mark.parametrize("case", list(BOUNDARY_WOMEN))
def test_candidates_agree_with_the_rule(world, case):
    woman = married_woman(world.village_a, **BOUNDARY_WOMEN[case])
    problems = left_behind_woman_problems(woman=woman, on=ON, at_registration_place=True)
    listed = woman in left_behind_woman_candidates(user=world.dir_a, year=YEAR)
    assert listed == (not problems), [p.message for p in problems]


def test_a_deceased_woman_is_no_candidate(world):
    woman = married_woman(world.village_a)
    assert woman in left_behind_woman_candidates(user=world.dir_a, year=YEAR)  # offered while she lives
    woman.deceased = True
    woman.save()
    assert woman not in left_behind_woman_candidates(user=world.dir_a, year=YEAR)


# --- The women's ledger ------------------------------------------------------------------------


def test_the_ledger_holds_women_of_18_and_over_on_the_reference_date(world):
    eighteen = PersonFactory(village=world.village_a, name="十八岁", birth_date=years_before(ON, 18))
    seventeen = PersonFactory(
        village=world.village_a, name="十七岁", birth_date=years_before(ON, 18) + dt.timedelta(days=1)
    )
    man = PersonFactory(village=world.village_a, sex="M", birth_date=dt.date(1980, 1, 1))
    dead = PersonFactory(village=world.village_a, birth_date=dt.date(1950, 1, 1), deceased=True)
    ledger = list(women_ledger(user=world.dir_a, year=YEAR))
    assert eighteen in ledger and world.woman_a in ledger
    assert seventeen not in ledger and man not in ledger and dead not in ledger
    assert world.woman_b not in ledger  # another village
    assert seventeen in list(women_ledger(user=world.dir_a, year=YEAR + 1))


def test_the_ledger_family_is_her_husband_and_the_children(world):
    household = world.household_a
    husband = PersonFactory(
        village=world.village_a, household=household, relation="spouse", sex="M", name="丈夫甲"
    )
    older = member(household, "child", "大女儿", dt.date(2010, 1, 1))
    younger = member(household, "child", "小儿子", dt.date(2014, 1, 1), sex="M")
    PersonFactory(village=world.village_a, household=household, relation="parent", name="婆婆")
    gone = PersonFactory(village=world.village_a, household=household, relation="child", name="已删")
    gone.mark_deleted()
    gone.save()
    ledger = {w.pk: w for w in women_ledger(user=world.dir_a, year=YEAR)}
    found_husband, children = ledger_family(ledger[world.woman_a.pk])
    assert found_husband == husband
    assert children == [older, younger]
    assert older.pk not in ledger  # the daughter is a minor: not in the ledger herself


def test_the_ledger_family_of_a_woman_of_no_household_is_empty(world):
    single = PersonFactory(village=world.village_a, birth_date=dt.date(1990, 1, 1))
    ledger = {w.pk: w for w in women_ledger(user=world.dir_a, year=YEAR)}
    assert ledger_family(ledger[single.pk]) == (None, [])


# --- Village records ---------------------------------------------------------------------------


def village_director(village, **fields):
    values = {
        "village": village,
        "name": "陈主任",
        "work_unit": "村委会",
        "birth_month": dt.date(1980, 5, 1),
        "education": "senior",
        "political_status": "party",
        "in_office_since": dt.date(2018, 1, 1),
        "committee_seat": "both",
        "phone": "13800000000",
    }
    values.update(fields)
    return VillageDirector(**values)


def test_a_director_who_left_before_she_took_office_is_refused(world):
    village_director(world.village_a, left_office_on=dt.date(2018, 1, 1)).full_clean()
    errors = refusal(village_director(world.village_a, left_office_on=dt.date(2017, 12, 31)))
    assert list(errors) == ["left_office_on"]
    assert_chinese(errors)


def test_a_director_who_is_a_resident_of_another_village_is_refused(world):
    village_director(world.village_a, person=world.woman_a).full_clean()
    errors = refusal(village_director(world.village_a, person=world.woman_b))
    assert list(errors) == ["person"]
    assert_chinese(errors)


def test_a_womens_home_signed_up_on_a_date_must_be_signed_up(world):
    WomensHome(village=world.village_a, signed_up=True, signed_up_on=dt.date(2024, 1, 1)).full_clean()
    errors = refusal(WomensHome(village=world.village_a, signed_up_on=dt.date(2024, 1, 1)))
    assert list(errors) == ["signed_up"]
    assert_chinese(errors)


def test_a_village_has_one_womens_home(world):
    home = WomensHome.objects.create(village=world.village_a)
    errors = refusal(WomensHome(village=world.village_a))
    assert errors == {"__all__": ["这个村已经登记了妇女之家。"]}  # the whole record: the village has its home
    assert list(WomensHome.objects.for_user(world.dir_a)) == [home]
    assert_registered(WomensHome(village=world.village_b), world.dir_b)
