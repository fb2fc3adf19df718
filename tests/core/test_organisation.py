"""Division codes, memberships and role groups."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from federation.core.models import Membership, Township, Village
from federation.core.roles import Role, group_name, role_permissions


def test_village_code_must_start_with_its_townships_nine_digits(world):
    village = Village(township=world.township, name="新村", code="513401106299")
    with pytest.raises(ValidationError) as exc:
        village.full_clean()
    assert "前 9 位" in str(exc.value)
    Village(township=world.township, name="新村", code="513401105299").full_clean()


@pytest.mark.parametrize("code", ["51340110520", "5134011052011", "51340110520a"])
def test_division_codes_are_twelve_digits(world, code):
    with pytest.raises(ValidationError) as exc:
        Village(township=world.township, name="新村", code=code).full_clean()
    assert "12 位数字" in str(exc.value)


def test_township_code_starts_with_the_county_and_ends_in_000(world):
    with pytest.raises(ValidationError):
        Township(county=world.county, name="外县乡", code="510104105000").full_clean()
    with pytest.raises(ValidationError):
        Township(county=world.county, name="错乡", code="513401107001").full_clean()
    Township(county=world.county, name="新乡", code="513401107000").full_clean()


def test_membership_unit_must_match_the_role(world):
    wrong = Membership(user=world.nobody, role=Role.VILLAGE_DIRECTOR, township=world.township)
    with pytest.raises(ValidationError):
        wrong.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        wrong.save()


def test_role_groups_exist_with_their_permissions(db):
    for role, perms in role_permissions().items():
        group = Group.objects.get(name=group_name(role))
        codenames = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert codenames == set(perms)


def test_permissions_follow_the_membership_role(world):
    assert world.dir_a.has_perm("registry.change_person")
    assert not world.dir_a.has_perm("federation.restore_deleted")
    assert world.staff.has_perm("federation.restore_deleted")
    assert world.county_viewer.has_perm("registry.view_person")
    assert not world.county_viewer.has_perm("registry.change_person")
    assert not world.county_viewer.has_perm("federation.view_full_id_number")
    assert not world.nobody.has_perm("registry.view_person")


def test_a_users_own_her_groups_and_her_roles_permissions_are_read_in_one_query(world):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    extra = Group.objects.create(name="最美家庭评审")
    extra.permissions.add(Permission.objects.get(codename="review_honournomination"))
    world.dir_b.groups.add(extra)
    world.dir_b.user_permissions.add(Permission.objects.get(codename="restore_deleted"))
    role = {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(
            name=group_name(Role.VILLAGE_DIRECTOR)
        ).permissions.values_list("content_type__app_label", "codename")
    }
    assert "outreach.review_honournomination" not in role and "federation.restore_deleted" not in role
    user = get_user_model().objects.get(pk=world.dir_b.pk)  # nothing of her permissions kept yet
    with CaptureQueriesContext(connection) as read:
        assert user.get_all_permissions() == role | {
            "outreach.review_honournomination",
            "federation.restore_deleted",
        }
        assert user.has_perm("registry.change_person")  # her role's
        assert user.has_perm("outreach.review_honournomination")  # her group's
        assert user.has_perm("federation.restore_deleted")  # her own
        assert not user.has_perm("outreach.set_county_tasks")  # the county's
    assert len(read.captured_queries) <= 2  # her membership (the role), then one for the permissions
