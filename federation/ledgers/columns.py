"""The columns of a ledger, one object for both directions: what the export writes, what the import reads.

A :class:`Column` says how its values look (``kind``, width, totals) and, for the import, which
header texts name it (``label`` and ``aliases``), which values it accepts and whether it is read
back at all (``read``: 年龄 or 村组 are written by the export and never read). Where its value
comes from is ``field`` (a field of the ledger's record, written back by the import) or
``source`` (a dotted path or a function of the record and the export's context). The export
builds each row by key from these, the import matches a file's columns to them by their texts
and hands the importer the values by key: nothing is matched by position or by retyped headers.
The column of a record's own field is declared with ``Column.of_field`` (its key is the field's
name), a 是/否 one with :func:`flag`.

A column the export works out (``read=False``) is not silently dropped when a file fills it: with
``derive`` (a function of the row's :class:`Facts` returning what the system works out, an
:class:`Expected`) the import checks the typed value against it and refuses the row with both
values (``federation.ledgers.imports.framework.Importer.check_typed``, the one comparison for every
register); without it the preview lists the column as not read.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from federation.core.dotted import resolve


class Kind(StrEnum):
    """What a column holds; the builders write, and the import reads, each kind its own way."""

    TEXT = "text"
    ID_NUMBER = "id_number"  # text, masked for roles that need no full number
    PHONE = "phone"  # text, never a number
    INT = "int"
    MONEY = "money"  # yuan, two decimals
    DATE = "date"  # 2014-03-18
    MONTH = "month"  # 1975年6月
    BOOL = "bool"  # 是 / 否
    CHOICE = "choice"  # the label of one of ``choices`` (text in the export)


class Total(StrEnum):
    """What the totals row (合计) shows under a column."""

    SUM = "sum"  # the sum of the numbers
    COUNT = "count"  # how many rows say 是 (or hold any value)


#: The default width of a column of each kind, in Excel's character units (one CJK character ≈ 2).
DEFAULT_WIDTHS = {
    Kind.TEXT: 10,
    Kind.CHOICE: 10,
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

#: What the import's explanation sheet says of a column of each kind.
KIND_HELP = {
    Kind.TEXT: gettext_lazy("文字。"),
    Kind.ID_NUMBER: gettext_lazy(
        "18 位身份证号，末位可为 X。请把这一列设为“文本”格式，以免 Excel 改成科学计数法。"
    ),
    Kind.PHONE: gettext_lazy("手机或固定电话号码，只含数字、空格、+ 和 -。"),
    Kind.DATE: gettext_lazy("日期，如 2014-3-18、2014/03/18 或 2014年3月18日，也可以是 Excel 日期。"),
    Kind.MONTH: gettext_lazy("年月，如 1985年3月、1985-03 或 1985.3。"),
    Kind.BOOL: gettext_lazy("填 是 或 否（也可用 √ 或 ×）。"),
    Kind.INT: gettext_lazy("整数。"),
    Kind.MONEY: gettext_lazy("金额（元），数字，最多两位小数。"),
}
DERIVED_HELP = gettext_lazy("由系统算出，导入时不读取，可以留空。")
CHECKED_HELP = gettext_lazy("由系统算出，可以留空；填了的，导入时与系统算出的核对，不一致的行不导入。")


@dataclass(frozen=True)
class Facts:
    """What a derived column's check may read of one imported row.

    ``values``: the row's parsed values by column key (as they will be stored); ``record``: what the
    importer found or made for the row (a person, a register entry), None when it says nothing;
    ``year``: the import's year (a yearly register's, else the current one).
    """

    values: Mapping[str, Any]
    record: Any
    year: int


@dataclass(frozen=True)
class Expected:
    """What the system works out for a derived column of a row.

    ``accepted``: the typed values that agree with it (an age or a count of months holds for part of
    a year, so a register kept all year may have typed either); ``shown``: the value the message
    names; ``basis``: what it is worked out from, as the message says it (按外出时间 2012年3月 到
    2014年3月18日算).
    """

    accepted: frozenset[Any]
    shown: str
    basis: str


#: (the row's facts) -> what the system works out, or None when the row does not tell.
Derive = Callable[[Facts], "Expected | None"]


class _CharWidths(dict):
    """Character -> its width (2 for wide or full-width, else 1), looked up once per character."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_CHAR_WIDTHS = _CharWidths()


def display_width(text: str) -> int:
    """Return the width of ``text`` in Excel character units: 2 for a wide (CJK) character, else 1."""
    return sum(map(_CHAR_WIDTHS.__getitem__, str(text)))


#: (record, export context) -> a cell's value.
Source = Callable[[Any, Any], Any]

