"""A worker killed in the middle of an import: the import fails cleanly and can be started again.

The import runs as in an office: a SQLite database in a file, the task taken from django-q2's queue
(the ORM broker, as ``qcluster`` takes it) in a process of its own. That process is killed with
SIGKILL once every row was written inside the import's transaction, before it commits. Then, after
``TASK_STALE_SECONDS`` (1 s here) without a heartbeat, the import's page says it failed and offers
to start again or abandon; no row of it is left; the dead task's queue row is gone; starting again
writes the import once. The processes are this file run as a script (``python test_worker_death.py
PHASE``), each phase printing what it saw as JSON for the test to check.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        FEDERATION_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=str(ROOT),
        TASK_STALE_SECONDS="1",
        TASK_HEARTBEAT_SECONDS="0.2",
        ALLOWED_HOSTS="testserver",
    )
    return env


def _phase(name: str, env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, name, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_starts_again(tmp_path):
    env = _env(tmp_path)
    setup = _phase("setup", env)
    assert setup["status"] == "importing" and setup["queued"] == 1  # checked, confirmed: the write is queued

    marker = tmp_path / "inside-the-transaction.json"
    worker = subprocess.Popen([sys.executable, __file__, "worker", str(marker)], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the worker never reached the write"
        inside = json.loads(marker.read_text())
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    assert worker.returncode == -signal.SIGKILL
    # The dead worker had written every row, in its transaction, and shown that it was running.
    assert inside["persons"] == setup["persons"] + ROWS
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    status, heartbeat = db.execute(
        "SELECT status, heartbeat_at FROM federation_importrecord WHERE id = ?", [setup["record"]]
    ).fetchone()
    assert status == "importing" and heartbeat is not None
    assert db.execute("SELECT count(*) FROM registry_person").fetchone()[0] == setup["persons"]
    db.close()

    time.sleep(1.2)  # TASK_STALE_SECONDS without a heartbeat
    after = _phase("after", env, str(setup["record"]))
    assert after["page_status"] == 200 and after["status_on_page"] == "failed"
    assert "后台任务中断，请重新开始或放弃" in after["page"] and after["interrupted"] == "importing"
    assert 'id="import-restart"' in after["page"] and 'id="import-abandon"' in after["page"]
    assert after["persons_when_failed"] == setup["persons"]  # nothing half-written
    assert after["queue_when_failed"] == 0  # the dead task's row (locked for an hour) is gone
    assert after["queued_after_restart"] == 1
    assert after["status_after_restart"] == "done" and after["created"] == ROWS
    assert after["persons_after_restart"] == setup["persons"] + ROWS  # written once
    assert after["file_left"] is False
    # The dead attempt, had django-q2 handed it out again, does nothing to the finished import.
    assert after["old_attempt_rows"] == 0 and after["status_after_old_attempt"] == "done"
    assert "已导入" in after["done_page"]


# -- the phases, run as a script ------------------------------------------------------------------


def _django() -> None:
    import django
    from django.conf import settings

    from tests.helpers.processes import NoMigrations

    settings.MIGRATION_MODULES = NoMigrations()
    django.setup()
    from django_q.conf import Conf

    Conf.SYNC = False  # tests/settings.py runs tasks inline; here they go through the queue


def _queue_rows() -> int:
    from django_q.models import OrmQ

    return OrmQ.objects.count()


def phase_setup() -> dict:
    """The database, a village with its director, a roster of ROWS new people checked and confirmed."""
    _django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from federation.core.roles import Role
    from federation.core.services import user_create
    from federation.ledgers.imports.framework import get_importer
    from federation.ledgers.imports.services import import_confirm, import_upload
    from registry.models import Person
    from tests.helpers.factories import CountyFactory, TownshipFactory, VillageFactory
    from tests.helpers.imports import new_id, person_row, roster
    from tests.helpers.ledgers import work_the_queue

    village = VillageFactory(township=TownshipFactory(county=CountyFactory()), name="红旗村")
    director = user_create(
        username="dir_a", password="x-pass-12345", full_name="张红", role=Role.VILLAGE_DIRECTOR, unit=village
    )
    rows = [
        person_row(f"新人{i}", new_id(1960 + i % 40, 2 + 2 * (i // 40)), household="", relation="")
        for i in range(ROWS)
    ]
    path = roster(Path(os.environ["FEDERATION_VAR_DIR"]), rows)
    upload = SimpleUploadedFile("花名册.xlsx", path.read_bytes())
    from django.test import override_settings

    with override_settings(IMPORT_BACKGROUND_BYTES=1):
        record = import_upload(
            user=director, importer_class=get_importer("persons"), village=village, year=None, upload=upload
        )
    work_the_queue()  # the check
    record.refresh_from_db()
    assert record.status == "checked", (record.status, record.message, record.errors[:3])
    import_confirm(record)
    return {
        "record": record.pk,
        "status": record.status,
        "queued": _queue_rows(),
        "persons": Person.all_objects.count(),
    }


def phase_worker(marker: str) -> dict:
    """Take the write from the queue; once every row is written, before the commit, say so and wait."""
    _django()
    from federation.ledgers.imports.framework import Importer
    from registry.models import Person
    from tests.helpers.ledgers import work_the_queue

    write_kept = Importer.write_kept

    def write_and_wait(self, *args, **kwargs):
        write_kept(self, *args, **kwargs)
        written = Path(marker).with_suffix(".part")
        written.write_text(json.dumps({"persons": Person.all_objects.count()}))
        written.replace(marker)  # whole, at once: the test reads it as soon as it exists
        time.sleep(60)  # killed here, inside the import's transaction

    Importer.write_kept = write_and_wait
    work_the_queue()
    return {"finished": True}


def phase_after(record_id: str) -> dict:
    """Open the page after the timeout, start the import again, work the queue, look again."""
    _django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from federation.ledgers.imports.services import import_dir
    from federation.ledgers.imports.tasks import run_import
    from federation.ledgers.models import ImportRecord
    from registry.models import Person
    from tests.helpers.ledgers import work_the_queue

    record = ImportRecord.objects.get(pk=int(record_id))
    old_token = record.task_token
    client = Client()
    client.force_login(get_user_model().objects.get(username="dir_a"), "federation.core.backends.RoleBackend")
    page = client.get(reverse("imports:record", args=[record.pk]))
    record.refresh_from_db()
    seen = {
        "page_status": page.status_code,
        "page": page.content.decode(),
        "status_on_page": record.status,
        "interrupted": record.interrupted,
        "persons_when_failed": Person.all_objects.count(),
        "queue_when_failed": _queue_rows(),
    }
    client.post(reverse("imports:restart", args=[record.pk]))
    seen["queued_after_restart"] = _queue_rows()
    work_the_queue()
    record.refresh_from_db()
    seen.update(
        status_after_restart=record.status,
        created=record.created,
        persons_after_restart=Person.all_objects.count(),
        file_left=bool(record.file_path) or any(import_dir().iterdir()),
    )
    seen["old_attempt_rows"] = run_import(record.pk, False, old_token)
    record.refresh_from_db()
    seen["status_after_old_attempt"] = record.status
    seen["done_page"] = client.get(reverse("imports:record", args=[record.pk])).content.decode()
    return seen


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    phase, *arguments = sys.argv[1:]
    result = {"setup": phase_setup, "worker": phase_worker, "after": phase_after}[phase](*arguments)
    print(json.dumps(result, ensure_ascii=False))
