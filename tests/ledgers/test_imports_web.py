"""The import pages: choose, upload, preview every error, map columns, confirm; only one's own imports."""

from __future__ import annotations

import html
import io
import re
import zipfile
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from federation.ledgers.imports.templates import EXPLANATION_SHEET
from federation.ledgers.models import ImportRecord
from registry.models import Person
from tests.helpers.factories import VillageGroupFactory
from tests.helpers.imports import new_id, person_row, upload, xlsx
from tests.helpers.samples import SAMPLE

# Django-q2 tasks run inline, in the test's transaction.
pytestmark = pytest.mark.usefixtures("sync_tasks")


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def error_rows(page: str) -> list[tuple[str, str, str]]:
    """Return (row, column, reason) of each line of the page's error table."""
    table = page[page.index('id="import-errors"') :]
    return re.findall(
        r'<td data-label="行">第 (\d+) 行</td>\s*<td data-label="列">(.*?)</td>\s*<td[^>]*>(.*?)</td>', table
    )


def bad_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_the_import_page_offers_what_the_user_may_import(world, login):
    w = world
    page = text(login(w.dir_a).get(reverse("imports:start") + "?ledger=persons"))
    assert "导入台账" in page and "居民花名册（户和人）" in page
    assert "红旗村" in page and "胜利村" not in page  # her village, fixed
    assert "5 MB" in page and "20,000 行" in page and 'accept=".xlsx' in page
    assert "下载导入模板" in page
    staff_page = text(login(w.staff).get(reverse("imports:start")))
    assert "红旗村" in staff_page and "胜利村" in staff_page and "光明村" not in staff_page
    for user in (w.county_viewer, w.nobody):
        assert login(user).get(reverse("imports:start")).status_code == 404
        assert login(user).get(reverse("imports:template"), {"ledger": "persons"}).status_code == 404


