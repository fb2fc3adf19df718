"""Demo data, contributed by the apps: ``manage.py seed_demo`` runs every seeder in its order.

Each app adds a :class:`DemoSeeder` from the modules its ``AppConfig.ready()`` imports; a seeder
creates nothing that already exists (the command can run at every start) and says in a
:class:`DemoReport` what it did, in lines the command prints as they are.

The demo lives only in a database flagged as the demo (``federation.core.models.Installation``):
the command flags an empty database, refuses an office's and a non-loopback address, and the
log-ins it created once are never created again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from federation.core.registries import Registry


@dataclass(frozen=True)
class DemoReport:
    """What a seeder did: ``lines`` to print; ``style`` of the first line ("success", "warning" or "")."""

    lines: tuple[str, ...] = ()
    style: str = ""


@dataclass(frozen=True)
class DemoSeeder:
    """One app's part of the demo: ``run(seed)`` with the command's random seed, in ``order``."""

    key: str
    order: int
    run: Callable[[int], DemoReport]


#: The password of every demo log-in. It is published (README), so no account of a real office may
#: have it: the ``federation.E001`` system check looks for it (``federation.core.checks``).
DEMO_PASSWORD = "Fulian@2026"


demo_seeders: Registry[DemoSeeder] = Registry("demo seeder")


def add_demo(key: str, run: Callable[[int], DemoReport], *, order: int) -> None:
    """Add an app's demo seeder; seeders run by ``order``, lowest first (the township itself first)."""
    demo_seeders.add(key, DemoSeeder(key=key, order=order, run=run))


def seed_all(seed: int) -> list[DemoReport]:
    """Run every seeder in order with ``seed``; return their reports."""
    return [seeder.run(seed) for seeder in demo_seeders.sorted(key=lambda s: s.order)]
