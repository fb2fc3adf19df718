"""待核实 (issue 15, part 2): the active entries judged again on a day by their register's rule, the exit
the facts propose (reason and date), its one-click end through the exit page, "still valid" with a note,
the township's counts per village, and the scope.

The dates are the issue's (2026) and lie before the day these tests were written, so they are "not in
the future" on any later day too.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from registry import models
from registry.recheck import proposals
from tests.helpers.factories import man_away, member
from tests.helpers.registers import new_household

Y = 2026
MARCH_18 = dt.date(Y, 3, 18)
OCTOBER_8 = dt.date(Y, 10, 8)


def entered(model, person, **fields):
    entry = model(person=person, year=Y, entered_on=MARCH_18, **fields)
    entry.full_clean()
    entry.save()
    return entry


def family(village, name, *, born=dt.date(1988, 5, 6)):
    """Return (husband away since 2024, his wife, their 11-year-old child) of a new household."""
    household = new_household(village)
    husband = man_away(household, "head", f"{name}丈夫", dt.date(1986, 1, 1), dt.date(2024, 1, 1))
    wife = member(household, "spouse", name, born, marital_status="married")
    child = member(household, "child", f"{name}孩子", dt.date(2015, 6, 1))
    return husband, wife, child


def woman_entry(person):
    return entered(models.LeftBehindWoman, person)


def child_entry(person):
    return entered(
        models.LeftBehindChild,
        person,
        parents_away="father",
        guardian_name="母亲",
        guardian_relation="mother",
    )


def proposed(village, on) -> dict[str, tuple[str, dt.date, str]]:
    """Return {name: (reason, exit date, note)} of the exits proposed in ``village`` on ``on``."""
    return {
        p.entry.person.name: (p.exit.reason, p.exit.exited_on, p.exit.note)
        for p in proposals([village.pk], on=on)
    }


def back_home(husband) -> None:
    husband.work_place, husband.away_since = models.WorkPlace.HOME, None
    husband.save()


def test_a_woman_turning_51_on_1_july_is_proposed_from_that_day_with_age_over(world):
    _husband, wife, _child = family(world.village_a, "五十", born=dt.date(1975, 7, 1))
    woman_entry(wife)
    assert proposed(world.village_a, dt.date(Y, 6, 30)) == {}
    assert proposed(world.village_a, dt.date(Y, 7, 1)) == {"五十": ("age_over", dt.date(Y, 7, 1), "")}
    # judged later, the exit date is still the birthday, the day the fact changed
    assert proposed(world.village_a, OCTOBER_8)["五十"][:2] == ("age_over", dt.date(Y, 7, 1))


def test_a_childs_16th_birthday_proposes_turned_16(world):
    household = new_household(world.village_a)
    man_away(household, "head", "十六父", dt.date(1980, 1, 1), dt.date(2024, 1, 1))
    child = member(household, "child", "十六", dt.date(2010, 8, 20))
    child_entry(child)
    assert proposed(world.village_a, dt.date(Y, 8, 19)) == {}
    assert proposed(world.village_a, OCTOBER_8) == {"十六": ("turned_16", dt.date(Y, 8, 20), "")}


def test_a_husbands_return_proposes_the_exit_of_his_wife_and_of_their_child(world):
    husband, wife, child = family(world.village_a, "秀兰")
    woman_entry(wife)
    child_entry(child)
    assert proposed(world.village_a, OCTOBER_8) == {}
    back_home(husband)
    assert proposed(world.village_a, OCTOBER_8) == {
        "秀兰": ("husband_returned", OCTOBER_8, ""),
        "秀兰孩子": ("parents_returned", OCTOBER_8, ""),
    }


def test_a_death_proposes_deceased_before_anything_else(world):
    husband, wife, _child = family(world.village_a, "已故")
    woman_entry(wife)
    back_home(husband)  # a rule of another reason fails too
    wife.deceased = True
    wife.save()
    assert proposed(world.village_a, OCTOBER_8)["已故"][0] == "deceased"


def test_an_income_of_the_year_above_the_line_proposes_income_above_line(world):
    household = new_household(world.village_a, per_capita_income=Decimal("1500"))
    woman = member(household, "head", "贫困", dt.date(1980, 1, 1))
    entered(models.PoorWoman, woman, reason="illness")
    assert proposed(world.village_a, OCTOBER_8) == {}
    income = models.HouseholdIncome.objects.get(household=household, year=Y)
    income.per_capita_income = Decimal("3000")
    income.save()
    assert proposed(world.village_a, OCTOBER_8) == {"贫困": ("income_above_line", OCTOBER_8, "")}


def test_a_rule_with_no_exit_reason_of_its_own_proposes_other_with_its_message(world):
    husband, wife, _child = family(world.village_a, "无夫")
    woman_entry(wife)
    husband.relation = "other"  # no longer recorded as her husband
    husband.save()
    reason, _on, note = proposed(world.village_a, OCTOBER_8)["无夫"]
    assert reason == "other" and "户中没有登记她的丈夫" in note


# -- the page ---------------------------------------------------------------------------------------


def recheck_url(**query) -> str:
    return (
        reverse("registry:recheck")
        + "?"
        + "&".join(f"{k}={v}" for k, v in {"on": OCTOBER_8, **query}.items())
    )


def test_the_director_ends_a_proposed_entry_with_one_click_and_a_confirmation(world, login):
    husband, wife, _child = family(world.village_a, "返乡妻")
    entry = woman_entry(wife)
    back_home(husband)
    client = login(world.dir_a)
    page = client.get(recheck_url()).content.decode()
    card = page[page.index(f'data-proposal="leftbehindwoman-{entry.pk}"') :]
    assert "返乡妻" in card and "丈夫不在县外务工" in card
    assert "建议退出：<strong>丈夫返乡</strong>，退出日期 <strong>2026年10月8日</strong>" in card
    entry.refresh_from_db()
    assert entry.exited_on is None  # the page ends nothing by itself
    # the card's button posts its hidden values to the exit page, which asks to confirm
    exit_url = reverse("registry:leftbehindwoman_exit", args=[entry.pk])
    assert f'action="{exit_url}"' in card
    data = {
        "version": entry.version,
        "exited_on": "2026-10-08",
        "exit_reason": "husband_returned",
        "exit_note": "",
        "next": recheck_url(),
    }
    confirm = client.post(exit_url, data).content.decode()
    assert (
        "请确认" in confirm
        and "丈夫返乡" in confirm
        and f'value="{recheck_url()}"' in confirm.replace("&amp;", "&")
    )
    entry.refresh_from_db()
    assert entry.exited_on is None
    # she may change the proposed date first: the exit form, filled in with the proposal
    change = client.get(f"{exit_url}?exited_on=2026-10-01&exit_reason=husband_returned").content.decode()
    assert 'value="2026-10-01"' in change
    assert re.search(r'<input[^>]*value="husband_returned"[^>]*checked', change)
    assert "修改日期或原因" in confirm
    response = client.post(exit_url, {**data, "confirmed": "1"})
    assert response.status_code == 302 and response.url == recheck_url()
    entry.refresh_from_db()
    assert (entry.exited_on, entry.exit_reason) == (OCTOBER_8, "husband_returned")
    assert entry.history.first().history_user == world.dir_a
    assert "返乡妻" not in client.get(recheck_url()).content.decode()


def test_still_valid_hides_the_proposal_until_a_fact_changes(
    world, login, django_capture_on_commit_callbacks
):
    husband, wife, _child = family(world.village_a, "仍有效")
    entry = woman_entry(wife)
    back_home(husband)
    client = login(world.dir_a)
    keep = reverse("registry:recheck_keep", args=["leftbehindwoman", entry.pk])
    # without a note nothing is kept, and she is told why
    response = client.post(keep, {"note": " ", "on": "2026-10-08", "next": recheck_url()}, follow=True)
    assert "请写明为什么仍然有效" in response.content.decode()
    entry.refresh_from_db()
    assert entry.kept_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            keep, {"note": "丈夫只回家过节，月底再外出", "on": "2026-10-08", "version": entry.version}
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.kept_by == world.dir_a and entry.kept_note == "丈夫只回家过节，月底再外出"
    assert entry.exited_on is None  # kept, not ended
    assert entry.history.first().history_change_reason == "核实仍然有效：丈夫只回家过节，月底再外出"
    assert proposed(world.village_a, OCTOBER_8) == {}
    page = client.get(recheck_url()).content.decode()
    assert "已核实：仍有效的登记仍然有效" in page  # she is told what it did
    assert f'data-proposal="leftbehindwoman-{entry.pk}"' not in page
    # a fact the rule reads changes again: she is proposed again
    husband.work_place_detail = "在家务农"
    husband.save()
    assert proposed(world.village_a, OCTOBER_8)["仍有效"][0] == "husband_returned"


def test_still_valid_does_not_hide_another_failure(world):
    from registry import services

    husband, wife, _child = family(world.village_a, "另一", born=dt.date(1975, 7, 1))
    entry = woman_entry(wife)
    back_home(husband)
    services.register_entry_keep(user=world.dir_a, entry=entry, note="核实过", on=dt.date(Y, 6, 30))
    assert proposed(world.village_a, dt.date(Y, 6, 30)) == {}
    # on her 51st birthday another rule fails: proposed again, for her age
    assert proposed(world.village_a, dt.date(Y, 7, 1))["另一"][0] == "age_over"


def test_the_township_sees_a_count_per_village_and_chooses_one(world, login):
    husband, wife, _child = family(world.village_a, "甲村妇女")
    woman_entry(wife)
    back_home(husband)
    other_husband, other_wife, _ = family(world.village_b, "乙村妇女")
    woman_entry(other_wife)
    back_home(other_husband)
    client = login(world.staff)
    page = client.get(recheck_url()).content.decode()
    table = page[page.index('id="recheck-villages"') :]
    assert "红旗村" in table and "胜利村" in table and "光明村" not in table
    assert "共 2 条" in page
    assert "甲村妇女" not in page  # one village's list at a time
    one = client.get(recheck_url(village=world.village_b.pk)).content.decode()
    assert "乙村妇女" in one and "甲村妇女" not in one
    assert login(world.county_viewer).get(recheck_url()).status_code == 404  # reads, keeps no register


def test_another_villages_director_gets_404_on_end_and_still_valid(world, login):
    husband, wife, _child = family(world.village_a, "他村妇女")
    entry = woman_entry(wife)
    back_home(husband)
    client = login(world.dir_b)
    assert "他村妇女" not in client.get(recheck_url()).content.decode()
    keep = reverse("registry:recheck_keep", args=["leftbehindwoman", entry.pk])
    assert client.post(keep, {"note": "想改", "version": entry.version}).status_code == 404
    exit_url = reverse("registry:leftbehindwoman_exit", args=[entry.pk])
    data = {"version": entry.version, "exited_on": "2026-10-08", "exit_reason": "husband_returned"}
    assert client.post(exit_url, {**data, "confirmed": "1"}).status_code == 404
    entry.refresh_from_db()
    assert entry.exited_on is None and entry.kept_at is None


def test_the_townships_home_counts_per_village_the_entries_to_check_today(
    world, login, django_capture_on_commit_callbacks
):
    husband, wife, _child = family(world.village_b, "今年妇女")
    entry = models.LeftBehindWoman(person=wife, year=timezone.localdate().year)  # entered today
    entry.full_clean()
    entry.save()
    with django_capture_on_commit_callbacks(execute=True):
        back_home(husband)
    page = login(world.staff).get(reverse("home")).content.decode()
    card = page[page.index('id="recheck-villages-todo"') :]
    card = card[: card.index("</ul>")]
    assert "胜利村" in card and "1 条待核实" in card and "红旗村" not in card
    assert f"{reverse('registry:recheck')}?village={world.village_b.pk}" in card
    assert (
        'id="recheck-villages-todo"' not in login(world.county_viewer).get(reverse("home")).content.decode()
    )
