"""Ledgers in, as issue 7 checks them: crafted files, all or nothing, every bad row named.

The roster (居民花名册: households and persons, the source of the women's ledger) is the ledger
used here; the registers' own importers run through the same framework
(``federation.ledgers.imports.framework``) and are tested in tests/registry/test_imports_registers.py.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from federation.core.idnumber import make_id_number
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import Importer, get_importer
from federation.ledgers.imports.reader import ImportRefused
from federation.ledgers.models import ImportRecord
from registry.imports.persons import PersonImporter, import_persons
from registry.models import Household, Person

HEADER = ("序号", "村组", "户号", "姓名", "与户主关系", "性别", "出生日期", "身份证号", "民族", "联系电话",
          "婚姻状况", "文化程度", "就业状况", "务工地点")  # fmt: skip
TITLE_ROWS = 3  # title, 填报单位 line, header: the first person is on Excel row 4


def person_id(i: int) -> str:
    """Return a valid, distinct ID number for person ``i`` (born 1950 + i % 60, sequence by i)."""
    born = dt.date(1950 + i % 60, 1 + i % 12, 1 + i % 28)
    return make_id_number("513401", born, 2 + 2 * (i // 60))  # even sequence: a woman


def roster_rows(count: int) -> list[list]:
    rows = []
    for i in range(count):
        household = f"{9000 + i // 4}"
        relation = ("户主", "配偶", "子女", "子女")[i % 4]
        rows.append(
            [
                "1组",
                household,
                f"居民{i:03d}",
                relation,
                "",
                "",
                person_id(i),
                "汉族",
                f"1380000{i:04d}",
                "已婚" if i % 4 < 2 else "未婚",
                "初中",
                "务农",
                "",
            ]  # fmt: skip
        )
    return rows


def roster_file(tmp_path, rows, name="roster.xlsx", *, after=None) -> object:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "居民花名册"
    ws.append(["红旗村居民花名册"])
    ws.merge_cells("A1:N1")
    ws.append(["填报单位：幸福乡红旗村", None, None, None, "填报日期：2026年11月29日"])
    ws.append(list(HEADER))
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    if after:
        after(ws)
    ws.append([f"合计：{len(rows)} 人"])
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def snapshot(village) -> tuple:
    persons = Person.objects.filter(village=village).order_by("pk")
    return (
        list(persons.values_list("pk", "name", "id_number", "household__number", "relation", "phone")),
        sum(p.history.count() for p in persons),
        Household.objects.filter(village=village).count(),
    )


# -- a clean file and its export -------------------------------------------------------------------


def test_a_clean_500_row_file_imports_and_its_export_reimports_with_no_change(world, tmp_path):
    w = world
    before = Person.objects.filter(village=w.village_a).count()
    result = import_persons(roster_file(tmp_path, roster_rows(500)), village=w.village_a, user=w.dir_a)
    assert result.errors == []
    assert (result.rows, result.created, result.updated, result.written) == (500, 500, 0, True)
    assert Person.objects.filter(village=w.village_a).count() == before + 500
    assert Household.objects.filter(village=w.village_a, number__startswith="9").count() == 125
    first = Person.objects.get(id_number=person_id(0))
    assert (first.household.number, first.household.group, first.relation) == ("9000", w.group_a, "head")
    assert first.history.first().history_user == w.dir_a
    # written in one batch, the persons still carry their household's keys (the lists' order)
    imported = Person.objects.filter(village=w.village_a, household__number__startswith="9")
    keys = imported.values_list(
        "group_number", "household_number", "household__group__number", "household__number"
    )
    assert len(keys) == 500 and all(row[:2] == row[2:] for row in keys)

    exported = tmp_path / "export.xlsx"
    export_build(
        ledger=get_ledger("persons"), user=w.dir_a, fmt="xlsx", filters=ExportFilters(), path=exported
    )
    state = snapshot(w.village_a)
    again = import_persons(exported, village=w.village_a, user=w.dir_a)
    assert again.errors == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, before + 500)
    assert snapshot(w.village_a) == state


def test_one_bad_id_in_row_317_writes_nothing_and_names_row_and_column(world, tmp_path):
    w = world
    rows = roster_rows(500)
    good = rows[316 - TITLE_ROWS - 1 + 1][6]
    rows[317 - TITLE_ROWS - 1][6] = good[:-1] + ("1" if good[-1] != "1" else "2")  # wrong check digit
    state = snapshot(w.village_a)
    result = import_persons(roster_file(tmp_path, rows), village=w.village_a)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(317, "身份证号")]
    assert "校验" in result.errors[0].reason
    assert str(result.errors[0]).startswith("第 317 行【身份证号】")
    assert snapshot(w.village_a) == state


def test_a_rule_failure_after_good_rows_undoes_the_good_rows(world, tmp_path):
    """Rows are checked by the model's rules as they go: a late failure leaves nothing behind."""
    w = world
    rows = roster_rows(8)
    rows[7][3] = "户主"  # a second head of household 9001 (row 4 + 4 is its head already)
    state = snapshot(w.village_a)
    result = import_persons(roster_file(tmp_path, rows), village=w.village_a)
    assert [(e.row, e.column) for e in result.errors] == [(11, "与户主关系")]
    assert "一户只能有一位" in result.errors[0].reason
    assert snapshot(w.village_a) == state
    assert not Household.objects.filter(number="9000").exists()


