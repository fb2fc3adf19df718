"""The registers' ledgers in the county's layout (DESIGN.md, "Ledgers out"; seed, 2014 plan items 1–8).

Each ledger's rows come from the same selectors as its list page, so an export shows what the
list shows, through the same scoping rule. A township's export is one sheet with a 村组 column
that names the village (红旗村一组) and a 合计 row; its PDF is one file per village, in a ZIP.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from itertools import islice
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import BooleanField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from federation.core.idnumber import age_on
from federation.core.models import VillageGroup
from federation.ledgers.exports import (
    Card,
    CardField,
    Column,
    ColumnGroup,
    Kind,
    Ledger,
    Table,
    Total,
    register,
)
from federation.ledgers.exports.conf import CHUNK_SIZE
from federation.ledgers.exports.context import ExportContext, ExportFilters
from registry import selectors
from registry.models import (
    AwayReason,
    ChildCategory,
    HardshipChild,
    LeftBehindChild,
    LeftBehindWoman,
    MaritalStatus,
    ParentsAway,
    Person,
    PoorWoman,
    Relation,
    SexChoice,
    VillageDirector,
    WomensHome,
    WorkPlace,
)

# -- helpers shared by the ledgers ---------------------------------------------------------------


def _labels(choices: Any) -> dict[str, str]:
    """Return value -> label of a choices class, translated once per language (not once per row)."""
    return _translated_labels(choices, translation.get_language())


@cache
def _translated_labels(choices: Any, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


@cache
def _group_text(number: int | None, name: str | None) -> str:
    """Return a village group as the registers name it (VillageGroup.__str__), cached by value."""
    if number is None:
        return ""
    return str(VillageGroup(number=number, name=name or ""))


def _year(filters: ExportFilters) -> int:
    return filters.year or timezone.localdate().year


def _ages_note(ctx: ExportContext) -> str:
    on = ctx.ages_on
    return f"年龄按 {on.year}年{on.month}月{on.day}日（{ctx.year}年度统计截止日）计算。"


def _work_place(person: Any, places: dict[str, str] | None = None) -> str:
    """Return where a person works: 省外 广东东莞 (the place and its detail), empty at home."""
    if person is None:
        return ""
    places = places or _labels(WorkPlace)
    place = places.get(person.work_place, "") if person.work_place else ""
    return " ".join(part for part in (place, person.work_place_detail) if part)


def _children_text(children: list[Any], on: Any, sexes: dict[str, str] | None = None) -> str:
    """Return the children as 张小明（男，12岁）、张小红（女，8岁）, as on the ledger page."""
    sexes = sexes or _labels(SexChoice)
    parts = []
    for child in children:
        age = age_on(child.birth_date, on) if child.birth_date else None
        parts.append(f"{child.name}（{sexes.get(child.sex, '')}，{'?' if age is None else age}岁）")
    return "、".join(parts)


def _register_queryset(model: Any, *extra_related: str) -> Any:
    """Return the queryset function of a yearly register: the list page's selector, village first."""

    def queryset(user: Any, filters: ExportFilters) -> QuerySet:
        qs = selectors.register_entries(
            model=model,
            user=user,
            search=filters.search,
            group_id=filters.group_id,
            year=_year(filters),
        )
        if filters.village_id:
            qs = qs.filter(person__village_id=filters.village_id)
        if extra_related:
            qs = qs.select_related(*extra_related)
        return qs.order_by("person__village__code", "person__household__group__number", "person__name", "pk")

    return queryset


def _place(ctx: ExportContext, person: Person) -> str:
    group = person.household.group if person.household_id else None
    return ctx.village_group(person.village.name, group)


def _age(person: Person, ctx: ExportContext) -> int | None:
    return person.age_on(ctx.ages_on)


# -- 妇女基本信息台账 ----------------------------------------------------------------------------------

