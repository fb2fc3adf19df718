"""The visit rules (seed 2014 plan item 6): each left-behind woman, at least two visits a calendar year;
any resident may be visited, for a group (issue 17: a women's register's needs her on it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach.models import OutreachSettings, Visit, VisitedFor
from outreach.selectors import visit_progress, visits_by_village, women_owed_visits
from registry.models import HouseholdIncome, LeftBehindWoman, PoorWoman
from tests.helpers.factories import member
from tests.helpers.outreach import TODAY, YEAR, left_behind_woman, saved, visit

EARLIER = TODAY - dt.timedelta(days=1) if TODAY.timetuple().tm_yday > 1 else TODAY


def owed_names(user, year=YEAR):
    return [entry.person.name for entry in women_owed_visits(user=user, year=year)]


def test_one_visit_leaves_her_owed_and_two_settle_the_year(world):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    assert owed_names(world.dir_a) == ["李秀兰"]
    visit(woman.person, EARLIER)
    entry = women_owed_visits(user=world.dir_a, year=YEAR).get()
    assert entry.visits_done == 1
    visit(woman.person, TODAY)
    assert owed_names(world.dir_a) == []


def test_a_visit_of_last_year_does_not_count(world):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    saved(LeftBehindWoman(person=woman.person, year=YEAR - 1))
    saved(Visit(person=woman.person, visited_on=dt.date(YEAR - 1, 12, 30), visitors="张红"))
    visit(woman.person, TODAY)
    assert owed_names(world.dir_a) == ["李秀兰"]
    assert women_owed_visits(user=world.dir_a, year=YEAR).get().visits_done == 1


def test_the_yearly_setting_changes_how_many_visits_are_owed(world):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    visit(woman.person, EARLIER)
    visit(woman.person, TODAY)
    assert owed_names(world.dir_a) == []
    OutreachSettings.objects.create(year=YEAR, visits_per_year=3)
    assert owed_names(world.dir_a) == ["李秀兰"]
    OutreachSettings.objects.filter(year=YEAR).update(visits_per_year=1)
    assert owed_names(world.dir_a) == []


def test_a_deleted_visit_does_not_count(world):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    visit(woman.person, EARLIER)
    second = visit(woman.person, TODAY)
    second.mark_deleted()
    second.save()
    assert owed_names(world.dir_a) == ["李秀兰"]


def test_only_women_registered_in_the_year_are_owed_visits(world):
    left_behind_woman(world.village_a, name="去年的", year=YEAR - 1)
    assert owed_names(world.dir_a) == []
    assert owed_names(world.dir_a, YEAR - 1) == ["去年的"]


def test_visits_per_village_count_at_most_what_each_woman_is_owed(world):
    first = left_behind_woman(world.village_a, name="甲")
    left_behind_woman(world.village_a, name="乙")
    third = left_behind_woman(world.village_b, name="丙")
    for _ in range(3):
        visit(first.person, TODAY)
    visit(third.person, TODAY)
    rows = {row.village.name: row for row in visits_by_village(user=world.staff, year=YEAR)}
    assert set(rows) == {"红旗村", "胜利村"}
    red = rows["红旗村"]
    assert (red.women, red.owed, red.done, red.women_done, red.women_short) == (2, 4, 2, 1, 1)
    win = rows["胜利村"]
    assert (win.women, win.owed, win.done, win.women_done) == (1, 2, 1, 0)
    assert [row.village.name for row in visits_by_village(user=world.dir_b, year=YEAR)] == ["胜利村"]


def test_a_visit_is_refused_for_a_woman_of_no_register_and_in_the_future(world):
    with pytest.raises(ValidationError) as refused:
        saved(Visit(person=world.woman_a, visited_on=TODAY, visitors="张红"))
    assert refused.value.message_dict["visited_for"] == [
        f"妇女A在 {YEAR} 年度和上一年度都没有登记为留守妇女，请先登记或改选走访对象类别。"
    ]
    with pytest.raises(ValidationError) as refused:
        saved(Visit(person=world.woman_a, visited_on=TODAY, visitors="张红", visited_for=VisitedFor.POOR))
    assert "没有登记为贫困妇女" in refused.value.message_dict["visited_for"][0]
    woman = left_behind_woman(world.village_a, name="李秀兰")
    with pytest.raises(ValidationError) as refused:
        saved(Visit(person=woman.person, visited_on=TODAY + dt.timedelta(days=1), visitors="张红"))
    assert "visited_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        saved(Visit(person=woman.person, visited_on=TODAY, visitors="张红", is_poor=True))
    assert "poverty_reason" in refused.value.message_dict


def test_a_poor_woman_may_be_visited_and_does_not_count_as_a_left_behind_one(world):
    HouseholdIncome.objects.create(household=world.household_a, year=YEAR, per_capita_income=1800)
    saved(PoorWoman(person=world.woman_a, year=YEAR, reason="illness"))
    left_behind = left_behind_woman(world.village_a, name="李秀兰")
    visit(left_behind.person, TODAY)
    assert visit(world.woman_a, TODAY, visited_for=VisitedFor.POOR, is_poor=True, poverty_reason="因病")
    progress = {entry.person.name: entry.visits_done for entry in visit_progress(user=world.dir_a, year=YEAR)}
    assert progress == {"李秀兰": 1}
    (red,) = visits_by_village(user=world.dir_a, year=YEAR)
    assert (red.village, red.women, red.done) == (world.village_a, 1, 1)


def test_a_man_of_a_dispute_family_may_be_visited(world):
    man = member(world.household_a, "spouse", "张大山", dt.date(1960, 2, 3), sex="M")
    assert visit(man, TODAY, visited_for=VisitedFor.DISPUTE_FAMILY, difficulties="与邻居宅基地纠纷")
    assert Visit._meta.get_field("person").verbose_name == "被走访人"
    assert owed_names(world.dir_a) == []  # no left-behind woman: the visit is owed to nobody


def test_the_form_offers_every_resident_and_an_old_client_records_a_left_behind_womans_visit(world, login):
    man = member(world.household_a, "spouse", "张大山", dt.date(1960, 2, 3), sex="M")
    client = login(world.dir_a)
    page = client.get(reverse("outreach:visit_create"))
    field = page.context["form"].fields["person"]
    assert field.widget.params == {"alive": 1}  # the autocomplete: every living resident, men too
    assert man in field.queryset
    posted = {"person": man.pk, "visited_on": TODAY.isoformat(), "mode": "home", "visitors": "张红"}
    refused = client.post(reverse("outreach:visit_create"), posted)
    assert "张大山在" in refused.context["form"].errors["visited_for"][0]  # no group sent: 留守妇女
    client.post(reverse("outreach:visit_create"), {**posted, "visited_for": "petition_family"})
    assert Visit.objects.get().visited_for == VisitedFor.PETITION_FAMILY


def test_old_visits_were_to_left_behind_women():
    # The migration gives the old rows this default (0011 then marks the poor women's visits);
    # that the migrations match the models is tests/core/test_project.py's check.
    assert Visit._meta.get_field("visited_for").default == VisitedFor.LEFT_BEHIND


def test_the_list_is_filtered_by_the_group_visited_for(world, login):
    left_behind = left_behind_woman(world.village_a, name="李秀兰")
    visit(left_behind.person, TODAY)
    man = member(world.household_a, "spouse", "张大山", dt.date(1960, 2, 3), sex="M")
    visit(man, TODAY, visited_for=VisitedFor.PETITION_FAMILY)
    client = login(world.dir_a)
    every = client.get(reverse("outreach:visit_list"))
    assert {v.person.name for v in every.context["object_list"]} == {"李秀兰", "张大山"}
    assert "上访家庭" in every.content.decode()  # the column, and the filter's choice
    chosen = client.get(reverse("outreach:visit_list"), {"visited_for": "petition_family"})
    assert [v.person.name for v in chosen.context["object_list"]] == ["张大山"]
    assert 'value="petition_family" selected' in chosen.content.decode()
    unknown = client.get(reverse("outreach:visit_list"), {"visited_for": "nonsense"})
    assert len(unknown.context["object_list"]) == 2  # a value not among the choices is ignored


def test_the_directors_home_lists_the_women_she_owes_a_visit(world, login):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    left_behind_woman(world.village_b, name="别村的")
    body = login(world.dir_a).get(reverse("home")).content.decode()
    assert "李秀兰" in body and "别村的" not in body
    link = f"{reverse('outreach:visit_create')}?person={woman.person.pk}&amp;next=/"
    assert link in body
    assert "已走访 0 / 2 次" in body


def test_recording_a_visit_from_the_home_page_returns_there(world, login):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    client = login(world.dir_a)
    form = client.get(reverse("outreach:visit_create"), {"person": woman.person.pk, "next": "/"})
    assert form.status_code == 200
    assert f'<option value="{woman.person.pk}" selected>' in form.content.decode()
    assert 'value="张红"' in form.content.decode()  # the visitor is the signed-in director
    response = client.post(
        f"{reverse('outreach:visit_create')}?person={woman.person.pk}&next=/",
        {
            "person": woman.person.pk,
            "visited_on": TODAY.isoformat(),
            "visited_for": "left_behind",
            "mode": "home",
            "visitors": "张红",
            "living_situation": "种玉米",
            "next": "/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert Visit.objects.get().person == woman.person
    body = client.get("/").content.decode()
    assert "已走访 1 / 2 次" in body


def test_next_never_leaves_the_site(world, login):
    woman = left_behind_woman(world.village_a, name="李秀兰")
    response = login(world.dir_a).post(
        reverse("outreach:visit_create"),
        {
            "person": woman.person.pk,
            "visited_on": TODAY.isoformat(),
            "mode": "phone",
            "visitors": "张红",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == Visit.objects.get().get_absolute_url()


def test_the_progress_page_shows_the_township_who_is_short(outreach_world, login):
    w = outreach_world
    url = reverse("outreach:visit_progress")
    staff = login(w.staff)
    body = staff.get(url).content.decode()
    assert "1 / 2" in body  # each village: one visit of two owed
    assert 'id="visit-todo"' not in body  # the township's women are read village by village
    village = {"village": w.o.lbw_a.person.village_id}
    body = staff.get(url, village).content.decode()
    assert "留守A" in body.split('id="visit-todo"')[1] and "留守B" not in body
    visit(w.o.lbw_a.person, EARLIER)
    body = staff.get(url, village).content.decode()
    assert "留守A" not in body and "这一年度的走访都已完成" in body
    assert "留守A" in staff.get(url, {**village, "all": "1"}).content.decode()


def test_the_county_reads_the_visits_township_by_township(outreach_world, login):
    w = outreach_world
    url = reverse("outreach:visit_progress")
    county = login(w.county_viewer)
    response = county.get(url)
    assert response.context["by_township"]
    townships = {row.village.pk: row for row in response.context["villages"]}  # a township in each row
    township = w.o.lbw_a.person.village.township
    assert set(townships) == {w.township.pk, w.other_township.pk}
    opened = county.get(url, {"township": township.pk}).context["villages"]
    assert {row.village.township_id for row in opened} == {township.pk}
    assert townships[township.pk].women == sum(row.women for row in opened) > 0
    assert townships[township.pk].done == sum(row.done for row in opened)
