"""The PDF builder: the same ledger laid out by WeasyPrint, with the CJK font embedded.

One PDF holds at most ``LEDGER_PDF_MAX_ROWS`` rows: WeasyPrint lays a document out whole in
memory (about 7 ms and 0.25 MB a row), so a township or a county is printed village by village
(``services`` packs the files in a ZIP), never as one layout that grows without bound.

The font is declared on ``html``, not ``body``, so the page footer ("第 N 页 共 M 页", drawn in
the page margin, outside ``body``) uses the same font and no second one is embedded. The header
rows are a ``thead``, which WeasyPrint repeats at the top of every page.

Speed: WeasyPrint matches every element against its full HTML user-agent stylesheet (forms,
lists, ruby…). Our documents use a dozen elements, so they are rendered with a short user-agent
stylesheet of those elements only; it cuts the layout time by about a third
(1,000 rows: 6 s instead of 9 s on two cores). Our templates are well-formed XML, so the HTML
is parsed by the C parser of ``xml.etree`` instead of WeasyPrint's pure-Python HTML5 parser
(about 7% of the instructions of a 1,000-row ledger); anything else falls back to WeasyPrint's
parser. While a PDF is laid out, the cyclic garbage collector leaves alone the objects that
were there before and runs less often: the layout makes a few million short-lived objects and
no cycles worth collecting, and the collector's passes over them were about 5% of the work.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import cssselect2
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from federation.ledgers.exports.cells import pdf_text
from federation.ledgers.exports.conf import footer_labels
from federation.ledgers.exports.context import ExportContext
from federation.ledgers.exports.definitions import Card, ColumnGroup, Table, Total, Totals, boxes

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans CJK", "WenQuanYi Micro Hei", sans-serif'

#: The user-agent stylesheet of the elements our templates use (see the module docstring).
UA_STYLESHEET = CSS(
    string="""
head, style, script, title, meta, link { display: none }
html, body, div, section, p, h1, h2, h3, header, footer { display: block }
body { margin: 0 }
h1, h2, h3, strong, b, th { font-weight: bold }
table { display: table; border-collapse: separate; box-sizing: border-box; text-indent: initial }
caption { display: table-caption }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group; vertical-align: middle }
tbody { display: table-row-group; vertical-align: middle }
tfoot { display: table-footer-group; vertical-align: middle }
tr { display: table-row; vertical-align: inherit }
td, th { display: table-cell; vertical-align: inherit }
th { text-align: center }
br::before { content: "\\A"; white-space: pre-line }
@page {
  @bottom-left { text-align: left; vertical-align: middle }
  @bottom-center { text-align: center; vertical-align: middle }
  @bottom-right { text-align: right; vertical-align: middle }
}
"""
)


class LedgerHTML(HTML):
    """WeasyPrint's HTML with the short user-agent stylesheet of ``UA_STYLESHEET``.

    A well-formed document is parsed as XML (see the module docstring); ``parsed_as_xml`` says
    which parser read it.
    """

    def __init__(self, *, string: str):
        try:
            root = ElementTree.fromstring(string)
        except ElementTree.ParseError:
            super().__init__(string=string)
            self.parsed_as_xml = False
            return
        # What WeasyPrint's own __init__ sets, from the tree the XML parser made.
        self.base_url = None
        self.url_fetcher = URLFetcher()
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element
        self.parsed_as_xml = True

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [UA_STYLESHEET]


class _Collector:
    """How many layouts run now, and the collector's thresholds from before the first of them."""

    lock = threading.Lock()
    layouts = 0
    thresholds: tuple[int, ...] = ()


@contextmanager
def _collector_relaxed() -> Iterator[None]:
    """Let the cyclic garbage collector skip older objects and run less often (module docstring).

    The collector is the process's: when threads lay out PDFs at the same time, the first one in
    relaxes it and the last one out puts it back as it was.
    """
    with _Collector.lock:
        if _Collector.layouts == 0:
            _Collector.thresholds = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(100_000, 50, 100)
        _Collector.layouts += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.layouts -= 1
            if _Collector.layouts == 0:
                gc.set_threshold(*_Collector.thresholds)
                gc.unfreeze()
                # The layout's cycles (100,000 and more objects for a 700-row ledger) are left to
                # collect: unless collected now, the next layout's freeze() would keep them frozen,
                # and a township's or a pack's PDFs one after the other grew the process by about
                # 70 MB a PDF (the demo township's pack: 1.2 GB; collected, 0.3 GB, 0.1-0.5 s a PDF).
                gc.collect()


def write_pdf(html: str, path: Path) -> None:
    """Lay ``html`` out and write the PDF to ``path`` (fonts subset, never embedded whole)."""
    with _collector_relaxed():
        LedgerHTML(string=html).write_pdf(path)