#: Column._choice_table's tables, by column and language.
_CHOICE_TABLES: dict[tuple[int, str | None], dict[str, str]] = {}


@dataclass(frozen=True)
class Column:
    """One column of a ledger (see the module docstring).

    Export: ``header`` (under its group's header, if any), ``kind``, ``width``, ``total``, ``wrap``;
    the value is ``source`` (a function of the record and the context, or a dotted path such as
    ``person.name``) or the record's ``field`` (shown by its choice label, if it has choices).
    Import: ``label`` (the header the template and the messages use; the group's header and this
    one by default), ``aliases`` (other texts villages write), ``choices`` with ``value_aliases``,
    ``required``, ``help``; ``read=False`` for a column the export works out (never stored) and
    ``exported=False`` for a column only an import reads (a village may add it to its header);
    ``derive`` for a ``read=False`` column the import checks (see the module), ``parser`` for a
    column parsed otherwise than its kind (the export still writes and masks it by its kind).
    ``birth=True`` marks a birth date or month: a role that sees masked ID numbers gets 年龄 in
    its place (``ExportContext.shown``), since the date would give the masked digits back.
    """

    key: str
    header: str
    kind: Kind = Kind.TEXT
    width: float | None = None
    total: Total | None = None
    wrap: bool = False
    number_format: str | None = None
    source: str | Source | None = None
    field: str | None = None
    label: str | None = None
    aliases: tuple[str, ...] = ()
    choices: Any = None
    value_aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    required: bool = False
    help: Any = ""  # str or a lazy translation
    read: bool = True
    exported: bool = True
    birth: bool = False
    derive: Derive | None = None
    parser: Callable[[Any], tuple[Any, str | None]] | None = None

    @classmethod
    def of_field(cls, key: str, header: str, kind: Kind = Kind.TEXT, **options: Any) -> Column:
        """Return the column ``key`` of the record's field of that name (written out and read back)."""
        return cls(key, header, kind, field=key, **options)

    # -- the export --------------------------------------------------------------------------------

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

    def getter(self) -> Source | None:
        """Return how the export reads this column's value from a record, or None (the row gives it)."""
        if callable(self.source):
            return self.source
        if self.source:
            return _path_getter(self.source)
        if self.field:
            display, name = f"get_{self.field}_display", self.field

            def value(record: Any, ctx: Any) -> Any:
                shown = getattr(record, display, None)
                return shown() if shown is not None else getattr(record, name)

            return value
        return None

    # -- the import --------------------------------------------------------------------------------

    @property
    def import_label(self) -> str:
        return str(self.label or self.header)

    @property
    def derived(self) -> bool:
        """Return True for a column the export works out and the import never reads (年龄, 村组)."""
        return not self.read

    @property
    def checked(self) -> bool:
        """Return True for a derived column whose typed values the import checks (``derive``)."""
        return self.derived and self.derive is not None

    @property
    def spec(self) -> tuple[str, list[str]]:
        """Return (key, the header texts that name it) for the reader's column proposal."""
        return self.key, [self.import_label, *self.aliases]

    def choice_pairs(self) -> list[tuple[Any, str]]:
        choices = getattr(self.choices, "choices", self.choices)
        return [(value, label) for value, label in choices or ()]

    def allowed_text(self) -> str:
        """Return the allowed values as the explanation sheet and error messages list them."""
        return "、".join(str(label) for _value, label in self.choice_pairs() if label)

    def explanation(self) -> str:
        """Return the explanation sheet's text of this column."""
        if self.checked:
            return str(CHECKED_HELP)
        if self.derived:
            return str(DERIVED_HELP)
        parts = [str(self.help)] if self.help else []
        if self.kind == Kind.CHOICE:
            parts.append(_("从下列值中选填一个：%(allowed)s。") % {"allowed": self.allowed_text()})
        elif not (self.help and self.kind == Kind.TEXT):
            parts.append(str(KIND_HELP.get(self.kind, "")))
        return " ".join(p for p in parts if p)

    def parse(self, raw: Any) -> tuple[Any, str | None]:
        """Return (value, None) or (None, the reason, through gettext); a blank cell gives (None, None).

        A derived column gives (None, None) unless it is checked: then its typed value, a number
        maybe followed by its unit (36岁, 24个月).
        """
        from federation.ledgers.imports import cells

        if self.derived and not self.checked:
            return None, None
        if self.parser is not None:
            return self.parser(raw)
        if self.checked and self.kind == Kind.INT:
            return cells.parse_int(cells.without_unit(raw))
        parsers = {
            Kind.ID_NUMBER: cells.parse_id,
            Kind.DATE: cells.parse_date,
            Kind.MONTH: cells.parse_month,
            Kind.BOOL: cells.parse_bool,
            Kind.INT: cells.parse_int,
            Kind.MONEY: cells.parse_money,
            Kind.CHOICE: self._parse_choice,
        }
        value, error = parsers.get(self.kind, cells.parse_text)(raw)
        if error is None and value is None and self.required:
            error = _("“%(column)s”不能为空。") % {"column": self.import_label}
        return value, error

    def _parse_choice(self, raw: Any) -> tuple[Any, str | None]:
        from federation.ledgers.imports.cells import normalize_header, parse_text

        text, _error = parse_text(raw)
        if not text:
            return None, None
        table = self._choice_table()
        value = table.get(text)
        if value is None:
            value = table.get(normalize_header(text))
        if value is not None:
            return value, None
        return None, _("“%(value)s”不是允许的值，应为：%(allowed)s。") % {
            "value": text,
            "allowed": self.allowed_text(),
        }

    def _choice_table(self) -> dict[str, str]:
        """Return {text: value} of the allowed texts (labels, values, aliases), built once a language.

        The first choice a text names wins; the texts are there as written (what a file holds most
        of the time) and in their normal form (``normalize_header``).
        """
        from federation.ledgers.imports.cells import normalize_header

        key = (id(self), get_language())
        table = _CHOICE_TABLES.get(key)
        if table is None:
            pairs = self.choice_pairs()
            normal: dict[str, str] = {}
            for value, label in pairs:
                normal.setdefault(normalize_header(label), value)
                normal.setdefault(normalize_header(value), value)
            for alias, value in self.value_aliases.items():
                normal.setdefault(normalize_header(alias), value)
            normal.pop("", None)
            written = [str(k) for pair in pairs for k in pair] + list(self.value_aliases)
            table = {**{k: normal[normalize_header(k)] for k in written if normalize_header(k)}, **normal}
            _CHOICE_TABLES[key] = table
        return table


