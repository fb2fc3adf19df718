"""A list's pages read by their keys first hold the same rows, in the same order, as a plain slice."""

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.urls import reverse

from federation.web.pagination import KeysFirstPaginator
from registry.models import Person
from tests.helpers.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def eleven(world):
    """Eleven more residents of village A, four of them with the same name (ties in a name order)."""
    for n in range(11):
        member(world.household_a, "other", "同名" if n % 3 == 0 else f"居民{n:02d}", dt.date(1990, 1, 1 + n))
    return Person.objects.filter(village=world.village_a).select_related("household__group")


@pytest.mark.parametrize("ordering", [(), ("name",), ("-birth_date",)])
def test_every_page_holds_the_rows_of_the_plain_slice_forwards_and_backwards(eleven, ordering):
    rows = eleven.order_by(*ordering, "pk") if ordering else eleven
    plain = Paginator(rows, 3)
    keyed = KeysFirstPaginator(eleven.order_by(*ordering) if ordering else eleven, 3)
    assert keyed.num_pages == plain.num_pages == 4
    for number in plain.page_range:  # pages 3 and 4 are read backwards from the end
        assert [p.pk for p in keyed.page(number)] == [p.pk for p in plain.page(number)]
    last = keyed.page(4)
    assert last.start_index() == 10 and last.end_index() == 12 and not last.has_next()
    assert last[0].household.group.number == 1  # the rows come with their joins


def test_a_list_that_is_no_query_pages_as_django_does():
    page = KeysFirstPaginator(list(range(7)), 3).page(3)
    assert list(page) == [6]


def test_the_persons_list_last_page_shows_the_last_residents(world, login, eleven, monkeypatch):
    from registry.views.people import PersonListView

    monkeypatch.setattr(PersonListView, "paginate_by", 5)  # 12 residents: pages of 5, 5 and 2
    last = login(world.dir_a).get(reverse("registry:person_list"), {"page": "last"})
    in_book_order = [p.name for p in eleven.order_by(*Person._meta.ordering)]
    assert [p.name for p in last.context["object_list"]] == in_book_order[-2:]
    assert "第 3 / 3 页，共 12 条" in last.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_a_list_larger_than_the_limit_is_counted_by_the_planners_estimate(world, login, eleven, monkeypatch):
    from federation.web import pagination
    from registry.views.people import PersonListView

    monkeypatch.setattr(PersonListView, "paginate_by", 5)
    exact = login(world.dir_a).get(reverse("registry:person_list")).content.decode()
    assert "共 12 条" in exact
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 0)  # every list is "large"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")  # an estimate of about the rows there are
    client = login(world.dir_a)
    page = client.get(reverse("registry:person_list")).content.decode()
    assert "共约" in page and "第 1 /" in page
    last = client.get(reverse("registry:person_list"), {"page": "last"})
    in_book_order = [p.name for p in eleven.order_by(*Person._meta.ordering)]
    # the last page is read backwards from the true end, whatever the estimate says
    assert [p.name for p in last.context["object_list"]][-1] == in_book_order[-1]