def _td(text: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<td{cls}>{escape(text, quote=False)}</td>"


class PdfBuilder:
    """Render a ledger's rows as the HTML of one PDF file."""

    def __init__(self, layout: Table | Card, ctx: ExportContext, *, title: str):
        self.shown = ctx.shown(layout)  # as the actor sees it: masked ID numbers, phones, no birth date
        self.layout = self.shown.layout
        self.ctx = ctx
        self.title = title

    def _frame(self, notes: list[str]) -> dict[str, Any]:
        ctx = self.ctx
        return {
            "title": self.title,
            "unit": ctx.unit_label,
            "reporter": ctx.reporter,
            "made_on": ctx.made_on,
            "notes": [*notes, self.shown.note] if self.shown.note else notes,
            "footer": [str(label) for label in (self.layout.footer or footer_labels())],
            "landscape": self.layout.is_landscape,
            "font_family": mark_safe(FONT_FAMILY),
        }

    def table_html(
        self,
        rows: Iterable[Sequence[Any]],
        *,
        notes: list[str],
        start: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[str, int]:
        """Return the HTML of the table with ``rows`` (numbered from ``start``) and their count."""
        table = self.layout
        assert isinstance(table, Table)
        columns = table.leaves
        kinds = [c.kind for c in columns]
        css = [{"right": "r", "center": "c"}.get(c.align, "") for c in columns]
        shown = self.shown.row
        totals = Totals(table)
        body: list[str] = []
        for number, values in enumerate(rows, start):
            values = shown(values) if shown is not None else values
            totals.add(values)
            cells = "".join(_td(pdf_text(v, k), c) for v, k, c in zip(values, kinds, css, strict=True))
            body.append(f'<tr><td class="c">{number}</td>{cells}</tr>')
            if progress is not None and number % 200 == 0:
                progress(number)
        body.append(self._totals_row(totals))
        widths = [table.number_width] + [c.excel_width for c in columns]
        whole = sum(widths)
        context = {
            **self._frame(notes),
            "widths": [round(100 * w / whole, 2) for w in widths],
            "header": self._header(),
            "body": mark_safe("".join(body)),
            "two_rows": table.header_rows == 2,
        }
        return render_to_string("exports/ledger.html", context), totals.rows

    def _header(self) -> Any:
        table = self.layout
        assert isinstance(table, Table)
        two = table.header_rows == 2
        span = ' rowspan="2"' if two else ""
        top = [f"<th{span}>{escape(table.number_header)}</th>"]
        bottom = []
        for item in table.columns:
            if isinstance(item, ColumnGroup):
                top.append(f'<th colspan="{len(item.columns)}">{escape(str(item.header))}</th>')
                bottom.extend(f"<th>{escape(str(c.header))}</th>" for c in item.columns)
            else:
                top.append(f"<th{span}>{escape(str(item.header))}</th>")
        rows = f"<tr>{''.join(top)}</tr>"
        if two:
            rows += f'<tr class="row2">{"".join(bottom)}</tr>'
        return mark_safe(rows)

    def _totals_row(self, totals: Totals) -> str:
        table = self.layout
        assert isinstance(table, Table)
        columns = table.leaves
        label = f"合计：{totals.rows} {table.count_unit}"
        merge_second = bool(columns) and columns[0].total is None
        cells = [f'<td class="c" colspan="{2 if merge_second else 1}">{escape(label)}</td>']
        for i, column in enumerate(columns):
            if i == 0 and merge_second:
                continue
            value = totals.value(column)
            if value is None:
                text = ""
            elif column.total is Total.COUNT:
                text = str(value)  # how many say 是: a count, not a 是/否
            else:
                text = pdf_text(value, column.kind)
            cells.append(_td(text, "r" if column.align == "right" else "c"))
        return f'<tr class="totals">{"".join(cells)}</tr>'

    def cards_html(
        self,
        records: Iterable[dict[str, Any]],
        *,
        notes: list[str],
        start: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[str, int]:
        """Return the HTML of one card a page for each record (numbered from ``start``), and their count."""
        card = self.layout
        assert isinstance(card, Card)
        pages = []
        count = 0
        shown = self.shown.card
        for count, values in enumerate(records, 1):
            values = shown(values) if shown is not None else values
            number = start + count - 1
            sections = []
            for heading, fields in card.sections:
                lines: list[list[tuple[str, str, bool]]] = []
                for f in fields:
                    value = values.get(f.key)
                    text = boxes(value, f.choices) if f.choices else pdf_text(value, f.kind)
                    item = (str(f.label), text, f.wide)
                    if f.wide or not lines or len(lines[-1]) == 2 or lines[-1][0][2]:
                        lines.append([item])
                    else:
                        lines[-1].append(item)
                sections.append({"heading": str(heading), "lines": lines})
            pages.append({"number": number, "sections": sections})
            if progress is not None and count % 50 == 0:
                progress(count)
        context = {**self._frame(notes), "pages": pages}
        return render_to_string("exports/card.html", context), count