WOMEN = Table(
    title=_("妇女基本信息台账"),
    columns=(
        Column("place", _("村组"), width=14),
        Column("name", _("姓名"), width=10),
        Column("age", _("年龄"), Kind.INT),
        Column("married", _("婚否"), width=6),
        Column("id_number", _("身份证号"), Kind.ID_NUMBER),
        ColumnGroup(
            _("丈夫"),
            (
                Column("husband", _("姓名"), width=10),
                Column("husband_id", _("身份证号"), Kind.ID_NUMBER),
                Column("husband_work", _("务工地点"), width=16, wrap=True),
            ),
        ),
        Column("children", _("子女（姓名、性别、年龄）"), width=34, wrap=True),
    ),
    notes=(
        lambda ctx: (
            f"妇女指本村年满 {ctx.adult_age} 周岁的女性（年满 18 岁的女青年也可称妇女）；"
            "由居民和户籍信息生成。"
        ),
        _ages_note,
        "丈夫、子女按户籍中的户主、配偶、子女关系列出；务工地点分县内、县外省内、省外。",
    ),
)


def women_queryset(user: Any, filters: ExportFilters) -> QuerySet:
    """Return the women of the ledger as the ledger page lists them (year, group, search)."""
    qs = selectors.women_ledger(user=user, year=_year(filters))
    if filters.group_id:
        qs = qs.filter(household__group_id=filters.group_id)
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    return selectors._person_search(qs, filters.search)


_WOMAN_FIELDS = (
    "pk",
    "household_id",
    "relation",
    "name",
    "birth_date",
    "marital_status",
    "id_number",
    "village__name",
    "household__group__number",
    "household__group__name",
)


class _Member(NamedTuple):
    """A household member as the women's ledger reads her (``selectors.family_among``), one row."""

    household_id: int
    pk: int
    relation: str
    sex: str
    name: str
    birth_date: Any
    id_number: str | None
    work_place: str
    work_place_detail: str
    deleted_at: Any


def _household_members(ids: set[int]) -> QuerySet:
    """Return the members of the households ``ids``, oldest first, as one query of plain rows.

    On PostgreSQL the ids go as one array parameter (``= ANY(%s)``), not 2,000 ``IN`` parameters
    that Django would prepare and the server parse one by one.
    """
    qs = Person.objects.order_by("birth_date", "pk")
    if connections[qs.db].vendor == "postgresql":
        column = f'"{Person._meta.db_table}"."household_id"'
        qs = qs.filter(RawSQL(f"{column} = ANY(%s)", (sorted(ids),), output_field=BooleanField()))
    else:
        qs = qs.filter(household_id__in=ids)
    return qs.values_list(*_Member._fields)


def women_rows(qs: QuerySet, ctx: ExportContext) -> Iterator[tuple]:
    """Yield the ledger's rows, reading 2,000 women at a time and their households in one query each.

    Plain rows, not model instances: 100,000 women bring 300,000 household members, and making
    a model instance of each would cost more than writing the whole workbook. The family is
    found by ``selectors.family_among``, the rule the ledger page uses (``ledger_family``).
    """
    married, places, sexes = _labels(MaritalStatus), _labels(WorkPlace), _labels(SexChoice)
    on = ctx.ages_on
    village_group = ctx.village_group
    family_among = selectors.family_among
    places_of: dict[tuple, str] = {}
    new_member = tuple.__new__
    women = qs.select_related(None).prefetch_related(None).values_list(*_WOMAN_FIELDS)
    stream = women.iterator(chunk_size=CHUNK_SIZE)
    while batch := list(islice(stream, CHUNK_SIZE)):
        households: dict[int, list[_Member]] = defaultdict(list)
        ids = {row[1] for row in batch if row[1] is not None}
        if ids:
            for values in _household_members(ids):
                households[values[0]].append(new_member(_Member, values))
        for pk, household_id, relation, name, birth, marital, id_number, village, g_number, g_name in batch:
            place_key = (village, g_number, g_name)
            place = places_of.get(place_key)
            if place is None:
                place = places_of[place_key] = village_group(village, _group_text(g_number, g_name))
            if household_id is None:
                husband, children = None, []
            else:
                husband, children = family_among(pk, relation, households.get(household_id, ()))
            yield (
                place,
                name,
                age_on(birth, on) if birth else None,
                married.get(marital, ""),
                id_number,
                husband.name if husband else "",
                husband.id_number if husband else "",
                _work_place(husband, places),
                _children_text(children, on, sexes) if children else "",
            )


