"""农村留守妇女 (seed, 2014 plan item 5): aged 20 to 50, husband working outside the county 3 months+.

Her husband is read from her household. The import also reads registers typed by hand, one woman
a row with her husband's name and work: a woman not registered yet is created with a household in
the group of 村（组）, the next free 户号 of the village, her as 配偶 and her husband as 户主 (sex 男,
work place and 外出时间 from the row). The register's rules then judge them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, ColumnGroup, Kind, flag
from federation.ledgers.exports.context import ExportContext
from federation.ledgers.exports.definitions import Table
from federation.ledgers.imports.framework import ImportRow, RowInvalid
from federation.web.registers import Deadline, declare, settings_help
from registry import rules, selectors
from registry.columns import EDUCATION, HUSBAND, PHONE, text_column, work_place_column
from registry.entries import (
    AGE,
    ENTRY_COLUMNS,
    ENTRY_FIELDS,
    ID_NUMBER,
    NAME,
    NOTES,
    EntryImporter,
    entries_note,
    person_list,
    person_place,
    same_month,
    women_register,
)
from registry.exports import work_place_text
from registry.imports import derived
from registry.models import Household, LeftBehindWoman, MaritalStatus, Person, Relation
from registry.places import find_group, no_group_reason, parse_work_place
from registry.rules import spouse_of
from registry.views.registers import LeftBehindWomanListView


def husband_columns(entry: LeftBehindWoman, ctx: ExportContext) -> dict[str, Any]:
    """Return the husband's columns of an entry, from her prefetched household."""
    person = entry.person
    husband, _children = selectors.ledger_family(person) if person.household_id else (None, [])
    return {
        "husband": husband.name if husband else "",
        "husband_work": work_place_text(husband),
        "husband_since": husband.away_since if husband else None,
    }


TABLE = Table(
    title=_("农村留守妇女信息登记表"),
    columns=(
        Column(
            "place",
            _("村组"),
            width=14,
            source=lambda entry, ctx: person_place(ctx, entry.person),
            aliases=("村（组）", "组别", "组"),
            help=_("村民小组，如 1组 或 一组；还没有登记的妇女必填（系统在这个组新建一户）。"),
        ),
        NAME,
        AGE,
        Column(
            "birth",
            _("出生年月"),
            Kind.MONTH,
            aliases=("出生日期", "出生年月日"),
            help=_("有身份证号时由身份证号得出，可以留空；填了须与身份证号一致。"),
            exported=False,
            birth=True,
        ),
        ID_NUMBER,
        replace(PHONE, source="person.phone", help=_("空着不改动已登记的电话。")),
        replace(EDUCATION, help=_("空着不改动已登记的文化程度。"), exported=False),
        ColumnGroup(
            _("丈夫"),
            (
                replace(HUSBAND, width=9, help=_("还没有登记的妇女必填。")),
                work_place_column(
                    "husband_work",
                    aliases=("丈夫情况务工地点", "丈夫务工地址"),
                    help=_(
                        "县内、县外省内或省外，后面可写具体地点，如“省外 广东东莞”；"
                        "也可以只写“广东省东莞市”。"
                    ),
                ),
                Column(
                    "husband_since",
                    _("外出时间"),
                    Kind.MONTH,
                    aliases=("丈夫情况外出时间", "丈夫外出务工时间"),
                    help=_("丈夫外出务工的年月，如 2013年5月、2013.5 或 2013-05。"),
                ),
            ),
        ),
        Column(
            "husband_months",
            _("丈夫外出时长（月）"),
            Kind.INT,
            aliases=("外出时长（月）", "外出时长"),
            read=False,
            exported=False,
            derive=derived.husband_months,  # checked against 外出时间 (the row's, else his registered one)
        ),
        Column("children", _("子女数"), read=False, exported=False),
        Column.of_field(
            "lives_with",
            _("居住情况"),
            Kind.CHOICE,
            width=12,
            value_aliases={"单独": "alone", "独居": "alone", "与家人居住": "family", "与家人": "family"},
            help=_("空着为与其他家庭成员居住。"),
        ),
        flag("at_registration_place", _("居住在户籍地"), empty=True, counted=False, exported=False),
        text_column("needs", _("困难和需求"), width=22, aliases=("困难需求",)),
        *ENTRY_COLUMNS,
        replace(NOTES, width=12),
    ),
    notes=(
        lambda ctx: (
            f"农村留守妇女指年龄在 {ctx.settings.left_behind_woman_min_age} 周岁至 "
            f"{ctx.settings.left_behind_woman_max_age} 周岁之间，丈夫县外务工 "
            f"{ctx.settings.husband_away_months} 个月以上，单独或与其他家庭成员居住在户籍地的妇女。"
        ),
        entries_note,
    ),
)


