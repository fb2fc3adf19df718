"""A safe, tolerant reader of the ledgers villages keep in Excel.

Safety comes first and before any parsing: :func:`open_workbook` refuses a file that is too big,
is not a zip archive (a renamed non-xlsx), would unpack to too much or holds too many entries, or
has an XML part declaring a DOCTYPE or an ENTITY. Only then does openpyxl load it, read-only and
without evaluating formulas: a formula comes back as its text (``=SUM(A1:A3)``).

Tolerance comes next: :func:`read_table` finds the header under a merged title and the 填报单位
line (one or two rows, with group headers such as 丈夫 over 姓名/务工地点), proposes a mapping from
header texts to field keys, and reads the rows up to the 合计 row or the signature line.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from federation.ledgers.imports import sheetxml
from federation.ledgers.imports.cells import clean_text, normalize_header

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 5 * MB
DEFAULT_MAX_UNPACKED = 50 * MB
DEFAULT_MAX_ENTRIES = 500
#: How many rows at the top of a sheet may come before the header.
HEADER_SEARCH_ROWS = 20

_DANGEROUS = re.compile(r"<!\s*(doctype|entity)", re.IGNORECASE)


class ImportRefused(Exception):  # noqa: N818 - it is a refusal, named as the users see it
    """The file is refused before anything is read from it; ``message`` says why (translated)."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# -- opening ---------------------------------------------------------------------------------------


def _read_limited(source: str | os.PathLike | IO[bytes], max_bytes: int) -> tuple[bytes, str]:
    """Return the file's bytes and name, refusing a file over ``max_bytes`` without reading it all."""
    too_big = ImportRefused(
        _("文件太大：不能超过 %(limit)s MB。请删去不需要的工作表或图片后再上传。")
        % {"limit": f"{max_bytes / MB:g}"},
        "too_big",
    )
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        if os.path.getsize(name) > max_bytes:
            raise too_big
        with open(name, "rb") as handle:
            data = handle.read(max_bytes + 1)
    else:
        name = getattr(source, "name", "") or ""
        size = getattr(source, "size", None)
        if isinstance(size, int) and size > max_bytes:
            raise too_big
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big
    return data, os.path.basename(str(name))


def _text_chunks(part: IO[bytes], chunk_size: int = 64 * 1024) -> Iterable[str]:
    """Decode an XML part to text in chunks, by its byte-order mark (UTF-8, UTF-16 or UTF-32)."""
    head = part.read(4)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head[:2] == b"<\x00":
        encoding = "utf-16-le"
    elif head[:2] == b"\x00<":
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    chunk = head
    while chunk:
        yield decoder.decode(chunk)
        chunk = part.read(chunk_size)
    yield decoder.decode(b"", final=True)


_FORMULA = re.compile(r"<(?:\w+:)?f[\s>/]")


def _scan(part: IO[bytes]) -> tuple[bool, bool]:
    """Return (declares a DOCTYPE or ENTITY, holds a formula) of an XML part, read in chunks."""
    tail = ""
    formula = False
    for text in _text_chunks(part):
        window = tail + text
        if _DANGEROUS.search(window):
            return True, formula
        formula = formula or bool(_FORMULA.search(window))
        tail = window[-16:]
    return False, formula


