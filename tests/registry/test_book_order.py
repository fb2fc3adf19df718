"""Persons are listed in the order of the register book (村, 组, 户号) from keys kept on each person."""

import datetime as dt

import pytest
from django.urls import reverse

from federation.core.models import VillageGroup
from registry.models import Household, Person
from registry.services import household_move, person_move
from tests.helpers.factories import HouseholdFactory, VillageGroupFactory, member

pytestmark = pytest.mark.django_db


def keys(person: Person) -> tuple:
    person.refresh_from_db()
    return person.group_number, person.household_number


def test_a_persons_keys_follow_her_household_its_group_and_their_changes(world):
    woman = world.woman_a
    assert keys(woman) == (1, "0001")
    household = Household.objects.get(pk=world.household_a.pk)
    household.number = "0007"
    household.save()
    assert keys(woman) == (1, "0007")
    group = VillageGroup.objects.get(pk=world.group_a.pk)
    group.number = 5
    group.save()
    assert keys(woman) == (5, "0007")
    assert Household.objects.get(pk=household.pk).group_number == 5
    woman.household = None
    woman.save()
    assert keys(woman) == (None, "")


def test_moves_between_villages_carry_the_keys_of_the_new_place(world):
    to_group = VillageGroupFactory(village=world.village_b, number=4, name="四组")
    household_move(user=world.staff, household=world.household_a, to_group=to_group, number="0300")
    assert keys(world.woman_a) == (4, "0300")
    assert Household.objects.get(pk=world.household_a.pk).group_number == 4
    person_move(user=world.staff, person=world.woman_a, to_household=world.household_b, relation="other")
    assert keys(world.woman_a) == (1, "0001")


def test_the_township_list_reads_village_by_village_group_by_group(world, login):
    late_group = VillageGroupFactory(village=world.village_a, number=2, name="二组")
    early = HouseholdFactory(village=world.village_a, group=world.group_a, number="0009")
    late = HouseholdFactory(village=world.village_a, group=late_group, number="0002")
    # created in another order than the book's: the list does not follow the order of entry
    member(late, "head", "二组户主", dt.date(1970, 1, 1))
    member(early, "head", "一组九号户主", dt.date(1970, 1, 1))
    page = login(world.staff).get(reverse("registry:person_list")).content.decode()
    names = ["妇女A", "一组九号户主", "二组户主", "妇女B"]  # 红旗村 一组 0001, 0009, 二组 0002; then 胜利村
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)


def test_the_township_households_read_village_by_village_group_by_group(world, login):
    late_group = VillageGroupFactory(village=world.village_a, number=2, name="二组")
    HouseholdFactory(village=world.village_a, group=late_group, number="0002", address="红旗村二组二号")
    HouseholdFactory(village=world.village_a, group=world.group_a, number="0009", address="红旗村一组九号")
    page = login(world.staff).get(reverse("registry:household_list")).content.decode()
    addresses = ["红旗村一组</td>", "红旗村一组九号", "红旗村二组二号", "胜利村一组</td>"]
    positions = [page.index(address) for address in addresses]
    assert positions == sorted(positions)