# -- refused files ---------------------------------------------------------------------------------


def test_a_formula_cell_is_refused_with_its_row_and_nothing_is_written(world, tmp_path):
    w = world

    def formula(ws):
        ws["J5"] = "=A1&B1"  # 联系电话 of the second person, a real formula cell

    state = snapshot(w.village_a)
    result = import_persons(roster_file(tmp_path, roster_rows(3), after=formula), village=w.village_a)
    assert [(e.row, e.column) for e in result.errors] == [(5, "联系电话")]
    assert "公式" in result.errors[0].reason and "=A1&B1" in result.errors[0].reason
    assert snapshot(w.village_a) == state


def test_a_text_starting_with_equals_is_stored_as_text_never_evaluated(world, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(HEADER))
    ws.append([1, "1组", "9000", "=1+1", "户主", "", "", person_id(1), "汉族", "", "", "", "", ""])
    ws["D2"].data_type = "s"  # typed as text in a Text-formatted cell: not a formula
    path = tmp_path / "eq.xlsx"
    wb.save(path)
    result = import_persons(path, village=world.village_a)
    assert result.errors == []
    assert Person.objects.get(id_number=person_id(1)).name == "=1+1"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_entity(tmp_path) -> bytes:
    data = roster_file(tmp_path, roster_rows(2), "base.xlsx").read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet', 1
    )
    return _zip(parts)


REFUSED_FILES = {
    "entity": (_with_entity, "DOCTYPE/ENTITY"),
    "zip bomb": (
        lambda tmp: _zip(
            {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"<" + b"0" * (60 << 20)}
        ),
        "压缩炸弹",
    ),
    "renamed text": (lambda tmp: "身份证号,姓名\n".encode() * 10, "不是有效的 Excel 文件"),
    "renamed xls": (lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "不是有效的 Excel 文件"),
}


@pytest.mark.parametrize("kind", list(REFUSED_FILES))
def test_an_unsafe_or_fake_file_is_refused_with_a_message_and_nothing_written(world, tmp_path, kind, capsys):
    make, expected = REFUSED_FILES[kind]
    path = tmp_path / "upload.xlsx"
    path.write_bytes(make(tmp_path))
    state = snapshot(world.village_a)
    with pytest.raises(ImportRefused, match=expected):
        import_persons(path, village=world.village_a)
    with pytest.raises(CommandError, match=expected):
        call_command("import_ledger", "persons", str(path), "--scope", world.village_a.code)
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.REFUSED and expected in record.message
    assert snapshot(world.village_a) == state


# -- rows that must not enter ----------------------------------------------------------------------


def test_a_row_of_another_village_is_refused_without_showing_her_data(world, tmp_path):
    w = world
    rows = roster_rows(3)
    rows[1][6] = w.woman_b.id_number
    state = snapshot(w.village_a)
    result = import_persons(roster_file(tmp_path, rows), village=w.village_a)
    assert [(e.row, e.column) for e in result.errors] == [(5, "身份证号")]
    assert "已在本乡镇其他村登记" in result.errors[0].reason
    assert w.village_b.name not in result.errors[0].reason and w.woman_b.name not in result.errors[0].reason
    assert snapshot(w.village_a) == state
    assert Person.objects.get(pk=w.woman_b.pk).village == w.village_b


