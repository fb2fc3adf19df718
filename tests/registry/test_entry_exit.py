"""Registers that live through the year (issue 15, parts 1 and 3): an entry's conditions are judged on
its entry date (认定日期), an exit (退出) ends it with a date and a reason of its register, a list shows
the entries active on a chosen day (or at any time in the year), and last year's entries active on
31 December are carried into the new year, each judged again on the new entry date.

The dates are the issue's (2026) and lie before the day these tests were written, so they are "not in
the future" on any later day too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from outreach.selectors import visit_progress, visits_by_village, women_owed_visits
from registry import models, services
from registry.models import LeftBehindWoman
from tests.helpers.factories import man_away, member
from tests.helpers.ledgers import data_rows, workbook
from tests.helpers.registers import a_child, new_household

Y = 2026


def woman_of(village, name, *, born=dt.date(1988, 5, 6), away_since=dt.date(2024, 1, 1)):
    """Return a married woman of ``village`` whose husband works in another province since ``away_since``."""
    household = new_household(village)
    woman = member(household, "head", name, born, marital_status="married")
    man_away(household, "spouse", f"{name}丈夫", dt.date(1986, 1, 1), away_since)
    return woman


def entered(person, on, *, year=Y, **fields) -> LeftBehindWoman:
    entry = LeftBehindWoman(person=person, year=year, entered_on=on, **fields)
    entry.full_clean()
    entry.save()
    return entry


def messages_of(entry) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    return exc.value.message_dict


# -- judged on the entry date --------------------------------------------------------------------------


def test_a_husband_away_since_2_june_makes_her_a_left_behind_woman_from_2_september(world):
    woman = woman_of(world.village_a, "六月", away_since=dt.date(2026, 6, 2))
    errors = messages_of(LeftBehindWoman(person=woman, year=Y, entered_on=dt.date(2026, 9, 1)))
    assert errors == {"person": ["丈夫县外务工须满 3 个月：他 2026-06-02 外出，到 2026-09-01 还不满。"]}
    entry = entered(woman, dt.date(2026, 9, 2))
    assert entry.year == Y and entry.ages_on == dt.date(2026, 9, 2)


def test_a_woman_turning_51_on_1_july_is_active_on_30_june_and_not_accepted_later(world, login):
    woman = woman_of(world.village_a, "五十", born=dt.date(1975, 7, 1))  # 51 on 2026-07-01
    entry = entered(woman, dt.date(2026, 3, 18))
    services.register_entry_exit(
        user=world.dir_a, entry=entry, exited_on=dt.date(2026, 7, 1), reason="age_over"
    )
    assert entry.is_active_on(dt.date(2026, 6, 30)) and not entry.is_active_on(dt.date(2026, 7, 1))
    on_june_30 = LeftBehindWoman.objects.filter(LeftBehindWoman.active_on_q(dt.date(2026, 6, 30)))
    assert list(on_june_30) == [entry]
    assert not LeftBehindWoman.objects.filter(LeftBehindWoman.active_on_q(dt.date(2026, 7, 1))).exists()
    entry.mark_deleted()  # a later entry of the same year, were she entered again, is refused on its date
    entry.save()
    errors = messages_of(LeftBehindWoman(person=woman, year=Y, entered_on=dt.date(2026, 7, 1)))
    assert errors == {"person": ["留守妇女须在 20 至 50 周岁之间，她在 2026-07-01 时 51 周岁。"]}


def test_the_entry_date_is_refused_on_its_field_in_the_future_or_outside_its_year(world):
    woman = woman_of(world.village_a, "日期")
    errors = messages_of(LeftBehindWoman(person=woman, year=2025, entered_on=dt.date(2026, 2, 1)))
    assert errors == {
        "entered_on": ["2025 年度的登记，认定日期须在 2025 年内；2026-02-01 认定的请登记到 2026 年度。"]
    }
    future = timezone.localdate() + dt.timedelta(days=400)
    assert list(messages_of(LeftBehindWoman(person=woman, year=future.year, entered_on=future))) == [
        "entered_on"
    ]


def test_an_exit_is_refused_before_the_entry_with_a_reason_of_another_register_or_other_without_a_note(world):
    woman = woman_of(world.village_a, "退出")
    entry = entered(woman, dt.date(2026, 3, 18))
    entry.exited_on, entry.exit_reason = dt.date(2026, 3, 1), "parents_returned"
    errors = messages_of(entry)
    assert errors["exited_on"] == ["退出日期不能早于认定日期（2026-03-18）。"]
    assert errors["exit_reason"] == ["农村留守妇女的退出原因只能是：丈夫返乡、年龄超出、迁出、死亡、其他。"]
    entry.exited_on, entry.exit_reason = dt.date(2026, 5, 1), "other"
    assert messages_of(entry) == {"exit_note": ["退出原因为“其他”时请说明。"]}


def test_an_entry_is_ended_even_when_the_facts_no_longer_fit(world):
    # The husband came home: the rule now fails, yet the exit (and the entry's other edits) are kept.
    woman = woman_of(world.village_a, "返乡")
    entry = entered(woman, dt.date(2026, 3, 18))
    models.Person.objects.filter(household=woman.household, sex="M").update(
        work_place="home", away_since=None
    )
    services.register_entry_exit(
        user=world.dir_a, entry=entry, exited_on=dt.date(2026, 10, 8), reason="husband_returned"
    )
    entry.refresh_from_db()
    assert (entry.exited_on, entry.get_exit_reason_display()) == (dt.date(2026, 10, 8), "丈夫返乡")
    assert entry.history.first().history_change_reason == "退出：丈夫返乡"


def test_a_childs_entry_ends_after_the_father_came_home(world):
    # The family's facts now contradict 父亲外出: the exit that says so is accepted all the same.
    child = a_child(world.village_a, "父亲回来")
    entry = models.LeftBehindChild(
        person=child,
        year=Y,
        entered_on=dt.date(2026, 3, 18),
        parents_away="father",
        guardian_name="奶奶",
        guardian_relation="grandparent",
    )
    entry.full_clean()
    entry.save()
    father = models.Person.objects.filter(household=child.household, sex="M")
    father.update(work_place="home", away_since=None)
    services.register_entry_exit(
        user=world.dir_a, entry=entry, exited_on=dt.date(2026, 9, 27), reason="parents_returned"
    )
    entry.refresh_from_db()
    assert entry.get_exit_reason_display() == "父母返回"


# -- the exit page -------------------------------------------------------------------------------------


def test_the_exit_form_asks_to_confirm_then_ends_the_entry_and_keeps_it(world, login):
    woman = woman_of(world.village_a, "确认")
    entry = entered(woman, dt.date(2026, 3, 18))
    url = reverse("registry:leftbehindwoman_exit", args=[entry.pk])
    client = login(world.dir_a)
    page = client.get(url).content.decode()
    assert "丈夫返乡" in page and "年满 16 周岁" not in page  # the register's own reasons
    data = {"exited_on": "2026-10-08", "exit_reason": "husband_returned", "exit_note": "", "version": 1}
    confirm = client.post(url, data).content.decode()
    assert "请确认" in confirm and "2026年10月8日" in confirm and "确认退出" in confirm
    entry.refresh_from_db()
    assert entry.exited_on is None  # nothing written before the confirmation
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.exited_on == dt.date(2026, 10, 8) and not entry.is_deleted
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "已退出" in detail and "丈夫返乡" in detail
    assert client.get(url).status_code == 404  # ended once


def test_the_exit_form_refuses_a_date_before_the_entry_on_its_field(world, login):
    entry = entered(woman_of(world.village_a, "早退"), dt.date(2026, 3, 18))
    url = reverse("registry:leftbehindwoman_exit", args=[entry.pk])
    data = {"exited_on": "2026-01-05", "exit_reason": "age_over", "version": 1, "confirmed": "1"}
    page = login(world.dir_a).post(url, data).content.decode()
    assert "退出日期不能早于认定日期（2026-03-18）。" in page
    entry.refresh_from_db()
    assert entry.exited_on is None


def test_another_villages_director_cannot_end_an_entry(world, login):
    entry = entered(woman_of(world.village_a, "他村"), dt.date(2026, 3, 18))
    url = reverse("registry:leftbehindwoman_exit", args=[entry.pk])
    client = login(world.dir_b)
    assert client.get(url).status_code == 404
    data = {"exited_on": "2026-10-08", "exit_reason": "age_over", "version": 1, "confirmed": "1"}
    assert client.post(url, data).status_code == 404
    entry.refresh_from_db()
    assert entry.exited_on is None


# -- the list's day, and its ledger -------------------------------------------------------------------


@pytest.fixture
def three_women(world):
    """All year; ended on 1 May; entered on 1 October (all of village A, year 2026)."""
    all_year = entered(woman_of(world.village_a, "全年"), dt.date(2026, 1, 5))
    ended = entered(woman_of(world.village_a, "五月退出"), dt.date(2026, 1, 5))
    services.register_entry_exit(
        user=world.dir_a, entry=ended, exited_on=dt.date(2026, 5, 1), reason="moved_away"
    )
    autumn = entered(woman_of(world.village_a, "十月认定"), dt.date(2026, 10, 1))
    return all_year, ended, autumn


def listed(client, **query) -> set[str]:
    response = client.get(reverse("registry:leftbehindwoman_list"), {"year": Y, **query})
    return {entry.person.name for entry in response.context["object_list"]}


def test_the_list_shows_the_entries_active_on_its_day_and_everyone_of_the_year_one_click_away(
    world, login, three_women
):
    client = login(world.dir_a)
    assert listed(client) == {"全年", "十月认定"}  # today (or 31 December, once 2026 is past)
    assert listed(client, on="2026-03-18") == {"全年", "五月退出"}  # the county's March report
    assert listed(client, on="2026-05-01") == {"全年"}
    assert listed(client, active="year") == {"全年", "五月退出", "十月认定"}
    page = client.get(
        reverse("registry:leftbehindwoman_list"), {"year": Y, "on": "2026-03-18"}
    ).content.decode()
    assert "2026年3月18日在册" in page and "统计截止日 3月18日" in page and "全年曾在册" in page
    assert listed(login(world.dir_b), active="year") == set()


def test_the_ledger_follows_the_lists_day_and_prints_it(world, three_women, tmp_path):
    path = tmp_path / "women.xlsx"
    filters = ExportFilters(year=Y, extra={"on": "2026-03-18"})
    export_build(
        ledger=get_ledger("left_behind_women"), user=world.dir_a, fmt="xlsx", filters=filters, path=path
    )
    ws = workbook(path).active
    table = get_ledger("left_behind_women").layout
    names = {row[2] for row in data_rows(ws, table)}
    assert names == {"全年", "五月退出"}
    text = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert (
        "本表为2026年3月18日在册的人员" in text and "年龄按 2026年3月18日（2026年度统计截止日）计算" in text
    )
    everyone = tmp_path / "year.xlsx"
    filters = ExportFilters(year=Y, extra={"active": "year"})
    export_build(
        ledger=get_ledger("left_behind_women"), user=world.dir_a, fmt="xlsx", filters=filters, path=everyone
    )
    assert len(data_rows(workbook(everyone).active, table)) == 3


# -- the columns of the export and the import ----------------------------------------------------------


def test_entry_and_exit_are_columns_that_export_and_import_back(world, three_women, tmp_path):
    _all_year, ended, _autumn = three_women
    path = tmp_path / "women.xlsx"
    filters = ExportFilters(year=Y, extra={"active": "year"})
    export_build(
        ledger=get_ledger("left_behind_women"), user=world.dir_a, fmt="xlsx", filters=filters, path=path
    )
    wb = workbook(path)
    ws = wb.active
    table = get_ledger("left_behind_women").layout
    header_rows = list(ws.iter_rows(min_row=3, max_row=2 + table.header_rows))
    headers: dict[str, int] = {}
    for cell in (cell for row in header_rows for cell in row if cell.value):
        headers.setdefault(cell.value, cell.column)  # her 姓名, not her husband's
    assert {"认定日期", "退出日期", "退出原因", "退出说明"} <= set(headers)
    importer = get_importer("left_behind_women")
    result = importer(world.village_a, year=Y, user=world.dir_a).import_file(path)
    assert result.errors == [] and (result.created, result.updated, result.unchanged) == (0, 0, 3)
    # A changed exit date is read back, on the same entry.
    name_column = headers["姓名"]
    for row in ws.iter_rows(min_row=3 + table.header_rows):
        if row[name_column - 1].value == "五月退出":
            row[headers["退出日期"] - 1].value = dt.date(2026, 6, 1)
    wb.save(path)
    result = importer(world.village_a, year=Y, user=world.dir_a).import_file(path)
    assert result.errors == [] and result.updated == 1
    ended.refresh_from_db()
    assert ended.exited_on == dt.date(2026, 6, 1) and ended.exit_reason == "moved_away"


# -- visits owed ---------------------------------------------------------------------------------------


def test_visits_are_owed_for_a_woman_active_only_part_of_the_year(world, three_women):
    _all_year, ended, autumn = three_women
    owed = {e.person.name for e in women_owed_visits(user=world.dir_a, year=Y)}
    assert owed == {"全年", "五月退出", "十月认定"}
    assert visit_progress(user=world.dir_a, year=Y).count() == 3
    row = next(r for r in visits_by_village(user=world.dir_a, year=Y) if r.village == world.village_a)
    assert row.women == 3


# -- next year from last year --------------------------------------------------------------------------


@pytest.fixture
def last_year(world):
    """2025 entries of village A: one who still fits, one whose husband came home, one ended in 2025,
    a child turning 16 in 2025; and one of village B."""
    stays = entered(woman_of(world.village_a, "留下"), dt.date(2025, 3, 18), year=2025, needs="种植技术")
    home = woman_of(world.village_a, "丈夫回家")
    entered(home, dt.date(2025, 3, 18), year=2025)
    models.Person.objects.filter(household=home.household, sex="M").update(work_place="home", away_since=None)
    ended = entered(woman_of(world.village_a, "已退出"), dt.date(2025, 3, 18), year=2025)
    services.register_entry_exit(
        user=world.dir_a, entry=ended, exited_on=dt.date(2025, 8, 1), reason="moved_away"
    )
    child = a_child(world.village_a, "满十六")
    models.Person.objects.filter(pk=child.pk).update(birth_date=dt.date(2009, 12, 30))  # 16 on 2025-12-30
    child.refresh_from_db()
    models.LeftBehindChild(
        person=child, year=2025, entered_on=dt.date(2025, 3, 18), parents_away="father",
        guardian_name="奶奶", guardian_relation="grandparent",
    ).save()  # fmt: skip
    entered(woman_of(world.village_b, "乙村"), dt.date(2025, 3, 18), year=2025)
    return stays


def test_a_carried_year_creates_exactly_the_entries_that_pass_and_names_the_others(world, last_year):
    result = services.register_carry_over(user=world.dir_a, year=Y, villages=[world.village_a])
    assert [(title, e.person.name) for title, e in result.created] == [("农村留守妇女", "留下")]
    refused = {r.entry.person.name: r.reasons for r in result.refused}
    assert refused == {
        "满十六": ["留守儿童须不满 16 周岁，在 2026-01-01 时已 16 周岁。"],
        "丈夫回家": ["丈夫不在县外务工（留守妇女的丈夫须在县外务工）。"],
    }
    new = LeftBehindWoman.objects.get(year=Y)
    assert (new.entered_on, new.needs, new.village_id) == (
        dt.date(2026, 1, 1),
        "种植技术",
        world.village_a.pk,
    )
    again = services.register_carry_over(user=world.dir_a, year=Y, villages=[world.village_a])
    assert again.created == [] and again.already == 1
    assert LeftBehindWoman.objects.filter(year=Y).count() == 1


def test_the_carry_over_page_confirms_first_then_lists_the_failures(world, login, last_year):
    client = login(world.dir_a)
    url = reverse("registry:carry_over")
    assert client.get(url).status_code == 200
    confirm = client.post(url, {"year": Y, "on": ""}).content.decode()
    assert "确认结转" in confirm and "丈夫回家" in confirm and "满十六" in confirm
    assert not LeftBehindWoman.objects.filter(year=Y).exists()  # the confirmation writes nothing
    done = client.post(url, {"year": Y, "on": "", "confirmed": "1"}).content.decode()
    assert "已结转到 2026 年度" in done and "丈夫不在县外务工" in done
    assert list(LeftBehindWoman.objects.filter(year=Y).values_list("person__name", flat=True)) == ["留下"]


def test_the_township_carries_all_its_villages_and_a_later_date_is_judged_on_that_date(world, last_year):
    result = services.register_carry_over(
        user=world.staff,
        year=Y,
        villages=[world.village_a, world.village_b],
        on=dt.date(2026, 2, 1),
    )
    assert sorted(e.person.name for _t, e in result.created) == ["乙村", "留下"]
    assert {e.entered_on for _t, e in result.created} == {dt.date(2026, 2, 1)}


def test_a_director_cannot_carry_another_village(world, last_year):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.register_carry_over(user=world.dir_a, year=Y, villages=[world.village_b])
    assert not LeftBehindWoman.objects.filter(year=Y).exists()


def test_a_poor_woman_is_judged_on_her_entry_date(world):
    household = new_household(world.village_a, per_capita_income=Decimal("1500"))
    girl = member(household, "head", "十八", dt.date(2008, 6, 1))  # 18 on 2026-06-01
    entry = models.PoorWoman(person=girl, year=Y, reason="illness", entered_on=dt.date(2026, 5, 31))
    assert "18" in messages_of(entry)["person"][0]
    entry.entered_on = dt.date(2026, 6, 1)
    entry.full_clean()


def test_the_carry_over_form_refuses_a_date_outside_the_year_and_the_county_cannot_carry(world, login):
    url = reverse("registry:carry_over")
    page = login(world.staff).post(url, {"year": Y, "on": "2025-12-31"}).content.decode()
    assert "认定日期须在 2026 年内。" in page and "确认结转" not in page
    assert login(world.county_viewer).get(url).status_code == 404
