"""The fast row reader (sheetxml) gives what openpyxl read-only gives, cell for cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports import reader, sheetxml
from federation.ledgers.imports.reader import open_workbook, read_table
from tests.helpers.samples import SAMPLE


def trimmed(values):
    values = list(values)
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def openpyxl_rows(data: bytes, sheet: str | None = None):
    """Return the rows openpyxl read-only gives: (values, formula indexes), trailing Nones trimmed."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    ws.reset_dimensions()
    rows = []
    for cells in ws.iter_rows(min_row=1):
        values = trimmed(getattr(c, "value", None) for c in cells)
        formulas = frozenset(i for i, c in enumerate(cells) if getattr(c, "data_type", None) == "f")
        rows.append((values, formulas))
    wb.close()
    return rows


def fast_rows(data: bytes, sheet: str | None = None):
    return [(trimmed(values), formulas) for values, formulas in sheetxml.sheet_rows(data, sheet)]


def assert_same(data: bytes, sheet: str | None = None):
    expected = openpyxl_rows(data, sheet)
    assert fast_rows(data, sheet) == expected
    return expected


def saved(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def naive(*args) -> dt.datetime:
    """Return a datetime without a time zone, as Excel keeps them."""
    return dt.datetime(*args)  # noqa: DTZ001


def every_kind_of_cell():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["红旗村居民花名册"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "姓名", "出生日期", "登记时间", "时刻", "金额", "在册", "备注"])
    ws.append([1, "张三", dt.date(1985, 3, 18), naive(2014, 5, 6, 7, 8, 9), dt.time(13, 30), 12.5, True])
    ws.append([2, "李四", dt.date(1899, 12, 31), naive(1900, 3, 1), dt.timedelta(hours=30), 3, False])
    ws.append([])  # an empty row
    ws["A9"] = 3  # a gap of rows 6 to 8
    ws["C9"] = "=SUM(A3:A4)"
    ws["D9"] = '=B3&"村"'
    ws["E9"] = 1e20
    ws["F9"] = -0.000123
    ws["H9"] = "#N/A"  # an error value
    ws["B10"] = 45000
    ws["B10"].number_format = "yyyy年m月d日"
    ws["C10"] = 45000.75
    ws["C10"].number_format = "0.00"
    ws["D10"] = 0.5
    ws["D10"].number_format = "[h]:mm:ss"
    ws["E10"] = "  空格 \n换行  "
    ws["J12"] = "远处"
    ws["A13"] = CellRichText(["红", TextBlock(InlineFont(b=True), "旗"), "村"])
    other = wb.create_sheet("第二页")
    other.append(["序号", "姓名"])
    other.append([1, "王五"])
    return wb


def test_every_kind_of_cell_is_read_as_openpyxl_reads_it():
    data = saved(every_kind_of_cell())
    rows = assert_same(data)
    assert rows[1][0][:2] == ("序号", "姓名")
    assert rows[4] == ((), frozenset()) and rows[5] == ((), frozenset())  # rows 5 to 8 are there, empty
    assert rows[8] == ((3, None, "=SUM(A3:A4)", '=B3&"村"', 1e20, -0.000123, None, "#N/A"), frozenset({2, 3}))
    assert isinstance(rows[2][0][2], dt.datetime) and rows[2][0][6] is True
    assert rows[12][0] == ("红旗村",)
    assert assert_same(data, "第二页") == [(("序号", "姓名"), frozenset()), ((1, "王五"), frozenset())]


