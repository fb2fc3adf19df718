"""Year-end snapshots (归档, issue 15 part 6): close a year's ledger, refuse changes to it, export it
as it was closed whatever changes afterwards, verify its digest, reopen it with a reason, scope.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from federation.core import history
from federation.core.roles import Role, group_name
from federation.ledgers import archives
from federation.ledgers.exports import conf, get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build, export_purge
from federation.ledgers.imports.framework import get_importer
from federation.ledgers.models import ExportRecord, LedgerArchive
from registry.models import LeftBehindWoman, Person
from tests.helpers.ledgers import data_rows, flat, pdf_text, workbook
from tests.helpers.registers import YEAR, form_data, make_record
from tests.helpers.web import admin_form_data

LEDGER = "left_behind_women"
TODAY = timezone.localdate()
CLOSED = (
    f"{YEAR} 年度的农村留守妇女台账已于 {TODAY.year}年{TODAY.month}月{TODAY.day}日 归档，"
    "不能再修改；需要修改请乡镇妇联先撤销归档。"
)


def close(w, village=None, *, user=None, ledger=LEDGER, township=None):
    return archives.archive_close(
        user=user or w.staff, ledger=ledger, year=YEAR, village=village, township=township
    )


def cells(data) -> list[list[tuple]]:
    """Return every cell of every sheet of an .xlsx (value and number format), and its merged ranges."""
    wb = workbook(data)
    return [
        [
            *([(c.value, c.number_format) for c in row] for row in ws.iter_rows()),
            sorted(map(str, ws.merged_cells)),
        ]
        for ws in wb.worksheets
    ]


@pytest.fixture
def entry(world):
    """Return a left-behind woman of 红旗村 registered for ``YEAR``."""
    return make_record("leftbehindwoman", world.village_a, "陈秀英", needs="缺劳力")


def test_the_yearly_registers_and_the_womens_ledger_are_closable():
    assert {c.ledger for c in archives.closable_ledgers()} == {
        "women",
        "left_behind_children",
        "hardship_children",
        "left_behind_women",
        "poor_women",
    }


def test_the_township_roles_close_and_every_role_reads(db):
    """The data migration (ledgers 0006) gives the role groups their permissions."""

    def perms(role):
        group = Group.objects.get(name=group_name(role))
        return set(group.permissions.values_list("codename", flat=True))

    for role in (Role.TOWNSHIP_STAFF, Role.TOWNSHIP_CHAIR):
        assert {"view_ledgerarchive", "close_ledgerarchive"} <= perms(role)
    for role in (Role.VILLAGE_DIRECTOR, Role.COUNTY_VIEWER):
        assert "view_ledgerarchive" in perms(role) and "close_ledgerarchive" not in perms(role)


def test_a_closed_year_refuses_an_edit_from_the_form_the_model_and_the_import(world, login, entry, tmp_path):
    w = world
    # The village's ledger as it is exported now: it imports back, and a changed cell is a change.
    path = tmp_path / "before.xlsx"
    export_build(
        ledger=get_ledger(LEDGER), user=w.dir_a, fmt="xlsx", filters=ExportFilters(year=YEAR), path=path
    )
    close(w, w.village_a)

    client = login(w.dir_a)
    url = reverse("registry:leftbehindwoman_update", args=[entry.pk])
    response = client.post(url, form_data("leftbehindwoman", entry, needs="缺资金"))
    assert response.status_code == 200
    assert CLOSED in response.content.decode()
    entry.refresh_from_db()
    assert entry.needs == "缺劳力"

    # Another woman of the closed village and year is refused too; the other village is open.
    with pytest.raises(ValidationError) as refused:
        make_record("leftbehindwoman", w.village_a, "新登记")
    assert refused.value.messages == [CLOSED]
    make_record("leftbehindwoman", w.village_b, "胜利村的")
    # Moving the entry out of the closed year is a change of the closed year.
    entry.year = YEAR + 1
    with pytest.raises(ValidationError):
        entry.full_clean()

    wb = workbook(path.read_bytes())
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "缺劳力":
                cell.value = "缺资金"
    wb.save(path)
    importer = get_importer(LEDGER)(w.village_a, year=YEAR, user=w.dir_a)
    result = importer.import_file(path)
    assert not result.ok
    assert [e.reason for e in result.errors] == [CLOSED]
    entry.refresh_from_db()
    assert entry.needs == "缺劳力"


def test_the_archived_ledger_exports_identically_after_the_families_change(world, login, entry, tmp_path):
    w = world
    live_at_close = tmp_path / "live.xlsx"
    ledger = get_ledger(LEDGER)
    filters = ExportFilters(year=YEAR, village_id=w.village_a.pk)
    export_build(ledger=ledger, user=w.staff, fmt="xlsx", filters=filters, path=live_at_close)
    archive = close(w, w.village_a)
    assert archive.row_count == 1 and archive.digest == archives.sha256(archive.content)

    client = login(w.staff)
    first = client.get(reverse("archives:download", args=[archive.pk, "xlsx"]))
    assert first.status_code == 200
    archived = b"".join(first.streaming_content)
    table = ledger.layout
    # Its rows are the ledger's rows at the closing, and it says 已归档 with the date and who.
    assert data_rows(workbook(archived).active, table) == data_rows(
        workbook(live_at_close.read_bytes()).active, table
    )
    sheet = [c for row in workbook(archived).active.iter_rows(values_only=True) for c in row if c]
    assert any("已归档" in str(c) and "王芳" in str(c) for c in sheet)

    # The family changes: her name, her husband comes home.
    woman = Person.objects.get(pk=entry.person_id)
    Person.objects.filter(pk=woman.pk).update(name="陈秀兰")
    Person.objects.filter(household=woman.household, relation="spouse").update(work_place="home")
    live_now = tmp_path / "live-now.xlsx"
    export_build(ledger=ledger, user=w.staff, fmt="xlsx", filters=filters, path=live_now)
    assert data_rows(workbook(live_now.read_bytes()).active, table) != data_rows(
        workbook(archived).active, table
    )

    # Made again from the stored rows (the kept file deleted), cell by cell the same.
    ExportRecord.objects.filter(archive=archive).delete()
    again = client.get(reverse("archives:download", args=[archive.pk, "xlsx"]))
    assert cells(b"".join(again.streaming_content)) == cells(archived)


def test_the_archived_pdf_says_archived_and_prints_the_stored_rows(world, login, entry):
    w = world
    archive = close(w, w.village_a)
    Person.objects.filter(pk=entry.person_id).update(name="改过的名字")
    response = login(w.staff).get(reverse("archives:download", args=[archive.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    record = ExportRecord.objects.get(archive=archive, format="pdf")
    text = flat(pdf_text(conf.export_dir() / record.file_path))
    assert "已归档" in text and "陈秀英" in text and "改过的名字" not in text


def test_the_verify_command_names_a_changed_archive(world, entry, capsys):
    w = world
    archive = close(w, w.village_a)
    call_command("verify_archives")
    assert "1 份归档的 SHA-256 全部相符" in capsys.readouterr().out

    table = LedgerArchive._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET content = REPLACE(content, '陈秀英', '陈秀兰') WHERE id = %s", [archive.pk]
        )
    with pytest.raises(CommandError) as failed:
        call_command("verify_archives")
    assert "1 份归档被改动" in str(failed.value)
    assert f"归档 #{archive.pk} 幸福乡红旗村{YEAR}年度农村留守妇女" in capsys.readouterr().err


def test_reopening_takes_a_reason_keeps_the_old_snapshot_and_is_in_history(world, login, entry):
    w = world
    archive = close(w, w.village_a)
    client = login(w.chair)
    url = reverse("archives:reopen", args=[archive.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "请填写撤销归档的原因。" in refused.content.decode()
    assert LedgerArchive.objects.get(pk=archive.pk).is_closed

    client.post(url, {"reason": "漏登一位留守妇女"})
    archive.refresh_from_db()
    assert archive.status == LedgerArchive.Status.REOPENED and archive.reopened_by_name == "赵敏"
    assert [(who, what) for _at, who, what in archives.archive_history(archive)] == [
        ("赵敏", "撤销归档：漏登一位留守妇女"),
        ("王芳", "归档"),
    ]
    make_record("leftbehindwoman", w.village_a, "补登的")  # open again

    again = close(w, w.village_a)
    assert again.supersedes == archive and again.row_count == 2
    assert LedgerArchive.objects.filter(pk=archive.pk).exists()
    page = client.get(reverse("archives:detail", args=[archive.pk])).content.decode()
    assert "漏登一位留守妇女" in page and "已被取代" in page


def test_closing_the_township_closes_each_of_its_villages(world, entry):
    w = world
    make_record("leftbehindwoman", w.village_b, "胜利村的")
    archive = close(w, township=w.township)
    assert archive.village is None and archive.row_count == 2
    assert set(archive.villages.all()) == {w.village_a, w.village_b}
    with pytest.raises(ValidationError, match="已于"):
        close(w, w.village_b)
    with pytest.raises(ValidationError):
        make_record("leftbehindwoman", w.village_b, "又一位")
    make_record("leftbehindwoman", w.village_c, "别的乡镇")


def test_only_the_township_closes_and_no_one_sees_another_villages_archive(world, login, entry):
    w = world
    with pytest.raises(PermissionDenied):
        close(w, w.village_a, user=w.dir_a)
    with pytest.raises(PermissionDenied):
        close(w, w.village_a, user=w.other_staff)
    assert login(w.dir_b).get(reverse("archives:close")).status_code == 403

    archive = close(w, w.village_a)
    township_archive = close(w, ledger="women", township=w.township)
    assert str(township_archive) == f"幸福乡{YEAR}年度妇女基本信息台账（已归档）"
    detail = reverse("archives:detail", args=[archive.pk])
    for user in (w.dir_b, w.other_staff):
        client = login(user)
        assert client.get(detail).status_code == 404
        assert client.get(reverse("archives:download", args=[archive.pk, "xlsx"])).status_code == 404
        assert "红旗村" not in client.get(reverse("archives:list")).content.decode()
    # The director sees her village's archive, not the township's (it holds the other villages).
    seen = login(w.dir_a).get(reverse("archives:list")).context["archives"]
    assert list(seen) == [archive]
    assert login(w.dir_a).get(reverse("archives:detail", args=[township_archive.pk])).status_code == 404
    assert set(login(w.county_viewer).get(reverse("archives:list")).context["archives"]) == {
        archive,
        township_archive,
    }


def test_the_close_page_says_what_will_be_frozen_before_it_closes(world, login, entry):
    w = world
    client = login(w.staff)
    query = {"ledger": LEDGER, "year": YEAR, "unit": f"village:{w.village_a.pk}"}
    page = client.get(reverse("archives:close"), query).content.decode()
    assert "将冻结 幸福乡红旗村 2026 年度的农村留守妇女台账" in page and "<strong>1</strong> 行" in page
    assert not LedgerArchive.objects.exists()
    response = client.post(reverse("archives:close"), query)
    archive = LedgerArchive.objects.get()
    assert response.url == reverse("archives:detail", args=[archive.pk])
    again = client.post(reverse("archives:close"), query)
    assert "已于" in again.content.decode() and LedgerArchive.objects.count() == 1
    # From the list of one ledger and year, the form comes with them chosen, asking for the unit.
    form = client.get(reverse("archives:close"), {"ledger": "women", "year": YEAR - 1}).context["form"]
    assert not form.is_bound and form.initial == {"ledger": "women", "year": str(YEAR - 1)}


def test_the_files_of_an_archive_outlive_the_purge(world, login, entry):
    w = world
    archive = close(w, w.village_a)
    login(w.staff).get(reverse("archives:download", args=[archive.pk, "xlsx"]))
    record = ExportRecord.objects.get(archive=archive)
    ExportRecord.objects.filter(pk=record.pk).update(finished_at=timezone.now() - dt.timedelta(days=400))
    assert export_purge() == 0
    record.refresh_from_db()
    assert record.status == ExportRecord.Status.DONE
    assert (conf.export_dir() / record.file_path).is_file()


def test_the_county_viewer_gets_the_archive_masked(world, login, entry):
    w = world
    archive = close(w, w.village_a)
    response = login(w.county_viewer).get(reverse("archives:download", args=[archive.pk, "xlsx"]))
    values = [
        c
        for row in workbook(b"".join(response.streaming_content)).active.iter_rows(values_only=True)
        for c in row
    ]
    number = Person.objects.get(pk=entry.person_id).id_number
    assert number not in values and f"{number[:3]}***********{number[-4:]}" in values
    assert LeftBehindWoman.objects.count() == 1


def test_the_admin_and_the_delete_page_refuse_an_entry_of_a_closed_year(world, login, entry):
    w = world
    close(w, w.village_a)
    client = login(w.staff)
    url = reverse("admin:registry_leftbehindwoman_change", args=[entry.pk])
    page = client.get(url)
    assert reverse("admin:registry_leftbehindwoman_delete", args=[entry.pk]) not in page.content.decode()
    response = client.post(url, admin_form_data(page, needs="缺资金"))
    assert response.status_code == 200 and CLOSED in response.content.decode()

    deleted = client.post(reverse("registry:leftbehindwoman_delete", args=[entry.pk]), follow=True)
    assert CLOSED in deleted.content.decode()
    entry.refresh_from_db()
    assert entry.needs == "缺劳力" and entry.deleted_at is None


def test_the_list_pages_export_of_a_closed_year_is_the_archive(world, login, entry):
    w = world
    archive = close(w, w.village_a)
    woman = Person.objects.get(pk=entry.person_id)
    woman.name = "改过的名字"  # renamed after the year was closed: her entry keeps her new name
    history.save(woman, actor=None)
    client = login(w.dir_a)
    listed = client.get(reverse("registry:leftbehindwoman_list"), {"year": YEAR}).content.decode()
    assert f"{YEAR} 年度已归档" in listed
    response = client.get(reverse("exports:export", args=[LEDGER, "xlsx"]), {"year": YEAR})
    sheet = [
        c
        for row in workbook(b"".join(response.streaming_content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "陈秀英" in sheet and "改过的名字" not in sheet
    assert ExportRecord.objects.get(user=w.dir_a).archive == archive
    # Another year, or a narrowed list, is made live.
    live = client.get(reverse("exports:export", args=[LEDGER, "xlsx"]), {"year": YEAR, "q": "改过"})
    live_sheet = [
        c
        for row in workbook(b"".join(live.streaming_content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "改过的名字" in live_sheet


def test_a_move_to_another_village_is_refused_while_her_year_is_closed(world, login, entry):
    w = world
    close(w, w.village_a)
    response = login(w.chair).post(
        reverse("registry:person_move", args=[entry.person_id]),
        {"to_household": w.household_b.pk, "relation": "spouse"},
    )
    assert response.status_code == 200 and CLOSED in response.content.decode()
    assert Person.objects.get(pk=entry.person_id).village == w.village_a
    assert LeftBehindWoman.objects.get(pk=entry.pk).village == w.village_a


def test_a_township_archive_prints_one_pdf_a_village(world, login, entry, tmp_path):
    import io
    import zipfile

    w = world
    make_record("leftbehindwoman", w.village_b, "胜利村的")
    archive = close(w, township=w.township)
    response = login(w.staff).get(reverse("archives:download", args=[archive.pk, "pdf"]))
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = bundle.namelist()
    assert [name.split("-", 1)[1] for name in names] == [
        f"幸福乡红旗村农村留守妇女信息登记表（{YEAR}年度）（已归档）.pdf",
        f"幸福乡胜利村农村留守妇女信息登记表（{YEAR}年度）（已归档）.pdf",
    ]
    texts = []
    for number, name in enumerate(names):
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(bundle.read(name))
        texts.append(flat(pdf_text(path)))
    assert "陈秀英" in texts[0] and "胜利村的" not in texts[0]
    assert "胜利村的" in texts[1] and "陈秀英" not in texts[1]


def test_the_list_says_how_many_of_her_villages_a_year_is_closed_for(world, login, entry):
    w = world

    def links(user):
        page = login(user).get(reverse("registry:leftbehindwoman_list"), {"year": YEAR}).content.decode()
        return [
            (label.strip(), state)
            for state, label in re.findall(r'data-archive="(\w+)"[^>]*>([^<]+)</a>', page)
        ]

    assert links(w.staff) == [("年度归档", "open")]
    close(w, w.village_a)
    assert links(w.staff) == [(f"{YEAR} 年度已归档 1 个村", "closed")]
    assert links(w.dir_a) == [(f"{YEAR} 年度已归档", "closed")]
    assert links(w.dir_b) == [("年度归档", "open")]
    close(w, w.village_b)
    assert links(w.staff) == [(f"{YEAR} 年度已归档", "closed")]
    # Another year of the same ledger is not closed by them.
    other = login(w.staff).get(reverse("registry:leftbehindwoman_list"), {"year": YEAR - 1}).content.decode()
    assert 'data-archive="closed"' not in other
