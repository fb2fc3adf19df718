"""Imports whose worker died: failed after TASK_STALE_SECONDS, started again or abandoned.

The whole story with a killed process is tests/ledgers/test_worker_death.py; these are its rules one
by one, in the test's database: what counts as dead, what the page offers, what the queue keeps.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.ledgers import liveness
from federation.ledgers.imports.services import import_fail_dead
from federation.ledgers.imports.tasks import run_import
from federation.ledgers.models import ImportRecord
from registry.models import Person
from tests.helpers.imports import new_id, person_row, upload, xlsx

S = ImportRecord.Status


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def queue(monkeypatch, settings):
    """Queue tasks in django-q2's ORM queue (the test's database) instead of running them inline."""
    from django_q.conf import Conf
    from django_q.models import OrmQ

    monkeypatch.setattr(Conf, "SYNC", False)
    settings.IMPORT_BACKGROUND_BYTES = 1
    return OrmQ.objects


def take(queue):
    """Take the first waiting task as a worker does (its row locked until Q_CLUSTER's retry)."""
    from django_q.brokers import get_broker

    return get_broker().dequeue()


def silent_for(record: ImportRecord, seconds: float) -> None:
    """Make ``record``'s last heartbeat ``seconds`` old."""
    then = timezone.now() - dt.timedelta(seconds=seconds)
    ImportRecord.objects.filter(pk=record.pk).update(heartbeat_at=then)


def test_a_dead_check_is_failed_when_its_page_is_opened_and_checked_again(world, login, queue, settings):
    settings.TASK_STALE_SECONDS = 60
    w = world
    client = login(w.dir_a)
    response = upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    assert record.status == S.CHECKING and queue.count() == 1
    take(queue)  # a worker took it, and died: the row stays locked, nothing beats
    silent_for(record, 59)
    assert "正在检查" in text(client.get(response["Location"]))  # not yet: within its timeout
    silent_for(record, 61)
    page = text(client.get(response["Location"]))
    record.refresh_from_db()
    assert (record.status, record.interrupted) == (S.FAILED, S.CHECKING)
    assert "失败" in page and "后台任务中断，请重新开始或放弃" in page
    assert "重新开始检查" in page and 'id="import-abandon"' in page
    assert queue.count() == 0  # the dead task's row is deleted: never handed out again

    client.post(reverse("imports:restart", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == S.CHECKING and queue.count() == 1
    from tests.helpers.ledgers import work_the_queue

    assert work_the_queue() == 1
    record.refresh_from_db()
    assert record.status == S.CHECKED and record.created == 1
    assert "确认导入" in text(client.get(response["Location"]))


def test_a_dead_write_is_started_again_as_a_write_and_abandoning_deletes_the_file(world, login, settings):
    w = world
    client = login(w.dir_a)
    response = upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    assert record.status == S.CHECKED
    # As a confirmed import whose worker died in its transaction: importing, silent, nothing written.
    ImportRecord.objects.filter(pk=record.pk).update(status=S.IMPORTING)
    silent_for(record, 3600)
    page = text(client.get(reverse("imports:history")))
    record.refresh_from_db()
    assert record.status == S.FAILED and "失败" in page
    assert "重新开始导入" in text(client.get(response["Location"]))
    before = Person.objects.count()
    client.post(reverse("imports:restart", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == S.DONE and Person.objects.count() == before + 1
    assert client.post(reverse("imports:restart", args=[record.pk]), follow=True).status_code == 200
    assert Person.objects.count() == before + 1  # restarting a finished import does nothing

    response = upload(client, w.village_a, xlsx([person_row("新人乙", new_id(1991))]))
    other = ImportRecord.objects.latest("pk")
    ImportRecord.objects.filter(pk=other.pk).update(status=S.IMPORTING)
    silent_for(other, 3600)
    from federation.ledgers.tasks import fail_dead_tasks

    assert fail_dead_tasks() == 1  # the schedule's check: nobody opened the page
    other.refresh_from_db()
    path = other.file_path
    assert path
    response = client.post(reverse("imports:abandon", args=[other.pk]), follow=True)
    other.refresh_from_db()
    assert other.status == S.ABANDONED and other.file_path == ""
    assert "已放弃这次导入，什么也没有写入" in text(response)
    from pathlib import Path

    assert not Path(path).exists() and not Person.objects.filter(name="新人乙").exists()


def test_an_import_waiting_in_the_queue_is_not_dead(world, login, queue):
    w = world
    upload(login(w.dir_a), w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    silent_for(record, 3600)  # behind a long export on the one worker: nothing beats yet
    assert import_fail_dead() == 0
    record.refresh_from_db()
    assert record.status == S.CHECKING and queue.count() == 1


def test_a_task_handed_out_again_after_its_worker_died_does_nothing(world, login, queue):
    w = world
    upload(login(w.dir_a), w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    dead_token = record.task_token
    take(queue)
    silent_for(record, 3600)
    assert import_fail_dead() == 1
    record.refresh_from_db()
    assert run_import(record.pk, True, dead_token) == 0
    assert ImportRecord.objects.get(pk=record.pk).status == S.FAILED  # not checked behind the user's back


def test_an_error_in_the_task_is_a_failure_that_can_be_started_again(world, login, monkeypatch, caplog):
    w = world
    client = login(w.dir_a)

    def broken(self, *args, **kwargs):
        raise ValueError(w.woman_a.id_number)

    monkeypatch.setattr("federation.ledgers.imports.framework.Importer.run", broken)
    response = upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    assert (record.status, record.interrupted) == (S.FAILED, S.CHECKING)
    assert "ValueError" in record.message and w.woman_a.id_number not in record.message + caplog.text
    monkeypatch.undo()
    assert "重新开始检查" in text(client.get(response["Location"]))
    client.post(reverse("imports:restart", args=[record.pk]))
    assert ImportRecord.objects.get(pk=record.pk).status == S.CHECKED


def test_someone_elses_import_cannot_be_started_again(world, login):
    w = world
    upload(login(w.dir_a), w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    ImportRecord.objects.filter(pk=record.pk).update(status=S.FAILED, interrupted=S.CHECKING)
    assert login(w.dir_b).post(reverse("imports:restart", args=[record.pk])).status_code == 404
    assert ImportRecord.objects.get(pk=record.pk).status == S.FAILED


@pytest.mark.django_db
def test_the_migration_schedules_the_check_every_five_minutes():
    from django_q.models import Schedule

    from federation.ledgers.tasks import SCHEDULE_NAME, fail_dead_tasks

    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 5, -1)
    assert schedule.func == f"{fail_dead_tasks.__module__}.{fail_dead_tasks.__name__}"
    assert fail_dead_tasks() == 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_writes_while_the_task_runs_and_stops_with_it(settings):
    import time

    from federation.ledgers.models import ExportRecord

    settings.TASK_HEARTBEAT_SECONDS = 0.05
    record = ExportRecord.objects.create(
        requested_by="王芳", ledger="women", title="台账", scope="幸福乡", format="xlsx", status="running",
        task_token="a" * 32,
    )  # fmt: skip
    with liveness.Heartbeat(ExportRecord, record.pk, "a" * 32, ["running"]) as heartbeat:
        heartbeat.report(rows_done=7)
        time.sleep(0.5)
        record.refresh_from_db()
        assert record.heartbeat_at is not None and record.rows_done == 7
    record.refresh_from_db()  # a beat may have come between the look above and the block's end
    beaten = record.heartbeat_at
    time.sleep(0.2)
    record.refresh_from_db()
    assert record.heartbeat_at == beaten  # stopped with the task
    with liveness.Heartbeat(ExportRecord, record.pk, "b" * 32, ["running"]):  # another attempt's
        time.sleep(0.3)
    record.refresh_from_db()
    assert record.heartbeat_at == beaten