register(
    Ledger(
        name="women",
        layout=WOMEN,
        queryset=women_queryset,
        rows=women_rows,
        permission="registry.view_person",
        list_views=("registry:women_ledger",),
    )
)

# -- 居民花名册 ------------------------------------------------------------------------------------

PERSONS = Table(
    title=_("居民花名册"),
    columns=(
        Column("place", _("村组"), width=14),
        Column("household", _("户号"), width=7),
        Column("name", _("姓名"), width=10),
        Column("relation", _("与户主关系"), width=7),
        Column("sex", _("性别"), width=5),
        Column("birth_date", _("出生日期"), Kind.DATE),
        Column("id_number", _("身份证号"), Kind.ID_NUMBER),
        Column("ethnicity", _("民族"), width=6),
        Column("phone", _("联系电话"), Kind.PHONE),
        Column("marital", _("婚姻状况"), width=7),
        Column("education", _("文化程度"), width=9),
        Column("employment", _("就业状况"), width=9),
        Column("work_place", _("务工地点"), width=16, wrap=True),
    ),
    notes=("身份证号空着的居民尚待补录；出生日期、性别由身份证号得出。",),
)


def persons_queryset(user: Any, filters: ExportFilters) -> QuerySet:
    """Return the persons as the persons list shows them (search, group, village, register filters)."""
    return selectors.person_list(
        user=user,
        search=filters.search,
        group_id=filters.group_id,
        village_id=filters.village_id,
        register=filters.extra.get("register", ""),
        missing_id=filters.extra.get("missing_id") == "1",
    ).order_by("village__code", "household__group__number", "household__number", "id")


def person_row(person: Person, ctx: ExportContext) -> tuple:
    return (
        _place(ctx, person),
        person.household.number if person.household_id else "",
        person.name + ("（已故）" if person.deceased else ""),
        person.get_relation_display(),
        person.get_sex_display(),
        person.birth_date,
        person.id_number,
        person.ethnicity,
        person.phone,
        person.get_marital_status_display(),
        person.get_education_display(),
        person.get_employment_display(),
        _work_place(person),
    )


register(
    Ledger(
        name="persons",
        layout=PERSONS,
        queryset=persons_queryset,
        row=person_row,
        permission="registry.view_person",
        list_views=("registry:person_list",),
        yearly=False,
    )
)

# -- 留守儿童 --------------------------------------------------------------------------------------

GUARDIAN = ColumnGroup(
    _("监护人"),
    (
        Column("guardian", _("姓名"), width=9),
        Column("guardian_relation", _("与儿童关系"), width=9),
        Column("guardian_phone", _("联系电话"), Kind.PHONE),
    ),
)

LEFT_BEHIND_CHILDREN = Table(
    title=_("农村留守儿童（学生）信息登记表"),
    columns=(
        Column("place", _("村组"), width=14),
        Column("name", _("姓名"), width=9),
        Column("sex", _("性别"), width=5),
        Column("birth_date", _("出生日期"), Kind.DATE),
        Column("age", _("年龄"), Kind.INT),
        Column("id_number", _("身份证号"), Kind.ID_NUMBER),
        Column("parents_away", _("父母外出情况"), width=13),
        Column("away_reason", _("外出原因"), width=9),
        GUARDIAN,
        Column("school", _("就读学校"), width=14, wrap=True),
        Column("grade", _("年级"), width=7),
        Column("boarding", _("寄宿"), Kind.BOOL, total=Total.COUNT),
        Column("notes", _("备注"), width=14, wrap=True),
    ),
    notes=(
        lambda ctx: (
            f"留守儿童（学生）指父母外出务工的不满 {ctx.settings.child_age_limit} 周岁的儿童，"
            "包括父母在看守所的；“父母外出情况”注明父母双方均外出或一方外出。"
        ),
        _ages_note,
        "合计行“寄宿”栏为寄宿的人数。",
    ),
)


