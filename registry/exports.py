"""The ledgers of households and persons (妇女基本信息台账, 居民花名册), and what the ledgers share.

Each ledger's rows come from the same selectors as its list page, so an export shows what the
list shows, through the same scoping rule. A township's export is one sheet with a 村组 column
that names the village (红旗村一组) and a 合计 row; its PDF is one file per village, in a ZIP. The
yearly registers' ledgers are declared with the registers (``registry/registers/``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from itertools import islice
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import BooleanField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.core.idnumber import age_on
from federation.core.models import VillageGroup
from federation.ledgers.columns import Column, ColumnGroup, Kind, Total
from federation.ledgers.exports.conf import CHUNK_SIZE
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Table
from federation.ledgers.exports.registry import register
from federation.ledgers.imports.cells import parse_id_text
from federation.ledgers.model_ledgers import model_ledger
from registry import selectors
from registry.columns import AGE, EDUCATION, HUSBAND, ID_NUMBER, NAME, PHONE, PLACE, work_place_column
from registry.entries import ages_note, person_place
from registry.models import (
    Employment,
    Household,
    MaritalStatus,
    Person,
    Relation,
    SexChoice,
    WorkPlace,
)

# -- helpers shared by the ledgers ---------------------------------------------------------------


def labels(choices: Any) -> dict[str, str]:
    """Return value -> label of a choices class, translated once per language (not once per row)."""
    return _translated_labels(choices, translation.get_language())


@cache
def _translated_labels(choices: Any, language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


@cache
def group_text(number: int | None, name: str | None) -> str:
    """Return a village group as the registers name it (VillageGroup.__str__), cached by value."""
    if number is None:
        return ""
    return str(VillageGroup(number=number, name=name or ""))


def work_place_text(person: Any, places: dict[str, str] | None = None) -> str:
    """Return where a person works: 省外 广东东莞 (the place and its detail), empty at home."""
    if person is None:
        return ""
    places = places or labels(WorkPlace)
    place = places.get(person.work_place, "") if person.work_place else ""
    return " ".join(part for part in (place, person.work_place_detail) if part)


def children_text(children: list[Any], on: Any, sexes: dict[str, str] | None = None) -> str:
    """Return the children as 张小明（男，12岁）、张小红（女，8岁）, as on the ledger page."""
    sexes = sexes or labels(SexChoice)
    parts = []
    for child in children:
        age = age_on(child.birth_date, on) if child.birth_date else None
        parts.append(f"{child.name}（{sexes.get(child.sex, '')}，{'?' if age is None else age}岁）")
    return "、".join(parts)


# -- 妇女基本信息台账 ----------------------------------------------------------------------------------

WOMEN = Table(
    title=_("妇女基本信息台账"),
    # Also what its import reads (registry/registers/women_ledger.py): 村组 and 子女 follow from the
    # households and are not read; 年龄 is checked against her birth date; the husband's columns
    # are compared with the husband registered in her household.
    columns=(
        PLACE,
        NAME,
        AGE,
        Column(
            "marital_status",
            _("婚否"),
            Kind.CHOICE,
            width=6,
            choices=MaritalStatus,
            aliases=("婚姻状况",),
            help=_("空着不改动已登记的婚姻状况。"),
        ),
        ID_NUMBER,
        ColumnGroup(
            _("丈夫"),
            (
                replace(HUSBAND, width=10, help=_("须与她户中登记的丈夫（户主或配偶）一致。")),
                Column(
                    "husband_id",
                    _("身份证号"),
                    Kind.ID_NUMBER,
                    aliases=("丈夫情况身份证号", "丈夫身份证号码"),
                    parser=parse_id_text,  # a number one digit off is named beside the registered one
                    help=_(
                        "须与她户中登记的丈夫的身份证号一致；丈夫还没有身份证号的，填了（并填丈夫姓名）就补录。"
                    ),
                ),
                work_place_column(
                    "husband_work",
                    aliases=("丈夫情况务工地点",),
                    help=_(
                        "在家、县内、县外省内或省外，后面可写具体地点；与登记的不同时更新丈夫的务工地点。"
                    ),
                ),
            ),
        ),
        Column("children", _("子女（姓名、性别、年龄）"), width=34, wrap=True, read=False, aliases=("子女",)),
    ),
    notes=(
        lambda ctx: (
            f"妇女指本村年满 {ctx.adult_age} 周岁的女性（年满 18 岁的女青年也可称妇女）；"
            "由居民和户籍信息生成。"
        ),
        ages_note,
        "丈夫、子女按户籍中的户主、配偶、子女关系列出；务工地点分县内、县外省内、省外。",
    ),
)


def women_queryset(user: Any, filters: ExportFilters) -> QuerySet:
    """Return the women of the ledger as the ledger page lists them (year, group, search)."""
    return selectors.women_ledger(
        user=user,
        year=filters.year or timezone.localdate().year,
        search=filters.search,
        group_id=filters.group_id,
        village_id=filters.village_id,
    )


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


def women_rows(qs: QuerySet, ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """Yield the ledger's rows, reading 2,000 women at a time and their households in one query each.

    Plain rows, not model instances: 100,000 women bring 300,000 household members, and making
    a model instance of each would cost more than writing the whole workbook. The family is
    found by ``selectors.family_among``, the rule the ledger page uses (``ledger_family``).
    """
    married, places, sexes = labels(MaritalStatus), labels(WorkPlace), labels(SexChoice)
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
                place = places_of[place_key] = village_group(village, group_text(g_number, g_name))
            if household_id is None:
                husband, children = None, []
            else:
                husband, children = family_among(pk, relation, households.get(household_id, ()))
            yield {
                "place": place,
                "name": name,
                "age": age_on(birth, on) if birth else None,
                "marital_status": married.get(marital, ""),
                "id_number": id_number,
                "husband": husband.name if husband else "",
                "husband_id": husband.id_number if husband else "",
                "husband_work": work_place_text(husband, places),
                "children": children_text(children, on, sexes) if children else "",
            }


# -- 居民花名册 ------------------------------------------------------------------------------------

PERSONS = Table(
    title=_("居民花名册"),
    columns=(
        Column(
            "place",
            _("村组"),
            width=14,
            aliases=("组别", "村（组）", "组"),
            help=_("村民小组，如 1组 或 一组；新户必填。"),
        ),
        Column(
            "household",
            _("户号"),
            width=7,
            help=_("本村的户号；新户号会按村组建户。不属于任何户的居民留空。"),
        ),
        NAME,
        Column(
            "relation",
            _("与户主关系"),
            Kind.CHOICE,
            width=7,
            choices=Relation,
            value_aliases={
                "妻子": "spouse",
                "丈夫": "spouse",
                "儿子": "child",
                "女儿": "child",
                "父亲": "parent",
                "母亲": "parent",
            },
            help=_("填了户号时必填。一户只能有一位户主、一位配偶。"),
        ),
        Column(
            "sex",
            _("性别"),
            Kind.CHOICE,
            width=5,
            choices=SexChoice,
            value_aliases={"女性": "F", "男性": "M"},
        ),
        Column("birth_date", _("出生日期"), Kind.DATE, aliases=("出生年月日",), birth=True),
        ID_NUMBER,
        Column("ethnicity", _("民族"), width=6, help=_("如 汉族、彝族；留空为汉族。")),
        PHONE,
        Column("marital_status", _("婚姻状况"), Kind.CHOICE, width=7, choices=MaritalStatus),
        replace(EDUCATION, width=9),
        Column("employment", _("就业状况"), Kind.CHOICE, width=9, choices=Employment),
        work_place_column(
            "work_place",
            help=_(
                "在家、县内、县外省内或省外，后面可写具体地点，如“省外 广东东莞”；也可以只写“广东省东莞市”。"
            ),
        ),
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
    ).order_by("village__code", "group_number", "household_number", "id")


def person_row(person: Person, ctx: ExportContext) -> dict[str, Any]:
    return {
        "place": person_place(ctx, person),
        "household": person.household.number if person.household_id else "",
        "name": person.name + ("（已故）" if person.deceased else ""),
        "relation": person.get_relation_display(),
        "sex": person.get_sex_display(),
        "birth_date": person.birth_date,
        "id_number": person.id_number,
        "ethnicity": person.ethnicity,
        "phone": person.phone,
        "marital_status": person.get_marital_status_display(),
        "education": person.get_education_display(),
        "employment": person.get_employment_display(),
        "work_place": work_place_text(person),
    }


# -- 户籍登记表 ------------------------------------------------------------------------------------

HOUSEHOLDS = Table(
    title=_("户籍登记表"),
    columns=(
        Column("place", _("村组"), width=14),
        Column("number", _("户号"), width=7),
        Column("head", _("户主"), width=9),
        Column("address", _("住址"), width=18, wrap=True),
        Column("members", _("人口"), Kind.INT, total=Total.SUM),
        Column("women", _("其中女性"), Kind.INT, width=8, total=Total.SUM),
        Column("income", _("家庭人均纯收入（元）"), Kind.MONEY, width=12),
        Column("family", _("家庭成员（与户主关系）"), width=34, wrap=True),
    ),
    count_unit="户",
    landscape=True,
    notes=(
        lambda ctx: (
            gettext("人口为在世的家庭成员；家庭人均纯收入为 %(year)s 年度的，没有登记的空着。")
            % {"year": ctx.year}
        ),
    ),
)

#: The order a household's members are listed in: the head first, then as the relations are declared.
RELATION_ORDER = {value: index for index, (value, _label) in enumerate(Relation.choices)}


def households_queryset(user: Any, filters: ExportFilters) -> QuerySet[Household]:
    """Return the households as the household list shows them (search, group, village), with members."""
    living = Person.objects.filter(deceased=False).only("name", "sex", "relation", "household_id")
    return (
        selectors.household_list(
            user=user, search=filters.search, group_id=filters.group_id, village_id=filters.village_id
        )
        .prefetch_related(Prefetch("members", queryset=living.order_by("birth_date", "pk"), to_attr="living"))
        .order_by("village__code", "group_number", "number", "pk")
    )


def household_row(household: Household, ctx: ExportContext) -> dict[str, Any]:
    members = sorted(household.living, key=lambda p: RELATION_ORDER.get(p.relation, len(RELATION_ORDER)))
    relations = labels(Relation)
    income = next((i.per_capita_income for i in household.incomes.all() if i.year == ctx.year), None)
    head = next((p.name for p in members if p.relation == Relation.HEAD), "")
    return {
        "place": ctx.village_group(household.village.name, household.group),
        "number": household.number,
        "head": head,
        "address": household.address,
        "members": len(members),
        "women": sum(1 for p in members if p.sex == SexChoice.FEMALE),
        "income": income,
        "family": "、".join(f"{p.name}（{relations.get(p.relation, '其他')}）" for p in members),
    }


HOUSEHOLDS_LEDGER = register(
    model_ledger(Household, "households", HOUSEHOLDS, queryset=households_queryset, row=household_row)
)
