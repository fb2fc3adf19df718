"""Ledgers in, phase 1: the safe, tolerant reader of Excel registers (federation/imports/).

Every unsafe file is refused with a Chinese message before openpyxl parses it; the sample register
a village typed by hand (merged title, 填报单位 line, two-row header, dates typed several ways, 合计
row, signature line) is read whole.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from federation.core.idnumber import make_id_number, parse_id_number
from federation.ledgers.imports import reader
from federation.ledgers.imports.cells import (
    clean_text,
    normalize_header,
    parse_bool,
    parse_date,
    parse_id,
    parse_int,
    parse_month,
    parse_text,
)
from federation.ledgers.imports.reader import (
    HeaderColumn,
    ImportRefused,
    open_workbook,
    propose_mapping,
    read_ledger,
)
from tests.helpers.samples import SAMPLE

EXAMPLE = "11010519491231002X"
TODAY = dt.date(2026, 11, 29)

#: The left-behind women's register as the export writes it, plus the sample's extra columns.
FIELDS = [
    ("place", ["村组", "村(组)", "组别"]),
    ("name", ["姓名"]),
    ("birth", ["出生年月", "出生日期"]),
    ("age", ["年龄"]),
    ("id_number", ["身份证号", "身份证号码"]),
    ("phone", ["联系电话"]),
    ("husband", ["丈夫姓名"]),
    ("husband_work", ["丈夫务工地点"]),
    ("husband_since", ["丈夫外出时间"]),
    ("away_months", ["丈夫外出时长(月)"]),  # under 丈夫情况: only a field naming the group takes it
    ("children", ["子女数"]),
    ("notes", ["备注"]),
]


# -- helpers ---------------------------------------------------------------------------------------


def excel_datetime(*parts: int) -> dt.datetime:
    """Return a naive datetime, as Excel stores and openpyxl reads a date cell."""
    return dt.datetime(*parts)  # noqa: DTZ001 - Excel dates carry no time zone


def xlsx_bytes(rows, merges=()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "登记表"
    for row in rows:
        ws.append(list(row))
    for ref in merges:
        ws.merge_cells(ref)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def replace_part(data: bytes, part: str, transform) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = transform(content)
            target.writestr(info.filename, content)
    return out.getvalue()


SIMPLE = [
    ("序号", "姓名", "身份证号"),
    (1, "张三", "110105194912310021"),
]


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if openpyxl is asked to parse the file: refusals come before parsing."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not see a refused file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def refusal(source, **options) -> ImportRefused:
    with pytest.raises(ImportRefused) as exc:
        open_workbook(source, **options)
    assert exc.value.message == str(exc.value)
    return exc.value


# -- refusals --------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path, no_parsing):
    path = write(tmp_path, "big.xlsx", xlsx_bytes(SIMPLE))
    error = refusal(path, max_bytes=1000)
    assert error.code == "too_big"
    assert "文件太大" in error.message


def test_the_default_size_limit_is_5_mb(tmp_path, no_parsing):
    path = write(tmp_path, "big.xlsx", b"PK" + b"\0" * (5 * 1024 * 1024))
    assert refusal(path).code == "too_big"
    assert "5 MB" in refusal(path).message


def test_an_uploaded_file_over_the_limit_is_refused_by_its_size(no_parsing):
    upload = SimpleUploadedFile("台账.xlsx", xlsx_bytes(SIMPLE))
    assert refusal(upload, max_bytes=upload.size - 1).code == "too_big"


def test_a_text_file_renamed_xlsx_is_refused(tmp_path, no_parsing):
    path = write(tmp_path, "台账.xlsx", "序号,姓名,身份证号\n1,张三,110105194912310021\n".encode())
    error = refusal(path)
    assert error.code == "not_xlsx"
    assert "不是有效的 Excel 文件" in error.message
    assert "改了扩展名" in error.message


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path, no_parsing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(write(tmp_path, "a.xlsx", buffer.getvalue())).code == "not_xlsx"


def test_only_xlsx_is_accepted(tmp_path, no_parsing):
    for name in ("台账.xls", "台账.csv", "台账.xlsm"):
        error = refusal(write(tmp_path, name, xlsx_bytes(SIMPLE)))
        assert error.code == "not_xlsx"
        assert ".xlsx" in error.message


def test_a_zip_bomb_is_refused_by_its_declared_unpacked_size(tmp_path, no_parsing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"0" * (51 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # small on disk, huge unpacked
    error = refusal(write(tmp_path, "bomb.xlsx", data))
    assert error.code == "too_big_unpacked"
    assert "压缩炸弹" in error.message
    assert "50 MB" in error.message


def test_a_lying_small_limit_counts_every_entry(tmp_path, no_parsing):
    data = xlsx_bytes(SIMPLE)
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert refusal(write(tmp_path, "a.xlsx", data), max_unpacked=total - 1).code == "too_big_unpacked"


def test_a_zip_with_too_many_entries_is_refused(tmp_path, no_parsing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(600):
            archive.writestr(f"xl/media/image{i}.png", b"x")
    error = refusal(write(tmp_path, "many.xlsx", buffer.getvalue()))
    assert error.code == "too_many_entries"
    assert "601" in error.message


def test_an_external_entity_is_refused(tmp_path, no_parsing):
    def add_entity(xml: bytes) -> bytes:
        return (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + xml.replace(
                b"</sheetData>",
                b'<row r="9"><c r="A9" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>',
            )
        )

    data = replace_part(xlsx_bytes(SIMPLE), "xl/worksheets/sheet1.xml", add_entity)
    error = refusal(write(tmp_path, "xxe.xlsx", data))
    assert error.code == "xml_entity"
    assert "DOCTYPE/ENTITY" in error.message
    assert "xl/worksheets/sheet1.xml" in error.message


def test_a_billion_laughs_in_another_part_is_refused(tmp_path, no_parsing):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>'
    )
    data = replace_part(xlsx_bytes(SIMPLE), "docProps/app.xml", lambda _xml: laughs)
    assert refusal(write(tmp_path, "lol.xlsx", data)).code == "xml_entity"


def test_a_doctype_in_a_part_not_named_xml_is_refused(tmp_path, no_parsing):
    data = xlsx_bytes(SIMPLE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/media/sheet.png", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    assert refusal(write(tmp_path, "hidden.xlsx", buffer.getvalue())).code == "xml_entity"


def test_a_doctype_hidden_in_utf16_is_refused(tmp_path, no_parsing):
    def to_utf16(xml: bytes) -> bytes:
        text = xml.decode().replace("<worksheet", "<!DOCTYPE worksheet><worksheet", 1)
        assert "<!DOCTYPE" in text
        return text.encode("utf-16")

    data = replace_part(xlsx_bytes(SIMPLE), "xl/worksheets/sheet1.xml", to_utf16)
    assert refusal(write(tmp_path, "u16.xlsx", data)).code == "xml_entity"


def test_a_broken_workbook_is_refused_with_a_message(tmp_path):
    data = replace_part(xlsx_bytes(SIMPLE), "xl/workbook.xml", lambda _xml: b"<not-a-workbook")
    error = refusal(write(tmp_path, "broken.xlsx", data))
    assert error.code == "corrupt"
    assert "无法读取" in error.message


def test_a_clean_file_opens_read_only(tmp_path):
    wb = open_workbook(write(tmp_path, "ok.xlsx", xlsx_bytes(SIMPLE)))
    try:
        assert wb.read_only
        assert [list(r) for r in wb.active.iter_rows(values_only=True)][1][1] == "张三"
    finally:
        wb.close()


def test_an_uploaded_file_opens():
    upload = SimpleUploadedFile("台账.xlsx", xlsx_bytes(SIMPLE))
    table = read_ledger(upload, [("name", ["姓名"]), ("id_number", ["身份证号"])])
    assert [r.values["name"] for r in table.rows] == ["张三"]


# -- formulas --------------------------------------------------------------------------------------


def test_formulas_are_never_evaluated_and_come_back_as_text(tmp_path):
    rows = [
        ("序号", "姓名", "身份证号", "子女数"),
        (1, '=HYPERLINK("http://x","点我")', EXAMPLE, "=1+1"),
        (2, "王芳", EXAMPLE, "=SUM(D3:D3)"),
    ]
    table = read_ledger(
        write(tmp_path, "f.xlsx", xlsx_bytes(rows)),
        [("name", ["姓名"]), ("id_number", ["身份证号"]), ("children", ["子女数"])],
    )
    assert table.rows[0].values["name"] == '=HYPERLINK("http://x","点我")'
    assert table.rows[0].values["children"] == "=1+1"
    assert parse_text(table.rows[1].values["children"]) == ("=SUM(D3:D3)", None)
    assert parse_int(table.rows[0].values["children"])[1] == "“=1+1”不是整数。"


# -- header, mapping, rows -------------------------------------------------------------------------


def test_the_sample_register_is_read_whole():
    table = read_ledger(SAMPLE, FIELDS)
    assert table.sheet_title == "留守妇女"
    assert table.header_rows == (3, 4)
    titles = {key: column.title for key, column in table.mapping.items()}
    assert titles == {
        "place": "村（组）",
        "name": "姓 名",
        "birth": "出生年月",
        "age": "年龄",
        "id_number": "身份证号",
        "phone": "联系电话",
        "husband": "丈夫情况·姓名",
        "husband_work": "丈夫情况·务工地点",
        "husband_since": "丈夫情况·外出时间",
        "away_months": "丈夫情况·外出时长（月）",
        "children": "子女数",
        "notes": "备注",
    }
    assert table.unmapped_fields == []
    assert len(table.rows) == 40
    assert [r.number for r in table.rows] == list(range(5, 45))
    assert [r.cells[0] for r in table.rows] == list(range(1, 41))
    assert (table.stopped_at, table.stop_reason) == (45, "total")
    for row in table.rows:
        texts = [clean_text(v) for v in row.cells]
        assert not any(t.startswith(("合计", "审核人", "制表人")) for t in texts)


def test_every_date_and_id_number_of_the_sample_is_valid():
    table = read_ledger(SAMPLE, FIELDS)
    seen_forms = set()
    for row in table.rows:
        number, error = parse_id(row.values["id_number"])
        assert error is None, (row.number, error)
        born, error = parse_month(row.values["birth"])
        assert error is None, (row.number, error)
        # 出生年月 typed as 1986.1, 1985年3月, 1985-03 or a real date: the month agrees with the ID.
        birth = parse_id_number(number).birth_date
        assert (born.year, born.month) == (birth.year, birth.month), row.number
        since, error = parse_month(row.values["husband_since"])
        assert error is None, (row.number, error)
        assert dt.date(2011, 1, 1) <= since <= dt.date(2014, 3, 17)
        seen_forms.add(type(row.values["birth"]).__name__)
    assert seen_forms == {"datetime", "str"}
    assert table.rows[5].values["id_number"] == "513401196503120521"  # spaces around it trimmed


def test_the_sample_row_values_are_trimmed_and_typed():
    row = read_ledger(SAMPLE, FIELDS).rows[0]
    assert row.values["name"] == "曾芳"
    assert row.values["age"] == 48
    assert row.values["husband"] == "李明"
    assert parse_text(row.values["phone"]) == ("13580265936", None)


def test_a_one_row_header_under_a_title_with_full_width_brackets_and_line_breaks(tmp_path):
    rows = [
        ("××乡农村留守妇女信息登记表",),
        ("填报单位：幸福乡大河村", None, "填报人：李秀英", None, "填报日期：2014年3月18日"),
        ("序 号", "村　组", "姓\n名", "身份证号码", "联系电话（手机）", "备注 "),
        (1, "一组 ", " 王芳　", " 11010519491231002x ", 13800000000, None),
        (None, None, None, None, None, None),
        (2, "二组", "李娟", make_id_number("513401", dt.date(1980, 2, 3), 42), "", "无"),
        ("合 计", None, "2人"),
        ("注：本表一式两份",),
    ]
    table = read_ledger(
        write(tmp_path, "one.xlsx", xlsx_bytes(rows, merges=["A1:F1"])),
        [("place", ["村组"]), ("name", ["姓名"]), ("id_number", ["身份证号"]), ("phone", ["联系电话"])],
    )
    assert table.header_rows == (3,)
    assert {k: c.title for k, c in table.mapping.items()} == {
        "place": "村　组",
        "name": "姓名",
        "id_number": "身份证号码",
        "phone": "联系电话（手机）",
    }
    assert [r.number for r in table.rows] == [4, 6]
    assert table.rows[0].values["place"] == "一组"
    assert table.rows[0].values["name"] == "王芳"
    assert parse_id(table.rows[0].values["id_number"]) == (EXAMPLE, None)
    assert parse_text(table.rows[0].values["phone"]) == ("13800000000", None)
    assert (table.stopped_at, table.stop_reason) == (7, "total")


def test_reading_stops_at_a_signature_line_without_a_total_row(tmp_path):
    rows = [
        ("序号", "姓名", "身份证号"),
        (1, "王芳", EXAMPLE),
        (None, "制表人：李秀英", None),
        (2, "不应读到", EXAMPLE),
    ]
    table = read_ledger(write(tmp_path, "s.xlsx", xlsx_bytes(rows)), [("name", ["姓名"])])
    assert [r.values["name"] for r in table.rows] == ["王芳"]
    assert (table.stopped_at, table.stop_reason) == (3, "signature")


def test_a_two_row_header_like_the_export_writes_it(tmp_path):
    rows = [
        ("农村留守妇女信息登记表",),
        ("填报单位：幸福乡大河村",),
        ("序号", "村组", "姓名", "年龄", "身份证号", "丈夫", None, None, "备注"),
        (None, None, None, None, None, "姓名", "务工地点", "外出时间", None),
        (1, "一组", "王芳", 40, EXAMPLE, "张强", "广东", excel_datetime(2013, 5, 1), None),
        ("合计：1 人",),
        ("审核人：", None, None, "制表人："),
    ]
    fields = [
        ("name", ["姓名"]),
        ("husband", ["丈夫姓名"]),
        ("husband_work", ["丈夫务工地点"]),
        ("husband_since", ["丈夫外出时间"]),
        ("id_number", ["身份证号"]),
    ]
    data = xlsx_bytes(rows, merges=["A1:I1", "F3:H3", "A3:A4", "B3:B4", "C3:C4"])
    table = read_ledger(write(tmp_path, "two.xlsx", data), fields)
    assert table.header_rows == (3, 4)
    assert table.mapping["name"].title == "姓名"
    assert table.mapping["husband"].title == "丈夫·姓名"
    assert table.rows[0].values["husband"] == "张强"
    assert parse_month(table.rows[0].values["husband_since"]) == (dt.date(2013, 5, 1), None)
    assert len(table.rows) == 1


def test_the_header_row_can_be_named_when_no_text_matches(tmp_path):
    rows = [("说明",), ("编号", "名字", "证件"), (1, "王芳", EXAMPLE)]
    table = read_ledger(
        write(tmp_path, "h.xlsx", xlsx_bytes(rows)),
        [("name", ["姓名"]), ("id_number", ["身份证号"])],
        mapping={"name": 1, "id_number": 2},
        header_row=2,
    )
    assert table.header_rows == (2,)
    assert table.rows[0].values == {"name": "王芳", "id_number": EXAMPLE}


def test_a_wrong_dimension_tag_cuts_nothing_off(tmp_path):
    rows = [("序号", "姓名", "身份证号"), (1, "王芳", EXAMPLE), (2, "李娟", EXAMPLE)]

    def lie(xml: bytes) -> bytes:
        assert b'<dimension ref="A1:C3"/>' in xml
        return xml.replace(b'<dimension ref="A1:C3"/>', b'<dimension ref="A1:A1"/>')

    data = replace_part(xlsx_bytes(rows), "xl/worksheets/sheet1.xml", lie)
    table = read_ledger(write(tmp_path, "d.xlsx", data), [("name", ["姓名"]), ("id_number", ["身份证号"])])
    assert [(r.values["name"], r.values["id_number"]) for r in table.rows] == [
        ("王芳", EXAMPLE),
        ("李娟", EXAMPLE),
    ]


def test_a_sheet_without_a_header_is_refused(tmp_path):
    data = xlsx_bytes([("随便写的",), ("一些", "文字")])
    with pytest.raises(ImportRefused) as exc:
        read_ledger(write(tmp_path, "x.xlsx", data), [("name", ["姓名"]), ("id_number", ["身份证号"])])
    assert exc.value.code == "no_header"
    assert "找不到表头" in exc.value.message


def test_a_row_limit_refuses_longer_sheets(tmp_path):
    rows = [("序号", "姓名", "身份证号")] + [(i, f"人{i}", EXAMPLE) for i in range(1, 6)]
    path = write(tmp_path, "rows.xlsx", xlsx_bytes(rows))
    assert len(read_ledger(path, [("name", ["姓名"])], max_rows=5).rows) == 5
    with pytest.raises(ImportRefused) as exc:
        read_ledger(path, [("name", ["姓名"])], max_rows=4)
    assert exc.value.code == "too_many_rows"
    assert "4 行" in exc.value.message


def test_a_mapping_chosen_by_the_user_overrides_the_proposal(tmp_path):
    rows = [("序号", "名字", "证件"), (1, "王芳", EXAMPLE)]
    table = read_ledger(
        write(tmp_path, "m.xlsx", xlsx_bytes([("序号", "姓名", "证件"), *rows[1:]])),
        [("name", ["姓名"]), ("id_number", ["身份证号"])],
        mapping={"name": 1, "id_number": 2},
    )
    assert table.rows[0].values == {"name": "王芳", "id_number": EXAMPLE}
    assert table.mapping["id_number"].title == "证件"


def test_propose_mapping_prefers_exact_matches_then_the_closest_containment():
    columns = [
        HeaderColumn(0, "姓名"),
        HeaderColumn(1, "身份证号码"),
        HeaderColumn(2, "姓名", group="丈夫情况"),
        HeaderColumn(3, "身份证号", group="丈夫"),
        HeaderColumn(4, "家庭人均纯收入（元）"),
    ]
    mapping = propose_mapping(
        columns,
        [
            ("name", ["姓名"]),
            ("id_number", ["身份证号"]),
            ("husband", ["丈夫姓名"]),
            ("husband_id", ["丈夫身份证号"]),
            ("income", ["家庭人均纯收入(元)"]),
            ("missing", ["民族"]),
        ],
    )
    assert {k: c.index for k, c in mapping.items()} == {
        "name": 0,
        "id_number": 1,
        "husband": 2,
        "husband_id": 3,
        "income": 4,
    }


def test_normalize_header():
    assert normalize_header(" 姓\u3000名 ") == "姓名"
    assert normalize_header("外出时长\n（月）") == "外出时长(月)"
    assert normalize_header("【备注】") == "[备注]"
    assert normalize_header("ＩＤ") == "id"


# -- cells -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2014-3-18",
        "2014/03/18",
        "2014.3.18",
        "2014年3月18日",
        " 2014 年 3 月 18 日 ",
        "２０１４－３－１８",
        "20140318",
        dt.date(2014, 3, 18),
        excel_datetime(2014, 3, 18),
        41716,  # Excel's serial number of 2014-03-18
    ],
)
def test_dates_typed_several_ways(raw):
    assert parse_date(raw) == (dt.date(2014, 3, 18), None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985.3", dt.date(1985, 3, 1)),
        ("1985年3月", dt.date(1985, 3, 1)),
        ("1985-03", dt.date(1985, 3, 1)),
        ("1985/3", dt.date(1985, 3, 1)),
        ("2013.09", dt.date(2013, 9, 1)),
        ("1986.1", dt.date(1986, 1, 1)),
        ("1985.12", dt.date(1985, 12, 1)),
        (1985.3, dt.date(1985, 3, 1)),  # typed in a General cell, it became a number
        (1985.11, dt.date(1985, 11, 1)),
        (excel_datetime(1965, 10, 8), dt.date(1965, 10, 1)),
        ("1965年10月8日", dt.date(1965, 10, 1)),
    ],
)
def test_a_month_is_enough_where_the_column_says_so(raw, expected):
    assert parse_month(raw) == (expected, None)


def test_date_errors_are_named():
    assert parse_date("2014-2-30") == (None, "日期“2014-2-30”不存在。")
    assert parse_date("1985年3月")[1] == "日期“1985年3月”只有年月，请写出完整的日期（如 2014-03-18）。"
    assert parse_month("1985.13")[1] == "日期“1985.13”不存在：月份应为 1–12。"
    assert "无法识别的日期“去年春天”" in parse_date("去年春天")[1]
    assert parse_date(None) == (None, None)
    assert parse_date("  ") == (None, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("√", True),
        ("×", False),
        ("Y", True),
        ("n", False),
        (" 是 ", True),
        (True, True),
        (False, False),
        (None, None),
        ("", None),
        ("空", None),
    ],
)
def test_booleans(raw, expected):
    assert parse_bool(raw) == (expected, None)


def test_a_value_that_is_not_a_boolean_is_named():
    assert parse_bool("也许") == (None, "“也许”不是允许的值：请填 是 或 否（也可用 √ 或 ×）。")


def test_id_numbers_as_people_type_them():
    assert parse_id(EXAMPLE) == (EXAMPLE, None)
    assert parse_id(" 11010519491231002x\u3000") == (EXAMPLE, None)
    assert parse_id("110105 19491231 002X") == (EXAMPLE, None)
    assert parse_id(None) == (None, None)
    assert parse_id("  ") == (None, None)
    good = make_id_number("513401", dt.date(1970, 6, 9), 440)
    assert parse_id(int(good)) == (good, None)  # an integer cell that lost nothing
    legacy = "110105491231002"
    assert parse_id(int(legacy))[0] == parse_id_number(legacy).number
    assert parse_id(float(legacy))[0] == parse_id_number(legacy).number


@pytest.mark.parametrize("raw", [1.10105e17, 5.13401196510084e17, "1.10105E+17", "1.10105e+17", " 5.134E17 "])
def test_an_id_number_excel_turned_into_scientific_notation_is_refused(raw):
    value, error = parse_id(raw)
    assert value is None
    assert "科学计数法" in error
    assert "丢失" in error


def test_other_id_errors_are_those_of_the_one_id_rule():
    assert parse_id("110105194912310021") == (
        None,
        "身份证号校验位不对：最后一位应为 X，而不是 1，请核对每一位数字。",
    )
    assert parse_id("1101051949")[1] == "身份证号应为 18 位（旧号 15 位），这里是 10 位。"
    assert parse_id("110105194902300021")[1] == "身份证号中的出生日期 1949-02-30 不存在。"
    future = make_id_number("110105", dt.date(2030, 1, 1), 2)
    assert "在今天之后" in parse_id(future, today=TODAY)[1]


def test_text_and_integers_are_trimmed():
    assert parse_text(" 王芳\u3000 ") == ("王芳", None)
    assert parse_text("") == (None, None)
    assert parse_text(13580265936.0) == ("13580265936", None)
    assert parse_int(" 3 ") == (3, None)
    assert parse_int(3.0) == (3, None)
    assert parse_int("三")[1] == "“三”不是整数。"
    assert parse_int(None) == (None, None)


def test_the_reader_module_exposes_its_limits():
    assert reader.DEFAULT_MAX_BYTES == 5 * 1024 * 1024
    assert reader.DEFAULT_MAX_UNPACKED == 50 * 1024 * 1024
