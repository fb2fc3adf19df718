"""Choosing a person or a household: an autocomplete over the user's scope, never a full list.

The forms are found from the URL patterns (every ``…_create`` page), so a new register's form is
held to the same page size without a line of its own.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Household, LeftBehindWoman, Person
from tests.helpers.factories import HouseholdFactory, member
from tests.helpers.urls import named_pages, without_arguments

pytestmark = pytest.mark.django_db


CREATE_FORMS = sorted(
    {name for name, pattern in named_pages() if name.endswith("_create") and without_arguments(pattern)}
)


def found(client, query: str, **params) -> list[dict]:
    response = client.get(reverse("registry:person_autocomplete"), {"q": query, **params})
    assert response.status_code == 200
    return response.json()["results"]


def test_a_director_finds_her_villages_women_by_name_id_number_and_its_last_four(world, login):
    client = login(world.dir_a)
    woman = world.woman_a
    for query in ("妇女", "妇女A", woman.id_number, woman.id_number[-4:]):
        assert [row["value"] for row in found(client, query)] == [woman.pk], query
    assert woman.id_number in found(client, "妇女A")[0]["id_number"]  # hers in full


def test_another_villages_persons_are_never_offered_to_a_director(world, login):
    client = login(world.dir_a)
    for query in ("妇女B", world.woman_b.id_number, world.woman_b.id_number[-4:], "妇女C"):
        assert found(client, query) == [], query
    households = client.get(reverse("registry:household_autocomplete"), {"q": "妇女B"}).json()["results"]
    assert households == []


def test_the_township_finds_the_persons_of_its_villages_only(world, login):
    client = login(world.staff)
    assert {row["value"] for row in found(client, "妇女")} == {world.woman_a.pk, world.woman_b.pk}


def test_a_masked_role_sees_masked_id_numbers_in_the_options(world, login):
    rows = found(login(world.county_viewer), "妇女A")
    assert len(rows) == 1 and world.woman_a.id_number not in str(rows)
    assert rows[0]["id_number"].startswith(world.woman_a.id_number[:3])
    assert rows[0]["id_number"].endswith(world.woman_a.id_number[-4:]) and "*" in rows[0]["id_number"]
    assert "1988-05-06" not in rows[0]["text"] and "岁" in rows[0]["text"]  # her age, not her birth date
    assert "1988-05-06" in found(login(world.dir_a), "妇女A")[0]["text"]


def test_the_options_follow_the_fields_narrowing(world, login):
    client = login(world.dir_a)
    husband = member(world.household_a, "spouse", "丈夫甲", dt.date(1985, 1, 1), sex="M")
    assert [r["value"] for r in found(client, "丈夫甲")] == [husband.pk]
    assert found(client, "丈夫甲", sex="F") == []
    assert found(client, "妇女A", registered=1) == []  # not in a women's register yet
    LeftBehindWoman.objects.create(person=world.woman_a, year=timezone.localdate().year)
    assert [r["value"] for r in found(client, "妇女A", registered=1)] == [world.woman_a.pk]


def test_a_household_is_found_by_its_number_or_a_members_name(world, login):
    client = login(world.dir_a)
    url = reverse("registry:household_autocomplete")
    for query in ("0001", "1", "妇女A"):
        rows = client.get(url, {"q": query}).json()["results"]
        assert [r["value"] for r in rows] == [world.household_a.pk], query
        assert "红旗村" in rows[0]["text"] and "妇女A" in rows[0]["text"]


def test_the_autocomplete_answers_404_to_a_user_without_a_membership(world, login):
    assert login(world.nobody).get(reverse("registry:person_autocomplete"), {"q": "妇女"}).status_code == 404


def test_a_register_form_holds_the_chosen_person_only(world, login):
    client = login(world.dir_a)
    member(world.household_a, "child", "女儿", dt.date(2012, 1, 1))
    url = reverse("registry:leftbehindwoman_create")
    page = client.get(url, {"person": world.woman_a.pk}).content.decode()
    select = re.search(r'<select name="person".*?</select>', page, re.S).group(0)
    assert "data-autocomplete-url" in select and "sex=F" in select
    assert re.findall(r'<option value="(\d+)"', select) == [str(world.woman_a.pk)]
    assert "女儿" not in select
    # Tom Select from the package's static files, started by the site's own script: no inline script
    assert "/static/django_tomselect/js/django-tomselect.min.js" in page
    assert "/static/js/autocomplete.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_a_person_of_another_village_posted_by_hand_is_refused_on_the_field(world, login):
    client = login(world.dir_a)
    before = LeftBehindWoman.objects.count()
    response = client.post(
        reverse("registry:leftbehindwoman_create"),
        {"year": timezone.localdate().year, "person": world.woman_b.pk},
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert response.context["form"].errors["person"] == ["所选的一项不在可选的范围内，请重新选择。"]
    assert "所选的一项不在可选的范围内" in response.content.decode()
    assert LeftBehindWoman.objects.count() == before


def test_a_household_of_another_village_posted_on_the_person_form_is_refused(world, login):
    client = login(world.dir_a)
    response = client.post(
        reverse("registry:person_create"),
        {"household": world.household_b.pk, "relation": "child", "name": "新生儿", "sex": "F"},
    )
    assert response.status_code == 200 and "household" in response.context["form"].errors
    assert not Person.objects.filter(name="新生儿").exists()


def many_residents(world, count: int) -> None:
    """Give the township ``count`` more residents, half in each of its two villages, in households."""
    for village, group in ((world.village_a, world.group_a), (world.village_b, world.group_b)):
        households = Household.objects.bulk_create(
            Household(village=village, group=group, group_number=1, number=f"{n:04d}")
            for n in range(100, 100 + count // 8)
        )
        Person.objects.bulk_create(
            Person(
                village=village,
                household=households[n % len(households)],
                relation="child" if n % 4 else "head",
                name=f"居民{village.pk}-{n}",
                sex="F" if n % 2 else "M",
                birth_date=dt.date(1960 + n % 50, 1 + n % 12, 1),
                group_number=1,
            )
            for n in range(count // 2)
        )


def test_every_create_form_page_is_small_for_the_township_with_thousands_of_residents(world, login, capsys):
    many_residents(world, 4000)
    assert Person.objects.filter(village__township=world.township).count() > 4000
    client = login(world.staff)
    timings = []
    for name in CREATE_FORMS:
        started = time.perf_counter()
        response = client.get(reverse(name))
        timings.append((name, round((time.perf_counter() - started) * 1000), len(response.content)))
        if response.status_code == 404:  # not a form of the township's (none today)
            continue
        assert response.status_code == 200, name
        assert len(response.content) <= 100_000, (name, len(response.content))
    with capsys.disabled():
        for name, ms, size in timings:
            print(f"\n{name}: {size / 1000:.1f} KB, {ms} ms", end="")
    assert len(timings) >= 15 and "outreach:petition_create" in CREATE_FORMS


def test_the_household_created_in_a_test_world_is_found(world, login):
    household = HouseholdFactory(village=world.village_a, group=world.group_a, number="0777")
    rows = login(world.staff).get(reverse("registry:household_autocomplete"), {"q": "0777"}).json()["results"]
    assert [r["value"] for r in rows] == [household.pk]
