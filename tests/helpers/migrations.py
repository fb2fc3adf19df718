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


def old_villages(apps, *names: str) -> list:
    """Return villages named ``names`` of one township (幸福乡 of 示范县), made in the migration state
    ``apps``."""
    County, Township = apps.get_model("federation", "County"), apps.get_model("federation", "Township")
    Village = apps.get_model("federation", "Village")
    county = County.objects.create(code="513401", name="示范县")
    township = Township.objects.create(county=county, code="513401105000", name="幸福乡")
    return [
        Village.objects.create(township=township, code=f"513401105{201 + n:03d}", name=name)
        for n, name in enumerate(names)
    ]
