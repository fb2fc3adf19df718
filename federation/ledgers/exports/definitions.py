"""Declarative ledger layouts: what a county-format table or registration card contains.

A layout says nothing about where its rows come from (that is the registry entry's selector) nor
about a file format (that is a builder's job): the same :class:`Table` gives the Excel sheet and
the PDF, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from federation.ledgers.columns import (  # noqa: F401 - the layouts' parts, from one place
    DEFAULT_WIDTHS,
    NUMBER_FORMATS,
    Column,
    ColumnGroup,
    Kind,
    Total,
    display_width,
    exported_only,
    leaves,
)

if TYPE_CHECKING:
    from federation.ledgers.exports.context import ExportContext


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

    def __post_init__(self) -> None:
        # ``columns`` are what the export writes; ``declared_columns`` also hold those only an
        # import reads (``Column.exported``), in the order they were declared.
        object.__setattr__(self, "declared_columns", tuple(self.columns))
        object.__setattr__(self, "columns", exported_only(self.columns))

    @property
    def leaves(self) -> list[Column]:
        """Return the data columns in order, groups flattened (序号 not included)."""
        return leaves(self.columns)

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
    ``wide`` gives the field a whole line of the grid instead of half of one. ``birth`` marks a
    birth date, which a role that sees masked ID numbers does not get (``ExportContext.shown``).
    """

    key: str
    label: str
    kind: Kind = Kind.TEXT
    choices: tuple[tuple[Any, str], ...] = ()
    wide: bool = False
    birth: bool = False


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
