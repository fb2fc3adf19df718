"""A chart's labels are drawn whole, inside the picture, however long they are."""

from __future__ import annotations

import html
import re

import pytest

from federation.web import charts

LOAN_STATUSES = [
    "草稿",
    "已提交，待村级签字",
    "乡妇联已签字，待信用社意见",
    "信用社已同意，待妇联盖章",
    "已放款",
]


def text_boxes(svg: str) -> list[tuple[str, float, float]]:
    """Return (text, left, right) of every label and value drawn, in the viewBox's units."""
    boxes = []
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg):
        x = float(re.search(r'x="([\d.]+)"', attrs).group(1))
        size = float(re.search(r'font-size="([\d.]+)"', attrs).group(1))
        width = charts.text_width(html.unescape(text), size)
        left = x - width if 'text-anchor="end"' in attrs else x
        boxes.append((html.unescape(text), left, left + width))
    return boxes


@pytest.mark.parametrize(
    "rows",
    [LOAN_STATUSES, ["团结村", "红旗村"], ["一个名字特别特别特别特别长的村民委员会"]],
    ids=["loan statuses", "villages", "one long name"],
)
def test_every_label_is_inside_the_picture(rows):
    chart = charts.Chart(title="图", rows=rows, series=["件数"], values=[[n + 1] for n in range(len(rows))])
    boxes = text_boxes(str(chart.svg))
    assert [text for text, *_ in boxes[::2]] == rows  # each row: its label, then its number
    outside = [(text, left, right) for text, left, right in boxes if left < 0 or right > charts.WIDTH]
    assert outside == []


def test_short_labels_stay_beside_their_bars_and_long_ones_go_above():
    short = str(charts.Chart(title="图", rows=["团结村"], series=["件"], values=[[1]]).svg)
    long = str(
        charts.Chart(
            title="图", rows=LOAN_STATUSES[:1] + LOAN_STATUSES[2:3], series=["件"], values=[[1], [2]]
        ).svg
    )
    assert 'text-anchor="end"' in short and 'text-anchor="start"' not in short
    assert 'text-anchor="start"' in long and 'text-anchor="end"' not in long
