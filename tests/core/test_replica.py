"""Heavy reads on the read replica: inside ``reading_replica()`` only, writes never, exports the same.

The replica is a second connection to the test database (tests/settings.py: ``DATABASES["replica"]``
mirrors ``default``), used once a test sets ``READ_REPLICA`` as ``DATABASE_REPLICA_URL`` does. A
replica sees committed rows only, like a standby: the tests that read rows there commit them
(``transaction=True``; a test in a transaction of its own on SQLite could not even end: Django
checks each database's constraints at its end, and the replica's check waits for default's lock).
"""

from __future__ import annotations

import pytest
from django.db import connections
from django.template import engines
from django.template.response import TemplateResponse
from django.test.utils import CaptureQueriesContext
from django.views import View

from federation.core.models import Village
from federation.core.replica import ReadingReplicaMixin, ReplicaRouter, reading_replica
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_record_create, export_run
from federation.ledgers.models import ExportRecord
from tests.helpers.ledgers import data_rows, workbook

BOTH = ["default", "replica"]


class Queries:
    """The queries of ``default`` and of ``replica`` while the ``with`` block runs."""

    def __enter__(self) -> Queries:
        self.default = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica"]).__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self.replica.__exit__(*exc_info)
        self.default.__exit__(*exc_info)

    @staticmethod
    def containing(captured: CaptureQueriesContext, text: str) -> int:
        return sum(text in q["sql"] for q in captured.captured_queries)


@pytest.fixture(autouse=True)
def _close_the_replica():
    """Close the replica's connection after each test (SQLite's shared in-memory test database)."""
    yield
    connections["replica"].close()


@pytest.fixture
def replica(settings):
    """Read on the replica inside ``reading_replica()``, as ``DATABASE_REPLICA_URL`` makes the settings do."""
    settings.READ_REPLICA = "replica"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_reading_replica_go_to_the_replica_and_see_the_committed_rows(world, replica):
    with Queries() as outside:
        villages_here = Village.objects.count()
    with Queries() as inside, reading_replica() as alias:
        villages_there = Village.objects.count()
        names = sorted(Village.objects.values_list("name", flat=True))
    assert alias == "replica" and villages_there == villages_here == 3
    assert names == ["光明村", "红旗村", "胜利村"]
    assert Queries.containing(inside.replica, "federation_village") == 2 and len(inside.default) == 0
    assert Queries.containing(outside.default, "federation_village") == 1 and len(outside.replica) == 0


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_writes_inside_reading_replica_go_to_default(world, replica):
    village = world.village_a
    with Queries() as q, reading_replica():
        Village.objects.filter(pk=village.pk).update(name="新红旗村")
        village.name = "新红旗村"
        village.save(update_fields=["name"])
    assert Queries.containing(q.default, "UPDATE") == 2 and Queries.containing(q.replica, "UPDATE") == 0
    assert Village.objects.get(pk=village.pk).name == "新红旗村"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_without_a_replica_reading_replica_reads_default(world):
    with Queries() as q, reading_replica() as alias:
        assert Village.objects.count() == 3
    assert alias == "default" and len(q.replica) == 0 and len(q.default) == 1


@pytest.mark.django_db(databases=BOTH)
def test_the_mark_is_the_decorated_function_s_and_a_nested_one_ends_with_the_outer(replica):
    @reading_replica()
    def county_figures() -> int:
        with reading_replica():
            pass
        return Village.objects.count()  # still inside the outer mark

    with Queries() as q:
        county_figures()
        Village.objects.count()
    assert len(q.replica) == 1 and len(q.default) == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_view_with_the_mixin_renders_its_template_s_queries_on_the_replica(world, replica, rf):
    class Figures(ReadingReplicaMixin, View):
        def get(self, request):
            template = engines["django"].from_string("{% for v in villages %}{{ v.name }} {% endfor %}")
            return TemplateResponse(request, template, {"villages": Village.objects.order_by("code")})

    with Queries() as q:
        response = Figures.as_view()(rf.get("/"))
    assert response.is_rendered and Queries.containing(q.replica, "federation_village") == 1
    assert len(q.default) == 0 and response.content.decode().split() == ["红旗村", "胜利村", "光明村"]


