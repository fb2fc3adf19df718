"""Aid programmes and pairings (issue 17 part 4): each rule at its boundary (which register of which
year feeds 春蕾计划, 贫困母亲 and a pairing), the scope, the ledgers out and back in, a file with bad
rows, the person file and the demo."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from federation.core import history
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from federation.ledgers.imports.templates import template_bytes
from registry import aid
from registry.demo_aid import seed_aid
from registry.models import AidKind, AidRecord, Pairing, PairingFollowUp, PairingKind
from tests.helpers.factories import member
from tests.helpers.ledgers import edited_sheet, import_refusal, pdf_text, workbook
from tests.helpers.registers import YEAR, a_child, make_record

DAY = dt.date(YEAR, 3, 20)
SHOTS = Path("/tmp/aid-shots")


def saved(record):
    record.full_clean()
    history.save(record, actor=None)
    return record


def spring_bud(person, **over) -> AidRecord:
    fields = {
        "kind": AidKind.SPRING_BUD,
        "year": YEAR,
        "school_year": YEAR - 1,
        "given_on": DAY,
        "amount": 800,
    }
    return AidRecord(person=person, **{**fields, **over})


def pairing(person, **over) -> Pairing:
    fields = {
        "kind": PairingKind.CARING_MOTHER,
        "helper_name": "刘芳",
        "helper_unit": "乡中心校",
        "since": DAY,
        "helper_phone": "13908765432",
    }
    return Pairing(person=person, **{**fields, **over})


def messages(record) -> str:
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return " ".join(caught.value.messages)


@pytest.fixture
def girl(world):
    """A girl of village A on the left-behind children's register of ``YEAR``."""
    return make_record("leftbehindchild", world.village_a, "小花").person


# -- the rules ---------------------------------------------------------------------------------------


def test_a_spring_bud_girl_is_on_a_childrens_register_of_that_year(world, girl):
    spring_bud(girl).full_clean()  # on the left-behind children's register of YEAR
    text = messages(spring_bud(girl, year=YEAR - 1, school_year=YEAR - 2, given_on=dt.date(YEAR - 1, 9, 1)))
    assert f"在 {YEAR - 1} 年度不在留守儿童、特殊困难儿童台账上" in text and "农村贫困妇女台账" in text
    orphan = make_record("hardshipchild", world.village_a).person
    spring_bud(orphan).full_clean()
    boy = make_record("leftbehindchild", world.village_a, "小明").person
    boy.sex = "M"
    assert "只资助女童" in messages(spring_bud(boy))


def test_a_spring_bud_girl_of_a_poor_womans_household_is_taken_and_one_of_sixteen_is_not(world):
    mother = make_record("poorwoman", world.village_a).person
    daughter = member(mother.household, "child", "小丽", dt.date(YEAR - 10, 1, 1))
    spring_bud(daughter).full_clean()
    older = member(mother.household, "child", "大丽", dt.date(YEAR - 16, 3, 20))  # 16 on the day given
    assert "不满 16 周岁" in messages(spring_bud(older))
    older.birth_date = dt.date(YEAR - 16, 3, 21)  # 16 the day after
    spring_bud(older).full_clean()
    # Not a poor woman's household, on no children's register: refused, the register and year named.
    assert f"在 {YEAR} 年度不在" in messages(spring_bud(a_child(world.village_a)))


def test_a_school_year_is_the_year_or_the_one_before_and_something_is_given(world, girl):
    spring_bud(girl, school_year=YEAR).full_clean()
    assert "学年" in messages(spring_bud(girl, school_year=YEAR - 2))
    assert "请填写金额或物品" in messages(spring_bud(girl, amount=None, goods=""))
    spring_bud(girl, amount=None, goods="书包").full_clean()


