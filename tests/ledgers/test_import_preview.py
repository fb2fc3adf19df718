"""Before confirming, the check shows the first rows as they will be stored and warns of another village."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from federation.ledgers.models import ImportRecord
from registry.models import Person
from tests.helpers.imports import HEADER, new_id, person_row

pytestmark = pytest.mark.usefixtures("sync_tasks")


def roster(rows, *, unit="幸福乡红旗村", header=HEADER) -> SimpleUploadedFile:
    """Return a roster file of ``rows`` under its title and its 填报单位 line."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["居民花名册"])
    ws.append([f"填报单位：{unit}", None, None, "填报人：张红"])
    ws.append(list(header))
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue(), content_type="application/octet-stream")


def upload(client, village, file):
    data = {"ledger": "persons", "village": village.pk, "year": "", "file": file}
    return client.post(reverse("imports:start"), data, follow=True)


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def preview_table(page: str) -> list[list[str]]:
    """Return the preview's rows, each its cells' texts (the Excel row number first)."""
    table = page[page.index('id="import-preview"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :])
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows
    ]


def twelve_people():
    rows = [person_row(f"王小{n}", new_id(1990 + n, 2 * n + 2)) for n in range(12)]
    # A date typed the village way, 是 written √: shown as they will be stored.
    first = list(rows[0])
    first[4] = "1990.3.4"
    rows[0] = tuple(first)
    return rows


def test_the_check_shows_the_first_ten_rows_as_they_will_be_stored(world, login):
    response = upload(login(world.dir_a), world.village_a, roster(twelve_people()))
    page = text(response)
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.CHECKED
    assert "前 10 行将保存为" in page
    headers = re.findall(
        r"<th(?:\s[^>]*)?>(.*?)</th>", page[page.index('id="import-preview"') :].split("</thead>")[0]
    )
    assert (
        headers[:4] == ["行", "户号", "姓名", "与户主关系"]
        and "出生日期" in headers
        and "文化程度" in headers
    )
    rows = preview_table(page)
    assert [row[0] for row in rows] == [str(n) for n in range(4, 14)]  # Excel rows 4 to 13, not 14 and 15
    first = dict(zip(headers, rows[0], strict=True))
    assert first["姓名"] == "王小0" and first["身份证号"] == new_id(1990, 2)
    assert first["出生日期"] == "1990-03-04"  # typed 1990.3.4
    assert first["婚姻状况"] == "未婚" and first["与户主关系"] == "子女"
    assert not Person.objects.filter(name="王小0").exists()  # nothing written yet


def test_a_bad_cell_is_marked_in_the_preview(world, login):
    rows = twelve_people()
    second = list(rows[1])
    second[4] = "1990年13月45日"
    rows[1] = tuple(second)
    page = text(upload(login(world.dir_a), world.village_a, roster(rows)))
    assert ImportRecord.objects.get().status == ImportRecord.Status.INVALID
    assert "第 5 行" in page  # the error table names it; no preview of a file that cannot be written
    assert 'id="import-preview"' not in page


def test_a_file_whose_unit_is_another_village_is_warned_of_before_confirmation(world, login):
    client = login(world.dir_a)
    page = text(upload(client, world.village_a, roster(twelve_people()[:2], unit="幸福乡大河村")))
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.CHECKED  # a warning: she may still confirm
    assert "请核对：这份文件写的可能不是红旗村" in page
    assert "表头的填报单位是“幸福乡大河村”，而您选择导入到红旗村" in page
    assert page.index('id="import-village-warning"') < page.index('id="import-confirm"')
    client.post(reverse("imports:abandon", args=[record.pk]))
    assert not Person.objects.filter(name__startswith="王小").exists()


def test_a_village_column_naming_another_village_is_warned_of(world, login):
    rows = [("大河村一组", *row) for row in twelve_people()[:3]]
    rows[0] = ("红旗村一组", *rows[0][1:])
    page = text(
        upload(login(world.dir_a), world.village_a, roster(rows, header=("序号", "村组", *HEADER[1:])))
    )
    assert "“村组”列第 5 行写的是“大河村一组”（共 2 行写的不是红旗村）" in page
    assert "填报单位" not in page.split('id="import-village-warning"')[1].split("</ul>")[0]


def test_a_file_of_the_chosen_village_has_no_warning(world, login):
    page = text(upload(login(world.dir_a), world.village_a, roster(twelve_people()[:2], unit="幸福乡红旗村")))
    assert 'id="import-village-warning"' not in page and 'id="import-preview"' in page
    page = text(upload(login(world.dir_a), world.village_a, roster(twelve_people()[2:4], unit="幸福乡妇联")))
    assert 'id="import-village-warning"' not in page  # a unit that names no village


def test_the_preview_goes_with_the_file_and_is_no_one_elses(world, login):
    client = login(world.dir_a)
    upload(client, world.village_a, roster(twelve_people()[:2]))
    record = ImportRecord.objects.get()
    assert len(record.preview["rows"]) == 2
    # Another village's director does not open it.
    assert login(world.dir_b).get(reverse("imports:record", args=[record.pk])).status_code == 404
    client = login(world.dir_a)
    client.post(reverse("imports:confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.DONE and record.preview == {}
