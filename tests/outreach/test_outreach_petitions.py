"""Petitions and mediation: open cases and their age; domestic-violence cases only for those who need them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach.models import Petition, PetitionCategory
from outreach.selectors import open_petitions_by_village, petition_list
from tests.helpers.outreach import TODAY, petition


def test_the_county_viewer_sees_other_cases_but_never_domestic_violence(outreach_world, login):
    w = outreach_world
    client = login(w.county_viewer)
    body = client.get(reverse("outreach:petition_list"), {"state": "all"}).content.decode()
    assert "来访A" in body and "来访B" in body
    assert "受害人甲" not in body
    assert "家庭暴力" not in body  # not even as a category to filter by
    assert client.get(reverse("outreach:petition_detail", args=[w.o.dv_a.pk])).status_code == 404
    assert client.get(reverse("outreach:petition_detail", args=[w.o.petition_a.pk])).status_code == 200
    dv_only = client.get(reverse("outreach:petition_list"), {"category": "domestic_violence", "state": "all"})
    assert len(dv_only.context["object_list"]) == 0
    assert [
        row.open for row in open_petitions_by_village(user=w.county_viewer) if row.village == w.village_a
    ] == [1]


def test_the_other_villages_director_is_refused_a_domestic_violence_case(outreach_world, login):
    w = outreach_world
    client = login(w.dir_b)
    for name in ("detail", "update", "delete"):
        assert client.get(reverse(f"outreach:petition_{name}", args=[w.o.dv_a.pk])).status_code == 404
    assert "受害人甲" not in client.get(reverse("outreach:petition_list"), {"state": "all"}).content.decode()


@pytest.mark.parametrize("user_key", ["dir_a", "staff", "chair"])
def test_the_roles_that_need_them_see_domestic_violence_cases(outreach_world, login, user_key):
    w = outreach_world
    client = login(getattr(w, user_key))
    assert "受害人甲" in client.get(reverse("outreach:petition_list")).content.decode()
    assert client.get(reverse("outreach:petition_detail", args=[w.o.dv_a.pk])).status_code == 200


def test_the_category_is_offered_only_to_those_who_may_see_it(outreach_world, login):
    w = outreach_world
    assert (
        'value="domestic_violence"'
        in login(w.dir_a).get(reverse("outreach:petition_create")).content.decode()
    )
    assert Petition.objects.for_user(w.admin).filter(category=PetitionCategory.DOMESTIC_VIOLENCE).count() == 1


def test_open_cases_come_oldest_first_with_the_days_they_have_waited(world, login):
    petition(world.village_a, petitioner_name="新案", received_on=TODAY - dt.timedelta(days=3))
    petition(world.village_a, petitioner_name="老案", received_on=TODAY - dt.timedelta(days=40))
    petition(
        world.village_a,
        petitioner_name="结了",
        received_on=TODAY - dt.timedelta(days=50),
        closed_on=TODAY - dt.timedelta(days=20),
    )
    open_cases = list(petition_list(user=world.staff, state="open"))
    assert [p.petitioner for p in open_cases] == ["老案", "新案"]
    assert [p.days_open() for p in open_cases] == [40, 3]
    rows = {row.village.name: row for row in open_petitions_by_village(user=world.staff)}
    assert (rows["红旗村"].open, rows["红旗村"].oldest_days) == (2, 40)
    assert (rows["胜利村"].open, rows["胜利村"].oldest_days) == (0, None)
    body = login(world.staff).get(reverse("outreach:petition_list")).content.decode()
    assert "40 天" in body and "结了" not in body
    assert (
        "结了"
        in login(world.staff).get(reverse("outreach:petition_list"), {"state": "closed"}).content.decode()
    )


def test_the_county_viewer_counts_open_cases_by_township_until_she_opens_one(world, login):
    petition(world.village_a, petitioner_name="甲", received_on=TODAY - dt.timedelta(days=40))
    petition(world.village_b, petitioner_name="乙", received_on=TODAY - dt.timedelta(days=5))
    petition(world.village_c, petitioner_name="丙", received_on=TODAY - dt.timedelta(days=7))
    client = login(world.county_viewer)
    response = client.get(reverse("outreach:petition_list"))
    rows = [(row.village.name, row.open, row.oldest_days) for row in response.context["by_village"]]
    assert rows == [(world.township.name, 2, 40), (world.other_township.name, 1, 7)]
    assert "各乡镇未结案件" in response.content.decode()
    # each township's badge opens it
    assert f'href="?state=open&amp;township={world.township.pk}"' in response.content.decode()
    opened = client.get(reverse("outreach:petition_list"), {"township": world.township.pk})
    rows = [(row.village.name, row.open, row.oldest_days) for row in opened.context["by_village"]]
    assert rows == [("红旗村", 1, 40), ("胜利村", 1, 5)]
    assert "各村未结案件" in opened.content.decode() and "打开这个乡镇的各村" not in opened.content.decode()
    # The township's staff sees her villages, as before.
    staff = login(world.staff).get(reverse("outreach:petition_list"))
    assert [row.village.name for row in staff.context["by_village"]] == ["红旗村", "胜利村"]


def test_a_registered_persons_case_belongs_to_her_village(world):
    case = petition(world.village_a, person=world.woman_a, petitioner_name="")
    assert case.petitioner_name == "妇女A"
    with pytest.raises(ValidationError, match="不属于这个村"):
        petition(world.village_a, person=world.woman_b)


def test_the_petition_rules(world):
    with pytest.raises(ValidationError) as refused:
        petition(
            world.village_a,
            petitioner_name="",
            handling="referred",
            received_on=TODAY - dt.timedelta(days=5),
            closed_on=TODAY - dt.timedelta(days=9),
            return_visit_on=TODAY + dt.timedelta(days=1),
        )
    assert {"petitioner_name", "referred_to", "closed_on", "return_visit_on"} <= set(
        refused.value.message_dict
    )


def test_a_director_records_a_case_in_her_village_only(world, login):
    client = login(world.dir_a)
    form = client.get(reverse("outreach:petition_create")).content.decode()
    assert f'name="village" value="{world.village_a.pk}"' in form  # filled in, hidden
    data = {
        "village": world.village_b.pk,  # forged
        "received_on": TODAY.isoformat(),
        "way": "phone",
        "petitioner_name": "来电者",
        "category": "property",
        "summary": "土地",
        "received_by": "张红",
        "handling": "village",
    }
    response = client.post(reverse("outreach:petition_create"), data)
    assert response.status_code == 200 and not Petition.objects.exists()
    data["village"] = world.village_a.pk
    assert client.post(reverse("outreach:petition_create"), data).status_code == 302
    assert Petition.objects.get().village == world.village_a
