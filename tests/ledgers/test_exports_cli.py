"""``manage.py export_ledger``: one unit's rows and nothing else; clear refusals, non-zero exits."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from federation.ledgers.exports import all_ledgers, get_ledger
from federation.ledgers.models import ExportRecord
from tests.helpers.ledgers import data_rows, flat, pdf_text, registry_ledgers, village_b_row, workbook


def export(*args, **options) -> str:
    out = StringIO()
    call_command("export_ledger", *args, stdout=out, **options)
    return out.getvalue()


def test_a_village_code_gives_that_villages_women_and_nothing_else(ledger_world, tmp_path):
    w = ledger_world
    output = tmp_path / "红旗村.xlsx"
    said = export("women", scope=w.village_a.code, format="xlsx", output=str(output))
    assert "已导出 7 行" in said
    ws = workbook(output).active
    rows = data_rows(ws, get_ledger("women").layout)
    names = {r[2] for r in rows}
    assert "妇女A" in names and not names & {"妇女B", "妇女C"}
    assert len(rows) == 7
    assert "填报单位：幸福乡红旗村" in " ".join(str(c.value) for c in ws[2] if c.value)
    row = next(r for r in rows if r[2] == "妇女A")
    assert row[5] == w.x_number  # the command runs as the township: whole ID numbers
    record = ExportRecord.objects.get()
    assert (record.user.username, record.requested_by, record.scope_code, record.rows_done) == (
        "system",
        "命令行",
        w.village_a.code,
        7,
    )
    assert not record.user.is_active and not record.user.has_usable_password()  # it can never sign in
    assert record.file_path == str(output)


def test_as_a_user_the_command_exports_what_she_sees_and_refuses_what_she_does_not(ledger_world, tmp_path):
    w = ledger_world
    output = tmp_path / "红旗村.xlsx"
    call_command(
        "export_ledger", "women", "--scope", w.village_a.code, "--output", str(output), "--as", "county"
    )
    rows = data_rows(workbook(output.read_bytes()).active, get_ledger("women").layout)
    row = next(r for r in rows if r[2] == "妇女A")
    assert row[5] == w.x_number[:3] + "*" * 11 + w.x_number[-4:]  # the county's: masked
    record = ExportRecord.objects.get()
    assert (record.user, record.requested_by) == (w.county_viewer, "县妇联")
    with pytest.raises(CommandError, match="不在 dir_b 的工作范围内"):
        call_command(
            "export_ledger", "women", "--scope", w.village_a.code, "--output", str(output), "--as", "dir_b"
        )
    with pytest.raises(CommandError, match="没有名为“system”的在用账号"):
        call_command(
            "export_ledger", "women", "--scope", w.village_a.code, "--output", str(output), "--as", "system"
        )


@pytest.mark.parametrize("name", registry_ledgers())
def test_every_ledger_of_village_b_leaves_village_a_out(ledger_world, tmp_path, name):
    w = ledger_world
    ledger = get_ledger(name)
    fmt = "xlsx" if "xlsx" in ledger.formats else "pdf"
    output = tmp_path / f"out.{fmt}"
    said = export(name, scope=w.village_b.code, format=fmt, output=str(output))
    if fmt == "xlsx":
        rows = data_rows(workbook(output).active, ledger.layout)
        assert rows and f"已导出 {len(rows)} 行" in said
        text = repr(rows)
    else:
        text = flat(pdf_text(output))
    assert village_b_row(name) in text  # village B's own rows are there: an empty file does not pass
    assert not [m for m in ("妇女A", "女儿A", "儿子A", "主任A", "红旗村", "光明村") if m in text]


def test_a_township_code_gives_its_villages_and_a_zip_of_pdfs(ledger_world, tmp_path):
    w = ledger_world
    output = tmp_path / "幸福乡.pdf"
    said = export("poor_women", scope=w.township.code, format="pdf", output=str(output))
    zipped = tmp_path / "幸福乡.zip"
    assert "ZIP" in said and zipped.exists() and not output.exists()
    with zipfile.ZipFile(zipped) as archive:
        assert len(archive.namelist()) == 2
    output = tmp_path / "幸福乡.xlsx"
    export("poor_women", scope=w.township.code, year=2001, output=str(output))
    assert data_rows(workbook(output).active, get_ledger("poor_women").layout) == []


def test_the_list_names_every_ledger(db):
    said = export(list=True)
    for ledger in all_ledgers():
        assert ledger.name in said and ledger.title in said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no_such",), "没有名为“no_such”的台账"),
        (("women",), "--scope"),
        (("left_behind_child_cards",), "没有 xlsx 格式"),
    ],
)
def test_clear_refusals(ledger_world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args, format="xlsx", output=str(tmp_path / "x.xlsx"))
    assert not ExportRecord.objects.exists()


@pytest.mark.parametrize("code", ["513401105999", "5134011052", "abc", "513401105201000"])
def test_an_unknown_code_is_refused(ledger_world, tmp_path, code):
    with pytest.raises(CommandError, match=f"找不到区划代码为“{code}”"):
        export("women", scope=code, output=str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_the_command_exits_non_zero_with_the_message(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    manage = Path(settings.BASE_DIR) / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "export_ledger", "no_such", "--scope", "513401105201", "--output", "x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "没有名为“no_such”的台账" in result.stderr
