"""Walking the migrations in a test: back to a state, then to the newest (transactional tests only)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets, *, others_newest: bool = False):
    """Migrate the test database to ``targets`` and return the models of that state.

    With ``others_newest``, the apps not named in ``targets`` are in the returned state as they stand
    (their newest migrations), as they are in the database after a short walk of one app.
    """
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    named = {app for app, _ in targets}
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in named] if others_newest else []
    return executor.loader.project_state([t for t in targets if t[1] is not None] + others).apps


def migrate_to_newest() -> None:
    """Migrate the test database to every app's newest migration (where each test must leave it)."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
