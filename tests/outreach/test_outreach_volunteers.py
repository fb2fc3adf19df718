"""Volunteer teams of a village or of the whole township; members; activities and their participants.

A township team has no village. It is scoped through its township (``Township.for_user``, the same
scoping rule): the township's directors, staff and chair and the county viewer see it; another
township does not. Only township roles change it; a director may join it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from outreach.models import VolunteerActivity, VolunteerMember, VolunteerTeam
from outreach.services import volunteer_activity_save
from tests.helpers.outreach import TODAY, saved
from tests.helpers.registers import make_record


@pytest.mark.parametrize(
    ("user_key", "sees"),
    [
        ("dir_a", True),
        ("dir_b", True),
        ("staff", True),
        ("chair", True),
        ("county_viewer", True),
        ("admin", True),
        ("other_staff", False),
        ("nobody", False),
    ],
)
def test_a_township_team_is_seen_by_its_township_and_county(outreach_world, login, user_key, sees):
    w = outreach_world
    user = getattr(w, user_key)
    assert VolunteerTeam.objects.for_user(user).filter(pk=w.o.township_team.pk).exists() is sees
    assert VolunteerMember.objects.for_user(user).filter(pk=w.o.township_member.pk).exists() is sees
    response = login(user).get(reverse("outreach:volunteerteam_detail", args=[w.o.township_team.pk]))
    assert response.status_code == (200 if sees else 404)


def test_another_townships_team_stays_there(outreach_world):
    w = outreach_world
    team = w.o.other_township_team
    assert VolunteerTeam.objects.for_user(w.other_staff).filter(pk=team.pk).exists()
    for key in ("dir_a", "staff", "chair"):
        assert not VolunteerTeam.objects.for_user(getattr(w, key)).filter(pk=team.pk).exists()


def test_a_director_reads_the_township_team_but_cannot_change_it(outreach_world, login):
    w = outreach_world
    client = login(w.dir_a)
    team = w.o.township_team
    body = client.get(reverse("outreach:volunteerteam_detail", args=[team.pk])).content.decode()
    assert "中心校杨老师" in body
    assert reverse("outreach:volunteerteam_update", args=[team.pk]) not in body
    assert client.get(reverse("outreach:volunteerteam_update", args=[team.pk])).status_code == 404
    assert client.post(reverse("outreach:volunteerteam_delete", args=[team.pk])).status_code == 404
    team.refresh_from_db()
    assert team.deleted_at is None
    assert login(w.staff).get(reverse("outreach:volunteerteam_update", args=[team.pk])).status_code == 200


def test_a_director_joins_the_township_team_and_her_own(outreach_world, login):
    w = outreach_world
    director = make_record("villagedirector", w.village_a, "张红")
    client = login(w.dir_a)
    form = client.get(reverse("outreach:volunteermember_create")).content.decode()
    assert f'value="{w.o.township_team.pk}"' in form and f'value="{w.o.team_a.pk}"' in form
    assert f'value="{w.o.team_b.pk}"' not in form
    for team in (w.o.township_team, w.o.team_a):
        response = client.post(
            reverse("outreach:volunteermember_create"),
            {
                "team": team.pk,
                "director": director.pk,
                "village": w.village_a.pk,
                "joined_on": TODAY.isoformat(),
            },
        )
        assert response.status_code == 302, response.content.decode()
    joined = VolunteerMember.objects.filter(director=director)
    assert {m.team for m in joined} == {w.o.township_team, w.o.team_a}
    assert {m.village for m in joined} == {w.village_a} and {m.name for m in joined} == {"张红"}
    # Her membership of the township team is a row of village A: village B's director does not see it.
    on_township_team = joined.get(team=w.o.township_team)
    assert not VolunteerMember.objects.for_user(w.dir_b).filter(pk=on_township_team.pk).exists()
    body = (
        login(w.dir_b)
        .get(reverse("outreach:volunteerteam_detail", args=[w.o.township_team.pk]))
        .content.decode()
    )
    assert "中心校杨老师" in body and "张红" not in body
    with pytest.raises(ValidationError, match="已经是这个服务队的队员"):
        saved(VolunteerMember(team=w.o.team_a, director=director))


def test_a_director_cannot_add_a_township_level_member(outreach_world, login):
    w = outreach_world
    response = login(w.dir_a).post(
        reverse("outreach:volunteermember_create"),
        {"team": w.o.township_team.pk, "name": "无村的人", "village": "", "joined_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert not VolunteerMember.objects.filter(name="无村的人").exists()


def test_township_staff_create_a_township_team(world, login):
    client = login(world.staff)
    form = client.get(reverse("outreach:volunteerteam_create")).content.decode()
    assert f'name="township" value="{world.township.pk}"' in form
    response = client.post(
        reverse("outreach:volunteerteam_create"),
        {"township": world.township.pk, "village": "", "name": "乡法律服务队", "speciality": "legal"},
    )
    assert response.status_code == 302
    team = VolunteerTeam.objects.get(name="乡法律服务队")
    assert team.village is None and team.township == world.township
    assert VolunteerTeam.objects.for_user(world.dir_b).filter(pk=team.pk).exists()


def test_a_director_creates_teams_of_her_village_only(world, login):
    client = login(world.dir_a)
    response = client.post(
        reverse("outreach:volunteerteam_create"),
        {"township": world.township.pk, "village": "", "name": "冒充乡级", "speciality": "legal"},
    )
    assert response.status_code == 200 and not VolunteerTeam.objects.exists()
    response = client.post(
        reverse("outreach:volunteerteam_create"),
        {
            "township": world.township.pk,
            "village": world.village_a.pk,
            "name": "红旗村队",
            "speciality": "legal",
        },
    )
    assert response.status_code == 302
    assert VolunteerTeam.objects.get().village == world.village_a


def test_a_teams_village_belongs_to_its_township(world):
    with pytest.raises(ValidationError, match="不属于所选乡镇"):
        saved(VolunteerTeam(township=world.township, village=world.village_c, name="错", speciality="legal"))


def test_activity_participants_are_members_of_its_team(outreach_world, login):
    w = outreach_world
    activity = VolunteerActivity(team=w.o.team_a, held_on=TODAY, title="宣传")
    with pytest.raises(ValidationError, match="不是村A服务队的队员"):
        volunteer_activity_save(
            user=w.dir_a, instance=activity, participants=[w.o.member_b], expected_version=None, original=None
        )
    response = login(w.staff).post(
        reverse("outreach:volunteeractivity_create"),
        {
            "team": w.o.team_a.pk,
            "held_on": TODAY.isoformat(),
            "title": "混入",
            "participants": [w.o.member_a.pk, w.o.member_b.pk],
            "other_participants": 0,
        },
    )
    assert response.status_code == 200 and "不是村A服务队的队员" in response.content.decode()
    assert not VolunteerActivity.objects.filter(title="混入").exists()


def test_a_director_records_her_teams_activity_but_not_the_townships(outreach_world, login):
    w = outreach_world
    client = login(w.dir_a)
    form = client.get(reverse("outreach:volunteeractivity_create"), {"team": w.o.team_a.pk}).content.decode()
    assert f'value="{w.o.member_a.pk}"' in form and f'value="{w.o.township_member.pk}"' not in form
    assert f'value="{w.o.township_team.pk}"' not in form
    response = client.post(
        reverse("outreach:volunteeractivity_create") + f"?team={w.o.team_a.pk}",
        {
            "team": w.o.team_a.pk,
            "held_on": TODAY.isoformat(),
            "title": "入户宣传",
            "participants": [w.o.member_a.pk],
            "other_participants": 2,
        },
    )
    assert response.status_code == 302
    activity = VolunteerActivity.objects.get(title="入户宣传")
    assert list(activity.participants.all()) == [w.o.member_a]
    assert activity.history.first().participants.count() == 1  # participants are kept in history
    with pytest.raises(PermissionDenied):
        volunteer_activity_save(
            user=w.dir_a,
            instance=VolunteerActivity(team=w.o.township_team, held_on=TODAY, title="越权"),
            participants=[],
            expected_version=None,
            original=None,
        )