def check_archive(
    data: bytes,
    *,
    max_unpacked: int = DEFAULT_MAX_UNPACKED,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> bool:
    """Refuse an archive that is not a zip, is too many entries, unpacks too big or has a DOCTYPE.

    Return whether a worksheet holds a formula (the reader then looks at each cell's type).
    """
    not_xlsx = ImportRefused(
        _(
            "这不是有效的 Excel 文件（.xlsx）：文件内容不是 Excel 工作簿，可能只是改了扩展名。"
            "请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。"
        ),
        "not_xlsx",
    )
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise not_xlsx
    try:
        archive = zipfile.ZipFile(buffer)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_xlsx from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise ImportRefused(
                _("文件结构异常：压缩包内有 %(entries)s 个部件，超过上限 %(limit)s 个，拒绝读取。")
                % {"entries": len(infos), "limit": max_entries},
                "too_many_entries",
            )
        unpacked = sum(info.file_size for info in infos)
        if unpacked > max_unpacked:
            raise ImportRefused(
                _("文件结构异常：解压后将达 %(size)s MB，超过上限 %(limit)s MB，可能是“压缩炸弹”，拒绝读取。")
                % {"size": f"{unpacked / MB:.0f}", "limit": f"{max_unpacked / MB:g}"},
                "too_big_unpacked",
            )
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise not_xlsx
        # Every part is scanned, whatever its name: the workbook's relationships may point a sheet at
        # a part not ending in .xml. The parts are small by now (at most ``max_unpacked`` in all).
        formulas = False
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as part:
                    dangerous, formula = _scan(part)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError):
                raise ImportRefused(_("文件已损坏，无法读取。请重新保存后再上传。"), "corrupt") from None
            if dangerous:
                raise ImportRefused(
                    _(
                        "文件含有不允许的 XML 声明（DOCTYPE/ENTITY，位于 %(part)s），"
                        "可能是恶意构造的文件，拒绝读取。"
                    )
                    % {"part": info.filename},
                    "xml_entity",
                )
            formulas = formulas or (formula and info.filename.startswith("xl/worksheets/"))
        return formulas


def not_xlsx_name(file_name: str) -> str:
    """Return the message refusing a file whose name does not end in .xlsx (the upload says it too)."""
    return _("只接受 Excel 工作簿（.xlsx）文件，“%(name)s”不是。旧版 .xls 请先另存为 .xlsx。") % {
        "name": file_name
    }


def open_workbook(
    source: str | os.PathLike | IO[bytes],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked: int = DEFAULT_MAX_UNPACKED,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    name: str | None = None,
):
    """Return the openpyxl workbook (read-only, formulas as text) of a safe .xlsx file.

    ``source`` is a path or a binary file (an uploaded file: its ``name`` is checked for .xlsx).
    Raise :class:`ImportRefused` with a translated message before parsing anything unsafe.
    The caller closes the workbook (``wb.close()``).
    """
    data, file_name = _read_limited(source, max_bytes)
    file_name = name or file_name
    if file_name and not file_name.lower().endswith(".xlsx"):
        raise ImportRefused(not_xlsx_name(file_name), "not_xlsx")
    formulas = check_archive(data, max_unpacked=max_unpacked, max_entries=max_entries)

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        workbook.has_formulas = formulas  # read_table then tells a formula from a text "=..."
        workbook.checked_data = data  # read_table then reads the rows from the XML (see sheetxml)
        return workbook
    except Exception:  # noqa: BLE001 - any failure of the parser is a file we cannot read
        raise ImportRefused(
            _("无法读取这个 Excel 文件，文件可能已损坏。请重新保存为 .xlsx 后再上传。"), "corrupt"
        ) from None


# -- header and rows -------------------------------------------------------------------------------

#: (field key, the header texts it is known by), e.g. ("husband", ["丈夫姓名", "丈夫情况姓名"]).
FieldSpec = tuple[str, Sequence[str]]

_INFO_PREFIXES = ("填报单位", "填报人", "填报日期", "单位", "统计截止")
_TOTAL_PREFIXES = ("合计", "总计")
_SIGNATURE_PREFIXES = ("审核人", "复核人", "制表人", "填表人", "负责人", "单位负责人")
_GROUP_SUFFIXES = ("基本情况", "情况", "信息")


