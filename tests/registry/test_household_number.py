"""A household's 户号 taken in the village, and a person typed twice in her own village: the form
says so on the field, with what was typed kept, and proposes the group's next free number."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registry.models import Household
from registry.rules import next_free_numbers
from tests.helpers.factories import HouseholdFactory, VillageGroupFactory

pytestmark = pytest.mark.django_db


def field_errors(response, name: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(name, [])]


@pytest.mark.parametrize("who", ["dir_a", "staff"])
def test_a_number_taken_in_the_village_is_refused_on_the_field_with_the_form_kept(world, login, who):
    client = login(getattr(world, who))
    data = {"group": world.group_a.pk, "number": "0001", "address": "红旗村一组 1 号", "income_year": 2026}
    if who == "staff":
        data["village"] = world.village_a.pk
    response = client.post(reverse("registry:household_create"), data)
    assert response.status_code == 200
    assert field_errors(response, "number") == ["本村已有这个户号，请换一个户号。"]
    html = response.content.decode()
    assert 'value="红旗村一组 1 号"' in html and 'value="0001"' in html
    assert "一组下一个空着的户号是 0002。" in html
    assert Household.objects.filter(village=world.village_a).count() == 1


def test_the_same_number_in_another_village_is_saved(world, login):
    client = login(world.dir_b)
    data = {"group": world.group_b.pk, "number": "0002", "income_year": 2026}
    assert client.post(reverse("registry:household_create"), data).status_code == 302


def test_the_form_proposes_the_next_free_number_of_the_group(world, login):
    group_2 = VillageGroupFactory(village=world.village_a, number=2, name="二组")
    for number in ("0031", "0033", "0034"):
        HouseholdFactory(village=world.village_a, group=group_2, number=number)
    HouseholdFactory(village=world.village_a, group=world.group_a, number="0035")  # held by another group
    assert next_free_numbers([group_2]) == {group_2.pk: "0036"}
    client = login(world.dir_a)
    html = client.get(reverse("registry:household_create") + f"?group={group_2.pk}").content.decode()
    number_input = re.search(r'<input[^>]*name="number"[^>]*>', html).group(0)
    assert 'value="0036"' in number_input
    assert "data-next-numbers" in number_input


@pytest.mark.parametrize("who", ["dir_a", "staff"])
def test_a_person_typed_twice_in_her_own_village_is_told_she_is_registered_here(world, login, who):
    client = login(getattr(world, who))
    data = {"name": "妇女A", "id_number": world.woman_a.id_number, "ethnicity": "汉族"}
    if who == "staff":
        data["village"] = world.village_a.pk
    response = client.post(reverse("registry:person_create"), data)
    assert response.status_code == 200
    assert field_errors(response, "id_number") == ["此人已在本村登记过，请在居民名单中查找，不要重复登记。"]


def test_django_s_own_messages_are_plain_chinese(world, login):
    client = login(world.dir_a)
    response = client.post(reverse("registry:person_create"), {"name": "字" * 51, "birth_date": "2026-02-30"})
    assert field_errors(response, "name") == ["最多 50 个字，现在 51 个。"]
    assert field_errors(response, "ethnicity") == ["请填写这一项。"]
    assert field_errors(response, "birth_date")[0].startswith("日期不对")
    assert "确保" not in response.content.decode()
