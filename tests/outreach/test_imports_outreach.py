"""Ledgers in for outreach (issue 17 part 6): each outreach register's export imports back unchanged,
into an emptied village gives the same rows again, and a file with bad rows names every one (row number
and a Chinese reason, the models' own rules) and writes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from outreach.models import Petition, Screening, Visit, VolunteerActivity, VolunteerMember, VolunteerTeam
from tests.helpers.ledgers import data_rows, edited_sheet, workbook
from tests.helpers.outreach import TODAY, YEAR, petition, saved, screening, visit

EARLY = min(dt.date(YEAR, 1, 5), TODAY)


def exported(user, name, path):
    """Export ledger ``name`` of the year as ``user`` sees it to ``path``; return its rows after 序号."""
    ledger = get_ledger(name)
    export_build(ledger=ledger, user=user, fmt="xlsx", filters=ExportFilters(year=YEAR), path=path)
    return [row[1:] for row in data_rows(workbook(path).active, ledger.layout)]


def imported(name, village, user, path):
    return get_importer(name)(village, user=user, year=YEAR).import_file(path)


def more_records(w):
    """Give village A two more rows of each register, with the cells that hold two fields each."""
    o = w.o
    visit(w.woman_a, EARLY, visited_for="other", mode="phone", is_poor=True, poverty_reason="因病致贫",
          help_given="联系农技站", result="已解决", visitors="张红、李梅")  # fmt: skip
    visit(w.woman_a, EARLY, visited_for="migrant")
    visit(w.woman_a, EARLY, visited_for="single_mother")
    petition(w.village_a, person=w.woman_a, petitioner_name="", received_on=EARLY, handling="referred",
             referred_to="县法院", mediation="succeeded", result="双方达成一致", return_visit_on=EARLY,
             return_visit_note="已和好", closed_on=EARLY)  # fmt: skip
    petition(w.village_a, petitioner_name="来访人乙", received_on=EARLY)
    woman = saved(VolunteerMember(team=o.team_a, person=w.woman_a, phone="13800000002", speciality="唱歌"))
    saved(VolunteerMember(team=o.team_a, name="王老师", village=w.village_a, joined_on=EARLY))
    activity = VolunteerActivity(team=o.team_a, held_on=EARLY, title="关爱留守儿童", place="村小学",
                                 content="辅导作业", other_participants=5, people_served=30)  # fmt: skip
    saved(activity).participants.set([woman, o.member_a])
    screening(w.woman_a, kind="breast", screened_on=EARLY)
    screening(w.woman_a, result="abnormal", relief_applied=True, relief_granted=True, relief_amount=200)
    screening(o.lbw_a.person, kind="breast", follow_up="半年后复查")
    for title in ("环境整治", "普法讲座"):
        saved(VolunteerActivity(team=o.team_a, held_on=EARLY, title=title))


def _clear_volunteers(w):
    VolunteerActivity.objects.filter(team__village=w.village_a).delete()
    VolunteerMember.objects.filter(village=w.village_a).delete()
    VolunteerTeam.objects.filter(village=w.village_a).delete()


#: Each register: how to empty village A of it, and what its records hold that the import must restore.
REGISTERS = {
    "visits": SimpleNamespace(
        clear=lambda w: Visit.objects.filter(village=w.village_a).delete(),
        facts=lambda: {
            (v.person_id, v.visited_on, v.visited_for, v.is_poor, v.help_given, v.result)
            for v in Visit.objects.all()
        },
    ),
    "petitions": SimpleNamespace(
        clear=lambda w: Petition.objects.filter(village=w.village_a).delete(),
        facts=lambda: {
            (p.person_id, p.petitioner_name, p.referred_to, p.mediation, p.return_visit_on)
            for p in Petition.objects.all()
        },
    ),
    "volunteers": SimpleNamespace(
        clear=_clear_volunteers,
        facts=lambda: {
            (m.team.name, m.team.speciality, m.person_id, m.name, m.phone, m.village_id)
            for m in VolunteerMember.objects.all()
        },
    ),
    "volunteer_activities": SimpleNamespace(
        clear=lambda w: VolunteerActivity.objects.filter(team__village=w.village_a).delete(),
        facts=lambda: {
            (
                a.team_id,
                a.held_on,
                a.title,
                a.other_participants,
                a.people_served,
                frozenset(a.participants.all()),
            )
            for a in VolunteerActivity.objects.all()
        },
    ),
    "screening": SimpleNamespace(
        clear=lambda w: Screening.objects.filter(person__village=w.village_a).delete(),
        facts=lambda: {
            (s.person_id, s.kind, s.screened_on, s.result, s.treated, s.follow_up, s.relief_amount)
            for s in Screening.objects.all()
        },
    ),
}


@pytest.mark.parametrize("name", list(REGISTERS))
def test_an_export_imports_back_unchanged_and_into_an_empty_village_the_same(outreach_world, tmp_path, name):
    w = outreach_world
    more_records(w)
    register = REGISTERS[name]
    first = exported(w.dir_a, name, tmp_path / "first.xlsx")
    before = register.facts()
    model = get_ledger(name).queryset(w.dir_a, ExportFilters(year=YEAR)).model
    versions = dict(model.objects.values_list("pk", "version"))

    result = imported(name, w.village_a, w.dir_a, tmp_path / "first.xlsx")

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(first))
    assert dict(model.objects.values_list("pk", "version")) == versions
    register.clear(w)
    emptied = len(before) - len(register.facts())
    result = imported(name, w.village_a, w.dir_a, tmp_path / "first.xlsx")
    assert result.ok, result.errors
    assert result.created == emptied >= 3 and result.unchanged == len(first) - emptied
    assert exported(w.dir_a, name, tmp_path / "again.xlsx") == first
    if name == "volunteer_activities":  # the same teams and members: compare by their names
        before = {(*fact[1:5], frozenset(m.name for m in fact[5])) for fact in before}
        after = {(*fact[1:5], frozenset(m.name for m in fact[5])) for fact in register.facts()}
        assert after == before
    else:
        assert register.facts() == before


#: Four rows spoilt, one reason each: (column, the value written, what the message says).
BAD_ROWS = {
    "visits": (
        ("姓名", "无此人", "本村没有登记叫“无此人”的居民"),
        ("走访对象类别", "贫困妇女", "没有登记为贫困妇女"),  # outreach.rules.visit_problems
        ("是否贫困及原因", "是", "贫困时请写明贫困原因"),
        ("走访日期", TODAY + dt.timedelta(days=1), "不能晚于今天"),
    ),
    "petitions": (
        ("处理方式", "转有关部门", "转有关部门时请写明转往哪个部门"),  # outreach.rules.petition_problems
        ("结案日期", EARLY - dt.timedelta(days=400), "不能早于受理日期"),
        ("处理方式", "送礼", "不是处理方式"),
        ("村", "胜利村", "只能导入本村"),
    ),
    "volunteers": (
        ("服务特长", "游泳", "“游泳”不是服务特长"),
        ("所在村", "胜利村", "只能导入本村"),
        ("联系电话", "打不通", "电话号码只能包含数字"),  # the model's validator
        ("队员姓名", None, "不能为空"),
    ),
    "volunteer_activities": (
        ("服务队", "无此队", "还没有登记"),
        ("参加队员", "妇女B", "“妇女B”不是村A服务队已登记的队员"),
        ("活动日期", TODAY + dt.timedelta(days=1), "不能晚于今天"),  # VolunteerActivity.clean
        ("活动名称", None, "不能为空"),
    ),
    "screening": (
        ("是否已治疗", "是", "检查未见异常时不应登记治疗"),  # outreach.rules.screening_problems
        ("是否申请救助", "否", "【是否获得救助】获得救助前须先申请救助"),  # named under the rule's field
        ("检查日期", dt.date(YEAR - 1, 6, 1), f"检查日期应在 {YEAR} 年内"),
        ("检查结果", "良好", "不是允许的值"),
    ),
}


@pytest.mark.parametrize("name", list(BAD_ROWS))
def test_a_file_with_bad_rows_names_every_one_and_writes_nothing(outreach_world, tmp_path, name):
    w = outreach_world
    more_records(w)
    path = tmp_path / "bad.xlsx"
    rows = exported(w.dir_a, name, path)
    if name == "volunteer_activities":
        REGISTERS[name].clear(w)
    left = REGISTERS[name].facts()
    with edited_sheet(path) as (ws, header):
        for offset, (title, value, _reason) in enumerate(BAD_ROWS[name]):
            ws.cell(4 + offset, header[title]).value = value

    result = imported(name, w.village_a, w.dir_a, path)

    assert len(rows) >= 4 and not result.written
    said: dict[int, str] = {}
    for error in result.errors:
        said[error.row] = f"{said.get(error.row, '')} {error}"
    assert sorted(said) == [4, 5, 6, 7], said
    for offset, (title, _value, reason) in enumerate(BAD_ROWS[name]):
        text = said[4 + offset]
        assert f"第 {4 + offset} 行【" in text and reason in text, said
        assert reason.startswith("【") or f"【{title}】" in text, said
    assert REGISTERS[name].facts() == left


@pytest.mark.parametrize("name", list(REGISTERS))
def test_a_director_imports_into_her_village_only(outreach_world, tmp_path, name):
    w = outreach_world
    path = tmp_path / "hers.xlsx"
    assert exported(w.dir_a, name, path)
    with pytest.raises(PermissionDenied):
        imported(name, w.village_b, w.dir_a, path)


def test_a_director_cannot_add_a_member_to_the_township_team(outreach_world, tmp_path):
    w = outreach_world
    path = tmp_path / "volunteers.xlsx"
    exported(w.dir_a, "volunteers", path)
    last = 3 + len(exported(w.dir_a, "volunteers", tmp_path / "again.xlsx"))
    with edited_sheet(path) as (ws, header):
        assert ws.cell(last, header["所属"]).value == "乡镇级"
        ws.cell(last, header["队员姓名"]).value = "乡政府刘干事"

    result = imported("volunteers", w.village_a, w.dir_a, path)

    assert [(e.row, e.column) for e in result.errors] == [(last, "所在村")]
    assert "由乡镇妇联导入" in result.errors[0].reason
    assert imported("volunteers", w.village_a, w.staff, path).created == 1
