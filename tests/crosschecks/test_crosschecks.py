"""比对核实 (issue 18 part 1): department lists matched against the registers of the user's scope."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crosschecks import retention
from crosschecks.models import DepartmentList, Difference, DifferenceKind, ListRow, Match
from federation.core.masking import mask_id_number
from federation.core.models import AccessRecord
from tests.crosschecks.helpers import HEADERS, confirm, dibao_rows, upload, uploaded_and_checked

pytestmark = pytest.mark.django_db
K = DifferenceKind


def pairs(department_list, user=None):
    qs = Difference.objects.filter(department_list=department_list)
    return {(d.kind, d.person.name if d.person else d.row.name) for d in qs.select_related("person", "row")}


def test_a_dibao_list_finds_each_difference_and_nothing_else(world, cast, login):
    lst = uploaded_and_checked(login(world.staff), world, HEADERS, dibao_rows(cast))
    assert pairs(lst) == {
        (K.DIBAO_NOT_LISTED, "低保乙"),
        (K.POOR_NOT_REGISTERED, "低收入丙"),
        (K.OTHER_VILLAGE, "妇女B"),
        (K.OTHER_VILLAGE, "妻子丁"),
        (K.NOT_REGISTERED, "外来人"),
        (K.NOT_REGISTERED, "外乡人"),
    }
    rows = {row.name: row for row in ListRow.objects.filter(department_list=lst)}
    assert rows["低保甲"].match == Match.EXACT and rows["低保甲"].person == cast.listed_poor
    assert rows["妻子丁"].match == Match.WEAK and rows["妻子丁"].person == cast.weak
    assert rows["外乡人"].match == Match.NONE and rows["外乡人"].person is None
    assert rows["低保甲"].extra == {"保障金额": "300"}
    by_kind = {(d.kind, d.village_id) for d in lst.differences.all()}
    assert (K.NOT_REGISTERED, world.village_b.pk) in by_kind  # 外来人: the village the list names
    assert (K.NOT_REGISTERED, None) in by_kind  # 外乡人: 光明村 is not ours
    assert lst.uploaded_by == world.staff and lst.source is None


def test_a_tekun_list_judges_the_poor_women_but_not_the_dibao_mark(world, cast, login):
    lst = uploaded_and_checked(login(world.staff), world, HEADERS, dibao_rows(cast)[:2], kind="tekun")
    assert pairs(lst) == {(K.POOR_NOT_REGISTERED, "低收入丙")}


def test_a_detention_notice_and_a_boarding_list_find_the_children(world, children, login):
    client = login(world.chair)
    rows = [
        (1, children.father.name, children.father.id_number, children.father.name, "红旗村", "看守所"),
        (2, children.done_father.name, children.done_father.id_number, "", "红旗村", "看守所"),
    ]
    lst = uploaded_and_checked(client, world, HEADERS, rows, kind="detention")
    assert pairs(lst) == {(K.DETENTION_REASON, children.child.name)}
    (difference,) = lst.differences.all()
    assert difference.entry_id == children.entry.pk and children.father.name in difference.detail
    rows = [
        (1, children.child.name, children.child.id_number, "", "红旗村", "三年级"),
        (2, children.done.person.name, children.done.person.id_number, "", "红旗村", "三年级"),
    ]
    lst = uploaded_and_checked(client, world, HEADERS, rows, kind="boarding")
    assert pairs(lst) == {(K.BOARDING_NOT_MARKED, children.child.name)}


def test_a_difference_checked_stays_closed_when_the_same_list_comes_again(world, cast, login):
    client = login(world.staff)
    first = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast))
    difference = first.differences.get(kind=K.DIBAO_NOT_LISTED)
    response = client.post(
        reverse("crosschecks:difference_check", args=[difference.pk]), {"note": "已核实，停保"}
    )
    assert response.status_code == 302
    difference.refresh_from_db()
    assert difference.closed_by is not None and difference.closed_by.note == "已核实，停保"
    assert difference.history.count() >= 1
    second = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast))
    again = second.differences.get(kind=K.DIBAO_NOT_LISTED)
    assert again.closed_by == difference.closed_by
    assert second.differences.filter(closed_by__isnull=True).count() == 5
    page = client.get(second.get_absolute_url()).content.decode()
    assert "共 5 条" in page and f'id="difference-{again.pk}"' not in page
    closed = client.get(second.get_absolute_url() + "?state=closed").content.decode()
    assert "已核实无误：已核实，停保" in closed
    # Another kind of list does not inherit the check.
    tekun = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast)[1:2], kind="tekun")
    assert tekun.differences.get().closed_by is None


def test_a_check_needs_a_note_and_changes_no_register(world, cast, login):
    client = login(world.staff)
    lst = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast))
    difference = lst.differences.get(kind=K.DIBAO_NOT_LISTED)
    entry = cast.unlisted_poor
    before = (entry.version, entry.in_dibao)
    client.post(reverse("crosschecks:difference_check", args=[difference.pk]), {"note": ""})
    difference.refresh_from_db()
    assert difference.closed_by is None
    client.post(reverse("crosschecks:difference_check", args=[difference.pk]), {"note": "核实"})
    entry.refresh_from_db()
    assert (entry.version, entry.in_dibao) == before


def test_the_column_proposal_reads_other_headers_and_a_correction_takes_effect(world, cast, login):
    client = login(world.staff)
    headers = ["编号", "保障对象姓名", "公民身份号码", "户主", "所在村", "联系人"]
    rows = [(1, "低收入丙", cast.poor_unregistered.id_number, "低收入丙", "红旗村", "胜利村")]
    response = upload(client, world, headers, rows, kind="tekun")
    assert response.status_code == 302
    lst = DepartmentList.objects.get()
    assert lst.mapping == {"id_number": 2, "name": 1, "head": 3, "village": 4}
    page = client.get(lst.get_absolute_url()).content.decode()
    assert "确认列并比对" in page and "低收入丙" in page
    # The user says the village is the last column: the woman is then "registered in another village".
    response = confirm(client, lst, village=5)
    assert response.status_code == 302
    row = ListRow.objects.get(department_list=lst)
    assert row.village_text == "胜利村" and row.extra == {"编号": "1", "所在村": "红旗村"}
    assert pairs(lst) == {(K.POOR_NOT_REGISTERED, "低收入丙"), (K.OTHER_VILLAGE, "低收入丙")}


def test_a_director_sees_only_her_villages_differences(world, cast, login):
    lst = uploaded_and_checked(login(world.staff), world, HEADERS, dibao_rows(cast))
    client = login(world.dir_b)
    page = client.get(lst.get_absolute_url()).content.decode()
    assert "妇女B" in page and "外来人" in page  # registered in, and listed for, 胜利村: hers
    assert "低保乙" not in page and "低收入丙" not in page and "外乡人" not in page
    client = login(world.dir_a)
    page = client.get(lst.get_absolute_url()).content.decode()
    assert "低保乙" in page and "低收入丙" in page
    assert "外来人" not in page and "外乡人" not in page  # 胜利村's, and no village's
    mine = Difference.objects.for_user(world.dir_a).filter(department_list=lst)
    assert {d.village_id for d in mine} == {world.village_a.pk}
    assert (
        'id="crosscheck-villages"' in page
        and "胜利村" not in page.split('id="crosscheck-villages"')[1].split("</table>")[0]
    )
    # She acts on her village's difference, not on another's.
    other = lst.differences.get(kind=K.NOT_REGISTERED, village=world.village_b)
    assert (
        client.post(reverse("crosschecks:difference_check", args=[other.pk]), {"note": "x"}).status_code
        == 404
    )
    own = lst.differences.get(kind=K.DIBAO_NOT_LISTED)
    assert (
        client.post(reverse("crosschecks:difference_check", args=[own.pk]), {"note": "x"}).status_code == 302
    )
    # She uploads nothing; another township's staff reads nothing of it.
    assert client.get(reverse("crosschecks:departmentlist_create")).status_code == 404
    other_staff = login(world.other_staff)
    assert other_staff.get(lst.get_absolute_url()).status_code == 404
    assert (
        other_staff.post(reverse("crosschecks:difference_check", args=[own.pk]), {"note": "x"}).status_code
        == 404
    )


def test_the_county_viewer_reads_masked_numbers_on_the_page_and_in_the_export(world, cast, login):
    lst = uploaded_and_checked(login(world.staff), world, HEADERS, dibao_rows(cast))
    client = login(world.county_viewer)
    page = client.get(lst.get_absolute_url()).content.decode()
    number = cast.poor_unregistered.id_number
    assert number not in page and mask_id_number(number) in page
    assert "核实无误…" not in page
    assert client.get(reverse("crosschecks:departmentlist_create")).status_code == 404
    own = lst.differences.get(kind=K.DIBAO_NOT_LISTED)
    assert (
        client.post(reverse("crosschecks:difference_check", args=[own.pk]), {"note": "x"}).status_code == 404
    )
    response = client.get(reverse("crosschecks:departmentlist_export", args=[lst.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    texts = [
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    ]
    assert number not in " ".join(texts) and mask_id_number(number) in texts


def test_the_export_holds_the_differences_and_the_rows(world, cast, login):
    client = login(world.staff)
    lst = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast))
    response = client.get(reverse("crosschecks:departmentlist_export", args=[lst.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    results, names = book["比对结果"], book["名单"]
    rows = list(results.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 6
    assert {(r[2], r[4]) for r in rows} >= {
        ("低保乙", str(K.DIBAO_NOT_LISTED.label)),
        ("妻子丁", str(K.OTHER_VILLAGE.label)),
    }
    assert cast.poor_unregistered.id_number in {r[3] for r in rows}
    listed = list(names.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in listed] == ["低保甲", "低收入丙", "妇女B", "妻子丁", "外来人", "外乡人"]
    assert next(names.iter_rows(max_row=1, values_only=True))[-1] == "保障金额"
    assert AccessRecord.objects.filter(kind=AccessRecord.Kind.EXPORT, object_id=lst.pk).exists()


def test_viewing_a_list_is_in_the_access_log_and_old_lists_are_pruned(world, cast, login, settings):
    client = login(world.staff)
    lst = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast))
    client.get(lst.get_absolute_url())
    assert AccessRecord.objects.filter(
        kind=AccessRecord.Kind.CROSSCHECK, object_id=lst.pk, user=world.staff
    ).exists()
    young = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast)[:1])
    settings.CROSSCHECK_RETENTION_DAYS = 30
    DepartmentList.objects.filter(pk=lst.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=31))
    assert retention.prune() == 1
    assert not DepartmentList.objects.filter(pk=lst.pk).exists()
    assert not ListRow.objects.filter(department_list_id=lst.pk).exists()
    assert not Difference.objects.filter(department_list_id=lst.pk).exists()
    assert not Difference.history.filter(department_list_id=lst.pk).exists()
    assert not DepartmentList.history.filter(id=lst.pk).exists()
    assert DepartmentList.objects.filter(pk=young.pk).exists()
    assert Difference.history.filter(department_list_id=young.pk).exists()
    record = AccessRecord.objects.get(kind=AccessRecord.Kind.CROSSCHECK_DELETED)
    assert record.object_id == lst.pk and record.user is None


def test_the_pruning_is_scheduled_daily(db):
    from django_q.models import Schedule

    retention.schedule_pruning()
    assert Schedule.objects.get(name=retention.PRUNE_SCHEDULE).func == "crosschecks.retention.prune"


def test_a_cross_check_reads_no_health_or_petition_data(world, cast, children, login):
    client = login(world.staff)
    for kind in ("dibao", "tekun", "detention", "boarding", "disability"):
        response = upload(client, world, HEADERS, dibao_rows(cast), kind=kind)
        lst = DepartmentList.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        with CaptureQueriesContext(connection) as queries:
            assert confirm(client, lst).status_code == 302
            client.get(lst.get_absolute_url())
            client.get(reverse("crosschecks:departmentlist_export", args=[lst.pk]))
        read = [
            q["sql"]
            for q in queries.captured_queries
            if re.search(r"\"outreach_(historical)?(screening|petition)", q["sql"])
        ]
        assert read == [], kind


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("名单.txt", b"hello", "只接受 Excel 工作簿"),
        ("名单.xlsx", b"not a zip at all", "不是有效的 Excel 文件"),
    ],
)
def test_a_bad_file_gets_a_message_not_a_500(world, login, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.staff)
    data = {
        "kind": "dibao",
        "as_of": "2026-06-30",
        "township": world.township.pk,
        "file": SimpleUploadedFile(name, content),
    }
    response = client.post(reverse("crosschecks:departmentlist_create"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not DepartmentList.objects.exists()


def test_a_list_without_id_or_name_columns_or_with_an_empty_row_gets_a_message(world, cast, login):
    client = login(world.staff)
    response = upload(client, world, ["序号", "金额", "备注"], [(1, 300, "x")])
    assert response.status_code == 200
    assert "找不到表头（如“姓名”“身份证号”）" in response.content.decode()
    response = upload(client, world, ["序号", "户主", "村"], [(1, "某某", "红旗村")])
    assert response.status_code == 200
    assert "找不到“身份证号”或“姓名”列" in response.content.decode()
    rows = [*dibao_rows(cast)[:1], (2, "", "", "某某", "红旗村", 300)]
    response = upload(client, world, HEADERS, rows)
    lst = DepartmentList.objects.get()
    response = confirm(client, lst)
    assert response.status_code == 200
    assert "第 4 行既没有身份证号也没有姓名" in response.content.decode()
    lst.refresh_from_db()
    assert lst.status == DepartmentList.Status.DRAFT and not ListRow.objects.exists()
    # Neither column chosen: the form says so.
    response = confirm(client, lst, id_number="", name="")
    assert response.status_code == 200 and "请至少为“身份证号”或“姓名”选择一列" in response.content.decode()


def test_the_list_page_counts_the_open_differences(world, cast, login):
    client = login(world.staff)
    lst = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast))
    page = client.get(reverse("crosschecks:departmentlist_list")).content.decode()
    assert "低保对象名单" in page
    assert ">6<" in page.replace(" ", "")
    detail = client.get(lst.get_absolute_url()).content.decode()
    assert "各村待处理差异（共 6 条）" in detail
    # The one-click actions: her page, the entry, a new poor women's entry with her chosen.
    assert (
        reverse("registry:poorwoman_create") + f"?person={cast.poor_unregistered.pk}&amp;year=2026" in detail
    )
    assert reverse("registry:poorwoman_detail", args=[cast.unlisted_poor.pk]) in detail


def test_a_row_without_a_valid_number_matches_by_name_within_its_village_only_when_one_fits(
    world, cast, login
):
    from tests.helpers.registers import a_poor_woman

    twin_a = a_poor_woman(world.village_a, "同名甲")
    a_poor_woman(world.village_b, "同名甲")
    rows = [
        (1, "低收入丙", "", "", "红旗村", 1),  # no number, no head: the one 低收入丙 of 红旗村
        (2, "同名甲", "", "", "红旗村", 1),  # two of that name, one in 红旗村: hers
        (3, "同名甲", "", "", "", 1),  # two of that name and no village: no match
        (4, "妻子丁", "X", "别人", "红旗村", 1),  # her name, another head: no match
    ]
    lst = uploaded_and_checked(login(world.staff), world, HEADERS, rows, kind="disability")
    found = {row.number: (row.match, row.person) for row in lst.rows.all()}
    assert found[3] == (Match.WEAK, cast.poor_unregistered)
    assert found[4] == (Match.WEAK, twin_a)
    assert found[5] == (Match.NONE, None) and found[6] == (Match.NONE, None)
    assert {kind for kind, _name in pairs(lst)} == {K.NOT_REGISTERED}


def test_the_menu_offers_the_cross_checks_to_the_roles_that_read_them(world, login):
    for user in (world.staff, world.chair, world.dir_a, world.county_viewer):
        page = login(user).get(reverse("home")).content.decode()
        assert reverse("crosschecks:departmentlist_list") in page, user
    assert login(world.nobody).get(reverse("crosschecks:departmentlist_list")).status_code == 404


def test_the_actions_open_the_entry_to_change_and_the_person_to_move(world, children, cast, login):
    client = login(world.staff)
    rows = [(1, children.father.name, children.father.id_number, "", "红旗村", "")]
    lst = uploaded_and_checked(client, world, HEADERS, rows, kind="detention")
    page = client.get(lst.get_absolute_url()).content.decode()
    assert reverse("registry:leftbehindchild_update", args=[children.entry.pk]) in page
    lst = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast)[2:3], kind="disability")
    page = client.get(lst.get_absolute_url()).content.decode()
    assert reverse("registry:person_move", args=[world.woman_b.pk]) in page
    page = login(world.dir_b).get(lst.get_absolute_url()).content.decode()
    assert reverse("registry:person_move", args=[world.woman_b.pk]) not in page  # the township moves


def test_an_unregistered_person_is_added_from_the_form_with_the_lists_name_and_number(world, cast, login):
    client = login(world.staff)
    lst = uploaded_and_checked(client, world, HEADERS, dibao_rows(cast)[4:5])  # 外来人, registered nowhere
    difference = lst.differences.get(kind=K.NOT_REGISTERED)
    action = reverse("crosschecks:difference_person", args=[difference.pk])
    assert action in client.get(lst.get_absolute_url()).content.decode()

    response = client.get(action)

    assert response.status_code == 302 and response.url == reverse("registry:person_create")
    assert cast.unknown_id not in response.url  # the number never in an address a server logs
    form = client.get(response.url).context["form"]
    assert (form.initial["name"], form.initial["id_number"]) == ("外来人", cast.unknown_id)
    assert "name" not in client.get(response.url).context["form"].initial  # handed over once
    assert login(world.dir_a).get(action).status_code == 404  # 胜利村's difference: not hers


def test_a_list_of_a_later_day_or_of_another_townships_village_is_refused_on_its_field(world, cast, login):
    client = login(world.staff)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    later = upload(client, world, HEADERS, dibao_rows(cast), as_of=tomorrow)
    assert later.status_code == 200 and later.context["form"].errors["as_of"] == ["名单日期不能晚于今天。"]
    elsewhere = upload(client, world, HEADERS, dibao_rows(cast), village=world.village_c)
    assert elsewhere.status_code == 200 and elsewhere.context["form"].errors["village"]  # not hers
    assert not DepartmentList.objects.exists()
    # The rule is the list's own, whatever writes it (the service calls it too).
    stray = DepartmentList(township=world.township, village=world.village_c, as_of=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        stray.clean()
    assert refused.value.message_dict == {"village": ["这个村不属于所选的乡镇。"]}
