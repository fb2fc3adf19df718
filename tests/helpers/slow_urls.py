"""The project's URLs and one page whose query runs for seconds (the statement timeout's tests)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from federation.project.urls import urlpatterns as project_urls

#: A query that runs about five seconds on either database unless something stops it.
SLOW_QUERY = {
    "postgresql": "SELECT pg_sleep(5)",
    "sqlite": (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) "
        "SELECT count(*) FROM c"
    ),
}


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute(SLOW_QUERY[connection.vendor])
    return HttpResponse("查询完成")


def slow_on_the_replica(request):
    from django.db import connections

    from federation.core.replica import replica_alias

    replica = connections[replica_alias()]
    with replica.cursor() as cursor:
        cursor.execute(SLOW_QUERY[replica.vendor])
    return HttpResponse("查询完成")


urlpatterns = [
    path("slow/", slow, name="slow"),
    path("slow-replica/", slow_on_the_replica, name="slow_replica"),
    *project_urls,
]
