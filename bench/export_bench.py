"""Benchmark of the women's ledger export (issue 6). Not a test: it prints figures and targets.

How to run it (PostgreSQL; about 5 minutes on two cores, the first run longer while it fills)::

    .venv/bin/pip install -e ".[dev,bench]"          # xlsxwriter and django-import-export
    .venv/bin/python bench/export_bench.py          # BENCH_DATABASE_URL to use another server
    .venv/bin/python bench/export_bench.py --rebuild   # refill the data

It creates its own database ``federation_bench`` on the server of ``BENCH_DATABASE_URL`` (default
``postgres://root@127.0.0.1:5432/federation_bench``; the role needs CREATEDB), migrates it and
fills it once with one county of 100,000 women (5 townships, 100 villages of 1,000 women each;
with husbands, children and households: about 250,000 persons), kept for the next run.

Then, on the same rows, each case in a fresh Python process (so one case's memory is not
another's), measuring wall time, the process's CPU time and its peak resident memory (``ru_maxrss``: the
whole process, Python, Django, libraries and C allocations alike; "baseline" is the resident
memory after start-up, before the case's work):

(a) ``ours``: the women's ledger to .xlsx through the code the web uses
    (``services.export_record_create`` + ``export_run``: scoped selector, chunked reads,
    openpyxl write-only builder), for the county (100,000 rows) and one township (10,000 rows);
(b) ``xlsxwriter``: xlsxwriter in constant-memory mode writing the same rows (the same values,
    borders and layout) from a list in memory: the pure-Python writing limit. Its time is the
    writing only; its memory and CPU time include building the list;
(c) ``import_export``: django-import-export exporting the same rows to .xlsx with a ``Resource``
    (what a Django developer would reach for);
(d) ``copy``: ``COPY (SELECT the same columns) TO STDOUT``: the reading limit;
(e) ``pdf``: the ledger of one village, 1,000 rows, to PDF through the same code.

Targets (issue 6): (a) at most 1.3 × (b); (a) peak memory under 150 MB and growing less than
20 MB from 10,000 to 100,000 rows; (e) under 10 s and 500 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # bench/ is on the path when a bench script runs
from common import measured, migrated_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://root@127.0.0.1:5432/federation_bench"
COUNTY_CODE = "519900"
YEAR = 2014
TOWNSHIPS = [10, 20, 20, 25, 25]  # villages per township: the first township has 10,000 women
WOMEN_PER_VILLAGE = 1000


def setup_django() -> None:
    common.setup_django(database_url())


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


# -- the database ----------------------------------------------------------------------------------


def seed(rebuild: bool) -> None:
    """Fill the bench database once: one county, 100,000 women with their families."""
    from django.db import transaction

    from federation.core.idnumber import make_id_number
    from federation.core.models import County, Township, Village, VillageGroup
    from registry.models import Household, Person

    county = County.objects.filter(code=COUNTY_CODE).first()
    if county is not None and not rebuild:
        women = Person.objects.filter(
            village__township__county=county, sex="F", relation__in=["head", "spouse"]
        )
        if women.count() == sum(TOWNSHIPS) * WOMEN_PER_VILLAGE:
            print("== data already there (use --rebuild to refill)")
            return
    started = time.perf_counter()
    with transaction.atomic():
        if county is not None:
            Person.all_objects.filter(village__township__county=county).update(household=None)
            Person.all_objects.filter(village__township__county=county).delete()
            Household.all_objects.filter(village__township__county=county).delete()
            VillageGroup.objects.filter(village__township__county=county).delete()
            Village.objects.filter(township__county=county).delete()
            Township.objects.filter(county=county).delete()
            county.delete()
        rng = random.Random(6)
        surnames = (
            "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
            "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕"
            "聂柴焦向柳邢骆岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司"
            "柏宁柯阮桂闵欧阳解强丛华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来嵺苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商"
            "蒙计喻揭窦迟宇敖糜鄢冷卓花艾蓝都巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银扬明沙薄伏岑习胥保和蔺"
        )
        given_f = "秀英桂兰玉凤华芳丽红梅霞娟琴燕敏静婷慧莉萍雪娜丹颖洁艳春花"
        given_m = "建国明军伟强勇杰涛斌磊超波辉刚平峰林鹏飞华东志宏海龙文"
        county = County.objects.create(name="测试县", code=COUNTY_CODE)
        village_index = 0
        for t_index, village_count in enumerate(TOWNSHIPS, 1):
            township = Township.objects.create(
                county=county, name=f"第{t_index}乡", code=f"{COUNTY_CODE}{t_index:03d}000"
            )
            for v in range(1, village_count + 1):
                village_index += 1
                village = Village.objects.create(
                    township=township, name=f"第{village_index}村", code=f"{COUNTY_CODE}{t_index:03d}{v:03d}"
                )
                groups = [VillageGroup.objects.create(village=village, number=n) for n in range(1, 6)]
                region = f"51{village_index:04d}"
                sequences: dict[tuple[dt.date, str], int] = {}

                def number(
                    birth: dt.date, sex: str, region: str = region, sequences: dict = sequences
                ) -> str:
                    """Return a unique valid ID number: odd sequences for men, even for women."""
                    seq = sequences.get((birth, sex), 1 if sex == "M" else 0)
                    sequences[(birth, sex)] = seq + 2
                    return make_id_number(region, birth, seq)

                households = [
                    Household(
                        village=village, group=groups[i % 5], number=f"{i + 1:04d}", address=village.name
                    )
                    for i in range(WOMEN_PER_VILLAGE)
                ]
                for household in households:
                    household.fill_derived()  # as save() would
                households = Household.objects.bulk_create(households)
                persons = []
                for household in households:
                    surname = rng.choice(surnames)
                    married = rng.random() < 0.6
                    woman_birth = dt.date(rng.randint(1950, 1994), rng.randint(1, 12), rng.randint(1, 28))
                    persons.append(
                        Person(
                            village=village,
                            household=household,
                            relation="spouse" if married else "head",
                            name=rng.choice(surnames) + rng.choice(given_f) + rng.choice(given_f),
                            sex="F",
                            birth_date=woman_birth,
                            marital_status="married"
                            if married
                            else rng.choice(["single", "widowed", "divorced"]),
                        )
                    )
                    if married:
                        away = rng.random() < 0.5
                        persons.append(
                            Person(
                                village=village,
                                household=household,
                                relation="head",
                                name=surname + rng.choice(given_m) + rng.choice(given_m),
                                sex="M",
                                birth_date=woman_birth - dt.timedelta(days=rng.randint(0, 2000)),
                                marital_status="married",
                                work_place=rng.choice(["out_province", "out_county"]) if away else "",
                                work_place_detail=rng.choice(["广东东莞", "浙江义乌", "成都"])
                                if away
                                else "",
                                away_since=dt.date(2012, 5, 1) if away else None,
                            )
                        )
                    for _ in range(rng.choice([0, 0, 1, 1, 2])):
                        child_birth = dt.date(rng.randint(2000, 2013), rng.randint(1, 12), rng.randint(1, 28))
                        persons.append(
                            Person(
                                village=village,
                                household=household,
                                relation="child",
                                name=surname + rng.choice(given_m + given_f),
                                sex=rng.choice("MF"),
                                birth_date=child_birth,
                            )
                        )
                for person in persons:
                    person.id_number = number(person.birth_date, person.sex)
                    person.fill_derived()  # as save() would: its last 4, its household's keys
                Person.objects.bulk_create(persons, batch_size=5000)
            print(f"   {township.name}: {village_count} villages", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"== filled in {time.perf_counter() - started:.0f} s")


# -- the cases -------------------------------------------------------------------------------------


def _actor(scope: str):
    from federation.core.actors import SystemActor
    from federation.core.models import County, Township, Village

    if scope == "county":
        return SystemActor(County.objects.get(code=COUNTY_CODE))
    if scope == "township":
        return SystemActor(Township.objects.get(code=f"{COUNTY_CODE}001000"))
    return SystemActor(Village.objects.select_related("township").get(code=f"{COUNTY_CODE}001001"))


def _rows(scope: str) -> list[list]:
    """Return the ledger's rows as Excel values, exactly as (a) writes them (序号 first)."""
    from federation.ledgers.exports import get_ledger
    from federation.ledgers.exports.cells import excel_value
    from federation.ledgers.exports.context import ExportContext, ExportFilters

    ledger = get_ledger("women")
    actor = _actor(scope)
    filters = ExportFilters(year=YEAR)
    ctx = ExportContext.build(user=actor, filters=filters)
    kinds = [c.kind for c in ledger.layout.leaves]
    ids = [i for i, c in enumerate(ledger.layout.leaves) if c.kind == "id_number"]
    rows = []
    for number, values in enumerate(ledger.iter_rows(ledger.records(actor, filters), ctx), 1):
        values = list(values)
        for i in ids:
            values[i] = ctx.id_number(values[i])
        rows.append([number, *(excel_value(v, k) for v, k in zip(values, kinds, strict=True))])
    return rows


