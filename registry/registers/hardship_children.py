"""特殊困难儿童 (seed, 2014 plan item 4): a child who lost parents and is raised by relatives."""

from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind
from federation.ledgers.exports.definitions import Table
from federation.web.registers import Deadline, declare, settings_help
from registry.columns import text_column
from registry.entries import (
    CHILD_COLUMNS,
    CHILD_FIELDS,
    ENTRY_COLUMNS,
    ENTRY_FIELDS,
    NOTES,
    child_register,
    entries_note,
    person_columns,
    person_list,
)
from registry.models import HardshipChild
from registry.views.registers import HardshipChildListView

TABLE = Table(
    title=_("农村特殊困难儿童（学生）信息登记表"),
    columns=(
        *person_columns(),
        Column.of_field(
            "reason",
            _("困难原因"),
            Kind.CHOICE,
            width=16,
            wrap=True,
            value_aliases={"父母均去世": "both_dead", "双亡": "both_dead", "其他": "other"},
            required=True,
        ),
        text_column("reason_detail", _("原因说明"), width=16, help=_("困难原因为“其他原因”时必填。")),
        *CHILD_COLUMNS,
        *ENTRY_COLUMNS,
        NOTES,
    ),
    notes=(
        lambda ctx: (
            f"特殊困难儿童（学生）指失去父母、由其他亲属抚养的不满 {ctx.settings.child_age_limit} 周岁的"
            "儿童；“困难原因”注明是否父母双亡或其他原因。"
        ),
        entries_note,
    ),
)

declare(
    child_register(
        model=HardshipChild,
        path="hardship-children",
        ledger="hardship_children",
        table=TABLE,
        form_fields=(*ENTRY_FIELDS, "reason", "reason_detail", *CHILD_FIELDS, "notes"),
        list_columns=(
            *person_list(),
            "reason",
            (_("监护人"), "guardian_name"),
            "entered_on",
            "exited_on",
        ),
        help=settings_help(
            _(
                "特殊困难儿童：失去父母、由其他亲属抚养的不满 {settings.child_age_limit} 周岁的儿童；"
                "登记时注明是父母双亡，还是别的原因（一方去世另一方下落不明、改嫁、服刑、残疾等）。"
                "年龄按认定日期核实；首次采集 3月18日前登记完"
                "（{year} 年度的统计截止日{settings.ages_on.month}月{settings.ages_on.day}日）。"
            )
        ),
        views={"list": HardshipChildListView},
        menu_order=2,
        deadline=Deadline("hardship_children", 3, 18, _("困境\n儿童"), order=30),
        person_order=40,
    )
)
