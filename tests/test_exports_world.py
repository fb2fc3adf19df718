"""The export tests' world, its helpers, and the framework's own rules (cells, registry, layouts).

``ledger_world`` extends the named ``world`` of conftest.py with a row of every register in each
of the three villages: village A's rows carry the hard cases (an ID number ending in X, values
that a spreadsheet would run as formulas, a husband away, children), B's and C's are plain.
The other export test modules build it with ``make_ledger_world`` (fixtures are not imported
across modules).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from federation.core.actors import SystemActor
from federation.core.idnumber import check_character, mask_id_number, parse_id_number
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
from registry.models import (
    HardshipChild,
    HouseholdIncome,
    LeftBehindChild,
    LeftBehindWoman,
    Person,
    PoorWoman,
    VillageDirector,
    WomensHome,
)
from tests.helpers.factories import HouseholdFactory, PersonFactory

INJECTIONS = ["=1+2", "+3-1", "-2+5", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def id_ending_in_x(birth: dt.date, sex: str = "F", region: str = "513401") -> str:
    """Return a valid ID number of ``birth`` and ``sex`` whose check character is X."""
    for seq in range(0 if sex == "F" else 1, 1000, 2):
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        if check_character(first17) == "X" and not Person.all_objects.filter(id_number__startswith=first17):
            return first17 + "X"
    raise AssertionError("no sequence gives X")


def _family(w, key: str) -> None:
    """Give the woman of village ``key`` a husband away and two children, and a register row each."""
    village = getattr(w, f"village_{key}")
    household = getattr(w, f"household_{key}")
    woman = getattr(w, f"woman_{key}")
    upper = key.upper()
    husband = PersonFactory(
        village=village,
        household=household,
        relation="spouse",
        sex="M",
        name=f"丈夫{upper}",
        birth_date=dt.date(1985, 1, 2),
        work_place="out_province",
        work_place_detail="广东东莞",
        away_since=dt.date(2020, 3, 1),
        marital_status="married",
    )
    girl = PersonFactory(
        village=village,
        household=household,
        relation="child",
        name=f"女儿{upper}",
        birth_date=dt.date(2015, 6, 1),
    )
    boy = PersonFactory(
        village=village,
        household=household,
        relation="child",
        sex="M",
        name=f"儿子{upper}",
        birth_date=dt.date(2012, 2, 2),
    )
    Person.objects.filter(pk=woman.pk).update(marital_status="married", phone="13800000001")
    HouseholdIncome.objects.create(
        household=household, year=timezone.localdate().year, per_capita_income=Decimal("1800.50")
    )
    setattr(w, f"husband_{key}", husband)
    setattr(w, f"girl_{key}", girl)
    setattr(w, f"boy_{key}", boy)
    LeftBehindChild.objects.create(
        person=girl,
        parents_away="father",
        guardian_name=f"奶奶{upper}",
        guardian_relation="grandparent",
        guardian_phone="13900000000",
        school="中心小学",
        grade="五年级",
        boarding=True,
    )
    HardshipChild.objects.create(
        person=boy,
        reason="other",
        reason_detail="父亲服刑",
        guardian_name=f"外婆{upper}",
        guardian_relation="maternal_grandparent",
    )
    LeftBehindWoman.objects.create(person=woman, needs="农忙缺人手")
    PoorWoman.objects.create(
        person=woman, reason="illness", in_dibao=True, relief=True, relief_what="救助金", relief_amount=200
    )
    VillageDirector.objects.create(
        village=village,
        name=f"主任{upper}",
        work_unit=f"{village.name}村委会",
        birth_month=dt.date(1975, 6, 1),
        education="senior",
        political_status="party",
        in_office_since=dt.date(2011, 3, 1),
        committee_seat="both",
        yearly_income=Decimal("12000"),
        on_payroll=False,
        phone="13700000000",
    )
    WomensHome.objects.create(
        village=village, signed_up=True, has_office=True, equipment="桌椅 10 套\n书柜 1 个"
    )


def make_ledger_world(world):
    """Return ``world`` with a row of every register in each village (see the module docstring)."""
    w = world
    for key in ("a", "b", "c"):
        _family(w, key)
    # Village A: an ID number ending in X, kept as text; values a spreadsheet would run.
    x_number = id_ending_in_x(w.woman_a.birth_date)
    Person.objects.filter(pk=w.woman_a.pk).update(id_number=x_number, id_last4=x_number[-4:])
    w.woman_a.refresh_from_db()
    w.x_number = x_number
    trap_household = HouseholdFactory(village=w.village_a, group=w.group_a, number="0002")
    w.trap_women = [
        PersonFactory(
            village=w.village_a,
            household=trap_household if i == 0 else None,
            relation="head" if i == 0 else "",
            name=value,
            birth_date=dt.date(1990, 1, 1 + i),
        )
        for i, value in enumerate(INJECTIONS)
    ]
    LeftBehindWoman.objects.filter(person=w.woman_a).update(needs="-5 元的困难", notes="@所有人")
    VillageDirector.objects.filter(village=w.village_a).update(phone="+86 13700000000")
    return w


@pytest.fixture
def ledger_world(world):
    return make_ledger_world(world)


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """Keep produced files in the test's own folder."""
    settings.LEDGER_EXPORT_DIR = tmp_path / "exports"
    return settings.LEDGER_EXPORT_DIR


def workbook(data: bytes | Path) -> openpyxl.Workbook:
    """Return a produced .xlsx re-read by openpyxl (the normal mode, to see merged cells)."""
    return openpyxl.load_workbook(BytesIO(data) if isinstance(data, bytes) else data)


def data_rows(ws, table: Table) -> list[tuple]:
    """Return the record rows of a ledger sheet: after the header, before the 合计 row."""
    first = 3 + table.header_rows
    rows = []
    for row in ws.iter_rows(min_row=first, values_only=True):
        if isinstance(row[0], str) and row[0].startswith("合计"):
            break
        rows.append(row)
    return rows


def totals_row(ws) -> tuple:
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[0], str) and row[0].startswith("合计"):
            return row
    raise AssertionError("no 合计 row")


def pdf_text(path: Path) -> str:
    """Return the text of a PDF as pdftotext reads it."""
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Return ``text`` without white space: pdftotext spaces CJK text as it pleases."""
    return "".join(text.split())


def pdf_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


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
    assert viewer.id_number(number) == mask_id_number(number) == number[:6] + "*" * 8 + number[-4:]
    assert director.id_number(number) == number
    assert viewer.multi_village and not director.multi_village
    assert director.unit_label == "幸福乡红旗村"
    assert viewer.village_group("红旗村", w.group_a) == "红旗村一组"
    assert director.village_group("红旗村", w.group_a) == "一组"
    assert director.ages_on.year == timezone.localdate().year
    assert parse_id_number(number).number.endswith("X")


def registry_ledgers(*, fmt: str | None = None) -> list[str]:
    """Return the names of the registers' ledgers (the data this world builds), optionally of one format.

    The ledgers of other apps (loans, outreach) are tested with their own data in their own files.
    """
    return [
        ledger.name
        for ledger in all_ledgers()
        if ledger.queryset.__module__.startswith("registry.") and (fmt is None or fmt in ledger.formats)
    ]
