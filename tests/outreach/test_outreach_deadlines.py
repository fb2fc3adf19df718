"""Register deadlines (2014 plan: 18 March, 30 March for the women's ledger) and the villages' reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from outreach.models import RegisterDeadline, RegisterReport, register_deadlines
from outreach.rules import ReportStatus, report_status
from outreach.selectors import report_table, township_report_table
from outreach.services import register_report_mark

YEAR = 2024
DUE = dt.date(YEAR, 3, 18)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def report(village, register: str, reported_at: dt.datetime) -> RegisterReport:
    """Return the report of ``register`` for ``YEAR`` that ``village`` made at ``reported_at``."""
    return RegisterReport.objects.create(
        village=village, year=YEAR, register=register, reported_at=reported_at
    )


@pytest.fixture
def village_a_reported(world):
    """Village A reported its left-behind women on the deadline day, its poor women two days late."""
    report(world.village_a, "left_behind_women", at(DUE))
    report(world.village_a, "poor_women", at(DUE + dt.timedelta(days=2)))


@pytest.mark.django_db
def test_default_deadlines_are_the_2014_plans():
    deadlines = register_deadlines(YEAR)
    assert deadlines["women_ledger"] == dt.date(YEAR, 3, 30)
    for register in (
        "left_behind_children",
        "hardship_children",
        "left_behind_women",
        "poor_women",
        "volunteers",
    ):
        assert deadlines[register] == DUE


@pytest.mark.django_db
def test_a_years_row_moves_one_deadline():
    RegisterDeadline.objects.create(year=YEAR, register="poor_women", due_on=dt.date(YEAR, 4, 1))
    deadlines = register_deadlines(YEAR)
    assert deadlines["poor_women"] == dt.date(YEAR, 4, 1)
    assert deadlines["left_behind_women"] == DUE
    assert register_deadlines(YEAR + 1)["poor_women"] == dt.date(YEAR + 1, 3, 18)


@pytest.mark.parametrize(
    ("reported_on", "today", "status"),
    [
        (DUE, dt.date(YEAR, 5, 1), ReportStatus.ON_TIME),  # on the deadline day is on time
        (DUE - dt.timedelta(days=5), dt.date(YEAR, 5, 1), ReportStatus.ON_TIME),
        (DUE + dt.timedelta(days=1), dt.date(YEAR, 5, 1), ReportStatus.LATE),
        (None, DUE + dt.timedelta(days=1), ReportStatus.OVERDUE),
        (None, DUE, ReportStatus.OPEN),
        (None, DUE - dt.timedelta(days=30), ReportStatus.OPEN),
    ],
)
def test_report_status(reported_on, today, status):
    assert report_status(due_on=DUE, reported_on=reported_on, today=today) == status


@pytest.mark.usefixtures("village_a_reported")
def test_the_table_shows_reported_late_and_open_per_village(world):
    # Late at night on the 18th in Shanghai is still the 18th (15:30 UTC).
    report(world.village_b, "left_behind_women", dt.datetime(YEAR, 3, 18, 15, 30, tzinfo=dt.UTC))
    table = report_table(user=world.staff, year=YEAR, today=dt.date(YEAR, 3, 25))
    cells = {(village.name, cell.register): cell.status for village, cells in table.rows for cell in cells}
    assert [village.name for village, _ in table.rows] == ["红旗村", "胜利村"]
    assert cells[("红旗村", "left_behind_women")] == ReportStatus.ON_TIME
    assert cells[("红旗村", "poor_women")] == ReportStatus.LATE
    assert cells[("红旗村", "volunteers")] == ReportStatus.OVERDUE
    assert cells[("红旗村", "women_ledger")] == ReportStatus.OPEN  # due 30 March
    assert cells[("胜利村", "left_behind_women")] == ReportStatus.ON_TIME
    assert cells[("胜利村", "poor_women")] == ReportStatus.OVERDUE
    assert table.count(ReportStatus.ON_TIME) == 2 and table.count(ReportStatus.LATE) == 1
    assert table.count(ReportStatus.OPEN) == 2 and table.count(ReportStatus.OVERDUE) == 7
    director_rows = report_table(user=world.dir_b, year=YEAR, today=dt.date(YEAR, 3, 25)).rows
    assert [village.name for village, _ in director_rows] == ["胜利村"]


@pytest.mark.django_db
def test_the_county_reads_each_townships_villages_counted(world, login):
    """The county's table has a row a township; each cell counts its villages as their own table does."""
    report(world.village_b, "left_behind_women", dt.datetime(YEAR, 3, 18, 15, 30, tzinfo=dt.UTC))
    report(world.village_a, "poor_women", at(DUE + dt.timedelta(days=2)))
    today = dt.date(YEAR, 3, 25)
    table = township_report_table(user=world.county_viewer, year=YEAR, today=today)
    rows = {township.name: {cell.register: cell for cell in cells} for township, cells in table.rows}
    assert set(rows) == {world.township.name, world.other_township.name}
    own = report_table(user=world.staff, year=YEAR, today=today)
    for register in ("left_behind_women", "poor_women", "volunteers", "women_ledger"):
        cell = rows[world.township.name][register]
        statuses = [c.status for _village, cells in own.rows for c in cells if c.register == register]
        assert (cell.villages, cell.reported) == (
            2,
            sum(s in (ReportStatus.ON_TIME, ReportStatus.LATE) for s in statuses),
        )
        assert (cell.late, cell.overdue) == (
            statuses.count(ReportStatus.LATE),
            statuses.count(ReportStatus.OVERDUE),
        )
    assert rows[world.township.name]["poor_women"].status == ReportStatus.OVERDUE  # 胜利村 has not
    assert rows[world.township.name]["women_ledger"].status == ReportStatus.OPEN
    body = login(world.county_viewer).get(reverse("outreach:report_list"), {"year": YEAR}).content.decode()
    row = body.split(f'data-village="{world.township.name}"')[1].split("</tr>")[0]
    assert 'data-register="left_behind_women" data-status="overdue"' in row and ">1/2<" in row  # 2024 is past
    assert f"township={world.township.pk}" in row  # opens the township's villages


