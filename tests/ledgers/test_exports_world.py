"""The export framework's own rules: cells, the ledger registry, layouts, filters, the context.

The ledger world these tests read is ``ledger_world`` (tests/conftest.py, built by
tests/helpers/ledgers.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from federation.core.actors import SystemActor
from federation.core.idnumber import mask_id_number, parse_id_number
from federation.ledgers.exports import (
    Column,
    ColumnGroup,
    Kind,
    Ledger,
    Table,
    all_ledgers,
    get_ledger,
    register,
)
from federation.ledgers.exports.cells import excel_value, safe_text
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Total, Totals, boxes, display_width
from registry.models import Person
from tests.helpers.ledgers import INJECTIONS

# -- the framework's own rules ---------------------------------------------------------------------


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_value_a_spreadsheet_would_run_gets_an_apostrophe(value):
    assert safe_text(value) == "'" + value
    assert excel_value(value, Kind.TEXT) == "'" + value


@pytest.mark.parametrize("value", ["张三", "1+1", "a=b", "（-）", "13800000000", "51340119880506002X"])
def test_ordinary_values_are_left_as_they_are(value):
    assert safe_text(value) == value


def test_id_and_phone_numbers_stay_text_and_control_characters_go():
    assert excel_value("51340119880506002X", Kind.ID_NUMBER) == "51340119880506002X"
    assert excel_value(13800000000, Kind.PHONE) == "13800000000"
    assert safe_text("张\x00三\x1f") == "张三"
    assert excel_value(True, Kind.BOOL) == "是" and excel_value(False, Kind.BOOL) == "否"
    assert excel_value(Decimal("1.50"), Kind.MONEY) == Decimal("1.50")
    assert excel_value("", Kind.TEXT) is None


def test_boxes_tick_the_chosen_answer():
    assert boxes(True, ((True, "是"), (False, "否"))) == "是（√）　否（\u3000）"
    assert boxes("mother", (("both", "双方"), ("mother", "母亲"))) == "双方（\u3000）　母亲（√）"


def test_a_table_knows_its_header_rows_widths_and_totals():
    table = Table(
        title="测试表",
        columns=(
            Column("name", "姓名"),
            ColumnGroup(
                "救助",
                (
                    Column("yes", "是否", Kind.BOOL, total=Total.COUNT),
                    Column("n", "金额", Kind.MONEY, total=Total.SUM),
                ),
            ),
        ),
    )
    assert table.header_rows == 2
    assert [c.key for c in table.leaves] == ["name", "yes", "n"]
    assert display_width("姓名ab") == 6
    assert (
        Column("x", "子女（姓名、性别、年龄）").excel_width == display_width("子女（姓名、性别、年龄）") + 2
    )
    totals = Totals(table)
    for row in (("甲", True, Decimal("1.5")), ("乙", False, None), ("丙", True, 2)):
        totals.add(row)
    assert totals.rows == 3
    assert totals.value(table.leaves[1]) == 2
    assert totals.value(table.leaves[2]) == Decimal("3.5")
    assert totals.value(table.leaves[0]) is None


def test_every_register_has_a_ledger_and_the_registry_refuses_a_bad_one():
    names = {ledger.name for ledger in all_ledgers()}
    assert {
        "women",
        "persons",
        "left_behind_children",
        "left_behind_child_cards",
        "hardship_children",
        "left_behind_women",
        "poor_women",
        "village_directors",
        "womens_homes",
    } <= names
    assert get_ledger("left_behind_child_cards").formats == ("pdf",)
    cards = get_ledger("left_behind_child_cards").layout
    with pytest.raises(ValueError):  # a card's fields come from its row
        Ledger(name="x", layout=cards, queryset=lambda u, f: None, permission="p")
    with pytest.raises(ValueError):  # one record a row, or the rows all at once: not both
        Ledger(
            name="x",
            layout=get_ledger("women").layout,
            queryset=lambda u, f: None,
            row=lambda r, c: {},
            rows=lambda q, c: iter(()),
            permission="p",
        )
    with pytest.raises(ValueError):
        register(
            Ledger(
                name="women",
                layout=get_ledger("persons").layout,
                queryset=lambda u, f: None,
                row=lambda r, c: (),
                permission="p",
            )
        )


def test_filters_read_back_what_the_list_page_sends():
    filters = ExportFilters.from_query(
        {"year": "2025", "group": "7", "q": " 张 ", "page": "3", "register": "poorwoman"}
    )
    assert (filters.year, filters.group_id, filters.search, dict(filters.extra)) == (
        2025,
        7,
        "张",
        {"register": "poorwoman"},
    )
    assert ExportFilters.from_query(filters.as_query()) == filters
    assert ExportFilters.from_query({"year": "abc"}).year is None


def test_the_system_actor_is_scoped_by_the_scoping_rule_to_exactly_its_unit(ledger_world):
    w = ledger_world
    village_actor = SystemActor(w.village_a)
    township_actor = SystemActor(w.township)
    assert set(Person.objects.for_user(village_actor).values_list("village_id", flat=True)) == {
        w.village_a.pk
    }
    assert set(Person.objects.for_user(township_actor).values_list("village_id", flat=True)) == {
        w.village_a.pk,
        w.village_b.pk,
    }
    assert set(Person.objects.for_user(SystemActor(w.county)).values_list("village_id", flat=True)) == {
        w.village_a.pk,
        w.village_b.pk,
        w.village_c.pk,
    }
    assert village_actor.has_perm("federation.view_full_id_number")
    assert not village_actor.has_perm("federation.restore_deleted") or township_actor.has_perm(
        "federation.restore_deleted"
    )


def test_the_context_masks_id_numbers_for_the_county_viewer_only(ledger_world):
    w = ledger_world
    number = w.x_number
    viewer = ExportContext.build(user=w.county_viewer, filters=ExportFilters())
    director = ExportContext.build(user=w.dir_a, filters=ExportFilters())
    assert viewer.id_number(number) == mask_id_number(number) == number[:3] + "*" * 11 + number[-4:]
    assert director.id_number(number) == number
    assert viewer.multi_village and not director.multi_village
    assert director.unit_label == "幸福乡红旗村"
    assert viewer.village_group("红旗村", w.group_a) == "红旗村一组"
    assert director.village_group("红旗村", w.group_a) == "一组"
    assert director.ages_on.year == timezone.localdate().year
    assert parse_id_number(number).number.endswith("X")
