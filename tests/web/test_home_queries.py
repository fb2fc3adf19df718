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
