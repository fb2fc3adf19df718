"""The search of the page header: persons and households of the user's scope, by name, whole ID
number, its last 4 characters, phone and 户号; grouped, with the registers each person is on."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.core.models import AccessRecord
from registry.models import LeftBehindChild, Person
from tests.helpers.factories import HouseholdFactory, PersonFactory, member
from tests.helpers.outreach import left_behind_woman, saved

YEAR = timezone.localdate().year
SEARCH = reverse("registry:search")


@pytest.fixture
def people(world):
    """Return the world with 王秀英 (a left-behind woman of village A, phone 138 1234 5678) and her
    namesake 王秀英 of village B, and a household 0088 in each of villages A and B."""
    w = world
    w.her = left_behind_woman(w.village_a, name="王秀英").person
    Person.objects.filter(pk=w.her.pk).update(phone="138-1234-5678")
    w.her.refresh_from_db()
    w.namesake = PersonFactory(village=w.village_b, name="王秀英", phone="13812345678")
    w.house_a = HouseholdFactory(village=w.village_a, group=w.group_a, number="0088")
    w.house_b = HouseholdFactory(village=w.village_b, group=w.group_b, number="0088")
    member(w.house_a, "head", "赵大山", dt.date(1970, 1, 1), sex="M")
    return w


def found(client, text: str) -> str:
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def persons_part(page: str) -> str:
    return page[page.find('id="search-persons"') : page.find('id="search-households"')]


def test_a_director_finds_her_villages_woman_by_name_whole_id_last_4_and_phone(people, login):
    client = login(people.dir_a)
    for text in ("秀英", people.her.id_number, people.her.id_number.lower(), people.her.id_number[-4:]):
        part = persons_part(found(client, text))
        assert people.her.get_absolute_url() in part, text
        assert people.namesake.get_absolute_url() not in part  # village B's: never hers to see
        assert "农村留守妇女" in part
    for text in ("138-1234-5678", "13812345678"):
        assert people.her.get_absolute_url() in persons_part(found(client, text))


def test_a_household_is_found_by_its_number_in_the_users_scope_only(people, login):
    page = found(login(people.dir_a), "0088")
    households = page[page.find('id="search-households"') :]
    assert people.house_a.get_absolute_url() in households and "赵大山" in households
    assert people.house_b.get_absolute_url() not in households
    staff = found(login(people.staff), "0088")
    assert people.house_a.get_absolute_url() in staff and people.house_b.get_absolute_url() in staff


def test_the_township_finds_both_namesakes_and_another_township_neither(people, login):
    page = found(login(people.staff), "王秀英")
    assert people.her.get_absolute_url() in page and people.namesake.get_absolute_url() in page
    page = found(login(people.other_staff), "王秀英")
    assert "没有找到居民" in page and people.her.get_absolute_url() not in page


def test_the_county_viewer_reads_masked_numbers_in_the_results(people, login):
    page = found(login(people.county_viewer), people.her.id_number[-4:])
    assert people.her.get_absolute_url() in page
    assert people.her.id_number not in page and "138-****-5678" in page
    assert "1234" not in persons_part(page).replace(people.her.id_number[-4:], "")


def test_a_search_by_a_whole_id_number_is_in_the_access_log_without_the_number(people, login, caplog):
    client = login(people.dir_a)
    with caplog.at_level(logging.DEBUG):
        found(client, people.her.id_number)
        found(client, "11010519491231002X")  # a valid number no one has
    records = list(AccessRecord.objects.filter(kind="id_search").order_by("pk"))
    assert [(r.person_id, r.username) for r in records] == [(people.her.pk, "dir_a"), (None, "dir_a")]
    for record in records:
        assert people.her.id_number not in record.path and "q=" not in record.path
    assert people.her.id_number not in caplog.text and "11010519491231002X" not in caplog.text
    found(client, "王秀英")
    found(client, people.her.id_number[-4:])
    assert AccessRecord.objects.filter(kind="id_search").count() == 2  # names and last 4 are not


def test_registers_of_every_result_are_read_in_one_query(people, login, django_assert_max_num_queries):
    for n in range(6):
        child = PersonFactory(village=people.village_a, name=f"王小{n}", birth_date=dt.date(YEAR - 8, 1, 1))
        saved(
            LeftBehindChild(
                person=child,
                year=YEAR,
                parents_away="both",
                guardian_name="奶奶",
                guardian_relation="grandparent",
            )
        )
    client = login(people.dir_a)
    found(client, "王")
    with django_assert_max_num_queries(12):
        page = found(client, "王")
    assert page.count("留守儿童 ") >= 6 and "农村留守妇女" in page


def test_results_are_capped_and_paged(people, login, monkeypatch):
    from registry import selectors
    from registry.views import search

    monkeypatch.setattr(selectors, "SEARCH_CAP", 5)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    for n in range(8):
        PersonFactory(village=people.village_a, name=f"李{n}")
    client = login(people.dir_a)
    page = found(client, "李")
    assert "5 条以上" in page and "第 1 / 3 页" in page
    last = client.get(SEARCH, {"q": "李", "page": 3}).content.decode()
    assert persons_part(last).count("/registry/persons/") == 1


def test_an_empty_search_lists_nothing_and_the_county_viewer_may_search(people, login):
    page = found(login(people.dir_a), "   ")
    assert 'id="search-persons"' not in page
    assert login(people.nobody).get(SEARCH, {"q": "王"}).status_code == 404


def test_the_header_has_the_search_box(people, login):
    page = login(people.dir_a).get(reverse("home")).content.decode()
    assert f'action="{SEARCH}"' in page and 'role="search"' in page


def test_a_short_name_is_found_anywhere_in_a_village_and_a_single_character_from_its_start_beyond(
    people, login
):
    """Beyond one village a name of 2 characters is found anywhere in a name (on PostgreSQL from the
    index of names' two-character pieces); one character, a surname, from the name's start."""
    assert people.her.get_absolute_url() in persons_part(found(login(people.dir_a), "秀"))
    staff = login(people.staff)
    assert people.her.get_absolute_url() not in persons_part(found(staff, "秀"))
    for text in ("王", "王秀", "秀英", "王秀英"):
        assert people.her.get_absolute_url() in persons_part(found(staff, text)), text