def test_a_poor_mother_is_on_the_poor_womens_register_that_year(world):
    entry = make_record("poorwoman", world.village_a)
    help_ = AidRecord(kind=AidKind.POOR_MOTHER, person=entry.person, year=YEAR, given_on=DAY, amount=1000)
    help_.full_clean()
    help_.year, help_.given_on = YEAR - 1, dt.date(YEAR - 1, 6, 1)
    assert f"在 {YEAR - 1} 年度不在农村贫困妇女台账上" in messages(help_)
    # An entry that ended on the day it was entered never was on the register.
    entry.exited_on, entry.exit_reason = entry.entered_on, "moved_away"
    entry.save()
    help_.year, help_.given_on = YEAR, DAY
    assert "不在农村贫困妇女台账上" in messages(help_)


def test_a_pairing_needs_its_register_in_its_start_year_or_the_one_before(world, girl):
    pairing(girl).full_clean()
    january = pairing(girl, since=dt.date(YEAR + 1, 1, 5))  # the next year: the year before counts
    assert aid.pairing_problems(pairing=january, today=dt.date(YEAR + 1, 1, 31)) == []
    text = messages(pairing(girl, since=dt.date(YEAR + 2, 1, 5)))
    assert f"在 {YEAR + 2} 年度和上一年度都不在留守儿童、特殊困难儿童台账上" in text
    poor = make_record("poorwoman", world.village_a).person
    pairing(poor, kind=PairingKind.PAIRED).full_clean()
    assert "爱心妈妈只结对这些台账上的人" in messages(pairing(poor, kind=PairingKind.CARING_MOTHER))
    assert "结束日期不能早于结对日期" in messages(pairing(girl, until=DAY - dt.timedelta(days=1)))


def test_a_follow_up_lies_within_its_pairing_and_says_something(world, girl):
    paired = saved(pairing(girl, until=dt.date(YEAR, 6, 30)))
    PairingFollowUp(pairing=paired, on=DAY, hours=Decimal(2)).full_clean()
    assert "不能早于结对日期" in messages(
        PairingFollowUp(pairing=paired, on=DAY - dt.timedelta(days=1), hours=2)
    )
    assert "已于" in messages(PairingFollowUp(pairing=paired, on=dt.date(YEAR, 7, 1), note="看望"))
    assert "至少填写" in messages(PairingFollowUp(pairing=paired, on=DAY))
    assert "不能为负数" in messages(PairingFollowUp(pairing=paired, on=DAY, money=Decimal(-1)))


# -- the pages and the scope ---------------------------------------------------------------------------


def test_the_form_names_the_register_on_the_field_and_a_director_writes_only_her_village(world, login, girl):
    client = login(world.dir_a)
    other = a_child(world.village_a, "小草")
    data = {"kind": "caring_mother", "person": other.pk, "helper_name": "刘芳", "since": DAY.isoformat()}
    data["helper_phone"] = "13908765432"
    response = client.post(reverse("registry:pairing_create"), data)
    assert response.status_code == 200 and "不在留守儿童、特殊困难儿童台账上" in response.content.decode()
    response = client.post(reverse("registry:pairing_create"), {**data, "person": girl.pk})
    record = Pairing.objects.get()
    assert response.status_code == 302 and record.history.count() == 1
    # The other village's director: 404 on the page, and the person is no choice of hers.
    other_client = login(world.dir_b)
    assert other_client.get(record.get_absolute_url()).status_code == 404
    other_client.post(reverse("registry:pairing_create"), {**data, "person": girl.pk, "helper_name": "王"})
    assert Pairing.objects.count() == 1
    # The county reads it, the helper's phone masked, and cannot add a follow-up.
    response = login(world.county_viewer).get(record.get_absolute_url())
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "139****5432" in page and "13908765432" not in page and "记录跟进" not in page


def test_the_admin_refuses_a_grant_by_the_same_rule_on_its_page(world, login):
    child = a_child(world.village_a, "小草")  # on no register
    data = {"kind": "spring_bud", "person": child.pk, "year": YEAR, "school_year": YEAR - 1}
    data |= {"given_on": DAY.isoformat(), "amount": "800"}
    response = login(world.staff).post(reverse("admin:registry_aidrecord_add"), data)
    assert response.status_code == 200 and f"在 {YEAR} 年度不在留守儿童" in response.content.decode()
    assert not AidRecord.objects.exists()


