"""A whole county for the scale benchmark (issue 13, item 1). Not a test: it builds a database.

How to run it::

    .venv/bin/python bench/county.py --townships 20 --villages 25        # PostgreSQL, ≈ 1,000,000 persons
    .venv/bin/python bench/county.py --database-url sqlite:////tmp/county.sqlite3 --townships 1 --villages 5
    .venv/bin/python bench/county.py --check          # the rows' coherence, on the county built
    .venv/bin/python bench/county.py --time-home      # the county viewer's and a township's home page

The database is ``postgres://root@127.0.0.1:5432/federation_county`` unless ``--database-url`` or
``COUNTY_DATABASE_URL`` names another (the role needs CREATEDB); it is created and migrated when
need be. A county already built is kept (its figures printed); ``--rebuild`` drops it and builds
it again.

What it holds: 示范县 (513401) with townships 第一乡 … (codes 513401201000 …), each with its
villages (…201, …202, …), each village drawn by the demo's own generator (``registry.demo``,
``_Generator.village``) with a seed of its own and about ``--households`` households (680: 20 × 25
villages make ≈ 340,000 households and 1,000,000 persons); one generator for the whole county, so
its set of numbers handed out keeps every ID number unique in the county. Then, village by village,
the registers as the demo chooses them (``registry/demo_registers.py``: 85 % of the left-behind
women and children the selectors would find, 80 % of the poor women, two children in hardship whose
parents died), computed on the generated village and written with the rest; every row with its
``+`` history row. Rows are written with COPY on PostgreSQL (``bench/bulkload.py``), one township a
transaction, so memory holds one township at a time. Then through the demo's own code, township by
township: the village director's record and the women's home (``_village_records``), visits,
screenings, volunteer teams, petitions and register reports (``outreach/demo.py``), and 20 loans a
township in every state, drafted and signed through the real service (``loans/demo.py``'s plan and
walk, ``loans.services``). The log-ins (an administrator, the county viewer, a chair and a staff
member a township, a director a village) are made by ``federation.core.services.user_create``;
their password is the demo's, printed at the end. Finally the sequences are reset and ANALYZE run.

With ``--processes 2`` (the default) the villages are drawn in a second process while this one
writes. Measured on the 2-core machine, 20 × 25 on PostgreSQL 15: 3.0 min with 2 processes (load
average 1.3), 8.3 min with 1 process while other test runs kept the load average near 6; the
generator's pure Python is 40-65 s of it, the database's side (COPY, history, the ORM of outreach
and loans) the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

import common  # bench/ is on the path when a bench script runs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://root@127.0.0.1:5432/federation_county"
COUNTY_CODE, COUNTY_NAME = "513401", "示范县"
HOUSEHOLDS = 680  # a village's households on average: 20 × 25 villages ≈ 340,000
#: Village names (two characters each); a township past the list has 团结二村 and so on.
_NAMES = (
    "团结红旗胜利光明新民和平前进东风幸福民主建设友谊新华向阳长征红星永安太平兴隆富民联合丰收金星石桥河坝青山"
)
VILLAGE_NAMES = [_NAMES[i : i + 2] for i in range(0, len(_NAMES), 2)]
LOANS_PER_TOWNSHIP = 20  # the demo's plan: every state once or more
SCHOOLS = ["中心校", "村小", "乡中学"]
GRADES = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "初一", "初二"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--villages", type=int, default=25, help="villages a township")
    parser.add_argument("--households", type=int, default=HOUSEHOLDS, help="households a village, on average")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument(
        "--processes", type=int, choices=(1, 2), default=2, help="2: draw the villages in a second process"
    )
    parser.add_argument("--database-url", default=os.environ.get("COUNTY_DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--rebuild", action="store_true", help="drop the county's database and build it again"
    )
    parser.add_argument("--check", action="store_true", help="check the rows of the county built")
    parser.add_argument("--time-home", action="store_true", help="time the home pages of the county built")
    args = parser.parse_args()
    started = time.perf_counter()
    with phase("database (create, migrate)"):
        prepare_database(args.database_url, rebuild=args.rebuild)
    if args.check or args.time_home:
        if args.check:
            check()
        if args.time_home:
            time_home()
        return
    state = county_state()
    if state == "complete":
        print("== the county exists and is complete: kept (--rebuild to build it again)")
        report_counts()
        return
    if state == "partial":
        sys.exit("The county exists but was not finished (an interrupted run?): run again with --rebuild.")
    timings = build(args)
    print_timings(timings, time.perf_counter() - started)
    report_counts()


# -- the database --------------------------------------------------------------------------------------


def prepare_database(url: str, *, rebuild: bool) -> None:
    """Create (or with ``rebuild`` first drop) the county's database, migrate it and set Django up on it."""
    if url.startswith("sqlite"):
        path = Path(url.split("sqlite:///", 1)[1])
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        common.setup_django(url)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        return
    if rebuild:
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"== dropped database {name}")
    common.migrated_database(url)
    common.recommend_settings(url)
    common.setup_django(url)


