"""What gunicorn serves with (federation/project/gunicorn.conf.py, which scripts/serve.sh runs with).

Each test loads the file the way gunicorn does and reads the settings gunicorn takes from it, on a
machine given as many cores as the test says.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gunicorn.app.base import Application
from gunicorn.config import Config

CONFIG = Path(__file__).resolve().parents[2] / "federation" / "project" / "gunicorn.conf.py"
SERVE = Path(__file__).resolve().parents[2] / "scripts" / "serve.sh"


def served(monkeypatch, *, cores: int, **environ: str) -> Config:
    """Return gunicorn's settings from the config file on a machine of ``cores`` cores."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.delenv("WORKERS", raising=False)
    monkeypatch.delenv("THREADS", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    # gunicorn's own loader of a -c file (it reads nothing of the application it is a method of),
    # then the names gunicorn knows, as load_config_from_module_name_or_filename sets them.
    for name, value in Application.get_config_from_filename(None, str(CONFIG)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def test_a_two_core_office_pc_serves_more_requests_at_once_than_it_has_cores(monkeypatch):
    cfg = served(monkeypatch, cores=2)

    assert cfg.workers == 2
    assert cfg.threads > 1
    assert cfg.worker_class_str == "gthread"
    assert cfg.workers * cfg.threads > 3  # more at once than the 3 sync workers it served with before
    assert cfg.control_socket_disable  # no socket at gunicorn's one default path for every server


def test_a_bigger_server_runs_a_process_a_core(monkeypatch):
    two, eight = served(monkeypatch, cores=2), served(monkeypatch, cores=8)

    assert eight.workers == 8
    assert eight.threads == two.threads


def test_a_big_server_keeps_its_database_connections_within_bounds(monkeypatch):
    """Every thread keeps a connection open (CONN_MAX_AGE): 64 cores must not open 256 of them."""
    cfg = served(monkeypatch, cores=64)

    assert 8 <= cfg.workers < 64
    assert cfg.workers * cfg.threads <= 50  # PostgreSQL's default max_connections is 100


def test_workers_and_threads_from_the_environment_override_the_choice(monkeypatch):
    cfg = served(monkeypatch, cores=2, WORKERS="5", THREADS="1")

    assert (cfg.workers, cfg.threads, cfg.worker_class_str) == (5, 1, "sync")

    cfg = served(monkeypatch, cores=2, WORKERS="3")
    assert cfg.workers == 3
    assert cfg.worker_class_str == "gthread"


@pytest.mark.parametrize("value", ["0", "-2", "three", "2.5"])
def test_a_wrong_number_stops_the_start_and_names_the_setting(monkeypatch, value):
    with pytest.raises(SystemExit, match=f"WORKERS='{value}'"):
        served(monkeypatch, cores=2, WORKERS=value)


def test_serve_sh_serves_with_the_config_file():
    text = SERVE.read_text()
    gunicorn = text[text.index(".venv/bin/gunicorn") :]

    assert "-c federation/project/gunicorn.conf.py" in gunicorn
    assert "--workers" not in gunicorn  # a --workers on the command line would override the file
