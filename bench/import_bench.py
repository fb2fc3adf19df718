"""Benchmark of the women's ledger import (issue 7, item 7). Not a test: it prints figures and targets.

How to run it (PostgreSQL; about a minute on two cores)::

    .venv/bin/python bench/import_bench.py            # BENCH_IMPORT_DATABASE_URL to use another server
    .venv/bin/python bench/import_bench.py --rows 2000 --profile   # cProfile of the fresh import

It creates its own database ``federation_import_bench`` on the server of ``BENCH_IMPORT_DATABASE_URL``
(default ``postgres://root@127.0.0.1:5432/federation_import_bench``; the role needs CREATEDB),
migrates it and makes one village (8 groups, 1组 … 8组) with its director. It writes a realistic
residents' roster (居民花名册, the women's ledger's import) with openpyxl: 10,000 persons in 3,000
households of 3 or 4 (户主, 配偶, 子女, a few 父母), valid ID numbers, 村组 and 户号 on every row,
birth dates as Excel dates and one in ten typed as text (1985-3-18, 1985/03/18, 1985年3月18日),
one child in a hundred without an ID number.

Then each case in a fresh Python process (wall time, the process's CPU time and its peak resident
memory ``ru_maxrss``; "baseline" is the resident memory after start-up, before the case's work):

(1) ``fresh``: ``PersonImporter(village, user=director).import_file(path)`` into the empty village
    (the code the web upload and ``manage.py import_ledger persons`` run, every check included):
    creates the 3,000 households from 户号 + 村组 and the 10,000 persons, each with its history row;
(2) ``again``: the same file again: all 10,000 unchanged, nothing written;
(3) ``dry_run``: the preview of the same file into the empty village (all 10,000 would be created);
(1r) ``fresh_run``: as (1), the file read (``importer.read``) before the clock starts: parsing every
    cell, the checks and the writes only, to set beside (4a);
(4) the baseline, the same rows without any check and without history:
    ``bulk_parsed``: ``Household.objects.bulk_create`` + ``Person.objects.bulk_create`` of rows
    already read into a list (the time of building the objects and inserting them only);
    ``bulk_file``: reading the same file with openpyxl read-only, then the same bulk_create.

Targets (issue 7): (1) under 20 s, and (1) at most 3 × the time of bulk_create of the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import common  # bench/ is on the path when a bench script runs
from common import measured, migrated_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://root@127.0.0.1:5432/federation_import_bench"
VILLAGE_CODE = "519800101201"
GROUPS = 8
HEADER = ("序号", "村组", "户号", "姓名", "与户主关系", "性别", "出生日期", "身份证号", "民族", "联系电话",
          "婚姻状况", "文化程度", "就业状况", "务工地点")  # fmt: skip


def setup_django() -> None:
    common.setup_django(database_url())


def database_url() -> str:
    return os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL)


# -- the village and the file ----------------------------------------------------------------------


def seed() -> None:
    """Make the bench village (8 groups) and its director once."""
    from django.db import transaction

    from federation.core.models import County, Township, Village, VillageGroup
    from federation.core.roles import Role
    from federation.core.services import user_create

    if Village.objects.filter(code=VILLAGE_CODE).exists():
        return
    with transaction.atomic():
        county = County.objects.create(name="导入测试县", code=VILLAGE_CODE[:6])
        township = Township.objects.create(county=county, name="导入测试乡", code=VILLAGE_CODE[:9] + "000")
        village = Village.objects.create(township=township, name="导入测试村", code=VILLAGE_CODE)
        for n in range(1, GROUPS + 1):
            VillageGroup.objects.create(village=village, number=n)
        user_create(
            username="import_bench",
            password="Fulian@2026-bench",
            full_name="导入测试",
            role=Role.VILLAGE_DIRECTOR,
            unit=village,
        )
    print("== made the bench village")


def write_roster(path: Path, rows: int, seed_value: int = 7) -> int:
    """Write a roster of ``rows`` persons (households of 3 or 4); return the number of households."""
    import openpyxl

    from federation.core.idnumber import make_id_number

    rng = random.Random(seed_value)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    given_f = "秀英桂兰玉凤华芳丽红梅霞娟琴燕敏静婷慧莉萍雪娜丹颖洁艳春花"
    given_m = "建国明军伟强勇杰涛斌磊超波辉刚平峰林鹏飞华东志宏海龙文"
    sequences: dict[tuple[dt.date, str], int] = {}

    def id_number(birth: dt.date, sex: str) -> str:
        seq = sequences.get((birth, sex), 1 if sex == "M" else 2)
        sequences[(birth, sex)] = seq + 2
        return make_id_number("510122", birth, seq)

    def birth(first: int, last: int) -> dt.date:
        return dt.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))

    def date_cell(day: dt.date):
        kind = rng.random()
        if kind < 0.9:
            return day
        if kind < 0.94:
            return f"{day.year}-{day.month}-{day.day}"
        if kind < 0.97:
            return f"{day.year}/{day.month:02d}/{day.day:02d}"
        return f"{day.year}年{day.month}月{day.day}日"

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "居民花名册"
    ws.append(["导入测试村居民花名册"])
    ws.append(["填报单位：导入测试乡导入测试村"])
    ws.append(list(HEADER))
    number = households = 0
    while number < rows:
        households += 1
        size = min(rng.choice((3, 3, 4)), rows - number)
        surname = rng.choice(surnames)
        place = f"{rng.randint(1, GROUPS)}组"
        household = f"{households:04d}"
        members: list[tuple] = []
        if rng.random() < 0.9:
            husband = birth(1950, 1990)
            wife = husband + dt.timedelta(days=rng.randint(0, 1500))
            away = rng.random() < 0.4
            work = rng.choice(("省外 广东东莞", "省外 浙江义乌", "县外省内 成都")) if away else "在家"
            members.append(("户主", surname + rng.choice(given_m) + rng.choice(given_m), "M", husband,
                            "已婚", "初中", "外出务工" if away else "务农", work))  # fmt: skip
            members.append(("配偶", rng.choice(surnames) + rng.choice(given_f) + rng.choice(given_f), "F",
                            wife, "已婚", rng.choice(("小学", "初中", "高中")), "务农", "在家"))  # fmt: skip
            parent_of = wife
        else:
            woman = birth(1950, 1985)
            members.append(("户主", rng.choice(surnames) + rng.choice(given_f) + rng.choice(given_f), "F",
                            woman, "丧偶", "小学", "务农", "在家"))  # fmt: skip
            members.append(("父母", rng.choice(surnames) + rng.choice(given_f) + "婆", "F",
                            woman - dt.timedelta(days=rng.randint(7000, 10000)), "丧偶", "文盲或半文盲",
                            "务农", "在家"))  # fmt: skip
            parent_of = woman
        used = {m[1] for m in members}
        while len(members) < size:
            child = parent_of + dt.timedelta(days=rng.randint(7000, 12000))
            child = min(child, dt.date(2024, 12, 28))
            sex = rng.choice("MF")
            name = surname + rng.choice(given_m if sex == "M" else given_f) + rng.choice(given_m + given_f)
            if name in used:
                continue
            used.add(name)
            members.append(("子女", name, sex, child, "未婚", "小学" if child.year > 2012 else "初中",
                            "在校学生" if child.year > 2005 else "外出务工", "在家"))  # fmt: skip
        for relation, name, sex, day, marital, education, employment, work in members[:size]:
            number += 1
            no_id = relation == "子女" and rng.random() < 0.03
            ws.append([
                number, place, household, name, relation,
                "女" if sex == "F" else "男" if (no_id or rng.random() < 0.7) else None,
                date_cell(day) if (no_id or rng.random() < 0.8) else None,
                None if no_id else id_number(day, sex),
                "汉族" if rng.random() < 0.9 else "彝族",
                f"13{rng.randint(100000000, 999999999)}" if relation != "子女" else None,
                marital, education, employment, work,
            ])  # fmt: skip
            cell = ws.cell(number + 3, 7)  # 出生日期 of this row (3 rows above the data)
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.append([f"合计：{number} 人"])
    ws.append(["审核人：", None, None, "制表人："])
    wb.save(path)
    return households


# -- the cases -------------------------------------------------------------------------------------


def _village():
    from federation.core.models import Village

    return Village.objects.select_related("township__county").get(code=VILLAGE_CODE)


def clear() -> None:
    """Remove every household and person of the bench village, and their history."""
    from django.db import transaction

    from registry.models import Household, Person

    village = _village()
    with transaction.atomic():
        Person.history.model.objects.filter(village_id=village.pk).delete()
        Household.history.model.objects.filter(village_id=village.pk).delete()
        Person.all_objects.filter(village=village).update(household=None)
        Person.all_objects.filter(village=village)._raw_delete("default")
        Household.all_objects.filter(village=village)._raw_delete("default")


def _counts() -> dict:
    from registry.models import Household, Person

    village = _village()
    mine = {"village_id": village.pk, "history_user__username": "import_bench", "history_type": "+"}
    return {
        "persons": Person.objects.filter(village=village).count(),
        "households": Household.objects.filter(village=village).count(),
        "history": Person.history.model.objects.filter(village_id=village.pk).count()
        + Household.history.model.objects.filter(village_id=village.pk).count(),
        "history_mine": Person.history.model.objects.filter(**mine).count()
        + Household.history.model.objects.filter(**mine).count(),
    }


def case_import(
    path: Path, *, dry_run: bool = False, profile: Path | None = None, read_first: bool = False
) -> dict:
    from django.contrib.auth import get_user_model

    from registry.imports.persons import PersonImporter

    village = _village()
    user = get_user_model().objects.get(username="import_bench")
    importer = PersonImporter(village, user=user)
    table = importer.read(path) if read_first else None
    started = time.perf_counter()
    if table is not None:
        result = importer.run(table)
    elif profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(importer.import_file, path, dry_run=dry_run)
        profiler.dump_stats(profile)
    else:
        result = importer.import_file(path, dry_run=dry_run)
    seconds = time.perf_counter() - started
    assert result.ok, [str(e) for e in result.errors[:10]]
    return {
        "seconds": seconds,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "written": result.written,
        **_counts(),
    }


_RELATIONS = {"户主": "head", "配偶": "spouse", "子女": "child", "父母": "parent", "其他": "other"}
_SEX = {"女": "F", "男": "M"}
_MARITAL = {"未婚": "single", "已婚": "married", "离异": "divorced", "丧偶": "widowed"}
_EDUCATION = {"文盲或半文盲": "none", "小学": "primary", "初中": "junior", "高中": "senior"}
_EMPLOYMENT = {"务农": "farming", "外出务工": "migrant", "在校学生": "student", "未就业": "unemployed"}
_WORK = {"在家": "", "县内": "in_county", "县外省内": "out_county", "省外": "out_province"}


def read_rows(path: Path) -> list[tuple]:
    """Read the roster's data rows with openpyxl read-only, as they are (no checks)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = [row for row in ws.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]
    wb.close()
    return rows