def case_ours(scope: str, out: Path, fmt: str = "xlsx") -> dict:
    from federation.ledgers.exports import get_ledger
    from federation.ledgers.exports.context import ExportFilters
    from federation.ledgers.exports.services import export_record_create, export_run

    ledger = get_ledger("women")
    actor = _actor(scope)
    started = time.perf_counter()
    record = export_record_create(ledger=ledger, user=actor, fmt=fmt, filters=ExportFilters(year=YEAR))
    record = export_run(record=record, ledger=ledger, user=actor, path=out)
    seconds = time.perf_counter() - started
    assert record.status == "done", record.error
    return {"seconds": seconds, "rows": record.rows_done, "bytes": out.stat().st_size}


def case_xlsxwriter(out: Path) -> dict:
    import xlsxwriter

    from federation.ledgers.exports import get_ledger
    from federation.ledgers.exports.definitions import ColumnGroup

    rows = _rows("county")
    table = get_ledger("women").layout
    columns = table.leaves
    started = time.perf_counter()
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("妇女基本信息台账")
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    title = wb.add_format({"font_name": "宋体", "font_size": 16, "bold": True, "align": "center"})
    head = wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"})
    formats = [wb.add_format({**base, "align": "center", "num_format": "0"})]
    for c in columns:
        formats.append(
            wb.add_format(
                {**base, "align": c.align, "text_wrap": c.wrap, "num_format": c.excel_number_format}
            )
        )
    ncols = len(columns) + 1
    ws.set_column(0, 0, table.number_width)
    for i, c in enumerate(columns, 1):
        ws.set_column(i, i, c.excel_width)
    ws.freeze_panes(4, 0)
    ws.repeat_rows(2, 3)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页 共 &N 页")
    ws.merge_range(0, 0, 0, ncols - 1, "测试县妇女基本信息台账（2014年度）", title)
    ws.write_string(1, 0, "填报单位：测试县")
    ws.merge_range(2, 0, 3, 0, "序号", head)
    col = 1
    for item in table.columns:
        if isinstance(item, ColumnGroup):
            ws.merge_range(2, col, 2, col + len(item.columns) - 1, str(item.header), head)
            for i, c in enumerate(item.columns):
                ws.write_string(3, col + i, str(c.header), head)
            col += len(item.columns)
        else:
            ws.merge_range(2, col, 3, col, str(item.header), head)
            col += 1
    r = 4
    for row in rows:
        for c, value in enumerate(row):
            if value is None:
                ws.write_blank(r, c, None, formats[c])
            elif isinstance(value, str):
                ws.write_string(r, c, value, formats[c])
            else:
                ws.write_number(r, c, value, formats[c])
        r += 1
    ws.write_string(r, 0, f"合计：{len(rows)} 人", head)
    wb.close()
    return {"seconds": time.perf_counter() - started, "rows": len(rows), "bytes": out.stat().st_size}