def county_state() -> str:
    """Return "none", "partial" or "complete": the county viewer's log-in is made last of all."""
    from django.contrib.auth import get_user_model

    from federation.core.models import County

    if not County.objects.filter(code=COUNTY_CODE).exists():
        return "none"
    return "complete" if get_user_model().objects.filter(username="county").exists() else "partial"


# -- timing --------------------------------------------------------------------------------------------

_timings: dict[str, float] = defaultdict(float)


@contextmanager
def phase(name: str, *, quiet: bool = False) -> Iterator[None]:
    """Time the block, adding its seconds to the phase ``name``; print them unless ``quiet``."""
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    _timings[name] += seconds
    if not quiet:
        print(f"   {name}: {seconds:.1f} s", flush=True)


def print_timings(timings: dict[str, float], total: float) -> None:
    print("== phases (seconds)")
    for name, seconds in timings.items():
        print(f"   {name:<56} {seconds:8.1f}")
    print(f"   {'total':<56} {total:8.1f}  ({total / 60:.1f} min); peak memory {common.peak_mb():.0f} MB")


# -- the county ------------------------------------------------------------------------------------------


def build(args) -> dict[str, float]:
    """Build the county; return the seconds of each phase."""
    from bulkload import Loader
    from django.db import connection, transaction
    from django.utils import timezone

    from federation.core.models import County, Township, Village, YearSettings, year_settings
    from registry.demo import CHANGE_REASON, chinese_number
    from registry.models import Person

    now = timezone.now()
    today = timezone.localdate()
    year = today.year
    rng = random.Random(args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")  # this session only: a load, not a ledger
    with phase("org tree"):
        county = County.objects.create(code=COUNTY_CODE, name=COUNTY_NAME)
        townships = Township.objects.bulk_create(
            Township(county=county, code=f"{COUNTY_CODE}{200 + t:03d}000", name=f"第{chinese_number(t)}乡")
            for t in range(1, args.townships + 1)
        )
        Village.objects.bulk_create(
            Village(township=township, code=f"{township.code[:9]}{200 + v:03d}", name=village_name(v))
            for township in townships
            for v in range(1, args.villages + 1)
        )
        townships = list(Township.objects.filter(county=county).order_by("code"))
        villages_of = defaultdict(list)
        for village in (
            Village.objects.filter(township__county=county).select_related("township").order_by("code")
        ):
            villages_of[village.township_id].append(village)
    with phase("users (user_create)"):
        directors = make_users(county, townships, villages_of, rng)
    taken = list(Person.all_objects.exclude(id_number=None).values_list("id_number", flat=True))
    loader = Loader(now=now, reason=CHANGE_REASON)
    settings = year_settings(year)
    # What the register choice reads of the year's settings (passed to the generator's process as values).
    rules = SimpleNamespace(**{name: getattr(settings, name) for name in ("ages_on", *YearSettings.RULES)})
    sizes = random.Random(f"sizes {args.seed}")
    plan = [
        Draw(
            seed=args.seed * 100_000 + index,
            code=village.code,
            name=village.name,
            township_name=village.township.name,
            households=round(args.households * sizes.uniform(0.75, 1.25)),
        )
        for index, village in enumerate((v for t in townships for v in villages_of[t.pk]), start=1)
    ]
    drawn = drawn_villages(plan, taken, rules, year, processes=args.processes, url=args.database_url)
    counts: dict[str, int] = defaultdict(int)
    waiting = "waiting for the generator's process" if args.processes > 1 else "generate + register choice"
    for number, township in enumerate(townships, start=1):
        started = time.perf_counter()
        persons_before = counts["persons"]
        with transaction.atomic():
            for village in villages_of[township.pk]:
                with phase(waiting, quiet=True):
                    spec, entries = next(drawn)
                with phase("rows (Python)", quiet=True):
                    add_village(loader, village, spec, entries, year, counts)
            loader.flush()
            with phase("village records (demo, full_clean + save)", quiet=True):
                village_records(rng, villages_of[township.pk], directors, year)
            with phase("outreach (outreach/demo.py)", quiet=True):
                counts["outreach"] += outreach(
                    random.Random(f"outreach {args.seed} {number}"), township, today
                )
            with phase("loans (loans.services)", quiet=True):
                counts["loans"] += township_loans(random.Random(f"loans {args.seed} {number}"), township)
        print(
            f"   {township.name} ({number}/{len(townships)}): "
            f"{counts['persons'] - persons_before:,} persons, {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    next(drawn, None)  # the generator's process reports its phases and ends
    _timings["COPY (server and client)"] = loader.seconds["copy"]
    _timings["history (INSERT … SELECT)"] = loader.seconds["history"]
    with phase("sequences + ANALYZE"):
        loader.finish(extra_models=all_domain_models())
    with phase("last log-in (the county is complete)"):
        finish_users(county)
    print(f"== generated {counts['persons']:,} persons; {loader.history_rows:,} history rows by COPY's side")
    return dict(_timings)


class Draw(NamedTuple):
    """One village to draw: its seed, code, name, its township's name and its households."""

    seed: int
    code: str
    name: str
    township_name: str
    households: int


def drawn_villages(plan: list[Draw], taken, rules, year: int, *, processes: int, url: str) -> Iterator[tuple]:
    """Yield (VillageSpec, register entries) for each line of ``plan``, in its order.

    With ``processes`` 2 they are drawn in a second process (spawned: a fresh interpreter) while this
    one writes, the pure Python of the generator beside the database's work; its phases are added
    to this process's when it is done.
    """
    if processes < 2:
        generator = county_generator(taken)
        for draw in plan:
            yield draw_village(generator, draw, rules, year)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=30)
    process = context.Process(target=_produce, args=(url, plan, taken, rules, year, queue), daemon=True)
    process.start()
    for _ in plan:
        item = queue.get(timeout=900)
        if isinstance(item, str):
            raise RuntimeError(f"the generator's process failed:\n{item}")
        yield item
    for name, seconds in queue.get(timeout=60).items():
        _timings[f"{name} (2nd process)"] += seconds
    process.join()


def draw_village(generator, draw: Draw, rules, year: int) -> tuple:
    with phase("generate (registry.demo._Generator)", quiet=True):
        spec = generator.county_village(draw)
    with phase("register choice (demo_registers' rules)", quiet=True):
        entries = choose_entries(random.Random(f"registers {draw.seed}"), draw.name, spec, rules, year)
    return spec, entries


def _produce(url: str, plan: list[Draw], taken, rules, year: int, queue) -> None:
    """The generator's process: put each village drawn on ``queue``, then the seconds of its phases."""
    common.setup_django(url)
    try:
        generator = county_generator(taken)
        for draw in plan:
            queue.put(draw_village(generator, draw, rules, year))
        queue.put(dict(_timings))
    except BaseException:
        queue.put(traceback.format_exc())
        raise


def village_name(number: int) -> str:
    """Return the ``number``-th village name of a township (团结村, 红旗村, …; 团结二村 past the list)."""
    from registry.demo import chinese_number

    base, round_ = VILLAGE_NAMES[(number - 1) % len(VILLAGE_NAMES)], (number - 1) // len(VILLAGE_NAMES)
    return f"{base}{chinese_number(round_ + 1) if round_ else ''}村"


def person_registers() -> tuple:
    """Return the models of the yearly registers of persons, in the order the counts list them."""
    from registry.models import HardshipChild, LeftBehindChild, LeftBehindWoman, PoorWoman

    return (LeftBehindWoman, LeftBehindChild, HardshipChild, PoorWoman)


def all_domain_models() -> list:
    from django.apps import apps

    return [
        m for m in apps.get_models() if m._meta.app_label in ("federation", "registry", "outreach", "loans")
    ]


# -- generation: the demo's generator, one village at a time ----------------------------------------------


class NumberSet:
    """The generator's set of the first 17 characters handed out, kept as integers (half the memory)."""

    def __init__(self, first17s):
        self._numbers = {int(n) for n in first17s}

    def __contains__(self, first17: str) -> bool:
        return int(first17) in self._numbers

    def add(self, first17: str) -> None:
        self._numbers.add(int(first17))

    def __len__(self) -> int:
        return len(self._numbers)


def county_generator(taken_ids):
    """Return the demo's generator for the whole county: each village is drawn with a seed of its own,
    every ID number checked against the numbers handed out in the county (and ``taken_ids``)."""
    from registry.demo import _Generator, group_name

    class CountyGenerator(_Generator):
        def __init__(self):
            super().__init__(0, taken_ids)
            self.used = NumberSet(self.used)

        def county_village(self, draw: Draw):
            """Return the VillageSpec of ``draw`` drawn from its seed, its addresses in its township."""
            self.rng = random.Random(draw.seed)
            spec = self.village(draw.code, draw.name, draw.households)
            prefix = f"{draw.township_name}{draw.name}"
            for household in spec.households:
                household.address = f"{prefix}{group_name(household.group_number)}"
            return spec

    return CountyGenerator()


# -- the registers, as registry/demo_registers.py chooses them --------------------------------------------


def choose_entries(
    rng: random.Random, village_name: str, spec, settings, year: int
) -> list[tuple[str, object, dict]]:
    """Return (register, person spec, values) of the village's register entries of ``year``.

    The demo's choice (``registry/demo_registers.py``) made on the generated village instead of by
    querying it: the left-behind women (the conditions of ``left_behind_woman_candidates``) and
    children (``left_behind_child_candidates``, at most 100, in its order) 85 % of them, the poor women
    80 %, two children in hardship a village whose parents are marked deceased (here before they are
    written, so no one registered elsewhere is among those parents).
    """
    from federation.core.idnumber import age_on
    from federation.core.rules import add_months, years_before
    from registry.models import GuardianRelation, HardshipReason, PovertyReason, Relation, WorkPlace

    on = settings.ages_on
    away = (WorkPlace.OUT_COUNTY, WorkPlace.OUT_PROVINCE)
    away_before = add_months(on, -settings.husband_away_months)
    child_born_after = years_before(on, settings.child_age_limit)
    low, high = settings.left_behind_woman_min_age, settings.left_behind_woman_max_age
    entries: list[tuple[str, object, dict]] = []
    children: list[tuple[object, object, str]] = []
    registered_households: set[int] = set()
    poor: list[tuple[object, object]] = []
    for h_index, household in enumerate(spec.households):
        couple = {m.relation: m for m in household.members if m.relation in (Relation.HEAD, Relation.SPOUSE)}
        for relation, partner_relation in (
            (Relation.HEAD, Relation.SPOUSE),
            (Relation.SPOUSE, Relation.HEAD),
        ):
            woman, husband = couple.get(relation), couple.get(partner_relation)
            if (
                woman is None
                or woman.sex != "F"
                or woman.deceased
                or not low <= age_on(woman.birth_date, on) <= high
            ):
                continue
            if (
                husband is not None
                and husband.sex == "M"
                and not husband.deceased
                and husband.work_place in away
                and husband.away_since is not None
                and husband.away_since <= away_before
                and rng.random() < 0.85
            ):
                values = {"lives_with": rng.choice(["alone", "family", "family"]), "needs": ""}
                if rng.random() < 0.3:
                    values["needs"] = rng.choice(
                        ["农忙时缺劳力", "孩子学习辅导", "身体不好需要照顾", "希望学习种养技术"]
                    )
                entries.append(("leftbehindwoman", woman, values))
                registered_households.add(h_index)
        away_sexes = {m.sex for m in couple.values() if m.work_place in away}
        for child in household.members:
            if (
                away_sexes
                and child.relation == Relation.CHILD
                and not child.deceased
                and child.birth_date > child_born_after
            ):
                which = "both" if away_sexes == {"M", "F"} else ("father" if "M" in away_sexes else "mother")
                children.append((h_index, household, child, which))
        if household.per_capita_income < settings.poverty_line:
            poor += [(h_index, m) for m in couple.values() if m.sex == "F" and not m.deceased]
    # left_behind_child_candidates: ordered by group and name, the first 100.
    children.sort(key=lambda c: (c[1].group_number, c[2].name))
    for h_index, household, child, which in children[:100]:
        if rng.random() >= 0.85:
            continue
        guardian = next((m for m in household.members if m.relation == Relation.SPOUSE), None)
        guardian = guardian if which != "both" else None
        relation = (
            GuardianRelation.MOTHER if guardian and guardian.sex == "F" else GuardianRelation.GRANDPARENT
        )
        entries.append(
            (
                "leftbehindchild",
                child,
                {
                    "parents_away": which,
                    "away_reason": "work" if rng.random() < 0.97 else "detention",
                    "guardian_name": guardian.name
                    if guardian
                    else f"{child.name[0]}{rng.choice(['德明', '玉珍', '桂英', '光荣'])}",
                    "guardian_relation": relation,
                    "guardian_phone": f"13{rng.randrange(10**9):09d}",
                    "school": f"{village_name}{rng.choice(SCHOOLS)}",
                    "grade": rng.choice(GRADES),
                    "boarding": rng.random() < 0.2,
                    "regular_contact": rng.random() < 0.8,
                },
            )
        )
        registered_households.add(h_index)
    for h_index, woman in poor:
        if rng.random() < 0.8 and age_on(woman.birth_date, on) >= settings.adult_age:
            paired, relief = rng.random() < 0.5, rng.random() < 0.4
            entries.append(
                (
                    "poorwoman",
                    woman,
                    {
                        "reason": rng.choice(list(PovertyReason.values)),
                        "in_dibao": rng.random() < 0.6,
                        "paired": paired,
                        "paired_by": rng.choice(["乡农技站", "县妇联", "村党支部书记", "乡卫生院"])
                        if paired
                        else "",
                        "relief": relief,
                        "relief_what": rng.choice(["临时救助金", "春耕化肥", "过冬棉被"]) if relief else "",
                        "relief_amount": rng.choice([200, 300, 500, 800]) if relief else None,
                    },
                )
            )
            registered_households.add(h_index)
    # Children in hardship: parents died, a grandparent (a living 父母 of the household) raises them.
    hardship = [
        (household, child)
        for h_index, household in enumerate(spec.households)
        if h_index not in registered_households
        and any(m.relation == Relation.PARENT and not m.deceased for m in household.members)
        for child in household.members
        if child.relation == Relation.CHILD and not child.deceased and child.birth_date > child_born_after
    ]
    chosen_households: set[int] = set()
    for household, child in rng.sample(hardship, min(2, len(hardship))):
        if id(household) in chosen_households:
            continue  # the two drawn are siblings: one entry is enough
        chosen_households.add(id(household))
        grandparent = next(m for m in household.members if m.relation == Relation.PARENT and not m.deceased)
        for parent in household.members:
            if parent.relation in (Relation.HEAD, Relation.SPOUSE):
                parent.deceased, parent.phone = True, ""
        entries.append(
            (
                "hardshipchild",
                child,
                {
                    "reason": HardshipReason.BOTH_DEAD,
                    "guardian_name": grandparent.name,
                    "guardian_relation": GuardianRelation.GRANDPARENT,
                    "school": f"{village_name}{rng.choice(SCHOOLS)}",
                    "grade": rng.choice(["二年级", "四年级", "初一"]),
                },
            )
        )
    return entries


# -- the rows of a village -------------------------------------------------------------------------------


def add_village(loader, village, spec, entries, year: int, counts: dict[str, int]) -> None:
    """Add the village's groups, households (with their incomes), persons and register entries."""
    from django.utils import timezone

    from federation.core.models import VillageGroup, year_settings
    from registry.demo import INCOME_YEAR, PersonSpec, group_name
    from registry.models import Household, HouseholdIncome, Person

    groups = loader.table(VillageGroup)
    households, incomes, persons = (
        loader.table(Household),
        loader.table(HouseholdIncome),
        loader.table(Person),
    )
    registers = {model._meta.model_name: loader.table(model) for model in person_registers()}
    spec_fields = [f.name for f in fields(PersonSpec)]
    group_ids = {
        n: groups.add(village_id=village.pk, number=n, name=group_name(n))
        for n in range(1, spec.group_count + 1)
    }
    years = sorted({INCOME_YEAR, year})
    person_ids: dict[int, int] = {}
    for household in spec.households:
        household_id = households.add(
            village_id=village.pk,
            group_id=group_ids[household.group_number],
            group_number=household.group_number,  # as Household.fill_derived keeps it
            number=household.number,
            address=household.address,
        )
        for income_year in years:
            incomes.add(
                household_id=household_id, year=income_year, per_capita_income=household.per_capita_income
            )
        for person in household.members:
            values = {name: getattr(person, name) for name in spec_fields}
            person_ids[id(person)] = persons.add(
                village_id=village.pk,
                household_id=household_id,
                id_last4=(person.id_number or "")[-4:],
                group_number=household.group_number,  # as Person.fill_derived keeps them
                household_number=household.number,
                **values,
            )
            counts["persons"] += 1
        counts["households"] += 1
    # The entries are chosen by the rules on the year's reference date: they are entered on it (or today).
    entered_on = min(year_settings(year).ages_on, timezone.localdate())
    for register, person, values in entries:
        # village_id and person_name: as RegisterEntry.fill_derived keeps them
        person_id = person_ids[id(person)]
        registers[register].add(
            person_id=person_id,
            village_id=village.pk,
            person_name=person.name,
            year=year,
            entered_on=entered_on,
            **values,
        )
        counts[register] += 1


# -- through the demo's own code: village records, outreach, loans ----------------------------------------


def village_records(rng: random.Random, villages, directors, year: int) -> None:
    """Make each village's director record and women's home (``registry.demo_registers._village_records``)."""
    from registry.demo_registers import _village_records

    for village in villages:
        _village_records(rng, village, directors[village.pk], year)


def outreach(rng: random.Random, township, today: dt.date) -> int:
    """Make the township's visits, screenings, volunteers, petitions and reports (``outreach/demo.py``).

    ``seed_outreach`` itself does nothing once any township has outreach; its parts take the villages.
    """
    from federation.core.models import Village
    from outreach import demo

    villages = list(Village.objects.filter(township=township).order_by("code"))
    created = demo._visits(rng, villages, today)
    created += demo._screenings(rng, villages, today)
    created += demo._volunteers(rng, township, villages, today)
    created += demo._petitions(rng, villages, today)
    created += demo._reports(rng, villages, today)
    return created


def township_loans(rng: random.Random, township) -> int:
    """Draft and sign the township's loans through the service, the demo's plan (``loans/demo.py``)."""
    from loans import demo

    return demo.seed_township_loans(rng=rng, township=township, plan=demo.PLAN[:LOANS_PER_TOWNSHIP])


# -- the log-ins ------------------------------------------------------------------------------------------


def person_name(rng: random.Random) -> str:
    from federation.core.idnumber import Sex
    from registry.demo import HAN_GIVEN, HAN_SURNAMES

    return rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN[(Sex.FEMALE, 1)])