def bulk_create(rows: list[tuple]) -> None:
    """Create the rows' households and persons with bulk_create: no checks, no history."""
    from federation.core.idnumber import parse_id_number
    from federation.ledgers.imports.cells import parse_date
    from registry.models import Household, Person

    village = _village()
    groups = {g.number: g for g in village.groups.all()}
    households: dict[str, Household] = {}
    for row in rows:
        if row[2] not in households:
            households[row[2]] = Household(village=village, group=groups[int(row[1][:-1])], number=row[2])
    Household.objects.bulk_create(households.values(), batch_size=2000)
    persons = []
    for _n, _place, household, name, relation, sex, birth, number, ethnicity, phone, *rest in rows:
        marital, education, employment, work = rest
        place, _, detail = (work or "").partition(" ")
        if isinstance(birth, dt.datetime):
            birth = birth.date()
        elif isinstance(birth, str):
            birth = parse_date(birth)[0]
        if number and (birth is None or sex is None):
            parsed = parse_id_number(number)
            birth, sex = birth or parsed.birth_date, sex or ("女" if parsed.sex == "F" else "男")
        persons.append(
            Person(
                village=village,
                household=households[household],
                relation=_RELATIONS[relation],
                name=name,
                id_number=number,
                id_last4=(number or "")[-4:],
                sex=_SEX[sex],
                birth_date=birth,
                ethnicity=ethnicity,
                phone=phone or "",
                marital_status=_MARITAL[marital],
                education=_EDUCATION[education],
                employment=_EMPLOYMENT[employment],
                work_place=_WORK[place],
                work_place_detail=detail,
            )
        )
    Person.objects.bulk_create(persons, batch_size=2000)


