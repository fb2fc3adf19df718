"""特殊困难儿童 (seed, 2014 plan item 4): a child who lost parents and is raised by relatives."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.core.models import year_settings
from federation.ledgers.columns import Column, Kind
from federation.ledgers.exports.definitions import Table
from federation.web.registers import Deadline, declare
from registry import rules
from registry.entries import (
    CHILD_COLUMNS,
    CHILD_FIELDS,
    NOTES,
    ages_note,
    child_register,
    person_columns,
    person_list,
)
from registry.models import HardshipChild
from registry.views.registers import HardshipChildListView

TABLE = Table(
    title=_("农村特殊困难儿童（学生）信息登记表"),
    columns=(
        *person_columns(),
        Column(
            "reason",
            _("困难原因"),
            Kind.CHOICE,
            width=16,
            wrap=True,
            field="reason",
            value_aliases={"父母均去世": "both_dead", "双亡": "both_dead", "其他": "other"},
            required=True,
        ),
        Column(
            "reason_detail",
            _("原因说明"),
            width=16,
            wrap=True,
            field="reason_detail",
            help=_("困难原因为“其他原因”时必填。"),
        ),
        *CHILD_COLUMNS,
        NOTES,
    ),
    notes=(
        lambda ctx: (
            f"特殊困难儿童（学生）指失去父母、由其他亲属抚养的不满 {ctx.settings.child_age_limit} 周岁的"
            "儿童；“困难原因”注明是否父母双亡或其他原因。"
        ),
        ages_note,
    ),
)

declare(
    child_register(
        model=HardshipChild,
        path="hardship-children",
        ledger="hardship_children",
        table=TABLE,
        form_fields=(
            "year",
            "person",
            "reason",
            "reason_detail",
            *CHILD_FIELDS,
            "notes",
        ),
        list_columns=(
            *person_list(),
            "reason",
            (_("监护人"), "guardian_name"),
        ),
        help=lambda year: gettext(
            "特殊困难儿童：失去父母、由其他亲属抚养的不满 {limit} 周岁的儿童；登记时注明是父母双亡，"
            "还是别的原因（一方去世另一方下落不明、改嫁、服刑、残疾等）。年龄按 {year} 年度的统计截止日"
            "{on.month}月{on.day}日计算；3月18日前登记完。"
        ).format(limit=year_settings(year).child_age_limit, on=year_settings(year).ages_on, year=year),
        views={"list": HardshipChildListView},
        menu_order=2,
        deadline=Deadline("hardship_children", 3, 18, _("困境\n儿童"), order=30),
        person_ages=rules.child_ages,
        person_order=40,
    )
)