def test_an_id_number_turned_into_scientific_notation_is_refused_with_its_reason(world, tmp_path):
    rows = roster_rows(2)

    def as_number(ws):
        ws["H4"] = 1.10105e17  # what Excel keeps after showing 1.10105E+17

    result = import_persons(roster_file(tmp_path, rows, after=as_number), village=world.village_a)
    assert [(e.row, e.column) for e in result.errors] == [(4, "身份证号")]
    assert "科学计数法" in result.errors[0].reason
    text = roster_rows(1)
    text[0][6] = "1.10105E+17"
    result = import_persons(roster_file(tmp_path, text, "t.xlsx"), village=world.village_a)
    assert "科学计数法" in result.errors[0].reason


def test_an_id_number_stored_as_a_whole_number_that_lost_nothing_is_accepted(world, tmp_path):
    """A 15-digit number (the old card) fits a spreadsheet number exactly; an 18-digit one never does."""
    number = make_id_number("513401", dt.date(1980, 5, 6), 24)
    rows = roster_rows(1)

    def as_int(ws):
        ws["H4"] = 513401800506024  # the same person's 15-digit number, typed in a General cell

    result = import_persons(roster_file(tmp_path, rows, after=as_int), village=world.village_a)
    assert result.errors == []
    assert Person.objects.filter(id_number=number, village=world.village_a).exists()


def test_the_same_id_twice_in_the_file_names_both_rows(world, tmp_path):
    rows = roster_rows(4)
    rows[3][6] = rows[0][6]
    result = import_persons(roster_file(tmp_path, rows), village=world.village_a)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (7, "身份证号", "与第 4 行的身份证号重复。")
    ]


def test_a_clash_saved_by_someone_else_meanwhile_is_a_row_message_not_a_crash(world, tmp_path, monkeypatch):
    """Between the checks and the save another user registered the same ID: the database refuses."""
    w = world
    rows = roster_rows(3)
    original = Importer.save

    def save_after_a_clash(self, obj, row, **kwargs):
        if isinstance(obj, Person) and obj.id_number == rows[1][6] and not obj.pk:
            self.validate(obj, row)
            Person.objects.create(village=w.village_b, name="别人", id_number=obj.id_number)
            obj.save()  # the unique ID number clashes: IntegrityError
        return original(self, obj, row, **kwargs)

    monkeypatch.setattr(Importer, "save", save_after_a_clash)
    state = snapshot(w.village_a)
    result = import_persons(roster_file(tmp_path, rows), village=w.village_a)
    assert [(e.row, e.column) for e in result.errors] == [(5, "姓名")]
    assert "刚被别人登记" in result.errors[0].reason
    assert snapshot(w.village_a) == state
    assert not Person.objects.filter(name="别人").exists()  # rolled back with the rest


