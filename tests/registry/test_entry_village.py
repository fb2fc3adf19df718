"""Every register entry keeps its person's village: set when it is written (a form, an import), carried
when she moves to another village, and what a director's list of the register reads."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from federation.core.actors import SystemActor
from federation.core.models import VillageGroup
from federation.ledgers.imports.framework import get_importer
from registry.models import LeftBehindWoman, PoorWoman
from tests.helpers.registers import (
    MODELS,
    PERSON_REGISTERS,
    form_data,
    list_url,
    make_record,
    unsaved_record,
    urls,
)
from tests.helpers.samples import SAMPLE


@pytest.mark.parametrize("key", PERSON_REGISTERS)
def test_an_entry_registered_on_its_page_keeps_her_village(world, login, key):
    instance = unsaved_record(key, world.village_a)
    response = login(world.dir_a).post(urls(key)["create"], form_data(key, instance))
    assert response.status_code == 302
    entry = MODELS[key].objects.get(person=instance.person)
    assert entry.village == world.village_a


def test_an_imported_register_keeps_each_womans_village(world):
    for number in range(2, 7):  # the groups the sample register names
        VillageGroup.objects.create(village=world.village_a, number=number, name=f"{number}组")
    importer = get_importer("left_behind_women")
    result = importer(world.village_a, year=2014, user=SystemActor(world.village_a)).import_file(SAMPLE)
    assert not result.errors
    entries = LeftBehindWoman.objects.filter(year=2014)
    assert entries.count() > 1
    assert set(entries.values_list("village_id", flat=True)) == {world.village_a.pk}


@pytest.mark.parametrize("key", PERSON_REGISTERS)
def test_a_household_moved_to_another_village_takes_its_entries_there(world, login, key):
    entry = make_record(key, world.village_a)
    staying = make_record(key, world.village_a)
    household = entry.person.household
    response = login(world.staff).post(
        reverse("registry:household_move", args=[household.pk]),
        {"to_group": world.group_b.pk, "number": "0777"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.village == world.village_b
    assert MODELS[key].objects.get(pk=staying.pk).village == world.village_a
    # Her old village's director no longer sees the entry, the new one's does, on the list and its page.
    old = login(world.dir_a)
    assert entry not in listed(old, key, entry.year)
    assert old.get(urls(key, entry)["detail"]).status_code == 404
    new = login(world.dir_b)  # the same client, now hers
    assert entry in listed(new, key, entry.year)
    assert new.get(urls(key, entry)["detail"]).status_code == 200


def test_a_person_moved_to_another_village_takes_her_entries_deleted_ones_too(world, login):
    entry = make_record("leftbehindwoman", world.village_a)
    woman = entry.person
    neighbour = make_record("leftbehindwoman", world.village_a)
    deleted = make_record("poorwoman", world.village_a)
    PoorWoman.all_objects.filter(pk=deleted.pk).update(person=woman, deleted_at=timezone.now())
    response = login(world.chair).post(
        reverse("registry:person_move", args=[woman.pk]),
        {"to_household": world.household_b.pk, "relation": "spouse"},
    )
    assert response.status_code == 302
    assert LeftBehindWoman.objects.get(pk=entry.pk).village == world.village_b
    assert PoorWoman.all_objects.get(pk=deleted.pk).village == world.village_b  # restored, it is there
    assert LeftBehindWoman.objects.get(pk=neighbour.pk).village == world.village_a
    assert LeftBehindWoman.objects.for_user(world.dir_b).filter(pk=entry.pk).exists()
    assert not LeftBehindWoman.objects.for_user(world.dir_a).filter(pk=entry.pk).exists()


@pytest.mark.parametrize("key", PERSON_REGISTERS)
def test_a_directors_list_reads_her_villages_entries_by_their_own_village(world, login, key):
    own = make_record(key, world.village_a)
    others = [make_record(key, world.village_b), make_record(key, world.village_c)]
    client = login(world.dir_a)
    listed(client, key, own.year)  # what a first page of the session reads once (its log-in, …)
    with CaptureQueriesContext(connection) as few:
        assert listed(client, key, own.year) == [own]
    for _ in range(3):
        make_record(key, world.village_a)
    table = MODELS[key]._meta.db_table
    with CaptureQueriesContext(connection) as more:
        rows = listed(client, key, own.year)
    assert len(rows) == 4 and not set(rows) & set(others)
    assert len(more) == len(few)  # one more entry, no more query
    # Every query of the register's rows names her village on the entry itself: no other village's
    # entries are read to be joined to their persons.
    reads = [q["sql"] for q in more if first_table(q["sql"]) == table]
    assert reads
    for sql in reads:
        assert re.search(rf'"{table}"\."village_id" = {world.village_a.pk}\b', sql), sql


def test_a_director_of_another_village_does_not_see_the_entries(world, login):
    entry = make_record("leftbehindwoman", world.village_a)
    client = login(world.dir_b)
    assert entry not in listed(client, "leftbehindwoman", entry.year)
    assert client.get(urls("leftbehindwoman", entry)["detail"]).status_code == 404


def listed(client, key, year) -> list:
    response = client.get(list_url(key, year=year))
    assert response.status_code == 200
    return list(response.context["object_list"])


def first_table(sql: str) -> str | None:
    """Return the table a SELECT reads its rows from (its first FROM), None for another statement."""
    found = re.match(r'SELECT .*? FROM "(\w+)"', sql)
    return found.group(1) if found else None
