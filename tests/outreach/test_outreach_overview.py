"""The township overview draws its charts as SVG on the server, each with its numbers one click away."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from federation.web import charts
from tests.helpers.outreach import YEAR, visit


def details_rows(body: str, slug: str) -> list[list[str]]:
    """Return the cells of the <details> table of the chart whose figure has the id ``slug``."""
    figure = body.split(f'<figure class="card card-body mb-3 chart" id="{slug}">', 1)[1].split("</figure>")[0]
    table = figure.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in table.split("</tr>") if "<td" in row]


def chart_of(response, name: str) -> charts.Chart:
    return response.context[name]


def test_the_overview_draws_visits_done_against_owed(outreach_world, login):
    w = outreach_world
    response = login(w.staff).get(reverse("outreach:overview"), {"year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<svg class="chart-svg"') == 4  # visits, registers, screening results, coverage
    # Nothing from elsewhere (a random CSRF token may hold the letters "cdn": addresses are what count).
    assert (
        not re.search(r"""(src|href)=["']?(https?:)?//""", body) and "<script" not in body.split("</main>")[0]
    )
    visits_chart = chart_of(response, "visits_chart")
    assert visits_chart.rows == ["红旗村", "胜利村"] and visits_chart.values == [[1, 2], [1, 2]]
    svg = str(visits_chart.svg)
    assert svg.count(">1/2</text>") == 2
    assert details_rows(body, visits_chart.slug) == [["红旗村", "1", "2", "50%"], ["胜利村", "1", "2", "50%"]]
    visit(w.o.lbw_a.person, w.o.visit_a.visited_on)
    response = login(w.staff).get(reverse("outreach:overview"), {"year": YEAR})
    assert chart_of(response, "visits_chart").values == [[2, 2], [1, 2]]
    assert details_rows(response.content.decode(), visits_chart.slug)[0] == ["红旗村", "2", "2", "100%"]


def test_the_overview_counts_registers_screening_and_reports(outreach_world, login):
    w = outreach_world
    response = login(w.staff).get(reverse("outreach:overview"), {"year": YEAR})
    registered = chart_of(response, "registered_chart")
    assert registered.series == ["留守儿童", "特殊困难儿童", "农村留守妇女", "农村贫困妇女"]
    assert registered.values == [[0, 0, 1, 0], [0, 0, 1, 0]]
    results = chart_of(response, "screening_chart")
    assert results.rows == ["未见异常", "初筛异常", "癌前病变", "确诊癌症"]
    assert results.values == [[0, 0], [0, 0], [2, 0], [0, 0]]
    assert details_rows(response.content.decode(), results.slug)[2] == ["癌前病变", "2", "0", "2"]
    coverage = chart_of(response, "coverage_chart")
    assert coverage.values == [[1, 2], [1, 2]]  # 留守A/B screened; 妇女A/B and 留守A/B eligible
    assert len(response.context["reports"].rows) == 2


def test_the_county_viewer_reads_the_overview_without_domestic_violence(outreach_world, login):
    w = outreach_world
    url = reverse("outreach:overview")
    county = login(w.county_viewer).get(url, {"year": YEAR})
    assert county.status_code == 200
    # the county reads its townships, each opening its villages
    by_township = {row.village.name: row.open for row in county.context["petitions"]}
    assert set(by_township) == {w.township.name, w.other_township.name}
    opened = login(w.county_viewer).get(url, {"year": YEAR, "township": w.township.pk})
    open_cases = {row.village.name: row.open for row in opened.context["petitions"]}
    assert open_cases["红旗村"] == 1  # the domestic-violence case is not counted for her
    assert by_township[w.township.name] == sum(open_cases.values())
    staff = login(w.staff).get(url, {"year": YEAR})
    assert {row.village.name: row.open for row in staff.context["petitions"]}["红旗村"] == 2
    assert "留守A" not in county.content.decode() + opened.content.decode()  # counts only


def test_a_director_has_her_home_page_not_the_overview(outreach_world, login):
    assert login(outreach_world.dir_a).get(reverse("outreach:overview")).status_code == 404


def test_the_township_home_links_to_the_overview(outreach_world, login):
    body = login(outreach_world.staff).get(reverse("home")).content.decode()
    assert reverse("outreach:overview") in body
    assert '<span class="stat">2</span><span class="fs-5 text-muted"> / 4</span>' in body


def test_a_chart_another_app_contributes_is_drawn_for_the_roles_it_names(outreach_world, login):
    from federation.web.pages import OverviewChart, overview_charts

    asked = []

    def chart(*, user, year, township):
        asked.append((user, year))
        return charts.Chart(title="别的应用的图", rows=["甲", "乙"], series=["件数"], values=[[3], [1]])

    contributed = OverviewChart(key="test.chart", order=99, chart=chart, permissions=("outreach.add_visit",))
    with overview_charts.added(contributed.key, contributed):
        response = login(outreach_world.staff).get(reverse("outreach:overview"), {"year": YEAR})
        drawn = [c for c in response.context["other_charts"] if c.title == "别的应用的图"]
        assert len(drawn) == 1 and asked == [(outreach_world.staff, YEAR)]
        assert details_rows(response.content.decode(), drawn[0].slug) == [["甲", "3"], ["乙", "1"]]
        # The county viewer reads the overview but records no visits: the chart is not hers.
        response = login(outreach_world.county_viewer).get(reverse("outreach:overview"), {"year": YEAR})
        assert "别的应用的图" not in response.content.decode()
    response = login(outreach_world.staff).get(reverse("outreach:overview"), {"year": YEAR})
    assert "别的应用的图" not in response.content.decode()


def test_a_stacked_chart_scales_its_bars_and_escapes_its_labels():
    chart = charts.Chart(
        title="图<表>",
        rows=["<b>村</b>", "乙村"],
        series=["甲", "乙"],
        values=[[3, 1], [2, 0]],
        row_heading="村",
    )
    svg = str(chart.svg)
    assert "<b>" not in svg and "&lt;b&gt;村&lt;/b&gt;" in svg and "图&lt;表&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="16"', svg)]
    assert len(widths) == 3  # the zero segment is not drawn
    assert widths[0] == pytest.approx(3 * widths[1]) and widths[2] == pytest.approx(2 * widths[1])
    assert re.search(r'viewBox="0 0 360 \d+"', svg)
    assert chart.table["total"] == ["合计", "5", "1", "6"]


def test_an_empty_chart_draws_without_dividing_by_zero():
    chart = charts.Chart(
        title="空", rows=["甲村"], series=["已走访", "应走访"], values=[[0, 0]], progress=True
    )
    assert ">0/0</text>" in str(chart.svg)
    assert chart.table["rows"] == [["甲村", "0", "0", "—"]] and chart.is_empty


def test_amounts_are_printed_as_money():
    chart = charts.Chart(title="金额", rows=["甲村"], series=["元"], values=[[Decimal("12500.50")]])
    assert chart.table["rows"] == [["甲村", "12,500.5"]]
