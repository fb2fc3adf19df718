"""Excel ledgers re-read with openpyxl: title, header, one row a record, ID numbers, formulas, totals."""

from __future__ import annotations

import subprocess
import zipfile

import pytest
from django.utils import timezone
from openpyxl.utils import get_column_letter

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.services import export_build, ledger_notes, ledger_title
from federation.ledgers.exports.xlsx import XlsxBuilder
from tests.helpers.ledgers import (
    INJECTIONS,
    data_rows,
    registry_ledgers,
    totals_row,
    workbook,
)

TABLES = registry_ledgers(fmt="xlsx")


def build(tmp_path, name, user, fmt="xlsx", **query):
    path = tmp_path / f"{name}.{fmt}"
    result = export_build(
        ledger=get_ledger(name), user=user, fmt=fmt, filters=ExportFilters.from_query(query), path=path
    )
    return path, result


@pytest.mark.parametrize("name", TABLES)
def test_every_table_has_the_county_layout(ledger_world, tmp_path, name):
    w = ledger_world
    ledger = get_ledger(name)
    path, result = build(tmp_path, name, w.staff)
    wb = workbook(path)
    ws = wb.active
    last = get_column_letter(len(ledger.layout.leaves) + 1)
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Title merged across the table, then the unit / reporter / date line.
    assert f"A1:{last}1" in merged
    assert ws["A1"].value.startswith("幸福乡") and str(ledger.title) in ws["A1"].value
    line = " ".join(str(c.value) for c in ws[2] if c.value)
    assert "填报单位：幸福乡" in line and "填报人：王芳" in line and "填报日期：" in line
    # Header: 序号 first, every column's Chinese header, groups on two rows.
    header_rows = ledger.layout.header_rows
    header = [c.value for row in ws.iter_rows(min_row=3, max_row=2 + header_rows) for c in row if c.value]
    assert header[0] == "序号"
    for column in ledger.layout.leaves:
        assert str(column.header) in header
    assert ws.freeze_panes == f"A{3 + header_rows}"
    assert ws.print_title_rows == f"$3:${2 + header_rows}"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.orientation == ("landscape" if ledger.layout.is_landscape else "portrait")
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    # One row a record, numbered; both villages of the township, never the other township's.
    rows = data_rows(ws, ledger.layout)
    assert len(rows) == result.rows == ledger.records(w.staff, ExportFilters()).count() > 0
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    text = repr(rows)
    assert ("红旗村" in text and "胜利村" in text) and "光明村" not in text
    assert totals_row(ws)[0] == f"合计：{len(rows)} {ledger.layout.count_unit}"
    # The 注 block and the signature labels close the sheet.
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # (ages counted at the ledger's day: a register of persons is as of its list's day, today)
    ctx = ExportContext.build(user=w.staff, filters=ExportFilters(), as_of=ledger.as_of_date(ExportFilters()))
    for note in ledger_notes(ledger, ctx):
        assert any(note in v for v in values)
    assert any(v.startswith("复核人") for v in values) or any("审核人" in v for v in values)


def test_women_ledger_rows_id_numbers_and_family(ledger_world, tmp_path):
    w = ledger_world
    path, _ = build(tmp_path, "women", w.dir_a)
    ws = workbook(path).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A4", "G3:I3", "J3:J4"} <= merged  # 丈夫 spans its three columns
    assert [ws.cell(4, c).value for c in (7, 8, 9)] == ["姓名", "身份证号", "务工地点"]
    rows = {r[2]: r for r in data_rows(ws, get_ledger("women").layout)}
    assert set(rows) == {"妇女A", *("'" + v for v in INJECTIONS)}  # village A only, adults only
    row = rows["妇女A"]
    assert row[1] == "一组"
    assert row[4] == "已婚"
    assert row[5] == w.x_number and len(row[5]) == 18 and row[5].endswith("X")
    assert row[6] == "丈夫A" and row[7] == w.husband_a.id_number and row[8] == "省外 广东东莞"
    assert "女儿A（女，" in row[9] and "儿子A（男，" in row[9]
    assert row[3] == w.woman_a.age_on(ExportContext.build(user=w.dir_a, filters=ExportFilters()).ages_on)
    id_cells = [ws.cell(r, 6) for r in range(5, 5 + len(rows))]
    assert all(c.data_type == "s" and c.number_format == "@" for c in id_cells)
    assert all(isinstance(c.value, str) and len(c.value) == 18 for c in id_cells if c.value)


