"""List pages run the same small number of queries whatever the number of rows, 50 rows a page.

Each page is measured with a few rows, then again with more than a page of rows: the bound measured
on the few rows must hold unchanged (a page whose queries grow with its rows does one query a row).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from tests.helpers.factories import PersonFactory, VillageFactory
from tests.helpers.registers import (
    MODELS,
    PERSON_REGISTERS,
    a_child,
    a_poor_woman,
    an_orphan,
    left_behind_woman,
    list_url,
    make_record,
    new_household,
)

PAGE_SIZE = 50
MANY = 60
#: No list page needs more than this many queries, whatever it shows.
SMALL = 30
_codes = itertools.count(300)

PAGES = ["person_list", "household_list", "women_ledger", *MODELS]


def page_url(name: str, **params) -> str:
    if name in MODELS:
        return list_url(name, **params)
    if name == "women_ledger":
        params.setdefault("year", 2026)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = reverse(f"registry:{name}")
    return f"{url}?{query}" if query else url


def add_rows(world, page: str, count: int) -> None:
    """Add ``count`` rows to the list ``page`` (and, for the registers with one, candidates too)."""
    village = world.village_a
    for _ in range(count):
        if page == "person_list":
            PersonFactory(village=village, household=new_household(village), relation="head")
        elif page == "household_list":
            new_household(village)
        elif page == "women_ledger":
            woman = left_behind_woman(village)
            PersonFactory(
                village=village, household=woman.household, relation="child", birth_date=dt.date(2015, 6, 1)
            )
        elif page == "womenshome":
            other = VillageFactory(township=world.township, code=f"513401105{next(_codes):03d}")
            make_record(page, other)
        else:
            make_record(page, village)
            if page == "leftbehindwoman":
                left_behind_woman(village)  # an unregistered candidate
            elif page == "leftbehindchild":
                a_child(village)  # a candidate: the father works away
            elif page == "poorwoman":
                a_poor_woman(village)  # a candidate: her household is below the line
            elif page == "hardshipchild":
                an_orphan(village)  # a candidate: both parents recorded deceased


def rows_of(response) -> list:
    """Return the records of the page's rows (the women's ledger's: the women)."""
    return list(response.context["object_list"])


USERS = {page: ["dir_a", "staff", "county_viewer"] for page in PAGES}
USERS["womenshome"] = ["staff", "county_viewer"]  # one women's home a village


@pytest.mark.parametrize(
    ("page", "user_key"), [(page, user) for page in PAGES for user in USERS[page]], ids=lambda v: str(v)
)
def test_a_list_page_runs_as_many_queries_for_a_full_page_as_for_a_few_rows(
    world, login, django_assert_max_num_queries, page, user_key
):
    client = login(getattr(world, user_key))
    add_rows(world, page, 2)
    url = page_url(page)
    assert client.get(url).status_code == 200  # warm the caches (content types, permissions)
    with django_assert_max_num_queries(SMALL) as few:
        response = client.get(url)
    assert response.status_code == 200
    few_rows = len(rows_of(response))
    assert 2 <= few_rows < PAGE_SIZE
    bound = len(few)

    add_rows(world, page, MANY)
    # new villages (a women's home is one a village) are counted once by the header's to-dos: the
    # home counts them here, as it would have been seen (federation.web.views.home_todo_count)
    client.get(reverse("home"))
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    assert len(rows_of(response)) == PAGE_SIZE


@pytest.mark.parametrize("page", PAGES)
def test_a_list_shows_50_rows_a_page_and_the_rest_on_page_2(world, login, page):
    client = login(world.staff)
    add_rows(world, page, MANY)
    first = client.get(page_url(page))
    assert first.status_code == 200
    assert len(rows_of(first)) == PAGE_SIZE
    total = first.context["paginator"].count
    assert total > PAGE_SIZE
    assert "page=2" in first.content.decode()
    second = client.get(page_url(page, page=2))
    assert second.status_code == 200
    assert len(rows_of(second)) == total - PAGE_SIZE
    shown_first = {r.pk for r in rows_of(first)}
    shown_second = {r.pk for r in rows_of(second)}
    assert not shown_first & shown_second
    assert client.get(page_url(page, page=3)).status_code == 404


@pytest.mark.parametrize("page", PERSON_REGISTERS)
def test_a_register_list_keeps_its_year_on_page_2(world, login, page):
    client = login(world.dir_a)
    add_rows(world, page, MANY)
    body = client.get(page_url(page)).content.decode()
    assert "?year=2026&amp;page=2" in body
