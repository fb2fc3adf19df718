"""Imports never drop a typed value: every column is read, checked against what the system works out,
or listed in the preview as not read.

The files are typed as villages type them (tests/helpers/imports.py: a title, one header row, 序号
first); the registered family is village A's woman (born 6 May 1988) and a husband made here.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from federation.core.actors import SystemActor
from federation.ledgers.imports.framework import get_importer
from federation.ledgers.imports.templates import explanation_rows
from federation.ledgers.models import ImportRecord
from registry.models import LeftBehindWoman, Person
from tests.helpers.factories import man_away
from tests.helpers.imports import workbook_file, xlsx

#: A left-behind women's register typed by hand, with the columns the system works out.
LBW_HEADER = ("村组", "姓名", "年龄", "身份证号", "丈夫姓名", "丈夫务工地点", "外出时间", "外出时长（月）")
#: The women's ledger as the export writes it, its group header flattened as villages type it.
WOMEN_HEADER = (
    "村组",
    "姓名",
    "年龄",
    "婚否",
    "身份证号",
    "丈夫姓名",
    "丈夫身份证号",
    "丈夫务工地点",
    "子女",
)


@pytest.fixture
def family(world):
    """Return ``world`` whose woman A (head, born 1988-05-06) has a husband away since March 2012."""
    world.husband = man_away(world.household_a, "spouse", "丈夫甲", dt.date(1986, 1, 1), dt.date(2012, 3, 1))
    return world


def run(ledger, village, path, *, year=2014):
    return get_importer(ledger)(village, user=SystemActor(village), year=year).import_file(path)


def lbw_row(w, *, age="", since="2012年3月", months=""):
    return ("一组", w.woman_a.name, age, w.woman_a.id_number, "丈夫甲", "省外 广东东莞", since, months)


def one_digit_off(number: str) -> str:
    """Return ``number`` with its seventh digit changed (so its check character no longer fits)."""
    return number[:6] + str((int(number[6]) + 1) % 10) + number[7:]


def test_a_months_column_that_disagrees_with_the_date_beside_it_is_refused_with_both(family, tmp_path):
    w = family
    result = run(
        "left_behind_women", w.village_a, workbook_file(tmp_path, LBW_HEADER, [lbw_row(w, months=2)])
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "外出时长（月）")]
    reason = result.errors[0].reason
    assert "填的是 2" in reason and "外出时间 2012年3月" in reason and "应为 24 个月" in reason
    assert "2014年3月18日" in reason  # the date it is counted to
    assert not result.written and not LeftBehindWoman.objects.exists()
    # Counted in the register's year, any month of it agrees; and a file that agrees imports as before.
    for months in (24, "29个月"):
        LeftBehindWoman.objects.all().delete()
        result = run(
            "left_behind_women", w.village_a, workbook_file(tmp_path, LBW_HEADER, [lbw_row(w, months=months)])
        )
        assert (result.errors, result.created, result.written) == ([], 1, True)
    assert LeftBehindWoman.objects.get().person == w.woman_a


def test_the_months_are_checked_against_the_date_typed_beside_them_not_the_registered_one(family, tmp_path):
    """The row's 外出时间 is what will be stored: the months are counted from it."""
    w = family
    row = lbw_row(w, since="2013年9月", months=24)
    result = run("left_behind_women", w.village_a, workbook_file(tmp_path, LBW_HEADER, [row]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "外出时长（月）")]
    assert "外出时间 2013年9月" in result.errors[0].reason and "应为 6 个月" in result.errors[0].reason
    w.husband.refresh_from_db()
    assert w.husband.away_since == dt.date(2012, 3, 1)  # nothing written, not even the husband's date


def test_an_age_that_disagrees_with_the_id_number_is_refused_and_one_that_agrees_imports(family, tmp_path):
    w = family
    result = run(
        "left_behind_women", w.village_a, workbook_file(tmp_path, LBW_HEADER, [lbw_row(w, age="30岁")])
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "年龄")]
    reason = result.errors[0].reason
    assert "填的是 30" in reason and "1988年5月6日出生" in reason and "应为 25 岁" in reason
    assert not LeftBehindWoman.objects.exists()
    # 25 on the reference date, 26 from her birthday in May: both are her age in 2014.
    result = run("left_behind_women", w.village_a, workbook_file(tmp_path, LBW_HEADER, [lbw_row(w, age=26)]))
    assert (result.errors, result.created) == ([], 1)


