"""No lost update: every edit form carries its version, and every write path raises it.

A form opened before someone else's write (a form, the admin, an import, a service) is refused with
what changed; an edit form posted without its version is refused and saves nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from federation.core.actors import SystemActor
from federation.core.forms import NO_VERSION
from federation.core.services import domain_record_delete, domain_record_restore, domain_record_save
from federation.ledgers.imports.framework import get_importer
from registry.imports.persons import PersonImporter, import_persons
from registry.models import Household, HouseholdIncome, Person
from registry.services import person_move
from tests.helpers.imports import POOR_HEADER, person_row, roster, workbook_file
from tests.helpers.registers import form_data, make_record, person_form_data
from tests.helpers.web import admin_form_data

# -- the web forms -----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [None, "", "abc", "0"], ids=["missing", "blank", "text", "zero"])
def test_an_edit_form_without_its_version_is_refused_and_saves_nothing(world, login, version):
    woman = world.woman_a
    data = person_form_data(woman, phone="13800001111")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = login(world.dir_a).post(reverse("registry:person_update", args=[woman.pk]), data)
    assert response.status_code == 200
    assert str(NO_VERSION) in response.content.decode()
    woman.refresh_from_db()
    assert woman.phone != "13800001111" and woman.version == 1
    assert woman.history.count() == 1


@pytest.mark.parametrize("key", ["villagedirector", "poorwoman"])
def test_a_register_form_without_its_version_is_refused(world, login, key):
    record = make_record(key, world.village_a)
    data = form_data(key, record)
    del data["version"]
    response = login(world.dir_a).post(reverse(f"registry:{key}_update", args=[record.pk]), data)
    assert response.status_code == 200
    assert str(NO_VERSION) in response.content.decode()
    assert type(record).objects.get(pk=record.pk).version == record.version


def test_a_new_record_needs_no_version(world, login):
    the_household = {
        "group": world.group_a.pk,
        "number": "0099",
        "address": "红旗村一组",
        "income_year": 2025,
    }
    response = login(world.dir_a).post(reverse("registry:household_create"), the_household)
    assert response.status_code == 302
    assert Household.objects.get(number="0099").version == 1


# -- the admin ---------------------------------------------------------------------------------------


def test_the_admin_change_form_carries_its_version_and_raises_it(world, login):
    client = login(world.staff)
    url = reverse("admin:registry_person_change", args=[world.woman_a.pk])
    page = client.get(url)
    assert re.search(r'<input type="hidden" name="version" value="1"', page.content.decode())
    response = client.post(url, admin_form_data(page, phone="13700007777"))
    assert response.status_code == 302
    woman = Person.objects.get(pk=world.woman_a.pk)
    assert (woman.phone, woman.version) == ("13700007777", 2)
    # A page form opened before the admin's save is refused, and says what the admin changed.
    stale = login(world.dir_a).post(
        reverse("registry:person_update", args=[woman.pk]), person_form_data(world.woman_a, version=1)
    )
    assert stale.status_code == 200
    assert "别人已修改" in stale.content.decode() and "13700007777" in stale.content.decode()
    assert Person.objects.get(pk=woman.pk).phone == "13700007777"


def test_an_admin_save_after_someone_elses_change_is_refused_with_the_change(world, login):
    client = login(world.staff)
    url = reverse("admin:registry_person_change", args=[world.woman_a.pk])
    opened = client.get(url)  # the staff opens the admin form at version 1 ...
    # ... the director saves a new phone on the page ...
    login(world.dir_a).post(
        reverse("registry:person_update", args=[world.woman_a.pk]),
        person_form_data(world.woman_a, phone="13900002222"),
    )
    # ... then the staff saves the form she opened.
    client = login(world.staff)
    response = client.post(url, admin_form_data(opened, name="改名"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "别人已修改" in body and "13900002222" in body
    woman = Person.objects.get(pk=world.woman_a.pk)
    assert (woman.name, woman.phone, woman.version) == ("妇女A", "13900002222", 2)


def test_an_admin_save_without_the_version_is_refused(world, login):
    client = login(world.staff)
    url = reverse("admin:registry_person_change", args=[world.woman_a.pk])
    data = admin_form_data(client.get(url), name="改名")
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert str(NO_VERSION) in response.content.decode()
    assert Person.objects.get(pk=world.woman_a.pk).name == "妇女A"


def test_the_history_revert_form_is_opened_at_the_current_version(world, login):
    woman = world.woman_a
    update = reverse("registry:person_update", args=[woman.pk])
    login(world.dir_a).post(update, person_form_data(woman, phone="13900002222"))  # version 2
    first = woman.history.earliest("history_date")
    client = login(world.staff)
    url = reverse("admin:registry_person_simple_history", args=[woman.pk, first.history_id])
    page = client.get(url)
    assert 'name="version" value="2"' in page.content.decode()
    # Someone saves after the revert page was opened: the revert is refused, naming the change.
    login(world.dir_a).post(update, person_form_data(woman, phone="13900003333", version=2))
    client = login(world.staff)
    refused = client.post(url, admin_form_data(page))
    assert refused.status_code == 200 and "13900003333" in refused.content.decode()
    assert Person.objects.get(pk=woman.pk).phone == "13900003333"
    # Opened again, the revert brings the first phone back, with the next version.
    assert client.post(url, admin_form_data(client.get(url))).status_code == 302
    reverted = Person.objects.get(pk=woman.pk)
    assert (reverted.phone, reverted.version) == (woman.phone, 4)


# -- imports -----------------------------------------------------------------------------------------


def test_a_roster_import_raises_the_version_and_an_earlier_form_is_refused(world, login, tmp_path):
    woman = world.woman_a
    opened = person_form_data(woman, phone="13600006666")  # the director opens her form (version 1)
    rows = [person_row("妇女A", woman.id_number, relation="户主", education="大专")]
    result = import_persons(roster(tmp_path, rows), village=world.village_a)
    assert (result.errors, result.updated) == ([], 1)
    woman.refresh_from_db()
    assert (woman.education, woman.version) == ("college", 2)
    response = login(world.dir_a).post(reverse("registry:person_update", args=[woman.pk]), opened)
    assert response.status_code == 200
    body = response.content.decode()
    assert "别人已修改" in body and "<li>文化程度：大专</li>" in body
    woman.refresh_from_db()
    assert (woman.education, woman.phone) == ("college", world.woman_a.phone)


def test_a_poor_women_import_raises_the_households_version_with_its_income(world, login, tmp_path):
    w = world
    HouseholdIncome.objects.create(household=w.household_a, year=2014, per_capita_income=Decimal("2000"))
    opened = {"group": w.group_a.pk, "number": "0001", "address": "", "income_year": 2014}
    opened |= {"per_capita_income": "2000", "version": w.household_a.version}
    rows = [(w.woman_a.name, w.woman_a.id_number, "1500", "因病", "是", "否", "")]
    importer = get_importer("poor_women")(w.village_a, year=2014, user=SystemActor(w.village_a))
    result = importer.import_file(workbook_file(tmp_path, POOR_HEADER, rows))
    assert result.errors == [] and result.written
    income = HouseholdIncome.objects.get(household=w.household_a, year=2014)
    assert (income.per_capita_income, income.version) == (Decimal("1500"), 2)
    assert Household.objects.get(pk=w.household_a.pk).version == w.household_a.version + 1
    # The household's form opened before the import would put 2000 back: it is refused instead.
    response = login(w.dir_a).post(reverse("registry:household_update", args=[w.household_a.pk]), opened)
    assert response.status_code == 200
    body = response.content.decode()
    assert "别人已修改" in body and "<li>家庭人均纯收入（元）（2014）：1500.00</li>" in body
    assert HouseholdIncome.objects.get(pk=income.pk).per_capita_income == Decimal("1500")


def test_a_record_changed_while_the_import_runs_refuses_the_import(world, monkeypatch, tmp_path):
    woman = world.woman_a
    read = PersonImporter.prepare

    def someone_saves_meanwhile(self, rows):
        read(self, rows)  # the importer has read her; the director now saves her phone
        fresh = Person.objects.get(pk=woman.pk)
        fresh.phone = "13500005555"
        domain_record_save(user=world.dir_a, instance=fresh, expected_version=1)

    monkeypatch.setattr(PersonImporter, "prepare", someone_saves_meanwhile)
    rows = [person_row("妇女A", woman.id_number, relation="户主", education="大专")]
    result = import_persons(roster(tmp_path, rows), village=world.village_a)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(4, "姓名")]
    assert "导入期间别人修改了这条记录" in result.errors[0].reason
    woman.refresh_from_db()
    assert woman.education != "college"  # nothing of the import was written


# -- services ----------------------------------------------------------------------------------------


def test_a_move_raises_the_version_and_an_earlier_form_is_refused(world, login):
    woman = world.woman_a
    opened = person_form_data(woman, phone="13400004444")  # the staff opens her form (version 1)
    person_move(user=world.chair, person=woman, to_household=world.household_b, relation="other")
    assert Person.objects.get(pk=woman.pk).version == 2
    response = login(world.staff).post(reverse("registry:person_update", args=[woman.pk]), opened)
    assert response.status_code == 200
    body = response.content.decode()
    assert "别人已修改" in body and "<li>村：胜利村</li>" in body
    moved = Person.objects.get(pk=woman.pk)
    assert (moved.village, moved.phone) == (world.village_b, woman.phone)


def test_a_delete_and_restore_raise_the_version_from_the_stored_row(world, login):
    woman = world.woman_a
    opened = person_form_data(woman, phone="13300003333")
    read_before = Person.objects.get(pk=woman.pk)  # version 1, read before the edit below
    login(world.dir_a).post(
        reverse("registry:person_update", args=[woman.pk]), person_form_data(woman, phone="13900002222")
    )
    domain_record_delete(user=world.dir_a, instance=read_before)
    assert Person.all_objects.get(pk=woman.pk).version == 3  # after the stored 2, not after the 1 it read
    domain_record_restore(user=world.staff, instance=Person.all_objects.get(pk=woman.pk))
    restored = Person.objects.get(pk=woman.pk)
    assert (restored.version, restored.phone) == (4, "13900002222")
    response = login(world.dir_a).post(reverse("registry:person_update", args=[woman.pk]), opened)
    assert response.status_code == 200 and "别人已修改" in response.content.decode()
