"""The scale benchmark (issue 13): every page for every role on a whole county. Not a test.

How to run it, on a county built by ``bench/county.py`` (PostgreSQL, ≈ 1,000,000 persons)::

    .venv/bin/python bench/county.py --townships 20 --villages 25     # once, ~10 minutes
    .venv/bin/python bench/scale_bench.py                              # ~10 minutes
    .venv/bin/python bench/scale_bench.py --runs 5 --only persons      # a quick look at some pages

In-process, with Django's test client logged in as a village director (``cun0101``), a township
(``staff01``) and the county viewer (``county``): each page is asked once to warm up and then
``--runs`` times (20); the 95th percentile of those times is held to its target:

- every list (each register's, persons, households, the women's ledger, the loan pages) on its first
  and its last page, and the searches of the persons list and of each register (a name, a whole ID
  number, its last four characters, of a person the user sees): **p95 ≤ 50 ms**;
- home, overview, statistics and progress pages (and the loans' yearly summaries): **p95 ≤ 100 ms**.

A page whose warm-up takes over ``--slow`` seconds (2) is asked 3 times only: it misses anyway, and
20 runs of it would hold the benchmark for minutes. Each line prints PASS or MISS, the p95 and its
ratio to the target, the number of queries the page ran and its slowest query's time. The last
lines count what passed, role by role.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass

import common  # bench/ is on the path when a bench script runs

DEFAULT_URL = "postgres://root@127.0.0.1:5432/federation_county"
ROLES = (("cun0101", "村妇联主席"), ("staff01", "乡镇"), ("county", "县妇联查看"))
LIST_TARGET_MS = 50
PAGE_TARGET_MS = 100
#: Pages held to the 100 ms target: figures and charts, not lists.
FIGURE_PAGES = (
    ("home", "首页"),
    ("outreach:overview", "概览图表"),
    ("outreach:screening_statistics", "两癌检查统计"),
    ("outreach:visit_progress", "走访进度"),
    ("outreach:report_list", "报送进度"),
    ("loans:subsidy", "贴息汇总"),
    ("loans:application_queue", "待办贷款"),
)
#: Lists that are not a register's: (URL name, label, searched like the persons list).
OTHER_LISTS = (
    ("registry:person_list", "居民", True),
    ("registry:household_list", "户", False),
    ("registry:women_ledger", "妇女基本信息台账", True),
    ("loans:application_list", "贷款申请", False),
    ("loans:ledger", "贷款台账", False),
)


@dataclass
class Case:
    role: str
    label: str
    url: str
    target_ms: int


@dataclass
class Outcome:
    case: Case
    p95_ms: float
    median_ms: float
    runs: int
    status: int
    queries: int
    slowest_ms: float

    @property
    def passed(self) -> bool:
        return self.status == 200 and self.p95_ms <= self.case.target_ms

    @property
    def closed(self) -> bool:
        """The role may not open the page (403, or 404 as the scope answers): not a case of it."""
        return self.status in (403, 404)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("COUNTY_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slow", type=float, default=2.0, help="seconds of warm-up past which 3 runs only")
    parser.add_argument("--only", default="", help="only the cases whose label or URL holds this text")
    args = parser.parse_args()
    common.setup_django(args.database_url)
    print(common.server_settings())
    quiet_pages()
    outcomes = []
    for username, role in ROLES:
        for case in cases_of(username, role):
            if args.only and args.only not in case.label and args.only not in case.url:
                continue
            outcome = measure(username, case, runs=args.runs, slow_s=args.slow)
            outcomes.append(outcome)
            print(line(outcome), flush=True)
    summary(outcomes)


def quiet_pages() -> None:
    """Serve static files plainly (no collectstatic) and keep the pages' error logs off the output."""
    import logging

    from django.conf import settings
    from django.test.utils import override_settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(ALLOWED_HOSTS=["*"], STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("federation.web.timeouts").setLevel(logging.CRITICAL)


def cases_of(username: str, role: str) -> list[Case]:
    """Return the cases of one role: its figure pages, every list first and last, the searches."""
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    from federation.web.registers import registers

    user = get_user_model().objects.get(username=username)
    cases = []
    for name, label in FIGURE_PAGES:
        try:
            cases.append(Case(role, label, reverse(name), PAGE_TARGET_MS))
        except NoReverseMatch:
            continue
    lists = [(name, label, searched) for name, label, searched in OTHER_LISTS]
    lists += [
        (r.url_name("list"), str(r.title), hasattr(r.model, "person"))
        for r in registers
        if r.path and r.model is not None
    ]
    for name, label, searched in lists:
        url = reverse(name)
        cases.append(Case(role, f"{label} 第一页", url, LIST_TARGET_MS))
        cases.append(Case(role, f"{label} 最后一页", f"{url}?page=last", LIST_TARGET_MS))
        if searched:
            person = someone_seen(user, name)
            if person is not None:
                for what, text in searches(person):
                    cases.append(Case(role, f"{label} 查找{what}", f"{url}?q={text}", LIST_TARGET_MS))
    return cases


def someone_seen(user, url_name: str):
    """Return a person ``user`` sees on the list ``url_name`` (for a register: one entered in it)."""
    from federation.web.registers import registers
    from registry.models import Person

    people = Person.objects.for_user(user).exclude(id_number=None)
    register = next((r for r in registers if r.path and r.url_name("list") == url_name), None)
    if register is not None:
        entries = register.model.objects.for_user(user).exclude(person__id_number=None)
        entry = entries.order_by("-pk").select_related("person").first()
        return entry.person if entry else None
    return people.order_by("-pk").first()


def searches(person) -> list[tuple[str, str]]:
    return [("姓名", person.name), ("身份证号", person.id_number), ("后四位", person.id_number[-4:])]


def measure(username: str, case: Case, *, runs: int, slow_s: float) -> Outcome:
    """Ask the page once to warm up, then ``runs`` times (3 when the warm-up was slow); time each."""
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    reset_queries()  # the log of the log-in's queries: a request starts a new one
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case.url)
    warm_s = time.perf_counter() - started
    captured = queries.captured_queries  # read now: the next request starts a new log
    slowest = max((float(q["time"]) for q in captured), default=0.0)
    times = []
    for _ in range(3 if warm_s > slow_s else runs):
        started = time.perf_counter()
        client.get(case.url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return Outcome(
        case=case,
        p95_ms=times[math.ceil(0.95 * len(times)) - 1],
        median_ms=statistics.median(times),
        runs=len(times),
        status=response.status_code,
        queries=len(captured),
        slowest_ms=slowest * 1000,
    )


def line(o: Outcome) -> str:
    if o.closed:
        return f"n/a   {o.case.role:<6} {o.case.label:<24} HTTP {o.status}: not this role's page {o.case.url}"
    verdict = "PASS" if o.passed else "MISS"
    status = "" if o.status == 200 else f"  HTTP {o.status}"
    return (
        f"{verdict}  {o.case.role:<6} {o.case.label:<24} p95 {o.p95_ms:7.0f} ms  ≤ {o.case.target_ms} ms"
        f"  ratio {o.p95_ms / o.case.target_ms:5.2f}  median {o.median_ms:6.0f} ms  runs {o.runs:2d}"
        f"  queries {o.queries:3d}  slowest query {o.slowest_ms:6.0f} ms{status}  {o.case.url}"
    )


def summary(outcomes: list[Outcome]) -> None:
    print()
    for _username, role in ROLES:
        mine = [o for o in outcomes if o.case.role == role and not o.closed]
        if mine:
            met = sum(o.passed for o in mine)
            worst = max(mine, key=lambda o: o.p95_ms / o.case.target_ms)
            ratio = worst.p95_ms / worst.case.target_ms
            verdict = "PASS" if met == len(mine) else "MISS"
            print(
                f"{verdict}  {role}: {met} of {len(mine)} pages met their target; "
                f"slowest {worst.case.label} p95 {worst.p95_ms:.0f} ms (ratio {ratio:.2f})"
            )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
