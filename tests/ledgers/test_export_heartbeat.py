"""An export longer than its heartbeat, run as an office runs it: the database in a file, the command in
a process of its own. Its rows written reach the record with the heartbeat (``record_run``): written
by the export's own connection while it still read its rows, they failed on SQLite with "database is
locked" once a beat had written, and the export with them."""

from __future__ import annotations

import datetime as dt
import os

import openpyxl
import pytest

from registry.models import Person
from tests.helpers.factories import id_number_for
from tests.helpers.processes import run_manage

ROWS = 2_100  # past two of the export's progress reports (every 1,000 rows)


@pytest.mark.django_db(transaction=True)  # the installation is a copy of the test database
def test_an_export_of_thousands_of_rows_survives_a_heartbeat_that_beats_all_along(
    tmp_path, migrated_installation, world
):
    people = []
    for n in range(ROWS):
        person = Person(
            village=world.village_a,
            name=f"居民{n}",
            sex="F",
            birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=n),
            id_number=id_number_for(dt.date(1960, 1, 1) + dt.timedelta(days=n), "F"),
        )
        person.fill_derived()
        people.append(person)
    Person.objects.bulk_create(people)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env |= migrated_installation(tmp_path / "office") | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TASK_HEARTBEAT_SECONDS": "0.001",  # a beat between every two reads of the export's rows
    }
    output = tmp_path / "persons.xlsx"

    done = run_manage(
        "export_ledger",
        "persons",
        "--scope",
        world.village_a.code,
        "--format",
        "xlsx",
        "--output",
        str(output),
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    # The office's record of it says so too: done, with every row written.
    record = run_manage(
        "shell",
        "-c",
        "from federation.ledgers.models import ExportRecord as E; "
        "r = E.objects.get(ledger='persons'); print(r.status, r.rows_done)",
        env=env,
    )
    assert record.returncode == 0, record.stderr[-3000:]
    in_village = Person.objects.filter(village=world.village_a).count()
    assert in_village >= ROWS
    assert f"已导出 {in_village} 行" in done.stdout
    assert record.stdout.strip().splitlines()[-1].split() == ["done", str(in_village)]
    sheet = openpyxl.load_workbook(output, read_only=True).active
    names = {value for row in sheet.iter_rows(values_only=True) for value in row}
    assert {"居民0", f"居民{ROWS - 1}"} <= names