def case_import_export(out: Path) -> dict:
    from import_export import fields, resources

    from federation.ledgers.exports.context import ExportContext, ExportFilters
    from registry import selectors
    from registry.exports import children_text, women_queryset, work_place_text
    from registry.models import Person

    actor = _actor("county")
    filters = ExportFilters(year=YEAR)
    ctx = ExportContext.build(user=actor, filters=filters)

    class WomenResource(resources.ModelResource):
        place = fields.Field(column_name="村组")
        name = fields.Field(attribute="name", column_name="姓名")
        age = fields.Field(column_name="年龄")
        married = fields.Field(column_name="婚否")
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        husband = fields.Field(column_name="丈夫姓名")
        husband_id = fields.Field(column_name="丈夫身份证号")
        husband_work = fields.Field(column_name="丈夫务工地点")
        children = fields.Field(column_name="子女（姓名、性别、年龄）")

        class Meta:
            model = Person
            chunk_size = 2000  # the default, 100, pages 100,000 rows with 1,000 OFFSET queries
            fields = ("place", "name", "age", "married", "id_number", "husband", "husband_id", "husband_work")
            export_order = fields

        def dehydrate_place(self, woman):
            return ctx.village_group(
                woman.village.name, woman.household.group if woman.household_id else None
            )

        def dehydrate_age(self, woman):
            return woman.age_on(ctx.ages_on)

        def dehydrate_married(self, woman):
            return woman.get_marital_status_display()

        def family(self, woman):
            if not hasattr(woman, "_family"):
                woman._family = selectors.ledger_family(woman)
            return woman._family

        def dehydrate_husband(self, woman):
            husband, _ = self.family(woman)
            return husband.name if husband else ""

        def dehydrate_husband_id(self, woman):
            husband, _ = self.family(woman)
            return ctx.id_number(husband.id_number) if husband else ""

        def dehydrate_husband_work(self, woman):
            husband, _ = self.family(woman)
            return work_place_text(husband)

        def dehydrate_children(self, woman):
            _, children = self.family(woman)
            return children_text(children, ctx.ages_on)

    started = time.perf_counter()
    dataset = WomenResource().export(queryset=women_queryset(actor, filters))
    out.write_bytes(dataset.export("xlsx"))
    return {"seconds": time.perf_counter() - started, "rows": len(dataset), "bytes": out.stat().st_size}


