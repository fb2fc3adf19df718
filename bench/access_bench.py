"""Benchmark of the access log (issue 14, part 7). Not a test: it prints figures and targets.

How to run it (about a minute on two cores)::

    .venv/bin/python bench/access_bench.py                    # SQLite, in a temporary folder
    DATABASE_URL=postgres://root@127.0.0.1:5432/x .venv/bin/python bench/access_bench.py

SQLite always, in a fresh database of a temporary folder (the embedded run's settings: WAL,
synchronous=NORMAL). With ``DATABASE_URL`` set to a PostgreSQL server, PostgreSQL too, in a database
``federation_access_bench`` of that server (created and migrated; the database the URL names is
not touched). On each, in a process of its own, one village with a director and a woman:

(a) ``page``: a person's page as the director opens it, with the log and with ``access.record``
    replaced by nothing, 400 requests of each in turn (Django's test client: the whole request,
    middleware, view, template, session); the extra time is the difference of the medians;
(b) ``record``: ``access.record()`` alone, 2,000 calls on the same request and person: the median
    wall time of a call, and the mean CPU time;
(c) ``queries``: the statements of one person page with the log against without: one INSERT more
    and no read (on PostgreSQL sent with its ``SET LOCAL synchronous_commit`` in one query string,
    ``access._insert``).

Target (issue 14, item 7): writing the record costs under 2 ms a request, (a) and (b) alike, with
one insert and no read (c).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import common  # bench/ is on the path when a bench script runs

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "federation_access_bench"
REQUESTS, CALLS = 400, 2000
TARGET_MS = 2.0


def world():
    """Return (director, person) of the bench's one village, made once."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from federation.core.idnumber import make_id_number
    from federation.core.models import County, Township, Village, VillageGroup
    from federation.core.roles import Role
    from federation.core.services import user_create
    from registry.models import Household, Person

    county, _ = County.objects.get_or_create(code="519800", defaults={"name": "测速县"})
    township, _ = Township.objects.get_or_create(
        code="519800101000", defaults={"name": "测速乡", "county": county}
    )
    village, _ = Village.objects.get_or_create(
        code="519800101201", defaults={"name": "测速村", "township": township}
    )
    group, _ = VillageGroup.objects.get_or_create(village=village, number=1)
    household = Household.objects.filter(village=village).first() or Household.objects.create(
        village=village, group=group, number="0001", address="测速村一组"
    )
    person = Person.objects.filter(household=household).first() or Person.objects.create(
        village=village,
        household=household,
        relation="head",
        name="测速",
        sex="F",
        birth_date=dt.date(1985, 3, 18),
        id_number=make_id_number("519800", dt.date(1985, 3, 18), 2),
    )
    director = get_user_model().objects.filter(username="bench_director").first() or user_create(
        username="bench_director",
        password="bench-password-1",
        full_name="测速主席",
        role=Role.VILLAGE_DIRECTOR,
        unit=village,
    )
    return director, person


