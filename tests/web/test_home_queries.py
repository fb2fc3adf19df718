"""The home of the roles that see many villages reads those villages once, whatever its sections ask."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers.factories import VillageFactory

#: A query that reads villages, their rows or their ids (not a join to them, not a subquery).
READS_VILLAGES = re.compile(r'^SELECT "federation_village"\."id".*? FROM "federation_village"', re.DOTALL)


def _village_reads(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return sum(bool(READS_VILLAGES.match(q["sql"])) for q in queries.captured_queries)


@pytest.mark.parametrize("user_key", ["staff", "county_viewer"])
def test_the_home_of_many_villages_reads_them_once(world, login, user_key):
    for n in range(6):
        VillageFactory(township=world.township, code=f"513401105{300 + n:03d}")
    client = login(getattr(world, user_key))
    client.get(reverse("home"))  # the header's count and the caches, as after log-in
    # its figures, its visits, late registers and open cases, its to-dos: all of the same villages
    assert _village_reads(client) == 1


#: A query that reads a year's rule values (the yearly settings, the outreach's).
YEARLY_VALUES = re.compile(r'^SELECT .*? FROM "(federation_yearsettings|outreach_outreachsettings)"', re.S)


@pytest.mark.parametrize("page", ["registry:leftbehindwoman_list", "outreach:visit_progress", "home"])
def test_a_page_reads_each_years_rule_values_once(world, login, page):
    """Its view, its rules and its template each ask for them: one query a kind and year."""
    client = login(world.dir_a)
    client.get(reverse(page))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(page)).status_code == 200
    read = [q["sql"] for q in queries.captured_queries if YEARLY_VALUES.match(q["sql"])]
    assert len(read) == len({(sql.split('FROM "')[1].split('"')[0], sql.split("WHERE")[1]) for sql in read})