COPY_SQL = """
COPY (
  SELECT v.name || coalesce(nullif(g.name, ''), g.number || '组') AS place,
         w.name,
         date_part('year', age(DATE '{on}', w.birth_date))::int AS age,
         w.marital_status,
         w.id_number,
         h.name, h.id_number, trim(h.work_place || ' ' || h.work_place_detail),
         (SELECT string_agg(c.name || '（' || c.sex || '，'
                 || date_part('year', age(DATE '{on}', c.birth_date))::int || '岁）', '、'
                 ORDER BY c.birth_date)
            FROM registry_person c
           WHERE c.household_id = w.household_id AND c.relation = 'child' AND c.deleted_at IS NULL)
    FROM registry_person w
    JOIN federation_village v ON v.id = w.village_id
    JOIN federation_township t ON t.id = v.township_id
    LEFT JOIN registry_household hh ON hh.id = w.household_id
    LEFT JOIN federation_villagegroup g ON g.id = hh.group_id
    LEFT JOIN LATERAL (
         SELECT m.name, m.id_number, m.work_place, m.work_place_detail FROM registry_person m
          WHERE m.household_id = w.household_id AND m.sex = 'M' AND m.deleted_at IS NULL
            AND m.relation = CASE w.relation WHEN 'head' THEN 'spouse' ELSE 'head' END
          ORDER BY m.birth_date LIMIT 1) h ON w.relation IN ('head', 'spouse')
   WHERE t.county_id = {county} AND w.sex = 'F' AND NOT w.deceased AND w.deleted_at IS NULL
     AND w.birth_date <= DATE '{born_by}'
   ORDER BY v.code, g.number, hh.number, w.id
) TO STDOUT
"""


