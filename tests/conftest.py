"""One named world for every test: two villages of one township, a third village of another.

- ``village_a`` (director ``dir_a``) and ``village_b`` (director ``dir_b``) in township ``幸福乡``,
  whose staff is ``staff`` and chair ``chair``;
- ``village_c`` in township ``团结镇`` of the same county (staff ``other_staff``);
- ``county_viewer`` reads the county; ``admin`` is the administrator; ``nobody`` has no membership.
Each village has one household with a woman in it (``woman_a``, ``woman_b``, ``woman_c``).

``ledger_world`` adds a row of every register in each village (tests/helpers/ledgers.py); the apps'
own worlds are in their conftest.py (``outreach_world`` in tests/outreach/, ``loan_world`` in
tests/loans/). Every test keeps the files it exports or uploads in its own folder (``export_dir``,
``import_dir``). Plain builders and readers are in tests/helpers/.
"""

from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from federation.core.roles import Role
from federation.core.services import user_create
from tests.helpers.factories import (
    CountyFactory,
    HouseholdFactory,
    TownshipFactory,
    VillageFactory,
    VillageGroupFactory,
    member,
)
from tests.helpers.ledgers import make_ledger_world
from tests.helpers.web import PASSWORD


class OneRequestAtATime(WSGIServer):
    """The browser tests' live server on SQLite: one request at a time, each connection closed after
    its answer (Django keeps connections open only on a threading server).

    On SQLite the live server's requests share the test's one in-memory connection (Django hands it
    to the server's thread), and Django's threading server answers each request in a thread of its
    own: two requests at once on that one connection (a page and the service worker's fetch) hung a
    browser test for good, both threads waiting in ``fetchmany``. Django's documentation asks to
    "prevent simultaneous database queries via this shared connection". On PostgreSQL each request
    has its own connection, and the threading server stays.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the server's thread already uses the shared connection


if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")):
    LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture
def world(db):
    county = CountyFactory()
    township = TownshipFactory(county=county)
    other_township = TownshipFactory(county=county, name="团结镇", code="513401106000")
    village_a = VillageFactory(township=township, name="红旗村", code="513401105201")
    village_b = VillageFactory(township=township, name="胜利村", code="513401105202")
    village_c = VillageFactory(township=other_township, name="光明村", code="513401106201")
    w = SimpleNamespace(county=county, township=township, other_township=other_township)
    w.village_a, w.village_b, w.village_c = village_a, village_b, village_c
    for key, village in (("a", village_a), ("b", village_b), ("c", village_c)):
        group = VillageGroupFactory(village=village, number=1, name="一组")
        household = HouseholdFactory(village=village, group=group, number="0001")
        woman = member(household, "head", f"妇女{key.upper()}", dt.date(1988, 5, 6))
        setattr(w, f"group_{key}", group)
        setattr(w, f"household_{key}", household)
        setattr(w, f"woman_{key}", woman)
    w.dir_a = user_create(
        username="dir_a", password=PASSWORD, full_name="张红", role=Role.VILLAGE_DIRECTOR, unit=village_a
    )
    w.dir_b = user_create(
        username="dir_b", password=PASSWORD, full_name="李梅", role=Role.VILLAGE_DIRECTOR, unit=village_b
    )
    w.staff = user_create(
        username="staff", password=PASSWORD, full_name="王芳", role=Role.TOWNSHIP_STAFF, unit=township
    )
    w.chair = user_create(
        username="chair", password=PASSWORD, full_name="赵敏", role=Role.TOWNSHIP_CHAIR, unit=township
    )
    w.other_staff = user_create(
        username="other_staff",
        password=PASSWORD,
        full_name="孙丽",
        role=Role.TOWNSHIP_STAFF,
        unit=other_township,
    )
    w.county_viewer = user_create(
        username="county", password=PASSWORD, full_name="县妇联", role=Role.COUNTY_VIEWER, unit=county
    )
    w.admin = user_create(
        username="admin", password=PASSWORD, full_name="管理员", role=Role.ADMINISTRATOR, unit=county
    )
    from django.contrib.auth import get_user_model

    w.nobody = get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    return w


@pytest.fixture
def ledger_world(world):
    """Return ``world`` with a row of every register in each village (see tests/helpers/ledgers.py)."""
    return make_ledger_world(world)


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """Keep the files a test exports in the test's own folder."""
    settings.LEDGER_EXPORT_DIR = tmp_path / "exports"
    return settings.LEDGER_EXPORT_DIR


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Keep the files a test uploads for import in the test's own folder."""
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


