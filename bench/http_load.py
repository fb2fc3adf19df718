"""The load of ``bench/http_bench.py``: locust's users, run in a process of their own. Not a test.

``http_bench.py`` writes a plan (JSON: the server's address, the users with their session cookies
and their pages by kind, the think time, how long) and runs ``python bench/http_load.py PLAN OUT``;
this process drives the users with locust (gevent greenlets, one ``HttpUser`` a user of the plan)
and writes every measured request's time, by kind, to ``OUT``. It is a process apart because locust
patches the standard library for gevent when it is imported, which the Django side of the benchmark
must not run under.
"""

from __future__ import annotations

import json
import random
import sys
import time

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

#: How a user divides her requests: a list (first or last page), a search, a figure page.
MIX = (("list", 45), ("search", 35), ("page", 20))


def run(plan: dict) -> dict:
    """Drive ``plan``'s users for its duration after they have all started; return the timings."""
    people = list(plan["users"])
    lo, hi = plan["think"]
    timings: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}
    recording = False

    class Person(HttpUser):
        host = plan["host"]
        wait_time = between(lo, hi)

        def on_start(self) -> None:
            self.person = people.pop(0)
            self.client.cookies.set(self.person["cookie_name"], self.person["cookie"])
            # As a browser does: a GET sent on a kept-alive connection the server closed at that
            # moment (gthread closes one idle for ``keepalive``, 2 s) is sent again, once, on a new
            # one; the time of both is the request's.
            retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=["GET"])
            self.client.mount("http://", HTTPAdapter(max_retries=retry))
            self.rng = random.Random(self.person["username"])

        @task
        def ask(self) -> None:
            groups = [(g, w) for g, w in MIX if self.person["cases"].get(g)]
            group = self.rng.choices([g for g, _ in groups], [w for _, w in groups])[0]
            kind, url = self.rng.choice(self.person["cases"][group])
            name = f"{self.person['role']}|{kind}"
            with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
                if response.status_code == 0:  # no answer: the connection failed or was dropped
                    response.failure(f"no answer ({type(response.error).__name__}: {response.error}) {url}")
                elif response.status_code != 200:
                    response.failure(f"HTTP {response.status_code} {url}")

    @events.request.add_listener
    def on_request(name, response_time, exception, **kwargs) -> None:
        if not recording:
            return
        timings.setdefault(name, []).append(response_time)
        if exception is not None:
            failures.setdefault(name, []).append(str(exception)[:200])

    env = Environment(user_classes=[Person], events=events)
    runner = env.create_local_runner()
    count = len(people)
    runner.start(count, spawn_rate=max(1.0, count / plan["ramp"]))
    while runner.user_count < count:
        gevent.sleep(0.2)
    gevent.sleep(hi)  # every user past her first think time: the load is steady
    recording = True
    started = time.monotonic()
    gevent.sleep(plan["duration"])
    recording = False
    elapsed = time.monotonic() - started
    runner.quit()
    return {"elapsed": elapsed, "timings": timings, "failures": failures}


def main() -> None:
    plan_path, out_path = sys.argv[1:3]
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    result = run(plan)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
