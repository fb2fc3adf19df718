"""The ledger world and the readers of what the ledgers produce (Excel re-read, PDF text).

``make_ledger_world`` extends the named ``world`` of tests/conftest.py with a row of every register in
each of the three villages: village A's rows carry the hard cases (an ID number ending in X, values
that a spreadsheet would run as formulas, a husband away, children), B's and C's are plain. The
fixture ``ledger_world`` (tests/conftest.py) calls it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import openpyxl
from django.utils import timezone
from openpyxl.worksheet.worksheet import Worksheet

from federation.core.idnumber import check_character
from federation.ledgers.exports import Table, all_ledgers
from registry import models
from tests.helpers.factories import HouseholdFactory, PersonFactory, man_away, member
from tests.helpers.registers import make_record

INJECTIONS = ["=1+2", "+3-1", "-2+5", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def id_ending_in_x(birth: dt.date, sex: str = "F", region: str = "513401") -> str:
    """Return a valid ID number of ``birth`` and ``sex`` whose check character is X."""
    for seq in range(0 if sex == "F" else 1, 1000, 2):
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        if check_character(first17) == "X" and not models.Person.all_objects.filter(
            id_number__startswith=first17
        ):
            return first17 + "X"
    raise AssertionError("no sequence gives X")


def _family(w, key: str) -> None:
    """Give the woman of village ``key`` a husband away and two children, and a register row each."""
    village = getattr(w, f"village_{key}")
    household = getattr(w, f"household_{key}")
    woman = getattr(w, f"woman_{key}")
    upper = key.upper()
    husband = man_away(
        household,
        "spouse",
        f"丈夫{upper}",
        dt.date(1985, 1, 2),
        dt.date(2020, 3, 1),
        work_place_detail="广东东莞",
        marital_status="married",
    )
    girl = member(household, "child", f"女儿{upper}", dt.date(2015, 6, 1))
    boy = member(household, "child", f"儿子{upper}", dt.date(2012, 2, 2), sex="M")
    models.Person.objects.filter(pk=woman.pk).update(marital_status="married", phone="13800000001")
    models.HouseholdIncome.objects.create(
        household=household, year=timezone.localdate().year, per_capita_income=Decimal("1800.50")
    )
    setattr(w, f"husband_{key}", husband)
    setattr(w, f"girl_{key}", girl)
    setattr(w, f"boy_{key}", boy)
    models.LeftBehindChild.objects.create(
        person=girl,
        parents_away="father",
        guardian_name=f"奶奶{upper}",
        guardian_relation="grandparent",
        guardian_phone="13900000000",
        school="中心小学",
        grade="五年级",
        boarding=True,
    )
    models.HardshipChild.objects.create(
        person=boy,
        reason="other",
        reason_detail="父亲服刑",
        guardian_name=f"外婆{upper}",
        guardian_relation="maternal_grandparent",
    )
    models.LeftBehindWoman.objects.create(person=woman, needs="农忙缺人手")
    models.PoorWoman.objects.create(
        person=woman, reason="illness", in_dibao=True, relief=True, relief_what="救助金", relief_amount=200
    )
    make_record(
        "villagedirector",
        village,
        f"主任{upper}",
        birth_month=dt.date(1975, 6, 1),
        in_office_since=dt.date(2011, 3, 1),
        yearly_income=Decimal("12000"),
        on_payroll=False,
        phone="13700000000",
    )
    models.WomensHome.objects.create(
        village=village, signed_up=True, has_office=True, equipment="桌椅 10 套\n书柜 1 个"
    )
    models.AidRecord.objects.create(person=woman, kind="poor_mother", amount=Decimal("1500"), goods="米、油")
    pairing = models.Pairing.objects.create(
        person=girl, kind="caring_mother", helper_name=f"爱心妈妈{upper}", helper_phone="13600000000"
    )
    models.PairingFollowUp.objects.create(pairing=pairing, money=Decimal("200"), hours=Decimal("2"))


def make_ledger_world(world):
    """Return ``world`` with a row of every register in each village (see the module docstring)."""
    w = world
    for key in ("a", "b", "c"):
        _family(w, key)
    # Village A: an ID number ending in X, kept as text; values a spreadsheet would run.
    x_number = id_ending_in_x(w.woman_a.birth_date)
    models.Person.objects.filter(pk=w.woman_a.pk).update(id_number=x_number, id_last4=x_number[-4:])
    w.woman_a.refresh_from_db()
    w.x_number = x_number
    trap_household = HouseholdFactory(village=w.village_a, group=w.group_a, number="0002")
    w.trap_women = [
        PersonFactory(
            village=w.village_a,
            household=trap_household if i == 0 else None,
            relation="head" if i == 0 else "",
            name=value,
            birth_date=dt.date(1990, 1, 1 + i),
        )
        for i, value in enumerate(INJECTIONS)
    ]
    models.LeftBehindWoman.objects.filter(person=w.woman_a).update(needs="-5 元的困难", notes="@所有人")
    models.VillageDirector.objects.filter(village=w.village_a).update(phone="+86 13700000000")
    return w


def workbook(data: bytes | Path) -> openpyxl.Workbook:
    """Return a produced .xlsx re-read by openpyxl (the normal mode, to see merged cells)."""
    return openpyxl.load_workbook(BytesIO(data) if isinstance(data, bytes) else data)


@contextmanager
def edited_sheet(path: Path) -> Iterator[tuple[Worksheet, dict[str, int]]]:
    """Yield the first sheet of the ledger file at ``path`` and the column of each heading of its row 3,
    then save the file with the changes made to the sheet."""
    wb = workbook(path.read_bytes())
    ws = wb.active
    yield ws, {cell.value: cell.column for cell in ws[3]}
    wb.save(path)


def import_refusal(result) -> tuple[list[int], str]:
    """Return the rows an import's errors name and all that they say (no rows when nothing was refused)."""
    return sorted({e.row for e in result.errors}), " ".join(str(e) for e in result.errors)