def left_behind_child_row(entry: LeftBehindChild, ctx: ExportContext) -> tuple:
    person = entry.person
    return (
        _place(ctx, person),
        person.name,
        person.get_sex_display(),
        person.birth_date,
        _age(person, ctx),
        person.id_number,
        entry.get_parents_away_display(),
        entry.get_away_reason_display(),
        entry.guardian_name,
        entry.get_guardian_relation_display(),
        entry.guardian_phone,
        entry.school,
        entry.grade,
        entry.boarding,
        entry.notes,
    )


register(
    Ledger(
        name="left_behind_children",
        layout=LEFT_BEHIND_CHILDREN,
        queryset=_register_queryset(LeftBehindChild),
        row=left_behind_child_row,
        permission="registry.view_leftbehindchild",
        list_views=("registry:leftbehindchild_list",),
    )
)

# -- 留守儿童登记卡 -----------------------------------------------------------------------------------

YES_NO = ((True, "是"), (False, "否"))

LEFT_BEHIND_CHILD_CARD = Card(
    title=_("留守儿童登记卡"),
    sections=(
        (
            _("儿童基本情况"),
            (
                CardField("name", _("姓名")),
                CardField("sex", _("性别")),
                CardField("birth_date", _("出生日期"), Kind.DATE),
                CardField("age", _("年龄（周岁）")),
                CardField("id_number", _("身份证号"), Kind.ID_NUMBER),
                CardField("ethnicity", _("民族")),
                CardField("place", _("村组")),
                CardField("address", _("家庭住址")),
                CardField("school", _("就读学校")),
                CardField("grade", _("年级")),
                CardField("boarding", _("是否寄宿"), choices=YES_NO),
                CardField("health", _("健康状况")),
            ),
        ),
        (
            _("父母外出情况"),
            (
                CardField("category", _("类别"), choices=tuple(ChildCategory.choices), wide=True),
                CardField("parents_away", _("外出情况"), choices=tuple(ParentsAway.choices), wide=True),
                CardField("away_reason", _("外出原因"), choices=tuple(AwayReason.choices), wide=True),
                CardField("father", _("父亲姓名")),
                CardField("father_work", _("父亲务工地点")),
                CardField("father_phone", _("父亲电话"), Kind.PHONE),
                CardField("mother", _("母亲姓名")),
                CardField("mother_work", _("母亲务工地点")),
                CardField("mother_phone", _("母亲电话"), Kind.PHONE),
                CardField("regular_contact", _("每月与父母联系"), choices=YES_NO, wide=True),
            ),
        ),
        (
            _("监护情况"),
            (
                CardField("guardian", _("监护人姓名")),
                CardField("guardian_relation", _("与儿童关系")),
                CardField("guardian_phone", _("监护人电话"), Kind.PHONE),
                CardField("notes", _("备注"), wide=True),
            ),
        ),
    ),
    notes=(_ages_note,),
    footer=(_("填表人"), _("审核人")),
)


def left_behind_card_queryset(user: Any, filters: ExportFilters) -> QuerySet:
    """Return the left-behind children, with their households' parents for the card."""
    parents = Person.objects.filter(relation__in=[Relation.HEAD, Relation.SPOUSE])
    return _register_queryset(LeftBehindChild)(user, filters).prefetch_related(
        Prefetch("person__household__members", queryset=parents, to_attr="parents")
    )


def left_behind_card_row(entry: LeftBehindChild, ctx: ExportContext) -> dict[str, Any]:
    person = entry.person
    parents = person.household.parents if person.household_id else []
    father = next((p for p in parents if p.sex == "M"), None)
    mother = next((p for p in parents if p.sex == "F"), None)
    return {
        "name": person.name,
        "sex": person.get_sex_display(),
        "birth_date": person.birth_date,
        "age": _age(person, ctx),
        "id_number": person.id_number,
        "ethnicity": person.ethnicity,
        "place": _place(ctx, person),
        "address": person.household.address if person.household_id else "",
        "school": entry.school,
        "grade": entry.grade,
        "boarding": entry.boarding,
        "health": entry.health,
        "category": entry.category,
        "parents_away": entry.parents_away,
        "away_reason": entry.away_reason,
        "father": father.name if father else "",
        "father_work": _work_place(father),
        "father_phone": father.phone if father else "",
        "mother": mother.name if mother else "",
        "mother_work": _work_place(mother),
        "mother_phone": mother.phone if mother else "",
        "regular_contact": entry.regular_contact,
        "guardian": entry.guardian_name,
        "guardian_relation": entry.get_guardian_relation_display(),
        "guardian_phone": entry.guardian_phone,
        "notes": entry.notes,
    }


