"""In Chromium at 375 px: a village director imports her roster from the template, errors first."""

from __future__ import annotations

import openpyxl
import pytest
from django.urls import reverse

from registry.models import Person
from tests.helpers.imports import new_id
from tests.helpers.web import page_width, sign_in

pytestmark = pytest.mark.browser


def fill(template, path, rows) -> None:
    """Write ``rows`` ({header: value}) under the header of the template's first sheet."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    columns = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)}
    for n, values in enumerate(rows, start=1):
        ws.cell(header_row + n, 1, n)
        for title, value in values.items():
            ws.cell(header_row + n, columns[title], value)
    wb.save(path)


def no_sideways_scroll(page) -> None:
    assert page_width(page) <= 375


def test_a_director_fixes_two_bad_rows_and_imports_her_roster_on_a_phone(phone, world, tmp_path):
    w = world
    good = {"村组": "一组", "户号": "0001", "与户主关系": "子女", "民族": "汉族", "文化程度": "初中"}
    first = {**good, "姓名": "王小燕", "身份证号": new_id(1990)}
    second_id = new_id(1992, 4)
    wrong_digit = second_id[:-1] + ("0" if second_id[-1] != "0" else "1")
    second = {**good, "姓名": "王小梅", "身份证号": wrong_digit}
    third = {**good, "姓名": "王小红", "身份证号": new_id(1994, 6), "文化程度": "博士后"}

    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    phone.go(reverse("imports:start") + "?ledger=persons")
    assert phone.locator("#id_ledger").input_value() == "persons"
    assert phone.locator("#import-village-name").inner_text() == "红旗村"
    no_sideways_scroll(phone)
    with phone.expect_download() as info:
        phone.click("#import-template")
    download = info.value
    assert download.suggested_filename == "红旗村居民花名册（户和人）导入模板.xlsx"
    template = tmp_path / "template.xlsx"
    download.save_as(template)

    filled = tmp_path / "花名册.xlsx"
    fill(template, filled, [first, second, third])
    phone.set_input_files("#id_file", str(filled))
    phone.click("#import-form button[type=submit]")
    phone.wait_for_selector("#import-message")
    assert "检查发现 2 处错误，什么也没有写入" in phone.inner_text("#import-message")
    errors = phone.locator("#import-errors tbody tr")
    assert errors.count() == 2
    row5, row6 = errors.nth(0).inner_text(), errors.nth(1).inner_text()
    assert "第 5 行" in row5 and "身份证号" in row5 and "校验" in row5
    assert "第 6 行" in row6 and "文化程度" in row6 and "博士后" in row6
    no_sideways_scroll(phone)
    assert not Person.objects.filter(name__startswith="王小").exists()

    fill(template, filled, [first, {**second, "身份证号": second_id}, {**third, "文化程度": "高中"}])
    phone.set_input_files("#import-reupload input[type=file]", str(filled))
    phone.click("#import-reupload button[type=submit]")
    phone.wait_for_selector("#import-confirm")
    assert "将新建 3 人、更新 0 人、无变化 0 人" in phone.inner_text("#import-message")
    no_sideways_scroll(phone)
    assert not Person.objects.filter(name__startswith="王小").exists()
    phone.click("#import-confirm")
    phone.wait_for_selector("#import-list-link")
    assert "已导入" in phone.inner_text("#import-message")
    assert Person.objects.filter(village=w.village_a, name__startswith="王小").count() == 3

    phone.click("#import-list-link")
    phone.wait_for_selector("table")
    listed = phone.inner_text("main")
    for name in ("王小燕", "王小梅", "王小红"):
        assert name in listed
