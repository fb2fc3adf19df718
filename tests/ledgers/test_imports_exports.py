"""Ledgers in, phase 1: the reader takes the system's own exports back.

Each register's Excel export (title, 填报单位 line, one- or two-row header, 合计, 注, signatures)
is read by the import reader: the header is found, every column maps to its own field by its
header text, and exactly the exported rows are read, with their ID numbers valid.
"""

from __future__ import annotations

import pytest
from openpyxl.utils import get_column_letter

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.definitions import ColumnGroup, Kind
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.cells import parse_id
from federation.ledgers.imports.reader import read_ledger
from tests.helpers.ledgers import registry_ledgers

TABLES = registry_ledgers(fmt="xlsx")


def fields_of(layout) -> list[tuple[str, list[str]]]:
    """Return (key, accepted header texts) for each column of a ledger layout."""
    fields = []
    for item in layout.columns:
        if isinstance(item, ColumnGroup):
            fields.extend((c.key, [f"{item.header}{c.header}"]) for c in item.columns)
        else:
            fields.append((item.key, [str(item.header)]))
    return fields


@pytest.mark.parametrize("name", TABLES)
def test_every_register_export_is_read_back(ledger_world, tmp_path, name):
    ledger = get_ledger(name)
    layout = ledger.layout
    path = tmp_path / f"{name}.xlsx"
    result = export_build(
        ledger=ledger, user=ledger_world.dir_a, fmt="xlsx", filters=ExportFilters(), path=path
    )

    table = read_ledger(path, fields_of(layout))

    assert table.header_rows == ((3, 4) if layout.header_rows == 2 else (3,))
    # Every column maps to its own field, by its header text: column 1 is 序号, then the leaves.
    expected = {column.key: index for index, column in enumerate(layout.leaves, start=1)}
    assert {key: column.index for key, column in table.mapping.items()} == expected, [
        (key, get_column_letter(c.index + 1)) for key, c in table.mapping.items()
    ]
    assert len(table.rows) == result.rows
    assert [row.cells[0] for row in table.rows] == list(range(1, result.rows + 1))
    assert table.stop_reason == "total"
    first_data = 3 + layout.header_rows
    assert [row.number for row in table.rows] == list(range(first_data, first_data + result.rows))
    for column in layout.leaves:
        if column.kind == Kind.ID_NUMBER:
            for row in table.rows:
                number, error = parse_id(row.values[column.key])
                assert error is None, (row.number, column.header, error)
