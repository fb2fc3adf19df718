"""Ledgers out and in for everything (issue 17 part 6): the households' register, the deadlines grid and
the women's homes in the county's layout, the women's homes back in, and every new ledger's PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from outreach.models import RegisterReport
from registry.models import WomensHome
from tests.helpers.ledgers import data_rows, edited_sheet, flat, pdf_fonts, pdf_text, totals_row, workbook
from tests.helpers.outreach import build_outreach_world

YEAR = timezone.localdate().year


def ledger_sheet(user, name, path, year=YEAR):
    """Export ``name`` to Excel as ``user``; return (its sheet, {header: column index}, its data rows)."""
    ledger = get_ledger(name)
    export_build(ledger=ledger, user=user, fmt="xlsx", filters=ExportFilters(year=year), path=path)
    ws = workbook(path).active
    headers = [c.value for c in ws[3]]
    return ws, {h: i for i, h in enumerate(headers) if h}, data_rows(ws, ledger.layout)


def test_the_households_ledger_has_one_row_a_household_with_its_members(ledger_world, tmp_path):
    w = ledger_world
    ws, col, rows = ledger_sheet(w.dir_a, "households", tmp_path / "households.xlsx")

    assert "户籍登记表" in ws["A1"].value
    assert list(col) == [
        "序号",
        "村组",
        "户号",
        "户主",
        "住址",
        "人口",
        "其中女性",
        "家庭人均纯收入（元）",
        "家庭成员（与户主关系）",
    ]
    by_number = {row[col["户号"]]: row for row in rows}
    assert set(by_number) == {"0001", "0002"}  # village A's two households, never B's
    first = by_number["0001"]
    assert first[col["村组"]] == "一组" and first[col["户主"]] == "妇女A"
    assert (first[col["人口"]], first[col["其中女性"]]) == (4, 2)
    assert Decimal(str(first[col["家庭人均纯收入（元）"]])) == Decimal("1800.50")
    assert first[col["家庭成员（与户主关系）"]].startswith("妇女A（户主）、丈夫A（配偶）")
    assert "女儿A（子女）" in first[col["家庭成员（与户主关系）"]]
    assert by_number["0002"][col["户主"]] == "'=1+2"  # a name a spreadsheet would run stays text
    assert totals_row(ws)[0] == "合计：2 户" and totals_row(ws)[col["人口"]] == 5


def test_the_deadlines_grid_has_one_row_a_village_and_register(world, tmp_path):
    w = world
    year = YEAR - 1  # every deadline of it has passed

    def report(register, month, day):
        at = dt.datetime(year, month, day, 2, tzinfo=dt.UTC)  # 10 o'clock in Shanghai
        RegisterReport.objects.create(
            village=w.village_a, year=year, register=register, reported_at=at, reported_by=w.dir_a
        )

    report("left_behind_children", 3, 18)
    report("women_ledger", 4, 2)

    _ws, col, rows = ledger_sheet(w.dir_a, "deadlines", tmp_path / "mine.xlsx", year=year)

    status = {row[col["台账"]]: row[col["完成情况"]] for row in rows}
    assert {row[col["村"]] for row in rows} == {"红旗村"}
    late = dict.fromkeys(("特殊困难儿童", "农村留守妇女", "农村贫困妇女", "巾帼志愿者"), "逾期未报")
    assert status == {"妇女基本信息台账": "逾期上报", "留守儿童": "按时上报", **late}
    on_time = next(row for row in rows if row[col["台账"]] == "留守儿童")
    assert on_time[col["上报日期"]].date() == dt.date(year, 3, 18)
    assert on_time[col["上报期限"]].date() == dt.date(year, 3, 18)
    _ws, col, rows = ledger_sheet(w.staff, "deadlines", tmp_path / "township.xlsx", year=year)
    assert [row[col["村"]] for row in rows] == ["红旗村"] * 6 + ["胜利村"] * 6


# -- the women's homes, out and back in --------------------------------------------------------------


def test_the_womens_home_comes_back_unchanged_and_into_an_empty_village_the_same(ledger_world, tmp_path):
    w = ledger_world
    WomensHome.objects.filter(village=w.village_a).update(
        signed_up_on=dt.date(2014, 5, 1), equipment_received_on=dt.date(2014, 6, 1), notes="=村委会二楼"
    )
    path = tmp_path / "homes.xlsx"
    _ws, _col, first = ledger_sheet(w.dir_a, "womens_homes", path)
    home = WomensHome.objects.get(village=w.village_a)
    importer = get_importer("womens_homes")

    result = importer(w.village_a, user=w.dir_a).import_file(path)

    assert result.ok and result.unchanged == 1, result.errors
    assert WomensHome.objects.get(pk=home.pk).version == home.version
    WomensHome.objects.filter(village=w.village_a).delete()
    assert importer(w.village_a, user=w.dir_a).import_file(path).created == 1
    again = WomensHome.objects.get(village=w.village_a)
    assert again.equipment == "桌椅 10 套\n书柜 1 个" and again.notes == "=村委会二楼"
    assert ledger_sheet(w.dir_a, "womens_homes", tmp_path / "again.xlsx")[2] == first


def test_a_womens_homes_file_with_bad_rows_names_every_one_and_writes_nothing(ledger_world, tmp_path):
    w = ledger_world
    path = tmp_path / "homes.xlsx"
    ledger_sheet(w.dir_a, "womens_homes", path)
    with edited_sheet(path) as (ws, header):
        ws.cell(4, header["是否挂牌"]).value = "否"  # but a 挂牌时间: WomensHome.clean
        ws.cell(4, header["挂牌时间"]).value = "2014-05-01"
        ws.insert_rows(5)
        ws.cell(5, 1).value = 2
        ws.cell(5, header["村"]).value = "胜利村"
        ws.cell(5, header["设备到位时间"]).value = "2014-02-30"
    before = list(WomensHome.objects.values_list("pk", "version", "signed_up_on"))

    result = get_importer("womens_homes")(w.village_a, user=w.dir_a).import_file(path)

    said = [str(e) for e in result.errors]
    assert not result.written and {e.row for e in result.errors} == {4, 5}, said
    assert any("第 4 行【是否挂牌】填了挂牌时间" in text for text in said), said
    assert any("第 5 行【设备到位时间】" in text for text in said), said
    assert list(WomensHome.objects.values_list("pk", "version", "signed_up_on")) == before


def test_a_director_imports_her_villages_womens_home_only(ledger_world, tmp_path):
    w = ledger_world
    path = tmp_path / "homes.xlsx"
    ledger_sheet(w.dir_a, "womens_homes", path)
    with pytest.raises(PermissionDenied):
        get_importer("womens_homes")(w.village_b, user=w.dir_a).import_file(path)


# -- every new ledger prints -------------------------------------------------------------------------


NEW_LEDGERS = {
    "households": ("户籍登记表", "妇女A（户主）"),
    "screening": ("两癌检查登记表", "癌前病变"),
    "volunteer_activities": ("巾帼志愿服务活动记录", "村A普法宣传"),
    "deadlines": ("台账上报情况表", "妇女基本信息台账"),
}


@pytest.mark.parametrize("name", list(NEW_LEDGERS))
def test_every_new_ledger_prints_in_chinese_with_the_font_embedded(ledger_world, tmp_path, name):
    w = build_outreach_world(ledger_world)
    path = tmp_path / f"{name}.pdf"
    result = export_build(
        ledger=get_ledger(name), user=w.dir_a, fmt="pdf", filters=ExportFilters(year=YEAR), path=path
    )

    assert result.kind == "pdf" and result.rows > 0
    text = flat(pdf_text(path))
    title, cell = NEW_LEDGERS[name]
    assert f"幸福乡红旗村{title}" in text and cell in text and "填报人：张红" in text and "合计：" in text
    assert "Noto" in pdf_fonts(path) or "CJK" in pdf_fonts(path)


def test_only_the_roles_that_see_health_data_export_a_womans_screening(world, login):
    url = reverse("exports:export", args=["screening", "xlsx"])
    assert login(world.county_viewer).get(url, {"year": YEAR}).status_code == 404  # numbers only for her
    response = login(world.dir_a).get(url, {"year": YEAR})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert get_ledger("screening_statistics").allowed(world.county_viewer)


@pytest.mark.parametrize(
    "view_name", ["registry:household_list", "outreach:report_list", "outreach:screening_list"]
)
def test_the_new_ledgers_are_exported_from_their_pages(world, login, view_name):
    body = login(world.staff).get(reverse(view_name), {"year": YEAR}).content.decode()
    assert 'data-export="xlsx"' in body and 'data-export="pdf"' in body
    assert f"year={YEAR}" in body
