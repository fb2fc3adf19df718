"""One page as the scale benchmark asks it, looked into: its queries (with their times) and where its
Python time goes (cProfile). Not a test; for the county built by ``bench/county.py``::

    .venv/bin/python bench/page_profile.py staff01 /registry/persons/ [--explain] [--top 30]

The page is asked once to warm up (the session's to-do count, the caches), then once with its
queries captured, then ``--runs`` times under the profiler; prints each query of the second ask
(time, SQL; with ``--explain`` the slowest one's EXPLAIN (ANALYZE, BUFFERS)) and the profile's top
functions by cumulative time, and the page's CPU time a run (``time.process_time``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

import common  # bench/ is on the path when a bench script runs

DEFAULT_URL = "postgres://root@127.0.0.1:5432/federation_county"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("username")
    parser.add_argument("url")
    parser.add_argument("--database-url", default=os.environ.get("COUNTY_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument(
        "--filter", default="", help="only the functions whose file matches (a regular expression)"
    )
    args = parser.parse_args()
    common.setup_django(args.database_url)
    import scale_bench
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    scale_bench.quiet_pages()
    client = Client()
    client.force_login(get_user_model().objects.get(username=args.username))
    response = client.get(args.url)
    print(f"HTTP {response.status_code}, {len(response.content):,} bytes")
    with CaptureQueriesContext(connection) as queries:
        client.get(args.url)
    total = sum(float(q["time"]) for q in queries.captured_queries)
    print(f"{len(queries.captured_queries)} queries, {total * 1000:.1f} ms in all")
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:240]}")
    if args.explain and queries.captured_queries:
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.runs):
        client.get(args.url)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"a run: CPU {cpu / args.runs * 1000:.1f} ms, wall {wall / args.runs * 1000:.1f} ms")
    profile = cProfile.Profile()
    cpu = time.process_time()
    wall = time.perf_counter()
    profile.enable()
    for _ in range(args.runs):
        client.get(args.url)
    profile.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"a run: CPU {cpu / args.runs * 1000:.1f} ms, wall {wall / args.runs * 1000:.1f} ms (profiled)")
    stats = pstats.Stats(profile).sort_stats(args.sort)
    stats.print_stats(*([args.filter] if args.filter else []), args.top)


if __name__ == "__main__":
    sys.exit(main())
