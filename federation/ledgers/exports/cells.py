"""Values as cells: safe text for spreadsheets, and the one way each kind of value is shown.

Formula injection: a text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
would be run as a formula by a spreadsheet that re-reads it (after an edit, or a round trip through
CSV). Every such text is written to Excel with an apostrophe in front, as a text cell:
the person opening the file sees ``'=1+1``, and no spreadsheet evaluates it, even after she edits
the cell or saves the sheet as CSV. The apostrophe is visible on purpose: it tells the reader the
value was not typed like that. PDFs cannot run anything and show the value as it was entered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from federation.ledgers.exports.definitions import Kind, month_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Characters XML 1.0 forbids (control characters but tab, newline and carriage return).
ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037\ufffe\uffff]")


def safe_text(value: str) -> str:
    """Return ``value`` fit for a spreadsheet cell: no XML-illegal characters, no formula start.

    A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe (``'=1+1``) and is written as text.
    """
    value = ILLEGAL_XML.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_value(value: Any, kind: Kind) -> Any:
    """Return the value written to Excel for a column of ``kind``.

    Numbers stay numbers and dates dates (the column's number format shows them); booleans become
    是/否; everything else, ID and phone numbers first, becomes safe text (``safe_text``).
    """
    if value is None or value == "":
        return None
    if kind is Kind.BOOL or isinstance(value, bool):
        return "是" if value else "否"
    if kind in (Kind.INT, Kind.MONEY) and isinstance(value, int | float | Decimal):
        return value
    if kind in (Kind.DATE, Kind.MONTH) and isinstance(value, dt.date):
        return value
    return safe_text(str(value))


def excel_converter(kind: Kind) -> Callable[[Any], Any]:
    """Return ``excel_value`` for one column kind, with a quick path for the common text cell.

    A county export writes a million cells: deciding the kind once per column, not once per
    cell, is most of what this is for.
    """
    if kind in (Kind.TEXT, Kind.ID_NUMBER, Kind.PHONE):

        def text(value: Any) -> Any:
            if value.__class__ is str:
                if not value:
                    return None
                if value[0] in FORMULA_STARTS or ILLEGAL_XML.search(value):
                    return safe_text(value)
                return value
            return excel_value(value, kind)

        return text
    return lambda value: excel_value(value, kind)


def pdf_text(value: Any, kind: Kind) -> str:
    """Return the text a PDF shows for a value of a column of ``kind``."""
    if value is None or value == "":
        return ""
    if kind is Kind.BOOL or isinstance(value, bool):
        return "是" if value else "否"
    if kind is Kind.MONEY and isinstance(value, int | float | Decimal):
        return f"{value:,.2f}"
    if kind is Kind.MONTH and isinstance(value, dt.date):
        return month_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return ILLEGAL_XML.sub("", str(value))


def yes_no(value: bool | None) -> str:
    """Return 是 or 否 (empty for unknown)."""
    if value is None:
        return ""
    return "是" if value else "否"