@dataclass(frozen=True)
class HeaderColumn:
    """One column of the header: its index (0-based), its group header if any, and its label."""

    index: int
    label: str
    group: str = ""

    @property
    def title(self) -> str:
        """Return the header as a user reads it in an error: 丈夫情况·姓名."""
        return f"{self.group}·{self.label}" if self.group else self.label

    @property
    def variants(self) -> list[str]:
        """Return the normalised texts this column may be known by."""
        label = normalize_header(self.label)
        if not self.group:
            return [label]
        group = normalize_header(self.group)
        variants = [group + label]
        for suffix in _GROUP_SUFFIXES:
            if group.endswith(suffix) and len(group) > len(suffix):
                variants.append(group[: -len(suffix)] + label)
                break
        return variants


@dataclass
class Row:
    """One data row: its Excel row number and its raw values by field key (blanks trimmed)."""

    number: int
    values: dict[str, Any]
    cells: tuple[Any, ...] = ()
    formulas: frozenset[str] = frozenset()  # keys whose cell holds a formula, not a typed value


@dataclass
class Table:
    """What :func:`read_table` found: header rows, columns, the proposed mapping and the rows."""

    sheet_title: str
    header_rows: tuple[int, ...]
    columns: list[HeaderColumn]
    mapping: dict[str, HeaderColumn]
    rows: list[Row] = field(default_factory=list)
    stopped_at: int | None = None  # the Excel row number of the 合计 row or signature line
    stop_reason: str = ""
    #: The texts of each row above the header (the title, the 填报单位 line), a row's cells joined.
    preamble: tuple[str, ...] = ()

    @property
    def unmapped_fields(self) -> list[str]:
        return [key for key in self._field_keys if key not in self.mapping]

    _field_keys: list[str] = field(default_factory=list)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and clean_text(value) != ""


def _first_text(row: Sequence[Any]) -> str:
    for value in row:
        text = clean_text(value)
        if text:
            return normalize_header(text)
    return ""


def _matches(text: str, accepted: Iterable[str]) -> bool:
    return any(text == a or (len(text) >= 2 and len(a) >= 2 and (a in text or text in a)) for a in accepted)


def _header_score(row: Sequence[Any], accepted: list[str]) -> int:
    texts = [normalize_header(v) for v in row if _is_text(v)]
    if len(texts) < 2 or texts[0].startswith(_INFO_PREFIXES):
        return 0
    return sum(1 for text in texts if _matches(text, accepted))


def _is_subheader(top: Sequence[Any], below: Sequence[Any]) -> bool:
    """Return True when ``below`` is the second row of a grouped header under ``top``.

    Every value of ``below`` is text, and each stands under an empty cell of ``top`` or under a
    group header (a ``top`` cell whose right neighbour is empty while ``below`` goes on under it).
    """
    filled = [i for i, v in enumerate(below) if clean_text(v)]
    if not filled or not all(_is_text(below[i]) for i in filled):
        return False
    for i in filled:
        above = clean_text(top[i]) if i < len(top) else ""
        if not above:
            continue
        right_top = clean_text(top[i + 1]) if i + 1 < len(top) else ""
        right_below = clean_text(below[i + 1]) if i + 1 < len(below) else ""
        if right_top or not right_below:
            return False
    return any(not (clean_text(top[i]) if i < len(top) else "") for i in filled)


def _columns(top: Sequence[Any], below: Sequence[Any] | None) -> list[HeaderColumn]:
    columns: list[HeaderColumn] = []
    width = max(len(top), len(below or ()))
    group = ""
    for i in range(width):
        above = clean_text(top[i]) if i < len(top) else ""
        under = clean_text(below[i]) if below is not None and i < len(below) else ""
        label_above = re.sub(r"[\r\n]+", "", above)
        label_under = re.sub(r"[\r\n]+", "", under)
        if label_above and label_under:
            group = label_above
            columns.append(HeaderColumn(i, label_under, group))
        elif label_under:
            columns.append(HeaderColumn(i, label_under, group))
        elif label_above:
            group = ""
            columns.append(HeaderColumn(i, label_above))
        else:
            group = ""
    return columns


