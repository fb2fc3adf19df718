"""What the check shows before an import is confirmed, besides its counts.

- :func:`preview_rows`: the first rows of the file as they will be stored (each cell as parsed: a
  date typed 1990.5.6 shows 1990-05-06, 是/√ shows 是, a choice its label), under the ledger's
  column names;
- :func:`unread_columns`: the file's columns the import does not read, by their headers (a column
  no field takes, a column the system works out and does not check), and those it checks against
  what it works out, so that a user sees what becomes of every column she filled;
- :func:`village_warnings`: the places where the file names another village than the one chosen:
  the 填报单位 line above its header (an export of 大河村 uploaded into 团结村) and the cells of a
  village or 村组 column. They warn; the check still passes, and the user confirms or abandons.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from federation.ledgers.columns import Column, Kind
from federation.ledgers.imports.cells import clean_text
from federation.ledgers.imports.reader import Table

#: How many rows the preview shows.
PREVIEW_ROWS = 10
#: The 填报单位 line the export writes above its header (填报单位：幸福乡红旗村), as the file has it.
UNIT_LINE = re.compile(r"填报单位\s*[:：]?\s*(\S+)")
#: A text that names a village (大河村, 大河村一组, 幸福乡新街社区).
NAMES_A_VILLAGE = re.compile(r"村|社区")


def shown(column: Column, value: Any) -> str:
    """Return ``value`` (as the column parsed it) as the preview shows it: as it will be stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if column.kind == Kind.MONTH and isinstance(value, dt.date):
        return _("%(year)s年%(month)s月") % {"year": value.year, "month": value.month}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if column.kind == Kind.CHOICE:
        return str(dict(column.choice_pairs()).get(value, value))
    return str(value)


def preview_rows(
    fields: Sequence[Column], table: Table, rows: Sequence[Any], *, limit: int = PREVIEW_ROWS
) -> dict:
    """Return the first ``limit`` rows as they will be stored: ``{"headers": [{"title", "kind"}],
    "rows": [{"row": Excel row number, "cells": [text, or None for a cell with an error]}]}``.

    ``rows`` are the parsed rows (``Importer.parse``), one a row of ``table``. Only the columns the
    file has and the import reads are shown.
    """
    shown_fields = [f for f in fields if f.key in table.mapping and not f.derived]
    preview_rows_ = []
    for raw, row in zip(table.rows[:limit], rows[:limit], strict=False):
        cells = []
        for f in shown_fields:
            bad = f.key not in row.values and clean_text(raw.values.get(f.key))
            cells.append(None if bad else shown(f, row.values.get(f.key)))
        preview_rows_.append({"row": row.number, "cells": cells})
    return {
        "headers": [{"title": f.import_label, "kind": str(f.kind)} for f in shown_fields],
        "rows": preview_rows_,
    }


#: Headers of a column that only numbers the rows: not listed as unread.
ROW_NUMBER_HEADERS = ("序号",)


def unread_columns(fields: Sequence[Column], table: Table) -> dict[str, list[str]]:
    """Return ``{"not_read": [headers], "checked": [headers]}`` of the file's columns.

    Not read: a column no field takes (not 序号), or one taken by a column the system works out and
    does not check (村组 of a register whose persons are registered). Checked: one taken by a column
    the system works out and compares (年龄). Each by its header in the file, in the file's order.
    """
    by_index = {column.index: key for key, column in table.mapping.items()}
    columns = {f.key: f for f in fields}
    not_read: list[str] = []
    checked: list[str] = []
    for column in table.columns:
        key = by_index.get(column.index)
        field = columns.get(key) if key is not None else None
        if field is None:
            if column.label not in ROW_NUMBER_HEADERS:
                not_read.append(column.title)
        elif field.checked:
            checked.append(column.title)
        elif field.derived:
            not_read.append(column.title)
    return {"not_read": not_read, "checked": checked}


def _other_village(text: str, village_name: str) -> bool:
    """Return whether ``text`` names a village and not ``village_name``."""
    return bool(text) and NAMES_A_VILLAGE.search(text) is not None and village_name not in text


def village_warnings(table: Table, village: Any, keys: Sequence[str], titles: dict[str, str]) -> list[dict]:
    """Return where the file names another village than ``village``: ``{"where": "unit", "written"}``
    for its 填报单位 line, ``{"where": "column", "column", "written", "row", "rows"}`` for the first
    cell of a column of ``keys`` that does (with how many rows do)."""
    warnings: list[dict] = []
    for line in table.preamble:
        match = UNIT_LINE.search(line)
        if match and _other_village(match.group(1), village.name):
            warnings.append({"where": "unit", "written": match.group(1)})
            break
    for key in keys:
        if key not in table.mapping:
            continue
        others = [
            (raw.number, text)
            for raw in table.rows
            if _other_village(text := clean_text(raw.values.get(key)), village.name)
        ]
        if others:
            row, written = others[0]
            column = titles.get(key, key)
            warnings.append(
                {"where": "column", "column": column, "written": written, "row": row, "rows": len(others)}
            )
    return warnings
