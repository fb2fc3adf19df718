"""What a process a test starts (a task worker, a cluster) needs before Django is set up: no Django here."""

import os


class NoMigrations(dict):
    """``MIGRATION_MODULES`` of such a process: the tables are built from the models (seconds)
    instead of running every migration."""

    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None


def project_settings(tmp_path, names: list[str], **env: str) -> dict:
    """Return the values of ``names`` in the project's settings read with ``env`` (in a new process)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import json, federation.project.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("Q_BROKER_URL", "DATABASE_REPLICA_URL")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "FEDERATION_VAR_DIR": str(tmp_path), **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def run_manage(*args: str, env: dict[str, str]):
    """Return ``manage.py args`` run in a process of its own with ``env``, its output captured."""
    import subprocess
    import sys
    from pathlib import Path

    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