def test_her_file_shows_her_aid_and_pairings_with_their_follow_ups(world, login, girl):
    saved(spring_bud(girl))
    paired = saved(pairing(girl))
    saved(PairingFollowUp(pairing=paired, on=DAY, money=Decimal(200), note="送书包"))
    page = login(world.dir_a).get(girl.get_absolute_url()).content.decode()
    assert "资助和结对帮扶" in page and f"{YEAR}年 春蕾计划" in page and f"{YEAR - 1}—{YEAR}学年" in page
    assert "爱心妈妈：刘芳" in page and "跟进 1 次" in page
    assert login(world.dir_b).get(girl.get_absolute_url()).status_code == 404


# -- the ledgers -------------------------------------------------------------------------------------


def _export(user, name, path, fmt="xlsx"):
    ledger = get_ledger(name)
    return export_build(ledger=ledger, user=user, fmt=fmt, filters=ExportFilters(year=YEAR), path=path)


def _records(model):
    return {(r.pk, r.version) for r in model.objects.all()}


@pytest.mark.parametrize("name,model", [("aid_records", AidRecord), ("pairings", Pairing)])
def test_each_ledger_comes_back_unchanged_and_into_an_empty_village_the_same(
    world, girl, tmp_path, name, model
):
    w = world
    poor = make_record("poorwoman", w.village_a).person
    saved(spring_bud(girl, goods="书包"))
    saved(
        AidRecord(kind=AidKind.POOR_MOTHER, person=poor, year=YEAR, given_on=DAY, amount=1500, goods="米、油")
    )
    paired = saved(pairing(girl, until=dt.date(YEAR, 11, 30)))
    saved(pairing(poor, kind=PairingKind.PAIRED, helper_name="周敏", helper_phone=""))
    saved(PairingFollowUp(pairing=paired, on=DAY, money=Decimal(300), hours=Decimal("2.5")))
    before = _records(model)
    path = tmp_path / f"{name}.xlsx"
    _export(w.dir_a, name, path)
    rows = workbook(path.read_bytes()).active
    assert "合计" in " ".join(str(c.value) for row in rows.iter_rows() for c in row if c.value)

    result = get_importer(name)(w.village_a, user=w.dir_a, year=YEAR).import_file(path)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert _records(model) == before
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
    kept = sorted(model.objects.values_list(*fields))
    PairingFollowUp.objects.all().delete()
    model.objects.all().delete()
    result = get_importer(name)(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    assert result.ok and result.created == 2
    assert sorted(model.objects.values_list(*fields)) == kept
    # The template to fill by hand is the same layout, with its explanation sheet.
    template = workbook(template_bytes(get_importer(name), user=w.dir_a, village=w.village_a, year=YEAR))
    assert "姓名" in [c.value for c in template.worksheets[0][3]] and len(template.worksheets) == 2


def test_a_file_with_bad_rows_names_every_one_and_writes_nothing(world, girl, tmp_path):
    w = world
    poor = make_record("poorwoman", w.village_a).person
    saved(spring_bud(girl))
    saved(AidRecord(kind=AidKind.POOR_MOTHER, person=poor, year=YEAR, given_on=DAY, amount=1500))
    saved(spring_bud(make_record("hardshipchild", w.village_a).person))
    path = tmp_path / "aid.xlsx"
    _export(w.dir_a, "aid_records", path)
    AidRecord.objects.all().delete()
    with edited_sheet(path) as (ws, header):
        ws.cell(4, header["项目"]).value = "春蕾计划"  # the poor mother: no girl of a children's register
        ws.cell(5, header["学年"]).value = "明年"
        ws.cell(6, header["发放日期"]).value = dt.date(YEAR - 1, 5, 1)

    result = get_importer("aid_records")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    rows, text = import_refusal(result)

    assert not result.ok and rows == [4, 5, 6]
    assert "已满 16 周岁" in text and "不是学年" in text and "须在" in text
    assert not AidRecord.objects.exists()


def test_a_pairings_file_with_bad_rows_names_every_one_and_writes_nothing(world, girl, tmp_path):
    w = world
    poor = make_record("poorwoman", w.village_a).person
    saved(pairing(girl))
    saved(pairing(poor, kind=PairingKind.PAIRED))
    saved(pairing(make_record("hardshipchild", w.village_a).person, kind=PairingKind.PROXY_PARENT))
    path = tmp_path / "pairings.xlsx"
    _export(w.dir_a, "pairings", path)
    Pairing.objects.all().delete()
    with edited_sheet(path) as (ws, header):
        names = {ws.cell(row, header["姓名"]).value: row for row in (4, 5, 6)}
        ws.cell(names[poor.name], header["帮扶方式"]).value = "爱心妈妈"  # for children only
        ws.cell(names["小花"], header["结束日期"]).value = DAY - dt.timedelta(days=1)
        ws.cell(names["小花"], header["帮扶人"]).value = None
        orphan_row = next(row for name, row in names.items() if name not in (poor.name, "小花"))
        ws.cell(orphan_row, header["身份证号"]).value = w.woman_b.id_number  # of another village

    result = get_importer("pairings")(w.village_a, user=w.dir_a, year=YEAR).import_file(path)
    rows, text = import_refusal(result)

    assert not result.ok and rows == [4, 5, 6]
    assert "爱心妈妈只结对这些台账上的人" in text and "帮扶人" in text
    assert not Pairing.objects.exists()


def test_both_pdfs_print_the_year_in_the_county_layout(world, girl, tmp_path):
    paired = saved(pairing(girl))
    saved(PairingFollowUp(pairing=paired, on=DAY, money=Decimal(300)))
    saved(spring_bud(girl, school="中心小学五年级", funder="县妇联春蕾计划"))
    for name, title in (
        ("pairings", "结对帮扶（爱心妈妈、代理家长）登记表"),
        ("aid_records", "春蕾计划、贫困母亲救助登记表"),
    ):
        path = tmp_path / f"{name}.pdf"
        _export(world.dir_a, name, path, fmt="pdf")
        assert title in pdf_text(path) and "小花" in pdf_text(path)
        if SHOTS.is_dir():  # looked at by hand as a PNG; the test does not read it
            (SHOTS / f"{name}.pdf").write_bytes(path.read_bytes())


# -- the demo -----------------------------------------------------------------------------------------


def test_the_demo_gives_spring_bud_girls_poor_mothers_and_pairings_with_follow_ups(world):
    w = world
    for n in range(3):
        make_record("leftbehindchild", w.village_a, f"留守女孩{n}")
        make_record("poorwoman", w.village_b)
    created = seed_aid(rng=random.Random(1), township=w.township, today=dt.date(YEAR, 12, 1))
    assert AidRecord.objects.filter(kind=AidKind.SPRING_BUD).count() == 2
    assert AidRecord.objects.filter(kind=AidKind.POOR_MOTHER).count() >= 1
    assert Pairing.objects.count() == 2 and PairingFollowUp.objects.count() >= 4
    assert created == AidRecord.objects.count() + Pairing.objects.count() + PairingFollowUp.objects.count()


def test_the_export_keeps_the_lists_programme_filter(world, girl, login):
    poor = make_record("poorwoman", world.village_a).person
    saved(spring_bud(girl, goods="书包"))
    saved(AidRecord(kind=AidKind.POOR_MOTHER, person=poor, year=YEAR, given_on=DAY, amount=1500))
    client = login(world.dir_a)
    url = reverse("exports:export", args=["aid_records", "xlsx"])
    response = client.get(url, {"year": YEAR, "kind": AidKind.POOR_MOTHER})
    sheet = workbook(b"".join(response.streaming_content) if response.streaming else response.content).active
    names = {c.value for row in sheet.iter_rows() for c in row}
    assert poor.name in names and girl.name not in names
