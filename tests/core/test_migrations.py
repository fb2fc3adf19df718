"""Migrations that move data: what was stored before is there after, and back."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.helpers.migrations import migrate_to, migrate_to_newest

BEFORE_MOVE = [("ledgers", None), ("federation", "0005_import_record")]


@pytest.mark.django_db(transaction=True)
def test_the_ledger_records_keep_their_rows_and_permissions_when_they_move_to_the_ledger_app():
    old = migrate_to(BEFORE_MOVE)
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    # Unapplying the move named the content types "federation" again, as an existing office has them.
    content_type = ContentType.objects.get(app_label="federation", model="exportrecord")
    permission = Permission.objects.get(content_type=content_type, codename="view_exportrecord")
    record = old.get_model("federation", "ExportRecord").objects.create(
        requested_by="王芳", ledger="women", title="妇女基本信息台账", scope="幸福乡", format="xlsx"
    )

    migrate_to_newest()

    from django.contrib.auth.models import Permission as LivePermission
    from django.contrib.contenttypes.models import ContentType as LiveContentType

    from federation.ledgers.models import ExportRecord

    assert ExportRecord.objects.get(pk=record.pk).requested_by == "王芳"
    moved = LiveContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("ledgers", "exportrecord")
    assert LivePermission.objects.get(pk=permission.pk).content_type_id == moved.pk
    assert not LiveContentType.objects.filter(app_label="federation", model="exportrecord").exists()


@pytest.mark.django_db(transaction=True)
def test_persons_and_households_get_their_group_and_household_numbers_deleted_ones_too():
    old = migrate_to([("registry", "0007_constraint_messages")])
    County, Township = old.get_model("federation", "County"), old.get_model("federation", "Township")
    Village, Group = old.get_model("federation", "Village"), old.get_model("federation", "VillageGroup")
    Household, Person = old.get_model("registry", "Household"), old.get_model("registry", "Person")
    county = County.objects.create(code="513401", name="示范县")
    township = Township.objects.create(county=county, code="513401105000", name="幸福乡")
    village = Village.objects.create(township=township, code="513401105201", name="红旗村")
    group = Group.objects.create(village=village, number=3, name="三组")
    household = Household.objects.create(village=village, group=group, number="0042")
    woman = Person.objects.create(village=village, household=household, name="妇女甲")
    gone = Person.objects.create(
        village=village, household=household, name="已删除", deleted_at=timezone.now()
    )
    alone = Person.objects.create(village=village, name="无户")

    migrate_to_newest()

    from registry.models import Person as LivePerson

    keys = dict(LivePerson.all_objects.values_list("pk", "group_number"))
    assert keys == {woman.pk: 3, gone.pk: 3, alone.pk: None}
    assert LivePerson.all_objects.get(pk=woman.pk).household_number == "0042"
    assert LivePerson.all_objects.get(pk=alone.pk).household_number == ""
    from registry.models import Household as LiveHousehold

    assert LiveHousehold.all_objects.get(pk=household.pk).group_number == 3