register(
    Ledger(
        name="left_behind_child_cards",
        layout=LEFT_BEHIND_CHILD_CARD,
        queryset=left_behind_card_queryset,
        row=left_behind_card_row,
        permission="registry.view_leftbehindchild",
        formats=("pdf",),
        list_views=("registry:leftbehindchild_list",),
    )
)

# -- 特殊困难儿童 ------------------------------------------------------------------------------------

HARDSHIP_CHILDREN = Table(
    title=_("农村特殊困难儿童（学生）信息登记表"),
    columns=(
        Column("place", _("村组"), width=14),
        Column("name", _("姓名"), width=9),
        Column("sex", _("性别"), width=5),
        Column("birth_date", _("出生日期"), Kind.DATE),
        Column("age", _("年龄"), Kind.INT),
        Column("id_number", _("身份证号"), Kind.ID_NUMBER),
        Column("reason", _("困难原因"), width=16, wrap=True),
        Column("reason_detail", _("原因说明"), width=16, wrap=True),
        GUARDIAN,
        Column("school", _("就读学校"), width=14, wrap=True),
        Column("grade", _("年级"), width=7),
        Column("notes", _("备注"), width=14, wrap=True),
    ),
    notes=(
        lambda ctx: (
            f"特殊困难儿童（学生）指失去父母、由其他亲属抚养的不满 {ctx.settings.child_age_limit} 周岁的"
            "儿童；“困难原因”注明是否父母双亡或其他原因。"
        ),
        _ages_note,
    ),
)


def hardship_child_row(entry: HardshipChild, ctx: ExportContext) -> tuple:
    person = entry.person
    return (
        _place(ctx, person),
        person.name,
        person.get_sex_display(),
        person.birth_date,
        _age(person, ctx),
        person.id_number,
        entry.get_reason_display(),
        entry.reason_detail,
        entry.guardian_name,
        entry.get_guardian_relation_display(),
        entry.guardian_phone,
        entry.school,
        entry.grade,
        entry.notes,
    )


register(
    Ledger(
        name="hardship_children",
        layout=HARDSHIP_CHILDREN,
        queryset=_register_queryset(HardshipChild),
        row=hardship_child_row,
        permission="registry.view_hardshipchild",
        list_views=("registry:hardshipchild_list",),
    )
)

# -- 农村留守妇女 -------------------------------------------------------------------------------------

LEFT_BEHIND_WOMEN = Table(
    title=_("农村留守妇女信息登记表"),
    columns=(
        Column("place", _("村组"), width=14),
        Column("name", _("姓名"), width=9),
        Column("age", _("年龄"), Kind.INT),
        Column("id_number", _("身份证号"), Kind.ID_NUMBER),
        Column("phone", _("联系电话"), Kind.PHONE),
        ColumnGroup(
            _("丈夫"),
            (
                Column("husband", _("姓名"), width=9),
                Column("husband_work", _("务工地点"), width=16, wrap=True),
                Column("husband_since", _("外出时间"), Kind.MONTH),
            ),
        ),
        Column("lives_with", _("居住情况"), width=12),
        Column("needs", _("困难和需求"), width=22, wrap=True),
        Column("notes", _("备注"), width=12, wrap=True),
    ),
    notes=(
        lambda ctx: (
            f"农村留守妇女指年龄在 {ctx.settings.left_behind_woman_min_age} 周岁至 "
            f"{ctx.settings.left_behind_woman_max_age} 周岁之间，丈夫县外务工 "
            f"{ctx.settings.husband_away_months} 个月以上，单独或与其他家庭成员居住在户籍地的妇女。"
        ),
        _ages_note,
    ),
)