def make_users(county, townships, villages_of, rng: random.Random) -> dict[int, object]:
    """Make the administrator, each township's chair and staff and each village's director (the county
    viewer comes last: ``finish_users``); return the directors by village id.

    Each through ``user_create``, without a password (hashing a million-round PBKDF2 540 times would
    take minutes); then every one gets the one hash of the demo's password.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from federation.core.roles import Role
    from federation.core.services import user_create
    from registry.demo import DEMO_PASSWORD

    made = [
        user_create(
            username="admin", password=None, full_name="系统管理员", role=Role.ADMINISTRATOR, unit=county
        )
    ]
    directors = {}
    for t, township in enumerate(townships, start=1):
        for username, role in (
            (f"chair{t:02d}", Role.TOWNSHIP_CHAIR),
            (f"staff{t:02d}", Role.TOWNSHIP_STAFF),
        ):
            made.append(
                user_create(
                    username=username, password=None, full_name=person_name(rng), role=role, unit=township
                )
            )
        for v, village in enumerate(villages_of[township.pk], start=1):
            directors[village.pk] = user_create(
                username=f"cun{t:02d}{v:02d}",
                password=None,
                full_name=person_name(rng),
                role=Role.VILLAGE_DIRECTOR,
                unit=village,
            )
            made.append(directors[village.pk])
    get_user_model().objects.filter(pk__in=[u.pk for u in made]).update(password=make_password(DEMO_PASSWORD))
    return directors


def finish_users(county) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from federation.core.roles import Role
    from federation.core.services import user_create
    from registry.demo import DEMO_PASSWORD

    user = user_create(
        username="county", password=None, full_name="县妇联查看员", role=Role.COUNTY_VIEWER, unit=county
    )
    get_user_model().objects.filter(pk=user.pk).update(password=make_password(DEMO_PASSWORD))


# -- what it holds -----------------------------------------------------------------------------------------


def report_counts() -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from federation.core.models import Township, Village, VillageGroup
    from loans.models import LoanApplication, Transition
    from outreach.models import Petition, Screening, Visit, VolunteerActivity, VolunteerMember, VolunteerTeam
    from registry.demo import DEMO_PASSWORD
    from registry.models import Household, HouseholdIncome, Person

    def count(model) -> int:
        return getattr(model, "all_objects", model._default_manager).count()

    history = sum(
        m._default_manager.count() for m in apps.get_models() if m.__name__.startswith("Historical")
    )
    registers = {m.__name__: count(m) for m in person_registers()}
    print("== the county")
    lines = [
        ("townships", count(Township)),
        ("villages", count(Village)),
        ("village groups", count(VillageGroup)),
        ("households", count(Household)),
        ("household incomes", count(HouseholdIncome)),
        ("persons", count(Person)),
        ("history rows (every historical table)", history),
        ("  of them persons'", Person.history.model.objects.count()),
        ("register entries", sum(registers.values())),
        *((f"  {name}", n) for name, n in registers.items()),
        ("visits", count(Visit)),
        ("screenings", count(Screening)),
        ("petitions", count(Petition)),
        (
            "volunteer teams / members / activities",
            f"{count(VolunteerTeam)} / {count(VolunteerMember)} / {count(VolunteerActivity)}",
        ),
        ("loans (signed through loans.services)", count(LoanApplication)),
        ("  their transitions", count(Transition)),
        ("log-ins", get_user_model().objects.count()),
    ]
    for label, value in lines:
        print(f"   {label:<42} {value:>12,}" if isinstance(value, int) else f"   {label:<42} {value:>12}")
    print(
        f"   log-ins: admin, county, chairNN and staffNN (township NN), cunNNMM (village MM of township NN); "
        f"password {DEMO_PASSWORD}"
    )


# -- checks ------------------------------------------------------------------------------------------------


def check(sample: int = 200) -> None:
    """Check the county's rows with the ORM: households, ID numbers, history, ``full_clean()`` of samples."""
    from django.core.exceptions import ValidationError
    from django.db.models import Exists, F, Max, Min, OuterRef

    from federation.core.idnumber import parse_id_number
    from loans.models import Guarantor, LoanApplication
    from outreach.models import (
        Petition,
        RegisterReport,
        Screening,
        Visit,
        VolunteerActivity,
        VolunteerMember,
        VolunteerTeam,
    )
    from registry.models import (
        Household,
        HouseholdIncome,
        LeftBehindWoman,
        Person,
        PoorWoman,
        VillageDirector,
        WomensHome,
    )

    failures = 0

    def report(label: str, bad: int, of: int) -> None:
        nonlocal failures
        failures += bad
        print(f"   {'ok  ' if not bad else 'FAIL'} {label}: {bad:,} bad of {of:,}", flush=True)

    print("== checks")
    persons = Person.all_objects
    with phase("check: households"):
        report(
            "persons whose household is in another village",
            persons.exclude(household=None).exclude(household__village_id=F("village_id")).count(),
            persons.count(),
        )
        from outreach.models import Visit

        for model in (*person_registers(), Visit):
            report(
                f"{model.__name__} rows whose village is not their person's",
                model.all_objects.exclude(person__village_id=F("village_id")).count(),
                model.all_objects.count(),
            )
        report(
            "households whose group is in another village",
            Household.all_objects.exclude(group__village_id=F("village_id")).count(),
            Household.all_objects.count(),
        )
    with phase("check: ID numbers"):
        bad = total = 0
        seen: set[str] = set()
        for number, birth, sex in (
            persons.exclude(id_number=None)
            .values_list("id_number", "birth_date", "sex")
            .iterator(chunk_size=20_000)
        ):
            total += 1
            try:
                parsed = parse_id_number(number)
            except ValidationError:
                bad += 1
                continue
            bad += (
                parsed.number != number or parsed.birth_date != birth or parsed.sex != sex or number in seen
            )
            seen.add(number)
        report("ID numbers invalid, duplicated, or not matching birth date and sex", bad, total)
    with phase("check: history"):
        for model in (Person, Household, HouseholdIncome, LeftBehindWoman, PoorWoman, Visit, Screening):
            created = model.history.model.objects.filter(id=OuterRef("pk"), history_type="+")
            report(
                f"{model.__name__} rows without a + history row",
                model.all_objects.exclude(Exists(created)).count(),
                model.all_objects.count(),
            )
    models = (
        *person_registers(), VillageDirector, WomensHome,
        Visit, Screening, Petition, VolunteerTeam, VolunteerMember, VolunteerActivity, RegisterReport,
        LoanApplication, Guarantor, Household, HouseholdIncome, Person,
    )  # fmt: skip
    rng = random.Random(13)
    with phase("check: full_clean() of samples"):
        for model in models:
            bounds = model.all_objects.aggregate(low=Min("id"), high=Max("id"))
            if bounds["low"] is None:
                report(f"{model.__name__}: none to check", 1, 0)
                continue
            ids = range(bounds["low"], bounds["high"] + 1)
            rows = list(model.all_objects.filter(pk__in=rng.sample(ids, min(sample * 2, len(ids))))[:sample])
            bad = 0
            for row in rows:
                try:
                    row.full_clean()
                except ValidationError as exc:
                    bad += 1
                    if bad <= 3:
                        print(f"        {model.__name__} {row.pk}: {exc.message_dict}")
            report(f"{model.__name__}.full_clean() on a sample", bad, len(rows))
    with phase("check: loan signatures"):
        from loans.signing import find_mismatches

        applications = LoanApplication.all_objects.prefetch_related("transitions", "guarantors")
        report(
            "loans whose signatures do not match (loans.signing.find_mismatches)",
            len(find_mismatches(applications)),
            applications.count(),
        )
    print(f"== checks: {'all passed' if not failures else f'{failures:,} failures'}")


