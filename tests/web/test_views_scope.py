"""Pages answer 404 outside the scope, and a POST there changes nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registry.models import Household, Person


def person_urls(person):
    return {
        "detail": reverse("registry:person_detail", args=[person.pk]),
        "edit": reverse("registry:person_update", args=[person.pk]),
        "delete": reverse("registry:person_delete", args=[person.pk]),
    }


def household_urls(household):
    return {
        "detail": reverse("registry:household_detail", args=[household.pk]),
        "edit": reverse("registry:household_update", args=[household.pk]),
        "delete": reverse("registry:household_delete", args=[household.pk]),
    }


@pytest.mark.parametrize(
    ("user_key", "own", "foreign"),
    [
        ("dir_a", "a", "b"),
        ("dir_b", "b", "a"),
        ("staff", "b", "c"),
        ("other_staff", "c", "a"),
    ],
)
def test_records_outside_the_scope_answer_404(world, login, user_key, own, foreign):
    client = login(getattr(world, user_key))
    for urls in (
        person_urls(getattr(world, f"woman_{own}")),
        household_urls(getattr(world, f"household_{own}")),
    ):
        assert client.get(urls["detail"]).status_code == 200
        assert client.get(urls["edit"]).status_code == 200
    for urls in (
        person_urls(getattr(world, f"woman_{foreign}")),
        household_urls(getattr(world, f"household_{foreign}")),
    ):
        for url in urls.values():
            response = client.get(url)
            assert response.status_code == 404, url
            assert getattr(world, f"woman_{foreign}").name not in response.content.decode()


def test_a_post_outside_the_scope_changes_nothing(world, login):
    client = login(world.dir_a)
    woman_b = world.woman_b
    response = client.post(
        reverse("registry:person_update", args=[woman_b.pk]),
        {"name": "被改了", "sex": "F", "ethnicity": "汉族", "version": woman_b.version},
    )
    assert response.status_code == 404
    response = client.post(reverse("registry:person_delete", args=[woman_b.pk]))
    assert response.status_code == 404
    woman_b.refresh_from_db()
    assert woman_b.name == "妇女B"
    assert woman_b.deleted_at is None
    assert woman_b.history.count() == 1


def test_lists_show_only_the_scope(world, login):
    client = login(world.dir_a)
    body = client.get(reverse("registry:person_list")).content.decode()
    assert "妇女A" in body
    assert "妇女B" not in body and "妇女C" not in body
    body = login(world.staff).get(reverse("registry:person_list")).content.decode()
    assert "妇女A" in body and "妇女B" in body and "妇女C" not in body


def test_a_user_without_membership_sees_no_register(world, login):
    client = login(world.nobody)
    assert client.get(reverse("home")).status_code == 403
    assert client.get(reverse("registry:person_list")).status_code == 404
    assert client.get(reverse("registry:person_detail", args=[world.woman_a.pk])).status_code == 404


def test_an_id_of_another_village_in_a_hidden_field_is_refused(world, login):
    client = login(world.dir_a)
    response = client.post(
        reverse("registry:person_create"),
        {
            "household": world.household_b.pk,
            "relation": "child",
            "name": "偷渡的孩子",
            "sex": "F",
            "birth_date": "2015-01-01",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 200
    assert "不在可选的范围内" in response.content.decode()
    assert not Person.all_objects.filter(name="偷渡的孩子").exists()


def test_choice_fields_offer_only_the_scope(world, login):
    client = login(world.dir_a)
    # the household is chosen by an autocomplete (tests/web/test_autocomplete.py): what it accepts
    offered = client.get(reverse("registry:person_create")).context["form"].fields["household"].queryset
    assert offered.filter(pk=world.household_a.pk).exists()
    assert not offered.filter(pk=world.household_b.pk).exists()
    page = client.get(reverse("registry:person_create"), {"household": world.household_a.pk}).content.decode()
    assert f'value="{world.household_a.pk}"' in page  # the chosen one is in the page


def test_county_viewer_reads_masked_ids_and_cannot_edit(world, login):
    client = login(world.county_viewer)
    body = client.get(reverse("registry:person_list")).content.decode()
    number = world.woman_c.id_number
    assert number not in body
    assert number[:3] + "*" * 11 + number[-4:] in body
    assert client.get(reverse("registry:person_update", args=[world.woman_a.pk])).status_code == 404
    assert "妇女A" in client.get(reverse("registry:person_detail", args=[world.woman_a.pk])).content.decode()


def test_director_sees_full_id_numbers_of_her_village(world, login):
    body = login(world.dir_a).get(reverse("registry:person_list")).content.decode()
    assert world.woman_a.id_number in body


def test_anonymous_user_is_sent_to_log_in(world, client):
    response = client.get(reverse("registry:person_detail", args=[world.woman_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_page_per_role(world, login):
    body = login(world.dir_a).get(reverse("home")).content.decode()
    assert "红旗村" in body and "待办" in body
    body = login(world.staff).get(reverse("home")).content.decode()
    assert "红旗村" in body and "胜利村" in body and "光明村" not in body
    county = login(world.county_viewer)
    body = county.get(reverse("home")).content.decode()
    # the county reads its townships, each summing its villages (幸福乡: two households, two residents)
    assert "各乡镇概况" in body and "光明村" not in body and "红旗村" not in body
    row = re.search(rf'\?township={world.township.pk}">幸福乡</a></td>(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r'class="text-end">(\d+)</td>', row)[:2] == ["2", "2"]
    other = county.get(reverse("home"), {"township": world.other_township.pk}).content.decode()
    assert "团结镇 · 各村概况" in other and "光明村" in other and "红旗村" not in other
    # the county's own figures stay on the county's page, not shown as the township's
    assert "未结案的来信来访" in body and "未结案的来信来访" not in other


@pytest.mark.parametrize("model", [Person, Household])
def test_admin_lists_and_objects_are_scoped(world, login, model):
    client = login(world.staff)
    name = model._meta.model_name
    changelist = client.get(reverse(f"admin:registry_{name}_changelist")).content.decode()
    own = world.woman_a if model is Person else world.household_a
    foreign = world.woman_c if model is Person else world.household_c
    assert reverse(f"admin:registry_{name}_change", args=[own.pk]) in changelist
    assert reverse(f"admin:registry_{name}_change", args=[foreign.pk]) not in changelist
    for view in ("change", "history", "delete"):
        response = client.get(reverse(f"admin:registry_{name}_{view}", args=[foreign.pk]))
        assert response.status_code == 404, view
    assert client.get(reverse(f"admin:registry_{name}_history", args=[own.pk])).status_code == 200


def test_village_directors_do_not_reach_the_admin(world, login):
    response = login(world.dir_a).get(reverse("admin:registry_person_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