def _left_behind_women_queryset(user: Any, filters: ExportFilters) -> QuerySet:
    members = Person.objects.order_by("birth_date")
    return _register_queryset(LeftBehindWoman)(user, filters).prefetch_related(
        Prefetch("person__household__members", queryset=members)
    )


def left_behind_woman_row(entry: LeftBehindWoman, ctx: ExportContext) -> tuple:
    person = entry.person
    husband, _children = selectors.ledger_family(person) if person.household_id else (None, [])
    return (
        _place(ctx, person),
        person.name,
        _age(person, ctx),
        person.id_number,
        person.phone,
        husband.name if husband else "",
        _work_place(husband),
        husband.away_since if husband else None,
        entry.get_lives_with_display(),
        entry.needs,
        entry.notes,
    )


register(
    Ledger(
        name="left_behind_women",
        layout=LEFT_BEHIND_WOMEN,
        queryset=_left_behind_women_queryset,
        row=left_behind_woman_row,
        permission="registry.view_leftbehindwoman",
        list_views=("registry:leftbehindwoman_list",),
    )
)

# -- 农村贫困妇女 -------------------------------------------------------------------------------------

POOR_WOMEN = Table(
    title=_("农村贫困妇女信息登记表"),
    columns=(
        Column("place", _("村组"), width=14),
        Column("name", _("姓名"), width=9),
        Column("age", _("年龄"), Kind.INT),
        Column("id_number", _("身份证号"), Kind.ID_NUMBER),
        Column("income", _("家庭人均纯收入（元）"), Kind.MONEY, width=12),
        Column("reason", _("致贫原因"), width=9),
        Column("in_dibao", _("纳入低保"), Kind.BOOL, total=Total.COUNT),
        ColumnGroup(
            _("结对帮扶"),
            (
                Column("paired", _("是否"), Kind.BOOL, total=Total.COUNT),
                Column("paired_by", _("帮扶人或单位"), width=14, wrap=True),
            ),
        ),
        ColumnGroup(
            _("救助"),
            (
                Column("relief", _("是否"), Kind.BOOL, total=Total.COUNT),
                Column("relief_what", _("救助内容"), width=14, wrap=True),
                Column("relief_amount", _("金额（元）"), Kind.MONEY, total=Total.SUM),
            ),
        ),
        Column("notes", _("备注"), width=12, wrap=True),
    ),
    notes=(
        lambda ctx: (
            f"农村贫困妇女指家庭人均纯收入低于 {ctx.settings.poverty_line:.0f} 元的低收入家庭中的妇女；"
            "保障措施即是否纳入低保、是否结对帮扶、是否给予救助。"
        ),
        "合计行“是否”栏为“是”的人数，“金额”栏为救助金额之和。",
        _ages_note,
    ),
)


def poor_woman_row(entry: PoorWoman, ctx: ExportContext) -> tuple:
    person = entry.person
    income = entry.household_income
    reason = entry.get_reason_display() + (f"：{entry.reason_detail}" if entry.reason_detail else "")
    return (
        _place(ctx, person),
        person.name,
        _age(person, ctx),
        person.id_number,
        income,
        reason,
        entry.in_dibao,
        entry.paired,
        entry.paired_by,
        entry.relief,
        entry.relief_what,
        entry.relief_amount,
        entry.notes,
    )


register(
    Ledger(
        name="poor_women",
        layout=POOR_WOMEN,
        queryset=_register_queryset(PoorWoman),
        row=poor_woman_row,
        permission="registry.view_poorwoman",
        list_views=("registry:poorwoman_list",),
    )
)

# -- 村妇代会主任登记表 ---------------------------------------------------------------------------------

