"""Declarative ledger layouts: what a county-format table or registration card contains.

A layout says nothing about where its rows come from (that is the registry entry's selector) nor
about a file format (that is a builder's job): the same :class:`Table` gives the Excel sheet and
the PDF, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from federation.ledgers.exports.context import ExportContext


class Kind(StrEnum):
    """How a column's values are written; the builders format each kind the same way."""

    TEXT = "text"
    ID_NUMBER = "id_number"  # text, masked for roles that need no full number
    PHONE = "phone"  # text, never a number
    INT = "int"
    MONEY = "money"  # yuan, two decimals
    DATE = "date"  # 2014-03-18
    MONTH = "month"  # 1975年6月
    BOOL = "bool"  # 是 / 否


class Total(StrEnum):
    """What the totals row (合计) shows under a column."""

    SUM = "sum"  # the sum of the numbers
    COUNT = "count"  # how many rows say 是 (or hold any value)


#: The default width of a column of each kind, in Excel's character units (one CJK character ≈ 2).
DEFAULT_WIDTHS = {
    Kind.TEXT: 10,
    Kind.ID_NUMBER: 20,
    Kind.PHONE: 13,
    Kind.INT: 6,
    Kind.MONEY: 11,
    Kind.DATE: 11,
    Kind.MONTH: 10,
    Kind.BOOL: 6,
}

NUMBER_FORMATS = {
    Kind.INT: "0",
    Kind.MONEY: "#,##0.00",
    Kind.DATE: "yyyy-mm-dd",
    Kind.MONTH: 'yyyy"年"m"月"',
}


class _CharWidths(dict):
    """Character -> its width (2 for wide or full-width, else 1), looked up once per character."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_CHAR_WIDTHS = _CharWidths()


def display_width(text: str) -> int:
    """Return the width of ``text`` in Excel character units: 2 for a wide (CJK) character, else 1."""
    return sum(map(_CHAR_WIDTHS.__getitem__, str(text)))


@dataclass(frozen=True)
class Column:
    """One column of a table ledger: a Chinese header and how its values are written."""

    key: str
    header: str
    kind: Kind = Kind.TEXT
    width: float | None = None
    total: Total | None = None
    wrap: bool = False
    number_format: str | None = None

    @property
    def excel_width(self) -> float:
        """Return the column's width: the declared one, else wide enough for its header and kind."""
        if self.width is not None:
            return self.width
        return max(DEFAULT_WIDTHS[self.kind], display_width(str(self.header)) + 2)

    @property
    def excel_number_format(self) -> str:
        """Return the column's Excel number format ("@", text, for every text-like kind)."""
        return self.number_format or NUMBER_FORMATS.get(self.kind, "@")

    @property
    def align(self) -> str:
        """Return the horizontal alignment: numbers right, short values centred, text left."""
        if self.kind in (Kind.INT, Kind.MONEY):
            return "right"
        if self.kind in (Kind.BOOL, Kind.DATE, Kind.MONTH, Kind.ID_NUMBER, Kind.PHONE):
            return "center"
        return "left"


@dataclass(frozen=True)
class ColumnGroup:
    """Columns under one shared header: the table's header then takes two rows (丈夫: 姓名, 身份证号…)."""

    header: str
    columns: tuple[Column, ...]


#: A note of the 注 block: fixed text, or a function of the export (e.g. the reference date).
Note = str | Callable[["ExportContext"], str]


@dataclass(frozen=True)
class Table:
    """A county-format table: title, header of one or two rows (序号 first), rows, 合计, 注, footer.

    ``count_unit`` names what a row is (人, 户, 个) in the totals row: "合计：N 人".
    ``landscape`` chooses A4 landscape; ``None`` decides by the table's width.
    ``footer`` overrides the signature labels of the setting ``LEDGER_FOOTER_LABELS``.
    """

    title: str
    columns: tuple[Column | ColumnGroup, ...]
    notes: tuple[Note, ...] = ()
    count_unit: str = "人"
    footer: tuple[str, ...] | None = None
    landscape: bool | None = None
    number_header: str = "序号"

    kind = "table"

    @property
    def leaves(self) -> list[Column]:
        """Return the data columns in order, groups flattened (序号 not included)."""
        leaves: list[Column] = []
        for item in self.columns:
            leaves.extend(item.columns if isinstance(item, ColumnGroup) else (item,))
        return leaves

    @property
    def header_rows(self) -> int:
        """Return 2 when a column group needs a second header row, else 1."""
        return 2 if any(isinstance(item, ColumnGroup) for item in self.columns) else 1

    @property
    def number_width(self) -> float:
        return 5

    @property
    def is_landscape(self) -> bool:
        """Return True for A4 landscape: declared, or a table wider than portrait A4 holds."""
        if self.landscape is not None:
            return self.landscape
        return self.number_width + sum(c.excel_width for c in self.leaves) > 95 or len(self.leaves) > 8


@dataclass(frozen=True)
class CardField:
    """One label/value pair of a registration card.

    With ``choices`` (value, label) the value prints as ticked boxes: 是（√）否（ ）.
    ``wide`` gives the field a whole line of the grid instead of half of one.
    """

    key: str
    label: str
    kind: Kind = Kind.TEXT
    choices: tuple[tuple[Any, str], ...] = ()
    wide: bool = False


@dataclass(frozen=True)
class Card:
    """A registration card (登记卡): one record a page, a grid of labels and values.

    ``sections`` are (heading, fields); a heading may be empty. Cards are laid out for print, so
    they have a PDF only: a spreadsheet of cards would be the roster again.
    """

    title: str
    sections: tuple[tuple[str, tuple[CardField, ...]], ...]
    notes: tuple[Note, ...] = ()
    footer: tuple[str, ...] | None = None

    kind = "card"
    landscape = False
    is_landscape = False

    @property
    def fields(self) -> list[CardField]:
        return [f for _heading, fields in self.sections for f in fields]


Layout = Table | Card


TICK, BLANK = "√", "\u3000"  # a blank box holds a full-width space, so ticked and blank align


def boxes(value: Any, choices: Sequence[tuple[Any, str]]) -> str:
    """Return ``choices`` as ticked boxes, e.g. 是（√）否（ ）, the chosen one ticked."""
    return "　".join(f"{label}（{TICK if value == choice else BLANK}）" for choice, label in choices)


def month_text(day: dt.date | None) -> str:
    """Return a date as 1975年6月 (a birth month, an office start)."""
    return f"{day.year}年{day.month}月" if day else ""


class Totals:
    """The running totals of a table while its rows stream past."""

    def __init__(self, table: Table):
        self.table = table
        self.rows = 0
        self.sums: dict[str, Any] = {}
        self._totalled = [(i, c.key, c.total) for i, c in enumerate(table.leaves) if c.total is not None]

    def add(self, values: Sequence[Any]) -> None:
        """Count one row and add its values to the totalled columns."""
        self.rows += 1
        for index, key, total in self._totalled:
            value = values[index]
            if total is Total.SUM:
                if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    self.sums[key] = self.sums.get(key, 0) + value
            elif value not in (None, "", False):
                self.sums[key] = self.sums.get(key, 0) + 1

    def value(self, column: Column) -> Any:
        """Return the total under ``column`` (0 when totalled and empty; None when not totalled)."""
        if column.total is None:
            return None
        return self.sums.get(column.key, 0)
