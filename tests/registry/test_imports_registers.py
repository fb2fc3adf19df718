"""Ledgers in, the registers: left-behind children and women, children in hardship, poor women, village
directors and two-cancer screening, each imported into one village (and year), all or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from federation.core.actors import SystemActor
from federation.core.idnumber import make_id_number
from federation.core.models import VillageGroup
from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from federation.ledgers.imports.framework import get_importer
from federation.ledgers.imports.templates import EXPLANATION_SHEET, _export_columns, template_bytes
from outreach.models import Screening
from registry import models
from registry.entries import ROSTER_FIRST
from tests.helpers.factories import PersonFactory
from tests.helpers.imports import POOR_HEADER, workbook_file
from tests.helpers.samples import SAMPLE

THIS_YEAR = timezone.localdate().year
REGISTERS = ["left_behind_children", "hardship_children", "left_behind_women", "poor_women"]
MODELS = {
    "left_behind_children": models.LeftBehindChild,
    "hardship_children": models.HardshipChild,
    "left_behind_women": models.LeftBehindWoman,
    "poor_women": models.PoorWoman,
    "village_directors": models.VillageDirector,
}


def history_count() -> int:
    tracked = [models.Person, models.Household, *MODELS.values(), Screening]
    return sum(m.history.model.objects.count() for m in tracked)


def importer(name, village, *, year=None, user=None):
    """Return the importer of ``name`` into ``village`` by ``user`` (the command line's, if none)."""
    return get_importer(name)(village, year=year, user=user or SystemActor(village))


def errors_of(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def woman_id(birth: dt.date, seq: int = 2) -> str:
    return make_id_number("513401", birth, seq)


# -- the sample register typed by hand --------------------------------------------------------------


@pytest.fixture
def sample_village(world):
    w = world
    for number in range(2, 7):
        VillageGroup.objects.create(village=w.village_a, number=number, name=f"{number}组")
    return w.village_a


def test_the_sample_register_imports_whole_and_a_second_time_changes_nothing(world, sample_village, capsys):
    persons, households = models.Person.objects.count(), models.Household.objects.count()
    result = importer("left_behind_women", sample_village, year=2014, user=world.dir_a).import_file(SAMPLE)
    assert result.errors == []
    assert (result.rows, result.created, result.updated, result.unchanged) == (40, 40, 0, 0)
    assert result.written
    assert models.Person.objects.count() == persons + 80
    assert models.Household.objects.count() == households + 40
    entries = models.LeftBehindWoman.objects.filter(year=2014, person__village=sample_village)
    assert entries.count() == 40
    first = models.Person.objects.get(id_number="513401196510084442")
    assert first.name == "曾芳" and first.relation == "spouse" and first.education == "primary"
    assert first.phone == "13580265936" and first.household.group.number == 1
    assert first.age_on(dt.date(2014, 3, 18)) == 48
    husband = first.household.members.get(relation="head")
    assert (husband.name, husband.sex) == ("李明", "M")
    assert (husband.work_place, husband.work_place_detail) == ("out_province", "广东省深圳市")
    assert husband.away_since == dt.date(2011, 3, 1)
    second = models.Person.objects.get(id_number="51340119741007580X")
    assert second.household.group.number == 5 and second.education == "junior"
    assert second.household.members.get(relation="head").away_since == dt.date(2013, 5, 1)
    spaced = models.Person.objects.get(id_number="513401196503120521")  # typed with spaces around it
    assert spaced.name == "曹玉英" and spaced.age_on(dt.date(2014, 3, 18)) == 49
    # The husband working in the county's own province is 县外省内, still away from the county.
    chengdu = models.LeftBehindWoman.objects.get(year=2014, person__name="贾桂兰").person
    assert chengdu.household.members.get(relation="head").work_place == "out_county"
    # New households take the village's next free numbers.
    assert first.household.number != world.household_a.number
    assert models.Household.objects.filter(village=sample_village, number="0041").exists()
    history = history_count()
    call_command(
        "import_ledger", "left_behind_women", str(SAMPLE), "--scope", sample_village.code, "--year", "2014"
    )
    assert "无变化 40" in capsys.readouterr().out
    again = importer("left_behind_women", sample_village, year=2014).import_file(SAMPLE)
    assert again.errors == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 40)
    assert models.Person.objects.count() == persons + 80
    assert history_count() == history


# -- export, import back: nothing changes ------------------------------------------------------------


@pytest.mark.parametrize("ledger", [*REGISTERS, "village_directors"])
def test_the_export_imports_back_with_no_change(ledger_world, tmp_path, ledger):
    w = ledger_world
    path = tmp_path / f"{ledger}.xlsx"
    exported = export_build(
        ledger=get_ledger(ledger), user=w.dir_a, fmt="xlsx", filters=ExportFilters(), path=path
    )
    assert exported.rows >= 1
    history, count = history_count(), MODELS[ledger].objects.count()
    result = importer(ledger, w.village_a, user=w.dir_a).import_file(path)
    assert result.errors == []
    assert (result.rows, result.created, result.updated) == (exported.rows, 0, 0)
    assert result.unchanged == exported.rows
    assert history_count() == history
    assert MODELS[ledger].objects.count() == count


# -- crafted files ------------------------------------------------------------------------------------

CHILD_HEADER = ("姓名", "身份证号", "父母外出情况", "外出原因", "监护人姓名", "与儿童关系", "监护人电话",
                "就读学校", "年级", "寄宿", "备注")  # fmt: skip


def test_a_crafted_children_file_creates_entries_of_its_year(ledger_world, tmp_path):
    w = ledger_world
    year = THIS_YEAR - 1
    rows = [
        (
            w.girl_a.name,
            w.girl_a.id_number,
            "父亲外出",  # her mother is at home (the family's records): 父母双方外出 is refused
            "外出务工",
            "奶奶",
            "祖父母",
            "13900000000",
            "中心小学",
            "四年级",
            "√",
            "",
        ),
        (
            w.boy_a.name,
            w.boy_a.id_number,
            "父亲外出",
            "看守所",
            "外公",
            "外祖父母",
            "",
            "",
            "",
            "否",
            "父亲在押",
        ),
    ]
    path = workbook_file(tmp_path, CHILD_HEADER, rows)
    result = importer("left_behind_children", w.village_a, year=year).import_file(path)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    girl = models.LeftBehindChild.objects.get(person=w.girl_a, year=year)
    assert (girl.parents_away, girl.guardian_relation, girl.boarding) == ("father", "grandparent", True)
    assert girl.grade == "四年级"
    boy = models.LeftBehindChild.objects.get(person=w.boy_a, year=year)
    assert (boy.guardian_relation, boy.boarding) == ("maternal_grandparent", False)
    assert boy.away_reason == "detention" and boy.notes == "父亲在押"
    # This year's entries are other entries, untouched.
    assert models.LeftBehindChild.objects.get(person=w.girl_a, year=THIS_YEAR).parents_away == "father"
    again = importer("left_behind_children", w.village_a, year=year).import_file(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_child_not_registered_is_refused_with_the_roster_first(world, tmp_path):
    w = world
    number = make_id_number("513401", dt.date(2016, 1, 5), 4)
    rows = [("新孩子", number, "父母双方外出", "", "奶奶", "祖父母", "", "", "", "", "")]
    result = importer("left_behind_children", w.village_a).import_file(
        workbook_file(tmp_path, CHILD_HEADER, rows)
    )
    assert errors_of(result) == [(3, "身份证号")]
    assert result.errors[0].reason == ROSTER_FIRST
    assert not models.Person.objects.filter(id_number=number).exists()
    assert not models.LeftBehindChild.objects.exists()


def test_a_hardship_rule_is_named_by_row_and_column(ledger_world, tmp_path):
    w = ledger_world
    header = ("姓名", "身份证号", "困难原因", "原因说明", "监护人姓名", "与儿童关系")
    rows = [
        (w.boy_a.name, w.boy_a.id_number, "其他原因", "父亲服刑", "外婆", "外祖父母"),
        (w.girl_a.name, w.girl_a.id_number, "其他原因", "", "奶奶", "祖父母"),
    ]
    result = importer("hardship_children", w.village_a, year=THIS_YEAR - 1).import_file(
        workbook_file(tmp_path, header, rows)
    )
    assert errors_of(result) == [(4, "原因说明")]
    assert result.errors[0].reason == "选择“其他原因”时请说明原因。"
    assert not models.HardshipChild.objects.filter(year=THIS_YEAR - 1).exists()


LBW_HEADER = (
    "村组",
    "姓名",
    "身份证号",
    "联系电话",
    "丈夫姓名",
    "丈夫务工地点",
    "丈夫外出时间",
    "居住情况",
    "备注",
)


def test_a_left_behind_woman_aged_55_is_refused_and_nothing_is_written(world, tmp_path):
    w = world
    rows = [
        (
            "一组",
            "新妇女",
            woman_id(dt.date(1980, 2, 3)),
            "13800000009",
            "新丈夫",
            "省外 广东东莞",
            "2012年3月",
            "单独居住",
            "",
        ),
        ("一组", "老妇女", woman_id(dt.date(1958, 7, 1), 6), "", "老丈夫", "广东省深圳市", "2012.3", "", ""),
    ]
    persons, households = models.Person.objects.count(), models.Household.objects.count()
    result = importer("left_behind_women", w.village_a, year=2014).import_file(
        workbook_file(tmp_path, LBW_HEADER, rows)
    )
    assert errors_of(result) == [(4, "姓名")]
    assert "留守妇女须在 20 至 50 周岁之间" in result.errors[0].reason
    assert "55 周岁" in result.errors[0].reason
    assert not result.written
    assert (models.Person.objects.count(), models.Household.objects.count()) == (persons, households)
    assert not models.LeftBehindWoman.objects.exists()
    # Without the bad row the file imports: her household, her husband and her entry.
    result = importer("left_behind_women", w.village_a, year=2014).import_file(
        workbook_file(tmp_path, LBW_HEADER, rows[:1])
    )
    assert (result.errors, result.created) == ([], 1)
    entry = models.LeftBehindWoman.objects.get(year=2014)
    assert entry.lives_with == "alone" and entry.person.household.number == "0002"


def test_a_registered_woman_updates_her_husband_and_a_wrong_husband_is_refused(ledger_world, tmp_path):
    w = ledger_world
    year = THIS_YEAR - 1
    rows = [("", w.woman_a.name, w.woman_a.id_number, "", "丈夫A", "广东省深圳市", "2019年5月", "", "")]
    result = importer("left_behind_women", w.village_a, year=year).import_file(
        workbook_file(tmp_path, LBW_HEADER, rows)
    )
    assert (result.errors, result.created) == ([], 1)
    husband = models.Person.objects.get(pk=w.husband_a.pk)
    assert (husband.work_place_detail, husband.away_since) == ("广东省深圳市", dt.date(2019, 5, 1))
    wrong = [("", w.woman_a.name, w.woman_a.id_number, "", "别人", "", "", "", "")]
    result = importer("left_behind_women", w.village_a, year=year).import_file(
        workbook_file(tmp_path, LBW_HEADER, wrong)
    )
    assert errors_of(result) == [(3, "丈夫姓名")]
    assert "丈夫A" in result.errors[0].reason


def test_poor_women_income_above_the_line_is_refused_and_a_good_row_creates(world, tmp_path):
    w = world
    rows = [(w.woman_a.name, w.woman_a.id_number, "3000", "因病", "是", "否", "")]
    result = importer("poor_women", w.village_a, year=2014).import_file(
        workbook_file(tmp_path, POOR_HEADER, rows)
    )
    assert errors_of(result) == [(3, "姓名")]
    assert "不低于贫困线" in result.errors[0].reason
    assert not models.HouseholdIncome.objects.exists()
    assert not models.PoorWoman.objects.exists()
    rows = [(w.woman_a.name, w.woman_a.id_number, "1800.5", "其它：房屋倒塌", "是", "是", "乡政府")]
    result = importer("poor_women", w.village_a, year=2014).import_file(
        workbook_file(tmp_path, POOR_HEADER, rows)
    )
    assert (result.errors, result.created) == ([], 1)
    entry = models.PoorWoman.objects.get(person=w.woman_a, year=2014)
    assert (entry.reason, entry.reason_detail, entry.in_dibao, entry.paired_by) == (
        "other",
        "房屋倒塌",
        True,
        "乡政府",
    )
    income = models.HouseholdIncome.objects.get(household=w.household_a)
    assert (income.year, income.per_capita_income) == (2014, Decimal("1800.50"))


def _person_rows(ledger: str, name: str, number: str) -> tuple[tuple, list[tuple]]:
    if ledger in ("left_behind_children", "hardship_children"):
        header = ("姓名", "身份证号", "父母外出情况", "困难原因", "监护人姓名", "与儿童关系")
        return header, [(name, number, "父亲外出", "父母双亡", "奶奶", "祖父母")]
    if ledger == "left_behind_women":
        return LBW_HEADER, [("一组", name, number, "", "丈夫", "省外", "2012年3月", "", "")]
    if ledger == "poor_women":
        return POOR_HEADER, [(name, number, "1000", "因病", "", "", "")]
    header = ("姓名", "身份证号", "检查项目", "检查日期", "检查机构", "检查结果")
    return header, [(name, number, "宫颈癌检查", f"{THIS_YEAR}-01-15", "县妇幼保健院", "未见异常")]


@pytest.mark.parametrize("ledger", [*REGISTERS, "screening"])
def test_a_person_of_another_village_a_deleted_one_or_another_name_is_refused(world, tmp_path, ledger):
    w = world
    header, rows = _person_rows(ledger, w.woman_b.name, w.woman_b.id_number)
    result = importer(ledger, w.village_a).import_file(workbook_file(tmp_path, header, rows, "b.xlsx"))
    assert errors_of(result) == [(3, "身份证号")]
    assert (
        result.errors[0].reason
        == "此人已在本乡镇其他村登记，不能重复登记。如需迁入本村，请联系乡镇妇联办理迁移。"
    )
    assert w.woman_b.name not in str(result.errors[0]) and w.village_b.name not in str(result.errors[0])
    gone = PersonFactory(village=w.village_a, name="已删", deleted_at=timezone.now())
    header, rows = _person_rows(ledger, gone.name, gone.id_number)
    result = importer(ledger, w.village_a).import_file(workbook_file(tmp_path, header, rows, "gone.xlsx"))
    assert errors_of(result) == [(3, "身份证号")]
    assert "已被删除" in result.errors[0].reason
    header, rows = _person_rows(ledger, "别的名字", w.woman_a.id_number)
    result = importer(ledger, w.village_a).import_file(workbook_file(tmp_path, header, rows, "name.xlsx"))
    assert errors_of(result) == [(3, "姓名")]
    assert "妇女A" in result.errors[0].reason
    assert not result.written


DIRECTOR_HEADER = ("村", "姓名", "工作单位", "出生年月", "文化程度", "政治面貌", "任职时间", "进村两委情况",
                   "兼职情况", "年收入（元）", "是否在编", "联系电话", "离任时间")  # fmt: skip


def test_village_directors_are_created_then_updated_by_name(world, tmp_path, settings):
    w = world
    row = ["红旗村", "主任甲", "红旗村村委会", "1975年6月", "高中", "中共党员", "2011.3", "交叉任职", "",
           "12000", "否", "13700000000", ""]  # fmt: skip
    result = importer("village_directors", w.village_a).import_file(
        workbook_file(tmp_path, DIRECTOR_HEADER, [row])
    )
    assert (result.errors, result.created) == ([], 1)
    director = models.VillageDirector.objects.get(village=w.village_a, name="主任甲")
    assert (director.birth_month, director.in_office_since, director.committee_seat) == (
        dt.date(1975, 6, 1),
        dt.date(2011, 3, 1),
        "both",
    )
    row[12] = "2024年1月"
    result = importer("village_directors", w.village_a).import_file(
        workbook_file(tmp_path, DIRECTOR_HEADER, [row])
    )
    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    assert models.VillageDirector.objects.get(pk=director.pk).left_office_on == dt.date(2024, 1, 1)
    row[0] = "胜利村"
    result = importer("village_directors", w.village_a).import_file(
        workbook_file(tmp_path, DIRECTOR_HEADER, [row])
    )
    assert errors_of(result) == [(3, "村")]
    assert "只能导入本村（红旗村）的村妇联主席" in result.errors[0].reason  # the title the county uses
    settings.DIRECTOR_TITLE = "村妇代会主任"
    result = importer("village_directors", w.village_a).import_file(
        workbook_file(tmp_path, DIRECTOR_HEADER, [row])
    )
    assert "只能导入本村（红旗村）的村妇代会主任，这一行写的是“胜利村”。" in result.errors[0].reason


# -- two-cancer screening -------------------------------------------------------------------------------

SCREENING_HEADER = ("姓名", "身份证号", "检查项目", "检查日期", "检查机构", "检查结果", "是否已治疗",
                    "是否申请救助", "是否获得救助", "救助金额（元）")  # fmt: skip


def test_screening_records_are_created_matched_by_kind_and_checked(world, tmp_path):
    w = world
    a = w.woman_a
    rows = [
        (
            a.name,
            a.id_number,
            "宫颈癌",
            f"{THIS_YEAR}-01-15",
            "县妇幼保健院",
            "未见异常",
            "否",
            "否",
            "否",
            "",
        ),
        (
            a.name,
            a.id_number,
            "乳腺癌检查",
            f"{THIS_YEAR}年2月3日",
            "县妇幼保健院",
            "初筛异常",
            "是",
            "是",
            "是",
            "500",
        ),
    ]
    path = workbook_file(tmp_path, SCREENING_HEADER, rows)
    result = importer("screening", w.village_a, user=w.dir_a).import_file(path)
    assert (result.errors, result.created) == ([], 2)
    breast = Screening.objects.get(person=a, kind="breast")
    assert (breast.year, breast.result, breast.relief_amount) == (THIS_YEAR, "abnormal", Decimal("500.00"))
    history = history_count()
    again = importer("screening", w.village_a, user=w.dir_a).import_file(path)
    assert (again.errors, again.unchanged) == ([], 2)
    assert history_count() == history
    bad = [
        rows[0],
        (a.name, a.id_number, "宫颈癌", f"{THIS_YEAR}-03-01", "县医院", "未见异常", "", "", "", ""),
        (a.name, a.id_number, "乳腺癌", f"{THIS_YEAR - 1}-05-01", "县医院", "未见异常", "是", "", "", ""),
    ]
    result = importer("screening", w.village_a, user=w.dir_a).import_file(
        workbook_file(tmp_path, SCREENING_HEADER, bad, "bad.xlsx")
    )
    assert errors_of(result) == [(4, "检查项目"), (5, "检查日期"), (5, "是否已治疗")]
    assert Screening.objects.get(person=a, kind="breast").result == "abnormal"
    # A role that may not import screening (the county viewer: nor read a woman's results) is refused.
    with pytest.raises(PermissionDenied, match="您的角色不能导入两癌检查登记表"):
        importer("screening", w.village_a, user=w.county_viewer).import_file(path)
    assert Screening.objects.get(person=a, kind="breast").result == "abnormal"


# -- templates ---------------------------------------------------------------------------------------------


def header_titles(ws) -> tuple[int, list[str]]:
    """Return the first data row and the column titles (丈夫·姓名) of a template's first sheet."""
    header = next(r for r in range(1, 30) if ws.cell(r, 1).value == "序号")
    below = [ws.cell(header + 1, c).value for c in range(1, ws.max_column + 1)]
    two = ws.cell(header + 1, 1).value is None and any(below)
    titles, group = [], ""
    for c in range(1, ws.max_column + 1):
        top = ws.cell(header, c).value
        under = below[c - 1] if two else None
        if top and under:
            group = top
            titles.append(f"{group}·{under}")
        elif under:
            titles.append(f"{group}·{under}")
        elif top:
            group = ""
            titles.append(str(top))
        else:
            titles.append("")
    return header + (2 if two else 1), titles


def _template_row(w, ledger: str) -> dict[str, str]:
    child = w.child
    a = w.woman_a
    return {
        "left_behind_children": {
            "姓名": child.name,
            "身份证号": child.id_number,
            "父母外出情况": "父母双方外出",
            "监护人·姓名": "奶奶",
            "监护人·与儿童关系": "祖父母",
            "寄宿": "否",
        },
        "hardship_children": {
            "姓名": child.name,
            "身份证号": child.id_number,
            "困难原因": "父母双亡",
            "监护人·姓名": "外婆",
            "监护人·与儿童关系": "外祖父母",
        },
        "left_behind_women": {
            "村组": "一组",
            "姓名": "新妇女",
            "身份证号": woman_id(dt.date(1990, 1, 1)),
            "丈夫·姓名": "新丈夫",
            "丈夫·务工地点": "省外 广东东莞",
            "丈夫·外出时间": "2020年3月",
        },
        "poor_women": {
            "姓名": a.name,
            "身份证号": a.id_number,
            "家庭人均纯收入（元）": "1800",
            "致贫原因": "因病",
            "纳入低保": "是",
        },
        "village_directors": {
            "村": "红旗村",
            "姓名": "主任甲",
            "工作单位": "红旗村村委会",
            "出生年月": "1975年6月",
            "文化程度": "高中",
            "政治面貌": "中共党员",
            "任职时间": "2011.3",
            "进村两委情况": "进村两委（交叉任职）",
            "是否在编": "否",
            "联系电话": "13700000000",
        },
        "screening": {
            "姓名": a.name,
            "身份证号": a.id_number,
            "检查项目": "宫颈癌检查",
            "检查日期": f"{THIS_YEAR}-01-15",
            "检查机构": "县妇幼保健院",
            "检查结果": "未见异常",
        },
    }[ledger]


@pytest.mark.parametrize("ledger", [*REGISTERS, "village_directors", "screening"])
def test_the_template_has_the_export_layout_and_a_filled_one_imports(world, tmp_path, ledger):
    w = world
    w.child = PersonFactory(
        village=w.village_a,
        household=w.household_a,
        relation="child",
        name="孩子",
        birth_date=dt.date(2016, 4, 5),
    )
    # The child's one recorded parent, her mother, is as the filled row says (registry.rules'
    # checks of a child's entry against her family): away for 父母双方外出, dead for 父母双亡.
    if ledger == "left_behind_children":
        models.Person.objects.filter(pk=w.woman_a.pk).update(work_place="out_province")
    if ledger == "hardship_children":
        models.Person.objects.filter(pk=w.woman_a.pk).update(deceased=True)
    imp = get_importer(ledger)
    data = template_bytes(imp, user=w.dir_a, village=w.village_a, year=THIS_YEAR)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    assert EXPLANATION_SHEET in wb.sheetnames
    explained = [row[0] for row in wb[EXPLANATION_SHEET].iter_rows(values_only=True)]
    first, titles = header_titles(ws)
    export = get_ledger(ledger)
    if export is not None:
        assert str(export.title) in ws["A1"].value
        assert [t for t in titles[1:] if t] == [
            f"{g}·{c.header}" if g else c.header for g, c in _export_columns(export.layout)
        ]
    else:
        assert imp.title in ws["A1"].value
        assert titles[1:] == [f.import_label for f in imp.fields]
    for title in titles[1:]:
        if title:
            assert title in explained
    values = _template_row(w, ledger)
    for title, value in values.items():
        ws.cell(first, titles.index(title) + 1, value)
    ws.cell(first, 1, 1)
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    result = imp(w.village_a, user=w.dir_a, year=THIS_YEAR).import_file(path)
    assert result.errors == []
    assert (result.rows, result.created) == (1, 1)


def test_a_birth_month_that_is_not_the_id_numbers_is_named(world, tmp_path):
    header = ("村组", "姓名", "出生年月", "身份证号", "丈夫姓名", "丈夫务工地点", "丈夫外出时间")
    rows = [("1组", "新妇女", "1980.3", woman_id(dt.date(1980, 2, 3)), "新丈夫", "广东省深圳市", "2012年3月")]
    result = importer("left_behind_women", world.village_a, year=2014, user=world.dir_a).import_file(
        workbook_file(tmp_path, header, rows)
    )
    assert errors_of(result) == [(3, "出生年月")]
    assert "1980年2月" in result.errors[0].reason
    assert not models.Person.objects.filter(name="新妇女").exists()