@pytest.fixture
def login(client):
    """Return a function that signs ``user`` in on the test client and returns the client."""

    def _login(user):
        client.force_login(user, backend="federation.core.backends.RoleBackend")
        return client

    return _login


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """Return Debian's Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still
    # synchronous, in the same thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server, transactional_db):
    """Return a page in a 375 px wide phone-sized window, with ``page.go(path)`` on the live server."""
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.go = lambda path: page.goto(live_server.url + path)
    yield page
    context.close()


@pytest.fixture(scope="session")
def migrated_installation(django_db_setup, django_db_blocker):
    """Return ``make(folder)``: the settings of a new installation in ``folder`` (``DATABASE_URL``,
    ``FEDERATION_VAR_DIR``), whose database has every migration applied, for the tests that run
    ``manage.py`` in a process of its own. Such a test is marked ``django_db(transaction=True)``: the
    test database is set up only for a session that holds a test marked so.

    The database is a copy of this worker's test database (SQLite's ``VACUUM INTO``, PostgreSQL's
    ``CREATE DATABASE … TEMPLATE``) as the tests leave it between two tests: its tables as ``migrate``
    and a flush leave them. Copied in a second, not migrated again in a minute on the 2-core machine;
    ``migrate`` itself is tested by every worker's test database and tests/core/test_migrations.py.
    The PostgreSQL copies are dropped at the end of the session.
    """
    import secrets

    from django.db import connection, connections

    made = []

    def server_connection():
        import psycopg

        config = connection.settings_dict
        return psycopg.connect(
            dbname="postgres",
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            autocommit=True,
        )

    def copy_template(server, name: str, template: str) -> None:
        """CREATE DATABASE … TEMPLATE, once the template's other sessions are gone: the template is
        this worker's own test database, and a session an earlier test's thread left open is ended."""
        import psycopg

        for attempt in range(3):
            try:
                server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 2:
                    raise
                server.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [template],
                )

    def make(folder):
        folder.mkdir(parents=True, exist_ok=True)
        with django_db_blocker.unblock():
            test_database = connection.creation._get_test_db_name()
            assert connection.settings_dict["NAME"] == test_database, "the test database is not set up"
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM INTO %s", [str(folder / "db.sqlite3")])
                url = f"sqlite:///{folder / 'db.sqlite3'}"
            else:
                config = connection.settings_dict
                name = f"installation_{secrets.token_hex(4)}"
                connections.close_all()  # a template may have no other session
                with server_connection() as server:
                    copy_template(server, name, config["NAME"])
                made.append(name)
                url = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{name}"
        return {"DATABASE_URL": url, "FEDERATION_VAR_DIR": str(folder)}

    yield make
    if made:
        with django_db_blocker.unblock(), server_connection() as server:
            for name in made:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def signing_key_file(settings, tmp_path_factory, monkeypatch):
    """Give each test its own signing key file (created on first use), never the environment's key."""
    monkeypatch.delenv("SIGNING_KEY", raising=False)
    settings.SIGNING_KEY_FILE = tmp_path_factory.mktemp("keys") / "signing_key"
    return settings.SIGNING_KEY_FILE


#: The fixtures through which a test reaches the database (directly or through ``world`` and the like).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that touch the database, or are marked both_databases (scripts/test.sh's "
        "second run, on PostgreSQL: the others ran on SQLite already and would find nothing new)",
    )

    parser.addoption(
        "--without-browser-tests",
        action="store_true",
        help="leave out the tests that drive Chromium (scripts/test.sh's SQLite run when a PostgreSQL run "
        "follows: they run there, once, on the database an office runs)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "both_databases: touches no database fixture, yet depends on which database DATABASE_URL names "
        "(run again by the PostgreSQL run of scripts/test.sh)",
    )


def pytest_collection_modifyitems(config, items):
    database_only = config.getoption("--database-tests-only")
    without_browser = config.getoption("--without-browser-tests")
    if not (database_only or without_browser):
        return
    kept, dropped = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        touches = item.get_closest_marker("django_db") or DATABASE_FIXTURES & fixtures
        wanted = touches or item.get_closest_marker("both_databases") or not database_only
        (kept if wanted and not (without_browser and "chromium" in fixtures) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
