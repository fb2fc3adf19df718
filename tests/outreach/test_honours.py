"""寻找"最美家庭" and the 三八红旗手（集体） roster (issue 17 part 2): the seed's conditions at their
boundaries, the notice's days, objections, confirmation, the scope, the ledgers out and back in,
the printed notice and the demo."""

from __future__ import annotations

import datetime as dt
import random
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from federation.core.rules import years_before
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from outreach.demo_honours import seed_honours
from outreach.honour_rules import in_notice, notice_ends_on
from outreach.honours import notice_confirm, notice_publish, objection_record
from outreach.models import (
    HonourNomination,
    HonourNotice,
    HonourObjection,
    NominationStatus,
    OutreachSettings,
    Petition,
    PetitionCategory,
    RedBannerAward,
)
from registry.models import LeftBehindChild
from tests.helpers.factories import HouseholdFactory, member
from tests.helpers.ledgers import edited_sheet, flat, import_refusal, pdf_text, workbook
from tests.helpers.outreach import TODAY, YEAR, nomination, petition, saved, visit

#: A notice that began a fortnight ago (of this year when the year is old enough, else of last year).
START = TODAY - dt.timedelta(days=14)


def proposal(w, **over) -> HonourNomination:
    """Return an unsaved proposal of village A's household, proposed today."""
    fields = {"village": w.village_a, "household": w.household_a, "year": YEAR, "proposed_on": TODAY}
    fields.update(headings=["filial"], story="照顾公婆")
    return HonourNomination(**{**fields, **over})


def refusals(record) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    return [m for messages in refused.value.message_dict.values() for m in messages]


def published(w, *families, starts_on=START, days=7) -> HonourNotice:
    return notice_publish(
        user=w.staff,
        township=w.township,
        year=starts_on.year,
        nominations=families,
        starts_on=starts_on,
        days=days,
        phone="0834-1234567",
    )


# -- the seed's conditions -----------------------------------------------------------------------------


def test_a_dispute_case_blocks_a_proposal_within_three_years_and_not_a_day_before(world):
    w = world
    husband = member(w.household_a, "spouse", "丈夫甲", dt.date(1985, 1, 1), sex="M")
    since = years_before(TODAY, 3)
    case = petition(
        w.village_a,
        person=husband,
        category=PetitionCategory.MARRIAGE_FAMILY,
        received_on=since + dt.timedelta(days=1),  # three years ago minus a day
        closed_on=since + dt.timedelta(days=5),
        summary="夫妻吵架要离婚",
    )
    messages = refusals(proposal(w))
    assert messages == [
        f"户主妇女A家庭成员丈夫甲 {case.received_on:%Y-%m-%d} 有家庭纠纷来访（编号 {case.pk}）。"
    ]
    assert "离婚" not in messages[0]  # the petition's text is never shown
    case.received_on = since  # the day three years before is within the three years
    case.save()
    assert len(refusals(proposal(w))) == 1
    case.received_on = since - dt.timedelta(days=1)  # three years ago plus a day
    case.save()
    proposal(w).full_clean()
    # The years are a setting of the year: with 5 the old case blocks again.
    OutreachSettings.objects.create(year=YEAR, honour_clean_years=5)
    assert len(refusals(proposal(w))) == 1


def test_each_condition_the_family_fails_is_named(world):
    w = world
    woman = w.woman_a
    petition(w.village_a, person=woman, received_on=TODAY - dt.timedelta(days=3000), category="property")
    petition(
        w.village_a,
        person=woman,
        category=PetitionCategory.DOMESTIC_VIOLENCE,
        closed_on=TODAY,
        summary="秘密",
    )
    child = member(w.household_a, "child", "儿子甲", dt.date(YEAR - 8, 3, 3), sex="M")
    LeftBehindChild.objects.create(
        person=child,
        parents_away="father",
        away_reason="detention",
        guardian_name="奶奶",
        guardian_relation="grandparent",
    )
    visit(woman, TODAY - dt.timedelta(days=20), visited_for="case_family")
    visit(woman, TODAY - dt.timedelta(days=10), visited_for="dispute_family")
    messages = " ".join(refusals(proposal(w)))
    assert "有未办结的来信来访" in messages  # an open case, however old
    assert "有家庭暴力来访" in messages and "秘密" not in messages
    assert "儿子甲" in messages and "看守所" in messages
    assert "作为涉案家庭走访过" in messages and "作为矛盾纠纷家庭走访过" in messages