def test_database_replica_url_adds_the_replica_and_its_reads(tmp_path):
    from tests.helpers.processes import project_settings

    names = ["DATABASES", "READ_REPLICA", "DATABASE_ROUTERS"]
    url = "postgres://reader@standby.example:5432/federation"
    replicated = project_settings(
        tmp_path, names, DATABASE_URL="postgres://app@primary.example/federation", DATABASE_REPLICA_URL=url
    )
    alone = project_settings(tmp_path, names)
    replica = replicated["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == ("standby.example", "reader", "federation")
    assert "jit=off" in replica["OPTIONS"]["options"] and replica["CONN_HEALTH_CHECKS"] is True
    assert (
        replicated["READ_REPLICA"] == "replica"
        and replicated["DATABASES"]["default"]["HOST"] == "primary.example"
    )
    assert "replica" not in alone["DATABASES"] and alone["READ_REPLICA"] == ""
    assert (
        alone["DATABASE_ROUTERS"]
        == replicated["DATABASE_ROUTERS"]
        == ["federation.core.replica.ReplicaRouter"]
    )


def test_the_router_writes_and_migrates_default_only():
    router = ReplicaRouter()
    assert router.db_for_write(Village) == "default"
    assert router.db_for_read(Village) == "default"  # outside reading_replica
    assert router.allow_migrate("default", "federation") and not router.allow_migrate("replica", "federation")


def _export(user, tmp_path, name: str) -> tuple[ExportRecord, list[tuple]]:
    ledger = get_ledger("women")
    record = export_record_create(ledger=ledger, user=user, fmt="xlsx", filters=ExportFilters.from_query({}))
    record = export_run(record=record, ledger=ledger, user=user, path=tmp_path / f"{name}.xlsx")
    ws = workbook(tmp_path / f"{name}.xlsx").active
    return record, [ws["A1"].value, *data_rows(ws, ledger.layout)]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_export_reads_its_rows_on_the_replica_and_writes_the_same_file(ledger_world, tmp_path, settings):
    staff = ledger_world.staff
    with Queries() as alone:
        plain, plain_sheet = _export(staff, tmp_path, "default")
    settings.READ_REPLICA = "replica"
    with Queries() as q:
        replicated, replica_sheet = _export(staff, tmp_path, "replica")
    assert replicated.status == plain.status == ExportRecord.Status.DONE
    assert (
        replica_sheet == plain_sheet and replicated.rows_done == plain.rows_done == len(plain_sheet) - 1 > 0
    )
    assert Queries.containing(q.replica, "registry_person") >= 1  # the rows, read there
    assert Queries.containing(q.default, "registry_person") == 0  # and nowhere else
    assert Queries.containing(alone.default, "registry_person") >= 1 and len(alone.replica) == 0
    # The export's own record: written to default, never to the replica.
    assert Queries.containing(q.default, "UPDATE") >= 1
    assert not any(q_["sql"].startswith(("UPDATE", "INSERT")) for q_ in q.replica.captured_queries)
    assert Queries.containing(q.replica, "federation_exportrecord") == 0
    assert ExportRecord.objects.get(pk=replicated.pk).status == ExportRecord.Status.DONE


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_county_statistics_pages_read_the_replica(world, replica, login):
    client = login(world.county_viewer)
    for url, table in (
        ("/outreach/overview/", "outreach_screening"),
        ("/outreach/screening/statistics/", "outreach_screening"),
        ("/outreach/visits/progress/", "registry_leftbehindwoman"),
    ):
        with Queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert Queries.containing(queries.replica, table) >= 1, url
        assert Queries.containing(queries.default, table) == 0, url


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_export_from_the_web_counts_and_reads_its_rows_on_the_replica(ledger_world, replica, login):
    from django.urls import reverse

    with Queries() as q:
        response = login(ledger_world.staff).get(reverse("exports:export", args=["women", "xlsx"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert ExportRecord.objects.get().status == ExportRecord.Status.DONE
    assert Queries.containing(q.replica, "COUNT(") >= 1
    assert Queries.containing(q.replica, "registry_person") >= 2
    assert Queries.containing(q.default, "registry_person") == 0
