"""村妇代会主任登记表 (seed, 2014 plan item 8): a village women's director, every field of the seed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.core.labels import DIRECTOR, with_director
from federation.ledgers.columns import Column, Kind, flag
from federation.ledgers.exports.definitions import Table
from federation.ledgers.imports.framework import CREATED, UNCHANGED, UPDATED, Importer, ImportRow, RowInvalid
from federation.web.registers import declare
from registry.columns import EDUCATION, PHONE, text_column, village_column
from registry.entries import check_own_village, field_default, same_month, village_register
from registry.forms.registers import DATE_INPUT, PHONE_INPUT, VillageDirectorForm
from registry.models import VillageDirector

TABLE = Table(
    title=with_director("{director}登记表"),
    columns=(
        village_column("村名", "所在村"),
        Column.of_field("name", _("姓名"), width=9, required=True),
        text_column("work_unit", _("工作单位"), width=16, required=True),
        Column.of_field(
            "birth_month", _("出生年月"), Kind.MONTH, aliases=("出生日期",), required=True, birth=True
        ),
        replace(EDUCATION, field="education", required=True),
        Column.of_field(
            "political_status",
            _("政治面貌"),
            Kind.CHOICE,
            width=9,
            value_aliases={"党员": "party", "团员": "league", "共产党员": "party"},
            required=True,
        ),
        Column.of_field("in_office_since", _("任职时间"), Kind.MONTH, required=True),
        Column.of_field(
            "committee_seat",
            _("进村两委情况"),
            Kind.CHOICE,
            width=14,
            wrap=True,
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
        text_column("part_time_posts", _("兼职情况")),
        Column.of_field("yearly_income", _("年收入（元）"), Kind.MONEY, aliases=("年收入",)),
        flag("on_payroll", _("是否在编")),
        replace(PHONE, field="phone", required=True),
        Column.of_field("left_office_on", _("离任时间"), Kind.MONTH, help=_("仍在任的空着。")),
    ),
    count_unit="人",
    notes=(
        "内容按 2014 年工作要点第 8 条：姓名、工作单位、出生年月、文化程度、政治面貌、任职时间、"
        "进村两委情况、兼职情况、年收入、是否在编、联系电话。",
        "合计行“是否在编”栏为在编的人数。",
    ),
)


class VillageDirectorImporter(Importer):
    """村妇代会主任登记表 (ledger ``village_directors``): matched by name within the village."""

    yearly = False
    noun = _("人")
    unique_key = None
    notes = (
        with_director(_("按姓名在本村已登记的{director}中查找：找到的更新，找不到的新建。")),
        _("“村”一列可以空着；填了须是本村。"),
        _("出生年月、任职时间、离任时间填年月即可，如 1975年6月、1975.6 或 1975-06。"),
    )
    _months = ("birth_month", "in_office_since", "left_office_on")

    def prepare(self, rows: list[ImportRow]) -> None:
        self.directors: dict[str, list[VillageDirector]] = {}
        for director in VillageDirector.objects.filter(village=self.village).order_by("pk"):
            self.directors.setdefault(director.name, []).append(director)
        self.first_row_of: dict[str, int] = {}

    def apply_row(self, row: ImportRow) -> str:
        check_own_village(
            row,
            self.village,
            gettext("只能导入本村（%(village)s）的%(director)s，这一行写的是“%(written)s”。"),
            director=DIRECTOR,
        )
        name = row.get("name")
        if name in self.first_row_of:
            row.fail("name", gettext("与第 %(row)s 行的姓名重复。") % {"row": self.first_row_of[name]})
        self.first_row_of.setdefault(name, row.number)
        same = self.directors.get(name, [])
        if len(same) > 1:
            row.fail(
                "name",
                gettext("本村已登记了不止一位叫“%(name)s”的%(director)s，请在系统中修改。")
                % {"name": name, "director": DIRECTOR},
            )
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
                value = field_default(VillageDirector, f.key)
            values[f.key] = value
        is_new = director.pk is None
        if not self.changed(director, values) and not is_new:
            return UNCHANGED
        self.save(director, row)
        self.directors[name] = [director]
        return CREATED if is_new else UPDATED


declare(
    village_register(
        model=VillageDirector,
        path="village-directors",
        ledger="village_directors",
        table=TABLE,
        importer=VillageDirectorImporter,
        form_base=VillageDirectorForm,
        widgets={
            "birth_month": DATE_INPUT,
            "in_office_since": DATE_INPUT,
            "left_office_on": DATE_INPUT,
            "phone": PHONE_INPUT,
        },
        list_columns=VillageDirector.list_columns,
        menu_order=10,
        help=lambda year: gettext(
            "{director}登记表：每村一份，写明姓名、工作单位、出生年月、文化程度、政治面貌、任职时间、"
            "进村两委情况、兼职情况、年收入、是否在编和联系电话，填好即报乡镇妇联。"
        ).format(director=DIRECTOR),
    )
)