def case_bulk(path: Path, *, from_file: bool) -> dict:
    from django.db import transaction

    rows = None if from_file else read_rows(path)
    started = time.perf_counter()
    with transaction.atomic():
        if from_file:
            rows = read_rows(path)
        bulk_create(rows)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(rows), "created": len(rows), **_counts()}


def run_case(name: str, path: Path, profile: Path | None) -> None:
    """Run one case in this process and print its figures as one JSON line."""
    setup_django()
    import openpyxl  # noqa: F401

    from registry.imports import persons  # noqa: F401

    _village()  # connect before measuring
    cases = {
        "fresh": lambda: case_import(path, profile=profile),
        "fresh_run": lambda: case_import(path, read_first=True),
        "again": lambda: case_import(path),
        "dry_run": lambda: case_import(path, dry_run=True),
        "bulk_parsed": lambda: case_bulk(path, from_file=False),
        "bulk_file": lambda: case_bulk(path, from_file=True),
        "clear": lambda: clear() or {"seconds": 0.0, "rows": 0},
    }
    if name not in cases:
        raise SystemExit(f"unknown case {name}")
    measured(name, cases[name])


# (case, label, clear the village first)
CASES = [
    ("dry_run", "(3) ours, dry run (preview)", True),
    ("fresh", "(1) ours, fresh file (all created)", True),
    ("again", "(2) ours, same file again (unchanged)", False),
    ("fresh_run", "(1r) as (1), the file already read", True),
    ("bulk_parsed", "(4a) bulk_create, rows already read", True),
    ("bulk_file", "(4b) openpyxl read-only + bulk_create", True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the roster (10,000)")
    parser.add_argument("--profile", action="store_true", help="only (1), under cProfile; print the top")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case, Path(args.file), Path(args.profile_out) if args.profile_out else None)
        return
    env = migrated_database(database_url())
    python = sys.executable
    setup_django()
    seed()
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"roster_{args.rows}.xlsx"
    started = time.perf_counter()
    households = write_roster(path, args.rows)
    print(
        f"== wrote {path.relative_to(ROOT)}: {args.rows:,} persons in {households:,} households, "
        f"{path.stat().st_size / 1e6:.1f} MB, in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    def run(name: str) -> dict:
        command = [python, __file__, "--case", name, "--file", str(path)]
        if args.profile:
            command += ["--profile-out", str(folder / "import.prof")]
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"case {name} failed:\n{done.stdout}\n{done.stderr}")
        line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        return json.loads(line[len("RESULT ") :])

    if args.profile:
        run("clear")
        result = run("fresh")
        run("clear")
        print(f"(1) under cProfile: {result['seconds']:.2f} s for {result['rows']:,} rows")
        import pstats

        pstats.Stats(str(folder / "import.prof")).sort_stats("cumulative").print_stats(40)
        pstats.Stats(str(folder / "import.prof")).sort_stats("tottime").print_stats(25)
        return
    results = {}
    for name, label, fresh in CASES:
        if fresh:
            run("clear")
        result = run(name)
        results[name] = result
        counts = (
            f"created {result.get('created', 0):>6,} updated {result.get('updated', 0):>3,} "
            f"unchanged {result.get('unchanged', 0):>6,}"
        )
        print(
            f"{label:40s} {result['seconds']:6.2f} s (CPU {result['cpu']:6.2f} s)  {counts}  "
            f"peak {result['peak_mb']:6.1f} MB (baseline {result['baseline_mb']:.1f} MB)",
            flush=True,
        )
        if name == "fresh":
            print(
                f"{'':40s} in the database: {result['persons']:,} persons, {result['households']:,} "
                f"households, {result['history']:,} history rows ({result['history_mine']:,} “+” by the "
                "importing user)",
                flush=True,
            )
    run("clear")
    one, bulk, bulk_file, run_only = (results[k] for k in ("fresh", "bulk_parsed", "bulk_file", "fresh_run"))
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    print(f"(1)/(4a) time = {one['seconds'] / bulk['seconds']:.2f}  (bulk_create of rows already read)")
    print(f"(1)/(4b) time = {one['seconds'] / bulk_file['seconds']:.2f}  (openpyxl read-only + bulk_create)")
    print(
        f"(1r)/(4a) time = {run_only['seconds'] / bulk['seconds']:.2f}  (both on rows already read; "
        f"(1r) parses and checks every cell, writes history)"
    )
    print(f"(1) peak memory = {one['peak_mb']:.1f} MB (grew {one['peak_mb'] - one['baseline_mb']:.1f} MB)")
    checks = [
        (f"(1) fresh import {one['seconds']:.1f} s  (target < 20 s)", one["seconds"] < 20),
        (
            f"(1)/(4b) = {one['seconds'] / bulk_file['seconds']:.2f}  (target ≤ 3, file read and written)",
            one["seconds"] <= 3 * bulk_file["seconds"],
        ),
        (
            f"(1)/(4a) = {one['seconds'] / bulk['seconds']:.2f}  (target ≤ 3 against the insert alone)",
            one["seconds"] <= 3 * bulk["seconds"],
        ),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {text}")


if __name__ == "__main__":
    main()
