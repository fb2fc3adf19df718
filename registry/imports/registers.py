"""Import the yearly registers (ledgers ``left_behind_children``, ``hardship_children``,
``left_behind_women``, ``poor_women``) and the village directors (``village_directors``).

Each importer answers to the name of its export ledger and reads back what the export writes, so a
register exported and imported again changes nothing; the columns the export works out (年龄,
子女数, 外出时长) are read but never stored.

A register row names a person by 身份证号 (and 姓名):

* a person of this village is used; if the file's name differs from hers, the row is refused;
* a person registered in another village, or whose record was deleted, is refused with the message
  :meth:`registry.models.Person.clean` gives, which says nothing of the other village;
* without an ID number, the one person of the village with that name is used (several: refused);
* the entry is matched by (person, year) and updated, else created; the year is the importer's.

A person not registered yet:

* **left-behind women** are created, because that is how villages' existing registers come in
  (a register typed by hand, one woman a row, with her husband's name and work): a household in the
  group of 村（组） with the next free 户号 of the village, the woman as 配偶 and her husband as
  户主 (sex 男, work place and 外出时间 from the row). The register's rules then judge them.
* **children** and **poor women** are refused with a message saying to import the roster (居民花名册)
  first. A child's register needs the child's family (who is away, who the parents are) and a poor
  woman's needs her household's income: a bare person without household would be registered in
  neither the roster nor the family the rules read, and a child's household cannot be guessed from
  one row of a child register.

The rules are the models' (``full_clean()`` → ``registry.rules``), so a row that a form would refuse
is refused with the same message, under its row number.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from federation.ledgers.imports.cells import normalize_header
from federation.ledgers.imports.framework import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Field,
    Importer,
    ImportRow,
    Kind,
    RowInvalid,
    register,
)
from registry.imports.persons import EDUCATION_ALIASES
from registry.models import (
    AwayReason,
    ChildCategory,
    CommitteeSeat,
    Education,
    GuardianRelation,
    HardshipChild,
    HardshipReason,
    Household,
    LeftBehindChild,
    LeftBehindWoman,
    LivesWith,
    MaritalStatus,
    ParentsAway,
    Person,
    PoliticalStatus,
    PoorWoman,
    PovertyReason,
    Relation,
    VillageDirector,
)
from registry.places import find_group, no_group_reason, parse_work_place
from registry.rules import spouse_of

__all__ = [
    "HardshipChildImporter",
    "LeftBehindChildImporter",
    "LeftBehindWomanImporter",
    "PersonRowMixin",
    "PoorWomanImporter",
    "VillageDirectorImporter",
]

ROSTER_FIRST = "此人还没有在本村登记。请先导入居民花名册（户和人），或在“居民”中登记此人，再导入本表。"


def same_month(a: dt.date | None, b: dt.date | None) -> bool:
    """Return whether two dates fall in the same month (a 年月 column keeps a stored day)."""
    if a is None or b is None:
        return a is b
    return (a.year, a.month) == (b.year, b.month)


def _field_default(model: Any, name: str) -> Any:
    return model._meta.get_field(name).get_default()


# -- the person a row names ------------------------------------------------------------------------


class PersonRowMixin:
    """Find the person a row names (身份证号, 姓名) in the importer's village, refusing the others.

    Used by every register whose rows are persons (here and in ``outreach.imports``). Call
    :meth:`prefetch_persons` from ``prepare``.
    """

    village: Any

    def prefetch_persons(self, rows: list[ImportRow]) -> None:
        numbers = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        self.known: dict[str, Person] = {
            p.id_number: p
            for p in Person.all_objects.filter(id_number__in=numbers).select_related("household")
        }

    def find_person(self, row: ImportRow) -> Person | None:
        """Return the person of this village the row names, or None when she is not registered.

        Record the reason and raise :class:`RowInvalid` for a person of another village, a deleted
        one (the message of ``Person.clean``), a name that is not hers, or a name several share.
        """
        name = row.get("name", "")
        number = row.get("id_number")
        if number:
            person = self.known.get(number)
            if person is None:
                return None
            if person.village_id != self.village.pk or person.is_deleted:
                row.fail("id_number", self._clean_message(name, number))
                raise RowInvalid
            if name and person.name != name:
                row.fail(
                    "name",
                    f"身份证号 {number} 在本村登记的姓名是“{person.name}”，与表中的“{name}”不一致。"
                    "请核对姓名或身份证号。",
                )
                raise RowInvalid
            return person
        matches = list(Person.objects.filter(village=self.village, name=name).select_related("household")[:2])
        if len(matches) > 1:
            row.fail("id_number", f"本村有不止一位叫“{name}”的居民，请填写身份证号以区分。")
            raise RowInvalid
        return matches[0] if matches else None

    def _clean_message(self, name: str, number: str) -> str:
        """Return what ``Person.clean`` says of registering this ID number in this village."""
        probe = Person(village=self.village, name=name or "-", id_number=number)
        try:
            probe.clean()
        except ValidationError as exc:
            messages = exc.message_dict.get("id_number")
            if messages:
                return messages[0]
        return "此人不能在本村登记。"


# -- yearly registers -------------------------------------------------------------------------------


class _RegisterImporter(PersonRowMixin, Importer):
    """A yearly register whose rows are persons: the entry is matched by (person, year)."""

    model: ClassVar[Any]
    noun = "人"
    #: Entry fields read from the columns of the same key (blank: the field's default).
    entry_keys: ClassVar[tuple[str, ...]] = ()
    field_columns = {"__all__": "name", "person": "name"}

    def prepare(self, rows: list[ImportRow]) -> None:
        self.prefetch_persons(rows)
        self.entries = {
            e.person_id: e for e in self.model.objects.filter(person__village=self.village, year=self.year)
        }

    def new_person(self, row: ImportRow) -> Person:
        """Return the person of a row whose person is not registered (by default: refuse)."""
        row.fail("id_number" if row.get("id_number") else "name", ROSTER_FIRST)
        raise RowInvalid

    def update_person(self, row: ImportRow, person: Person) -> bool:
        """Write what the row says of the person and her family; return whether anything changed."""
        return False

    def entry_values(self, row: ImportRow) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key in self.entry_keys:
            if row.has(key):
                value = row.get(key)
                values[key] = _field_default(self.model, key) if value is None else value
        return values

    def apply_row(self, row: ImportRow) -> str:
        person = self.find_person(row)
        created_person = person is None
        if person is None:
            person = self.new_person(row)
        person_changed = False if created_person else self.update_person(row, person)
        entry = self.entries.get(person.pk) or self.model(person=person, year=self.year)
        values = self.entry_values(row)
        if row.errors:
            raise RowInvalid
        is_new = entry.pk is None
        entry_changed = self.changed(entry, values)
        if not (is_new or entry_changed or person_changed):
            return UNCHANGED
        # The register's rules judge the entry even when only the person changed (e.g. the income).
        self.validate(entry, row)
        if is_new or entry_changed:
            self.save(entry, row)
            self.entries[person.pk] = entry
        return CREATED if is_new or created_person else UPDATED


CHILD_NOTES = (
    "儿童按身份证号在本村居民中查找（没有身份证号时按姓名查找）；同一儿童同一年度已登记的，更新这一条登记。",
    "儿童须先在本村登记（导入居民花名册，或在“居民”中登记），本表不新建居民：儿童的家庭"
    "（父母、户）无法从本表的一行得出。",
    "村组、性别、出生日期、年龄由居民信息得出，导入时不读取。",
)


def person_columns(*, sex_and_birth: bool = True) -> tuple[Field, ...]:
    """Return the columns that name a registered person of the village, as the exports write them.

    村组, 年龄 (and 性别, 出生日期, which the children's registers show) follow from the person and
    are not read; 姓名 and 身份证号 find her (see :class:`PersonRowMixin`).
    """
    derived = (Field("sex", "性别", Kind.DERIVED), Field("birth_date", "出生日期", Kind.DERIVED))
    return (
        Field("place", "村组", Kind.DERIVED, aliases=("村（组）", "组别")),
        Field("name", "姓名", required=True, help="须与本村居民登记的姓名一致。"),
        *(derived if sex_and_birth else ()),
        Field("age", "年龄", Kind.DERIVED),
        Field(
            "id_number",
            "身份证号",
            Kind.ID_NUMBER,
            aliases=("身份证号码", "公民身份号码"),
            help="按身份证号查找本村居民；没有身份证号时按姓名查找。",
        ),
    )


def _guardian_columns() -> tuple[Field, ...]:
    return (
        Field(
            "guardian_name",
            "监护人姓名",
            aliases=("监护人情况姓名",),
            required=True,
            help="实际照料儿童的监护人。",
        ),
        Field(
            "guardian_relation",
            "监护人与儿童关系",
            Kind.CHOICE,
            aliases=("与儿童关系", "监护人关系", "监护人情况与儿童关系"),
            choices=GuardianRelation,
            value_aliases={
                "爷爷": "grandparent",
                "奶奶": "grandparent",
                "祖父": "grandparent",
                "祖母": "grandparent",
                "外公": "maternal_grandparent",
                "外婆": "maternal_grandparent",
                "外祖父": "maternal_grandparent",
                "外祖母": "maternal_grandparent",
                "父": "father",
                "母": "mother",
                "亲属": "relative",
            },
            required=True,
        ),
        Field(
            "guardian_phone",
            "监护人联系电话",
            Kind.PHONE,
            aliases=("监护人电话", "监护人情况联系电话"),
        ),
        Field("school", "就读学校", aliases=("学校",)),
        Field("grade", "年级"),
    )


@register
class LeftBehindChildImporter(_RegisterImporter):
    """留守儿童 (ledger ``left_behind_children``)."""

    name = "left_behind_children"
    title = "农村留守儿童（学生）信息登记表"
    permission = "registry.add_leftbehindchild"
    model = LeftBehindChild
    notes = CHILD_NOTES
    fields = (
        *person_columns(),
        Field(
            "parents_away",
            "父母外出情况",
            Kind.CHOICE,
            aliases=("外出情况",),
            choices=ParentsAway,
            value_aliases={"双方外出": "both", "父母均外出": "both", "父外出": "father", "母外出": "mother"},
            required=True,
        ),
        Field(
            "away_reason",
            "外出原因",
            Kind.CHOICE,
            choices=AwayReason,
            value_aliases={"务工": "work", "打工": "work", "看守所": "detention"},
            help="空着为外出务工。",
        ),
        *_guardian_columns(),
        Field("boarding", "寄宿", Kind.BOOL, aliases=("是否寄宿",), help="空着为否。"),
        Field("notes", "备注"),
        Field(
            "category",
            "类别",
            Kind.CHOICE,
            choices=ChildCategory,
            value_aliases={"留守儿童": "left_behind"},
            help="空着为留守儿童。",
        ),
        Field("regular_contact", "是否每月与父母联系", Kind.BOOL, help="空着为是。"),
        Field("health", "健康状况", help="空着为健康。"),
    )
    entry_keys = (
        "parents_away",
        "away_reason",
        "guardian_name",
        "guardian_relation",
        "guardian_phone",
        "school",
        "grade",
        "boarding",
        "notes",
        "category",
        "regular_contact",
        "health",
    )


@register
class HardshipChildImporter(_RegisterImporter):
    """特殊困难儿童 (ledger ``hardship_children``)."""

    name = "hardship_children"
    title = "农村特殊困难儿童（学生）信息登记表"
    permission = "registry.add_hardshipchild"
    model = HardshipChild
    notes = CHILD_NOTES
    fields = (
        *person_columns(),
        Field(
            "reason",
            "困难原因",
            Kind.CHOICE,
            choices=HardshipReason,
            value_aliases={"父母均去世": "both_dead", "双亡": "both_dead", "其他": "other"},
            required=True,
        ),
        Field("reason_detail", "原因说明", help="困难原因为“其他原因”时必填。"),
        *_guardian_columns(),
        Field("notes", "备注"),
    )
    entry_keys = (
        "reason",
        "reason_detail",
        "guardian_name",
        "guardian_relation",
        "guardian_phone",
        "school",
        "grade",
        "notes",
    )


# -- left-behind women -------------------------------------------------------------------------------


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
            row.fail(place_key, "此人还没有在本村登记：请填写村（组），系统会在这个村民小组新建一户。")
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


@register
class LeftBehindWomanImporter(_HouseholdMaker, _RegisterImporter):
    """农村留守妇女 (ledger ``left_behind_women``); also reads registers typed by hand (see the module)."""

    name = "left_behind_women"
    title = "农村留守妇女信息登记表"
    permission = "registry.add_leftbehindwoman"
    model = LeftBehindWoman
    notes = (
        "妇女按身份证号在本村居民中查找（没有身份证号时按姓名查找）；同一妇女同一年度已登记的，更新这一条登记。",
        "还没有在本村登记的妇女，系统按“村组”在该村民小组新建一户（户号接本村最大户号）："
        "她为配偶，丈夫为户主（性别男，务工地点和外出时间按本表）。所以新登记的妇女要填村组和丈夫姓名。",
        "已登记的妇女，丈夫按户籍中的户主或配偶找到；表中的丈夫务工地点、外出时间会更新到丈夫的信息中。",
        "年龄、子女数、外出时长由系统算出，导入时不读取；是否符合留守妇女条件按本年度统计截止日判断。",
    )
    fields = (
        Field(
            "place",
            "村组",
            aliases=("村（组）", "组别", "组"),
            help="村民小组，如 1组 或 一组；还没有登记的妇女必填（系统在这个组新建一户）。",
        ),
        Field("name", "姓名", required=True, help="须与本村居民登记的姓名一致。"),
        Field("age", "年龄", Kind.DERIVED),
        Field(
            "birth",
            "出生年月",
            Kind.MONTH,
            aliases=("出生日期", "出生年月日"),
            help="有身份证号时由身份证号得出，可以留空；填了须与身份证号一致。",
        ),
        Field(
            "id_number",
            "身份证号",
            Kind.ID_NUMBER,
            aliases=("身份证号码", "公民身份号码"),
            help="按身份证号查找本村居民；没有身份证号时按姓名查找。",
        ),
        Field("phone", "联系电话", Kind.PHONE, aliases=("电话",), help="空着不改动已登记的电话。"),
        Field(
            "education",
            "文化程度",
            Kind.CHOICE,
            choices=Education,
            value_aliases=EDUCATION_ALIASES,
            help="空着不改动已登记的文化程度。",
        ),
        Field("husband", "丈夫姓名", aliases=("丈夫情况姓名",), help="还没有登记的妇女必填。"),
        Field(
            "husband_work",
            "丈夫务工地点",
            aliases=("丈夫情况务工地点", "丈夫务工地址"),
            help="县内、县外省内或省外，后面可写具体地点，如“省外 广东东莞”；也可以只写“广东省东莞市”。",
        ),
        Field(
            "husband_since",
            "丈夫外出时间",
            Kind.MONTH,
            aliases=("丈夫情况外出时间", "丈夫外出务工时间"),
            help="丈夫外出务工的年月，如 2013年5月、2013.5 或 2013-05。",
        ),
        Field("husband_months", "丈夫外出时长（月）", Kind.DERIVED, aliases=("外出时长（月）", "外出时长")),
        Field("children", "子女数", Kind.DERIVED),
        Field(
            "lives_with",
            "居住情况",
            Kind.CHOICE,
            choices=LivesWith,
            value_aliases={"单独": "alone", "独居": "alone", "与家人居住": "family", "与家人": "family"},
            help="空着为与其他家庭成员居住。",
        ),
        Field("at_registration_place", "居住在户籍地", Kind.BOOL, help="空着为是。"),
        Field("needs", "困难和需求", aliases=("困难需求",)),
        Field("notes", "备注"),
    )
    entry_keys = ("lives_with", "at_registration_place", "needs", "notes")
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
                f"出生年月与身份证号不一致（身份证号为 {person_birth.year}年{person_birth.month}月）。",
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
            row.fail("husband", "此人还没有在本村登记：请填写丈夫姓名，系统会为她建户并登记丈夫。")
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
                f"她户中登记的丈夫是“{husband.name}”，与表中的“{name}”不一致。请核对，或先在居民中更正。",
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


# -- poor women --------------------------------------------------------------------------------------

_REASON_SPLIT = re.compile(r"[：:]")
_POVERTY_ALIASES = {
    "其它": "其他",
    "因病致贫": "因病",
    "因残致贫": "因残",
    "因学致贫": "因学",
    "因灾致贫": "因灾",
}


@register
class PoorWomanImporter(_RegisterImporter):
    """农村贫困妇女 (ledger ``poor_women``): the entry, and her household's per-capita income."""

    name = "poor_women"
    title = "农村贫困妇女信息登记表"
    permission = "registry.add_poorwoman"
    model = PoorWoman
    notes = (
        "妇女按身份证号在本村居民中查找（没有身份证号时按姓名查找）；同一妇女同一年度已登记的，更新这一条登记。",
        "妇女须先在本村登记并属于一户（导入居民花名册），本表不新建居民：贫困按她家的人均纯收入判断。",
        "“家庭人均纯收入”填了会更新到她所在的户；是否低于贫困线按本年度设置判断。",
        "村组、年龄由系统得出，导入时不读取。",
    )
    fields = (
        *person_columns(sex_and_birth=False),
        Field(
            "income",
            "家庭人均纯收入（元）",
            Kind.MONEY,
            aliases=("家庭人均纯收入", "人均纯收入"),
            help="她所在户的人均纯收入（元），填了会更新到户；空着不改动。",
        ),
        Field(
            "reason",
            "致贫原因",
            required=True,
            help="填 "
            + "、".join(str(label) for _value, label in PovertyReason.choices)
            + " 之一，后面可加“：”和说明，如“其他：房屋倒塌”。",
        ),
        Field("reason_detail", "原因说明", help="也可以写在致贫原因的“：”后面。"),
        Field("in_dibao", "纳入低保", Kind.BOOL, aliases=("是否纳入低保",), help="空着为否。"),
        Field("paired", "是否结对帮扶", Kind.BOOL, aliases=("结对帮扶是否",), help="空着为否。"),
        Field("paired_by", "帮扶人或单位", aliases=("结对帮扶帮扶人或单位",), help="结对帮扶时必填。"),
        Field("relief", "是否给予救助", Kind.BOOL, aliases=("救助是否",), help="空着为否。"),
        Field("relief_what", "救助内容", aliases=("救助救助内容",), help="给予救助时必填。"),
        Field("relief_amount", "救助金额（元）", Kind.MONEY, aliases=("救助金额",)),
        Field("notes", "备注"),
    )
    entry_keys = (
        "in_dibao",
        "paired",
        "paired_by",
        "relief",
        "relief_what",
        "relief_amount",
        "notes",
    )
    field_columns = {"__all__": "name", "person": "name", "per_capita_income": "income"}

    def entry_values(self, row: ImportRow) -> dict[str, Any]:
        values = super().entry_values(row)
        text = row.get("reason", "")
        parts = _REASON_SPLIT.split(text, maxsplit=1)
        head = parts[0].strip()
        detail = parts[1].strip() if len(parts) > 1 else ""
        wanted = normalize_header(_POVERTY_ALIASES.get(head, head))
        reason = next(
            (
                value
                for value, label in PovertyReason.choices
                if wanted in (normalize_header(label), normalize_header(value))
            ),
            None,
        )
        if reason is None:
            allowed = "、".join(str(label) for _value, label in PovertyReason.choices)
            row.fail("reason", f"“{head}”不是允许的致贫原因，应为：{allowed}（后面可加“：”和说明）。")
            return values
        values["reason"] = reason
        if row.get("reason_detail"):
            detail = row.get("reason_detail")
        values["reason_detail"] = detail
        return values

    def update_person(self, row: ImportRow, person: Person) -> bool:
        income = row.get("income")
        if income is None:
            return False
        household = Household.objects.filter(pk=person.household_id).first()
        if household is None:
            row.fail("income", "她不属于任何户，无法登记家庭人均纯收入：请先在居民中把她登记到户。")
            raise RowInvalid
        record = household.income_change(self.year, income)  # the income of the file's year
        if record is None:
            return False
        self.save(record, row)
        return True


# -- village directors ------------------------------------------------------------------------------


@register
class VillageDirectorImporter(Importer):
    """村妇代会主任登记表 (ledger ``village_directors``): matched by name within the village."""

    name = "village_directors"
    title = "村妇代会主任登记表"
    permission = "registry.add_villagedirector"
    yearly = False
    noun = "人"
    unique_key = None
    notes = (
        "主任按姓名在本村已登记的主任中查找：找到的更新，找不到的新建。",
        "“村”一列可以空着；填了须是本村。",
        "出生年月、任职时间、离任时间填年月即可，如 1975年6月、1975.6 或 1975-06。",
    )
    fields = (
        Field("village", "村", aliases=("村名", "所在村"), help="本村村名，可以空着。"),
        Field("name", "姓名", required=True),
        Field("work_unit", "工作单位", required=True),
        Field("birth_month", "出生年月", Kind.MONTH, aliases=("出生日期",), required=True),
        Field(
            "education",
            "文化程度",
            Kind.CHOICE,
            choices=Education,
            value_aliases=EDUCATION_ALIASES,
            required=True,
        ),
        Field(
            "political_status",
            "政治面貌",
            Kind.CHOICE,
            choices=PoliticalStatus,
            value_aliases={"党员": "party", "团员": "league", "共产党员": "party"},
            required=True,
        ),
        Field("in_office_since", "任职时间", Kind.MONTH, required=True),
        Field(
            "committee_seat",
            "进村两委情况",
            Kind.CHOICE,
            choices=CommitteeSeat,
            value_aliases={
                "否": "none",
                "未进": "none",
                "未进两委": "none",
                "进支委": "branch",
                "进村支委": "branch",
                "进村委": "committee",
                "进村委会": "committee",
                "交叉任职": "both",
                "进两委": "both",
            },
            required=True,
        ),
        Field("part_time_posts", "兼职情况"),
        Field("yearly_income", "年收入（元）", Kind.MONEY, aliases=("年收入",)),
        Field("on_payroll", "是否在编", Kind.BOOL, help="空着为否。"),
        Field("phone", "联系电话", Kind.PHONE, aliases=("电话",), required=True),
        Field("left_office_on", "离任时间", Kind.MONTH, help="仍在任的空着。"),
    )
    _months = ("birth_month", "in_office_since", "left_office_on")

    def prepare(self, rows: list[ImportRow]) -> None:
        self.directors: dict[str, list[VillageDirector]] = {}
        for director in VillageDirector.objects.filter(village=self.village).order_by("pk"):
            self.directors.setdefault(director.name, []).append(director)
        self.first_row_of: dict[str, int] = {}

    def apply_row(self, row: ImportRow) -> str:
        village = row.get("village")
        if village and normalize_header(village) not in (
            normalize_header(self.village.name),
            normalize_header(str(self.village)),
        ):
            row.fail("village", f"只能导入本村（{self.village.name}）的主任，这一行写的是“{village}”。")
        name = row.get("name")
        if name in self.first_row_of:
            row.fail("name", f"与第 {self.first_row_of[name]} 行的姓名重复。")
        self.first_row_of.setdefault(name, row.number)
        same = self.directors.get(name, [])
        if len(same) > 1:
            row.fail("name", f"本村已登记了不止一位叫“{name}”的主任，请在系统中修改。")
        if row.errors:
            raise RowInvalid
        director = same[0] if same else VillageDirector(village=self.village, name=name)
        values: dict[str, Any] = {}
        for f in self.fields:
            if f.key in ("village", "name") or not row.has(f.key):
                continue
            value = row.get(f.key)
            if f.key in self._months and value is not None and same_month(getattr(director, f.key), value):
                continue  # a 年月 column keeps the day stored
            if value is None:
                value = _field_default(VillageDirector, f.key)
            values[f.key] = value
        is_new = director.pk is None
        if not self.changed(director, values) and not is_new:
            return UNCHANGED
        self.save(director, row)
        self.directors[name] = [director]
        return CREATED if is_new else UPDATED
