"""妇女之家 (seed, 2014 plan item 1): each village's women's home, its signboard and equipment."""

import re
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind, Total
from federation.ledgers.exports.definitions import Table
from federation.ledgers.imports.framework import CREATED, UNCHANGED, UPDATED, Importer, ImportRow, RowInvalid
from federation.web.registers import declare
from registry.columns import village_column
from registry.entries import NOTES, check_own_village, field_default, village_register
from registry.forms.registers import DATE_INPUT
from registry.models import WomensHome


def equipment_lines(text: str) -> list[str]:
    """Return the items of an equipment text: one a line on the form, separated by 、 in the ledger."""
    return [item.strip() for item in re.split(r"[\n、]", text or "") if item.strip()]


TABLE = Table(
    title=_("妇女之家建设情况登记表"),
    columns=(
        village_column("村名"),
        Column.of_field("signed_up", _("是否挂牌"), Kind.BOOL, total=Total.COUNT),
        Column.of_field("signed_up_on", _("挂牌时间"), Kind.DATE),
        Column.of_field("has_office", _("妇联办公室"), Kind.BOOL, total=Total.COUNT),
        Column(
            "equipment",
            _("已配备设备"),
            width=30,
            wrap=True,
            source=lambda home, ctx: "、".join(equipment_lines(home.equipment)),
            aliases=("设备", "配备设备"),
            help=_("每项用顿号分开，如 桌椅 10 套、书柜 1 个。"),
        ),
        Column.of_field("equipment_received_on", _("设备到位时间"), Kind.DATE, width=12),
        replace(NOTES, width=16),
    ),
    count_unit="个",
    landscape=False,
    notes=(
        "各村委会应设妇联办公室，并挂“××村妇女之家”牌子；设备由县妇联逐步配备（2014 年工作要点第 1 条）。",
        "合计行“是否挂牌”“妇联办公室”栏为“是”的个数。",
    ),
)


class WomensHomeImporter(Importer):
    """妇女之家建设情况登记表 (ledger ``womens_homes``): the village's one home, updated or registered."""

    yearly = False
    noun = _("个")
    unique_key = None
    person_column = "village"
    notes = (
        _("一个村一行：本村已登记妇女之家的，更新它；还没有登记的，新登记。"),
        _("“村”一列可以空着；填了须是本村。已配备设备每项用顿号分开。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.home = WomensHome.objects.filter(village=self.village).first()
        self.first_row: int | None = None

    def apply_row(self, row: ImportRow) -> str:
        check_own_village(
            row, self.village, gettext("只能导入本村（%(village)s）的妇女之家，这一行写的是“%(written)s”。")
        )
        if self.first_row is not None:
            row.fail(
                "village",
                gettext("与第 %(row)s 行是同一个村：一个村只有一个妇女之家。") % {"row": self.first_row},
            )
        self.first_row = self.first_row or row.number
        if row.errors:
            raise RowInvalid
        home = self.home or WomensHome(village=self.village)
        values: dict[str, Any] = {}
        for column in self.fields:
            if column.field and row.has(column.key):
                value = row.get(column.key)
                values[column.field] = field_default(WomensHome, column.field) if value is None else value
        if row.has("equipment"):
            values["equipment"] = "\n".join(equipment_lines(row.get("equipment")))
        is_new = home.pk is None
        if not self.changed(home, values) and not is_new:
            return UNCHANGED
        self.save(home, row)
        self.home = home
        return CREATED if is_new else UPDATED


declare(
    village_register(
        model=WomensHome,
        path="womens-homes",
        ledger="womens_homes",
        table=TABLE,
        importer=WomensHomeImporter,
        widgets={"signed_up_on": DATE_INPUT, "equipment_received_on": DATE_INPUT},
        list_columns=("village", "signed_up", "signed_up_on", (_("妇联办公室"), "has_office")),
        list_attrs={"add_label": _("登记妇女之家")},
        help=lambda year: gettext(
            "妇女之家：每村在村委会设妇联办公室，挂“××村妇女之家”的牌子；这里记是否挂牌和县上配发的设备。"
        ),
        menu_order=11,
    )
)