_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def propose_mapping(columns: Sequence[HeaderColumn], fields: Sequence[FieldSpec]) -> dict[str, HeaderColumn]:
    """Return {field key: column} proposed from the header texts.

    Exact matches of the normalised texts are taken first, for every field; then, for the fields
    still without a column, a column whose text, without what brackets add (联系电话（手机）), contains
    an accepted text or is contained in one, the closest in length first. A column is given to one
    field only.
    """
    accepted = {key: [normalize_header(t) for t in texts] for key, texts in fields}
    mapping: dict[str, HeaderColumn] = {}
    used: set[int] = set()
    for key, _texts in fields:
        for column in columns:
            if column.index not in used and set(column.variants) & set(accepted[key]):
                mapping[key] = column
                used.add(column.index)
                break
    for key, _texts in fields:
        if key in mapping:
            continue
        best: tuple[int, HeaderColumn] | None = None
        for column in columns:
            if column.index in used:
                continue
            # A column under a group header (丈夫·务工地点) is about another person: it is only taken
            # by a field that names the group, never by the row's own 务工地点.
            stem = column.variants[-1][: -len(normalize_header(column.label))] if column.group else ""
            for variant in column.variants:
                # What brackets add is an explanation, not the column: 子女（姓名、性别、年龄） is not 性别.
                bare = _BRACKETED.sub("", variant)
                for text in accepted[key]:
                    text = _BRACKETED.sub("", text)
                    if stem and stem not in text:
                        continue
                    if len(text) >= 2 and len(bare) >= 2 and (text in bare or bare in text):
                        distance = abs(len(variant) - len(text))
                        if best is None or distance < best[0]:
                            best = (distance, column)
        if best is not None:
            mapping[key] = best[1]
            used.add(best[1].index)
    return mapping


def _stop_reason(row: Sequence[Any]) -> str:
    first = _first_text(row)
    if first.startswith(_TOTAL_PREFIXES):
        return "total"
    if first.startswith(_SIGNATURE_PREFIXES):
        return "signature"
    return ""


def _rows_with_formulas(ws, has_formulas: bool):
    """Yield (values, indexes of formula cells) of each row; cell types are read only when needed."""
    if not has_formulas:
        for values in ws.iter_rows(min_row=1, values_only=True):
            yield tuple(values), frozenset()
        return
    for cells in ws.iter_rows(min_row=1):
        values = tuple(getattr(cell, "value", None) for cell in cells)
        formulas = frozenset(i for i, cell in enumerate(cells) if getattr(cell, "data_type", None) == "f")
        yield values, formulas


def _row_source(workbook, ws):
    """Return the rows of ``ws``: parsed from the XML when open_workbook checked it, else by openpyxl."""
    data = getattr(workbook, "checked_data", None)
    if data is not None:
        try:
            return sheetxml.sheet_rows(data, ws.title)
        except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile):  # lxml's errors are SyntaxErrors
            pass  # a layout the fast reader does not know: openpyxl may still read it
    return _rows_with_formulas(ws, getattr(workbook, "has_formulas", True))


