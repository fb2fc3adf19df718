"""The county viewer's list of one township (``?township=``) exports that township's rows only."""

from __future__ import annotations

import pytest

from federation.ledgers.exports import all_ledgers
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_record_create, export_run
from tests.helpers.ledgers import data_rows, workbook


def _rows(user, ledger, tmp_path, **query) -> tuple[str, list[tuple]]:
    record = export_record_create(
        ledger=ledger, user=user, fmt="xlsx", filters=ExportFilters.from_query(query)
    )
    name = "-".join(f"{k}{v}" for k, v in query.items()) or "all"
    path = tmp_path / f"{ledger.name}-{name}.xlsx"
    export_run(record=record, ledger=ledger, user=user, path=path)
    sheet = workbook(path).active
    # each row without its first cell (序号, numbered anew in each file)
    return str(sheet["A1"].value), [row[1:] for row in data_rows(sheet, ledger.layout)]


TABLES = [ledger.name for ledger in all_ledgers() if ledger.is_table and "xlsx" in ledger.formats]


@pytest.mark.parametrize("name", TABLES)
def test_an_export_of_one_township_has_its_rows_and_no_other(ledger_world, tmp_path, name):
    w = ledger_world
    ledger = next(ledger for ledger in all_ledgers() if ledger.name == name)
    if not ledger.allowed(w.county_viewer):
        pytest.skip(f"the county viewer does not export {name}")
    _title, everything = _rows(w.county_viewer, ledger, tmp_path)
    if not everything:  # said, not passed unseen: the ledger world has no row of it to narrow
        pytest.skip(f"the ledger world has no row of {name}")
    title, mine = _rows(w.county_viewer, ledger, tmp_path, township=w.township.pk)
    other_title, other = _rows(w.county_viewer, ledger, tmp_path, township=w.other_township.pk)
    assert len(mine) + len(other) == len(everything)
    other_text = " ".join(str(cell) for row in other for cell in row)
    mine_text = " ".join(str(cell) for row in mine for cell in row)
    assert "红旗村" not in other_text and "胜利村" not in other_text and "光明村" not in mine_text
    assert mine and other  # each township has its rows in the ledger world
    assert str(w.other_township.name) in other_title
