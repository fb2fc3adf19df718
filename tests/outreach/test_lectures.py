"""Lectures and training (issue 17 part 3): the session's rules at their boundaries, its scope, the
progress against the year's targets, the attendance ledger out and back in, the sign-in sheet, the
person file and the demo."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from federation.core import history
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from outreach.demo_lectures import seed_lectures
from outreach.lectures import lecture_progress
from outreach.models import Lecture, LectureKind, LectureTarget
from outreach.services import lecture_save
from tests.helpers.factories import member
from tests.helpers.ledgers import edited_sheet, import_refusal, workbook

TODAY = timezone.localdate()
YEAR = TODAY.year
DAY = min(dt.date(YEAR, 1, 10), TODAY)


def unsaved_lecture(
    w, village=None, *, kind="law", held_on=DAY, place="村", speaker="王", topic="普法", **fields
) -> Lecture:
    """Return an unsaved session of ``village`` (the township's when None): a 普法 talk by 王 unless told."""
    return Lecture(
        township=w.township,
        village=village,
        kind=kind,
        held_on=held_on,
        place=place,
        speaker=speaker,
        topic=topic,
        **fields,
    )


def session(
    w, *, village=None, attendees=(), unnamed=0, kind=LectureKind.FAMILY_EDUCATION, topic="家教讲座", **kw
):
    """Return a saved session of ``village`` (the township's when None) with ``attendees``."""
    lecture = unsaved_lecture(
        w, village, kind=kind, place="村活动室", speaker="李老师", topic=topic, unnamed_count=unnamed, **kw
    )
    lecture.full_clean()
    history.save(lecture, actor=None)
    lecture.attendees.set(attendees)
    return lecture


def form_data(w, **over):
    data = {
        "township": w.township.pk,
        "village": w.village_a.pk,
        "kind": LectureKind.FAMILY_EDUCATION,
        "held_on": DAY.isoformat(),
        "place": "红旗村妇女之家",
        "speaker": "李老师",
        "topic": "如何与留守孩子沟通",
        "attendees": [w.woman_a.pk],
        "unnamed_count": "12",
        "notes": "",
    }
    data.update(over)
    return data


# -- the rules ---------------------------------------------------------------------------------------


def test_a_session_today_is_recorded_and_one_tomorrow_is_refused(world):
    w = world
    today = unsaved_lecture(w, w.village_a, held_on=TODAY)
    today.full_clean()
    tomorrow = unsaved_lecture(w, w.village_a, held_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        tomorrow.full_clean()
    assert "日期不能晚于今天" in refused.value.message_dict["held_on"][0]


def test_a_count_below_zero_is_refused_on_its_field_and_zero_is_taken(world, login):
    w = world
    client = login(w.dir_a)
    url = reverse("outreach:lecture_create")
    response = client.post(url, form_data(w, unnamed_count="-1"))
    assert response.status_code == 200
    assert "未登记姓名的参加人数不能小于 0。" in response.context["form"].errors["unnamed_count"]
    assert not Lecture.objects.exists()
    response = client.post(url, form_data(w, unnamed_count="0"))
    assert response.status_code == 302
    assert Lecture.objects.get().total() == 1


def test_an_attendee_of_another_village_is_refused_by_name(world, login):
    w = world
    client = login(w.staff)
    response = client.post(
        reverse("outreach:lecture_create"), form_data(w, attendees=[w.woman_a.pk, w.woman_b.pk])
    )
    assert response.status_code == 200
    assert any("妇女B 不是红旗村的居民" in e for e in response.context["form"].errors["attendees"])
    assert not Lecture.objects.exists()
    # The service holds to the same rule (a forged form, a script).
    lecture = unsaved_lecture(w, w.village_a)
    with pytest.raises(ValidationError) as refused:
        lecture_save(user=w.staff, instance=lecture, attendees=[w.woman_b], expected_version=None)
    assert refused.value.message_dict["attendees"] == [
        "妇女B 不是红旗村的居民：村里的讲座只登记本村的参加人员，其他人计入未登记人数。"
    ]
    assert not Lecture.objects.exists()
    # A township's session takes the residents of its villages, not of another township.
    lecture = unsaved_lecture(w, place="乡")
    with pytest.raises(ValidationError) as refused:
        lecture_save(user=w.staff, instance=lecture, attendees=[w.woman_a, w.woman_c], expected_version=None)
    assert refused.value.message_dict["attendees"] == ["妇女C 不是幸福乡的居民。"]


def test_an_attendee_key_past_any_integer_is_refused_on_its_field_not_with_a_500(world, login):
    """A forged key too large for the database (SQLite raised on it) is an unknown choice like any other."""
    w = world
    client = login(w.dir_a)
    huge = "77511621117173045395456"
    response = client.post(reverse("outreach:lecture_create"), form_data(w, attendees=[w.woman_a.pk, huge]))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"] == [f"所选的“{huge}”不在可选的范围内，请重新选择。"]
    assert not Lecture.objects.exists()


def test_the_total_is_the_named_and_the_counted(world, login):
    w = world
    second = member(w.household_a, "child", "女儿A", dt.date(2000, 3, 3))
    client = login(w.dir_a)
    response = client.post(
        reverse("outreach:lecture_create"), form_data(w, attendees=[w.woman_a.pk, second.pk])
    )
    assert response.status_code == 302
    lecture = Lecture.objects.get()
    assert set(lecture.attendees.all()) == {w.woman_a, second}
    assert lecture.total() == 14
    page = client.get(lecture.get_absolute_url()).content.decode()
    assert "共 14 人：登记姓名 2 人，未登记姓名 12 人" in page
    # Who attended is kept in the session's history, with who recorded it.
    latest = lecture.history.order_by("-history_id").first()
    assert set(latest.attendees.values_list("person_id", flat=True)) == {w.woman_a.pk, second.pk}
    assert latest.history_user == w.dir_a


# -- the scope ---------------------------------------------------------------------------------------


def test_a_director_sees_her_village_and_the_township_and_changes_only_hers(world, login):
    w = world
    of_a = session(w, village=w.village_a, topic="红旗村讲座")
    of_b = session(w, village=w.village_b, topic="胜利村讲座")
    of_township = session(w, topic="全乡讲座")
    client = login(w.dir_a)
    listed = client.get(reverse("outreach:lecture_list")).content.decode()
    assert "红旗村讲座" in listed and "全乡讲座" in listed and "胜利村讲座" not in listed
    assert client.get(of_b.get_absolute_url()).status_code == 404
    assert client.get(reverse("outreach:lecture_signin_of", args=[of_b.pk])).status_code == 404
    assert client.get(reverse("outreach:lecture_update", args=[of_a.pk])).status_code == 200
    assert client.get(reverse("outreach:lecture_update", args=[of_township.pk])).status_code == 404
    assert login(w.other_staff).get(of_a.get_absolute_url()).status_code == 404
    assert login(w.county_viewer).get(of_a.get_absolute_url()).status_code == 200


# -- progress ----------------------------------------------------------------------------------------


def test_progress_counts_each_unit_against_its_target(world, login):
    w = world
    LectureTarget.objects.create(township=w.township, year=YEAR, kind="family_education", sessions=3)
    LectureTarget.objects.create(
        township=w.township, village=w.village_a, year=YEAR, kind="family_education", sessions=2
    )
    session(w, village=w.village_a)
    session(w, village=w.village_b, topic="胜利村")
    session(w, topic="全乡")
    session(w, village=w.village_a, kind="law", topic="普法")
    session(w, village=w.village_a, held_on=dt.date(YEAR - 1, 12, 31), topic="去年")  # another year

    kinds, rows = lecture_progress(user=w.staff, year=YEAR)
    assert [k for k, _label in kinds] == ["family_education", "law"]
    table = {row.label: row.cells for row in rows}
    assert table == {
        "幸福乡（全乡镇）": {"family_education": (3, 3), "law": (1, None)},
        "红旗村": {"family_education": (1, 2), "law": (1, None)},
        "胜利村": {"family_education": (1, None), "law": (0, None)},
    }
    # A director sees her village's figures, not the township's whole.
    _kinds, rows = lecture_progress(user=w.dir_a, year=YEAR)
    assert [row.label for row in rows] == ["红旗村"]
    page = login(w.staff).get(reverse("outreach:lecture_progress"), {"year": YEAR}).content.decode()
    assert "3 / 3" in page and "1 / 2" in page


def test_a_target_is_set_once_a_unit_kind_and_year(world):
    w = world
    LectureTarget.objects.create(township=w.township, village=w.village_a, year=YEAR, kind="law", sessions=2)
    again = LectureTarget(township=w.township, village=w.village_a, year=YEAR, kind="law", sessions=4)
    with pytest.raises(ValidationError) as refused:
        again.full_clean()
    assert "红旗村" in refused.value.message_dict["kind"][0]


# -- the ledger, out and back in ---------------------------------------------------------------------


def _export(user, path):
    ledger = get_ledger("lectures")
    return export_build(ledger=ledger, user=user, fmt="xlsx", filters=ExportFilters(year=YEAR), path=path)


def test_the_attendance_ledger_comes_back_unchanged(world, tmp_path):
    w = world
    namesake = member(w.household_a, "child", "妇女A", dt.date(2001, 4, 4))  # two residents named 妇女A
    session(w, village=w.village_a, attendees=[w.woman_a, namesake], unnamed=7)
    session(w, village=w.village_a, kind="skills", topic="技能培训", attendees=[], unnamed=20)
    before = {
        (lec.pk, lec.version, frozenset(lec.attendees.values_list("pk", flat=True)))
        for lec in Lecture.objects.all()
    }
    path = tmp_path / "lectures.xlsx"
    _export(w.dir_a, path)

    result = get_importer("lectures")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    after = {
        (lec.pk, lec.version, frozenset(lec.attendees.values_list("pk", flat=True)))
        for lec in Lecture.objects.all()
    }
    assert after == before
    # The same file into an empty township makes the same sessions.
    Lecture.objects.all().delete()
    result = get_importer("lectures")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    assert result.ok and result.created == 2
    assert {frozenset(lec.attendees.values_list("pk", flat=True)) for lec in Lecture.objects.all()} == {
        frozenset({w.woman_a.pk, namesake.pk}),
        frozenset(),
    }
    assert sorted(lec.total() for lec in Lecture.objects.all()) == [9, 20]


def _three_sessions_exported(w, tmp_path):
    """Return the ledger file of three sessions of village A (家教讲座 with 妇女A, 普法, 技能), which are
    then deleted: rows 4, 5 and 6 of its sheet, for a test to edit and import."""
    session(w, village=w.village_a, attendees=[w.woman_a], unnamed=3)
    session(w, village=w.village_a, kind="law", topic="普法", unnamed=5)
    session(w, village=w.village_a, kind="skills", topic="技能", unnamed=5)
    path = tmp_path / "lectures.xlsx"
    _export(w.dir_a, path)
    Lecture.objects.all().delete()
    return path


def test_a_file_with_bad_rows_names_every_one_and_writes_nothing(world, tmp_path):
    w = world
    path = _three_sessions_exported(w, tmp_path)
    with edited_sheet(path) as (ws, header):
        ws.cell(4, header["参加人员（已登记）"]).value = "妇女B"  # of another village
        ws.cell(5, header["未登记人数"]).value = -2
        ws.cell(6, header["日期"]).value = TODAY + dt.timedelta(days=1)

    result = get_importer("lectures")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    rows, text = import_refusal(result)

    assert not result.ok and rows == [4, 5, 6]
    assert "妇女B" in text and "不能小于 0" in text and "不能晚于今天" in text
    assert not Lecture.objects.exists()


def test_the_organiser_column_takes_the_village_and_its_township_only_from_who_keeps_it(world, tmp_path):
    w = world
    path = _three_sessions_exported(w, tmp_path)
    with edited_sheet(path) as (ws, header):
        ws.cell(4, header["组织单位"]).value = ""  # blank: the importer's village
        ws.cell(5, header["组织单位"]).value = w.township.name
        ws.cell(6, header["组织单位"]).value = w.village_b.name

    result = get_importer("lectures")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    rows, text = import_refusal(result)
    assert not result.ok and rows == [5, 6]
    assert "乡镇组织的讲座培训由乡镇妇联登记，村里只能导入本村的。" in text
    assert f"“{w.village_b.name}”不是{w.village_a.name}或{w.township.name}" in text
    assert not Lecture.objects.exists()

    # The township's staff keep the township's own sessions: the same file, but the other village.
    with edited_sheet(path) as (ws, header):
        ws.cell(6, header["组织单位"]).value = w.village_a.name
    result = get_importer("lectures")(w.village_a, user=w.staff, year=YEAR).import_file(path)
    assert result.ok, result.errors
    assert sorted((lec.topic, lec.village_id) for lec in Lecture.objects.all()) == [
        ("家教讲座", w.village_a.pk),
        ("技能", w.village_a.pk),
        ("普法", None),
    ]


# -- the sign-in sheet, the person file, the demo ------------------------------------------------------


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_sign_in_sheet_prints_the_named_and_blank_lines(world, login, tmp_path):
    w = world
    lecture = session(w, village=w.village_a, attendees=[w.woman_a], unnamed=4)
    client = login(w.dir_a)
    response = client.get(reverse("outreach:lecture_signin_of", args=[lecture.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "红旗村家庭教育讲座签到表" in text and "妇女A" in text and "红旗村一组" in text
    assert "5" in text.split("本人签名", 1)[1]  # one named line and four blank ones
    # Before the session: a blank sheet of a date to come, nothing saved.
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    params = {
        "print": "1",
        "village": w.village_a.pk,
        "kind": "law",
        "held_on": future,
        "topic": "送法下村",
        "lines": 8,
    }
    response = client.get(reverse("outreach:lecture_signin"), params)
    assert response["Content-Type"] == "application/pdf"
    assert "红旗村普法签到表" in _pdf_text(response.content, tmp_path)
    # Another village is no choice of hers.
    params["village"] = w.village_b.pk
    assert client.get(reverse("outreach:lecture_signin"), params)["Content-Type"].startswith("text/html")


def test_her_file_lists_the_sessions_she_attended(world, login):
    w = world
    session(w, village=w.village_a, attendees=[w.woman_a], topic="好家风好家训")
    page = login(w.dir_a).get(w.woman_a.get_absolute_url()).content.decode()
    assert "参加的讲座培训" in page and "好家风好家训" in page
    # Another village's director does not see her file, nor the session through it.
    assert login(w.dir_b).get(w.woman_a.get_absolute_url()).status_code == 404


def test_the_demo_holds_twelve_sessions_of_the_year_with_attendees(world):
    w = world
    for index in range(8):
        member(w.household_a, "child", f"居民{index}", dt.date(1990, 1, index + 1))
    created = seed_lectures(
        rng=__import__("random").Random(1),
        township=w.township,
        villages=[w.village_a, w.village_b],
        today=TODAY,
    )
    lectures = Lecture.objects.filter(held_on__year=YEAR)
    assert lectures.count() == 12 and created == 12 + 2 + 2
    assert lectures.filter(attendees__isnull=False).distinct().count() >= 6
    for lecture in lectures:
        lecture.full_clean()


def test_the_api_holds_a_session_to_the_same_rules_and_saves_its_attendees(world):
    from rest_framework.test import APIClient

    from federation.api.tokens import token_create

    w = world
    client = APIClient()
    _token, text = token_create(user=w.staff, name="测试")  # she sees both villages' residents
    client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    data = form_data(w, attendees=[w.woman_a.pk, w.woman_b.pk])
    refused = client.post("/api/v1/lectures/", data, format="json")
    assert refused.status_code == 400
    assert any("妇女B 不是红旗村的居民" in m for m in refused.json()["errors"]["attendees"])
    assert not Lecture.objects.exists()
    data["attendees"] = [w.woman_a.pk]
    made = client.post("/api/v1/lectures/", data, format="json")
    assert made.status_code == 201, made.json()
    lecture = Lecture.objects.get()
    assert list(lecture.attendees.all()) == [w.woman_a] and lecture.total() == 13
    assert lecture.history.order_by("-history_id").first().history_user == w.staff


def test_a_directors_ledger_names_only_her_villages_attendees_of_a_township_session(world, tmp_path):
    w = world
    session(w, attendees=[w.woman_a, w.woman_b], unnamed=2, topic="全乡普法")
    path = tmp_path / "lectures.xlsx"
    _export(w.dir_a, path)
    ws = workbook(path.read_bytes()).active
    header = {cell.value: cell.column for cell in ws[3]}
    row = [ws.cell(4, header[name]).value for name in ("参加人员（已登记）", "登记人数", "合计人数")]
    assert row == ["妇女A（红旗村一组）", 2, 4]
