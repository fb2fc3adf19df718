"""The six registers' pages: each role lists, opens, registers, edits, deletes and restores within its scope.

The POST data of a form is built from the form's own fields (``form_data``), as a browser would send it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import (
    HardshipChild,
    LeftBehindWoman,
    PoorWoman,
    VillageDirector,
    WomensHome,
)
from tests.helpers.factories import man_away, member
from tests.helpers.registers import (
    MODELS,
    PERSON_REGISTERS,
    YEAR,
    a_child,
    a_poor_woman,
    form_data,
    left_behind_woman,
    list_url,
    make_record,
    new_household,
    unsaved_record,
    urls,
)

VILLAGE_RECORDS = ["villagedirector", "womenshome"]
#: The field each test edits, and the value it types.
EDITS = {
    "leftbehindchild": ("school", "中心小学"),
    "hardshipchild": ("school", "中心小学"),
    "leftbehindwoman": ("needs", "需要技能培训"),
    "poorwoman": ("reason_detail", "丈夫长期患病"),
    "villagedirector": ("part_time_posts", "兼任计生专干"),
    "womenshome": ("equipment", "桌椅 10 套"),
}


def listed(client, key) -> list:
    response = client.get(list_url(key))
    assert response.status_code == 200
    return list(response.context["object_list"])


def the_id_number(record) -> str | None:
    return record.person.id_number if hasattr(record, "year") else None


def shown_name(record) -> str:
    if isinstance(record, WomensHome):
        return str(record)
    return record.name if isinstance(record, VillageDirector) else record.person.name


def saved_like(model, instance):
    """Return the stored records (deleted ones too) that ``instance`` would be once saved."""
    if isinstance(instance, WomensHome):
        return WomensHome.all_objects.filter(village=instance.village)
    if isinstance(instance, VillageDirector):
        return VillageDirector.all_objects.filter(name=instance.name)
    return model.all_objects.filter(person=instance.person)


def saved_count(model, instance) -> int:
    return saved_like(model, instance).count()


# --- The director in her own village -----------------------------------------------------------


@pytest.mark.parametrize("key", list(MODELS))
def test_director_registers_a_record_of_her_village(world, login, key):
    model = MODELS[key]
    client = login(world.dir_a)
    page = client.get(urls(key)["create"])
    assert page.status_code == 200
    instance = unsaved_record(key, world.village_a)
    response = client.post(urls(key)["create"], form_data(key, instance))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert saved_count(model, instance) == 1
    record = saved_like(model, instance).get()
    assert response["Location"] == record.get_absolute_url()
    created = record.history.get()
    assert created.history_type == "+"
    assert created.history_user == world.dir_a
    assert record in listed(client, key)


@pytest.mark.parametrize("key", list(MODELS))
def test_director_reads_edits_and_deletes_a_record_of_her_village(world, login, key):
    model = MODELS[key]
    client = login(world.dir_a)
    record = make_record(key, world.village_a)
    assert record in listed(client, key)
    detail = client.get(urls(key, record)["detail"])
    assert detail.status_code == 200
    assert shown_name(record) in detail.content.decode()

    # Edit
    field, value = EDITS[key]
    assert client.get(urls(key, record)["update"]).status_code == 200
    response = client.post(urls(key, record)["update"], form_data(key, record, **{field: value}))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    record.refresh_from_db()
    assert getattr(record, field) == value
    assert record.version == 2
    changed = record.history.first()
    assert changed.history_type == "~" and changed.history_user == world.dir_a

    # Delete: GET asks, POST deletes
    confirm = client.get(urls(key, record)["delete"])
    assert confirm.status_code == 200
    assert "确认删除" in confirm.content.decode()
    assert model.objects.filter(pk=record.pk).exists()
    response = client.post(urls(key, record)["delete"])
    assert response.status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()
    assert model.all_objects.filter(pk=record.pk).exists()
    assert record.pk not in [r.pk for r in listed(client, key)]
    assert client.get(urls(key, record)["detail"]).status_code == 404
    deleted = record.history.first()
    assert deleted.deleted_at is not None and deleted.history_user == world.dir_a


@pytest.mark.parametrize("key", list(MODELS))
def test_township_staff_sees_both_villages_and_restores(world, login, key):
    model = MODELS[key]
    record_a = make_record(key, world.village_a)
    record_b = make_record(key, world.village_b)
    record_c = make_record(key, world.village_c)
    staff = login(world.staff)
    rows = listed(staff, key)
    assert record_a in rows and record_b in rows and record_c not in rows
    assert staff.get(urls(key, record_b)["detail"]).status_code == 200

    login(world.dir_a).post(urls(key, record_a)["delete"])
    assert login(world.dir_a).post(urls(key, record_a)["restore"]).status_code == 404  # a director cannot
    staff = login(world.staff)
    deleted_list = staff.get(urls(key)["deleted"])
    assert deleted_list.status_code == 200
    assert record_a in list(deleted_list.context["object_list"])
    response = staff.post(urls(key, record_a)["restore"])
    assert response.status_code == 302
    assert model.objects.filter(pk=record_a.pk).exists()
    assert record_a.history.first().history_user == world.staff


@pytest.mark.parametrize("key", list(MODELS))
def test_a_record_of_another_village_answers_404_and_a_post_changes_nothing(world, login, key):
    model = MODELS[key]
    record_b = make_record(key, world.village_b)
    field, value = EDITS[key]
    before = getattr(record_b, field)
    client = login(world.dir_a)
    assert record_b not in listed(client, key)
    for page in ("detail", "update", "delete"):
        response = client.get(urls(key, record_b)[page])
        assert response.status_code == 404, page
        assert shown_name(record_b) not in response.content.decode()
    data = form_data(key, record_b, **{field: value})
    assert client.post(urls(key, record_b)["update"], data).status_code == 404
    assert client.post(urls(key, record_b)["delete"]).status_code == 404
    record_b.refresh_from_db()
    assert getattr(record_b, field) == before
    assert record_b.version == 1 and record_b.deleted_at is None
    assert record_b.history.count() == 1

    login(world.dir_b).post(urls(key, record_b)["delete"])
    client = login(world.dir_a)
    assert client.post(urls(key, record_b)["restore"]).status_code == 404
    assert not model.objects.filter(pk=record_b.pk).exists()


@pytest.mark.parametrize("key", list(MODELS))
def test_staff_of_another_township_gets_404_on_village_a(world, login, key):
    model = MODELS[key]
    record_a = make_record(key, world.village_a)
    client = login(world.other_staff)
    assert record_a not in listed(client, key)
    for page in ("detail", "update", "delete"):
        assert client.get(urls(key, record_a)[page]).status_code == 404, page
    assert client.post(urls(key, record_a)["delete"]).status_code == 404
    assert model.objects.filter(pk=record_a.pk).exists()
    login(world.staff).post(urls(key, record_a)["delete"])
    assert login(world.other_staff).post(urls(key, record_a)["restore"]).status_code == 404
    assert not model.objects.filter(pk=record_a.pk).exists()
    assert record_a not in list(login(world.other_staff).get(urls(key)["deleted"]).context["object_list"])


@pytest.mark.parametrize("key", list(MODELS))
def test_county_viewer_reads_with_masked_ids_and_cannot_write(world, login, key):
    model = MODELS[key]
    record_a = make_record(key, world.village_a)
    record_c = make_record(key, world.village_c)
    client = login(world.county_viewer)
    response = client.get(list_url(key))
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert record_a in rows and record_c in rows
    body = response.content.decode()
    number = the_id_number(record_c)
    if number:
        assert number not in body
        assert number[:3] + "*" * 11 + number[-4:] in body
    assert client.get(urls(key, record_a)["detail"]).status_code == 200
    assert client.get(urls(key)["create"]).status_code == 404
    assert (
        client.post(urls(key)["create"], form_data(key, unsaved_record(key, world.village_b))).status_code
        == 404
    )
    assert client.get(urls(key, record_a)["update"]).status_code == 404
    field, value = EDITS[key]
    assert (
        client.post(urls(key, record_a)["update"], form_data(key, record_a, **{field: value})).status_code
        == 404
    )
    assert client.post(urls(key, record_a)["delete"]).status_code == 404
    record_a.refresh_from_db()
    assert record_a.version == 1 and getattr(record_a, field) != value
    assert model.objects.filter(pk=record_a.pk).exists()


@pytest.mark.parametrize("key", PERSON_REGISTERS)
def test_the_director_sees_whole_id_numbers_of_her_village(world, login, key):
    record = make_record(key, world.village_a)
    assert record.person.id_number in login(world.dir_a).get(list_url(key)).content.decode()


# --- A form naming something of another village ------------------------------------------------


@pytest.mark.parametrize("key", list(MODELS))
def test_a_post_naming_another_village_is_refused_and_saves_nothing(world, login, key):
    model = MODELS[key]
    foreign = unsaved_record(key, world.village_b)  # person or village of village_b
    client = login(world.dir_a)
    response = client.post(urls(key)["create"], form_data(key, foreign))
    assert response.status_code == 200
    assert "不在可选的范围内" in response.content.decode()
    field = "village" if key in VILLAGE_RECORDS else "person"
    assert field in response.context["form"].errors
    assert saved_count(model, foreign) == 0
    assert not model.all_objects.exists()


@pytest.mark.parametrize("key", PERSON_REGISTERS)
def test_an_edit_naming_a_person_of_another_village_is_refused(world, login, key):
    own = make_record(key, world.village_a)
    foreign_person = unsaved_record(key, world.village_b).person
    client = login(world.dir_a)
    response = client.post(urls(key, own)["update"], form_data(key, own, person=foreign_person.pk))
    assert response.status_code == 200
    assert "不在可选的范围内" in response.content.decode()
    own.refresh_from_db()
    assert own.person.village == world.village_a and own.version == 1


def test_a_director_of_village_a_naming_a_resident_of_village_b_is_refused(world, login):
    client = login(world.dir_a)
    director = unsaved_record("villagedirector", world.village_a)
    response = client.post(
        urls("villagedirector")["create"], form_data("villagedirector", director, person=world.woman_b.pk)
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert not VillageDirector.all_objects.exists()
    response = client.post(
        urls("villagedirector")["create"], form_data("villagedirector", director, person=world.woman_a.pk)
    )
    assert response.status_code == 302
    assert VillageDirector.objects.get().person == world.woman_a


def test_the_director_form_preselects_her_village(world, login):
    for key in VILLAGE_RECORDS:
        form = login(world.dir_a).get(urls(key)["create"]).context["form"]
        assert form.initial["village"] == world.village_a
        assert list(form.fields["village"].queryset) == [world.village_a]


# --- The rules on the page ---------------------------------------------------------------------


def test_a_woman_who_fails_the_left_behind_rule_is_refused_with_the_reason(world, login):
    client = login(world.dir_a)
    # woman_a has no husband in her household.
    entry = LeftBehindWoman(person=world.woman_a, year=YEAR)
    response = client.post(urls("leftbehindwoman")["create"], form_data("leftbehindwoman", entry))
    assert response.status_code == 200
    body = response.content.decode()
    assert "户中没有登记她的丈夫" in body
    assert not LeftBehindWoman.all_objects.exists()


def test_a_husband_away_too_short_and_living_elsewhere_are_both_told(world, login):
    woman = left_behind_woman(world.village_a, "短期", away_since=dt.date(2026, 1, 1))
    entry = LeftBehindWoman(person=woman, year=YEAR, entered_on=dt.date(2026, 3, 18))
    data = form_data("leftbehindwoman", entry, at_registration_place=False)
    response = login(world.dir_a).post(urls("leftbehindwoman")["create"], data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "3 个月" in body and "户籍所在地" in body
    assert not LeftBehindWoman.all_objects.exists()


def test_registering_the_same_woman_twice_in_a_year_is_refused_on_the_page(world, login):
    record = make_record("leftbehindwoman", world.village_a)
    response = login(world.dir_a).post(
        urls("leftbehindwoman")["create"],
        form_data("leftbehindwoman", LeftBehindWoman(person=record.person, year=YEAR)),
    )
    assert response.status_code == 200
    assert "已登记过此人" in response.content.decode()
    assert LeftBehindWoman.all_objects.count() == 1


def test_a_child_too_old_is_refused_on_the_page(world, login):
    child = a_child(world.village_a, "大孩子")
    child.birth_date = dt.date(2010, 3, 18)  # 16 on the reference date
    child.id_number = None
    child.save()
    entry = unsaved_record("hardshipchild", world.village_a)
    entry.person = child
    response = login(world.dir_a).post(urls("hardshipchild")["create"], form_data("hardshipchild", entry))
    assert response.status_code == 200
    assert "不满 16 周岁" in response.content.decode()
    assert not HardshipChild.all_objects.filter(person=child).exists()


def test_a_poor_woman_above_the_line_is_refused_on_the_page(world, login):
    entry = unsaved_record("poorwoman", world.village_a)
    income = entry.person.household.incomes.get(year=entry.year)
    income.per_capita_income = Decimal("2300")
    income.save()
    response = login(world.dir_a).post(urls("poorwoman")["create"], form_data("poorwoman", entry))
    assert response.status_code == 200
    assert "贫困线" in response.content.decode()
    assert not PoorWoman.all_objects.exists()


@pytest.mark.parametrize("key", [*PERSON_REGISTERS, "womenshome"])
def test_restoring_a_record_whose_place_was_taken_again_is_refused_with_a_message(world, login, key):
    """Deleted, registered anew, then the old one restored: refused kindly, not a server error."""
    model = MODELS[key]
    old = make_record(key, world.village_a)
    login(world.dir_a).post(urls(key, old)["delete"])
    again = unsaved_record(key, world.village_a)
    if key in PERSON_REGISTERS:
        again.person = old.person  # the same person, the same year
    again.full_clean()
    again.save()
    client = login(world.staff)
    client.raise_request_exception = False
    response = client.post(urls(key, old)["restore"])
    assert response.status_code in (200, 302), response.status_code
    assert not model.objects.filter(pk=old.pk).exists()
    assert model.objects.filter(pk=again.pk).exists()
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert "已恢复" not in response.content.decode()


# --- Left-behind candidates and the women's ledger ---------------------------------------------


def test_the_left_behind_list_offers_to_register_an_eligible_woman(world, login):
    woman = left_behind_woman(world.village_a, "待登记")
    other = left_behind_woman(world.village_b, "别村的")
    client = login(world.dir_a)
    response = client.get(list_url("leftbehindwoman"))
    body = response.content.decode()
    assert "符合条件但尚未登记的妇女" in body
    link = f"{reverse('registry:leftbehindwoman_create')}?person={woman.pk}&year={YEAR}"
    assert link in body
    assert "登记</a>" in body
    assert "待登记" in body and other.name not in body
    form = client.get(link).context["form"]
    assert form.initial["person"] == woman.pk and form.initial["year"] == YEAR

    client.post(link, form_data("leftbehindwoman", LeftBehindWoman(person=woman, year=YEAR)))
    assert LeftBehindWoman.objects.filter(person=woman, year=YEAR).exists()
    body = client.get(list_url("leftbehindwoman")).content.decode()
    assert f"?person={woman.pk}&year={YEAR}" not in body


def test_the_candidates_heading_counts_them_all_when_only_the_first_are_listed(world, login, monkeypatch):
    from registry.views.registers import LeftBehindWomanListView

    monkeypatch.setattr(LeftBehindWomanListView, "candidate_limit", 1)
    first, second = left_behind_woman(world.village_a, "候选甲"), left_behind_woman(world.village_a, "候选乙")
    body = login(world.dir_a).get(list_url("leftbehindwoman")).content.decode()
    assert "符合条件但尚未登记的妇女：2 人" in body
    assert (first.name in body) != (second.name in body)  # one listed, both counted


def test_the_county_viewer_sees_a_chosen_villages_candidates_without_a_register_link(world, login):
    woman = left_behind_woman(world.village_c, "县里看")
    client = login(world.county_viewer)
    county_wide = client.get(list_url("leftbehindwoman")).content.decode()
    # no search through every family of the county on a list page: she chooses a village first
    assert "县里看" not in county_wide and "选择村后，这里列出该村符合条件但尚未登记的人员" in county_wide
    body = client.get(list_url("leftbehindwoman", village=world.village_c.pk)).content.decode()
    assert "县里看" in body and "符合条件但尚未登记的妇女：1 人" in body
    assert f"?person={woman.pk}&year={YEAR}" not in body
    other = client.get(list_url("leftbehindwoman", village=world.village_a.pk)).content.decode()
    assert "县里看" not in other


def test_the_womens_ledger_shows_her_husband_and_children(world, login):
    household = world.household_a
    man_away(
        household, "spouse", "丈夫甲", dt.date(1986, 2, 2), dt.date(2024, 1, 1), work_place_detail="广东东莞"
    )
    member(household, "child", "大女儿", dt.date(2012, 1, 1))
    member(household, "child", "小儿子", dt.date(2016, 1, 1), sex="M")
    response = login(world.dir_a).get(reverse("registry:women_ledger") + f"?year={YEAR}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "妇女A" in body and "妇女B" not in body
    assert "丈夫甲" in body and "广东东莞" in body
    assert "大女儿（女，14岁）" in body and "小儿子（男，10岁）" in body
    row = next(r for r in re.findall(r"<tr>.*?</tr>", body, re.S) if "妇女A" in r)
    assert '<td data-label="丈夫姓名" class="text-nowrap">丈夫甲</td>' in row
    assert '<td data-label="年龄" class="text-nowrap">37</td>' in row


def test_an_older_year_in_the_address_stays_selected_in_the_year_filter(world, login):
    """A register imported for 2014 is listed as 2014, not as this year."""
    page = login(world.dir_a).get("/registry/left-behind-women/?year=2014").content.decode()
    assert '<option value="2014" selected' in page


def test_a_new_years_income_keeps_last_years_figure_and_the_register_judged_on_it(world, login):
    this_year = timezone.localdate().year
    woman = a_poor_woman(world.village_a, name="贫困李")  # her household's income this year: 1,800
    entry = PoorWoman.objects.create(person=woman, year=this_year, reason="illness")
    household = woman.household
    client = login(world.dir_a)
    edit = client.get(reverse("registry:household_update", args=[household.pk])).content.decode()
    assert f'value="{this_year}"' in edit and 'value="1800.00"' in edit  # the latest year's figure
    response = client.post(
        reverse("registry:household_update", args=[household.pk]),
        {
            "group": household.group_id,
            "number": household.number,
            "address": household.address,
            "income_year": this_year + 1,
            "per_capita_income": "5000",
            "version": household.version,
        },
    )
    assert response.status_code == 302
    assert {i.year: i.per_capita_income for i in household.incomes.all()} == {
        this_year: Decimal("1800"),
        this_year + 1: Decimal("5000"),
    }
    detail = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert f"{this_year} 年：1800.00 元" in detail and f"{this_year + 1} 年：5000.00 元" in detail
    entry.refresh_from_db()
    entry.full_clean()  # this year's entry still stands on this year's income
    listed = client.get(list_url("poorwoman", year=this_year)).content.decode()  # 人均纯收入 column
    assert "贫困李" in listed and "1800.00" in listed and "5000" not in listed


def test_a_negative_income_is_refused_on_the_household_page(world, login):
    household = new_household(world.village_a)
    response = login(world.dir_a).post(
        reverse("registry:household_update", args=[household.pk]),
        {
            "group": household.group_id,
            "number": household.number,
            "income_year": 2025,
            "per_capita_income": "-1",
            "version": household.version,
        },
    )
    assert response.status_code == 200
    assert "收入不能为负数" in response.content.decode()
    assert not household.incomes.exists()
