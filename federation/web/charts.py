"""Bar charts drawn on the server as SVG: no JavaScript, nothing fetched, readable on a 375 px phone.

A :class:`Chart` holds labelled rows and one or more series. ``svg`` draws it as horizontal bars
(stacked when there are several series; ``progress`` draws what is done over what is owed);
``table`` gives the same numbers for the ``<details>`` table under each chart
(``templates/federation/_chart.html``). Every text goes through ``format_html``, so labels are escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

#: Colours of the series, told apart also by the legend's order and the table.
PALETTE = ["#b3262d", "#2f6db5", "#e0a526", "#3a8f5c", "#7a5195", "#6c757d"]
OWED_COLOUR = "#e9e3de"

WIDTH = 360  # the viewBox width; the chart scales to its container
FONT = 13
ROW = 28
BAR = 16
PAD = 6
LABEL_BESIDE = 120  # the widest label drawn beside its bar; a longer one is drawn above it


def text_width(text: str, size: float = FONT) -> float:
    """Return the width of ``text`` in user units: a CJK character is square, others about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in str(text))


def _number(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@dataclass
class Chart:
    """A horizontal bar chart: ``values[i][j]`` is series ``j`` of row ``i``.

    ``progress``: two series, done and owed; the bar shows done within owed.
    """

    title: str
    rows: list[str]
    series: list[str]
    values: list[list]
    row_heading: str = ""
    progress: bool = False
    rate_heading: str = _("完成率")
    links: list[str | None] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return "chart-" + (slugify(str(self.title), allow_unicode=True) or "x")

    @property
    def is_empty(self) -> bool:
        return not any(any(v for v in row) for row in self.values)

    # --- numbers -----------------------------------------------------------------------------------

    def _bar_total(self, row: list) -> float:
        return max(row[0], row[1]) if self.progress else sum(row)

    @property
    def table(self) -> dict:
        """Return the headers and rows of the chart's numbers, with a total row when it adds up."""
        if self.progress:
            headers = [self.row_heading, *self.series, self.rate_heading]
            rows = [
                [label, *map(_number, values), f"{round(100 * values[0] / values[1])}%" if values[1] else "—"]
                for label, values in zip(self.rows, self.values, strict=True)
            ]
            done, owed = (sum(v[i] for v in self.values) for i in (0, 1))
            total = [_("合计"), _number(done), _number(owed), f"{round(100 * done / owed)}%" if owed else "—"]
        else:
            several = len(self.series) > 1
            headers = [self.row_heading, *self.series, *([_("合计")] if several else [])]
            rows = [
                [label, *map(_number, values), *([_number(sum(values))] if several else [])]
                for label, values in zip(self.rows, self.values, strict=True)
            ]
            sums = [sum(v[j] for v in self.values) for j in range(len(self.series))]
            total = [_("合计"), *map(_number, sums), *([_number(sum(sums))] if several else [])]
        return {"headers": headers, "rows": rows, "total": total}

    # --- drawing --------------------------------------------------------------------------------------

    def _legend(self) -> tuple[list[str], float]:
        if not self.progress and len(self.series) < 2:
            return [], 0
        names = self.series if not self.progress else [self.series[0], self.series[1]]
        colours = PALETTE if not self.progress else [PALETTE[0], OWED_COLOUR]
        parts, x, y = [], 0.0, FONT
        for name, colour in zip(names, colours, strict=False):
            width = 14 + text_width(name) + 12
            if x and x + width > WIDTH:
                x, y = 0.0, y + FONT + 6
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="10" height="10" rx="2" fill="{}"'
                    ' stroke="#999" stroke-width=".5"/><text x="{}" y="{}" font-size="{}">{}</text>',
                    f"{x:.1f}",
                    f"{y - 9:.1f}",
                    colour,
                    f"{x + 14:.1f}",
                    f"{y:.1f}",
                    FONT,
                    name,
                )
            )
            x += width
        return parts, y + 8

    @property
    def svg(self) -> SafeString:
        """Return the chart as an inline ``<svg>`` element."""
        legend, top = self._legend()
        # A label longer than a third of the width goes above its bar, whole, instead of beside it.
        longest = max((text_width(r) for r in self.rows), default=0) + PAD
        above = longest > LABEL_BESIDE
        label_width = 0 if above else longest
        row_height = ROW + (FONT + 2 if above else 0)
        value_texts = [
            f"{_number(v[0])}/{_number(v[1])}" if self.progress else _number(sum(v)) for v in self.values
        ]
        value_width = max((text_width(t, FONT - 1) for t in value_texts), default=0) + PAD
        bar_x = label_width + (0 if above else PAD)
        bar_space = max(WIDTH - bar_x - value_width, 40)
        scale = max((self._bar_total(v) for v in self.values), default=0) or 1
        parts = list(legend)
        for i, (label, values, value_text) in enumerate(
            zip(self.rows, self.values, value_texts, strict=True)
        ):
            y = top + i * row_height
            mid = y + row_height - ROW / 2
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" text-anchor="{}"'
                    ' dominant-baseline="middle">{}</text>',
                    f"{label_width:.1f}",
                    f"{y + FONT / 2 + 2 if above else mid:.1f}",
                    FONT,
                    "start" if above else "end",
                    label,
                )
            )
            bar_y = f"{mid - BAR / 2:.1f}"
            x = bar_x
            end = bar_x
            if self.progress:
                done, owed = values[0], values[1]
                owed_w = bar_space * owed / scale
                done_w = bar_space * done / scale
                parts.append(
                    self._rect(bar_x, bar_y, owed_w, OWED_COLOUR, f"{label} {self.series[1]}：{owed}")
                )
                parts.append(
                    self._rect(bar_x, bar_y, done_w, PALETTE[0], f"{label} {self.series[0]}：{done}")
                )
                end = bar_x + max(owed_w, done_w)
            else:
                for j, value in enumerate(values):
                    width = bar_space * float(value) / float(scale)
                    if width > 0:
                        title = f"{label} {self.series[j]}：{_number(value)}"
                        parts.append(self._rect(x, bar_y, width, PALETTE[j % len(PALETTE)], title))
                    x += width
                end = x
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" dominant-baseline="middle" fill="#333">{}</text>',
                    f"{end + 4:.1f}",
                    f"{mid:.1f}",
                    FONT - 1,
                    value_text,
                )
            )
        height = top + len(self.rows) * row_height + 4
        return format_html(
            '<svg class="chart-svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{slug}-t"'
            ' xmlns="http://www.w3.org/2000/svg"><title id="{slug}-t">{title}</title>{body}</svg>',
            w=WIDTH,
            h=f"{height:.0f}",
            slug=self.slug,
            title=self.title,
            body=mark_safe("".join(parts)),  # noqa: S308 — every part was built by format_html
        )

    @staticmethod
    def _rect(x: float, y: str, width: float, colour: str, title: str) -> str:
        return format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"><title>{}</title></rect>',
            f"{x:.1f}",
            y,
            f"{max(width, 0):.1f}",
            BAR,
            colour,
            title,
        )
