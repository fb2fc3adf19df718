"""The Excel builder: a table ledger in the county's layout, streamed with openpyxl's write-only mode.

Layout, top to bottom: the title merged across the table; the 填报单位 / 填报人 / 填报日期 line; the
header (two rows when columns are grouped, 序号 first); one row per record; 合计; the 注 block;
the signature labels. The header is frozen and repeated on every printed page; A4, landscape for
wide tables, scaled to the page's width; "第 N 页 共 M 页" in the page footer.

Memory does not grow with the rows: openpyxl's write-only worksheet streams each row to a
temporary file, strings are written inline (no shared-string table), and the rows come from a
generator that reads the database in chunks.

Speed: openpyxl turns each value into a ``WriteOnlyCell`` and each cell into lxml calls, which
takes twice as long as xlsxwriter once every cell carries a style (borders). Data rows are
therefore serialised here, as the same ``<c>`` elements openpyxl would write (inline strings,
the column's pre-built style id), and written as UTF-8 text straight into the worksheet's file,
between lxml's own writes (its stream is flushed first, so the two never interleave); the
workbook, its styles, the title, header, totals and footer rows and the packaging stay
openpyxl's. This relies on openpyxl 3.1's write-only internals, so it is used only with
openpyxl 3.1 and lxml; anything else falls back to plain ``WriteOnlyCell`` rows, which give the
same sheet (the tests compare both).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from lxml.etree import xmlfile
from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS

from federation.ledgers.exports.cells import excel_converter, safe_text
from federation.ledgers.exports.conf import footer_labels
from federation.ledgers.exports.context import ExportContext
from federation.ledgers.exports.definitions import ColumnGroup, Table, Total, Totals, display_width

FONT = "宋体"
PROGRESS_EVERY = 1000
FAST_ROWS_SUPPORTED = LXML and openpyxl.__version__.startswith("3.1.")
RAW_BATCH = 500  # data rows joined into one write to the worksheet's file

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # a bare CR would read as LF


def _spans(count: int, parts: int) -> list[tuple[int, int]]:
    """Return ``parts`` consecutive 1-based column spans covering ``count`` columns."""
    parts = max(1, min(parts, count))
    bounds = [round(i * count / parts) for i in range(parts + 1)]
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(parts)]


class _RawWorksheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer, on a file object of ours, so raw rows can be written into it.

    The stream is openpyxl's own (``WorksheetWriter.get_stream``), with lxml's ``xmlfile`` given
    our open file instead of the file's name; ``write_raw`` flushes lxml's buffer and writes
    after it, so everything lands in order in the one file that openpyxl packs at save.
    """

    def get_stream(self):
        self._file = open(self.out, "wb")  # noqa: SIM115 (closed when the stream ends)
        try:
            with xmlfile(self._file) as xf:
                self._xf = xf
                with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                    try:
                        while True:
                            el = yield
                            if el is True:
                                yield xf
                            elif el is not None:
                                xf.write(el)
                    except GeneratorExit:
                        pass
        finally:
            self._file.close()

    def write_raw(self, data: bytes) -> None:
        self._xf.flush()
        self._file.write(data)