#: What a blank cell of a 是/否 column stores, as its help says it.
BLANK_MEANS = {False: gettext_lazy("空着为否。"), True: gettext_lazy("空着为是。")}


def flag(key: str, header: str, *, empty: bool = False, counted: bool = True, **options: Any) -> Column:
    """Return the 是/否 column of the record's field ``key``: a blank cell is ``empty`` (said in its help),
    and the 合计 row counts its 是 unless ``counted`` is false."""
    total = Total.COUNT if counted else None
    return Column.of_field(key, header, Kind.BOOL, total=total, help=BLANK_MEANS[empty], **options)


@dataclass(frozen=True)
class ColumnGroup:
    """Columns under one shared header: the table's header then takes two rows (丈夫: 姓名, 身份证号…).

    For the import, a grouped column is named by the group's header and its own (丈夫姓名).
    """

    header: str
    columns: tuple[Column, ...]


def _path_getter(path: str) -> Source:
    return lambda record, ctx: resolve(record, path)


def leaves(columns: Iterable[Column | ColumnGroup]) -> list[Column]:
    """Return the columns in order with groups flattened."""
    flat: list[Column] = []
    for item in columns:
        flat.extend(item.columns if isinstance(item, ColumnGroup) else (item,))
    return flat


def import_columns(columns: Iterable[Column | ColumnGroup]) -> tuple[Column, ...]:
    """Return the columns as the import sees them: in order, a grouped one named by its group too."""
    flat: list[Column] = []
    for item in columns:
        if isinstance(item, ColumnGroup):
            for column in item.columns:
                label = column.label or format_lazy("{}{}", item.header, column.header)
                flat.append(replace(column, label=label))
        else:
            flat.append(item)
    return tuple(flat)


def with_model_choices(columns: Iterable[Column], model: Any) -> tuple[Column, ...]:
    """Return ``columns`` with each choice column of a ``model`` field given that field's choices."""
    bound = []
    for column in columns:
        if column.kind == Kind.CHOICE and column.choices is None and column.field:
            column = replace(column, choices=tuple(model._meta.get_field(column.field).choices))
        bound.append(column)
    return tuple(bound)


def exported_only(columns: Sequence[Column | ColumnGroup]) -> tuple[Column | ColumnGroup, ...]:
    """Return the columns an export writes (those ``exported``), groups kept when they hold any."""
    kept: list[Column | ColumnGroup] = []
    for item in columns:
        if isinstance(item, ColumnGroup):
            inner = tuple(c for c in item.columns if c.exported)
            if inner:
                kept.append(ColumnGroup(item.header, inner))
        elif item.exported:
            kept.append(item)
    return tuple(kept)
