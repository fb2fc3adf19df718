"""What the benchmarks share: their own PostgreSQL database, Django set up on it, memory figures."""

from __future__ import annotations

import json
import os
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """Return the process's resident memory now, in MB (from /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    """Return the process's peak resident memory so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured(name: str, case: Callable[[], dict]) -> None:
    """Run ``case`` and print its figures, with its CPU time and memory, as one ``RESULT`` JSON line."""
    baseline = rss_mb()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    result = case()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.update(
        case=name,
        cpu=usage.ru_utime + usage.ru_stime - cpu_before,
        baseline_mb=round(baseline, 1),
        peak_mb=round(peak_mb(), 1),
    )
    print("RESULT " + json.dumps(result))


def migrated_database(url: str) -> dict[str, str]:
    """Create the bench database at ``url`` if need be and migrate it; return the environment of a
    process that uses it."""
    import subprocess

    create_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "federation.project.settings"}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"],
        check=True,
        env=env,
        cwd=ROOT,
    )
    return env


def create_database(url: str, *, fresh: bool = False) -> None:
    """Create the bench database on its server if it does not exist (``fresh``: made again empty)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"== created database {name}")


#: The PostgreSQL settings README recommends for an office server on an SSD (the planner's costs of a
#: random read and the memory of a sort): the bench databases are given them.
RECOMMENDED_SETTINGS = {"random_page_cost": "1.1", "work_mem": "16MB"}


def recommend_settings(url: str) -> None:
    """Give the database at ``url`` the recommended settings (``ALTER DATABASE … SET``)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        for setting, value in RECOMMENDED_SETTINGS.items():
            conn.execute(f"ALTER DATABASE \"{name}\" SET {setting} = '{value}'")


def server_settings() -> str:
    """Return the settings of the database Django is set up on that the figures depend on."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return connection.vendor
    names = ("server_version", "shared_buffers", "effective_cache_size", "work_mem", "random_page_cost")
    names += ("jit",)
    with connection.cursor() as cursor:
        shown = []
        for name in names:
            cursor.execute(f"SHOW {name}")
            shown.append(f"{name}={cursor.fetchone()[0]}")
    return "PostgreSQL " + " ".join(shown)


def setup_django(url: str) -> None:
    """Set Django up on the bench database ``url`` with the project's settings."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation.project.settings")
    import django

    django.setup()