def test_a_1904_workbook_keeps_its_dates():
    wb = every_kind_of_cell()
    wb.epoch = CALENDAR_MAC_1904
    data = saved(wb)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"date1904" in archive.read("xl/workbook.xml")
    rows = assert_same(data)
    assert rows[2][0][2] == naive(1985, 3, 18)


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c t="inlineStr"><is><t>姓名</t></is></c>
<c t="inlineStr"><is><r><t>出生</t></r><r><t>日期</t></r></is></c>
<c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>
<row><c><v>1</v></c><c r="C2" t="str"><f>A2&amp;"x"</f><v>1x</v></c><c t="str"><v>文本结果</v></c></row>
<row r="4"><c r="A4"><f t="shared" ref="A4:A6" si="0">B4*2</f><v>0</v></c><c r="B4" t="e"><v>#DIV/0!</v></c>
<c r="C4" t="b"><v>1</v></c><c r="D4"><v>2.5E3</v></c><c r="E4"><v></v></c><c r="F4" t="inlineStr"/></row>
<row r="5"><c r="A5"><f t="shared" si="0"/><v>0</v></c></row>
<row r="3"><c r="A3"><v>99</v></c></row>
<row r="6" spans="1:2"><c r="b6"><v>7</v></c><c r="A6"><f t="shared" si="0"/><v>0</v></c></row>
</sheetData></worksheet>"""


STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><r><t>共</t></r><r><rPr><b/></rPr><t xml:space="preserve">x005F_享 </t></r>
<rPh sb="0" eb="1"><t>きょう</t></rPh></si>
<si><t/></si></sst>"""
STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
STRINGS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def test_a_hand_written_sheet_with_inline_strings_shared_formulas_and_odd_rows():
    with zipfile.ZipFile(io.BytesIO(saved(openpyxl.Workbook()))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = SHEET.encode()
    parts["xl/strings.xml"] = STRINGS.encode()  # openpyxl writes no shared strings: add them
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId9" Type="{STRINGS_TYPE}" Target="strings.xml"/>'.encode()
        + b"</Relationships>",
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/xl/strings.xml" ContentType="{STRINGS_CONTENT}"/>'.encode() + b"</Types>",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    rows = assert_same(buffer.getvalue())
    assert rows[0] == (("姓名", "出生日期", "共享 ", ""), frozenset())
    assert rows[1] == ((1, None, '=A2&"x"', "文本结果"), frozenset({2}))
    assert rows[2] == ((), frozenset())  # row 3 comes after row 5 in the file: openpyxl skips it
    assert rows[3] == (("=B4*2", "#DIV/0!", True, 2500.0), frozenset({0}))
    assert rows[4] == (("=B5*2",), frozenset({0}))
    assert rows[5] == (("=B6*2",), frozenset({0}))  # openpyxl: a row ends at its last cell, B6 is lost


def test_our_own_export_reads_the_same(world, tmp_path):
    path = tmp_path / "persons.xlsx"
    export_build(
        ledger=get_ledger("persons"), user=world.dir_a, fmt="xlsx", filters=ExportFilters(), path=path
    )
    rows = assert_same(path.read_bytes())
    assert any(any(isinstance(v, dt.datetime) for v in values) for values, _ in rows)


def test_the_village_sample_reads_the_same():
    data = SAMPLE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    names = wb.sheetnames
    wb.close()
    assert_same(data)
    for name in names:
        assert_same(data, name)


def test_read_table_uses_the_fast_rows_and_finds_the_same_table(tmp_path, monkeypatch):
    path = tmp_path / "cells.xlsx"
    path.write_bytes(saved(every_kind_of_cell()))
    fields = [("name", ["姓名"]), ("birth", ["出生日期"]), ("note", ["备注"])]
    slow_workbook = open_workbook(path)
    del slow_workbook.checked_data
    slow = read_table(slow_workbook, fields)

    def no_openpyxl_rows(*args):
        raise AssertionError("openpyxl's rows were read")

    monkeypatch.setattr(reader, "_rows_with_formulas", no_openpyxl_rows)
    workbook = open_workbook(path)
    fast = read_table(workbook, fields)
    assert fast == slow and len(fast.rows) == 6
    assert [r.number for r in fast.rows] == [3, 4, 9, 10, 12, 13]
    assert fast.rows[2].formulas == frozenset({"birth"})
    second = read_table(workbook, [("name", ["姓名"]), ("number", ["序号"])], sheet="第二页")
    assert [r.values for r in second.rows] == [{"name": "王五", "number": 1}]


def test_an_unknown_layout_falls_back_to_openpyxl(tmp_path):
    path = tmp_path / "cells.xlsx"
    path.write_bytes(saved(every_kind_of_cell()))
    workbook = open_workbook(path)
    workbook.checked_data = b"not a zip"
    table = read_table(workbook, [("name", ["姓名"]), ("birth", ["出生日期"])])
    assert [r.number for r in table.rows] == [3, 4, 9, 10, 12, 13]