def data_rows(ws, table: Table) -> list[tuple]:
    """Return the record rows of a ledger sheet: after the header, before the 合计 row."""
    first = 3 + table.header_rows
    rows = []
    for row in ws.iter_rows(min_row=first, values_only=True):
        if isinstance(row[0], str) and row[0].startswith("合计"):
            break
        rows.append(row)
    return rows


def totals_row(ws) -> tuple:
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[0], str) and row[0].startswith("合计"):
            return row
    raise AssertionError("no 合计 row")


def pdf_text(path: Path) -> str:
    """Return the text of a PDF as pdftotext reads it."""
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Return ``text`` without white space: pdftotext spaces CJK text as it pleases."""
    return "".join(text.split())


def pdf_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def registry_ledgers(*, fmt: str | None = None) -> list[str]:
    """Return the names of the registers' ledgers (the data this world builds), optionally of one format.

    The ledgers of other apps (loans, outreach) are tested with their own data in their own files.
    """
    return [
        ledger.name
        for ledger in all_ledgers()
        if ledger.queryset.__module__.startswith("registry.") and (fmt is None or fmt in ledger.formats)
    ]


#: What each register's ledger shows of village B's row (the woman's name unless told here).
_VILLAGE_B_ROWS = {
    "village_directors": "主任B",
    "womens_homes": "胜利村",
    "left_behind_children": "女儿B",
    "left_behind_child_cards": "女儿B",
    "hardship_children": "儿子B",
    "pairings": "女儿B",
}


def village_b_row(ledger_name: str) -> str:
    """Return the text by which the ledger ``ledger_name`` shows village B's row of the ledger world."""
    return _VILLAGE_B_ROWS.get(ledger_name, "妇女B")


def work_the_queue() -> int:
    """Take each waiting task from the queue and run it, as a django-q2 worker does; return how many."""
    import pydoc

    from django_q.brokers import get_broker
    from django_q.signing import SignedPackage

    broker = get_broker()
    count = 0
    while broker.queue_size():
        for ack_id, payload in broker.dequeue() or []:
            task = SignedPackage.loads(payload)
            func = task["func"] if callable(task["func"]) else pydoc.locate(task["func"])
            func(*task["args"], **task["kwargs"])
            broker.acknowledge(ack_id)
            count += 1
    return count