def run_case() -> dict:
    """Measure (a), (b) and (c) on the database Django is set up on; return the figures."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from federation.core import access
    from federation.core.models import AccessRecord

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    director, person = world()
    client = Client()
    client.force_login(director, backend="federation.core.backends.RoleBackend")
    url = reverse("registry:person_detail", args=[person.pk])
    recording = access.record

    def without(*args, **kwargs):
        return None

    def one_request(logged: bool) -> tuple[float, float]:
        """Return the wall and CPU time of one request of the page, in ms."""
        access.record = recording if logged else without
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
        assert response.status_code == 200
        return elapsed

    for _ in range(20):  # warm the caches (templates, content types, the session)
        one_request(True)
        one_request(False)
    # With and without in turn, request by request: a burst of another process's work falls on
    # both alike, and the medians leave such bursts out.
    with_log, without_log = [], []
    for _ in range(REQUESTS):
        with_log.append(one_request(True))
        without_log.append(one_request(False))

    request = RequestFactory().get(url, REMOTE_ADDR="192.168.1.20")
    request.user = director
    access.record = recording
    calls = []
    for _ in range(CALLS):
        started, cpu = time.perf_counter(), time.process_time()
        access.record(request, access.Kind.PERSON, person)
        calls.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    record_ms = statistics.median(w for w, _ in calls)
    record_cpu_ms = statistics.mean(c for _, c in calls)  # process_time is coarse: the mean

    counts = {}
    for logged in (True, False):
        access.record = recording if logged else without
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Not the session's once-a-minute refresh, which may fall in either request.
        counts[logged] = [q["sql"] for q in queries.captured_queries if not _session_refresh(q["sql"])]
    access.record = recording
    reads = {
        logged: sum(sql.lstrip().upper().startswith("SELECT") for sql in counts[logged]) for logged in counts
    }
    inserts = {
        # On PostgreSQL the insert goes with its SET LOCAL in one query string (access._insert).
        logged: sum('INSERT INTO "federation_accessrecord"' in sql for sql in counts[logged])
        for logged in counts
    }
    AccessRecord.objects.filter(user=director).delete()
    return {
        "database": common.server_settings(),
        "load": os.getloadavg()[0],
        "page_with_ms": statistics.median(w for w, _ in with_log),
        "page_without_ms": statistics.median(w for w, _ in without_log),
        "page_with_cpu_ms": statistics.median(c for _, c in with_log),
        "page_without_cpu_ms": statistics.median(c for _, c in without_log),
        "record_ms": record_ms,
        "record_cpu_ms": record_cpu_ms,
        "queries_with": len(counts[True]),
        "queries_without": len(counts[False]),
        "extra_is_one_insert": inserts[True] == 1 and inserts[False] == 0,
        "reads_added": reads[True] - reads[False],
    }


def _session_refresh(sql: str) -> bool:
    return sql in ("BEGIN IMMEDIATE", "BEGIN", "COMMIT") or sql.startswith('UPDATE "django_session"')


def bench_url(url: str) -> str:
    """Return the URL of the bench database on the server of ``url`` (never the database it names)."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def run(label: str, env: dict) -> dict:
    """Migrate the database of ``env`` and run the case in a process of its own; return its figures."""
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"],
        check=True,
        env=env,
        cwd=ROOT,
    )
    done = subprocess.run(
        [sys.executable, __file__, "--case"], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["label"] = label
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation.project.settings")
        import django

        django.setup()
        print("RESULT " + json.dumps(run_case()))
        return

    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "federation.project.settings",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "STATEMENT_TIMEOUT": "0",
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="access-bench-") as folder:
        env = {**base, "FEDERATION_VAR_DIR": folder, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}
        results.append(run("SQLite", env))
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            target = bench_url(url)
            common.create_database(target, fresh=True)  # a bench of the schema as it is now
            results.append(run("PostgreSQL", {**base, "FEDERATION_VAR_DIR": folder, "DATABASE_URL": target}))

    checks = []
    for r in results:
        # The time of the target: on SQLite the database works inside this process, so its CPU time
        # is the cost and is not inflated by other processes waiting for the two cores; a
        # PostgreSQL server works in its own process, so there it is the wall time.
        in_process = r["label"] == "SQLite"
        measure = "CPU" if in_process else "wall"
        suffix = "_cpu_ms" if in_process else "_ms"
        page = r["page_with" + suffix] - r["page_without" + suffix]
        ratio = r["page_with" + suffix] / r["page_without" + suffix]
        call = r["record_cpu_ms"] if in_process else r["record_ms"]
        more = r["queries_with"] - r["queries_without"]
        print(f"{r['label']}: {r['database']} (load average {r['load']:.1f} on {os.cpu_count()} cores)")
        print(
            f"  (a) person page: wall {r['page_with_ms']:.2f} ms with the log, {r['page_without_ms']:.2f} ms "
            f"without; CPU {r['page_with_cpu_ms']:.2f} ms with, {r['page_without_cpu_ms']:.2f} ms without "
            f"(medians of {REQUESTS} requests each)"
        )
        print(f"  (b) access.record(): wall {r['record_ms']:.3f} ms, CPU {r['record_cpu_ms']:.3f} ms a call")
        print(f"  (c) queries: {r['queries_with']} with the log, {r['queries_without']} without")
        checks += [
            (
                f"{r['label']} (a) extra {measure} time of a person page = {page:.2f} ms, "
                f"ratio {ratio:.3f}  (target < {TARGET_MS} ms)",
                page < TARGET_MS,
            ),
            (
                f"{r['label']} (b) access.record() {measure} time = {call:.3f} ms  (target < {TARGET_MS} ms)",
                call < TARGET_MS,
            ),
            (
                f"{r['label']} (c) the log adds {more} statement(s), one INSERT, "
                f"{r['reads_added']} read(s)  (target 1 insert, no read)",
                r["extra_is_one_insert"] and r["reads_added"] == 0,
            ),
        ]
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    for text, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {text}")


if __name__ == "__main__":
    main()