def test_the_row_limit_refuses_a_file_before_anything_is_checked(world, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 10
    path = roster_file(tmp_path, roster_rows(11))
    with pytest.raises(CommandError, match="一次最多导入 10 行"):
        call_command("import_ledger", "persons", str(path), "--scope", world.village_a.code)
    assert not Person.objects.filter(id_number=person_id(0)).exists()


def test_every_import_is_recorded_with_its_outcome(world, tmp_path, capsys):
    path = roster_file(tmp_path, roster_rows(3))
    call_command("import_ledger", "women", str(path), "--scope", world.village_a.code, "--dry-run")
    call_command("import_ledger", "persons", str(path), "--scope", world.village_a.code)
    dry, real = ImportRecord.objects.order_by("pk")
    assert (dry.ledger, dry.status, dry.created, dry.rows_total) == ("women", "checked", 3, 3)
    assert (real.status, real.created, real.file_name, real.requested_by) == (
        "done",
        3,
        "roster.xlsx",
        "命令行",
    )
    assert real.user.username == "system" and not real.user.is_active
    # What the command line writes names the system user in its history, never nobody.
    person = Person.objects.get(id_number=person_id(0))
    assert person.history.get().history_user == real.user
    assert issubclass(get_importer("women"), PersonImporter)  # the women's rows as the roster's
    call_command("import_ledger", "--list")
    assert "persons\t居民花名册" in capsys.readouterr().out


def test_as_a_user_the_import_is_hers_and_only_into_her_village(world, tmp_path):
    path = roster_file(tmp_path, roster_rows(2))
    with pytest.raises(CommandError, match="不在 dir_b 的工作范围内"):
        call_command("import_ledger", "persons", str(path), "--scope", world.village_a.code, "--as", "dir_b")
    with pytest.raises(CommandError, match="您的角色不能导入居民花名册"):
        call_command("import_ledger", "persons", str(path), "--scope", world.village_a.code, "--as", "county")
    assert not Person.objects.filter(id_number=person_id(0)).exists()
    call_command("import_ledger", "persons", str(path), "--scope", world.village_a.code, "--as", "dir_a")
    record = ImportRecord.objects.filter(status="done").get()
    assert (record.user, record.requested_by) == (world.dir_a, "张红")
    assert Person.objects.get(id_number=person_id(0)).history.get().history_user == world.dir_a


@pytest.mark.django_db(transaction=True)
def test_a_real_concurrent_registration_of_the_same_id_is_a_row_message(world, tmp_path):
    """Another director registers the same ID on another connection while the import runs."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two real concurrent database connections: runs on PostgreSQL")
    w = world
    rows = roster_rows(3)
    clash = rows[1][6]
    inserted, done = threading.Event(), threading.Event()

    def other_director() -> None:
        try:
            with transaction.atomic():
                Person.objects.create(village=w.village_b, name="别村的人", id_number=clash)
                inserted.set()
                time.sleep(1.0)  # the import checks meanwhile, then waits on the unique index
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=other_director)
    thread.start()
    assert inserted.wait(10)
    result = import_persons(roster_file(tmp_path, rows), village=w.village_a)
    thread.join(10)
    assert done.is_set()
    assert [(e.row, e.column) for e in result.errors] == [(5, "姓名")]
    assert "刚被别人登记" in result.errors[0].reason
    assert not result.written
    assert Person.objects.filter(id_number=clash).get().village == w.village_b
    assert not Person.objects.filter(id_number=rows[0][6]).exists()


def test_an_upload_left_unconfirmed_is_removed_after_two_days(world, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from federation.ledgers.imports.services import STALE_UPLOAD, import_purge, import_upload

    upload = SimpleUploadedFile("r.xlsx", roster_file(tmp_path, roster_rows(2)).read_bytes())
    record = import_upload(
        user=world.dir_a, importer_class=PersonImporter, village=world.village_a, year=None, upload=upload
    )
    assert record.status == ImportRecord.Status.CHECKED
    stored = tmp_path / "imports" / record.file_path.rsplit("/", 1)[-1]
    assert stored.is_file()
    assert import_purge(now=timezone.now() + STALE_UPLOAD / 2) == 0
    assert import_purge(now=timezone.now() + STALE_UPLOAD * 2) == 1
    record.refresh_from_db()
    assert not stored.exists() and record.status == ImportRecord.Status.ABANDONED and record.file_path == ""


def test_a_sheet_broken_halfway_is_refused_with_a_message(world, tmp_path):
    data = roster_file(tmp_path, roster_rows(20), "base.xlsx").read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    cut = sheet.index(b'<row r="15"')
    parts["xl/worksheets/sheet1.xml"] = sheet[:cut] + b'<row r="15"><c r="A15"><v>1</c></row>' + sheet[cut:]
    path = tmp_path / "broken.xlsx"
    path.write_bytes(_zip(parts))
    state = snapshot(world.village_a)
    with pytest.raises(ImportRefused, match="文件可能已损坏"):
        import_persons(path, village=world.village_a)
    assert snapshot(world.village_a) == state


def test_the_womens_ledger_export_imports_back_through_the_roster_with_no_change(ledger_world, tmp_path):
    """The women's ledger is derived from households and persons: its file goes back in as ``women``."""
    w = ledger_world
    path = tmp_path / "women.xlsx"
    exported = export_build(
        ledger=get_ledger("women"), user=w.dir_a, fmt="xlsx", filters=ExportFilters(), path=path
    )
    assert exported.rows > 0
    state = snapshot(w.village_a)
    result = get_importer("women")(w.village_a, user=w.dir_a).import_file(path)
    assert result.errors == []
    assert (result.rows, result.created, result.updated, result.unchanged) == (
        exported.rows,
        0,
        0,
        exported.rows,
    )
    assert snapshot(w.village_a) == state