def case_copy(out: Path) -> dict:
    from django.db import connection

    from federation.core.models import County, year_settings

    settings = year_settings(YEAR)
    on = settings.ages_on
    born_by = on.replace(year=on.year - settings.adult_age)
    sql = COPY_SQL.format(
        on=on.isoformat(), born_by=born_by.isoformat(), county=County.objects.get(code=COUNTY_CODE).pk
    )
    started = time.perf_counter()
    size = rows = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy, out.open("wb") as f:
        for block in copy:
            f.write(block)
            size += len(block)
            rows += bytes(block).count(b"\n")
    return {"seconds": time.perf_counter() - started, "rows": rows, "bytes": size}


def run_case(name: str) -> None:
    """Run one case in this (fresh) process and print its figures as one JSON line."""
    setup_django()
    from federation.ledgers.exports import get_ledger

    get_ledger("women")  # the registry's import, as in a running server
    import openpyxl  # noqa: F401
    import weasyprint  # noqa: F401

    cases = {
        "ours_100k": lambda out: case_ours("county", out),
        "ours_10k": lambda out: case_ours("township", out),
        "xlsxwriter": case_xlsxwriter,
        "import_export": case_import_export,
        "copy": case_copy,
        "pdf_1000": lambda out: case_ours("village", out, fmt="pdf"),
    }
    if name not in cases:
        raise SystemExit(f"unknown case {name}")
    with tempfile.TemporaryDirectory() as folder:
        measured(name, lambda: cases[name](Path(folder) / "out"))


CASES = [
    ("copy", "(d) COPY … TO STDOUT (reading limit)"),
    ("ours_10k", "(a) ours, xlsx, 10,000 rows"),
    ("ours_100k", "(a) ours, xlsx, 100,000 rows"),
    ("xlsxwriter", "(b) xlsxwriter constant_memory"),
    ("import_export", "(c) django-import-export"),
    ("pdf_1000", "(e) ours, PDF, 1,000 rows"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="refill the bench data")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case)
        return
    env = migrated_database(database_url())
    python = sys.executable
    seed_args = [python, __file__, "--seed-only"] + (["--rebuild"] if args.rebuild else [])
    if args.seed_only:
        setup_django()
        seed(args.rebuild)
        return
    subprocess.run(seed_args, check=True, env=env, cwd=ROOT)
    results = {}
    for name, label in CASES:
        done = subprocess.run(
            [python, __file__, "--case", name], check=True, env=env, cwd=ROOT, capture_output=True, text=True
        )
        line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
        result = json.loads(line[len("RESULT ") :])
        results[name] = result
        print(
            f"{label:40s} {result['seconds']:7.2f} s (CPU {result['cpu']:6.2f} s) "
            f"{result['rows']:>7,} rows  "
            f"peak {result['peak_mb']:6.1f} MB (baseline {result['baseline_mb']:.1f} MB)  "
            f"{result['bytes'] / 1e6:6.1f} MB file",
            flush=True,
        )
    a, a10, b, c, d, e = (
        results[k] for k in ("ours_100k", "ours_10k", "xlsxwriter", "import_export", "copy", "pdf_1000")
    )
    growth = a["peak_mb"] - a10["peak_mb"]
    checks = [
        (
            f"(a)/(b) time = {a['seconds'] / b['seconds']:.2f}  (target ≤ 1.30)",
            a["seconds"] <= 1.3 * b["seconds"],
        ),
        (f"(a) peak memory = {a['peak_mb']:.1f} MB  (target < 150 MB)", a["peak_mb"] < 150),
        (f"(a) growth 10k→100k = {growth:.1f} MB  (target < 20 MB)", growth < 20),
        (f"(e) PDF 1,000 rows = {e['seconds']:.1f} s  (target < 10 s)", e["seconds"] < 10),
        (f"(e) PDF peak memory = {e['peak_mb']:.1f} MB  (target < 500 MB)", e["peak_mb"] < 500),
    ]
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    print(f"(a)/(b) CPU time = {a['cpu'] / b['cpu']:.2f} ((a)'s database work is not in it)")
    print(f"(a)/(c) time = {a['seconds'] / c['seconds']:.2f}, memory = {a['peak_mb'] / c['peak_mb']:.2f}")
    print(f"(a)/(d) time = {a['seconds'] / d['seconds']:.1f}  (the writer is the cost, not the reading)")
    for text, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {text}")


if __name__ == "__main__":
    main()
