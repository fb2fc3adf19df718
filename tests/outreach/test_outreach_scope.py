"""Every outreach record answers 404 outside the scope, a POST there changes nothing, and every
choice field offers only the scope — for each new model, with a twin for the user who may."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from django.urls import reverse

from outreach.models import Petition, Screening, Visit, VolunteerActivity, VolunteerMember, VolunteerTeam
from tests.helpers.outreach import TODAY


class Record(NamedTuple):
    """What the tests know of one outreach model."""

    model: type
    prefix: str  # of the fixture attributes, ``f"{prefix}_a"`` and ``f"{prefix}_b"``
    text: str  # identifies the record of village A / B on a list, ``text.format("A")``


#: model name → what the tests know of it
RECORDS = {
    "visit": Record(Visit, "visit", "留守{}"),
    "screening": Record(Screening, "screening", "留守{}"),
    "volunteerteam": Record(VolunteerTeam, "team", "村{}服务队"),
    "volunteermember": Record(VolunteerMember, "member", "留守{}"),
    "volunteeractivity": Record(VolunteerActivity, "activity", "村{}普法宣传"),
    "petition": Record(Petition, "petition", "来访{}"),
}


def record(w, name: str, key: str):
    return getattr(w.o, f"{RECORDS[name].prefix}_{key}")


@pytest.mark.parametrize("name", list(RECORDS))
@pytest.mark.parametrize(("user_key", "own", "foreign"), [("dir_a", "a", "b"), ("dir_b", "b", "a")])
def test_a_directors_pages_refuse_the_other_village(outreach_world, login, name, user_key, own, foreign):
    w = outreach_world
    client = login(getattr(w, user_key))
    mine, theirs = record(w, name, own), record(w, name, foreign)
    for page in ("detail", "update", "delete"):
        assert client.get(reverse(f"outreach:{name}_{page}", args=[mine.pk])).status_code == 200, page
        response = client.get(reverse(f"outreach:{name}_{page}", args=[theirs.pk]))
        assert response.status_code == 404, page
    for page in ("update", "delete"):
        assert (
            client.post(reverse(f"outreach:{name}_{page}", args=[theirs.pk]), {"version": 1}).status_code
            == 404
        )
    theirs.refresh_from_db()
    assert theirs.deleted_at is None and theirs.version == 1
    body = client.get(reverse(f"outreach:{name}_list")).content.decode()
    assert RECORDS[name].text.format(own.upper()) in body
    assert RECORDS[name].text.format(foreign.upper()) not in body


@pytest.mark.parametrize("name", list(RECORDS))
def test_another_townships_staff_is_refused(outreach_world, login, name):
    w = outreach_world
    client = login(w.other_staff)
    for page in ("detail", "update", "delete"):
        assert (
            client.get(reverse(f"outreach:{name}_{page}", args=[record(w, name, "a").pk])).status_code == 404
        )
    assert RECORDS[name].text.format("A") not in client.get(reverse(f"outreach:{name}_list")).content.decode()


@pytest.mark.parametrize("name", list(RECORDS))
def test_the_township_reaches_both_villages(outreach_world, login, name):
    w = outreach_world
    client = login(w.staff)
    for key in ("a", "b"):
        assert (
            client.get(reverse(f"outreach:{name}_update", args=[record(w, name, key).pk])).status_code == 200
        )
    body = client.get(reverse(f"outreach:{name}_list")).content.decode()
    assert RECORDS[name].text.format("A") in body and RECORDS[name].text.format("B") in body


@pytest.mark.parametrize("name", list(RECORDS))
def test_the_county_viewer_reads_but_never_writes(outreach_world, login, name):
    w = outreach_world
    client = login(w.county_viewer)
    for page in ("create", "update", "delete"):
        args = [] if page == "create" else [record(w, name, "a").pk]
        assert client.get(reverse(f"outreach:{name}_{page}", args=args)).status_code == 404
    expected = 404 if name == "screening" else 200  # a person's screening result is health data
    assert (
        client.get(reverse(f"outreach:{name}_detail", args=[record(w, name, "a").pk])).status_code == expected
    )


@pytest.mark.parametrize("name", list(RECORDS))
def test_nobody_without_a_membership_sees_nothing(outreach_world, login, name):
    w = outreach_world
    client = login(w.nobody)
    assert client.get(reverse(f"outreach:{name}_list")).status_code == 404
    assert client.get(reverse(f"outreach:{name}_detail", args=[record(w, name, "a").pk])).status_code == 404
    assert not RECORDS[name].model.objects.for_user(w.nobody).exists()


def test_choice_fields_offer_only_the_directors_village(outreach_world, login):
    w = outreach_world
    client = login(w.dir_a)

    def form(name, **params):
        return client.get(reverse(f"outreach:{name}_create"), params).content.decode()

    def persons(name):  # chosen by an autocomplete (tests/web/test_autocomplete.py): what it accepts
        return client.get(reverse(f"outreach:{name}_create")).context["form"].fields["person"].queryset

    for name in ("visit", "screening"):
        offered = persons(name)
        assert offered.filter(pk=w.o.lbw_a.person.pk).exists()
        assert not offered.filter(pk=w.o.lbw_b.person.pk).exists()
    body = form("volunteermember")
    assert f'value="{w.o.team_a.pk}"' in body and f'value="{w.o.team_b.pk}"' not in body
    offered = persons("volunteermember")
    assert offered.filter(pk=w.woman_a.pk).exists() and not offered.filter(pk=w.woman_b.pk).exists()
    body = form("volunteeractivity")
    assert f'value="{w.o.team_a.pk}"' in body and f'value="{w.o.team_b.pk}"' not in body
    assert f'value="{w.o.member_a.pk}"' in body and f'value="{w.o.member_b.pk}"' not in body
    body = form("petition")
    offered = persons("petition")
    assert offered.filter(pk=w.woman_a.pk).exists() and not offered.filter(pk=w.woman_b.pk).exists()
    assert f'value="{w.village_b.pk}"' not in body.split('name="village"')[1][:40]


def forged_posts(w) -> dict[str, dict]:
    """Return, per model, a create POST that is valid but for one id of village B."""
    today = TODAY.isoformat()
    return {
        "visit": {"person": w.o.lbw_b.person.pk, "visited_on": today, "mode": "home", "visitors": "张红"},
        "screening": {
            "year": TODAY.year,
            "person": w.o.lbw_b.person.pk,
            "kind": "breast",
            "screened_on": today,
            "institution": "卫生院",
            "result": "normal",
        },
        "volunteerteam": {
            "township": w.township.pk,
            "village": w.village_b.pk,
            "name": "伪造",
            "speciality": "legal",
        },
        "volunteermember": {
            "team": w.o.team_b.pk,
            "name": "伪造",
            "village": w.village_a.pk,
            "joined_on": today,
        },
        "volunteeractivity": {
            "team": w.o.team_b.pk,
            "held_on": today,
            "title": "伪造",
            "other_participants": 0,
        },
        "petition": {
            "village": w.village_a.pk,
            "person": w.woman_b.pk,
            "received_on": today,
            "way": "visit",
            "category": "property",
            "summary": "伪造",
            "received_by": "张红",
            "handling": "village",
        },
    }


@pytest.mark.parametrize("name", list(RECORDS))
def test_a_forged_id_of_the_other_village_is_refused(outreach_world, login, name):
    w = outreach_world
    model = RECORDS[name].model
    before = model.all_objects.count()
    response = login(w.dir_a).post(reverse(f"outreach:{name}_create"), forged_posts(w)[name])
    assert response.status_code == 200
    assert "不在可选的范围内" in response.content.decode()
    assert model.all_objects.count() == before


@pytest.mark.parametrize("name", list(RECORDS))
def test_the_admin_is_scoped(outreach_world, login, name):
    w = outreach_world
    client = login(w.staff)
    own, foreign = record(w, name, "a"), w.o.other_township_team if name == "volunteerteam" else None
    changelist = client.get(reverse(f"admin:outreach_{name}_changelist")).content.decode()
    assert reverse(f"admin:outreach_{name}_change", args=[own.pk]) in changelist
    assert client.get(reverse(f"admin:outreach_{name}_history", args=[own.pk])).status_code == 200
    if foreign is not None:  # another township's team, with no village
        assert client.get(reverse(f"admin:outreach_{name}_change", args=[foreign.pk])).status_code == 404
        assert reverse(f"admin:outreach_{name}_change", args=[foreign.pk]) not in changelist
    other = login(w.other_staff)  # the same client, signed in as another township's staff
    for view in ("change", "history", "delete"):
        assert other.get(reverse(f"admin:outreach_{name}_{view}", args=[own.pk])).status_code == 404, view
    if foreign is not None:  # its own township's team
        assert other.get(reverse(f"admin:outreach_{name}_change", args=[foreign.pk])).status_code == 200
