"""The write side of the scope: the services refuse a record outside the scope, whatever a form offered.

The forms offer only rows of the user's scope; these tests take that away (as a forged POST would)
and show that the one check in the core (``federation.core.scoping.require_in_scope``), which
every service calls, still refuses, and nothing is written.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from federation.core.scoping import in_scope
from federation.core.services import domain_record_delete, domain_record_save
from registry.models import Household, LeftBehindWoman, Person
from tests.helpers.factories import PersonFactory


@pytest.fixture
def no_scoped_choices(monkeypatch):
    """Let every form offer every row, as a forged form would."""
    monkeypatch.setattr("federation.core.mixins.scope_form_choices", lambda form, user: None)


def test_a_register_entry_naming_another_villages_person_is_refused_by_the_service(
    world, login, no_scoped_choices
):
    PersonFactory(  # her husband works in another province: she meets every rule of the register
        village=world.village_b,
        household=world.household_b,
        relation="spouse",
        sex="M",
        name="丈夫B",
        birth_date=dt.date(1985, 1, 1),
        work_place="out_province",
        away_since=dt.date(2024, 1, 1),
    )
    client = login(world.dir_a)
    response = client.post(
        reverse("registry:leftbehindwoman_create"),
        {"year": 2026, "person": world.woman_b.pk, "lives_with": "family", "at_registration_place": "on"},
    )
    assert response.status_code == 200
    assert "只能登记或修改本人负责范围内的记录。" in response.content.decode()
    assert not LeftBehindWoman.all_objects.exists()


def test_a_visit_naming_another_villages_woman_is_refused_by_the_service(world, login, no_scoped_choices):
    from outreach.models import Visit

    LeftBehindWoman.objects.create(person=world.woman_b, year=2026)
    response = login(world.dir_a).post(
        reverse("outreach:visit_create"),
        {"person": world.woman_b.pk, "visited_on": "2026-01-05", "mode": "home", "visitors": "张红"},
    )
    assert response.status_code == 200
    assert "只能登记或修改本人负责范围内的记录。" in response.content.decode()
    assert not Visit.all_objects.exists()


def test_a_person_or_household_placed_in_another_township_is_refused_by_the_service(world):
    staff = world.staff  # 幸福乡: villages A and B, not C
    person = Person(village=world.village_c, name="外乡人", sex="F", birth_date=dt.date(1990, 1, 1))
    with pytest.raises(PermissionDenied):
        domain_record_save(user=staff, instance=person)
    household = Household(village=world.village_c, group=world.group_c, number="0099")
    with pytest.raises(PermissionDenied):
        domain_record_save(user=staff, instance=household)
    assert not Person.all_objects.filter(name="外乡人").exists()
    assert not Household.all_objects.filter(number="0099").exists()


def test_moving_a_saved_record_out_of_the_scope_is_refused_and_leaves_it_as_it_was(world):
    woman = world.woman_a
    woman.village = world.village_c
    woman.household = world.household_c
    with pytest.raises(PermissionDenied):
        domain_record_save(user=world.staff, instance=woman)
    woman.refresh_from_db()
    assert woman.village == world.village_a
    # Nor may a director delete a record of another village.
    with pytest.raises(PermissionDenied):
        domain_record_delete(user=world.dir_a, instance=world.woman_b)
    assert Person.objects.filter(pk=world.woman_b.pk).exists()


def test_the_scope_to_write_follows_the_scope_to_read(world):
    assert in_scope(world.dir_a, world.woman_a) and not in_scope(world.dir_a, world.woman_b)
    assert in_scope(world.staff, world.woman_b) and not in_scope(world.staff, world.woman_c)
    assert in_scope(world.admin, world.woman_c)
    assert not in_scope(AnonymousUser(), world.woman_a)
    assert not in_scope(world.nobody, world.woman_a)