def test_a_family_all_away_from_the_county_is_not_resident_and_one_of_another_village_is_refused(world):
    w = world
    assert refusals(proposal(w, headings=[])) == ["请至少选一个事迹类别。"]
    assert refusals(proposal(w, household=w.household_b)) == ["这一户不是红旗村的，只能推荐本村的家庭。"]
    w.woman_a.work_place = "out_province"
    w.woman_a.save()
    assert any("不是本县常驻家庭" in m for m in refusals(proposal(w)))


def test_a_director_proposes_on_her_phone_form_and_a_failure_is_on_the_field(world, login):
    w = world
    client = login(w.dir_a)
    data = {
        "village": w.village_a.pk,  # the page's hidden field (her one village)
        "household": w.household_a.pk,
        "year": YEAR,
        "proposed_on": TODAY.isoformat(),
        "headings": ["harmony", "neighbours"],
        "story": "夫妻和睦，常年帮邻居照看孩子。",
    }
    petition(w.village_a, person=w.woman_a, category=PetitionCategory.DOMESTIC_VIOLENCE, closed_on=TODAY)
    response = client.post(reverse("outreach:honournomination_create"), data)
    assert response.status_code == 200
    assert "家庭暴力来访" in response.context["form"].errors["household"][0]
    assert not HonourNomination.objects.exists()
    Petition.objects.all().delete()
    response = client.post(reverse("outreach:honournomination_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    made = HonourNomination.objects.get()
    assert made.headings == ["harmony", "neighbours"] and made.status == NominationStatus.PROPOSED
    assert made.history.latest().history_user == w.dir_a
    page = client.get(made.get_absolute_url()).content.decode()
    assert "夫妻和睦、邻里互助" in page and "在本县常住" in page


# -- the notice, objections, confirmation -----------------------------------------------------------------


def test_a_notice_runs_its_nth_day_and_is_confirmed_from_the_day_after(world):
    w = world
    family = nomination(w.household_a, proposed_on=START)
    notice = published(w, family, days=7)
    assert notice.ends_on == START + dt.timedelta(days=6) == notice_ends_on(starts_on=START, days=7)
    assert in_notice(notice=notice, on=notice.ends_on)
    assert not in_notice(notice=notice, on=notice.ends_on + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        notice_confirm(user=w.staff, notice=notice, on=notice.ends_on)
    next_day = notice.ends_on + dt.timedelta(days=1)
    assert refused.value.messages == [
        f"公示到 {notice.ends_on:%Y-%m-%d} 止（共 7 天），{next_day:%Y-%m-%d} 起才能确认。"
    ]
    family.refresh_from_db()
    assert family.status == NominationStatus.IN_NOTICE
    assert notice_confirm(user=w.staff, notice=notice, on=next_day) == 1
    family.refresh_from_db()
    assert (family.status, family.confirmed_on) == (NominationStatus.CONFIRMED, next_day)


def test_an_objection_is_taken_within_the_notice_and_an_upheld_one_withdraws_the_family(world):
    w = world
    kept, withdrawn = (
        nomination(w.household_a, proposed_on=START),
        nomination(w.household_b, proposed_on=START),
    )
    notice = published(w, kept, withdrawn)
    withdrawn.refresh_from_db()
    late = HonourObjection(
        nomination=withdrawn, received_on=notice.ends_on + dt.timedelta(days=1), content="x"
    )
    assert f"异议须在公示期内（{START:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}）收到。" in refusals(late)
    objection = objection_record(
        user=w.staff,
        objection=HonourObjection(
            nomination=withdrawn, received_on=notice.ends_on, content="邻居反映常打骂老人"
        ),
    )
    with pytest.raises(ValidationError) as refused:  # an objection not handled holds the confirmation
        notice_confirm(user=w.staff, notice=notice, on=TODAY)
    assert "对妇女B家庭的异议" in refused.value.messages[0]
    objection.outcome, objection.handling = HonourObjection.Outcome.UPHELD, "入户核实属实，撤销推荐。"
    objection.handled_on = TODAY
    objection_record(user=w.staff, objection=objection)
    withdrawn.refresh_from_db()
    assert withdrawn.status == NominationStatus.WITHDRAWN
    assert notice_confirm(user=w.staff, notice=notice, on=TODAY) == 1
    kept.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (kept.status, withdrawn.status) == (NominationStatus.CONFIRMED, NominationStatus.WITHDRAWN)
    with pytest.raises(ValidationError):  # confirmed once
        notice_confirm(user=w.staff, notice=notice, on=TODAY)


def test_publishing_judges_the_family_again_and_only_the_township_publishes(world, login):
    w = world
    family = nomination(w.household_a, proposed_on=START)
    petition(w.village_a, person=w.woman_a, received_on=START, category="other")  # open since
    with pytest.raises(ValidationError) as refused:
        published(w, family)
    assert "有未办结的来信来访" in refused.value.message_dict["nominations"][0]
    assert not HonourNotice.objects.exists()
    decline = reverse("outreach:honournomination_decline", args=[family.pk])
    client = login(w.dir_a)
    assert client.get(reverse("outreach:honournotice_create")).status_code == 404
    assert client.post(decline, {"reason": "x"}).status_code == 404
    # The township does not choose it, saying why (a reason is asked for).
    staff = login(w.staff)
    staff.post(decline, {"reason": ""})
    family.refresh_from_db()
    assert family.status == NominationStatus.PROPOSED
    staff.post(decline, {"reason": "家庭成员有未办结的来访"})
    family.refresh_from_db()
    assert (family.status, family.decision_note) == (NominationStatus.DECLINED, "家庭成员有未办结的来访")


def test_the_pages_take_a_family_from_notice_through_an_objection_to_confirmation(world, login):
    w = world
    family = nomination(w.household_a, proposed_on=START)
    client = login(w.staff)
    response = client.post(
        reverse("outreach:honournotice_create") + f"?year={START.year}",
        {"nominations": [family.pk], "starts_on": START.isoformat(), "days": 7, "phone": "110"},
    )
    notice = HonourNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    response = client.post(
        reverse("outreach:honourobjection_create", args=[family.pk]),
        {"received_on": (notice.ends_on + dt.timedelta(days=1)).isoformat(), "content": "反映"},
    )
    assert "异议须在公示期内" in str(response.context["form"].errors)
    client.post(
        reverse("outreach:honourobjection_create", args=[family.pk]),
        {"received_on": START.isoformat(), "raised_by": "村民", "content": "反映不孝"},
    )
    objection = HonourObjection.objects.get()
    confirm_page = client.get(reverse("outreach:honournotice_confirm", args=[notice.pk])).content.decode()
    assert "还没有核实处理" in confirm_page
    handled = client.post(
        reverse("outreach:honourobjection_handle", args=[objection.pk]),
        {
            "version": objection.version,
            "outcome": "rejected",
            "handling": "核实不属实",
            "handled_on": TODAY.isoformat(),
        },
    )
    assert handled.status_code == 302, handled.context["form"].errors
    confirm_page = client.get(reverse("outreach:honournotice_confirm", args=[notice.pk])).content.decode()
    assert "红旗村 妇女A家庭" in confirm_page and "还不能确认" not in confirm_page
    client.post(reverse("outreach:honournotice_confirm", args=[notice.pk]))
    family.refresh_from_db()
    assert family.status == NominationStatus.CONFIRMED
    assert family.history.latest().history_user == w.staff
    # The confirmed family's proposal cannot be edited or deleted by its village any more.
    director = login(w.dir_a)
    assert director.get(reverse("outreach:honournomination_update", args=[family.pk])).status_code == 404
    page = director.get(family.get_absolute_url()).content.decode()
    assert "反映不孝" in page and "核实不属实" in page and "村民" not in page  # who objected is kept back
    assert "村民" in login(w.staff).get(family.get_absolute_url()).content.decode()
    assert login(w.dir_b).get(family.get_absolute_url()).status_code == 404
    assert login(w.other_staff).get(notice.get_absolute_url()).status_code == 404


def test_the_printed_notice_names_the_families_and_the_days(world, login, tmp_path):
    w = world
    notice = published(w, nomination(w.household_a, proposed_on=START, headings=["filial", "thrift"]))
    response = login(w.county_viewer).get(reverse("outreach:honournotice_pdf", args=[notice.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.content)
    text = flat(pdf_text(path))
    assert f"幸福乡{START.year}年度“最美家庭”推荐对象公示" in text
    assert "妇女A家庭" in text and "孝老爱亲" in text and "勤俭持家" in text
    assert f"{notice.ends_on.month}月{notice.ends_on.day}日" in text and "0834-1234567" in text


# -- the ledgers --------------------------------------------------------------------------------------------


def _export(ledger: str, user, path, fmt="xlsx", year=YEAR):
    return export_build(
        ledger=get_ledger(ledger), user=user, fmt=fmt, filters=ExportFilters(year=year), path=path
    )


def test_the_list_of_families_comes_back_unchanged_and_the_county_exports_it(world, tmp_path):
    w = world
    second = nomination(
        member(w.household_a, "child", "女儿甲", dt.date(2001, 1, 1)).household, headings=["warmth"]
    )
    second.delete()  # one proposal a household a year: the second household is made below
    other = HouseholdFactory(village=w.village_a, group=w.group_a, number="0002")
    member(other, "head", "王秀英", dt.date(1970, 2, 2))
    nomination(w.household_a, headings=["harmony", "filial"])
    nomination(other, headings=["public_good"], story="=常年义务打扫村道")
    before = {(n.pk, n.version, tuple(n.headings), n.story) for n in HonourNomination.objects.all()}
    path = tmp_path / "honours.xlsx"
    _export("honours", w.dir_a, path)

    result = get_importer("honours")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert {(n.pk, n.version, tuple(n.headings), n.story) for n in HonourNomination.objects.all()} == before
    HonourNomination.objects.all().delete()
    result = get_importer("honours")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    assert result.ok and result.created == 2
    assert {(tuple(n.headings), n.story) for n in HonourNomination.objects.all()} == {
        (b[2], b[3]) for b in before
    }
    # The county reads and exports the township's list, in Excel and in PDF.
    county = tmp_path / "county.xlsx"
    _export("honours", w.county_viewer, county)
    sheet = workbook(county.read_bytes()).active
    assert "“最美家庭”推荐名单" in str(sheet["A1"].value)
    assert [sheet.cell(row, 4).value for row in (4, 5)] == ["妇女A", "王秀英"]
    pdf = tmp_path / "county.pdf"
    _export("honours", w.county_viewer, pdf, fmt="pdf")
    assert "王秀英" in flat(pdf_text(pdf))


def test_a_file_with_bad_rows_names_every_one_and_writes_nothing(world, tmp_path):
    w = world
    for number in ("0002", "0003", "0004"):
        member(
            HouseholdFactory(village=w.village_a, group=w.group_a, number=number),
            "head",
            f"户主{number}",
            dt.date(1970, 1, 1),
        )
    for household in w.village_a.households.all():
        nomination(household)
    path = tmp_path / "honours.xlsx"
    _export("honours", w.dir_a, path)
    HonourNomination.objects.all().delete()
    with edited_sheet(path) as (ws, header):
        ws.cell(4, header["户号"]).value = "9999"
        ws.cell(5, header["事迹类别"]).value = "夫妻和睦、勤劳致富"
        ws.cell(6, header["户主"]).value = "张冒名"
        ws.cell(7, header["推荐日期"]).value = TODAY + dt.timedelta(days=1)

    result = get_importer("honours")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    rows, text = import_refusal(result)

    assert not result.ok and rows == [4, 5, 6, 7]
    assert "9999" in text and "勤劳致富" in text and "张冒名" in text and "推荐日期不能晚于今天" in text
    assert not HonourNomination.objects.exists()


def test_a_family_on_a_notice_is_changed_neither_by_a_file_nor_by_its_form(world, tmp_path, login):
    w = world
    family = nomination(w.household_a, proposed_on=START)
    path = tmp_path / "honours.xlsx"
    _export("honours", w.dir_a, path)
    published(w, family)
    with edited_sheet(path) as (ws, header):
        ws.cell(4, header["主要事迹"]).value = "改写的事迹"

    result = get_importer("honours")(w.village_a, user=w.dir_a, year=START.year).import_file(path)

    assert not result.ok
    assert [(e.column, e.reason) for e in result.errors] == [
        ("主要事迹", f"{family.family_label}已公示中，不能再修改。")
    ]
    family.refresh_from_db()
    assert family.story != "改写的事迹"
    edit = reverse("outreach:honournomination_update", args=[family.pk])
    assert login(w.dir_a).get(edit).status_code == 404


def award(w, **fields) -> RedBannerAward:
    """Return an unsaved award of village A of this year."""
    fields = {"kind": "person", "level": "county", "year": YEAR, "document": "示妇发(2026)3号", **fields}
    return RedBannerAward(township=w.township, village=w.village_a, **fields)


def test_the_roster_comes_back_unchanged_and_her_file_shows_her_award(world, tmp_path, login):
    w = world
    saved(award(w, person=w.woman_a))
    saved(award(w, kind="collective", name="红旗村妇联", level="city"))
    before = {(a.pk, a.version, a.person_id, a.name) for a in RedBannerAward.objects.all()}
    path = tmp_path / "red.xlsx"
    _export("red_banner", w.dir_a, path)
    result = get_importer("red_banner")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    assert result.ok and result.unchanged == 2, result.errors
    assert {(a.pk, a.version, a.person_id, a.name) for a in RedBannerAward.objects.all()} == before
    RedBannerAward.objects.all().delete()
    result = get_importer("red_banner")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    assert result.ok and result.created == 2  # 妇女A found again among the village's residents
    assert {(a.person_id, a.name) for a in RedBannerAward.objects.all()} == {b[2:] for b in before}
    assert refusals(award(w, kind="collective", person=w.woman_a, name="x")) == [
        "三八红旗集体不选获奖人，请填集体名称。"
    ]
    assert refusals(award(w, person=w.woman_b)) == ["妇女B 不是红旗村的居民。"]
    nomination(w.household_a)
    page = login(w.dir_a).get(w.woman_a.get_absolute_url()).content.decode()
    assert f"{YEAR} 年度县级三八红旗手" in page and f"{YEAR} 年度“最美家庭”推荐" in page
    assert login(w.dir_b).get(w.woman_a.get_absolute_url()).status_code == 404


def _exported_with_the_pages_filters(client, list_url: str, ledger: str, user, path) -> list[str]:
    """Open the list at ``list_url``, follow its Excel button's filters into an export; its names."""
    html = client.get(list_url).content.decode()
    href = re.search(r'href="([^"]*)" data-export="xlsx"', html).group(1).replace("&amp;", "&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    export_build(
        ledger=get_ledger(ledger), user=user, fmt="xlsx", filters=ExportFilters.from_query(query), path=path
    )
    sheet = workbook(path.read_bytes()).active
    return [row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]


def test_the_export_buttons_keep_the_lists_status_and_level(world, tmp_path, login):
    w = world
    other = HouseholdFactory(village=w.village_a, group=w.group_a, number="0002")
    member(other, "head", "王秀英", dt.date(1970, 2, 2))
    nomination(w.household_a)
    nomination(other, status=NominationStatus.DECLINED, decision_note="名额已满")
    saved(award(w, person=w.woman_a))
    saved(award(w, kind="collective", name="红旗村妇联", level="city"))
    client = login(w.staff)

    families = reverse("outreach:honournomination_list") + "?status=declined"
    assert _exported_with_the_pages_filters(client, families, "honours", w.staff, tmp_path / "h.xlsx") == [
        "王秀英"
    ]
    awards = reverse("outreach:redbanneraward_list") + "?level=city"
    names = _exported_with_the_pages_filters(client, awards, "red_banner", w.staff, tmp_path / "r.xlsx")
    assert names == ["红旗村妇联"]


# -- the demo ---------------------------------------------------------------------------------------------


def test_the_demo_holds_proposals_a_notice_with_an_objection_handled_and_a_roster(world):
    w = world
    for index in range(6):
        village = (w.village_a, w.village_b)[index % 2]
        household = HouseholdFactory(village=village, group=village.groups.first(), number=f"01{index:02d}")
        member(household, "head", f"示范户主{index}", dt.date(1968, 1, index + 1))
    today = dt.date(YEAR - 1, 11, 20)
    created = seed_honours(
        rng=random.Random(3), township=w.township, villages=[w.village_a, w.village_b], today=today
    )
    assert created == (
        HonourNomination.objects.count()
        + HonourNotice.objects.count()
        + HonourObjection.objects.count()
        + RedBannerAward.objects.count()
    )
    statuses = set(HonourNomination.objects.values_list("status", flat=True))
    assert {NominationStatus.CONFIRMED, NominationStatus.PROPOSED} <= statuses
    assert HonourObjection.objects.exclude(outcome="").count() == 1
    assert (
        RedBannerAward.objects.filter(kind="collective").exists()
        and RedBannerAward.objects.filter(kind="person").exists()
    )
    for model in (HonourNomination, HonourNotice, HonourObjection, RedBannerAward):
        for record in model.objects.all():
            record.full_clean()
    assert (
        seed_honours(
            rng=random.Random(3), township=w.township, villages=[w.village_a, w.village_b], today=today
        )
        == 0
    )


def test_the_api_holds_a_proposal_to_the_same_rules(world):
    from rest_framework.test import APIClient

    from federation.api.tokens import token_create

    w = world
    client = APIClient()
    _token, text = token_create(user=w.dir_a, name="测试")
    client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    petition(w.village_a, person=w.woman_a, category=PetitionCategory.DOMESTIC_VIOLENCE, closed_on=TODAY)
    data = {
        "village": w.village_a.pk,
        "household": w.household_a.pk,
        "year": YEAR,
        "proposed_on": TODAY.isoformat(),
        "headings": ["harmony"],
        "story": "夫妻和睦",
    }
    refused = client.post("/api/v1/honours/", data, format="json")
    assert refused.status_code == 400
    assert "家庭暴力来访" in refused.json()["errors"]["household"][0]
    assert not HonourNomination.objects.exists()
    Petition.objects.all().delete()
    made = client.post("/api/v1/honours/", data, format="json")
    assert made.status_code == 201, made.json()
    assert HonourNomination.objects.get().history.latest().history_user == w.dir_a
