"""The scoping rule: each role sees exactly its scope, and nothing is seen by default."""

from __future__ import annotations

import pytest
from django.db.models import Q

from federation.core.models import County, Township, Village, VillageGroup
from federation.core.scoping import scope_q
from registry.models import Household, Person
from tests.helpers.factories import PersonFactory


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("user_key", "expected"),
    [
        ("dir_a", {"妇女A"}),
        ("dir_b", {"妇女B"}),
        ("staff", {"妇女A", "妇女B"}),
        ("chair", {"妇女A", "妇女B"}),
        ("other_staff", {"妇女C"}),
        ("county_viewer", {"妇女A", "妇女B", "妇女C"}),
        ("admin", {"妇女A", "妇女B", "妇女C"}),
        ("nobody", set()),
    ],
)
def test_each_role_sees_exactly_its_persons(world, user_key, expected):
    user = getattr(world, user_key)
    assert names(Person.objects.for_user(user)) == expected


@pytest.mark.parametrize(
    ("user_key", "expected"),
    [
        ("dir_a", {"红旗村"}),
        ("staff", {"红旗村", "胜利村"}),
        ("other_staff", {"光明村"}),
        ("county_viewer", {"红旗村", "胜利村", "光明村"}),
        ("nobody", set()),
    ],
)
def test_villages_and_their_households_follow_the_same_rule(world, user_key, expected):
    user = getattr(world, user_key)
    assert names(Village.objects.for_user(user)) == expected
    assert {h.village.name for h in Household.objects.for_user(user)} == expected
    assert {g.village.name for g in VillageGroup.objects.for_user(user)} == expected


def test_director_sees_her_own_township_and_county_only(world):
    assert list(Township.objects.for_user(world.dir_a)) == [world.township]
    assert list(County.objects.for_user(world.dir_a)) == [world.county]
    assert list(Township.objects.for_user(world.nobody)) == []


def test_inactive_and_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert names(Person.objects.for_user(world.dir_a)) == {"妇女A"}  # what she saw while active
    world.dir_a.is_active = False
    world.dir_a.save()
    assert not Person.objects.for_user(world.dir_a).exists()
    assert not Person.objects.for_user(AnonymousUser()).exists()
    assert not Person.objects.for_user(None).exists()


def test_a_row_that_reaches_no_village_is_seen_by_the_administrator_only(world):
    # Seen through the household, a person without a household reaches no village.
    loose = PersonFactory(village=world.village_a, household=None, name="无户人员")
    for user_key in ("dir_a", "staff", "chair", "county_viewer"):
        condition = scope_q(getattr(world, user_key), "household__village")
        assert loose not in Person.objects.filter(condition), user_key
    assert loose in Person.objects.filter(scope_q(world.admin, "household__village"))
    assert scope_q(world.nobody, "village") is None


def test_soft_deleted_rows_leave_the_default_lists_but_stay_restorable(world):
    world.woman_a.mark_deleted()
    world.woman_a.save()
    assert names(Person.objects.for_user(world.staff)) == {"妇女B"}
    assert names(Person.all_objects.deleted().for_user(world.staff)) == {"妇女A"}
    # Deleted rows of another scope stay out of reach too.
    assert not Person.all_objects.deleted().for_user(world.other_staff).exists()


def test_scope_q_is_empty_only_for_the_administrator(world):
    assert scope_q(world.admin, "village") == Q()
    assert scope_q(world.staff, "village") != Q()
