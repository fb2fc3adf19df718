"""Ledgers in, phase 2: the residents' roster (居民花名册) imported into one village, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from registry.imports.persons import import_persons
from registry.models import Person
from tests.helpers.imports import new_id, person_row, roster


def test_a_clean_file_creates_and_updates_by_id_number(world, tmp_path):
    w = world
    rows = [
        person_row("妇女A", w.woman_a.id_number, relation="户主"),
        person_row("新人甲", new_id(1990)),
        person_row("新人乙", new_id(1995, 4).lower(), household="", relation="", education="中专"),
    ]
    before = Person.objects.count()
    result = import_persons(roster(tmp_path, rows), village=w.village_a)
    assert result.errors == []
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 2, 1, 0)
    assert result.written
    assert Person.objects.count() == before + 2
    woman = Person.objects.get(pk=w.woman_a.pk)
    assert woman.education == "junior" and woman.work_place == "out_province"
    assert woman.work_place_detail == "广东东莞"
    second = Person.objects.get(id_number=new_id(1995, 4))
    assert second.village == w.village_a and second.household is None
    assert second.birth_date == dt.date(1995, 3, 4) and second.sex == "F" and second.education == "senior"
    # Importing the same file again changes nothing and duplicates no one.
    again = import_persons(roster(tmp_path, rows), village=w.village_a)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Person.objects.count() == before + 2


def test_every_bad_row_is_named_and_nothing_is_written(world, tmp_path):
    w = world
    rows = [person_row(f"人{i}", new_id(1960 + i)) for i in range(1, 8)]
    rows[2] = person_row("人3", new_id(1963)[:-1] + ("0" if new_id(1963)[-1] != "0" else "1"))
    rows[4] = person_row("人5", "1.10105E+17", education="博士后")
    rows[5] = person_row("人6", new_id(1961))  # the same ID as row 5 (人1)
    rows[6] = person_row("人7", new_id(1967), household="9999", work="月球")
    before = Person.objects.count()
    result = import_persons(roster(tmp_path, rows), village=w.village_a)
    assert not result.written
    assert Person.objects.count() == before
    found = [(e.row, e.column) for e in result.errors]
    assert found == [
        (6, "身份证号"),
        (8, "身份证号"),
        (8, "文化程度"),
        (9, "身份证号"),
        (10, "户号"),
        (10, "务工地点"),
    ]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert "校验位" in reasons[(6, "身份证号")]
    assert "科学计数法" in reasons[(8, "身份证号")]
    assert reasons[(9, "身份证号")] == "与第 4 行的身份证号重复。"
    assert "9999" in reasons[(10, "户号")]
    assert "文盲或半文盲" in reasons[(8, "文化程度")]
    assert str(result.errors[0]).startswith("第 6 行【身份证号】")


def test_a_person_of_another_village_is_refused(world, tmp_path):
    w = world
    rows = [person_row("新人", new_id(1990)), person_row("妇女B", w.woman_b.id_number)]
    result = import_persons(roster(tmp_path, rows), village=w.village_a)
    assert [(e.row, e.column) for e in result.errors] == [(5, "身份证号")]
    assert "已在本乡镇其他村登记" in result.errors[0].reason
    assert not Person.objects.filter(id_number=new_id(1990)).exists()
    assert Person.objects.get(pk=w.woman_b.pk).village == w.village_b


def test_a_dry_run_writes_nothing(world, tmp_path):
    result = import_persons(
        roster(tmp_path, [person_row("新人", new_id(1990))]), village=world.village_a, dry_run=True
    )
    assert (result.created, result.written) == (1, False)
    assert not Person.objects.filter(id_number=new_id(1990)).exists()


def test_the_export_imports_back_with_no_change(world, tmp_path):
    w = world
    no_id = list(person_row("无证", ""))
    no_id[3] = "女"
    first = import_persons(roster(tmp_path, [person_row("新人", new_id(1990)), no_id]), village=w.village_a)
    assert (first.errors, first.created) == ([], 2)
    path = tmp_path / "persons.xlsx"
    exported = export_build(
        ledger=get_ledger("persons"), user=w.dir_a, fmt="xlsx", filters=ExportFilters(), path=path
    )
    history = sum(p.history.count() for p in Person.objects.filter(village=w.village_a))
    result = import_persons(path, village=w.village_a)
    assert result.errors == []
    assert (result.rows, result.created, result.updated) == (exported.rows, 0, 0)
    assert result.unchanged == exported.rows == 3
    assert sum(p.history.count() for p in Person.objects.filter(village=w.village_a)) == history


def test_the_command_prints_counts_or_every_error(world, tmp_path, capsys):
    w = world
    good = roster(tmp_path, [person_row("新人", new_id(1990))], "good.xlsx")
    call_command("import_ledger", "persons", str(good), "--scope", w.village_a.code, "--dry-run")
    out = capsys.readouterr().out
    assert "新建 1 人" in out and "没有写入" in out
    assert not Person.objects.filter(id_number=new_id(1990)).exists()
    call_command("import_ledger", "persons", str(good), "--scope", w.village_a.code)
    assert "新建 1 人" in capsys.readouterr().out
    assert Person.objects.filter(id_number=new_id(1990), village=w.village_a).exists()

    bad = roster(tmp_path, [person_row("甲", "123"), person_row("乙", w.woman_b.id_number)], "bad.xlsx")
    with pytest.raises(CommandError) as exc:
        call_command("import_ledger", "persons", str(bad), "--scope", w.village_a.code)
    assert "2 处错误" in str(exc.value)
    err = capsys.readouterr().err
    assert "第 4 行【身份证号】" in err and "第 5 行【身份证号】" in err

    text = tmp_path / "fake.xlsx"
    text.write_text("不是表格")
    with pytest.raises(CommandError, match="不是有效的 Excel 文件"):
        call_command("import_ledger", "persons", str(text), "--scope", w.village_a.code)
    with pytest.raises(CommandError, match="找不到区划代码"):
        call_command("import_ledger", "persons", str(good), "--scope", "513401105999")
    with pytest.raises(CommandError, match="不能导入"):
        call_command("import_ledger", "nothing", str(good), "--scope", w.village_a.code)


def test_the_richer_export_world_imports_back_with_no_change(ledger_world, tmp_path):
    w = ledger_world
    path = tmp_path / "persons.xlsx"
    exported = export_build(
        ledger=get_ledger("persons"), user=w.dir_a, fmt="xlsx", filters=ExportFilters(), path=path
    )
    before = {p.pk: p.history.count() for p in Person.all_objects.all()}
    result = import_persons(path, village=w.village_a)
    assert result.errors == []
    assert (result.rows, result.created, result.updated) == (exported.rows, 0, 0)
    assert {p.pk: p.history.count() for p in Person.all_objects.all()} == before
