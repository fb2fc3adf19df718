"""Every register entry keeps its person's name (registry 0021): set when it is written, carried when she
is renamed (her form, an import, the admin), and what a list searched beyond a village reads."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from federation.core import history
from registry.imports.persons import import_persons
from registry.models import LeftBehindWoman, Person, PoorWoman
from tests.helpers.imports import person_row, roster
from tests.helpers.registers import MODELS, PERSON_REGISTERS, YEAR, list_url, make_record, person_form_data
from tests.helpers.web import admin_form_data


@pytest.mark.parametrize("key", PERSON_REGISTERS)
def test_a_one_character_search_beyond_a_village_finds_exactly_the_entries_of_names_holding_it(
    world, login, key
):
    w = world
    found = [
        make_record(key, w.village_a, name="李梅"),
        make_record(key, w.village_b, name="梅兰芳"),
        make_record(key, w.village_c, name="张雪梅"),
    ]
    for village in (w.village_a, w.village_b, w.village_c):
        make_record(key, village, name="王芳")
    model = MODELS[key]
    for user, scope in ((w.staff, found[:2]), (w.county_viewer, found)):
        client = login(user)
        listed = entries_listed(client, key, "梅")
        # What the persons' own names say, read as before the names were kept.
        expected = model.objects.for_user(user).filter(year=YEAR, person__name__contains="梅")
        assert sorted(e.pk for e in listed) == sorted(e.pk for e in expected) == sorted(e.pk for e in scope)
        with CaptureQueriesContext(connection) as queries:
            entries_listed(client, key, "梅")
        table = model._meta.db_table
        searched = [q["sql"] for q in queries if f'"{table}"."person_name"' in q["sql"]]
        assert searched  # the search reads the entries' kept names, not the persons'
        assert not any(re.search(r'"registry_person"\."name"(::text)? LIKE', sql) for sql in searched)


def test_an_entry_keeps_her_name_from_its_form(world, login):
    entry = make_record("leftbehindwoman", world.village_a, name="陈梅")
    assert LeftBehindWoman.objects.get(pk=entry.pk).person_name == "陈梅"


def test_a_rename_through_her_form_is_carried_to_her_entries_deleted_ones_too(world, login):
    entry = make_record("leftbehindwoman", world.village_a, name="陈梅")
    woman = entry.person
    deleted = make_record("poorwoman", world.village_a)
    PoorWoman.all_objects.filter(pk=deleted.pk).update(person=woman, person_name=woman.name)
    PoorWoman.all_objects.filter(pk=deleted.pk).update(deleted_at=entry.created_at)
    other = make_record("leftbehindwoman", world.village_a, name="陈梅梅")
    response = login(world.dir_a).post(
        reverse("registry:person_update", args=[woman.pk]), person_form_data(woman, name="陈雪")
    )
    assert response.status_code == 302
    assert LeftBehindWoman.objects.get(pk=entry.pk).person_name == "陈雪"
    assert PoorWoman.all_objects.get(pk=deleted.pk).person_name == "陈雪"
    assert LeftBehindWoman.objects.get(pk=other.pk).person_name == "陈梅梅"
    client = login(world.staff)
    assert [e.pk for e in entries_listed(client, "leftbehindwoman", "雪")] == [entry.pk]
    assert [e.pk for e in entries_listed(client, "leftbehindwoman", "梅")] == [other.pk]


def test_a_save_that_keeps_her_name_writes_nothing_to_her_entries(world):
    entry = make_record("leftbehindwoman", world.village_a, name="陈梅")
    woman = Person.objects.get(pk=entry.person_id)
    woman.phone = "13800001111"
    with CaptureQueriesContext(connection) as queries:
        history.save(woman, actor=None)
    assert not any("registry_leftbehindwoman" in q["sql"] for q in queries)


def test_a_rename_by_an_import_is_carried_to_her_entries(world, tmp_path):
    w = world
    entry = make_record("leftbehindwoman", w.village_a)
    LeftBehindWoman.all_objects.filter(pk=entry.pk).update(person=w.woman_a, person_name=w.woman_a.name)
    rows = [person_row("妇女梅", w.woman_a.id_number, household=w.woman_a.household.number, relation="户主")]
    result = import_persons(roster(tmp_path, rows), village=w.village_a)
    assert result.errors == [] and result.updated == 1
    assert Person.objects.get(pk=w.woman_a.pk).name == "妇女梅"
    assert LeftBehindWoman.objects.get(pk=entry.pk).person_name == "妇女梅"


def test_a_rename_in_the_admin_is_carried_to_her_entries(world, login):
    entry = make_record("leftbehindwoman", world.village_a, name="陈梅")
    client = login(world.staff)
    url = reverse("admin:registry_person_change", args=[entry.person_id])
    response = client.post(url, admin_form_data(client.get(url), name="陈雪"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Person.objects.get(pk=entry.person_id).name == "陈雪"
    assert LeftBehindWoman.objects.get(pk=entry.pk).person_name == "陈雪"


def entries_listed(client, key, search) -> list:
    response = client.get(list_url(key, year=YEAR, q=search))
    assert response.status_code == 200
    return list(response.context["object_list"])
