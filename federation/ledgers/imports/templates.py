"""Import templates: the ledger's export layout with no rows, and a sheet explaining every column.

The first sheet is what the export writes (merged title, 填报单位 line, one- or two-row header,
注 block, footer), so a village fills in the same table it receives, and a filled template or an
export imports the same way. The second sheet, 填写说明, lists each column: whether it is
required, what it holds and the values allowed; columns the system works out itself (年龄 …)
are marked as not read, or as checked when the import compares what a file fills with them.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from federation.ledgers.columns import Column, ColumnGroup
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.services import ledger_notes, ledger_title
from federation.ledgers.exports.xlsx import XlsxBuilder
from federation.ledgers.imports.framework import Importer

EXPLANATION_SHEET = gettext_lazy("填写说明")


def _export_columns(layout: Any) -> list[tuple[str, Column]]:
    """Return (group header, column) of each column an export layout writes."""
    out: list[tuple[str, Column]] = []
    for item in layout.columns:
        if isinstance(item, ColumnGroup):
            out += [(str(item.header), c) for c in item.columns]
        else:
            out.append(("", item))
    return out


NOT_READ = gettext_lazy("由系统算出或只供查看，导入时不读取，可以留空。")


def explanation_rows(importer: type[Importer], layout: Any | None) -> list[tuple[str, str, str]]:
    """Return (column header, 必填/选填/核对/不读取, explanation) for the explanation sheet.

    The export's columns first, as the sheet shows them, each matched to the importer's column by
    its key; then the columns only an import reads (a village may add them to its header).
    """
    by_key = {f.key: f for f in importer.fields}
    required, optional = _("必填"), _("选填")
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    if layout is not None:
        columns = [
            (f"{group}·{c.header}" if group else str(c.header), c.key) for group, c in _export_columns(layout)
        ]
    else:
        columns = [(f.import_label, f.key) for f in importer.fields]
    for shown, key in columns:
        f = by_key.get(key)
        if f is not None and f.checked:
            rows.append((shown, _("核对"), f.explanation()))
            continue
        if f is None or f.derived:
            rows.append((shown, _("不读取"), str(NOT_READ)))
            continue
        seen.add(f.key)
        rows.append((shown, required if f.required else optional, f.explanation()))
    for f in importer.fields:
        if f.key not in seen and not f.derived:
            explanation = _("%(explanation)s（可加在表头中）") % {"explanation": f.explanation()}
            rows.append((f.import_label, required if f.required else optional, explanation))
    return rows


def template_bytes(importer: type[Importer], *, user: Any, village: Any, year: int | None) -> bytes:
    """Return the .xlsx template of ``importer`` for ``village`` (and ``year``), as ``user`` exports it."""
    ledger = get_ledger(importer.name)
    layout = ledger.layout if ledger is not None and ledger.is_table else None
    buffer = io.BytesIO()
    if layout is not None:
        filters = ExportFilters(year=year, village_id=village.pk)
        ctx = ExportContext.build(user=user, filters=filters, village=village)
        tmp = io.BytesIO()
        XlsxBuilder(layout, ctx, title=ledger_title(ledger, ctx)).write(
            iter(()), tmp, notes=ledger_notes(ledger, ctx)
        )
        tmp.seek(0)
        workbook = openpyxl.load_workbook(tmp)
        _make_fillable(workbook.worksheets[0], importer, layout)
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = str(importer.title)[:31]
        sheet.append([f"{village.name}{importer.title}"])
        sheet.append([_("序号"), *[f.import_label for f in importer.fields]])
    sheet = workbook.create_sheet(str(EXPLANATION_SHEET))
    _write_explanation(sheet, importer, layout)
    workbook.save(buffer)
    return buffer.getvalue()


#: Rows below the header made ready to type in (ID numbers and phones formatted as text).
FILLABLE_ROWS = 500


def _make_fillable(sheet: Any, importer: type[Importer], layout: Any) -> None:
    """Drop the 合计 row and what follows it, and format the text columns as text below the header.

    Rows typed under a 合计 row would not be read, so the template has none; the 注 lines go to the
    explanation sheet instead.
    """
    header_last = (
        next(
            (
                row[0].row
                for row in sheet.iter_rows(min_col=1, max_col=1)
                if isinstance(row[0].value, str) and row[0].value.replace(" ", "").startswith("合计")
            ),
            sheet.max_row + 1,
        )
        - 1
    )
    for merged in list(sheet.merged_cells.ranges):
        if merged.min_row > header_last:
            sheet.unmerge_cells(str(merged))
    if sheet.max_row > header_last:
        sheet.delete_rows(header_last + 1, sheet.max_row - header_last)
    text_kinds = {"id_number", "phone", "text", "choice"}
    flat = [
        c for item in layout.columns for c in (item.columns if isinstance(item, ColumnGroup) else (item,))
    ]
    for index, column in enumerate(flat, start=2):  # column 1 is 序号
        if str(column.kind) in text_kinds:
            for row in range(header_last + 1, header_last + 1 + FILLABLE_ROWS):
                sheet.cell(row, index).number_format = "@"


def _write_explanation(sheet: Any, importer: type[Importer], layout: Any | None) -> None:
    bold = Font(bold=True)
    sheet.append([_("%(ledger)s导入模板 · 填写说明") % {"ledger": importer.title}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:C1")
    sheet.append([])
    for note in (
        _(
            "在第一张表的表头下面逐行填写，一人一行，标题和表头不要删改；"
            "末尾可以加“合计”行，它和下面的行不会被读取。"
        ),
        _("整份文件检查无误才会导入；有任何一行出错，什么也不写入，系统会列出每一行的错误。"),
        _(
            "单元格不要用公式；身份证号一列请设为“文本”格式。"
            "日期可写 2014-3-18、2014/03/18 或 2014年3月18日。"
        ),
        *importer.notes,
    ):
        sheet.append([str(note)])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=3)
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[sheet.max_row].height = 32
    sheet.append([])
    sheet.append([_("列名"), _("是否必填"), _("填写说明和允许的值")])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in explanation_rows(importer, layout):
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate((22, 10, 80), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def template_file_name(importer: type[Importer], village: Any, year: int | None) -> str:
    if importer.yearly and year:
        name = _("%(village)s%(year)s年%(ledger)s导入模板.xlsx") % {
            "village": village.name,
            "year": year,
            "ledger": importer.title,
        }
    else:
        name = _("%(village)s%(ledger)s导入模板.xlsx") % {"village": village.name, "ledger": importer.title}
    return name.replace("/", "_")


def write_template(
    path: Path, importer: type[Importer], *, user: Any, village: Any, year: int | None
) -> None:
    path.write_bytes(template_bytes(importer, user=user, village=village, year=year))