def sheet_title(title: str) -> str:
    """Return ``title`` fit for a sheet tab: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Sheet1"


class XlsxBuilder:
    """Write one table ledger to an .xlsx file; ``write(rows)`` returns the number of rows written."""

    def __init__(self, table: Table, ctx: ExportContext, *, title: str, fast: bool | None = None):
        self.shown = ctx.shown(table)  # as the actor sees it: masked ID numbers, phones, no birth date
        table = self.table = self.shown.layout
        self.ctx = ctx
        self.title = title
        self.fast = FAST_ROWS_SUPPORTED if fast is None else (fast and FAST_ROWS_SUPPORTED)
        self.columns = table.leaves
        self.ncols = len(self.columns) + 1  # 序号 first
        self.wb = Workbook(write_only=True)
        self.wb.properties.creator = "乡镇妇联工作台账系统"
        self.wb.properties.title = title
        self.ws = self.wb.create_sheet(sheet_title(str(table.title)))
        self.row_idx = 0
        self._styles: dict[str, WriteOnlyCell] = {}

    # -- styles -----------------------------------------------------------------------------

    def _style(self, name: str, **attrs: Any) -> WriteOnlyCell:
        """Return a prototype cell carrying a style, made once per name."""
        if name not in self._styles:
            cell = WriteOnlyCell(self.ws)
            for attr, value in attrs.items():
                setattr(cell, attr, value)
            self._styles[name] = cell
        return self._styles[name]

    def _cell(self, value: Any, style: str, **attrs: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell._style = self._style(style, **attrs)._style  # share the style, as openpyxl's copy() would
        return cell

    def _column_styles(self) -> list[WriteOnlyCell]:
        """Return the prototype cell of each data column, 序号 first."""
        protos = [
            self._style(
                "number",
                font=Font(name=FONT, size=10),
                border=_BORDER,
                alignment=Alignment(horizontal="center", vertical="center"),
                number_format="0",
            )
        ]
        for i, column in enumerate(self.columns):
            protos.append(
                self._style(
                    f"col{i}",
                    font=Font(name=FONT, size=10),
                    border=_BORDER,
                    alignment=Alignment(horizontal=column.align, vertical="center", wrap_text=column.wrap),
                    number_format=column.excel_number_format,
                )
            )
        return protos

    # -- rows -------------------------------------------------------------------------------

    def _send(self, kind: str, payload: Sequence[Any]) -> None:
        self.row_idx += 1
        self._rows.send((kind, self.row_idx, payload))

    def _row_stream(self):
        """Receive rows and write them to the worksheet's XML stream (a generator, as openpyxl's).

        Data rows come as XML text and are written in batches straight into the file; any other
        row goes through openpyxl's own ``write_row``, after the batch before it.
        """
        writer = self.ws._writer
        xf = writer.xf.send(True)
        pending: list[str] = []

        def flush() -> None:
            if pending:
                writer.write_raw("".join(pending).encode("utf-8"))
                pending.clear()

        with xf.element("sheetData"):
            try:
                while True:
                    kind, idx, payload = yield
                    if kind == "xml":
                        pending.append(payload)
                        if len(pending) >= RAW_BATCH:
                            flush()
                    else:
                        flush()
                        writer.write_row(xf, self._placed(payload, idx), idx)
            except GeneratorExit:
                flush()
        writer.xf.send(None)

    def _placed(self, cells: Sequence[WriteOnlyCell | None], idx: int) -> list[WriteOnlyCell]:
        placed = []
        for col, cell in enumerate(cells, 1):
            if cell is None:
                continue
            cell.row, cell.column = idx, col
            placed.append(cell)
        return placed

    def _height(self, values: Sequence[Any]) -> float | None:
        """Return the height a row needs for its wrapped texts, or None for one line.

        Spreadsheets do not grow a row for wrapped text by themselves when they open a file.
        """
        lines = 1
        for index, width in self._wrapped:
            value = values[index]
            if value.__class__ is str and value:
                if len(value) <= width and (len(value) * 2 <= width or value.isascii()):
                    continue  # one line whatever its characters' widths (the common case)
                lines = max(lines, math.ceil(display_width(value) / width))
        return None if lines == 1 else 13.5 * lines + 2

    def _row_xml(self, idx: int, values: Sequence[Any]) -> str:
        """Return one data row as the XML openpyxl writes for it (inline strings, styled cells)."""
        row = str(idx)
        height = self._height(values)
        parts = [f'<row r="{row}" ht="{height}" customHeight="1">' if height else f'<row r="{row}">']
        for (letter, style), value in zip(self._cell_refs, values, strict=True):
            ref = f'{letter}{row}"{style}'  # r="A5" s="3"
            if value is None:
                parts.append(f"<c {ref}/>")
            elif isinstance(value, str):
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(f'<c {ref} t="inlineStr"><is><t{space}>{value.translate(_ESCAPE)}</t></is></c>')
            elif isinstance(value, dt.date):
                parts.append(f'<c {ref} t="n"><v>{to_excel(value)}</v></c>')
            elif isinstance(value, Decimal):
                parts.append(f'<c {ref} t="n"><v>{value:f}</v></c>')
            else:
                parts.append(f'<c {ref} t="n"><v>{value!r}</v></c>')
        parts.append("</row>")
        return "".join(parts)

    def _data_row(self, values: list[Any]) -> None:
        if self.fast:
            self.row_idx += 1
            self._rows.send(("xml", self.row_idx, self._row_xml(self.row_idx, values)))
        else:
            height = self._height(values)
            if height:
                self.ws.row_dimensions[self.row_idx + 1].height = height
            cells = []
            for proto, value in zip(self._protos, values, strict=True):
                cell = WriteOnlyCell(self.ws, value=value)
                cell._style = proto._style
                cells.append(cell)
            self._send("cells", cells)

    # -- the sheet ----------------------------------------------------------------------------

    def _set_up_sheet(self) -> None:
        """Widths, frozen header, print titles, page set-up: all before the first row is written."""
        ws = self.ws
        widths = [self.table.number_width] + [c.excel_width for c in self.columns]
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        self.total_width = sum(widths)
        header_first = 3
        header_last = header_first + self.table.header_rows - 1
        ws.freeze_panes = f"A{header_last + 1}"
        ws.print_title_rows = f"{header_first}:{header_last}"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if self.table.is_landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = 0.5
        ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        ws.row_dimensions[1].height = 30
        ws.row_dimensions[2].height = 20
        for r in range(header_first, header_last + 1):
            ws.row_dimensions[r].height = 30 if self.table.header_rows == 1 else 22
        self._letters = [get_column_letter(i) for i in range(1, self.ncols + 1)]
        self._wrapped = [(i + 1, max(c.excel_width - 1.5, 4)) for i, c in enumerate(self.columns) if c.wrap]
        self._protos = self._column_styles()
        self._style_ids = [str(proto.style_id) for proto in self._protos]
        self._cell_refs = [
            (f'r="{letter}', f' s="{sid}"')
            for letter, sid in zip(self._letters, self._style_ids, strict=True)
        ]
        if self.fast:
            ws._writer = _RawWorksheetWriter(ws)
            ws._writer.write_top()  # what ws._get_writer() does, with our writer
        ws._get_writer()
        self._rows = self._row_stream()
        next(self._rows)
        ws._rows = self._rows  # the worksheet's close() (at save) ends our stream and writes the tail

    def _merge(self, row: int, first: int, last: int, row_last: int | None = None) -> None:
        if first == last and (row_last is None or row_last == row):
            return
        ref = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row_last or row}"
        self.ws.merged_cells.add(ref)

    def _write_title(self) -> None:
        title = self._cell(
            safe_text(self.title),
            "title",
            font=Font(name=FONT, size=16, bold=True),
            alignment=Alignment(horizontal="center", vertical="center"),
        )
        self._send("cells", [title])
        self._merge(self.row_idx, 1, self.ncols)
        ctx = self.ctx
        texts = [
            f"填报单位：{ctx.unit_label}",
            f"填报人：{ctx.reporter or '　' * 6}",
            f"填报日期：{ctx.made_on.year}年{ctx.made_on.month}月{ctx.made_on.day}日",
        ]
        aligns = ["left", "center", "right"]
        cells: list[WriteOnlyCell | None] = [None] * self.ncols
        spans = _spans(self.ncols, 3)
        for (first, _last), text, align in zip(spans, texts, aligns, strict=False):
            cells[first - 1] = self._cell(
                safe_text(text),
                f"info-{align}",
                font=Font(name=FONT, size=10),
                alignment=Alignment(horizontal=align, vertical="center"),
            )
        self._send("cells", cells)
        for first, last in spans:
            self._merge(self.row_idx, first, last)

    def _write_header(self) -> None:
        style = {
            "font": Font(name=FONT, size=10, bold=True),
            "border": _BORDER,
            "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "fill": PatternFill("solid", fgColor="F2F2F2"),
        }
        two = self.table.header_rows == 2
        top: list[WriteOnlyCell] = [self._cell(self.table.number_header, "header", **style)]
        bottom: list[WriteOnlyCell] = [self._cell(None, "header", **style)]
        merges: list[tuple[int, int, int, int]] = []  # (row offset, first, last, row_last offset)
        col = 2
        if two:
            merges.append((0, 1, 1, 1))
        for item in self.table.columns:
            if isinstance(item, ColumnGroup):
                top.append(self._cell(str(item.header), "header", **style))
                top.extend(self._cell(None, "header", **style) for _ in item.columns[1:])
                bottom.extend(self._cell(str(c.header), "header", **style) for c in item.columns)
                merges.append((0, col, col + len(item.columns) - 1, 0))
                col += len(item.columns)
            else:
                top.append(self._cell(str(item.header), "header", **style))
                bottom.append(self._cell(None, "header", **style))
                if two:
                    merges.append((0, col, col, 1))
                col += 1
        first_row = self.row_idx + 1
        self._send("cells", top)
        if two:
            self._send("cells", bottom)
        for offset, first, last, last_offset in merges:
            self._merge(first_row + offset, first, last, first_row + last_offset)

    def _write_totals(self, totals: Totals) -> None:
        style = {
            "font": Font(name=FONT, size=10, bold=True),
            "border": _BORDER,
            "alignment": Alignment(horizontal="center", vertical="center"),
        }
        label = f"合计：{totals.rows} {self.table.count_unit}"
        cells = [self._cell(label, "totals", **style)]
        merge_second = bool(self.columns) and self.columns[0].total is None
        for i, column in enumerate(self.columns):
            value = totals.value(column)
            if i == 0 and merge_second:
                cells.append(self._cell(None, "totals", **style))
                continue
            if column.total is Total.SUM:
                number_format = column.excel_number_format
                cells.append(self._cell(value, f"totals{i}", **{**style, "number_format": number_format}))
            else:  # a count of 是, or nothing
                cells.append(self._cell(value, "totals", **style))
        self._send("cells", cells)
        if merge_second:
            self._merge(self.row_idx, 1, 2)

    def _write_notes(self, notes: list[str]) -> None:
        style = {
            "font": Font(name=FONT, size=9),
            "alignment": Alignment(horizontal="left", vertical="top", wrap_text=True),
        }
        for i, note in enumerate(notes):
            text = ("注：" if i == 0 else "　　") + note
            self._send("cells", [self._cell(safe_text(text), "note", **style)])
            lines = max(1, math.ceil(display_width(text) / max(self.total_width - 2, 10)))
            self.ws.row_dimensions[self.row_idx].height = 14 * lines + 2
            self._merge(self.row_idx, 1, self.ncols)

    def _write_footer(self) -> None:
        labels = list(self.table.footer or footer_labels())
        spans = _spans(self.ncols, len(labels))
        if len(spans) < len(labels):  # a narrow table: several labels share one cell
            labels = ["　".join(str(label) for label in labels)]
            spans = [(1, self.ncols)]
        cells: list[WriteOnlyCell | None] = [None] * self.ncols
        for (first, _last), label in zip(spans, labels, strict=True):
            cells[first - 1] = self._cell(
                f"{label}：",
                "footer",
                font=Font(name=FONT, size=10),
                alignment=Alignment(horizontal="left", vertical="center"),
            )
        self._send("cells", [])
        self._send("cells", cells)
        self.ws.row_dimensions[self.row_idx].height = 24
        for first, last in spans:
            self._merge(self.row_idx, first, last)

    def write(
        self,
        rows: Iterable[Sequence[Any]],
        path: Path,
        *,
        notes: list[str],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the whole sheet with ``rows`` to ``path``; return the number of data rows."""
        self._set_up_sheet()
        self._write_title()
        self._write_header()
        totals = Totals(self.table)
        converters = [excel_converter(c.kind) for c in self.columns]
        shown = self.shown.row
        for number, values in enumerate(rows, 1):
            values = shown(values) if shown is not None else values
            totals.add(values)
            self._data_row([number, *(convert(v) for convert, v in zip(converters, values, strict=True))])
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number)
        self._write_totals(totals)
        self._write_notes([*notes, self.shown.note] if self.shown.note else notes)
        self._write_footer()
        self.wb.save(path)
        return totals.rows
