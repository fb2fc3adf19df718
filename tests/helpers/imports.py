"""The residents' roster (居民花名册) of the import tests: its header, a row of it, a fresh ID number."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from federation.core.idnumber import make_id_number

#: The header of a roster file, 序号 first.
HEADER = ("序号", "户号", "姓名", "与户主关系", "性别", "出生日期", "身份证号", "民族", "联系电话",
          "婚姻状况", "文化程度", "就业状况", "务工地点")  # fmt: skip


def person_row(name, id_number, household="0001", relation="子女", education="初中", work="省外 广东东莞"):
    """Return the cells of one person's roster row after 序号 (sex and birth date left to the ID number)."""
    sex = birth = ""
    return (household, name, relation, sex, birth, id_number, "汉族", "13800000000", "未婚", education,
            "外出务工", work)  # fmt: skip


def new_id(year, seq=2):
    """Return the valid ID number of someone of region 513401 born on 4 March ``year``."""
    return make_id_number("513401", dt.date(year, 3, 4), seq)


def roster(tmp_path, rows, name="roster.xlsx"):
    """Write a hand-typed roster of 红旗村 with ``rows`` (numbered) under its title, unit and header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["红旗村居民花名册"])
    ws.append(["填报单位：幸福乡红旗村"])
    ws.append(list(HEADER))
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    ws.append([f"合计：{len(rows)} 人"])
    ws.append(["审核人：", None, "制表人："])
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def xlsx(rows, header=HEADER, name="花名册.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["红旗村居民花名册"])
    ws.append(list(header))
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def upload(client, village, file, ledger="persons", **extra):
    data = {"ledger": ledger, "village": village.pk, "year": "", "file": file, **extra}
    return client.post(reverse("imports:start"), data)


def workbook_file(tmp_path, header, rows, name="file.xlsx", title="登记表") -> Path:
    """Write a plain ledger: a title, a one-row header (序号 first), the rows, a 合计 row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["序号", *header])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    ws.append([f"合计：{len(rows)} 人"])
    path = tmp_path / name
    wb.save(path)
    return path


POOR_HEADER = (
    "姓名",
    "身份证号",
    "家庭人均纯收入（元）",
    "致贫原因",
    "纳入低保",
    "是否结对帮扶",
    "帮扶人或单位",
)
