"""Ledgers in, the registers: left-behind children and women, children in hardship, poor women, village
directors and two-cancer screening, each imported into one village (and year), all or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from federation.exports import get_ledger
from federation.exports.context import ExportFilters
from federation.exports.services import export_build
from federation.imports.framework import get_importer
from federation.imports.templates import EXPLANATION_SHEET, template_bytes
from federation.models import VillageGroup
from outreach.models import Screening
from registry.idnumber import make_id_number
from registry.imports.registers import ROSTER_FIRST
from registry.models import (
    HardshipChild,
    Household,
    LeftBehindChild,
    LeftBehindWoman,
    Person,
    PoorWoman,
    VillageDirector,
)
from tests.factories import HouseholdFactory, PersonFactory
from tests.test_exports_world import make_ledger_world

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "village-left-behind-women-2014.xlsx"
THIS_YEAR = timezone.localdate().year
REGISTERS = ["left_behind_children", "hardship_children", "left_behind_women", "poor_women"]
MODELS = {
    "left_behind_children": LeftBehindChild,
    "hardship_children": HardshipChild,
    "left_behind_women": LeftBehindWoman,
    "poor_women": PoorWoman,
    "village_directors": VillageDirector,
}


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.LEDGER_EXPORT_DIR = tmp_path / "exports"
    return settings.LEDGER_EXPORT_DIR


def history_count() -> int:
    models = [Person, Household, *MODELS.values(), Screening]
    return sum(m.history.model.objects.count() for m in models)


def importer(name, village, *, year=None, user=None):
    return get_importer(name)(village, year=year, user=user)


def workbook_file(tmp_path, header, rows, name="file.xlsx", title="登记表") -> Path:
    """Write a plain ledger: a title, a one-row header (序号 first), the rows, a 合计 row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["序号", *header])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    ws.append([f"合计：{len(rows)} 人"])
    path = tmp_path / name
    wb.save(path)
    return path


def errors_of(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def woman_id(birth: dt.date, seq: int = 2) -> str:
    return make_id_number("513401", birth, seq)


# -- the sample register typed by hand --------------------------------------------------------------


@pytest.fixture
def sample_village(world):
    w = world
    for number in range(2, 7):
        VillageGroup.objects.create(village=w.village_a, number=number, name=f"{number}组")
    return w.village_a


def test_the_sample_register_imports_whole_and_a_second_time_changes_nothing(world, sample_village):
    persons, households = Person.objects.count(), Household.objects.count()
    result = importer("left_behind_women", sample_village, year=2014, user=world.dir_a).import_file(SAMPLE)
    assert result.errors == []
    assert (result.rows, result.created, result.updated, result.unchanged) == (40, 40, 0, 0)
    assert result.written
    assert Person.objects.count() == persons + 80
    assert Household.objects.count() == households + 40
    entries = LeftBehindWoman.objects.filter(year=2014, person__village=sample_village)
    assert entries.count() == 40
    first = Person.objects.get(id_number="513401196510084442")
    assert first.name == "曾芳" and first.relation == "spouse" and first.education == "primary"
    assert first.phone == "13580265936" and first.household.group.number == 1
    assert first.age_on(dt.date(2014, 3, 18)) == 48
    husband = first.household.members.get(relation="head")
    assert (husband.name, husband.sex) == ("李明", "M")
    assert (husband.work_place, husband.work_place_detail) == ("out_province", "广东省深圳市")
    assert husband.away_since == dt.date(2011, 3, 1)
    second = Person.objects.get(id_number="51340119741007580X")
    assert second.household.group.number == 5 and second.education == "junior"
    assert second.household.members.get(relation="head").away_since == dt.date(2013, 5, 1)
    spaced = Person.objects.get(id_number="513401196503120521")  # typed with spaces around it
    assert spaced.name == "曹玉英" and spaced.age_on(dt.date(2014, 3, 18)) == 49
    # The husband working in the county's own province is 县外省内, still away from the county.
    chengdu = LeftBehindWoman.objects.get(year=2014, person__name="贾桂兰").person
    assert chengdu.household.members.get(relation="head").work_place == "out_county"
    # New households take the village's next free numbers.
    assert first.household.number != world.household_a.number
    assert Household.objects.filter(village=sample_village, number="0041").exists()
    history = history_count()
    again = importer("left_behind_women", sample_village, year=2014).import_file(SAMPLE)
    assert again.errors == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 40)
    assert Person.objects.count() == persons + 80
    assert history_count() == history


# -- export, import back: nothing changes ------------------------------------------------------------


@pytest.mark.parametrize("ledger", [*REGISTERS, "village_directors"])
def test_the_export_imports_back_with_no_change(world, tmp_path, ledger):
    w = make_ledger_world(world)
    path = tmp_path / f"{ledger}.xlsx"
    exported = export_build(
        ledger=get_ledger(ledger), user=w.dir_a, fmt="xlsx", filters=ExportFilters(), path=path
    )
    assert exported.rows >= 1
    history, count = history_count(), MODELS[ledger].objects.count()
    result = importer(ledger, w.village_a, user=w.dir_a).import_file(path)
    assert result.errors == []
    assert (result.rows, result.created, result.updated) == (exported.rows, 0, 0)
    assert result.unchanged == exported.rows
    assert history_count() == history
    assert MODELS[ledger].objects.count() == count
