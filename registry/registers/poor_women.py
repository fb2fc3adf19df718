"""农村贫困妇女 (seed, 2014 plan item 7): a woman of a household whose per-capita income is below the line.

The export shows her household's income of the register's year; the import writes it as the
household's income of the file's year, and the protection measures (低保, 结对帮扶, 救助) on the entry.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.core.models import year_settings
from federation.ledgers.columns import Column, ColumnGroup, Kind, Total, flag
from federation.ledgers.exports.definitions import Table
from federation.ledgers.imports.cells import normalize_header
from federation.ledgers.imports.framework import ImportRow, RowInvalid
from federation.web.registers import Deadline, declare
from registry import rules
from registry.columns import text_column
from registry.entries import (
    ENTRY_COLUMNS,
    ENTRY_FIELDS,
    NOTES,
    EntryImporter,
    entries_note,
    person_columns,
    person_list,
    women_register,
)
from registry.forms.registers import MONEY_INPUT
from registry.models import Household, Person, PoorWoman, PovertyReason
from registry.views.registers import PoorWomanListView


def _allowed_reasons() -> str:
    return "、".join(str(label) for _value, label in PovertyReason.choices)


def _reason_help() -> str:
    """Return the explanation of the 致贫原因 column (the reasons allowed), when it is shown."""
    return gettext("填 %(allowed)s 之一，后面可加“：”和说明，如“其他：房屋倒塌”。") % {
        "allowed": _allowed_reasons()
    }


def _what(key: str, header: str, **options: Any) -> Column:
    """Return the column of what a protection measure gives (结对帮扶, 救助), read as ``header``."""
    return text_column(key, header, label=header, **options)


TABLE = Table(
    title=_("农村贫困妇女信息登记表"),
    columns=(
        *person_columns(sex_and_birth=False),
        Column(
            "income",
            _("家庭人均纯收入（元）"),
            Kind.MONEY,
            width=12,
            source="household_income",
            aliases=("家庭人均纯收入", "人均纯收入"),
            help=_("她所在户的人均纯收入（元），填了会更新到户；空着不改动。"),
        ),
        Column(
            "reason",
            _("致贫原因"),
            width=9,
            source=lambda entry, ctx: (
                entry.get_reason_display() + (f"：{entry.reason_detail}" if entry.reason_detail else "")
            ),
            required=True,
            help=lazy(_reason_help, str)(),
        ),
        Column("reason_detail", _("原因说明"), help=_("也可以写在致贫原因的“：”后面。"), exported=False),
        flag("in_dibao", _("纳入低保"), aliases=("是否纳入低保",)),
        ColumnGroup(
            _("结对帮扶"),
            (
                flag("paired", _("是否"), label=_("是否结对帮扶"), aliases=("结对帮扶是否",)),
                _what(
                    "paired_by",
                    _("帮扶人或单位"),
                    aliases=("结对帮扶帮扶人或单位",),
                    help=_("结对帮扶时必填。"),
                ),
            ),
        ),
        ColumnGroup(
            _("救助"),
            (
                flag("relief", _("是否"), label=_("是否给予救助"), aliases=("救助是否",)),
                _what("relief_what", _("救助内容"), aliases=("救助救助内容",), help=_("给予救助时必填。")),
                Column.of_field(
                    "relief_amount",
                    _("金额（元）"),
                    Kind.MONEY,
                    total=Total.SUM,
                    label=_("救助金额（元）"),
                    aliases=("救助金额",),
                ),
            ),
        ),
        *ENTRY_COLUMNS,
        replace(NOTES, width=12),
    ),
    notes=(
        lambda ctx: (
            f"农村贫困妇女指家庭人均纯收入低于 {ctx.settings.poverty_line:.0f} 元的低收入家庭中的妇女；"
            "保障措施即是否纳入低保、是否结对帮扶、是否给予救助。"
        ),
        "合计行“是否”栏为“是”的人数，“金额”栏为救助金额之和。",
        entries_note,
    ),
)

_REASON_SPLIT = re.compile(r"[：:]")
_POVERTY_ALIASES = {
    "其它": "其他",
    "因病致贫": "因病",
    "因残致贫": "因残",
    "因学致贫": "因学",
    "因灾致贫": "因灾",
}


class PoorWomanImporter(EntryImporter):
    """农村贫困妇女 (ledger ``poor_women``): the entry, and her household's per-capita income."""

    field_columns = {"__all__": "name", "person": "name", "per_capita_income": "income"}

    def entry_values(self, row: ImportRow, entry: Any = None) -> dict[str, Any]:
        values = super().entry_values(row, entry)
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
            row.fail(
                "reason",
                gettext("“%(reason)s”不是允许的致贫原因，应为：%(allowed)s（后面可加“：”和说明）。")
                % {"reason": head, "allowed": _allowed_reasons()},
            )
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
            row.fail("income", gettext("她不属于任何户，无法登记家庭人均纯收入：请先在居民中把她登记到户。"))
            raise RowInvalid
        record = household.income_change(self.year, income)  # the income of the file's year
        if record is None:
            return False
        self.save(record, row)
        # The household's form edits its incomes: its version moves too, so a form opened before
        # the import is refused with the income it now has.
        self.save(household, row)
        return True


declare(
    women_register(
        model=PoorWoman,
        path="poor-women",
        ledger="poor_women",
        table=TABLE,
        form_fields=(
            *ENTRY_FIELDS,
            "reason",
            "reason_detail",
            "in_dibao",
            "paired",
            "paired_by",
            "relief",
            "relief_what",
            "relief_amount",
            "notes",
        ),
        widgets={"relief_amount": MONEY_INPUT},
        list_columns=(
            *person_list("name", "group", "id_number"),
            (_("人均纯收入"), "household_income"),
            "reason",
            (_("低保"), "in_dibao"),
            (_("结对帮扶"), "paired"),
            (_("救助"), "relief"),
            "entered_on",
            "exited_on",
        ),
        help=lambda year: gettext(
            "农村贫困妇女：家里人均纯收入低于 {line} 元（{year} 年度的贫困线）的低收入家庭中的妇女；"
            "登记她得到的保障：是否纳入低保、是否结对帮扶、是否给予救助。3月18日前登记完。"
        ).format(line=floatformat(year_settings(year).poverty_line, -2), year=year),
        views={"list": PoorWomanListView},
        menu_order=4,
        deadline=Deadline("poor_women", 3, 18, _("贫困\n妇女"), order=50),
        person_ages=rules.woman_ages,
        person_order=20,
        importer=PoorWomanImporter,
        import_notes=(
            _("妇女须先在本村登记并属于一户（导入居民花名册），本表不新建居民：贫困按她家的人均纯收入判断。"),
            _("“家庭人均纯收入”填了会更新到她所在的户；是否低于贫困线按本年度设置判断。"),
            _("村组、年龄由系统得出，导入时不读取。"),
        ),
    )
)