class _HouseholdMaker:
    """Create households in the group a row names, with the village's next free 户号."""

    village: Any

    def prefetch_households(self) -> None:
        self.groups = list(self.village.groups.all())
        numbers = Household.all_objects.filter(village=self.village).values_list("number", flat=True)
        digits = [n for n in numbers if n and n.isdigit()]
        self.next_number = max((int(n) for n in digits), default=0) + 1
        self.number_width = max((len(n) for n in digits), default=4)

    def make_household(self, row: ImportRow, place_key: str = "place") -> Household:
        place = row.get(place_key)
        if not place:
            row.fail(
                place_key, gettext("此人还没有在本村登记：请填写村（组），系统会在这个村民小组新建一户。")
            )
            raise RowInvalid
        group = find_group(self.groups, place, village_name=self.village.name)
        if group is None:
            row.fail(place_key, no_group_reason(self.groups, place))
            raise RowInvalid
        number = f"{self.next_number:0{self.number_width}d}"
        household = Household(village=self.village, group=group, number=number)
        self.save(household, row)  # type: ignore[attr-defined]
        self.next_number += 1
        return household


class LeftBehindWomanImporter(_HouseholdMaker, EntryImporter):
    """农村留守妇女 (ledger ``left_behind_women``); also reads registers typed by hand (see the module)."""

    field_columns = {
        "__all__": "name",
        "person": "name",
        "group": "place",
        "work_place": "husband_work",
        "work_place_detail": "husband_work",
        "away_since": "husband_since",
        "at_registration_place": "at_registration_place",
    }

    def prepare(self, rows: list[ImportRow]) -> None:
        super().prepare(rows)
        self.prefetch_households()

    def _check_birth(self, row: ImportRow, person_birth: dt.date | None) -> None:
        birth = row.get("birth")
        if birth and person_birth and not same_month(birth, person_birth):
            row.fail(
                "birth",
                gettext("出生年月与身份证号不一致（身份证号为 %(year)s年%(month)s月）。")
                % {"year": person_birth.year, "month": person_birth.month},
            )

    def _work(self, row: ImportRow) -> tuple[str, str] | None:
        """Return the husband's (work place, detail) from the row, None when the cell is blank."""
        text = row.get("husband_work")
        if not text:
            return None
        place, detail, error = parse_work_place(text, county=self.village)
        if error:
            row.fail("husband_work", error)
            return None
        return place, detail

    def _husband_values(self, row: ImportRow, husband: Person | None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        work = self._work(row)
        if work is not None:
            values["work_place"], values["work_place_detail"] = work
        since = row.get("husband_since")
        if since and not (husband is not None and same_month(husband.away_since, since)):
            values["away_since"] = since
        return values

    def _new_husband(self, row: ImportRow, household: Household, relation: str) -> Person:
        husband = Person(
            village=self.village,
            household=household,
            relation=relation,
            name=row.get("husband"),
            sex="M",
            marital_status=MaritalStatus.MARRIED,
        )
        self.changed(husband, self._husband_values(row, None))
        if row.errors:
            raise RowInvalid
        self.save(husband, row)
        return husband

    def new_person(self, row: ImportRow) -> Person:
        if not row.get("husband"):
            row.fail("husband", gettext("此人还没有在本村登记：请填写丈夫姓名，系统会为她建户并登记丈夫。"))
            raise RowInvalid
        number = row.get("id_number")
        woman = Person(
            village=self.village,
            relation=Relation.SPOUSE,
            name=row.get("name"),
            id_number=number,
            sex="F",
            marital_status=MaritalStatus.MARRIED,
            education=row.get("education", ""),
            phone=row.get("phone", ""),
        )
        if number:
            woman.sex = ""  # from the ID number (Person.clean), so that a man's number is named
            self._check_birth(row, _birth_of(number))
        else:
            woman.birth_date = row.get("birth")
        self._work(row)  # a bad work place is named before anything is created
        if row.errors:
            raise RowInvalid
        household = self.make_household(row)
        self._new_husband(row, household, Relation.HEAD)
        woman.household = household
        self.save(woman, row)
        return woman

    def update_person(self, row: ImportRow, person: Person) -> bool:
        changed = False
        self._check_birth(row, person.birth_date)
        values = {key: row.get(key) for key in ("phone", "education") if row.get(key)}
        if row.errors:
            raise RowInvalid
        if self.changed(person, values):
            self.save(person, row)
            changed = True
        husband = spouse_of(person)
        name = row.get("husband")
        if husband is None:
            if name and self._husband_slot(person):
                self._new_husband(row, person.household, self._husband_slot(person))
                return True
            return changed
        if name and husband.name != name:
            row.fail(
                "husband",
                gettext(
                    "她户中登记的丈夫是“%(registered)s”，与表中的“%(name)s”不一致。请核对，或先在居民中更正。"
                )
                % {"registered": husband.name, "name": name},
            )
            raise RowInvalid
        values = self._husband_values(row, husband)
        if row.errors:
            raise RowInvalid
        if self.changed(husband, values):
            self.save(husband, row)
            changed = True
        return changed

    @staticmethod
    def _husband_slot(person: Person) -> str:
        """Return the relation her husband would take in her household ('' when there is no room)."""
        if person.household_id is None or person.relation not in (Relation.HEAD, Relation.SPOUSE):
            return ""
        wanted = Relation.SPOUSE if person.relation == Relation.HEAD else Relation.HEAD
        taken = Person.objects.filter(household_id=person.household_id, relation=wanted).exists()
        return "" if taken else wanted


def _birth_of(number: str) -> dt.date | None:
    from federation.core.idnumber import parse_id_number

    try:
        return parse_id_number(number).birth_date
    except ValidationError:
        return None


declare(
    women_register(
        model=LeftBehindWoman,
        # The list page's help: the 2014 plan's definition (item 5) with the year's ages and months.
        help=settings_help(
            _(
                "农村留守妇女：{settings.left_behind_woman_min_age} 至 "
                "{settings.left_behind_woman_max_age} 周岁、"
                "丈夫到县外务工 {settings.husband_away_months} 个月以上，独自或和其他家人住在户籍地的妇女。"
                "年龄和丈夫外出时间按认定日期核实；首次采集 3月18日前登记完"
                "（{year} 年度的统计截止日{settings.ages_on.month}月{settings.ages_on.day}日）。"
            )
        ),
        path="left-behind-women",
        ledger="left_behind_women",
        table=TABLE,
        row=husband_columns,
        form_fields=(*ENTRY_FIELDS, "lives_with", "at_registration_place", "needs", "notes"),
        list_columns=(
            *person_list("name", "group", "id_number", "birth_date"),
            "lives_with",
            "entered_on",
            "exited_on",
        ),
        views={"list": LeftBehindWomanListView},
        menu_order=3,
        deadline=Deadline("left_behind_women", 3, 18, _("留守\n妇女"), order=40),
        person_ages=rules.left_behind_woman_ages,
        person_order=10,
        importer=LeftBehindWomanImporter,
        import_notes=(
            _(
                "还没有在本村登记的妇女，系统按“村组”在该村民小组新建一户（户号接本村最大户号）："
                "她为配偶，丈夫为户主（性别男，务工地点和外出时间按本表）。所以新登记的妇女要填村组和丈夫姓名。"
            ),
            _(
                "已登记的妇女，丈夫按户籍中的户主或配偶找到；"
                "表中的丈夫务工地点、外出时间会更新到丈夫的信息中。"
            ),
            _(
                "年龄、外出时长由系统算出，可以留空；填了的与身份证号、外出时间核对，不一致的行不导入。"
                "子女数由户籍得出，导入时不读取。是否符合留守妇女条件按本年度统计截止日判断。"
            ),
        ),
        prefetch=(Prefetch("person__household__members", queryset=Person.objects.order_by("birth_date")),),
    )
)
