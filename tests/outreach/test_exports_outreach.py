"""The outreach ledgers go through the export framework: county layout, scope, health data, DV cases."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl.utils import get_column_letter

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.services import ExportRefused, export_build, ledger_notes
from outreach import selectors
from outreach.models import Screening, Visit, VisitedFor
from tests.helpers.ledgers import data_rows, flat, pdf_text, totals_row, workbook
from tests.helpers.outreach import YEAR, left_behind_woman, screening, visit

OUTREACH_LEDGERS = ["visits", "screening_statistics", "volunteers", "petitions"]


def build(tmp_path, name, user, fmt="xlsx", **query):
    path = tmp_path / f"{name}-{user.username}.{fmt}"
    filters = ExportFilters.from_query({"year": YEAR, **query})
    result = export_build(ledger=get_ledger(name), user=user, fmt=fmt, filters=filters, path=path)
    return path, result


def sheet(tmp_path, name, user, **query):
    path, result = build(tmp_path, name, user, **query)
    ws = workbook(path).active
    return ws, data_rows(ws, get_ledger(name).layout), result


def column(name: str, key: str) -> int:
    """Return the index of ``key`` in a data row (序号 is index 0)."""
    return 1 + [c.key for c in get_ledger(name).layout.leaves].index(key)


@pytest.mark.parametrize("name", OUTREACH_LEDGERS)
def test_every_outreach_ledger_has_the_county_layout(outreach_world, tmp_path, name):
    w = outreach_world
    ledger = get_ledger(name)
    ws, rows, result = sheet(tmp_path, name, w.staff)
    last = get_column_letter(len(ledger.layout.leaves) + 1)
    assert f"A1:{last}1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value.startswith("幸福乡") and str(ledger.title) in ws["A1"].value
    line = " ".join(str(c.value) for c in ws[2] if c.value)
    assert "填报单位：幸福乡" in line and "填报人：王芳" in line
    header = [c.value for row in ws.iter_rows(min_row=3, max_row=2 + ledger.layout.header_rows) for c in row]
    assert header[0] == "序号"
    assert [str(c.header) for c in ledger.layout.leaves] == [h for h in header[1:] if h]
    assert ws.page_setup.orientation == "landscape"
    filters = ExportFilters(year=YEAR)
    assert len(rows) == result.rows == ledger.records(w.staff, filters).count() > 0
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    text = repr(rows)
    assert "红旗村" in text and "胜利村" in text and "光明村" not in text and "团结镇" not in text
    assert totals_row(ws)[0] == f"合计：{len(rows)} {ledger.layout.count_unit}"
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for note in ledger_notes(ledger, ExportContext.build(user=w.staff, filters=filters)):
        assert any(note in v for v in values)


def test_visits_one_row_a_visit_with_what_was_found_and_done(outreach_world, tmp_path):
    w = outreach_world
    o = w.o
    visit(
        o.lbw_a.person,
        dt.date(YEAR, 1, 5),
        mode="phone",
        is_poor=True,
        poverty_reason="因病致贫",
        living_situation="种地为生",
        difficulties="缺劳力",
        help_given="联系农技站",
        result="已解决",
        visitors="张红、李梅",
    )
    old = visit(o.lbw_a.person, dt.date(YEAR, 1, 6))
    Visit.objects.filter(pk=old.pk).update(visited_on=dt.date(YEAR - 1, 6, 1))  # not in this year's ledger
    ws, rows, _result = sheet(tmp_path, "visits", w.dir_a)
    assert len(rows) == 2  # village A's two visits of the year; never village B's
    first = rows[0]
    assert first[column("visits", "place")] == "一组"
    assert first[column("visits", "name")] == "留守A"
    assert first[column("visits", "visited_on")].date() == dt.date(YEAR, 1, 5)
    assert first[column("visits", "mode")] == "电话走访"
    assert first[column("visits", "visitors")] == "张红、李梅"
    assert first[column("visits", "poor")] == "是：因病致贫"
    assert first[column("visits", "living")] == "种地为生"
    assert first[column("visits", "difficulties")] == "缺劳力"
    assert first[column("visits", "help")] == "联系农技站；结果：已解决"
    assert rows[1][column("visits", "help")] == "帮扶A" and rows[1][column("visits", "poor")] == "否"
    _ws, last_year, _r = sheet(tmp_path, "visits", w.dir_a, year=YEAR - 1)
    assert len(last_year) == 1  # the list's year filter flows into the export


def test_the_visits_ledger_names_the_group_and_keeps_the_lists_group_filter(outreach_world, tmp_path):
    w = outreach_world
    visit(w.o.lbw_a.person, dt.date(YEAR, 1, 5))
    visit(w.woman_a, dt.date(YEAR, 1, 6), visited_for=VisitedFor.DISPUTE_FAMILY)
    _ws, rows, _result = sheet(tmp_path, "visits", w.dir_a)
    assert {row[column("visits", "name")]: row[column("visits", "visited_for")] for row in rows} == {
        "留守A": "留守妇女",
        "妇女A": "矛盾纠纷家庭",
    }
    _ws, chosen, _result = sheet(tmp_path, "visits", w.dir_a, visited_for="dispute_family")
    assert [row[column("visits", "name")] for row in chosen] == ["妇女A"]


def test_screening_statistics_count_per_village_and_total(outreach_world, tmp_path):
    w = outreach_world
    o = w.o
    screening(o.lbw_a.person, kind="breast", result="normal", relief_applied=True)
    other = left_behind_woman(w.village_a, name="检查C")
    screening(
        other.person, result="cancer", relief_applied=True, relief_granted=True, relief_amount=Decimal("3000")
    )
    ws, rows, _result = sheet(tmp_path, "screening_statistics", w.staff)
    by_village = {row[column("screening_statistics", "village")]: row for row in rows}
    assert list(by_village) == ["红旗村", "胜利村"]
    a = by_village["红旗村"]
    assert a[column("screening_statistics", "screened")] == 2  # two women, three screenings
    assert a[column("screening_statistics", "abnormal")] == 2
    assert a[column("screening_statistics", "precancerous")] == 1
    assert a[column("screening_statistics", "confirmed")] == 1
    assert a[column("screening_statistics", "relief_applied")] == 2
    assert a[column("screening_statistics", "relief_granted")] == 1
    assert a[column("screening_statistics", "relief_amount")] == 3000
    statistics = selectors.screening_statistics(user=w.staff, year=YEAR)
    assert a[column("screening_statistics", "coverage")] == statistics.rows[0].coverage
    totals = totals_row(ws)
    assert totals[0] == "合计：2 个村"
    for key in ("eligible", "screened", "abnormal", "precancerous", "confirmed", "treated"):
        assert totals[column("screening_statistics", key)] == getattr(statistics.total, key), key
    assert totals[column("screening_statistics", "screened")] == 3
    assert totals[column("screening_statistics", "treated")] == 2
    assert totals[column("screening_statistics", "relief_amount")] == 3000
    assert totals[column("screening_statistics", "coverage")] is None  # per cents do not add up


def test_the_county_viewer_gets_statistics_but_no_person_and_no_domestic_violence(outreach_world, tmp_path):
    w = outreach_world
    viewer = w.county_viewer
    ws, rows, _r = sheet(tmp_path, "screening_statistics", viewer)
    assert [r[column("screening_statistics", "village")] for r in rows] == ["红旗村", "胜利村", "光明村"]
    assert totals_row(ws)[column("screening_statistics", "precancerous")] == 2
    everything = repr([c.value for row in ws.iter_rows() for c in row])
    assert "留守A" not in everything and "留守B" not in everything
    pdf, _result = build(tmp_path, "screening_statistics", viewer, fmt="pdf", village=w.village_a.pk)
    text = flat(pdf_text(pdf))
    assert "两癌检查统计表" in text and "红旗村" in text and "留守A" not in text
    # No ledger gives individual screening rows, to anyone, and she has none to give.
    assert Screening.objects.for_user(viewer).count() == 0
    for name in OUTREACH_LEDGERS:
        assert get_ledger(name).records(viewer, ExportFilters(year=YEAR)).model is not Screening
    # Petitions: the other cases, never a domestic-violence one.
    _ws, petitions, _r = sheet(tmp_path, "petitions", viewer)
    names = [r[column("petitions", "petitioner")] for r in petitions]
    assert "来访A" in names and "来访B" in names and "受害人甲" not in names
    assert "家庭暴力" not in repr(petitions)
    _ws, staff_petitions, _r = sheet(tmp_path, "petitions", w.staff)
    assert "受害人甲" in [r[column("petitions", "petitioner")] for r in staff_petitions]


def test_another_villages_director_gets_only_her_village(outreach_world, tmp_path):
    w = outreach_world
    for name in OUTREACH_LEDGERS:
        _ws, rows, _r = sheet(tmp_path, name, w.dir_b)
        text = repr(rows)
        assert rows and "红旗村" not in text and "留守A" not in text and "来访A" not in text, name
        assert "受害人甲" not in text and "村A服务队" not in text, name
    _ws, rows, _r = sheet(tmp_path, "screening_statistics", w.dir_b)
    assert [r[column("screening_statistics", "village")] for r in rows] == ["胜利村"]
    _ws, rows, _r = sheet(tmp_path, "petitions", w.dir_b)
    assert [r[column("petitions", "petitioner")] for r in rows] == ["来访B"]


def test_volunteer_teams_list_their_members_township_teams_too(outreach_world, tmp_path):
    w = outreach_world
    _ws, rows, _r = sheet(tmp_path, "volunteers", w.staff)
    members = [(r[column("volunteers", "team")], r[column("volunteers", "name")]) for r in rows]
    township_team = ("幸福乡巾帼志愿服务队", "中心校杨老师")
    assert members == [("村A服务队", "留守A"), ("村B服务队", "留守B"), township_team]
    assert rows[2][column("volunteers", "level")] == "乡镇级"
    assert rows[0][column("volunteers", "speciality")] == "法律维权"


def test_a_townships_pdfs_keep_township_level_members_and_one_statistics_table(outreach_world, tmp_path):
    w = outreach_world
    path, result = build(tmp_path, "volunteers", w.staff, fmt="pdf")
    assert result.kind == "zip"  # one PDF a village, as for the registers
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        texts = []
        for name in names:
            part = tmp_path / "part.pdf"
            part.write_bytes(archive.read(name))
            texts.append(flat(pdf_text(part)))
    assert len(names) == 2
    for text in texts:  # each village's book lists the township team's members too
        assert "中心校杨老师" in text
    assert "留守A" in texts[0] and "留守B" in texts[1] and "留守B" not in texts[0]
    path, result = build(tmp_path, "screening_statistics", w.staff, fmt="pdf")
    assert result.kind == "pdf" and result.rows == 2  # one table of the villages, not a ZIP
    text = flat(pdf_text(path))
    assert "幸福乡两癌检查统计表" in text and "红旗村" in text and "胜利村" in text
    assert "合计：2个村" in text and "光明村" not in text


def test_the_petition_ledger_prints_as_a_pdf(outreach_world, tmp_path):
    w = outreach_world
    path, result = build(tmp_path, "petitions", w.dir_a, fmt="pdf")
    assert result.kind == "pdf" and result.rows == 2
    text = flat(pdf_text(path))
    assert "幸福乡红旗村来信来访登记表" in text
    assert "来访A" in text and "受害人甲" in text and "来访B" not in text
    assert "合计：2件" in text


def test_the_outreach_lists_have_export_buttons(outreach_world, login):
    w = outreach_world
    client = login(w.staff)
    for view_name in (
        "outreach:visit_list",
        "outreach:screening_statistics",
        "outreach:volunteerteam_list",
        "outreach:volunteermember_list",
        "outreach:petition_list",
    ):
        body = client.get(reverse(view_name), {"year": YEAR}).content.decode()
        assert 'data-export="xlsx"' in body and 'data-export="pdf"' in body, view_name
        assert f"year={YEAR}" in body, view_name
    # The individual screening list exports for the roles that see results; the county viewer reads
    # the statistics only.
    assert 'data-export="xlsx"' in client.get(reverse("outreach:screening_list")).content.decode()
    viewer = login(w.county_viewer)
    assert 'data-export="xlsx"' in viewer.get(reverse("outreach:screening_statistics")).content.decode()
    assert viewer.get(reverse("exports:outreach:screening_list:xlsx"), {"year": YEAR}).status_code == 404


def test_the_web_export_keeps_the_year_and_refuses_without_the_permission(outreach_world, login, tmp_path):
    w = outreach_world
    client = login(w.dir_a)
    url = reverse("exports:outreach:visit_list:xlsx")
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(data_rows(workbook(data).active, get_ledger("visits").layout)) == 1
    with pytest.raises(ExportRefused):
        build(tmp_path, "visits", w.nobody)