def test_upload_preview_then_confirm_writes(world, login):
    w = world
    client = login(w.dir_a)
    rows = [
        person_row("妇女A", w.woman_a.id_number, relation="户主"),
        person_row("新人甲", new_id(1990)),
        person_row("新人乙", new_id(1995, 4), household="", relation=""),
    ]
    before = Person.objects.count()
    response = upload(client, w.village_a, xlsx(rows))
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:record", args=[record.pk])
    assert record.status == ImportRecord.Status.CHECKED and not record.background
    page = text(client.get(response["Location"]))
    assert "将新建 2 人、更新 1 人、无变化 0 人" in page
    assert "确认导入" in page and "放弃" in page
    assert Person.objects.count() == before  # the preview writes nothing
    response = client.post(reverse("imports:confirm", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.DONE and (record.created, record.updated) == (2, 1)
    assert Person.objects.count() == before + 2
    page = text(client.get(reverse("imports:record", args=[record.pk])))
    assert "已导入" in page and "新建 2 人" in page and reverse("registry:person_list") in page
    # Confirming twice writes nothing twice.
    client.post(reverse("imports:confirm", args=[record.pk]))
    assert Person.objects.count() == before + 2
    history = text(client.get(reverse("imports:history")))
    assert "花名册.xlsx" in history and "已导入" in history and "红旗村" in history


def test_a_file_with_two_bad_rows_lists_both_and_writes_nothing(world, login):
    w = world
    client = login(w.dir_a)
    rows = [
        person_row("甲", bad_check_digit(new_id(1980))),
        person_row("乙", new_id(1981)),
        person_row("丙", new_id(1982), education="博士后"),
    ]
    before = Person.objects.count()
    response = upload(client, w.village_a, xlsx(rows))
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.INVALID
    page = text(client.get(response["Location"]))
    assert "检查发现 2 处错误，什么也没有写入" in page
    errors = error_rows(page)
    assert [(row, column) for row, column, _reason in errors] == [("3", "身份证号"), ("5", "文化程度")]
    assert "校验位" in errors[0][2] and errors[1][2].startswith("“博士后”不是允许的值")
    assert "确认导入" not in page and "上传改正后的文件" in page
    assert Person.objects.count() == before
    # Its confirmation is refused: nothing is written, the record stays as it was.
    response = client.post(reverse("imports:confirm", args=[record.pk]), follow=True)
    assert "还没有通过检查" in text(response)
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.INVALID and Person.objects.count() == before


def test_only_the_uploader_sees_and_confirms_her_import(world, login):
    w = world
    client = login(w.dir_a)
    upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.CHECKED
    for user in (w.staff, w.chair, w.dir_b, w.admin):
        other = login(user)
        for name in ("record", "status"):
            assert other.get(reverse(f"imports:{name}", args=[record.pk])).status_code == 404
        for name in ("confirm", "abandon", "mapping"):
            assert other.post(reverse(f"imports:{name}", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.CHECKED
    assert not Person.objects.filter(id_number=new_id(1990)).exists()
    # The chair sees it in the history of her township, without a link to it.
    history = text(login(w.chair).get(reverse("imports:history")))
    assert "花名册.xlsx" in history and "张红" in history
    assert reverse("imports:record", args=[record.pk]) not in history
    assert "花名册.xlsx" not in text(login(w.staff).get(reverse("imports:history")))
    assert "花名册.xlsx" not in text(login(w.other_staff).get(reverse("imports:history")))
    # The uploader abandons it.
    client = login(w.dir_a)
    client.post(reverse("imports:abandon", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.ABANDONED and not record.file_path
    client.post(reverse("imports:confirm", args=[record.pk]))
    assert not Person.objects.filter(id_number=new_id(1990)).exists()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("名单.xls", b"\xd0\xcf\x11\xe0 old excel", "只接受 Excel 工作簿（.xlsx）"),
        ("名单.xlsx", b"just some text, not a workbook", ""),
        ("bomb.xlsx", None, ""),
    ],
)
def test_a_refused_file_shows_its_message(world, login, import_dir, name, content, reason):
    w = world
    client = login(w.dir_a)
    response = upload(client, w.village_a, SimpleUploadedFile(name, content or zip_bomb()))
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.REFUSED and record.message
    page = text(client.get(response["Location"]))
    assert "文件被拒绝，什么也没有写入" in page and record.message in page and reason in page
    assert "上传改正后的文件" in page and "确认导入" not in page
    # Nothing of a refused file is kept: not the upload, not a temporary copy.
    assert record.file_path == "" and uploaded_files(import_dir) == []


def uploaded_files(folder) -> list:
    """Return the files left in the upload folder (none when it was never made)."""
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_file_above_the_size_limit_is_refused(world, login, settings, import_dir):
    settings.IMPORT_MAX_BYTES = 1000
    w = world
    client = login(w.dir_a)
    response = upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    page = text(client.get(response["Location"]))
    assert "文件太大" in page
    assert uploaded_files(import_dir) == []


def test_a_file_refused_by_the_background_check_is_deleted_at_once(world, login, settings, import_dir):
    settings.IMPORT_BACKGROUND_BYTES = 1
    w = world
    response = upload(login(w.dir_a), w.village_a, SimpleUploadedFile("名单.xlsx", b"not a workbook at all"))
    record = ImportRecord.objects.get()
    assert record.background and record.status == ImportRecord.Status.REFUSED
    assert "无法读取" in record.message or "不是" in record.message, record.message
    assert response.status_code == 302 and uploaded_files(import_dir) == []


def test_the_template_is_an_xlsx_with_its_explanation_sheet(world, login):
    w = world
    client = login(w.dir_a)
    page = text(client.get(reverse("imports:start") + "?ledger=persons"))
    href = re.search(r'id="import-template"[^>]*href="([^"]+)"', page).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    assert unquote(encoded) == "红旗村居民花名册（户和人）导入模板.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert EXPLANATION_SHEET in workbook.sheetnames
    # Another village's template is not hers to download.
    other = client.get(reverse("imports:template"), {"ledger": "persons", "village": w.village_b.pk})
    assert other.status_code == 404


def test_a_director_cannot_import_into_another_village(world, login):
    w = world
    client = login(w.dir_a)
    response = upload(client, w.village_b, xlsx([person_row("新人甲", new_id(1990))]))
    assert response.status_code == 200
    assert "选择一个有效的选项" in text(response)
    assert not ImportRecord.objects.exists()
    # Township staff may choose any village of her township, not one of another township.
    staff = login(w.staff)
    assert upload(staff, w.village_c, xlsx([person_row("新人甲", new_id(1990))])).status_code == 200
    assert not ImportRecord.objects.exists()
    assert upload(staff, w.village_b, xlsx([person_row("新人甲", new_id(1990))])).status_code == 302
    assert ImportRecord.objects.get().village == w.village_b


def test_the_mapping_editor_changes_the_mapping_and_checks_again(world, login):
    w = world
    client = login(w.dir_a)
    # A village's own layout: 名字 is not a header the system knows, 证件号 neither.
    header = ("序号", "户号", "名字", "与户主关系", "性别", "出生日期", "证件号", "民族", "联系电话",
              "婚姻状况", "文化程度", "就业状况", "务工地点")  # fmt: skip
    response = upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))], header=header))
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.INVALID
    page = text(client.get(response["Location"]))
    assert "找不到“姓名”列" in page and "列的对应关系" in page
    assert 'name="map_name"' in page and "不导入" in page
    titles = {c["title"]: c["index"] for c in record.columns}
    assert "id_number" not in record.mapping
    # The proposal is preselected.
    household = record.mapping["household"]
    assert re.search(rf'<option value="{household}" selected>第 {household + 1} 列：户号', page)
    data = {f"map_{key}": str(index) for key, index in record.mapping.items()}
    data["map_name"] = str(titles["名字"])
    data["map_id_number"] = str(titles["证件号"])
    data["map_phone"] = ""  # 不导入
    response = client.post(reverse("imports:mapping", args=[record.pk]), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.mapping["name"] == titles["名字"] and record.mapping["id_number"] == titles["证件号"]
    assert "phone" not in record.mapping
    assert record.status == ImportRecord.Status.CHECKED and record.created == 1
    assert "将新建 1 人" in text(client.get(response["Location"]))
    # The same column twice is a form error, and the mapping stays.
    data["map_ethnicity"] = data["map_name"]
    response = client.post(reverse("imports:mapping", args=[record.pk]), data)
    assert response.status_code == 400 and "一列只能对应一个字段" in text(response)
    record.refresh_from_db()
    assert "ethnicity" not in record.mapping or record.mapping["ethnicity"] != titles["名字"]
    # A corrected file of the same layout, uploaded from this page, keeps the columns she chose.
    corrected = xlsx([person_row("新人甲", new_id(1990)), person_row("新人乙", new_id(1991))], header=header)
    response = upload(client, w.village_a, corrected, previous=record.pk)
    again = ImportRecord.objects.latest("pk")
    assert again.pk != record.pk and again.mapping == record.mapping
    assert again.status == ImportRecord.Status.CHECKED and again.created == 2
    client.post(reverse("imports:confirm", args=[again.pk]))
    assert Person.objects.get(id_number=new_id(1990)).name == "新人甲"
    assert Person.objects.filter(id_number=new_id(1991)).exists()


def test_a_big_file_goes_through_the_background_task(world, login, settings):
    settings.IMPORT_BACKGROUND_BYTES = 1
    w = world
    client = login(w.dir_a)
    response = upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    assert record.background and record.status == ImportRecord.Status.CHECKED  # sync mode ran it inline
    from django_q.models import Task

    assert Task.objects.filter(name=f"import-{record.pk}-check", success=True).exists()
    status = client.get(reverse("imports:status", args=[record.pk])).json()
    assert (status["status"], status["percent"], status["running"]) == ("checked", 100, False)
    assert "将新建 1 人" in text(client.get(response["Location"]))
    client.post(reverse("imports:confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.DONE
    assert Task.objects.filter(name=f"import-{record.pk}-write", success=True).exists()
    assert Person.objects.filter(id_number=new_id(1990)).exists()


def test_a_running_import_shows_a_progress_bar_that_polls(world, login, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr("django_q.tasks.async_task", lambda *args, **kwargs: None)
    w = world
    client = login(w.dir_a)
    from django.test import override_settings

    with override_settings(IMPORT_BACKGROUND_BYTES=1):
        response = upload(client, w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.CHECKING
    page = text(client.get(response["Location"]))
    assert 'id="import-bar"' in page and reverse("imports:status", args=[record.pk]) in page
    assert "确认导入" not in page
    response = client.post(reverse("imports:confirm", args=[record.pk]), follow=True)
    assert "还没有通过检查" in text(response)


def test_list_pages_have_an_import_button_and_the_nav_an_entry(world, login):
    w = world
    client = login(w.dir_a)
    page = text(client.get(reverse("registry:person_list")))
    assert f'href="{reverse("imports:start")}?ledger=persons"' in page
    assert f'href="{reverse("imports:start")}"' in page  # the nav
    ledger_page = text(client.get(reverse("registry:women_ledger")))
    assert f"{reverse('imports:start')}?ledger=women" in ledger_page  # its own import (husbands too)
    viewer = text(login(w.county_viewer).get(reverse("registry:person_list")))
    assert "ledger=persons" not in viewer and f'href="{reverse("imports:start")}"' not in viewer


def test_import_records_are_read_only_in_the_admin(world, login):
    w = world
    upload(login(w.dir_a), w.village_a, xlsx([person_row("新人甲", new_id(1990))]))
    record = ImportRecord.objects.get()
    admin = login(w.admin)
    changelist = admin.get(reverse("admin:ledgers_importrecord_changelist"))
    assert changelist.status_code == 200 and "花名册.xlsx" in changelist.content.decode()
    assert admin.get(reverse("admin:ledgers_importrecord_change", args=[record.pk])).status_code == 200
    assert admin.get(reverse("admin:ledgers_importrecord_add")).status_code == 403
    assert login(w.staff).get(reverse("admin:ledgers_importrecord_changelist")).status_code == 403


def test_the_sample_typed_in_another_layout_imports_through_the_pages(world, login):
    """The register a village typed by hand: the proposed mapping is shown, editable, and imports."""
    w = world
    for number, name in enumerate("二三四五六七八九", start=2):
        VillageGroupFactory(village=w.village_a, number=number, name=f"{name}组")
    client = login(w.staff)
    sample = SimpleUploadedFile("留守妇女2014.xlsx", SAMPLE.read_bytes())
    response = upload(client, w.village_a, sample, ledger="left_behind_women", year="2014")
    record = ImportRecord.objects.get()
    assert record.year == 2014 and record.rows_total == 40
    page = text(client.get(response["Location"]))
    assert record.status == ImportRecord.Status.CHECKED, record.errors[:5]
    assert "将新建 40" in page and "姓 名" in page  # the file's own header, in the mapping editor
    data = {f"map_{key}": str(index) for key, index in record.mapping.items()}
    data["map_phone"] = ""  # 不导入
    client.post(reverse("imports:mapping", args=[record.pk]), data)
    record.refresh_from_db()
    assert "phone" not in record.mapping and record.status == ImportRecord.Status.CHECKED
    client.post(reverse("imports:confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.DONE and record.created == 40
