"""Exports on the web: buttons that keep the list's filters, the scope, downloads, big exports."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.tasks import run_export
from federation.ledgers.models import ExportRecord
from tests.helpers.ledgers import data_rows, flat, pdf_text, registry_ledgers, village_b_row, workbook

# Django-q2 tasks run inline, in the test's transaction.
pytestmark = pytest.mark.usefixtures("sync_tasks")


LIST_PAGES = {
    "registry:women_ledger": ["women"],
    "registry:person_list": ["persons"],
    "registry:leftbehindchild_list": ["left_behind_children", "left_behind_child_cards"],
    "registry:hardshipchild_list": ["hardship_children"],
    "registry:leftbehindwoman_list": ["left_behind_women"],
    "registry:poorwoman_list": ["poor_women"],
    "registry:villagedirector_list": ["village_directors"],
    "registry:womenshome_list": ["womens_homes"],
}


def export_links(content: str) -> dict[str, str]:
    """Return the export buttons of a page: data-export kind -> URL (unescaped)."""
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-export="(\w+)"', content)
    return {kind: html.unescape(href) for href, kind in found}


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, b"".join(response.streaming_content)


@pytest.mark.parametrize("view_name", list(LIST_PAGES))
def test_every_register_list_has_export_buttons(ledger_world, login, view_name):
    client = login(ledger_world.staff)
    content = client.get(reverse(view_name)).content.decode()
    links = export_links(content)
    ledgers = [get_ledger(name) for name in LIST_PAGES[view_name]]
    expected = {("cards" if not ledger.is_table else fmt) for ledger in ledgers for fmt in ledger.formats}
    assert set(links) == expected
    for kind, url in links.items():
        assert url.startswith("/exports/"), (kind, url)


def test_the_export_buttons_keep_the_list_filters(ledger_world, login):
    w = ledger_world
    client = login(w.staff)
    query = {"year": "2026", "group": str(w.group_a.pk), "q": "妇女"}
    content = client.get(reverse("registry:women_ledger"), query).content.decode()
    links = export_links(content)
    for url in links.values():
        kept = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert kept == query
    response, data = download(client, links["xlsx"])
    names = {r[2] for r in data_rows(workbook(data).active, get_ledger("women").layout)}
    assert names == {"妇女A"}  # group A, name contains 妇女: not the trap names, not village B


def test_the_persons_list_keeps_its_own_filters(ledger_world, login):
    w = ledger_world
    client = login(w.dir_a)
    content = client.get(reverse("registry:person_list"), {"register": "poorwoman"}).content.decode()
    response, data = download(client, export_links(content)["xlsx"])
    names = {r[3] for r in data_rows(workbook(data).active, get_ledger("persons").layout)}
    assert names == {"妇女A"}


def test_a_small_export_is_the_file_itself_and_is_recorded(ledger_world, login):
    w = ledger_world
    client = login(w.dir_a)
    response, data = download(client, reverse("exports:export", args=["women", "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition
    assert response["Cache-Control"] == "private, no-store"
    record = ExportRecord.objects.get()
    assert (record.user, record.requested_by, record.ledger, record.format) == (
        w.dir_a,
        "张红",
        "women",
        "xlsx",
    )
    assert (record.scope, record.scope_code) == ("幸福乡红旗村", w.village_a.code)
    assert record.status == ExportRecord.Status.DONE and not record.background
    assert record.rows_total == record.rows_done == 7
    assert record.file_name.endswith(f"妇女基本信息台账（{timezone.localdate().year}年度）.xlsx")
    assert record.file_size == len(data) and record.finished_at >= record.created_at


@pytest.mark.parametrize("name", registry_ledgers())
def test_another_villages_director_gets_only_her_own_rows(ledger_world, login, tmp_path, name):
    w = ledger_world
    ledger = get_ledger(name)
    fmt = "xlsx" if "xlsx" in ledger.formats else "pdf"
    client = login(w.dir_b)
    response, data = download(client, reverse("exports:export", args=[name, fmt]))
    if fmt == "xlsx":
        text = repr(data_rows(workbook(data).active, ledger.layout))
    else:
        path = tmp_path / "out.pdf"
        path.write_bytes(data)
        text = flat(pdf_text(path))
    a_markers = ["妇女A", "女儿A", "儿子A", "主任A", "红旗村", w.woman_a.id_number, "=1+2"]
    assert not [m for m in a_markers if m in text], name
    assert village_b_row(name) in text


def test_someone_elses_export_answers_404(ledger_world, login, client):
    w = ledger_world
    login(w.dir_a)
    client.get(reverse("exports:export", args=["women", "xlsx"]))
    record = ExportRecord.objects.get()
    urls = [
        reverse("exports:job", args=[record.pk]),
        reverse("exports:job_status", args=[record.pk]),
        reverse("exports:download", args=[record.pk]),
    ]
    assert client.get(urls[2]).status_code == 200
    for other in (w.dir_b, w.staff, w.county_viewer):
        client.force_login(other, backend="federation.core.backends.RoleBackend")
        for url in urls:
            assert client.get(url).status_code == 404, (other, url)
        assert record.title not in client.get(reverse("exports:job_list")).content.decode()
    client.logout()
    assert client.get(urls[2]).status_code == 302  # to the log-in page


def test_refusals_answer_404(ledger_world, login):
    w = ledger_world
    client = login(w.nobody)
    assert client.get(reverse("exports:export", args=["women", "xlsx"])).status_code == 404
    client = login(w.dir_a)
    assert client.get(reverse("exports:export", args=["no_such", "xlsx"])).status_code == 404
    assert client.get(reverse("exports:export", args=["left_behind_child_cards", "xlsx"])).status_code == 404
    assert client.get(reverse("exports:export", args=["women", "csv"])).status_code == 404
    assert not ExportRecord.objects.exists()


def test_a_big_export_runs_in_the_background_with_progress_and_a_download(ledger_world, login, settings):
    settings.LEDGER_BACKGROUND_ROWS = {"xlsx": 3, "pdf": 3}
    w = ledger_world
    client = login(w.staff)
    response = client.get(reverse("exports:export", args=["women", "xlsx"]), {"q": ""})
    record = ExportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:job", args=[record.pk])
    assert record.background and record.status == ExportRecord.Status.DONE  # sync mode ran it inline
    from django_q.models import Task

    assert Task.objects.filter(name=f"export-{record.pk}", success=True).exists()
    page = client.get(response["Location"]).content.decode()
    assert "100%" in page and reverse("exports:download", args=[record.pk]) in page
    status = client.get(reverse("exports:job_status", args=[record.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["rows_done"] == status["rows_total"] == 8
    _response, data = download(client, status["download_url"])
    assert len(data_rows(workbook(data).active, get_ledger("women").layout)) == 8
    assert record.title in client.get(reverse("exports:job_list")).content.decode()


def test_a_queued_export_shows_its_progress_until_the_task_has_run(
    ledger_world, login, settings, monkeypatch
):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    queued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda *args, **kwargs: queued.append((args, kwargs)))
    settings.LEDGER_BACKGROUND_ROWS = {"pdf": 1}
    w = ledger_world
    client = login(w.staff)
    response = client.get(reverse("exports:export", args=["poor_women", "pdf"]))
    record = ExportRecord.objects.get()
    assert queued == [
        (
            ("federation.ledgers.exports.tasks.run_export", record.pk, record.task_token),
            {"task_name": f"export-{record.pk}", "group": "exports"},
        )
    ]
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'id="export-download"' in page and "d-none" in page
    status = client.get(reverse("exports:job_status", args=[record.pk])).json()
    assert (status["status"], status["percent"], status["download_url"]) == ("queued", 0, "")
    assert client.get(reverse("exports:download", args=[record.pk])).status_code == 404

    assert len(record.task_token) == 32
    assert run_export(record.pk, record.task_token) == 2
    record.refresh_from_db()
    assert record.status == ExportRecord.Status.DONE and record.file_name.endswith(".zip")
    status = client.get(reverse("exports:job_status", args=[record.pk])).json()
    assert status["status"] == "done" and status["download_url"]
    response, data = download(client, status["download_url"])
    assert response["Content-Type"] == "application/zip" and data[:2] == b"PK"


def test_progress_reaches_the_record_with_the_heartbeat_while_the_rows_stream(ledger_world, monkeypatch):
    from federation.ledgers import liveness
    from federation.ledgers.exports import services, xlsx
    from federation.ledgers.exports.context import ExportFilters
    from federation.ledgers.exports.services import export_record_create

    monkeypatch.setattr(xlsx, "PROGRESS_EVERY", 2)
    w = ledger_world
    ledger = get_ledger("women")
    record = export_record_create(ledger=ledger, user=w.staff, fmt="xlsx", filters=ExportFilters())
    seen = []
    real_report = liveness.Heartbeat.report

    def report_then_beat(self, **values):
        # The next beat, at once: it writes what the builder reported (in the test's transaction).
        real_report(self, **values)
        self.beat()
        seen.append(ExportRecord.objects.get(pk=record.pk).rows_done)  # what the progress page reads

    monkeypatch.setattr(liveness.Heartbeat, "report", report_then_beat)
    services.export_run(record=record, ledger=ledger, user=w.staff)
    assert seen == [2, 4, 6, 8]


def test_a_failed_export_is_recorded_without_its_values(ledger_world, login, monkeypatch, caplog):
    w = ledger_world

    def broken(*args, **kwargs):
        raise ValueError(w.woman_a.id_number)

    monkeypatch.setattr("federation.ledgers.exports.xlsx.XlsxBuilder.write", broken)
    client = login(w.dir_a)
    response = client.get(reverse("exports:export", args=["women", "xlsx"]))
    record = ExportRecord.objects.get()
    assert response.status_code == 302
    assert record.status == ExportRecord.Status.FAILED and "ValueError" in record.error
    assert w.woman_a.id_number not in record.error
    assert w.woman_a.id_number not in caplog.text and "ValueError" in caplog.text
    assert not list(export_dir_files(record))


def export_dir_files(record):
    from federation.ledgers.exports.conf import export_dir

    folder = export_dir()
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_files_older_than_the_keeping_days_are_deleted(ledger_world, login):
    import datetime as dt

    from django.utils import timezone as tz

    from federation.ledgers.exports.services import export_file_path, export_purge

    w = ledger_world
    client = login(w.dir_a)
    client.get(reverse("exports:export", args=["women", "xlsx"]))
    record = ExportRecord.objects.get()
    path = export_file_path(record)
    assert path is not None and path.exists()
    assert export_purge(now=tz.now() + dt.timedelta(days=6)) == 0
    assert export_purge(now=tz.now() + dt.timedelta(days=8)) == 1
    record.refresh_from_db()
    assert record.status == ExportRecord.Status.EXPIRED and not path.exists()
    assert client.get(reverse("exports:download", args=[record.pk])).status_code == 404


def test_the_administrator_reads_the_export_records_in_the_admin(ledger_world, login):
    w = ledger_world
    client = login(w.dir_a)
    page = client.get(reverse("registry:women_ledger")).content.decode()
    link = html.unescape(re.search(r'href="([^"]+)" data-export="xlsx"', page).group(1))
    assert client.get(link).status_code == 200
    body = login(w.admin).get(reverse("admin:ledgers_exportrecord_changelist")).content.decode()
    assert "张红" in body and "妇女基本信息台账" in body
    assert login(w.staff).get(reverse("admin:ledgers_exportrecord_changelist")).status_code == 403


@pytest.fixture
def queue(monkeypatch, settings):
    """Queue big exports in django-q2's ORM queue (the test's database) instead of running them inline."""
    from django_q.conf import Conf
    from django_q.models import OrmQ

    monkeypatch.setattr(Conf, "SYNC", False)
    settings.LEDGER_BACKGROUND_ROWS = {"xlsx": 3, "pdf": 10_000}
    return OrmQ.objects


def test_a_user_queues_at_most_two_exports_at_once(ledger_world, login, queue, settings):
    assert settings.EXPORTS_QUEUED_PER_USER == 2
    w = ledger_world
    client = login(w.staff)
    url = reverse("exports:export", args=["women", "xlsx"])
    for _ in range(2):
        assert client.get(url).status_code == 302
    assert ExportRecord.objects.filter(status=ExportRecord.Status.QUEUED).count() == 2 and queue.count() == 2
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("exports:job_list")
    assert "您已有 2 个导出正在排队或生成，请等它们完成后再导出。" in response.content.decode()
    assert ExportRecord.objects.count() == 2 and queue.count() == 2  # nothing recorded, nothing queued
    # Another user is not held up by hers; an export that runs at once is not queued, so not limited.
    assert login(w.dir_a).get(url).status_code == 302 and queue.count() == 3
    client = login(w.staff)
    small = client.get(reverse("exports:export", args=["women", "pdf"]))
    assert small.status_code == 200 and small["Content-Type"] == "application/zip"  # a PDF a village
    assert not ExportRecord.objects.latest("pk").background
    # Once one of hers has run, she may queue another.
    from tests.helpers.ledgers import work_the_queue

    mine = ExportRecord.objects.filter(user=w.staff, background=True)
    first = mine.order_by("pk").first()
    assert run_export(first.pk, first.task_token) == 8
    assert client.get(url).status_code == 302 and mine.count() == 3
    assert work_the_queue() == 4  # the first one's row too: run again, it does nothing
    assert set(mine.values_list("status", flat=True)) == {ExportRecord.Status.DONE}
    assert mine.get(pk=first.pk).rows_done == 8


def test_a_dead_export_is_failed_its_file_deleted_and_offered_again(ledger_world, login, queue, settings):
    import datetime as dt

    from django_q.brokers import get_broker

    from federation.ledgers.exports.conf import export_dir

    w = ledger_world
    client = login(w.staff)
    response = client.get(reverse("exports:export", args=["women", "xlsx"]), {"village": w.village_a.pk})
    record = ExportRecord.objects.get()
    get_broker().dequeue()  # a worker took it...
    folder = export_dir() / str(w.staff.pk)
    folder.mkdir(parents=True)
    part = folder / f"{record.pk}-half.part"
    part.write_bytes(b"PK half a workbook")
    (folder / f".{part.name}.0000.pdf").write_bytes(b"%PDF half")
    silent = timezone.now() - dt.timedelta(seconds=settings.TASK_STALE_SECONDS + 1)
    ExportRecord.objects.filter(pk=record.pk).update(
        status=ExportRecord.Status.RUNNING, file_path=f"{w.staff.pk}/{part.name}", heartbeat_at=silent
    )  # ...and died writing its file
    page = html.unescape(client.get(response["Location"]).content.decode())
    record.refresh_from_db()
    assert record.status == ExportRecord.Status.FAILED and "失败" in page
    assert "后台任务中断，请重新导出。" in page and 'id="export-again"' in page
    again = re.search(r'id="export-again" class="[^"]*" href="([^"]+)"', page).group(1)
    assert urlsplit(again).path == reverse("exports:export", args=["women", "xlsx"])
    assert parse_qs(urlsplit(again).query) == {"village": [str(w.village_a.pk)]}
    assert list(folder.iterdir()) == [] and queue.count() == 0  # no half file, no queue row left
    assert client.get(reverse("exports:download", args=[record.pk])).status_code == 404
    # Exporting again is a new export, queued (the dead one does not count against her two).
    assert client.get(again).status_code == 302 and queue.count() == 1


def test_an_export_waiting_in_the_queue_is_not_dead(ledger_world, login, queue):
    import datetime as dt

    from federation.ledgers.exports.services import export_fail_dead

    w = ledger_world
    client = login(w.staff)
    client.get(reverse("exports:export", args=["women", "xlsx"]))
    record = ExportRecord.objects.get()
    ExportRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert export_fail_dead() == 0
    assert "排队中" in client.get(reverse("exports:job", args=[record.pk])).content.decode()
