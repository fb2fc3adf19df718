"""What a masked role's export lays out (ExportContext.shown), and that every ledger declares its
personal columns so that the mask reaches them."""

from __future__ import annotations

import datetime as dt

import pytest

from federation.core.masking import is_birth_field, is_id_number_field, is_phone_field
from federation.ledgers.columns import Column, ColumnGroup, Kind, leaves
from federation.ledgers.exports import all_ledgers
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Card, CardField, Table

NUMBER = "51340119880506004X"
BORN = dt.date(1988, 5, 6)


def _fields(ledger):
    layout = ledger.layout
    return leaves(layout.declared_columns) if isinstance(layout, Table) else layout.fields


@pytest.mark.parametrize("ledger", all_ledgers(), ids=lambda ledger: ledger.name)
def test_every_personal_column_is_declared_as_such(ledger):
    for field in _fields(ledger):
        header = str(getattr(field, "header", None) or field.label)
        if is_phone_field(field.key) or "电话" in header:
            assert field.kind is Kind.PHONE, field.key
        if is_id_number_field(field.key) or field.key == "husband_id" or "身份证" in header:
            assert field.kind is Kind.ID_NUMBER, field.key
        if is_birth_field(field.key) or "出生" in header:
            assert field.birth, field.key


TABLE = Table(
    title="测试",
    columns=(
        Column("name", "姓名"),
        Column("birth_date", "出生日期", Kind.DATE, birth=True),
        Column("id_number", "身份证号", Kind.ID_NUMBER),
        ColumnGroup("监护人", (Column("guardian", "姓名"), Column("guardian_phone", "联系电话", Kind.PHONE))),
    ),
)
ROW = ["张红", BORN, NUMBER, "李梅", "13812345678"]


def test_a_masked_role_gets_the_age_in_place_of_the_birth_date(world):
    w = world
    ctx = ExportContext.build(user=w.county_viewer, filters=ExportFilters(year=2026))
    shown = ctx.shown(TABLE)
    assert [str(c.header) for c in shown.layout.leaves] == ["姓名", "年龄", "身份证号", "姓名", "联系电话"]
    assert shown.layout.leaves[1].kind is Kind.INT
    assert shown.row(ROW) == ["张红", 37, "513***********004X", "李梅", "138****5678"]
    assert shown.row(["王芳", None, "", "", ""]) == ["王芳", None, "", "", ""]
    assert "前 3 位和后 4 位" in shown.note and "中间 4 位" in shown.note and "出生日期" in shown.note


def test_a_birth_date_beside_an_age_is_left_out(world):
    w = world
    age = Column("age", "年龄", Kind.INT)
    table = Table(title="测试", columns=(*TABLE.columns[:2], age, TABLE.columns[2]))
    shown = ExportContext.build(user=w.county_viewer, filters=ExportFilters(year=2026)).shown(table)
    assert [c.key for c in shown.layout.leaves] == ["name", "age", "id_number"]
    assert shown.row(["张红", BORN, 37, NUMBER]) == ["张红", 37, "513***********004X"]


def test_a_masked_card_has_no_birth_date(world):
    w = world
    card = Card(
        title="卡",
        sections=(
            (
                "",
                (
                    CardField("birth_date", "出生日期", Kind.DATE, birth=True),
                    CardField("age", "年龄"),
                    CardField("phone", "电话", Kind.PHONE),
                ),
            ),
        ),
    )
    shown = ExportContext.build(user=w.county_viewer, filters=ExportFilters(year=2026)).shown(card)
    assert [f.key for f in shown.layout.fields] == ["age", "phone"]
    assert shown.card({"birth_date": BORN, "age": 37, "phone": "13812345678"}) == {
        "age": 37,
        "phone": "138****5678",
    }


def test_a_role_that_sees_everything_gets_the_layout_as_declared(world):
    w = world
    for user in (w.dir_a, w.staff, w.chair):
        shown = ExportContext.build(user=user, filters=ExportFilters()).shown(TABLE)
        assert shown.layout is TABLE and shown.row is None and shown.note == ""
