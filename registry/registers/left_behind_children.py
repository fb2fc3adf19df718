"""留守儿童 (seed, 2014 plan item 3): a child under 16 whose parents (one or both) work away.

Besides its table, the register prints a registration card (登记卡) a child, with her parents.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind, flag
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.definitions import Card, CardField, Table
from federation.ledgers.model_ledgers import model_ledger
from federation.web.registers import Deadline, declare, settings_help
from registry.entries import (
    CHILD_COLUMNS,
    CHILD_FIELDS,
    ENTRY_COLUMNS,
    ENTRY_FIELDS,
    NOTES,
    child_register,
    entries_note,
    entry_queryset,
    ledger_as_of,
    person_columns,
    person_list,
    person_place,
)
from registry.exports import work_place_text
from registry.models import AwayReason, ChildCategory, LeftBehindChild, ParentsAway, Person, Relation
from registry.views.registers import LeftBehindChildListView

TABLE = Table(
    title=_("农村留守儿童（学生）信息登记表"),
    columns=(
        *person_columns(),
        Column.of_field(
            "parents_away",
            _("父母外出情况"),
            Kind.CHOICE,
            width=13,
            aliases=("外出情况",),
            value_aliases={"双方外出": "both", "父母均外出": "both", "父外出": "father", "母外出": "mother"},
            required=True,
        ),
        Column.of_field(
            "away_reason",
            _("外出原因"),
            Kind.CHOICE,
            width=9,
            value_aliases={"务工": "work", "打工": "work", "看守所": "detention"},
            help=_("空着为外出务工。"),
        ),
        *CHILD_COLUMNS,
        flag("boarding", _("寄宿"), aliases=("是否寄宿",)),
        *ENTRY_COLUMNS,
        NOTES,
        Column.of_field(
            "category",
            _("类别"),
            Kind.CHOICE,
            value_aliases={"留守儿童": "left_behind"},
            help=_("空着为留守儿童。"),
            exported=False,
        ),
        flag("regular_contact", _("是否每月与父母联系"), empty=True, counted=False, exported=False),
        Column.of_field("health", _("健康状况"), help=_("空着为健康。"), exported=False),
    ),
    notes=(
        lambda ctx: (
            f"留守儿童（学生）指父母外出务工的不满 {ctx.settings.child_age_limit} 周岁的儿童，"
            "包括父母在看守所的；“父母外出情况”注明父母双方均外出或一方外出。"
        ),
        entries_note,
        "合计行“寄宿”栏为寄宿的人数。",
    ),
)

YES_NO = ((True, "是"), (False, "否"))

CARD = Card(
    title=_("留守儿童登记卡"),
    sections=(
        (
            _("儿童基本情况"),
            (
                CardField("name", _("姓名")),
                CardField("sex", _("性别")),
                CardField("birth_date", _("出生日期"), Kind.DATE, birth=True),
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
    notes=(entries_note,),
    footer=(_("填表人"), _("审核人")),
)


def card_queryset(user: Any, filters: ExportFilters) -> QuerySet:
    """Return the left-behind children, with their households' parents for the card."""
    parents = Person.objects.filter(relation__in=[Relation.HEAD, Relation.SPOUSE])
    return entry_queryset(LeftBehindChild)(user, filters).prefetch_related(
        Prefetch("person__household__members", queryset=parents, to_attr="parents")
    )


def card_row(entry: LeftBehindChild, ctx: ExportContext) -> dict[str, Any]:
    person = entry.person
    parents = person.household.parents if person.household_id else []
    father = next((p for p in parents if p.sex == "M"), None)
    mother = next((p for p in parents if p.sex == "F"), None)
    return {
        "name": person.name,
        "sex": person.get_sex_display(),
        "birth_date": person.birth_date,
        "age": person.age_on(ctx.ages_on),
        "id_number": person.id_number,
        "ethnicity": person.ethnicity,
        "place": person_place(ctx, person),
        "address": person.household.address if person.household_id else "",
        "school": entry.school,
        "grade": entry.grade,
        "boarding": entry.boarding,
        "health": entry.health,
        "category": entry.category,
        "parents_away": entry.parents_away,
        "away_reason": entry.away_reason,
        "father": father.name if father else "",
        "father_work": work_place_text(father),
        "father_phone": father.phone if father else "",
        "mother": mother.name if mother else "",
        "mother_work": work_place_text(mother),
        "mother_phone": mother.phone if mother else "",
        "regular_contact": entry.regular_contact,
        "guardian": entry.guardian_name,
        "guardian_relation": entry.get_guardian_relation_display(),
        "guardian_phone": entry.guardian_phone,
        "notes": entry.notes,
    }


declare(
    child_register(
        model=LeftBehindChild,
        path="left-behind-children",
        ledger="left_behind_children",
        table=TABLE,
        form_fields=(
            *ENTRY_FIELDS,
            "category",
            "parents_away",
            "away_reason",
            *CHILD_FIELDS,
            "boarding",
            "regular_contact",
            "health",
            "notes",
        ),
        list_columns=(
            *person_list(),
            "parents_away",
            (_("监护人"), "guardian_name"),
            "school",
            "entered_on",
            "exited_on",
        ),
        help=settings_help(
            _(
                "留守儿童：父母外出务工、不满 {settings.child_age_limit} 周岁的儿童（学生），"
                "父母在看守所的也算；登记时注明是父母双方还是一方外出。年龄按认定日期核实；"
                "首次采集 3月18日前登记完（{year} 年度的统计截止日"
                "{settings.ages_on.month}月{settings.ages_on.day}日），并填写登记卡。"
            )
        ),
        views={"list": LeftBehindChildListView},
        menu_order=1,
        deadline=Deadline("left_behind_children", 3, 18, _("留守\n儿童"), order=20),
        person_order=30,
        extra_ledgers=(
            model_ledger(
                LeftBehindChild,
                "left_behind_child_cards",
                CARD,
                queryset=card_queryset,
                row=card_row,
                formats=("pdf",),
                as_of=ledger_as_of,
            ),
        ),
    )
)
