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


def create_database(url: str) -> None:
    """Create the bench database on its server if it does not exist."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"== created database {name}")


def setup_django(url: str) -> None:
    """Set Django up on the bench database ``url`` with the project's settings."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation.project.settings")
    import django

    django.setup()