def test_the_womens_ledger_refuses_a_husbands_id_number_one_digit_off_with_both_numbers(family, tmp_path):
    w = family
    registered = w.husband.id_number
    typed = one_digit_off(registered)
    row = ("一组", w.woman_a.name, "", "离异", w.woman_a.id_number, "丈夫甲", typed, "省外 广东东莞", "")
    result = run("women", w.village_a, workbook_file(tmp_path, WOMEN_HEADER, [row]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "丈夫身份证号")]
    assert typed in result.errors[0].reason and registered in result.errors[0].reason
    assert "丈夫甲" in result.errors[0].reason
    assert not result.written
    w.woman_a.refresh_from_db()
    assert w.woman_a.marital_status != "divorced"  # the row's other cells are not written either
    assert Person.objects.get(pk=w.husband.pk).id_number == registered
    # The registered number matches: the row imports (her 婚否 is read).
    row = (*row[:6], registered, *row[7:])
    result = run("women", w.village_a, workbook_file(tmp_path, WOMEN_HEADER, [row]))
    assert (result.errors, result.updated) == ([], 1)
    w.woman_a.refresh_from_db()
    assert w.woman_a.marital_status == "divorced"


def test_the_womens_ledger_corrects_a_husband_it_names_and_refuses_another_name(family, tmp_path):
    w = family
    number = w.husband.id_number
    Person.objects.filter(pk=w.husband.pk).update(id_number=None, id_last4="")
    row = ("一组", w.woman_a.name, "", "", w.woman_a.id_number, "丈夫乙", number, "县内 城关镇", "")
    result = run("women", w.village_a, workbook_file(tmp_path, WOMEN_HEADER, [row]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "丈夫姓名"), (3, "丈夫身份证号")]
    assert "填的是“丈夫乙”，她户中登记的丈夫是“丈夫甲”" in result.errors[0].reason
    assert Person.objects.get(pk=w.husband.pk).id_number is None
    # Named as registered: his missing number is filled in and his work place corrected, with history.
    row = (*row[:5], "丈夫甲", *row[6:])
    result = run("women", w.village_a, workbook_file(tmp_path, WOMEN_HEADER, [row]))
    assert (result.errors, result.updated) == ([], 1)
    husband = Person.objects.get(pk=w.husband.pk)
    assert (husband.id_number, husband.work_place, husband.work_place_detail) == (
        number,
        "in_county",
        "城关镇",
    )
    assert husband.history.first().history_type == "~"


def test_the_womens_ledger_refuses_a_husband_where_her_household_has_none(world, tmp_path):
    w = world
    row = ("一组", w.woman_a.name, "", "", w.woman_a.id_number, "", "", "省外 广东东莞", "")
    result = run("women", w.village_a, workbook_file(tmp_path, WOMEN_HEADER, [row]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "丈夫务工地点")]
    assert "她户中没有登记丈夫" in result.errors[0].reason


def checked_page(client, village, file) -> str:
    """Upload ``file`` as 2014's left-behind women's register; return the text of its check's page."""
    data = {"ledger": "left_behind_women", "village": village.pk, "year": "2014", "file": file}
    response = client.post(reverse("imports:start"), data, follow=True)
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.mark.usefixtures("sync_tasks")
def test_the_preview_lists_the_columns_it_does_not_read_and_those_it_checks(family, login):
    w = family
    client = login(w.dir_a)
    header = (*LBW_HEADER, "子女数", "微信号")
    rows = [lbw_row(w, age=25, months=24) + (2, "wx123")]
    file = xlsx(rows, header=("序号", *header), name="留守妇女.xlsx")
    page = checked_page(client, w.village_a, file)
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.CHECKED
    assert record.preview["unread"] == {
        "not_read": ["子女数", "微信号"],
        "checked": ["年龄", "外出时长（月）"],
    }
    not_read = page[page.index('id="import-not-read"') :].split("</ul>")[0]
    assert "微信号" in not_read and "子女数" in not_read and "序号" not in not_read
    assert page.index('id="import-unread"') < page.index('id="import-confirm"')
    # A refused file lists them too, beside its errors.
    rows = [lbw_row(w, age=40, months=24) + (2, "wx123")]
    file = xlsx(rows, header=("序号", *header), name="留守妇女.xlsx")
    page = checked_page(client, w.village_a, file)
    assert "填的是 40" in page and 'id="import-not-read"' in page


def test_the_explanation_sheet_says_which_derived_columns_are_checked():
    rows = {shown: (status, text) for shown, status, text in explanation_rows(get_importer("women"), None)}
    assert rows["年龄"][0] == "核对" and "核对" in rows["年龄"][1]
    assert rows["子女（姓名、性别、年龄）"][0] == "不读取"
    assert rows["丈夫身份证号"][0] == "选填"


def test_the_womens_ledger_refuses_an_age_that_disagrees_with_her_id_number(world, tmp_path):
    w = world
    row = ("一组", w.woman_a.name, 40, "离异", w.woman_a.id_number, "", "", "", "")
    result = run("women", w.village_a, workbook_file(tmp_path, WOMEN_HEADER, [row]), year=2026)
    assert [(e.row, e.column) for e in result.errors] == [(3, "年龄")]
    assert "填的是 40" in result.errors[0].reason and "1988年5月6日出生" in result.errors[0].reason
    w.woman_a.refresh_from_db()
    assert w.woman_a.marital_status != "divorced"
