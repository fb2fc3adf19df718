"""Ledgers in for outreach (issue 17 part 6): each outreach register's export imports back unchanged,
into an empty village gives the same rows again, and a file with bad rows names every one (row number
and a Chinese reason, the models' own rules) and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from outreach.models import Petition, Visit
from tests.helpers.ledgers import data_rows, workbook
from tests.helpers.outreach import TODAY, YEAR, petition, visit

EARLY = min(dt.date(YEAR, 1, 5), TODAY)


def exported(user, name, path):
    """Export ledger ``name`` of the year as ``user`` sees it to ``path``; return its rows after 序号."""
    ledger = get_ledger(name)
    export_build(ledger=ledger, user=user, fmt="xlsx", filters=ExportFilters(year=YEAR), path=path)
    return [row[1:] for row in data_rows(workbook(path).active, ledger.layout)]


def imported(name, village, user, path):
    return get_importer(name)(village, user=user, year=YEAR).import_file(path)


def more_records(w):
    """Give village A's visits and petitions the cells that hold two fields each."""
    visit(
        w.woman_a,
        EARLY,
        visited_for="other",
        mode="phone",
        is_poor=True,
        poverty_reason="因病致贫",
        help_given="联系农技站",
        result="已解决",
        visitors="张红、李梅",
    )
    petition(
        w.village_a,
        person=w.woman_a,
        petitioner_name="",
        received_on=EARLY,
        handling="referred",
        referred_to="县法院",
        mediation="succeeded",
        result="双方达成一致",
        return_visit_on=EARLY,
        return_visit_note="已和好",
        closed_on=EARLY,
    )


ROUND_TRIPS = [
    (
        "visits",
        Visit,
        lambda: {(v.person_id, v.visited_on, v.help_given, v.result) for v in Visit.objects.all()},
    ),
    (
        "petitions",
        Petition,
        lambda: {
            (p.person_id, p.petitioner_name, p.referred_to, p.mediation) for p in Petition.objects.all()
        },
    ),
]


@pytest.mark.parametrize(("name", "model", "facts"), ROUND_TRIPS, ids=[r[0] for r in ROUND_TRIPS])
def test_an_export_imports_back_unchanged_and_into_an_empty_village_the_same(
    outreach_world, tmp_path, name, model, facts
):
    w = outreach_world
    more_records(w)
    first = exported(w.dir_a, name, tmp_path / "first.xlsx")
    before = facts()
    versions = dict(model.objects.values_list("pk", "version"))

    result = imported(name, w.village_a, w.dir_a, tmp_path / "first.xlsx")

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(first))
    assert dict(model.objects.values_list("pk", "version")) == versions
    mine = model.objects.filter(village=w.village_a)
    village_b_rows = model.objects.exclude(village=w.village_a).count()
    mine.delete()
    result = imported(name, w.village_a, w.dir_a, tmp_path / "first.xlsx")
    assert result.ok and result.created == len(first) >= 2, result.errors
    assert exported(w.dir_a, name, tmp_path / "again.xlsx") == first
    assert facts() == before and model.objects.exclude(village=w.village_a).count() == village_b_rows


BAD_ROWS = {
    "visits": (
        ("姓名", "无此人", "本村没有登记叫“无此人”的居民"),
        ("走访对象类别", "贫困妇女", "没有登记为贫困妇女"),  # outreach.rules.visit_problems
        ("是否贫困及原因", "是", "贫困时请写明贫困原因"),
        ("走访日期", TODAY + dt.timedelta(days=1), "不能晚于今天"),
    ),
    "petitions": (
        ("处理方式", "转有关部门", "转有关部门时请写明转往哪个部门"),  # outreach.rules.petition_problems
        ("结案日期", EARLY - dt.timedelta(days=400), "不能早于受理日期"),
        ("处理方式", "送礼", "不是处理方式"),
        ("村", "胜利村", "只能导入本村"),
    ),
}


@pytest.mark.parametrize("name", list(BAD_ROWS))
def test_a_file_with_bad_rows_names_every_one_and_writes_nothing(outreach_world, tmp_path, name):
    w = outreach_world
    more_records(w)
    for group in ("single_mother", "migrant"):  # four rows to spoil, one a reason
        if name == "visits":
            visit(w.woman_a, EARLY, visited_for=group)
        else:
            petition(w.village_a, petitioner_name=f"来访人{group}", received_on=EARLY)
    path = tmp_path / "bad.xlsx"
    rows = exported(w.dir_a, name, path)
    model = get_ledger(name).queryset(w.dir_a, ExportFilters(year=YEAR)).model
    model.objects.filter(village=w.village_a).delete()
    wb = workbook(path)
    ws = wb.active
    header = {cell.value: cell.column for cell in ws[3]}
    for offset, (title, value, _reason) in enumerate(BAD_ROWS[name]):
        ws.cell(4 + offset, header[title]).value = value
    wb.save(path)

    result = imported(name, w.village_a, w.dir_a, path)

    assert len(rows) >= 4 and not result.written
    by_row: dict[int, str] = {}
    for error in result.errors:
        by_row[error.row] = f"{by_row.get(error.row, '')} {error}"
    assert sorted(by_row) == [4, 5, 6, 7], by_row
    for offset, (title, _value, reason) in enumerate(BAD_ROWS[name]):
        assert f"第 {4 + offset} 行【{title}】" in by_row[4 + offset] and reason in by_row[4 + offset]
    assert not model.objects.filter(village=w.village_a).exists()


SCOPED = ["visits", "petitions"]


@pytest.mark.parametrize("name", SCOPED)
def test_a_director_imports_into_her_village_only(outreach_world, tmp_path, name):
    w = outreach_world
    path = tmp_path / "hers.xlsx"
    assert exported(w.dir_a, name, path)
    with pytest.raises(PermissionDenied):
        imported(name, w.village_b, w.dir_a, path)
