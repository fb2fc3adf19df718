"""Rules on persons hold on every path: the model refuses what the form refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from federation.core.idnumber import make_id_number
from registry.imports.persons import import_persons
from registry.models import HouseholdIncome, Person
from tests.helpers.factories import PersonFactory
from tests.helpers.imports import new_id, person_row, roster


def test_full_clean_refuses_a_bad_id_number(world):
    person = Person(village=world.village_a, name="错号", sex="F", id_number="110105194912310021")
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert "校验位" in str(exc.value)


def test_sex_and_birth_date_are_taken_from_the_id_number(world):
    number = make_id_number("513401", dt.date(1990, 7, 1), 24)
    person = Person(village=world.village_a, name="自动", id_number=number.lower())
    person.full_clean()
    assert person.sex == "F" and person.birth_date == dt.date(1990, 7, 1)
    assert person.id_number == number


def register_again(world, login, registered: Person) -> str:
    """Return the page 红旗村's director gets registering 重复 with ``registered``'s ID number; check
    that nobody was registered."""
    response = login(world.dir_a).post(
        reverse("registry:person_create"),
        {
            "name": "重复",
            "id_number": registered.id_number,
            "sex": "F",
            "ethnicity": "汉族",
            "village": world.village_a.pk,
        },
    )
    assert response.status_code == 200
    assert not Person.objects.filter(name="重复").exists()
    return response.content.decode()


def test_someone_registered_in_another_village_is_refused_without_a_hint(world, login):
    body = register_again(world, login, world.woman_c)
    assert "已在本乡镇以外登记" in body and "乡镇妇联" in body
    assert "光明村" not in body and "妇女C" not in body and "团结镇" not in body and "其他村" not in body


def test_someone_of_another_village_of_the_township_is_told_the_township_can_move_her(world, login):
    body = register_again(world, login, world.woman_b)
    assert "已在本乡镇其他村登记" in body and "办理迁移" in body
    assert "胜利村" not in body and "妇女B" not in body


def refusal_once_deleted(world, person: Person) -> str:
    """Delete ``person``; return the model's refusal of 再登记 in 红旗村 with her ID number."""
    person.mark_deleted()
    person.save()
    again = Person(village=world.village_a, name="再登记", id_number=person.id_number)
    with pytest.raises(ValidationError) as exc:
        again.full_clean()
    return str(exc.value)


def test_a_deleted_record_beyond_the_township_is_not_told_to_be_deleted(world):
    refusal = refusal_once_deleted(world, world.woman_c)
    assert "本乡镇以外" in refusal and "已被删除" not in refusal


def test_a_missing_number_is_never_a_duplicate(world):
    PersonFactory(village=world.village_a, name="新生儿一", id_number=None)
    second = PersonFactory(village=world.village_a, name="新生儿二", id_number=None)
    second.full_clean()
    assert Person.objects.filter(id_number__isnull=True).count() == 2


def test_a_negative_income_is_refused(world):
    income = HouseholdIncome(household=world.household_a, year=2025, per_capita_income=-1)
    with pytest.raises(ValidationError) as exc:
        income.full_clean()
    assert "负数" in str(exc.value)


def test_search_by_the_last_four_characters(world, login):
    client = login(world.staff)
    last4 = world.woman_b.id_number[-4:]
    response = client.get(reverse("registry:person_list"), {"q": last4})
    assert list(response.context["object_list"]) == [world.woman_b]


def test_a_household_has_one_head_and_one_spouse(world):
    second_head = Person(
        village=world.village_a, household=world.household_a, relation="head", name="又一户主", sex="M"
    )
    with pytest.raises(ValidationError) as exc:
        second_head.full_clean()
    assert "一户只能有一位" in str(exc.value)


def test_a_deleted_persons_number_asks_for_a_restore_not_a_new_record(world):
    refusal = refusal_once_deleted(world, world.woman_a)
    assert "已被删除" in refusal and "恢复" in refusal


def test_save_stores_blank_numbers_as_missing_and_legacy_numbers_as_eighteen(world):
    blank = PersonFactory(village=world.village_a, name="空号", id_number="")
    other_blank = PersonFactory(village=world.village_a, name="空号二", id_number="  ")
    assert blank.id_number is None and other_blank.id_number is None
    legacy = PersonFactory(village=world.village_a, name="旧号", id_number="110105491231002")
    assert legacy.id_number == "11010519491231002X"
    assert legacy.id_last4 == "002X"


def test_an_away_date_needs_a_work_place(world):
    world.woman_a.away_since = dt.date(2025, 1, 1)
    with pytest.raises(ValidationError) as exc:
        world.woman_a.full_clean()
    assert "务工地点" in str(exc.value)


def test_a_work_detail_without_a_work_place_is_refused_by_the_form_as_by_the_import(world, login, tmp_path):
    client = login(world.dir_a)
    data = {k: v for k, v in model_to_dict(world.woman_a).items() if v is not None}
    data.update(work_place="", work_place_detail="县城服装厂", version=world.woman_a.version)
    response = client.post(reverse("registry:person_update", args=[world.woman_a.pk]), data)
    assert response.status_code == 200
    assert "务工地点为“在家”时不填务工单位或地址" in response.content.decode()
    world.woman_a.refresh_from_db()
    assert world.woman_a.work_place_detail != "县城服装厂"
    result = import_persons(
        roster(tmp_path, [person_row("新人", new_id(1991), work="县城服装厂")]), village=world.village_a
    )
    assert [e.column for e in result.errors] == ["务工地点"]
    result = import_persons(
        roster(tmp_path, [person_row("新人", new_id(1991), work="在家 县城服装厂")]), village=world.village_a
    )
    assert "在家" in result.errors[0].reason and not Person.objects.filter(name="新人").exists()
