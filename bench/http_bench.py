"""The HTTP benchmark (issue 13): the app served by gunicorn to locust's users on a county. Not a test.

How to run it, on a county built by ``bench/county.py`` (PostgreSQL, ≈ 1,000,000 persons)::

    .venv/bin/python bench/http_bench.py                          # both scenarios, ~5 minutes
    .venv/bin/python bench/http_bench.py --scenarios a --duration 60 --serving 3x1,2x4

It starts gunicorn itself on a free loopback port against the county's database, with
``federation/project/gunicorn.conf.py`` (the processes and threads ``scripts/serve.sh`` serves with;
``--serving PxT`` gives P processes of T threads through the file's WORKERS and THREADS), DEBUG off
and static files served plainly, as ``bench/scale_bench.py`` has them. Each user is logged in through
the log-in page (once: the sessions are kept in ``var/http_bench_sessions.json`` and used again while
they last). Then, in a process of its own (``bench/http_load.py``), locust drives:

- (a) 30 users, 20 village directors of different villages and 10 township staff, each waiting
  0.5–1.5 s between two requests: lists (first and last page), searches (a name, a whole ID number,
  its last four characters) and every figure page the role may open (home, overview, statistics,
  progress, …), the pages and searches of ``bench/scale_bench.py``'s cases. Targets: **p95 ≤ 150 ms
  for every kind of list and search, ≤ 300 ms for every figure page, 0 errors**;
- (b) Bahmni's published load test: 70 users (50 directors, 20 township staff) waiting 1–3 s, the
  same mix. Target: **name search p95 ≤ 310 ms** (and 0 errors).

The timing starts when every user has started and waited once, and lasts ``--duration`` seconds.
Each line prints PASS or MISS, the p95 and its ratio to the target, p50, p99 and how many requests;
then the requests per second, the errors, the server's CPU time a request (gunicorn's processes; less
moved by other work on the machine than the times are) and the load average.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

import common  # bench/ is on the path when a bench script runs
import scale_bench

ROOT = common.ROOT
CONFIG = ROOT / "federation" / "project" / "gunicorn.conf.py"
SESSIONS = ROOT / "var" / "http_bench_sessions.json"
PASSWORD = "Fulian@2026"
LIST_TARGET_MS = 150
PAGE_TARGET_MS = 300
NAME_SEARCH_TARGET_MS = 310
NAME_SEARCH = "查找姓名"
#: The roles of the load: the user names' prefix, the label of the lines.
DIRECTOR, TOWNSHIP = "村妇联主席", "乡镇"
#: Extra names a user searches in the persons list, besides the one of each of scale_bench's lists.
NAMES_PER_USER = 10


@dataclass
class Scenario:
    key: str
    title: str
    directors: int
    staff: int
    think: tuple[float, float]
    #: (role or None for every role, kind) -> target ms; None: each kind its own target.
    judged: dict | None = None

    @property
    def users(self) -> int:
        return self.directors + self.staff


@dataclass
class Kind:
    role: str
    kind: str
    group: str  # list, search, page
    times: list[float] = field(default_factory=list)

    @property
    def target_ms(self) -> int:
        return PAGE_TARGET_MS if self.group == "page" else LIST_TARGET_MS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("COUNTY_DATABASE_URL", scale_bench.DEFAULT_URL)
    )
    parser.add_argument("--duration", type=float, default=90, help="seconds timed in each scenario (90)")
    parser.add_argument("--scenarios", default="a,b", help="a (30 users), b (Bahmni's 70), or both: a,b")
    parser.add_argument("--users-a", type=int, default=30, help="users of (a): 2 directors to 1 staff (30)")
    parser.add_argument("--users-b", type=int, default=70, help="users of (b): 5 directors to 2 staff (70)")
    parser.add_argument(
        "--serving",
        default="auto",
        help="comma-separated servers to measure: auto (the config file's choice for this machine) or "
        "PxT, P processes of T threads (3x1: 3 sync workers; 2x4: 2 gthread processes of 4 threads)",
    )
    args = parser.parse_args()
    scenarios = [s for s in scenarios_of(args) if s.key in args.scenarios.split(",")]
    servings = args.serving.split(",")
    common.setup_django(args.database_url)
    print(common.server_settings())
    plans = {s.key: plan_users(s) for s in scenarios}
    verdicts = []
    for serving in servings:
        with Server(args.database_url, serving) as server:
            print(f"== gunicorn {server.described()}", flush=True)
            cookies = logged_in(server, {u["username"] for users in plans.values() for u in users})
            closed = closed_paths(server, plans, cookies)
            for scenario in scenarios:
                users = [dict(u, cookie=cookies[u["username"]]) for u in plans[scenario.key]]
                for user in users:
                    user["cases"] = {
                        group: [c for c in cases if c[1].split("?")[0] not in closed[user["role"]]]
                        for group, cases in user["cases"].items()
                    }
                keep_figures_fresh()
                verdicts += run_scenario(server, scenario, users, args.duration)
    print()
    met = sum(verdicts)
    print(f"{'PASS' if met == len(verdicts) else 'MISS'}  {met} of {len(verdicts)} targets met")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def scenarios_of(args) -> list[Scenario]:
    a_directors = round(args.users_a * 2 / 3)
    b_directors = round(args.users_b * 5 / 7)
    return [
        Scenario("a", f"{args.users_a} users", a_directors, args.users_a - a_directors, (0.5, 1.5)),
        Scenario(
            "b",
            f"Bahmni's load, {args.users_b} users",
            b_directors,
            args.users_b - b_directors,
            (1.0, 3.0),
            judged={(None, NAME_SEARCH): NAME_SEARCH_TARGET_MS},
        ),
    ]


# -- the users and what they ask -----------------------------------------------------------------------


def plan_users(scenario: Scenario) -> list[dict]:
    """Return the users of ``scenario`` with their requests, grouped: list, search, page.

    Directors of villages spread over the county (every ``n``-th of them in order), township staff
    likewise; each user's cases are ``scale_bench.cases_of``'s, and ``NAMES_PER_USER`` more names of
    persons she sees searched in the persons list.
    """
    from django.contrib.auth import get_user_model

    names = get_user_model().objects.order_by("username").values_list("username", flat=True)
    directors = spread([n for n in names if n.startswith("cun")], scenario.directors)
    staff = spread([n for n in names if n.startswith("staff")], scenario.staff)
    users = [plan_user(n, DIRECTOR) for n in directors] + [plan_user(n, TOWNSHIP) for n in staff]
    print(
        f"== ({scenario.key}) {len(directors)} {DIRECTOR} ({', '.join(directors[:3])}, …), "
        f"{len(staff)} {TOWNSHIP} ({', '.join(staff[:3])}, …)",
        flush=True,
    )
    return users


def spread(names: list[str], n: int) -> list[str]:
    """Return ``n`` of ``names`` spread evenly over them (all of them when there are fewer)."""
    if n >= len(names):
        return list(names)
    return [names[i * len(names) // n] for i in range(n)]


def plan_user(username: str, role: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from registry.models import Person

    cases: dict[str, list[tuple[str, str]]] = {"list": [], "search": [], "page": []}
    for case in scale_bench.cases_of(username, role):
        if case.target_ms == scale_bench.PAGE_TARGET_MS:
            cases["page"].append((case.label, case.url))
        elif "查找" in case.label:
            kind = case.label.split()[-1]
            path, _, text = case.url.partition("?q=")
            cases["search"].append((kind, f"{path}?q={quote(text)}"))
        else:
            cases["list"].append((f"列表 {case.label.split()[-1]}", case.url))
    user = get_user_model().objects.get(username=username)
    seen = Person.objects.for_user(user).exclude(id_number=None).order_by("-pk")
    recent = list(seen.values_list("name", flat=True)[:200])
    persons = reverse("registry:person_list")
    for name in random.Random(username).sample(recent, min(NAMES_PER_USER, len(recent))):
        cases["search"].append((NAME_SEARCH, f"{persons}?q={quote(name)}"))
    return {"username": username, "role": role, "cases": cases}


# -- the server -----------------------------------------------------------------------------------------


class Server:
    """gunicorn serving the app on a free loopback port, with the config file; stopped on exit."""

    def __init__(self, database_url: str, serving: str) -> None:
        self.database_url = database_url
        self.serving = serving
        self.process: subprocess.Popen | None = None
        handle, self.log_path = tempfile.mkstemp(prefix="http_bench_gunicorn_", suffix=".log")
        os.close(handle)

    def __enter__(self) -> Server:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.host = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DEBUG": "false",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "federation.project.settings",
            "LOG_LEVEL": "ERROR",  # a page a role may not open is no news; a server error is
        }
        env.pop("WORKERS", None)
        env.pop("THREADS", None)
        if self.serving != "auto":
            processes, _, threads = self.serving.partition("x")
            env.update(WORKERS=processes, THREADS=threads or "1")
        command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "federation.project.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--error-logfile", self.log_path]
        with open(self.log_path, "a", encoding="utf-8") as log:  # the app's own messages too
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        self.wait_ready()
        return self

    def wait_ready(self, seconds: float = 90) -> None:
        import requests

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped (its log: {self.log_path})")
            try:
                if requests.get(self.host + "/login/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        sys.exit(f"gunicorn did not answer in {seconds:.0f} s (its log: {self.log_path})")

    def processes(self):
        import psutil

        master = psutil.Process(self.process.pid)
        return [master, *master.children(recursive=True)]

    def described(self) -> str:
        """Return what serves: the worker kind, processes and threads (from the log of gunicorn)."""
        workers = len(self.processes()) - 1
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        kind = "gthread" if "Using worker: gthread" in text else "sync"
        threads = self.threads()
        return f"{kind}, {workers} processes × {threads} threads ({self.serving}), {self.host}"

    def threads(self) -> int:
        """Return the threads a worker runs (the config file's answer for this server's environment)."""
        env = dict(os.environ)
        env.pop("WORKERS", None)
        env.pop("THREADS", None)
        if self.serving != "auto":
            processes, _, threads = self.serving.partition("x")
            env.update(WORKERS=processes, THREADS=threads or "1")
        return config_choice(env)[1]

    def cpu_seconds(self) -> float:
        """Return the CPU time gunicorn's processes have used so far (user and system)."""
        total = 0.0
        for p in self.processes():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except Exception:  # a worker just restarted  # noqa: BLE001
                continue
        return total

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def config_choice(environ: dict) -> tuple[int, int]:
    """Return (processes, threads) the config file chooses for this machine and ``environ``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.choose(module.cores(), environ)


# -- logging in -----------------------------------------------------------------------------------------


def logged_in(server: Server, usernames: set[str]) -> dict[str, str]:
    """Return a session cookie of each user: the kept one while it still opens a page, or a new log-in.

    A log-in hashes the password (PBKDF2, about a second of CPU here): made in two threads, before
    any timing, and kept in ``SESSIONS`` for the next run of the benchmark.
    """
    import requests
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    kept = json.loads(SESSIONS.read_text()) if SESSIONS.exists() else {}
    kept = kept.get(server.database_url, {})

    def session_of(username: str) -> str:
        cookie = kept.get(username)
        if cookie:
            probe = requests.get(
                server.host + "/loans/queue/", cookies={name: cookie}, allow_redirects=False, timeout=30
            )
            if probe.status_code == 200:
                return cookie
        return log_in(server.host, username)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        names = sorted(usernames)
        cookies = dict(zip(names, pool.map(session_of, names), strict=True))
    made = sum(cookies[u] != kept.get(u) for u in usernames)
    print(f"== {len(cookies)} users logged in ({made} new log-ins) in {time.monotonic() - started:.0f} s")
    everything = json.loads(SESSIONS.read_text()) if SESSIONS.exists() else {}
    everything[server.database_url] = cookies
    SESSIONS.parent.mkdir(exist_ok=True)
    SESSIONS.write_text(json.dumps(everything))
    SESSIONS.chmod(0o600)
    return cookies


def log_in(host: str, username: str) -> str:
    """Log ``username`` in through the log-in page (its CSRF token, its form); return the session cookie."""
    import requests
    from django.conf import settings

    session = requests.Session()
    session.get(host + "/login/", timeout=30)
    response = session.post(
        host + "/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=60,
    )
    where = response.headers.get("Location", "")
    if response.status_code != 302 or "/login/" in where or "/password/" in where:
        sys.exit(f"log-in of {username} failed: HTTP {response.status_code} {where}")
    return session.cookies[settings.SESSION_COOKIE_NAME]


def closed_paths(server: Server, plans: dict, cookies: dict[str, str]) -> dict[str, set[str]]:
    """Return, by role, the paths the role may not open (403, 404): asked once by its first user.

    The same requests warm every worker up (templates, URL resolver, the database's cache).
    """
    import requests
    from django.conf import settings

    closed: dict[str, set[str]] = {}
    first = {}
    for users in plans.values():
        for user in users:
            first.setdefault(user["role"], user)
    for role, user in first.items():
        jar = {settings.SESSION_COOKIE_NAME: cookies[user["username"]]}
        closed[role] = set()
        for cases in user["cases"].values():
            for _kind, url in cases:
                status = requests.get(
                    server.host + url, cookies=jar, allow_redirects=False, timeout=60
                ).status_code
                if status in (403, 404):
                    closed[role].add(url.split("?")[0])
        if closed[role]:
            print(f"== n/a for {role} (HTTP 403/404): {' '.join(sorted(closed[role]))}")
    return closed


def keep_figures_fresh() -> None:
    """Count again the kept figures past half their age, as an office's task queue does every 5
    minutes (``federation.core.figures.refresh_aging``; the benchmark runs no queue): without it the
    first users of a scenario find the figures of the villages an earlier run read aged, and count
    them again on their pages, which no office with its queue running would see."""
    from federation.core.figures import refresh_aging

    started = time.monotonic()
    counted = refresh_aging()
    seconds = time.monotonic() - started
    print(f"== the task queue's refresh of aging figures: {counted} villages' figures in {seconds:.1f} s")


# -- a scenario -----------------------------------------------------------------------------------------


def run_scenario(server: Server, scenario: Scenario, users: list[dict], duration: float) -> list[bool]:
    """Drive ``users`` for ``duration`` seconds (``bench/http_load.py``); print the lines; return the
    verdicts."""
    from django.conf import settings

    plan = {
        "host": server.host,
        "users": [dict(u, cookie_name=settings.SESSION_COOKIE_NAME) for u in users],
        "think": list(scenario.think),
        "duration": duration,
        "ramp": 5 if len(users) <= 30 else 10,
    }
    with tempfile.TemporaryDirectory() as tmp:
        plan_path, out_path = os.path.join(tmp, "plan.json"), os.path.join(tmp, "out.json")
        with open(plan_path, "w", encoding="utf-8") as f:
            json.dump(plan, f, ensure_ascii=False)
        load_before = os.getloadavg()[0]
        cpu_before = server.cpu_seconds()
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "http_load.py"), plan_path, out_path], check=True
        )
        cpu = server.cpu_seconds() - cpu_before
        with open(out_path, encoding="utf-8") as f:
            result = json.load(f)
    kinds = kinds_of(users, result["timings"])
    requests_n = sum(len(k.times) for k in kinds)
    errors = {name: msgs for name, msgs in result["failures"].items() if msgs}
    error_n = sum(len(m) for m in errors.values())
    lo, hi = scenario.think
    print(
        f"== ({scenario.key}) {scenario.title}: "
        f"{scenario.directors} {DIRECTOR} + {scenario.staff} {TOWNSHIP}, think {lo:g}–{hi:g} s, "
        f"{result['elapsed']:.0f} s timed, gunicorn {server.described()}"
    )
    verdicts = []
    for kind in kinds:
        if scenario.judged is None:
            verdicts.append(print_kind(scenario.key, kind, kind.target_ms))
        else:
            print_kind(scenario.key, kind, None)
    if scenario.judged is not None:
        for (role, kind_name), target in scenario.judged.items():
            times = [t for k in kinds if k.kind == kind_name and role in (None, k.role) for t in k.times]
            whole = Kind(role or "全部", kind_name, "search", times)
            verdicts.append(print_kind(scenario.key, whole, target))
    else:
        for group, label in (("list", "列表"), ("search", "查找"), ("page", "图表页")):
            times = [t for k in kinds if k.group == group for t in k.times]
            if times:
                whole = Kind("全部", f"{label}合计", group, times)
                verdicts.append(print_kind(scenario.key, whole, whole.target_ms))
    for name, messages in sorted(errors.items()):
        print(f"      error {name}: {len(messages)} × {messages[0]}")
    verdicts.append(error_n == 0)
    verdict = "PASS" if error_n == 0 else "MISS"
    print(f"{verdict}  ({scenario.key}) errors {error_n} of {requests_n} requests  (target 0)")
    rate = requests_n / result["elapsed"] if result["elapsed"] else 0.0
    per_request = cpu / requests_n * 1000 if requests_n else 0.0
    load = os.getloadavg()
    print(
        f"      ({scenario.key}) {requests_n:,} requests, {rate:.1f} requests/s; gunicorn CPU {cpu:.1f} s "
        f"({per_request:.1f} ms a request, {cpu / result['elapsed'] * 100:.0f}% of a core); load average "
        f"{load_before:.2f} at the start, {' '.join(f'{x:.2f}' for x in load)} at the end",
        flush=True,
    )
    return verdicts


def kinds_of(users: list[dict], timings: dict[str, list[float]]) -> list[Kind]:
    """Return every kind the users ask, with its times, role by role: lists, searches, figure pages
    (a kind no request of which was timed has no times: it misses)."""
    kinds: dict[tuple[str, str], Kind] = {}
    for group in ("list", "search", "page"):
        for role in (DIRECTOR, TOWNSHIP):
            for user in users:
                for kind, _url in user["cases"][group] if user["role"] == role else ():
                    kinds.setdefault((role, kind), Kind(role, kind, group))
    for name, times in timings.items():
        role, kind = name.split("|", 1)
        kinds[(role, kind)].times = sorted(times)
    return sorted(kinds.values(), key=lambda k: (k.role != DIRECTOR, list(kinds).index((k.role, k.kind))))


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


def print_kind(key: str, kind: Kind, target: int | None) -> bool:
    """Print one kind's line (PASS or MISS against ``target``; no verdict when None); return it passed."""
    p95 = percentile(kind.times, 0.95)
    name = f"({key}) {kind.role:<6} {kind.kind:<10}"
    if not kind.times:
        print(f"{'      ' if target is None else 'MISS  '}{name} no request of this kind was timed")
        return target is None
    name += f" p95 {p95:6.0f} ms"
    others = (
        f"median {percentile(kind.times, 0.5):5.0f} ms  p99 {percentile(kind.times, 0.99):6.0f} ms  "
        f"n {len(kind.times):5d}"
    )
    if target is None:
        print(f"      {name}                         {others}")
        return True
    passed = p95 <= target
    print(f"{'PASS' if passed else 'MISS'}  {name}  ≤ {target} ms  ratio {p95 / target:5.2f}  {others}")
    return passed


if __name__ == "__main__":
    sys.exit(main())