def read_table(
    workbook,
    fields: Sequence[FieldSpec],
    *,
    sheet: str | None = None,
    mapping: dict[str, int] | None = None,
    max_rows: int | None = None,
    header_row: int | None = None,
) -> Table:
    """Find the header of a sheet (the first one by default), map its columns and read its rows.

    ``mapping`` ({field key: 0-based column index}) overrides the proposed one, e.g. after the user
    corrected it. Rows stop at the 合计 row or a signature line (审核人/制表人/填表人); blank rows are
    skipped. ``max_rows`` refuses a sheet with more data rows than that. ``header_row`` (the Excel
    row number of the header's first row) overrides the detection.
    """
    ws = workbook[sheet] if sheet else workbook.worksheets[0]
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # a wrong <dimension> tag must not cut rows or columns off
    accepted = [normalize_header(t) for _key, texts in fields for t in texts]
    rows = _row_source(workbook, ws)
    top_rows: list[tuple[Any, ...]] = []
    top_formulas: list[frozenset[int]] = []
    for row, formulas in rows:
        top_rows.append(row)
        top_formulas.append(formulas)
        if len(top_rows) >= HEADER_SEARCH_ROWS + 1:
            break
    scores = [_header_score(row, accepted) for row in top_rows[:HEADER_SEARCH_ROWS]]
    if header_row is not None and 1 <= header_row <= len(scores):
        scores[header_row - 1] = len(accepted) + 1
    best = max(scores, default=0)
    needed = 1 if mapping is not None else min(2, len(fields))
    if best < needed or best == 0:
        raise ImportRefused(
            _(
                "在工作表“%(sheet)s”前 %(rows)s 行中找不到表头（如“姓名”“身份证号”）。"
                "请确认上传的是正确的登记表。"
            )
            % {"sheet": ws.title, "rows": HEADER_SEARCH_ROWS},
            "no_header",
        )
    h = scores.index(best)
    top = top_rows[h]
    below = top_rows[h + 1] if h + 1 < len(top_rows) else None
    two = below is not None and _is_subheader(top, below)
    columns = _columns(top, below if two else None)
    header_rows = (h + 1, h + 2) if two else (h + 1,)
    if mapping is not None:
        by_index = {c.index: c for c in columns}
        proposed = {
            key: by_index.get(i) or HeaderColumn(i, _("第 %(number)s 列") % {"number": i + 1})
            for key, i in mapping.items()
        }
    else:
        proposed = propose_mapping(columns, fields)
    preamble = tuple(
        "  ".join(text for text in map(clean_text, row) if text) for row in top_rows[:h] if any(row)
    )
    table = Table(
        ws.title,
        header_rows,
        columns,
        proposed,
        preamble=preamble,
        _field_keys=[key for key, _texts in fields],
    )

    first_data = header_rows[-1]  # 0-based index of the first data row in top_rows

    def all_rows():
        yield from zip(top_rows[first_data:], top_formulas[first_data:], strict=True)
        yield from rows

    for offset, (row, formula_cells) in enumerate(all_rows()):
        number = first_data + 1 + offset
        if not any(clean_text(v) for v in row):
            continue
        reason = _stop_reason(row)
        if reason:
            table.stopped_at, table.stop_reason = number, reason
            break
        if max_rows is not None and len(table.rows) >= max_rows:
            raise ImportRefused(
                _("行数太多：一次最多导入 %(limit)s 行，请分成几个文件上传。") % {"limit": max_rows},
                "too_many_rows",
            )
        values = {}
        formulas = set()
        for key, column in proposed.items():
            raw = row[column.index] if column.index < len(row) else None
            values[key] = clean_text(raw) if isinstance(raw, str) else raw
            if column.index in formula_cells:
                formulas.add(key)
        table.rows.append(Row(number, values, row, frozenset(formulas)))
    return table


def read_ledger(source, fields: Sequence[FieldSpec], **options: Any) -> Table:
    """Open ``source`` safely (see :func:`open_workbook`) and read its first sheet's table."""
    keys = ("max_bytes", "max_unpacked", "max_entries", "name")
    open_options = {k: options.pop(k) for k in keys if k in options}
    workbook = open_workbook(source, **open_options)
    try:
        return read_table(workbook, fields, **options)
    except (SyntaxError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        # Broken XML or a broken cell met while reading the rows (lxml's errors are SyntaxErrors).
        raise ImportRefused(
            _(
                "无法读取这个 Excel 文件中的表格，文件可能已损坏。"
                "请在 Excel 或 WPS 中重新保存为 .xlsx 后再上传。"
            ),
            "corrupt",
        ) from None
    finally:
        workbook.close()
