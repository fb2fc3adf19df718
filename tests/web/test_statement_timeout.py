"""A web request's runaway query is stopped after STATEMENT_TIMEOUT with a page that says so."""

import logging

import pytest
from django.db import connection, connections

from tests.helpers import slow_urls

pytestmark = pytest.mark.urls("tests.helpers.slow_urls")

#: Queries that run a little over a second: stopped in a request bounded to one, not outside it.
A_BIT_OVER_THE_LIMIT = {
    "postgresql": "SELECT pg_sleep(1.5)",
    "sqlite": slow_urls.SLOW_QUERY["sqlite"].replace("50000000", "3000000"),
}


# Committed as a real request is (no test transaction around it): a stopped query ends only itself.
@pytest.mark.django_db(transaction=True)
def test_a_query_over_the_limit_is_stopped_with_a_message_and_the_user_can_go_on(
    world, login, settings, caplog
):
    settings.STATEMENT_TIMEOUT = 1
    client = login(world.dir_a)
    with caplog.at_level(logging.WARNING, logger="federation.web.timeouts"):
        response = client.get("/slow/?q=510000198001010001")
    assert response.status_code == 503
    page = response.content.decode()
    assert "查询时间过长，已经停止" in page and "超过 1 秒" in page and "请缩小范围后再试" in page
    assert "查询完成" not in page
    # the log names the page, never what was searched for
    assert "/slow/" in caplog.text and "510000198001010001" not in caplog.text
    # the same connection serves the next page as usual, and what runs after a request is not bounded
    home = client.get("/")
    assert home.status_code == 200 and "红旗村" in home.content.decode()
    with connection.cursor() as cursor:
        cursor.execute(A_BIT_OVER_THE_LIMIT[connection.vendor])


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_query_on_the_read_replica_is_bounded_too(world, login, settings):
    settings.STATEMENT_TIMEOUT = 1
    settings.READ_REPLICA = "replica"  # as DATABASE_REPLICA_URL makes the settings
    try:
        response = login(world.dir_a).get("/slow-replica/")
        assert response.status_code == 503 and "查询时间过长，已经停止" in response.content.decode()
    finally:
        connections["replica"].close()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the progress handler is SQLite's")
def test_without_a_limit_a_query_runs_to_its_end(world, login, settings, monkeypatch):
    settings.STATEMENT_TIMEOUT = 0
    # a query of a second or more, which a limit would have stopped: with none it runs to its end
    monkeypatch.setitem(slow_urls.SLOW_QUERY, "sqlite", A_BIT_OVER_THE_LIMIT["sqlite"])
    response = login(world.dir_a).get("/slow/")
    assert response.status_code == 200 and response.content.decode() == "查询完成"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.skipif(connection.vendor == "sqlite", reason="an in-memory SQLite test database is never closed")
def test_a_page_that_does_not_read_the_replica_opens_no_connection_to_it(world, login, settings):
    settings.STATEMENT_TIMEOUT = 1
    settings.READ_REPLICA = "replica"
    client = login(world.dir_a)
    connections["replica"].close()
    try:
        response = client.get("/")
        assert response.status_code == 200 and "红旗村" in response.content.decode()
        assert connections["replica"].connection is None
        # a page that reads it opens it then, bounded as every query of the request
        response = client.get("/slow-replica/")
        assert response.status_code == 503 and connections["replica"].connection is not None
    finally:
        connections["replica"].close()
