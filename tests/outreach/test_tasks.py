"""Tasks from above (上级交办任务): setting, handing in, the grid's statuses at the due date, scope,
the county's permission, the reminders, the home's to-do and the export."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from federation.core.models import Reminder
from federation.core.reminders import create_due
from federation.core.roles import Role, group_name
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from outreach import task_selectors
from outreach.models import Task, TaskAssignment, task_problems
from outreach.rules import ReportStatus
from outreach.task_services import task_hand_in, task_new, task_save
from tests.helpers.ledgers import data_rows, workbook

TODAY = timezone.localdate()
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def township_task(w, *, due_on=TODAY, villages=None, **asks) -> Task:
    """Return a task the township staff set for ``villages`` (both of its villages by default)."""
    task = task_new(user=w.staff)
    task.title = "六一儿童节慰问"
    task.document = "凉妇发(2014)11号"
    task.due_on = due_on
    for name, value in (asks or {"asks_number": True, "number_label": "慰问儿童人数"}).items():
        setattr(task, name, value)
    return task_save(user=w.staff, task=task, units=villages or [w.village_a, w.village_b])


def part(task: Task, village) -> TaskAssignment:
    return TaskAssignment.objects.get(task=task, village=village)


def status_on(w, task: Task, village, today: dt.date) -> str:
    grid = task_selectors.task_grid(user=w.staff, year=task.due_on.year, today=today)
    index = grid.tasks.index(task)
    return next(cells[index].status for unit, cells in grid.rows if unit == village)


# --- the rules at their boundaries ---------------------------------------------------------------


def test_a_task_asks_for_something_and_a_number_says_what_it_counts():
    assert [
        p.rule for p in task_problems(asks_number=False, number_label="", asks_file=False, asks_text=False)
    ] == ["asks_nothing"]
    assert [
        p.rule for p in task_problems(asks_number=True, number_label=" ", asks_file=False, asks_text=False)
    ] == ["number_unnamed"]
    assert task_problems(asks_number=False, number_label="", asks_file=True, asks_text=True) == []


def test_a_task_due_today_is_open_and_late_from_tomorrow(world):
    w = world
    task = township_task(w, due_on=dt.date(2026, 6, 1))
    assert status_on(w, task, w.village_a, dt.date(2026, 6, 1)) == ReportStatus.OPEN
    assert status_on(w, task, w.village_a, dt.date(2026, 6, 2)) == ReportStatus.OVERDUE


def test_a_hand_in_on_the_due_date_is_done_the_day_after_is_recorded_late(world):
    w = world
    task = township_task(w, due_on=dt.date(2026, 6, 1))
    on_day = dt.datetime(2026, 6, 1, 23, 30, tzinfo=SHANGHAI)
    next_day = dt.datetime(2026, 6, 2, 8, 0, tzinfo=SHANGHAI)
    a = task_hand_in(user=w.dir_a, assignment=part(task, w.village_a), number=Decimal("12"), now=on_day)
    b = task_hand_in(user=w.dir_b, assignment=part(task, w.village_b), number=Decimal("0"), now=next_day)
    assert (a.late, b.late) == (False, True)
    assert status_on(w, task, w.village_a, dt.date(2026, 7, 1)) == ReportStatus.ON_TIME
    assert status_on(w, task, w.village_b, dt.date(2026, 7, 1)) == ReportStatus.LATE
    # a correction keeps the first hand-in's day, and history keeps both
    a = task_hand_in(user=w.dir_a, assignment=part(task, w.village_a), number=Decimal("13"), now=next_day)
    assert not a.late and a.done_on == dt.date(2026, 6, 1)
    numbers = list(a.history.order_by("history_date").values_list("number", "history_user__username"))
    assert numbers[-2:] == [(Decimal("12.00"), "dir_a"), (Decimal("13.00"), "dir_a")]


def test_the_hand_in_page_names_what_is_missing_or_wrong_and_keeps_nothing(world, login, monkeypatch):
    w = world
    task = township_task(
        w, asks_number=True, number_label="参加人数", asks_file=True, asks_text=True, due_on=TODAY
    )
    url = reverse("outreach:task_hand_in", args=[part(task, w.village_a).pk])
    client = login(w.dir_a)
    response = client.post(url, {"number": "二十", "text": " "})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["number"] == ["请填写一个数字，如 25。"]
    assert errors["file"] == ["请上传要交的文件（PDF、JPG 或 PNG）。"]
    assert errors["text"] == ["请填写完成情况（文字）。"]
    renamed = SimpleUploadedFile("照片.pdf", PNG, content_type="application/pdf")
    response = client.post(url, {"number": "20", "text": "已开展", "file": renamed})
    assert response.context["form"].errors["file"] == ["文件名的扩展名与文件内容不符：内容是 PNG。"]
    monkeypatch.setattr("federation.core.uploads.MAX_ATTACHMENT_BYTES", 20)
    big = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    response = client.post(url, {"number": "20", "text": "已开展", "file": big})
    assert response.context["form"].errors["file"][0].startswith("文件太大")
    assert part(task, w.village_a).done_at is None
    monkeypatch.undo()

    photo = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    response = client.post(url, {"number": "20", "text": "已开展慰问", "file": photo, "version": "1"})
    assert response.status_code == 302
    done = part(task, w.village_a)
    assert (done.number, done.text, done.file_type, done.handed_in_by) == (
        Decimal("20"),
        "已开展慰问",
        "image/png",
        w.dir_a,
    )
    download = client.get(reverse("outreach:task_hand_in_file", args=[done.pk]))
    assert b"".join(download.streaming_content) == PNG


# --- scope and permissions ------------------------------------------------------------------------


def test_another_village_gets_404_and_the_setter_sees_every_hand_in(world, login):
    w = world
    task = township_task(w)
    page_a = reverse("outreach:task_hand_in", args=[part(task, w.village_a).pk])
    assert login(w.dir_b).get(page_a).status_code == 404
    assert login(w.other_staff).get(page_a).status_code == 404
    assert login(w.dir_b).post(page_a, {"number": "3"}).status_code == 404
    assert part(task, w.village_a).done_at is None
    detail = login(w.staff).get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert "红旗村" in detail and "胜利村" in detail
    detail = login(w.dir_a).get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert "红旗村" in detail and "胜利村" not in detail
    assert login(w.other_staff).get(reverse("outreach:task_detail", args=[task.pk])).status_code == 404


def test_a_director_cannot_set_tasks(world, login):
    w = world
    client = login(w.dir_a)
    assert client.get(reverse("outreach:task_create")).status_code == 404
    response = client.post(reverse("outreach:task_create"), {"title": "x", "due_on": "2026-06-01"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        task_new(user=w.dir_a)
    assert not Task.objects.exists()


def test_the_township_sets_tasks_only_for_its_own_villages(world, login):
    w = world
    client = login(w.staff)
    form = {
        "title": "禁毒防艾宣传",
        "due_on": "2026-06-26",
        "asks_text": "on",
        "units": [w.village_a.pk, w.village_c.pk],
    }
    response = client.post(reverse("outreach:task_create"), form)
    assert response.status_code == 200
    assert "units" in response.context["form"].errors
    response = client.post(
        reverse("outreach:task_create"), {**form, "asks_text": "", "units": [w.village_a.pk]}
    )
    assert response.context["form"].errors["asks_number"] == ["请至少选一项要上报的内容：数字、文件或文字。"]
    assert not Task.objects.exists()
    with pytest.raises(PermissionDenied):
        task = task_new(user=w.staff)
        task.title, task.due_on, task.asks_text = "x", TODAY, True
        task_save(user=w.staff, task=task, units=[w.village_c])


def test_the_county_viewer_sets_tasks_for_her_townships_and_stays_read_only(world, login):
    w = world
    group = Group.objects.get(name=group_name(Role.COUNTY_VIEWER))
    assert group.permissions.filter(codename="set_county_tasks").exists()  # given by 0009_tasks
    viewer = type(w.county_viewer).objects.get(pk=w.county_viewer.pk)
    assert viewer.has_perm("outreach.set_county_tasks")
    assert not viewer.has_perm("outreach.add_visit") and not viewer.has_perm("outreach.change_taskassignment")
    units = login(w.staff).get(reverse("outreach:task_create")).context["form"].fields["units"]
    assert [str(unit) for unit in units.queryset] == ["红旗村", "胜利村"]  # the township: its villages

    client = login(viewer)
    response = client.post(
        reverse("outreach:task_create"),
        {
            "title": "群众路线教育实践活动总结",
            "document": "凉妇发(2014)11号",
            "due_on": "2026-12-20",
            "asks_file": "on",
            "units": [w.township.pk, w.other_township.pk],
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.township is None and task.set_by == viewer
    parts = TaskAssignment.objects.filter(task=task)
    assert sorted(parts.values_list("township__name", flat=True)) == ["团结镇", "幸福乡"]
    assert all(p.village_id is None for p in parts)
    # the township hands its part in; its villages' directors do not see it
    own = parts.get(township=w.township)
    page = reverse("outreach:task_hand_in", args=[own.pk])
    assert login(w.dir_a).get(page).status_code == 404
    assert not Task.objects.for_user(w.dir_a).exists()
    pdf = SimpleUploadedFile("总结.pdf", b"%PDF-1.4 summary", content_type="application/pdf")
    assert login(w.chair).post(page, {"file": pdf, "version": "1"}).status_code == 302
    assert parts.get(township=w.township).done_at is not None
    # and the county viewer may not hand in for a township
    assert login(viewer).post(page, {}).status_code == 404


def test_who_sees_and_who_may_change_a_task(world):
    """The administrator: every task; no membership (or anonymous): none; a unit: its own (the
    setter changes it, the village only sees it)."""
    w = world
    task = township_task(w, villages=[w.village_a])
    expected = {
        "admin": (True, True),
        "nobody": (False, False),
        "staff": (True, True),
        "other_staff": (False, False),
        "dir_a": (True, False),
        "dir_b": (False, False),
    }
    for name, (sees, changes) in expected.items():
        user = getattr(w, name)
        assert Task.objects.for_user(user).filter(pk=task.pk).exists() is sees, name
        assert Task.objects.editable_by(user).filter(pk=task.pk).exists() is changes, name
    assert not Task.objects.for_user(AnonymousUser()).exists()
    assert not Task.objects.editable_by(AnonymousUser()).exists()


# --- grid, to-do, reminders, export ---------------------------------------------------------------


def test_the_grid_the_todo_and_the_reminders(world, login):
    w = world
    due = TODAY + dt.timedelta(days=7)
    task = township_task(w, due_on=due)
    task_hand_in(user=w.dir_b, assignment=part(task, w.village_b), number=Decimal("5"))

    grid = login(w.staff).get(reverse("outreach:task_list"), {"year": due.year}).context["grid"]
    assert [(unit.name, [c.status for c in cells]) for unit, cells in grid.rows] == [
        ("红旗村", [ReportStatus.OPEN]),
        ("胜利村", [ReportStatus.ON_TIME]),
    ]
    home = login(w.dir_a).get(reverse("home")).content.decode()
    assert (
        "六一儿童节慰问" in home
        and reverse("outreach:task_hand_in", args=[part(task, w.village_a).pk]) in home
    )
    assert "六一儿童节慰问" not in login(w.dir_b).get(reverse("home")).content.decode()

    assert create_due(today=due - dt.timedelta(days=7)) >= 1
    reminders = Reminder.objects.filter(key__startswith=f"task:{task.pk}:")
    assert list(reminders.values_list("user__username", flat=True)) == ["dir_a"]
    assert "还有 7 天，本村还没有上报" in reminders.get().message


def test_the_grid_exports_to_excel_in_the_county_layout(world, tmp_path):
    w = world
    task = township_task(w, due_on=TODAY)
    task_hand_in(user=w.dir_a, assignment=part(task, w.village_a), number=Decimal("25"))
    ledger = get_ledger("tasks")
    path = tmp_path / "tasks.xlsx"
    result = export_build(
        ledger=ledger, user=w.staff, fmt="xlsx", filters=ExportFilters(year=TODAY.year), path=path
    )
    ws = workbook(path).active
    assert ws["A1"].value.startswith("幸福乡") and "上级交办任务完成情况表" in ws["A1"].value
    rows = data_rows(ws, ledger.layout)
    assert result.rows == 2
    keys = [c.key for c in ledger.layout.leaves]
    by_unit = {row[1 + keys.index("unit")]: row for row in rows}
    assert sorted(by_unit) == ["红旗村", "胜利村"]
    done = by_unit["红旗村"]
    assert done[1 + keys.index("document")] == "凉妇发(2014)11号"
    assert done[1 + keys.index("status")] == "已完成"
    assert done[1 + keys.index("number")] == "慰问儿童人数：25"
    assert by_unit["胜利村"][1 + keys.index("status")] == "未到期限"
    # another township's staff exports none of them
    other = tmp_path / "other.xlsx"
    export_build(
        ledger=ledger, user=w.other_staff, fmt="xlsx", filters=ExportFilters(year=TODAY.year), path=other
    )
    assert data_rows(workbook(other).active, ledger.layout) == []
    pdf = tmp_path / "tasks.pdf"
    export_build(ledger=ledger, user=w.staff, fmt="pdf", filters=ExportFilters(year=TODAY.year), path=pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_unit_with_a_hand_in_cannot_be_taken_off_the_task(world):
    w = world
    task = township_task(w)
    task_hand_in(user=w.dir_a, assignment=part(task, w.village_a), number=Decimal("1"))
    with pytest.raises(ValidationError) as refused:
        task_save(user=w.staff, task=task, units=[w.village_b], expected_version=task.version)
    assert "红旗村 已经完成上报，不能取消。" in str(refused.value)
    stored = Task.objects.get(pk=task.pk)
    task_save(user=w.staff, task=stored, units=[w.village_a], expected_version=stored.version)
    kept = TaskAssignment.objects.filter(task=task).values_list("village__name", flat=True)
    assert list(kept) == ["红旗村"]


def test_deleting_a_task_asks_first_and_only_its_setter_may(world, login):
    w = world
    task = township_task(w)
    delete = reverse("outreach:task_delete", args=[task.pk])
    assert login(w.dir_a).get(delete).status_code == 404
    assert login(w.county_viewer).post(delete).status_code == 404
    client = login(w.staff)
    assert "六一儿童节慰问" in client.get(delete).content.decode()  # the confirmation
    assert Task.objects.filter(pk=task.pk).exists()
    assert client.post(delete).status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()
    assert "六一儿童节慰问" in client.get(reverse("outreach:task_deleted")).content.decode()
    assert not task_selectors.open_own_assignments(w.dir_a)
