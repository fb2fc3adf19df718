"""The task queue on Redis (``Q_BROKER_URL``): exports queued there, run by a worker, a dead one seen.

Against the Redis of the machine the tests run on (``TEST_REDIS_URL``, redis://127.0.0.1:6379/0 by
default; CI runs one). Each test queues on a queue of its own name (django-q2's cluster name), so
parallel workers never take each other's tasks, and deletes it after. Without a Redis the tests are
skipped, except where ``CI`` is set: there they fail.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.ledgers import liveness
from federation.ledgers.exports.conf import export_dir
from federation.ledgers.exports.services import export_fail_dead
from federation.ledgers.exports.tasks import run_export
from federation.ledgers.models import ExportRecord
from tests.helpers.ledgers import work_the_queue, workbook
from tests.helpers.processes import project_settings

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
S = ExportRecord.Status


def page(client, url) -> str:
    return html.unescape(client.get(url).content.decode())


@pytest.fixture
def redis_queue(monkeypatch, settings):
    """Queue tasks on django-q2's Redis broker, on this test's own queue; return the broker."""
    import redis
    from django_q.brokers import get_broker
    from django_q.conf import Conf

    try:
        redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    # What the settings make of Q_BROKER_URL: no "orm", a "redis" URL (django_q.conf reads it once).
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", REDIS_URL)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", f"test-{uuid.uuid4().hex}")
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.LEDGER_BACKGROUND_ROWS = {"xlsx": 3, "pdf": 10_000}
    broker = get_broker()
    assert type(broker).__name__ == "Redis"
    yield broker
    broker.delete_queue()


def test_the_settings_put_the_queue_on_redis_when_q_broker_url_is_set(tmp_path):
    on_redis = project_settings(tmp_path, ["Q_CLUSTER"], Q_BROKER_URL="redis://queue.example:6379/2")
    in_database = project_settings(tmp_path, ["Q_CLUSTER"])
    assert (
        on_redis["Q_CLUSTER"]["redis"] == "redis://queue.example:6379/2"
        and "orm" not in on_redis["Q_CLUSTER"]
    )
    assert in_database["Q_CLUSTER"]["orm"] == "default" and "redis" not in in_database["Q_CLUSTER"]


def test_an_export_queued_on_redis_waits_there_and_a_worker_finishes_it(
    ledger_world, login, redis_queue, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ

    w = ledger_world
    client = login(w.staff)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(reverse("exports:export", args=["women", "xlsx"]))
        record = ExportRecord.objects.get()
        # A worker elsewhere would take it at once: it is queued only once the record is committed.
        assert record.status == S.QUEUED and redis_queue.queue_size() == 0
    for callback in callbacks:
        callback()
    assert redis_queue.queue_size() == 1 and OrmQ.objects.count() == 0  # on Redis, not in the database
    assert liveness.waiting_tokens() == {record.task_token}

    # Waiting behind others for hours is not dead: the task is still in the Redis queue.
    ExportRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert export_fail_dead() == 0
    assert "排队中" in page(client, response["Location"])

    assert work_the_queue() == 1  # a worker takes it off the list and runs it
    record.refresh_from_db()
    assert record.status == S.DONE and record.rows_done == 8 and redis_queue.queue_size() == 0
    assert "已完成" in page(client, response["Location"])
    download = client.get(reverse("exports:download", args=[record.pk]))
    assert download.status_code == 200
    ws = workbook(b"".join(download.streaming_content)).active
    assert "妇女" in ws["A1"].value


def test_a_dead_worker_s_export_on_redis_is_failed_and_exported_again(
    ledger_world, login, redis_queue, settings, django_capture_on_commit_callbacks
):
    w = ledger_world
    client = login(w.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("exports:export", args=["women", "xlsx"]), {"village": w.village_a.pk})
    record = ExportRecord.objects.get()
    taken = redis_queue.dequeue()  # a worker took it off the list...
    assert taken and redis_queue.queue_size() == 0 and liveness.waiting_tokens() == set()
    folder = export_dir() / str(w.staff.pk)
    folder.mkdir(parents=True)
    part = folder / f"{record.pk}-half.part"
    part.write_bytes(b"PK half a workbook")
    silent = timezone.now() - dt.timedelta(seconds=settings.TASK_STALE_SECONDS + 1)
    ExportRecord.objects.filter(pk=record.pk).update(
        status=S.RUNNING, file_path=f"{w.staff.pk}/{part.name}", heartbeat_at=silent
    )  # ...and died writing its file

    text = page(client, response["Location"])
    record.refresh_from_db()
    assert record.status == S.FAILED and "后台任务中断，请重新导出。" in text and 'id="export-again"' in text
    assert list(folder.iterdir()) == []  # the half file is gone
    # The dead attempt, were it run after all, leaves the failed export as it is.
    assert run_export(record.pk, record.task_token) == 0
    record.refresh_from_db()
    assert record.status == S.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(reverse("exports:export", args=["women", "xlsx"]), {"village": w.village_a.pk})
    assert again.status_code == 302 and redis_queue.queue_size() == 1
    assert work_the_queue() == 1
    latest = ExportRecord.objects.latest("pk")
    assert latest.pk != record.pk and latest.status == S.DONE and latest.rows_done > 0
    assert "已完成" in page(client, again["Location"])


def test_forget_removes_an_attempt_s_stray_entry_and_leaves_the_others(redis_queue, db):
    from django_q.tasks import async_task

    mine, other = liveness.new_token(), liveness.new_token()
    redis_queue.connection.rpush(redis_queue.list_key, "not a task of this site")
    async_task("federation.ledgers.exports.tasks.run_export", 1, mine)
    async_task("federation.ledgers.exports.tasks.run_export", 2, other)
    assert liveness.waiting_tokens() == {mine, other}
    assert liveness.forget(mine) == 1
    assert liveness.waiting_tokens() == {other} and redis_queue.queue_size() == 2


# -- a django-q2 cluster of its own, as on another host ---------------------------------------------


def _shell(tmp_path, phase: str, queue: str) -> dict:
    """Run ``phase`` of this file in ``manage.py shell`` with ``Q_BROKER_URL`` set; return its JSON."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        FEDERATION_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=str(root),
        Q_BROKER_URL=REDIS_URL,
        TEST_QUEUE=queue,
    )
    code = f"import tests.ledgers.test_redis_broker as t; t.{phase}()"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_cluster_of_its_own_takes_the_export_from_redis_and_finishes_it(tmp_path, redis_queue):
    queue = redis_queue.list_key.split(":")[1]  # this test's queue: django_q:<name>:q
    queued = _shell(tmp_path, "phase_queue", queue)
    assert queued["broker"] == "Redis" and queued["status"] == "queued"
    assert queued["waiting"] == 1 and queued["database_queue"] == 0 and redis_queue.queue_size() == 1
    done = _shell(tmp_path, "phase_cluster", queue)
    assert done["status"] == "done" and done["rows"] == 4 and redis_queue.queue_size() == 0
    assert "红旗村妇女基本信息台账" in done["title"] and done["names"] == ["妇女1", "妇女2", "妇女3", "妇女4"]


