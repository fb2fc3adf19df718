"""Every change is kept with who and when; deletes are soft and the township restores."""

from __future__ import annotations

from django.urls import reverse

from registry.models import Person
from tests.helpers.registers import person_form_data


def test_an_edit_is_kept_in_history_with_who_and_what(world, login):
    client = login(world.dir_a)
    woman = world.woman_a
    response = client.post(
        reverse("registry:person_update", args=[woman.pk]), person_form_data(woman, phone="13800001111")
    )
    assert response.status_code == 302
    woman.refresh_from_db()
    assert woman.phone == "13800001111"
    latest = woman.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == world.dir_a
    delta = latest.diff_against(latest.prev_record)
    assert [c.field for c in delta.changes] == ["phone"]


def test_history_is_visible_in_the_admin(world, login):
    login(world.dir_a).post(
        reverse("registry:person_update", args=[world.woman_a.pk]),
        person_form_data(world.woman_a, phone="13800001111"),
    )
    client = login(world.staff)
    body = client.get(reverse("admin:registry_person_history", args=[world.woman_a.pk])).content.decode()
    assert "张红" in body or "dir_a" in body
    assert "13800001111" in body


def test_delete_asks_for_confirmation_then_hides_the_record(world, login):
    client = login(world.dir_a)
    url = reverse("registry:person_delete", args=[world.woman_a.pk])
    page = client.get(url).content.decode()
    assert "确认删除" in page
    assert Person.objects.filter(pk=world.woman_a.pk).exists()  # GET deletes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not Person.objects.filter(pk=world.woman_a.pk).exists()
    assert Person.all_objects.filter(pk=world.woman_a.pk).exists()
    listing = client.get(reverse("registry:person_list"))
    assert "妇女A" in listing.content.decode()  # the message says she was deleted...
    assert world.woman_a not in listing.context["object_list"]  # ...and she left the list
    assert "妇女A" not in client.get(reverse("registry:person_list")).content.decode()
    assert client.get(reverse("registry:person_detail", args=[world.woman_a.pk])).status_code == 404
    record = world.woman_a.history.first()
    assert record.deleted_at is not None and record.history_user == world.dir_a


def test_township_restores_a_deleted_record_and_the_director_cannot(world, login):
    login(world.dir_a).post(reverse("registry:person_delete", args=[world.woman_a.pk]))
    restore = reverse("registry:person_restore", args=[world.woman_a.pk])
    assert login(world.dir_a).post(restore).status_code == 404
    assert login(world.other_staff).post(restore).status_code == 404
    client = login(world.staff)
    assert "妇女A" in client.get(reverse("registry:person_deleted")).content.decode()
    assert client.post(restore).status_code == 302
    assert Person.objects.filter(pk=world.woman_a.pk).exists()
    assert world.woman_a.history.first().history_user == world.staff


def test_a_second_save_of_a_changed_record_is_refused_and_shows_the_change(world, login):
    woman = world.woman_a
    opened_at_version = woman.version
    # The township edits first...
    login(world.staff).post(
        reverse("registry:person_update", args=[woman.pk]),
        person_form_data(woman, phone="13900002222", version=opened_at_version),
    )
    # ...then the director saves the form she opened before.
    response = login(world.dir_a).post(
        reverse("registry:person_update", args=[woman.pk]),
        person_form_data(woman, name="改名", version=opened_at_version),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "别人已修改" in body and "13900002222" in body
    woman.refresh_from_db()
    assert woman.name == "妇女A" and woman.phone == "13900002222"


def test_history_is_recorded_for_creates(world, login):
    the_household = {"group": world.group_a.pk, "number": "0099", "address": "红旗村一组"}
    its_income = {"income_year": 2025, "per_capita_income": "3000"}
    response = login(world.dir_a).post(reverse("registry:household_create"), the_household | its_income)
    assert response.status_code == 302
    from registry.models import Household

    household = Household.objects.get(number="0099")
    assert household.village == world.village_a
    assert household.history.get().history_type == "+"
    assert household.history.get().history_user == world.dir_a
    income = household.incomes.get()  # the year's income is its own record, with its own history
    assert (income.year, income.per_capita_income) == (2025, 3000)
    assert income.history.get().history_user == world.dir_a
