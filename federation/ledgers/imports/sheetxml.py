"""The rows of a worksheet read straight from its XML, for speed.

Why: openpyxl's read-only mode builds a dict and a cell object for every cell; on a roster of
10,000 rows that was almost half of the whole import. Here each ``<row>`` is parsed with lxml and
turned into plain values at once, the same values openpyxl read-only gives with
``values_only=True`` and formulas as text (``data_only=False``): shared and inline strings (rich
text runs joined), numbers (int unless the text has ``.``, ``e`` or ``E``), numbers in a date style
as datetimes (by openpyxl's own helpers, 1900 or 1904 calendar), booleans, error texts and
``"=" + formula``. Row numbers stay right: a missing row comes back as an empty tuple.

Only for an archive already checked by :func:`federation.ledgers.imports.reader.check_archive` (no DOCTYPE
or ENTITY anywhere); the parser still resolves no entity and reads nothing from the network.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from warnings import warn

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_C, _V, _F, _IS, _T, _R = (NS + tag for tag in ("c", "v", "f", "is", "t", "r"))
_SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": False}

#: (the values of a row, the 0-based indexes of its formula cells)
RowValues = tuple[tuple[Any, ...], frozenset[int]]


@dataclass
class _Book:
    """What the cells of a sheet need from the rest of the workbook."""

    strings: list[str]
    date_styles: set[int]
    timedelta_styles: set[int]
    epoch: Any


def _parse(archive: zipfile.ZipFile, path: str) -> etree._Element:
    with archive.open(path) as part:
        return etree.parse(part, etree.XMLParser(**_SAFE)).getroot()


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Return {relationship id: (type, path of the target in the archive)} of a part."""
    folder, name = posixpath.split(part)
    path = posixpath.join(folder, "_rels", name + ".rels")
    if path not in archive.namelist():
        return {}
    rels = {}
    for rel in _parse(archive, path).iter(f"{_RELS_NS}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        rels[rel.get("Id")] = (rel.get("Type", ""), posixpath.normpath(target))
    return rels


def _text(node: etree._Element) -> str:
    """Return the text of a ``<si>`` or ``<is>``: its ``<t>`` and the ``<t>`` of its rich text runs."""
    texts = []
    for child in node:
        if child.tag == _T:
            texts.append(child.text or "")
        elif child.tag == _R:
            texts.extend(t.text or "" for t in child if t.tag == _T)
    return "".join(texts)


def _styles(archive: zipfile.ZipFile) -> tuple[set[int], set[int]]:
    """Return the indexes of the cell styles showing a date and those showing a duration."""
    dates: set[int] = set()
    durations: set[int] = set()
    if "xl/styles.xml" not in archive.namelist():  # openpyxl reads the stylesheet from there only
        return dates, durations
    root = _parse(archive, "xl/styles.xml")
    custom = {int(n.get("numFmtId")): n.get("formatCode") for n in root.iterfind(f"{NS}numFmts/{NS}numFmt")}
    for index, xf in enumerate(root.iterfind(f"{NS}cellXfs/{NS}xf")):
        number_format = int(xf.get("numFmtId", 0))
        code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


def sheet_rows(data: bytes, sheet: str | None = None) -> Iterator[RowValues]:
    """Return an iterator of the rows of the sheet named ``sheet`` (by default the first worksheet).

    The workbook, its shared strings and styles are read now: a missing sheet or part raises
    ``KeyError`` here, not on the first row.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    package = _rels(archive, "")
    workbook_path = next((p for t, p in package.values() if t.endswith("/officeDocument")), "xl/workbook.xml")
    root = _parse(archive, workbook_path)
    rels = _rels(archive, workbook_path)
    paths = [
        rels[s.get(_REL_ID)][1]
        for s in root.iterfind(f"{NS}sheets/{NS}sheet")
        if rels.get(s.get(_REL_ID), ("",))[0].endswith("/worksheet") and sheet in (None, s.get("name"))
    ]
    if not paths:
        raise KeyError(f"no worksheet {sheet!r}")
    properties = root.find(f"{NS}workbookPr")
    date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
    strings_path = next((p for t, p in rels.values() if t.endswith("/sharedStrings")), None)
    strings = []
    if strings_path is not None:
        si = _parse(archive, strings_path).iterfind(f"{NS}si")
        strings = [_text(node).replace("x005F_", "") for node in si]  # as openpyxl does
    book = _Book(strings, *_styles(archive), CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
    return _rows(archive, paths[0], book)


def _rows(archive: zipfile.ZipFile, path: str, book: _Book) -> Iterator[RowValues]:
    shared: dict[str, Translator] = {}
    expected = 1  # the Excel number of the next row to yield
    number = 0
    with archive, archive.open(path) as part:
        for _event, row in etree.iterparse(part, events=("end",), tag=f"{NS}row", **_SAFE):
            number = int(float(row.get("r"))) if row.get("r") else number + 1
            if number >= expected:  # openpyxl skips a row numbered before one already read
                for _ in range(expected, number):
                    yield (), frozenset()
                yield _cells(row, book, shared)
                expected = number + 1
            row.clear(keep_tail=True)
            while row.getprevious() is not None:
                del row.getparent()[0]


def _cells(row: etree._Element, book: _Book, shared: dict[str, Translator]) -> RowValues:
    """Return the values of a row up to its last cell, and the indexes of its formula cells."""
    values: dict[int, Any] = {}
    formulas: set[int] = set()
    column = 0
    for cell in row:
        if cell.tag != _C:
            continue
        ref = cell.get("r")
        column = column_index_from_string(ref.rstrip("0123456789").upper()) if ref else column + 1
        value = formula = inline = None
        for child in cell:
            if child.tag == _V:
                value = child.text
            elif child.tag == _F:
                formula = child
            elif child.tag == _IS:
                inline = child
        if formula is not None:
            values[column] = _formula(formula, ref, shared)
            formulas.add(column - 1)
        else:
            values[column] = _value(cell.get("t", "n"), value, inline, cell, book)
            formulas.discard(column - 1)
    return tuple(values.get(i) for i in range(1, column + 1)), frozenset(i for i in formulas if i < column)


def _formula(formula: etree._Element, ref: str | None, shared: dict[str, Translator]) -> Any:
    """Return a formula as openpyxl does: its text, or an array or data table formula."""
    text = "=" + (formula.text or "")
    kind = formula.get("t")
    if kind == "array":
        return ArrayFormula(ref=formula.get("ref"), text=text)
    if kind == "dataTable":
        return DataTableFormula(**formula.attrib)
    if kind == "shared":
        index = formula.get("si")
        if index in shared:
            return shared[index].translate_formula(ref)
        if text != "=":
            shared[index] = Translator(text, ref)
    return text


def _value(
    kind: str, text: str | None, inline: etree._Element | None, cell: etree._Element, book: _Book
) -> Any:
    """Return the value of a cell without a formula, from its type, its ``<v>`` and its ``<is>``."""
    if kind == "inlineStr":
        return None if inline is None else _text(inline)
    if not text:
        return None
    if kind == "n":
        number = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        style = int(cell.get("s") or 0)
        if style not in book.date_styles:
            return number
        try:
            return from_excel(number, book.epoch, timedelta=style in book.timedelta_styles)
        except (OverflowError, ValueError):
            warn(f"Cell {cell.get('r')} is marked as a date but {number} is out of range.", stacklevel=2)
            return "#VALUE!"
    if kind == "s":
        return book.strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return from_ISO8601(text)
    return text  # "str" (a formula's result), "e" (an error such as #N/A)