def _phase_django() -> None:
    """Build the tables from the models, on the database of this phase; queue instead of running inline."""
    from django.conf import settings
    from django.core.management import call_command
    from django_q.conf import Conf

    from tests.helpers.processes import NoMigrations

    settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)
    Conf.SYNC = False  # tests/settings.py runs tasks inline
    Conf.CLUSTER_NAME = os.environ["TEST_QUEUE"]


def _print(result: dict) -> None:
    import json

    print(json.dumps(result, ensure_ascii=False))


def phase_queue() -> None:
    """A village, its director, four women; her export of them, queued through the service."""
    import datetime as dt

    from django.test import override_settings
    from django_q.brokers import get_broker
    from django_q.models import OrmQ

    from federation.core.roles import Role
    from federation.core.services import user_create
    from federation.ledgers.exports import get_ledger
    from federation.ledgers.exports.context import ExportFilters
    from federation.ledgers.exports.services import export_request
    from tests.helpers.factories import (
        CountyFactory,
        HouseholdFactory,
        TownshipFactory,
        VillageFactory,
        member,
    )

    _phase_django()
    village = VillageFactory(township=TownshipFactory(county=CountyFactory()), name="红旗村")
    for number in range(1, 5):
        household = HouseholdFactory(village=village, number=f"{number:04d}")
        member(household, "head", f"妇女{number}", dt.date(1980 + number, 5, 6))
    director = user_create(
        username="dir_a", password="x-pass-12345", full_name="张红", role=Role.VILLAGE_DIRECTOR, unit=village
    )
    with override_settings(LEDGER_BACKGROUND_ROWS={"xlsx": 1}):
        record = export_request(
            ledger=get_ledger("women"), user=director, fmt="xlsx", filters=ExportFilters.from_query({})
        )
    broker = get_broker()
    _print(
        {
            "broker": type(broker).__name__,
            "status": record.status,
            "waiting": broker.queue_size(),
            "database_queue": OrmQ.objects.count(),
        }
    )


def phase_cluster() -> None:
    """Start django-q2's cluster as ``manage.py qcluster`` does; stop it once the export is done."""
    import time

    from django_q.cluster import Cluster

    from federation.ledgers.exports.services import export_file_path
    from federation.ledgers.models import ExportRecord
    from tests.helpers.ledgers import workbook

    _phase_django()
    cluster = Cluster()
    cluster.start()
    try:
        deadline = time.monotonic() + 60
        record = ExportRecord.objects.get()
        while record.status != ExportRecord.Status.DONE and time.monotonic() < deadline:
            time.sleep(0.2)
            record.refresh_from_db()
    finally:
        cluster.stop()
    ws = workbook(export_file_path(record)).active
    names = sorted(str(c.value) for row in ws.iter_rows() for c in row if str(c.value).startswith("妇女"))
    _print({"status": record.status, "rows": record.rows_done, "title": ws["A1"].value, "names": names})


def test_with_redis_down_an_export_is_recorded_its_page_opens_and_nothing_is_failed(
    ledger_world, login, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")  # nothing listens there
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.LEDGER_BACKGROUND_ROWS = {"xlsx": 3, "pdf": 10_000}
    w = ledger_world
    client = login(w.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("exports:export", args=["women", "xlsx"]))
    assert response.status_code == 302
    record = ExportRecord.objects.get()
    silent = timezone.now() - dt.timedelta(seconds=settings.TASK_STALE_SECONDS + 1)
    ExportRecord.objects.filter(pk=record.pk).update(created_at=silent)
    assert "排队中" in page(client, response["Location"])  # whether it waits cannot be told: not failed
    assert export_fail_dead() == 0
    record.refresh_from_db()
    assert record.status == S.QUEUED


def test_with_redis_down_forgetting_a_dead_attempt_says_so_and_goes_on(monkeypatch, caplog):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:1/0")  # nothing listens there
    with caplog.at_level("WARNING", logger="federation.ledgers.liveness"):
        assert liveness.forget(liveness.new_token()) == 0
    assert "task queue unreachable" in caplog.text
