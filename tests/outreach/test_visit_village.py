"""A visit keeps its woman's village (``registry.models.PersonsVillage``): set when it is saved, carried
when she moves to another village, and what a director's list of visits reads."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outreach.models import Visit
from tests.helpers.outreach import TODAY, YEAR, left_behind_woman, visit


def visits_listed(client) -> list:
    response = client.get(reverse("outreach:visit_list") + f"?year={YEAR}")
    assert response.status_code == 200
    return list(response.context["object_list"])


def test_a_visit_keeps_her_village_and_follows_her_when_she_moves(world, login):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    seen = visit(woman.person, TODAY)
    neighbour = visit(left_behind_woman(world.village_a, name="王桂英").person, TODAY)
    assert seen.village == world.village_a
    response = login(world.chair).post(
        reverse("registry:person_move", args=[woman.person.pk]),
        {"to_household": world.household_b.pk, "relation": "spouse"},
    )
    assert response.status_code == 302
    assert Visit.objects.get(pk=seen.pk).village == world.village_b
    assert Visit.objects.get(pk=neighbour.pk).village == world.village_a
    assert visits_listed(login(world.dir_a)) == [neighbour]
    assert visits_listed(login(world.dir_b)) == [seen]


def test_a_directors_list_of_visits_reads_her_village_on_the_visit_itself(world, login):
    own = visit(left_behind_woman(world.village_a, name="李秀兰").person, TODAY)
    other = visit(left_behind_woman(world.village_b, name="王桂英").person, TODAY)
    client = login(world.dir_a)
    visits_listed(client)  # what a first page of the session reads once
    with CaptureQueriesContext(connection) as queries:
        assert visits_listed(client) == [own]
    assert other not in Visit.objects.for_user(world.dir_a)
    table = Visit._meta.db_table
    reads = [q["sql"] for q in queries if first_table(q["sql"]) == table]
    assert reads
    for sql in reads:
        assert re.search(rf'"{table}"\."village_id" = {world.village_a.pk}\b', sql), sql


def first_table(sql: str) -> str | None:
    """Return the table a SELECT reads its rows from (its first FROM), None for another statement."""
    found = re.match(r'SELECT .*? FROM "(\w+)"', sql)
    return found.group(1) if found else None