def test_the_county_viewer_gets_masked_id_numbers(ledger_world, tmp_path):
    w = ledger_world
    path, _ = build(tmp_path, "women", w.county_viewer)
    ws = workbook(path).active
    rows = {r[2]: r for r in data_rows(ws, get_ledger("women").layout)}
    assert {"妇女A", "妇女B", "妇女C"} <= set(rows)
    masked = rows["妇女A"][5]
    assert masked == w.x_number[:3] + "*" * 11 + w.x_number[-4:]
    assert rows["妇女A"][7] == w.husband_a.id_number[:3] + "*" * 11 + w.husband_a.id_number[-4:]
    assert rows["妇女A"][1] == "红旗村一组"  # a county export names the village in 村组
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert w.x_number not in sheet and w.husband_a.id_number not in sheet


def test_injected_formulas_are_inert(ledger_world, tmp_path):
    w = ledger_world
    wb_path, _ = build(tmp_path, "women", w.dir_a)
    ws = workbook(wb_path).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    names = {c.value for c in cells if c.column == 3}
    for value in INJECTIONS:
        assert "'" + value in names
    with zipfile.ZipFile(wb_path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    directors, _ = build(tmp_path, "village_directors", w.dir_a)
    row = data_rows(workbook(directors).active, get_ledger("village_directors").layout)[0]
    assert row[12] == "'+86 13700000000"  # a phone number starting with + is text, shown with '
    women, _ = build(tmp_path, "left_behind_women", w.dir_a)
    row = data_rows(workbook(women).active, get_ledger("left_behind_women").layout)[0]
    assert row[10] == "'-5 元的困难" and row[15] == "'@所有人"  # after 认定日期 … 退出说明


def test_libreoffice_does_not_evaluate_them_either(ledger_world, tmp_path):
    path, _ = build(tmp_path, "women", ledger_world.dir_a)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    csv = (tmp_path / "women.csv").read_text(encoding="utf-8", errors="replace")
    assert "'=1+2" in csv and "'@SUM(1,2)" in csv
    assert ",3," not in csv  # =1+2 was not computed


def test_totals_count_yes_and_sum_amounts(ledger_world, tmp_path):
    w = ledger_world
    for woman in (w.woman_a, w.woman_b):  # next year's income is not this year's ledger's
        woman.household.incomes.create(year=timezone.localdate().year + 1, per_capita_income=9999)
    path, _ = build(tmp_path, "poor_women", w.staff)
    ws = workbook(path).active
    layout = get_ledger("poor_women").layout
    rows = data_rows(ws, layout)
    totals = totals_row(ws)
    keys = ["number"] + [c.key for c in layout.leaves]
    assert totals[0] == "合计：2 人"
    assert totals[keys.index("in_dibao")] == 2
    assert totals[keys.index("relief_amount")] == 400
    assert ws.cell(5, keys.index("relief_amount") + 1).number_format == "#,##0.00"
    assert rows[0][keys.index("income")] == 1800.5
    assert rows[0][keys.index("in_dibao")] == "是"


def test_the_fast_row_writer_gives_the_same_sheet_as_plain_openpyxl(ledger_world, tmp_path):
    w = ledger_world
    ledger = get_ledger("women")
    sheets = []
    for fast in (True, False):
        ctx = ExportContext.build(user=w.staff, filters=ExportFilters())
        builder = XlsxBuilder(ledger.layout, ctx, title=ledger_title(ledger, ctx), fast=fast)
        path = tmp_path / f"{fast}.xlsx"
        builder.write(ledger.iter_rows(ledger.records(w.staff, ExportFilters()), ctx), path, notes=["注"])
        ws = workbook(path).active
        sheets.append(
            [
                (
                    c.coordinate,
                    c.value,
                    c.data_type,
                    c.number_format,
                    c.border.left.style,
                    c.alignment.horizontal,
                )
                for row in ws.iter_rows()
                for c in row
            ]
            + [sorted(str(r) for r in ws.merged_cells.ranges)]
        )
    assert sheets[0] == sheets[1]


def test_an_empty_export_still_has_its_frame(ledger_world, tmp_path):
    path, result = build(tmp_path, "women", ledger_world.dir_a, q="没有这个人")
    ws = workbook(path).active
    assert result.rows == 0
    assert totals_row(ws)[0] == "合计：0 人"


def test_year_and_group_filters_narrow_the_rows(ledger_world, tmp_path):
    w = ledger_world
    path, result = build(tmp_path, "left_behind_children", w.staff, year="2001")
    assert result.rows == 0
    path, result = build(tmp_path, "women", w.staff, group=str(w.group_b.pk))
    names = {r[2] for r in data_rows(workbook(path).active, get_ledger("women").layout)}
    assert names == {"妇女B"}