@pytest.mark.usefixtures("village_a_reported")
def test_the_overview_table_renders_each_status(world, login):
    body = login(world.staff).get(reverse("outreach:report_list"), {"year": YEAR}).content.decode()
    row = body.split('data-village="红旗村"')[1].split("</tr>")[0]
    assert 'data-register="left_behind_women" data-status="on_time"' in row
    assert 'data-register="poor_women" data-status="late"' in row
    assert 'data-register="volunteers" data-status="overdue"' in row  # 2024 is long past


def test_a_director_marks_a_register_reported_after_confirming(world, login):
    year = timezone.localdate().year
    client = login(world.dir_a)
    url = reverse("outreach:report_mark", args=[world.village_a.pk, "left_behind_women"])
    confirm = client.get(url, {"year": year})
    assert confirm.status_code == 200 and "确认上报" in confirm.content.decode()
    assert not RegisterReport.objects.exists()  # GET changes nothing
    response = client.post(f"{url}?year={year}")
    assert response.status_code == 302
    report = RegisterReport.objects.get()
    assert (report.village, report.year, report.register, report.reported_by) == (
        world.village_a,
        year,
        "left_behind_women",
        world.dir_a,
    )
    client.post(f"{url}?year={year}")
    assert RegisterReport.objects.count() == 1  # marking twice keeps the first report
    today = timezone.localdate()
    expected = report_status(
        due_on=register_deadlines(year)["left_behind_women"], reported_on=today, today=today
    )
    body = client.get(reverse("outreach:report_list"), {"year": year}).content.decode()
    assert f'data-register="left_behind_women" data-status="{expected}"' in body


def test_a_register_of_another_village_cannot_be_marked(world, login):
    url = reverse("outreach:report_mark", args=[world.village_b.pk, "left_behind_women"])
    client = login(world.dir_a)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert login(world.county_viewer).post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        register_report_mark(user=world.dir_a, village=world.village_b, year=YEAR, register="poor_women")
    with pytest.raises(PermissionDenied):
        register_report_mark(
            user=world.county_viewer, village=world.village_b, year=YEAR, register="poor_women"
        )
    assert not RegisterReport.objects.exists()
    url = reverse("outreach:report_mark", args=[world.village_a.pk, "no_such_register"])
    assert client.get(url).status_code == 404


def test_township_staff_mark_a_villages_register_on_its_behalf(world):
    report, created = register_report_mark(
        user=world.staff, village=world.village_b, year=YEAR, register="women_ledger"
    )
    assert created and report.reported_by == world.staff
    again, created = register_report_mark(
        user=world.chair, village=world.village_b, year=YEAR, register="women_ledger"
    )
    assert again == report and not created


def test_the_administrator_sets_deadlines_and_the_township_reads_them(world, login):
    deadline = RegisterDeadline.objects.create(year=YEAR, register="poor_women", due_on=dt.date(YEAR, 4, 1))
    staff = login(world.staff)
    changelist = staff.get(reverse("admin:outreach_registerdeadline_changelist")).content.decode()
    assert reverse("admin:outreach_registerdeadline_change", args=[deadline.pk]) in changelist
    assert staff.get(reverse("admin:outreach_registerdeadline_add")).status_code == 403
    assert staff.get(reverse("admin:outreach_outreachsettings_add")).status_code == 403
    admin = login(world.admin)
    assert admin.get(reverse("admin:outreach_registerdeadline_add")).status_code == 200
    assert admin.get(reverse("admin:outreach_outreachsettings_add")).status_code == 200
