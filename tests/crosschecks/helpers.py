"""Department lists made in the tests (openpyxl), uploaded and confirmed through the pages."""

from __future__ import annotations

import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crosschecks.models import DepartmentList

HEADERS = ["序号", "姓名", "身份证号", "户主姓名", "村", "保障金额"]


def workbook_bytes(headers, rows, *, title="幸福乡低保对象花名册") -> bytes:
    """Return an .xlsx of a department's list: a title row, the header, the rows (ID numbers as text)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx(headers, rows, name="名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(headers, rows))


def upload(client, world, headers, rows, *, kind="dibao", as_of="2026-06-30", village=None):
    """Post the upload form; return the response (a redirect to the list's page when accepted)."""
    data = {"kind": kind, "as_of": as_of, "township": world.township.pk, "file": xlsx(headers, rows)}
    if village is not None:
        data["village"] = village.pk
    return client.post(reverse("crosschecks:departmentlist_create"), data)


def mapping_data(department_list: DepartmentList, **changes) -> dict:
    """Return the column form's POST data as proposed, with ``changes`` ({key: column index or ""})."""
    data = {f"map_{key}": str(index) for key, index in department_list.mapping.items()}
    for key in ("id_number", "name", "head", "village"):
        data.setdefault(f"map_{key}", "")
    for key, value in changes.items():
        data[f"map_{key}"] = str(value)
    return data


def confirm(client, department_list: DepartmentList, **changes):
    data = {**mapping_data(department_list, **changes), "action": "confirm"}
    return client.post(reverse("crosschecks:departmentlist_confirm", args=[department_list.pk]), data)


def uploaded_and_checked(client, world, headers, rows, **options) -> DepartmentList:
    """Upload a list and confirm its proposed columns; return it, checked."""
    response = upload(client, world, headers, rows, **options)
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = int(re.search(r"/(\d+)/$", response["Location"]).group(1))
    department_list = DepartmentList.objects.get(pk=pk)
    response = confirm(client, department_list)
    assert response.status_code == 302, response.content.decode()[:3000]
    department_list.refresh_from_db()
    assert department_list.status == DepartmentList.Status.CHECKED
    return department_list


def checked_list(user, world, headers, rows, *, kind="dibao", confirmed=True) -> DepartmentList:
    """Return a list of ``world``'s township uploaded by ``user`` through the services (confirmed with
    its proposed columns unless told)."""
    import datetime as dt

    from crosschecks import services

    upload = xlsx(headers, rows)
    table = services.read_list(upload, name=upload.name)
    department_list = services.list_upload(
        user=user,
        township=world.township,
        kind=kind,
        as_of=dt.date(2026, 6, 30),
        village=None,
        upload=upload,
        table=table,
    )
    if confirmed:
        department_list = services.list_confirm(
            user=user, department_list=department_list, mapping=department_list.mapping
        )
    return department_list


def dibao_rows(cast):
    """Return the rows of a 低保 list of the ``cast`` (conftest.py): one of each way a row matches."""
    w = cast.world
    return [
        (1, "低保甲", cast.listed_poor.id_number, "低保甲", "红旗村", 300),
        (2, "低收入丙", cast.poor_unregistered.id_number, "低收入丙", "红旗村", 300),
        (3, "妇女B", w.woman_b.id_number, "妇女B", "红旗村", 300),  # registered in 胜利村
        (4, "妻子丁", "5134011972", "户主丁", "幸福乡胜利村", 300),  # invalid number: name + head
        (5, "外来人", cast.unknown_id, "外来人", "胜利村", 300),  # registered nowhere
        (6, "外乡人", cast.outsider.id_number, "外乡人", "光明村", 300),  # outside the scope
    ]