VILLAGE_DIRECTORS = Table(
    title=_("村妇代会主任登记表"),
    columns=(
        Column("village", _("村"), width=12),
        Column("name", _("姓名"), width=9),
        Column("work_unit", _("工作单位"), width=16, wrap=True),
        Column("birth_month", _("出生年月"), Kind.MONTH),
        Column("education", _("文化程度"), width=10),
        Column("political_status", _("政治面貌"), width=9),
        Column("in_office_since", _("任职时间"), Kind.MONTH),
        Column("committee_seat", _("进村两委情况"), width=14, wrap=True),
        Column("part_time_posts", _("兼职情况"), width=14, wrap=True),
        Column("yearly_income", _("年收入（元）"), Kind.MONEY),
        Column("on_payroll", _("是否在编"), Kind.BOOL, total=Total.COUNT),
        Column("phone", _("联系电话"), Kind.PHONE),
        Column("left_office_on", _("离任时间"), Kind.MONTH),
    ),
    count_unit="人",
    notes=(
        "内容按 2014 年工作要点第 8 条：姓名、工作单位、出生年月、文化程度、政治面貌、任职时间、"
        "进村两委情况、兼职情况、年收入、是否在编、联系电话。",
        "合计行“是否在编”栏为在编的人数。",
    ),
)


def _village_records_queryset(model: Any) -> Any:
    """Return the queryset function of a village record list (directors, women's homes)."""

    def queryset(user: Any, filters: ExportFilters) -> QuerySet:
        qs = model.objects.for_user(user).select_related("village__township")
        if filters.search:
            condition = Q(village__name__contains=filters.search)
            if hasattr(model, "name"):
                condition |= Q(name__contains=filters.search)
            qs = qs.filter(condition)
        if filters.village_id:
            qs = qs.filter(village_id=filters.village_id)
        return qs.order_by("village__code", *model._meta.ordering[1:], "pk")

    return queryset


def village_director_row(director: VillageDirector, ctx: ExportContext) -> tuple:
    return (
        director.village.name,
        director.name,
        director.work_unit,
        director.birth_month,
        director.get_education_display(),
        director.get_political_status_display(),
        director.in_office_since,
        director.get_committee_seat_display(),
        director.part_time_posts,
        director.yearly_income,
        director.on_payroll,
        director.phone,
        director.left_office_on,
    )


register(
    Ledger(
        name="village_directors",
        layout=VILLAGE_DIRECTORS,
        queryset=_village_records_queryset(VillageDirector),
        row=village_director_row,
        permission="registry.view_villagedirector",
        list_views=("registry:villagedirector_list",),
        yearly=False,
    )
)

# -- 妇女之家 ----------------------------------------------------------------------------------------

WOMENS_HOMES = Table(
    title=_("妇女之家建设情况登记表"),
    columns=(
        Column("village", _("村"), width=12),
        Column("signed_up", _("是否挂牌"), Kind.BOOL, total=Total.COUNT),
        Column("signed_up_on", _("挂牌时间"), Kind.DATE),
        Column("has_office", _("妇联办公室"), Kind.BOOL, total=Total.COUNT),
        Column("equipment", _("已配备设备"), width=30, wrap=True),
        Column("equipment_received_on", _("设备到位时间"), Kind.DATE, width=12),
        Column("notes", _("备注"), width=16, wrap=True),
    ),
    count_unit="个",
    landscape=False,
    notes=(
        "各村委会应设妇联办公室，并挂“××村妇女之家”牌子；设备由县妇联逐步配备（2014 年工作要点第 1 条）。",
        "合计行“是否挂牌”“妇联办公室”栏为“是”的个数。",
    ),
)


def womens_home_row(home: WomensHome, ctx: ExportContext) -> tuple:
    return (
        home.village.name,
        home.signed_up,
        home.signed_up_on,
        home.has_office,
        "、".join(line.strip() for line in home.equipment.splitlines() if line.strip()),
        home.equipment_received_on,
        home.notes,
    )


register(
    Ledger(
        name="womens_homes",
        layout=WOMENS_HOMES,
        queryset=_village_records_queryset(WomensHome),
        row=womens_home_row,
        permission="registry.view_womenshome",
        list_views=("registry:womenshome_list",),
        yearly=False,
    )
)