# -- the home pages ----------------------------------------------------------------------------------------


def time_home(timeout_s: int = 120) -> None:
    """Time the home page of the county viewer, a township chair, a township staff and a director.

    With Django's test client, logged in by ``force_login``; twice each (the first warms the caches).
    On PostgreSQL every statement is bounded by ``timeout_s`` seconds (this session's setting), so a
    page whose query would run for minutes reports its error instead of holding the run.
    """
    import logging

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    def bound(sender, connection, **kwargs) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = '{timeout_s}s'")

    connection_created.connect(bound)
    connection.close()
    # No collectstatic here: plain static URLs, as the tests have them.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(ALLOWED_HOSTS=["*"], STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    print(f"== home pages (STATEMENT_TIMEOUT setting: {getattr(settings, 'STATEMENT_TIMEOUT', 'none')})")
    users = get_user_model().objects
    for username in ("cun0101", "staff01", "chair01", "county"):
        user = users.get(username=username)
        client = Client()
        client.force_login(user)
        for run in ("first", "again"):
            started = time.perf_counter()
            try:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get("/")
                status, size = response.status_code, len(response.content)
                slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default=None)
                outcome = f"{status}, {size:,} bytes, {len(queries)} queries"
                if slowest is not None:
                    outcome += f"; slowest {float(slowest['time']) * 1000:,.0f} ms: {slowest['sql'][:90]}…"
                if b"timeout" in response.content.lower() or "超时" in response.content.decode(
                    errors="ignore"
                ):
                    outcome += " (the page names a timeout)"
            except Exception as exc:  # noqa: BLE001 - a bench reports what happened and goes on
                outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
                response = None
            print(f"   {username:<8} ({user.membership.get_role_display()}) {run}: "
                  f"{(time.perf_counter() - started) * 1000:,.0f} ms — {outcome}", flush=True)  # fmt: skip
            if response is None:
                break  # a page that failed once (the statement timeout) is not asked again


if __name__ == "__main__":
    main()
