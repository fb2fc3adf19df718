"""Moving households and persons between villages is a township action, kept in history."""

from __future__ import annotations

from django.urls import reverse

from registry.models import Household, Person
from tests.helpers.factories import PersonFactory


def test_township_moves_a_household_with_its_members(world, login):
    child = PersonFactory(
        village=world.village_a, household=world.household_a, relation="child", name="孩子A"
    )
    client = login(world.staff)
    url = reverse("registry:household_move", args=[world.household_a.pk])
    # 胜利村 already has a household 0001: the move asks for another number and moves nothing.
    response = client.post(url, {"to_group": world.group_b.pk})
    assert response.status_code == 200
    assert "本村已有这个户号" in response.content.decode()
    assert Household.objects.get(pk=world.household_a.pk).village == world.village_a
    response = client.post(url, {"to_group": world.group_b.pk, "number": "0102"})
    assert response.status_code == 302
    household = Household.objects.get(pk=world.household_a.pk)
    assert household.village == world.village_b and household.group == world.group_b
    assert {p.village for p in Person.objects.filter(household=household)} == {world.village_b}
    # The old village no longer sees them; the new one does.
    assert not Person.objects.for_user(world.dir_a).filter(pk=child.pk).exists()
    assert Person.objects.for_user(world.dir_b).filter(pk=child.pk).exists()
    previous = household.history.all()[1]
    assert previous.village_id == world.village_a.pk
    assert household.history.first().history_user == world.staff


def test_a_director_cannot_move(world, login):
    client = login(world.dir_a)
    response = client.post(
        reverse("registry:household_move", args=[world.household_a.pk]), {"to_group": world.group_b.pk}
    )
    assert response.status_code == 404
    assert Household.objects.get(pk=world.household_a.pk).village == world.village_a


def test_a_move_outside_the_township_is_refused(world, login):
    client = login(world.staff)
    response = client.post(
        reverse("registry:household_move", args=[world.household_a.pk]), {"to_group": world.group_c.pk}
    )
    assert response.status_code == 200  # the other township's group is not a choice
    assert "不在可选的范围内" in response.content.decode()
    assert Household.objects.get(pk=world.household_a.pk).village == world.village_a


def test_township_moves_a_person_into_a_household_of_another_village(world, login):
    client = login(world.chair)
    response = client.post(
        reverse("registry:person_move", args=[world.woman_a.pk]),
        {"to_household": world.household_b.pk, "relation": "spouse"},
    )
    assert response.status_code == 302
    woman = Person.objects.get(pk=world.woman_a.pk)
    assert woman.village == world.village_b and woman.household == world.household_b
    assert woman.history.count() == 2
